"""The HTML WeasyPrint lays out: the deck's own static slides (render.slide_html, deck.css and
the theme: one layout for the deck and the pages) plus the few rules only paper needs: page
size, one slide per page, the outline, speaker notes under the slide."""

from __future__ import annotations

import html as _html
import re
from html.parser import HTMLParser
from typing import Iterable, Sequence

from ..i18n import tr
from ..steps._html import esc

# 1280×720 CSS px = 13.333 in × 7.5 in: the 16:9 design size of every slide.
PAGE_WIDTH = 1280
PAGE_HEIGHT = 720
# With --notes a page is the slide plus a band for its notes below (notes that do not fit
# continue on a page of the same size, never shrink to unreadable type).
NOTES_HEIGHT = 400


def export_css(*, notes: bool) -> str:
    return f"""
/* --- export (bohbvis.export) --- */
@page {{ size: {PAGE_WIDTH}px {PAGE_HEIGHT}px; margin: 0; }}
@page bv-notes {{ size: {PAGE_WIDTH}px {PAGE_HEIGHT + NOTES_HEIGHT}px; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
/* One page per slide, exactly the design size. WeasyPrint splits a block (even with a fixed
   height and overflow: hidden) across pages when its content is taller than the page; an
   inline-block is never split, so each slide sits in one: content taller than the slide is
   clipped (as in the deck) and reported by the exporter, it never shifts later slides. */
.bv-page {{ break-after: page; line-height: 0; }}
.bv-slot {{ display: inline-block; vertical-align: top; width: {PAGE_WIDTH}px; height: {PAGE_HEIGHT}px;
  overflow: hidden; line-height: 1.4; }}
section.slide {{
  width: {PAGE_WIDTH}px; height: {PAGE_HEIGHT}px; max-height: {PAGE_HEIGHT}px;
  overflow: hidden; box-sizing: border-box; position: relative; margin: 0;
  break-after: auto; page-break-after: auto;
}}
/* Final state: every fragment shown. */
.fragment {{ opacity: 1 !important; visibility: visible !important; transform: none !important; }}
/* The outline (PDF bookmarks) lists slide titles only, not the headings inside slides. */
h1, h2, h3, h4, h5, h6 {{ bookmark-level: none; }}
section.slide .slide-title {{ bookmark-level: 1; bookmark-label: content(text); }}
section.slide aside.notes {{ display: none; }}
/* Charts are SVG images in their area, never enlarged, shrunk to fit (see chart_image). */
.chart-svg {{ position: relative; }}
.chart-svg img.bv-chart {{ position: absolute; left: 0; top: 0; width: 100%; height: 100%;
  object-fit: scale-down; object-position: 50% 0; }}
/* On paper a table under a chart takes the room its rows need (a table following the
   chart's selection shows its first three rows only: nothing is brushed), the chart the rest;
   the deck splits the room evenly. */
.layout-stack .slide-body > figure.chart-block ~ .static-table {{ flex: 0 1 auto; }}
/* Slides without charts need no flexible room (a table block has no border or background
   of its own, so filling the rest of the slide shows nothing): their body is laid out as
   plain blocks, each its own formatting context so margins add up as between flex items.
   The same picture; WeasyPrint lays out nested flex boxes 2-3x slower. */
.bv-plain section.layout-stack > .slide-body, .bv-plain .layout-title .slide-body {{ display: block; }}
.bv-plain section.layout-stack > .slide-body > .block, .bv-plain .layout-title .slide-body > .block {{ display: flow-root; }}
/* A static table is a plain block (same look): one flex level less makes WeasyPrint lay
   the slide out ~25 % faster. */
.static-table {{ display: block; }}
/* Flex boxes are WeasyPrint's slowest layout: it lays every flex item out several times
   (once more for `min-width: auto`, once more for `min-height: auto`, once for its base
   size) and nesting multiplies that. On paper the same picture comes from a grid: a
   stacked slide is its header (auto) over its body (the rest), a chart's figure is its
   drawing (the rest) over its state line and caption; a chart slide's body gets its rows
   per page from page_document (blocks auto, charts sharing the rest, as flex: 1 1 0 does).
   Measured on the advisor deck: page layout 1.24 s -> 0.85 s (0.6 s with page_document's
   body_heights), pixel-identical pages. */
section.slide.static.layout-stack {{ display: grid; grid-template-columns: minmax(0, 1fr);
  grid-template-rows: auto minmax(0, 1fr); }}
section.slide.static.layout-stack > .slide-header {{ grid-area: 1 / 1; }}
section.slide.static.layout-stack > .slide-body {{ grid-area: 2 / 1; }}
section.slide.static figure.chart-block {{ display: grid; grid-template-columns: minmax(0, 1fr);
  grid-template-rows: minmax(0, 1fr); grid-auto-rows: auto; }}
/* The flex boxes left (the title slide, tables' slides, columns, a step's own flex rows):
   an automatic minimum size only keeps a flex item from shrinking below its content, and
   these items do not shrink (flex: none) or already say min-height: 0; spelled out, it
   spares WeasyPrint one extra layout of each item. */
section.slide.static .slide-header, section.slide.static .slide-body,
section.slide.static .slide-body > .block, section.slide.static .chart-block > *,
section.slide.static .overview > *, section.slide.static .stats > * {{ min-width: 0; min-height: 0; }}
/* WeasyPrint sizes a flex item holding text with a negative letter-spacing as if the text
   wrapped (one line more: the title header grew by 50 px and pushed the chart off the page).
   The deck's -0.01em/-0.02em title tracking is dropped on paper: 1 % wider titles. */
.slide-title, .slide-subtitle {{ letter-spacing: 0 !important; }}
/* See _measure.runt_lines: one pixel less room moves the exact fit that trips WeasyPrint. */
.bv-nudge .slide-body .block {{ padding-right: 1px; }}
""" + (_NOTES_CSS if notes else "")


_NOTES_CSS = f"""
.bv-page.bv-with-notes {{ page: bv-notes; }}
.bv-notes {{
  box-sizing: border-box; width: {PAGE_WIDTH}px; padding: 24px 60px 32px;
  border-top: 2px solid var(--grid, #ccc); font-size: 20px; line-height: 1.4;
  font-family: var(--font-body, sans-serif);
  color: var(--fg, #222); background: var(--bg, #fff);
}}
.bv-notes .bv-notes-label {{ font-size: 15px; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted, #666); margin: 0 0 8px; }}
.bv-notes p {{ margin: 0 0 .6em; }}
"""


def body_rows(slide) -> str | None:
    """The grid rows of a stacked chart slide's body (see export_css): one per block, `auto`
    for text, the rest shared by the charts; None keeps the deck's flex column (slides with
    a table: WeasyPrint sizes a table in a grid row more slowly than in a flex column)."""
    from ..steps._base import Chart, UserText

    if slide.layout != "stack" or not slide.charts or slide.tables:
        return None
    return " ".join("minmax(0, 1fr)" if isinstance(b, Chart) else "auto"
                    for b in slide.blocks if not isinstance(b, UserText))  # UserText renders nothing


def page_document(slides_html: Sequence[str], notes_html: Sequence[str] | None, *, title: str, lang: str,
                  author: str | None = None, css: str = "", plain: Sequence[bool] | None = None,
                  nudge: Sequence[bool] | None = None, rows: Sequence[str | None] | None = None,
                  body_heights: Sequence[float | None] | None = None) -> str:
    """The whole document: one `<section class="slide">` per page, notes (if any) under it.
    `css` goes into a <style> tag; pdf.layout can take it pre-parsed instead. `rows`: a
    page's body_rows, its slide body laid out as that grid. `body_heights`: a stacked
    slide's body height (px, measured beforehand): its slide is then laid out as plain
    blocks, the header above a body of that height. The same boxes as the slide's grid
    (header auto, body the rest), but WeasyPrint lays the body out once instead of twice
    (once to size the grid's rows)."""
    parts = []
    label, empty = esc(tr("Speaker notes")), esc(tr("(no notes)"))
    for i, r in enumerate(rows or ()):
        if r:
            css += (f".bv-grid-{i} section.slide.static > .slide-body {{ display: grid; "
                    f"grid-template-columns: minmax(0, 1fr); grid-template-rows: {r}; }}")
    for i, h in enumerate(body_heights or ()):
        if h is not None:  # header and body are grid items, so each its own formatting context
            css += (f".bv-fix-{i} section.slide.static.layout-stack {{ display: block; }}"
                    f".bv-fix-{i} section.slide.static > .slide-header {{ display: flow-root; }}"
                    f".bv-fix-{i} section.slide.static > .slide-body {{ height: {h!r}px; }}"
                    f".bv-fix-{i}.bv-plain section.slide.static > .slide-body {{ display: flow-root; }}")
    for i, section in enumerate(slides_html):
        page = "bv-page" + (" bv-plain" if plain and plain[i] else "") + (" bv-nudge" if nudge and nudge[i] else "")
        page += f" bv-grid-{i}" if rows and rows[i] else ""
        page += f" bv-fix-{i}" if body_heights and body_heights[i] is not None else ""
        if notes_html is None:
            parts.append(f'<div class="{page}"><div class="bv-slot">{section}</div></div>')
            continue
        notes = notes_html[i] or f'<p class="bv-notes-empty">{empty}</p>'
        parts.append(f'<div class="{page} bv-with-notes"><div class="bv-slot">{section}</div><div class="bv-notes">'
                     f'<p class="bv-notes-label">{label}</p>{notes}</div></div>')
    meta = f'<meta name="author" content="{esc(author)}">' if author else ""
    return (f'<!DOCTYPE html><html lang="{esc(lang)}" class="bohbvis static-deck export"><head>'
            f'<meta charset="utf-8"><title>{esc(title)}</title>{meta}'
            f'<meta name="generator" content="bohbvis">{f"<style>{css}</style>" if css else ""}</head>'
            f'<body>{"".join(parts)}</body></html>')


def table_probe_document(sections: Sequence[str]) -> str:
    """Slides holding only their header and tables, as plain blocks of natural height (quick
    to lay out), one per page: the tables get the width they get on the real slide, to
    measure columns; the header's height gives the body's."""
    css = ("section.slide.static, section.slide.static .slide-body, section.slide.static .static-table "
           "{ display: block !important; height: auto !important; max-height: none !important; }"
           ".bv-slot { height: auto !important; } .slide-header { display: flow-root; }")
    return page_document(sections, None, title="", lang="en", css=css)


_TBODY = re.compile(r"(<tbody>)(.*?)(</tbody>)", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<td\b[^>]*>.*?</td>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def widest_rows(section: str, keep: int = 3) -> str:
    """A static table's section with its body rows replaced by `keep` rows made of each
    column's longest cells (the i-th row holds every column's i-th longest cell; the
    "… N more rows" line stays).

    Only to measure column widths: with `white-space: nowrap` a column is as wide as its
    widest cell, and the longest texts are the widest ones (digits are tabular). A column
    measured too narrow (a shorter but wider text) is still cut by the page layout's own
    check, so this can only cost a second layout of that slide, never a wrong page.
    Fewer cells make the measuring layout cheaper (WeasyPrint sizes every cell)."""

    def rewrite(match: re.Match) -> str:
        body = match.group(2)
        rows = [_CELL.findall(r) for r in _ROW.findall(body)]
        rest = _ROW.sub("", body)  # the "… N more rows" line (<tr class=...>)
        if len(rows) <= keep or len({len(r) for r in rows}) != 1:
            return match.group(0)
        by_length = [sorted(col, key=lambda c: -len(_html.unescape(_TAGS.sub("", c)))) for col in zip(*rows)]
        synthetic = "".join("<tr>" + "".join(col[j] for col in by_length) + "</tr>" for j in range(keep))
        return match.group(1) + synthetic + rest + match.group(3)

    return _TBODY.sub(rewrite, section)


class _TextOf(HTMLParser):
    """Collects the text a page shows (no <style>/<script>, no hidden speaker notes)."""

    SKIP = {"style", "script", "title"}

    def __init__(self, skip_notes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_notes = skip_notes
        self.depth_skipped = 0
        self.stack: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link", "hr", "wbr", "col", "source"):
            return
        classes = (dict(attrs).get("class") or "").split()
        skip = tag in self.SKIP or (self.skip_notes and tag == "aside" and "notes" in classes)
        self.stack.append(skip)
        self.depth_skipped += skip

    def handle_endtag(self, tag):
        if self.stack and tag not in ("br", "img", "input", "meta", "link", "hr", "wbr", "col", "source"):
            self.depth_skipped -= self.stack.pop()

    def handle_data(self, data):
        if not self.depth_skipped:
            self.text.append(data)


def visible_text(html: str, *, skip_notes: bool = True) -> str:
    parser = _TextOf(skip_notes)
    parser.feed(html)
    parser.close()
    return _html.unescape(" ".join(parser.text))


def chart_image(key: str, alt: str) -> str:
    """A chart on the page: its SVG as an image (served by pdf.layout) filling the chart's
    area and drawn at its own size, or scaled down to fit (`object-fit: scale-down`), top
    centred like the deck's charts. `data-bv-chart` lets _measure find the area it got."""
    return f'<img class="bv-chart" src="bohbvis-chart:{esc(key)}" data-bv-chart="{esc(key)}" alt="{esc(alt)}">'


def slide_place(index: int, title: str) -> str:
    """How messages name a slide: "slide 3 ('Results')"."""
    return f"slide {index + 1}" + (f" ('{title}')" if title else "")


def notes_blocks(notes: Iterable[str]) -> list[str]:
    from ..render.markdown import render_markdown

    return [render_markdown(n) for n in notes]
