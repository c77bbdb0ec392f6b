"""PDF and PNG export of a built deck, without a browser.

    from bohbvis.export import export_deck
    export_deck(deck, "deck.pdf")            # one vector PDF, a 16:9 page per slide
    export_deck(deck, "slides/", scale=2)    # slides/slide-01.png … at 2560×1440

Charts are drawn by vl-convert, pages laid out by WeasyPrint with the deck's own CSS and
theme, PNGs rasterized from that PDF by pdfium (docs/export.md says why). This module stays
light: the machinery is imported when an export runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def export_deck(deck: Any, output: str | Path, *, scale: float = 1.0, notes: bool = False,
                charts_dir: str | Path | None = None, progress: bool = False) -> Path:
    """Write `deck` as a PDF (`*.pdf`) or one PNG per slide (`*.png`, or a folder).

    scale: PNG resolution (1 → 1280×720 px). notes: speaker notes under each slide.
    charts_dir: also write every chart alone as SVG, PDF and PNG (named after the chart ids).
    Returns the PDF, or the folder the PNGs are in. Raises BohbvisError for bad input.
    """
    from ._export import run_export

    return run_export(deck, output, scale=scale, notes=notes, charts_dir=charts_dir, progress=progress)


__all__ = ["export_deck"]
