"""Laying out pages with WeasyPrint and writing a reproducible PDF.

WeasyPrint writes no dates unless the document asks for them, and its file identifier is a
hash of the content, so the same HTML gives the same bytes. Dates come only from
SOURCE_DATE_EPOCH (the reproducible-builds convention) or an ISO date in the story.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..errors import BohbvisError

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?")


def metadata_date(story_date: str | None = None) -> str | None:
    """The PDF's creation/modification date as a W3C date, or None for no date at all."""
    epoch = os.environ.get(SOURCE_DATE_EPOCH)
    if epoch:
        try:
            stamp = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise BohbvisError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, not '{epoch}'.",
                               key=SOURCE_DATE_EPOCH, allowed="an integer, e.g. 1700000000") from None
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    if story_date and _ISO_DATE.fullmatch(str(story_date).strip()):
        return str(story_date).strip()
    return None


CHART_SCHEME = "bohbvis-chart:"


def _fetcher(charts: Mapping[str, str]):
    """WeasyPrint's URL fetcher for an export: our chart SVGs, local files and data: URIs;
    anything else (http, ftp …) is refused, so an export never reaches the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ExportFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(CHART_SCHEME):
                svg = charts[url[len(CHART_SCHEME):]]
                return URLFetcherResponse(url, body=svg.encode("utf-8"), headers={"Content-Type": "image/svg+xml"})
            return super().fetch(url, headers)

    return ExportFetcher(allowed_protocols=("file", "data"))


@dataclass(frozen=True)
class Stylesheet:
    """The pages' CSS parsed once for both layout passes (parsing deck.css costs ~0.13 s)."""

    css: Any
    font_config: Any


def stylesheet(css: str, base_url: str | Path | None = None) -> Stylesheet:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()  # holds a theme's @font-face fonts, if it has any
    return Stylesheet(CSS(string=css, base_url=_base(base_url), url_fetcher=_fetcher({}),
                          font_config=font_config), font_config)


def _base(base_url) -> str | None:
    return str(Path(base_url).resolve()) + "/" if base_url else None


def layout(html: str, base_url: str | Path | None = None, charts: Mapping[str, str] | None = None,
           style: Stylesheet | None = None):
    """WeasyPrint's laid-out document (pages, anchors, boxes), ready to write.

    Chart SVGs are images (`<img src="bohbvis-chart:N">`) served from `charts`: WeasyPrint
    parses an SVG image with ElementTree (C) when drawing it, but inline SVG with its pure
    Python HTML parser: 0.5 s for one 1,800-point scatter. An SVG image is still drawn as
    vector shapes and real text."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=_base(base_url), url_fetcher=_fetcher(charts if charts is not None else {}))
    if style is None:
        return document.render()
    return document.render(stylesheets=[style.css], font_config=style.font_config)


def write_pdf(document, date: str | None = None) -> bytes:
    if date:
        document.metadata.created = date
        document.metadata.modified = date
    return document.write_pdf()


def svg_pdf(svg: str) -> bytes:
    """One chart alone as a vector PDF page of the chart's own size (for `--charts`).

    Drawn by WeasyPrint like the deck's pages (vl-convert's own PDFs order their objects
    differently from run to run, so they are not reproducible byte for byte)."""
    from .charts import svg_size

    width, height = svg_size(svg)
    html = (f"<!doctype html><html><head><style>@page {{ size: {width}px {height}px; margin: 0 }}"
            f"html, body {{ margin: 0 }} img {{ display: block; width: {width}px; height: {height}px }}"
            f"</style></head><body><img src=\"{CHART_SCHEME}0\" alt=\"\"></body></html>")
    return write_pdf(layout(html, charts={"0": svg}), metadata_date())
