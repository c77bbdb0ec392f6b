"""How long a PDF export takes, against vl-convert drawing the same charts as PDFs by itself.

    python benchmarks/bench_export.py [--story advisor] [--data demo] [--repeat 3] [--target 3]

Prints the export time, the sum of vl-convert's own per-chart PDF times (the charts as the
export draws them: theme config and chart font applied) and their ratio; exits 1 when the
ratio is above the target (3: the export may spend at most twice the charts' own time on
laying out pages). Each number is the fastest of --repeat runs, after one warm-up run, so a
busy machine disturbs it less. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--story", default="advisor", help="a built-in story name or a story YAML (default: advisor)")
    ap.add_argument("--data", default=None, help="the run (default: the story's own data, usually the demo run)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--target", type=float, default=3.0, help="largest allowed export / vl-convert ratio")
    args = ap.parse_args()

    import warnings

    import vl_convert as vlc

    from bohbvis import api
    from bohbvis.export import charts, export_deck, fonts
    from bohbvis.render.theme import load_theme

    warnings.simplefilter("ignore")  # slides cut off are reported by `bohbvis export`, not here
    deck = api.make_deck(args.story, data=args.data)
    theme = load_theme(deck.theme, deck.theme_base)
    all_charts = [c for s in deck.slides for c in s.charts]
    family = fonts.chart_family(charts.spec_text(all_charts), fonts.font_set(),
                                fonts.css_families(theme.vega_config.get("font")))
    specs = [charts.export_spec(c.spec, theme.vega_config, family) for c in all_charts]

    def vl_convert_pdfs() -> None:
        for spec in specs:  # JSON text, as the export passes it (faster than a dict)
            vlc.vegalite_to_pdf(json.dumps(spec), allowed_base_urls=[])

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deck.pdf"

        def export() -> None:
            export_deck(deck, out)

        vl_convert_pdfs()  # warm-up: vl-convert starts its JavaScript runtime on first use
        export()
        charts_time = best_of(vl_convert_pdfs, args.repeat)
        export_time = best_of(export, args.repeat)
        size = out.stat().st_size

    ratio = export_time / charts_time if charts_time else float("inf")
    ok = ratio <= args.target
    print(f"story {args.story!r}: {len(deck.slides)} slides, {len(specs)} charts, PDF {size / 1e3:.0f} kB")
    print(f"vl-convert, each chart as its own PDF: {charts_time:6.2f} s")
    print(f"bohbvis export, the whole deck as PDF: {export_time:6.2f} s")
    print(f"ratio {ratio:.2f} (target ≤ {args.target:g}): {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
