"""One slide as HTML, for the interactive deck and for static pages (PDF/PNG export).

Both modes share the markup and `deck.css` + the theme, so colors, fonts and layout have one
source of truth. Static mode (`static=True`) is what WeasyPrint lays out: every fragment shown,
charts as the inline SVG the exporter rendered, tables as the first rows, and no script.
"""

from __future__ import annotations

import math
import numbers
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from ..i18n import tr, trn
from ..model.format import FILTERS
from ..steps._base import Chart, Html, Markdown, Slide, Table, UserText
from ..steps._html import esc
from ..steps._rows import value_labels
from .markdown import render_inline, render_markdown
from .theme import Theme

LAYOUTS = ("stack", "columns", "title")
FEW_ROWS = 6  # a table this short keeps its natural height on the slide


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A file from bohbvis/render/assets (deck.css, deck.js, …)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def css_for_style_tag(css: str) -> str:
    """CSS safe inside <style>: a theme file must not be able to close the tag (`</style>`).
    `\\3c ` is CSS's own escape for '<', so strings and selectors keep their meaning."""
    return css.replace("<", "\\3c ")


def deck_css(theme: Theme) -> str:
    """Layout CSS followed by the theme's CSS: what both the deck and the exported pages use."""
    return asset("deck.css") + "\n/* theme: " + esc(theme.name).replace("*/", "") + " */\n" + css_for_style_tag(theme.css)


def slide_html(slide: Slide, *, index: int, static: bool = False,
               chart_svgs: Mapping[str, str] | None = None) -> str:
    """A `<section class="slide">` for slide number `index` (0-based)."""
    layout = slide.layout if slide.layout in LAYOUTS else "stack"
    classes = f"slide layout-{layout}" + (" static" if static else "")
    label = (tr("Slide {n}: {title}", n=index + 1, title=slide.title) if slide.title
             else tr("Slide {n}", n=index + 1))
    blocks = "".join(_block(b, static=static, chart_svgs=chart_svgs or {}) for b in slide.blocks)
    if layout == "title":
        head = (f'<h1 class="slide-title">{esc(slide.title)}</h1>' if slide.title else "") + (
            f'<p class="slide-subtitle">{render_inline(slide.subtitle)}</p>' if slide.subtitle else "")
        body = f'<div class="title-block">{head}<div class="slide-body">{blocks}</div></div>'
    else:
        head = (f'<h2 class="slide-title">{esc(slide.title)}</h2>' if slide.title else "") + (
            f'<p class="slide-subtitle">{render_inline(slide.subtitle)}</p>' if slide.subtitle else "")
        body = (f'<header class="slide-header">{head}</header>' if head else "") + f'<div class="slide-body">{blocks}</div>'
    described = [c.description for c in slide.charts if c.description]
    notes = render_markdown("\n\n".join(
        [slide.notes] * bool(slide.notes) + [tr("*Chart:* {description}", description=d) for d in described]))
    aside = f'<aside class="notes">{notes}</aside>' if notes else ""
    return (f'<section class="{classes}" data-kind="{esc(slide.kind)}" data-index="{index}" '
            f'id="slide-{index + 1}" aria-label="{esc(label)}">{body}{aside}</section>\n')


def _block(block: Any, *, static: bool, chart_svgs: Mapping[str, str]) -> str:
    if isinstance(block, Markdown):
        css = " ".join(filter(None, ("block text", block.css_class)))
        return f'<div class="{esc(css)}">{render_markdown(block.text, fragments=block.fragments and not static)}</div>'
    if isinstance(block, Html):
        return f'<div class="block html{_fragment(block.fragment, static)}">{block.html}</div>'
    if isinstance(block, UserText):
        return ""  # the story's text was templated into Markdown blocks before rendering
    if isinstance(block, Chart):
        return _chart(block, static=static, chart_svgs=chart_svgs)
    if isinstance(block, Table):
        return _static_table(block) if static else _live_table(block)
    raise TypeError(f"not a slide block: {type(block).__name__}")


def _fragment(on: bool, static: bool) -> str:
    return " fragment" if on and not static else ""


def _chart(chart: Chart, *, static: bool, chart_svgs: Mapping[str, str]) -> str:
    caption = f"<figcaption>{render_inline(chart.caption)}</figcaption>" if chart.caption else ""
    if static:
        if chart.id not in chart_svgs:
            raise ValueError(f"slide_html(static=True) needs chart_svgs[{chart.id!r}]")
        state = f'<p class="chart-state">{esc(chart.state)}</p>' if chart.state else ""
        # The SVG comes from vl-convert (our own renderer), not from the story: inserted as is.
        return f'<figure class="block chart-block"><div class="chart-svg">{chart_svgs[chart.id]}</div>{state}{caption}</figure>'
    label = esc(chart.description or chart.caption or chart.id)
    return (f'<figure class="block chart-block{_fragment(chart.fragment, static)}">'
            f'<p class="carry-badge" hidden></p>'
            f'<div class="vega-embed chart" data-chart-id="{esc(chart.id)}" role="group" aria-label="{label}"></div>'
            f'{caption}</figure>')


def _live_table(table: Table) -> str:
    """Header and tools; the deck's script fills, sorts and filters the rows (from the deck data)."""
    head = "".join(
        f'<th scope="col" data-key="{esc(c.key)}" data-format="{esc(c.format)}" aria-sort="none">'
        f'<button type="button">{esc(c.label)}</button></th>' for c in table.columns)
    placeholder, aria = esc(tr("Filter rows…")), esc(tr("Filter the rows"))
    tools = (f'<input type="search" class="table-filter" placeholder="{placeholder}" aria-label="{aria}">'
             if table.filterable else "")
    caption = f'<p class="table-caption">{render_inline(table.caption)}</p>' if table.caption else ""
    few = " few-rows" if len(table.rows) <= FEW_ROWS else ""
    # A table nobody filters or brushes needs no tool bar: a bare "5 rows" line is noise.
    quiet = " hidden" if not table.filterable and not table.follows else ""
    toggle = ""
    if table.collapsed:  # deck.js opens and closes it (and re-fits the charts above)
        show = esc(tr("Show the table"))
        toggle = (f'<button type="button" class="table-toggle" aria-expanded="false" '
                  f'aria-controls="table-{esc(table.id)}">{show}</button>')
        few += " collapsed"
    return (f'<div class="block table-block{few}" data-table-id="{esc(table.id)}">'
            f'<div class="table-tools"{quiet}>{toggle}{tools}<span class="table-status" aria-live="polite"></span></div>'
            f'<div class="table-scroll"><table class="data-table" id="table-{esc(table.id)}">'
            f'<thead><tr>{head}</tr></thead><tbody></tbody></table></div>{caption}</div>')


def _static_table(table: Table) -> str:
    rows = sort_rows(table.rows, table.sort)
    shown = rows[: max(table.static_rows, 0)]
    numeric = {c.key: _numeric_column(rows, c.key) for c in table.columns}
    words = value_labels()  # sample types and statuses in the deck's language (as the deck shows them)
    head = "".join(f'<th scope="col"{_num(numeric[c.key])}>{esc(c.label)}</th>' for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td{_num(numeric[c.key])}>{esc(_cell(r.get(c.key), c, words))}</td>"
                         for c in table.columns) + "</tr>" for r in shown)
    more = len(rows) - len(shown)
    if more > 0:
        # i18n: under a table cut short on paper; {n} is the number of rows not shown.
        text = trn("… {n} more row", "… {n} more rows", more)
        body += f'<tr class="more-rows"><td colspan="{len(table.columns)}">{esc(text)}</td></tr>'
    if not rows:
        body = f'<tr class="more-rows"><td colspan="{len(table.columns)}">{esc(table.empty_text)}</td></tr>'
    caption = f'<p class="table-caption">{render_inline(table.caption)}</p>' if table.caption else ""
    return (f'<div class="block table-block static-table"><div class="table-scroll"><table class="data-table">'
            f'<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{caption}</div>')


def _cell(x: Any, column, words: Mapping[str, Mapping[str, str]]) -> str:
    labels = words.get(column.key)
    if labels and isinstance(x, str) and x in labels:
        return labels[x]
    return format_cell(x, column.format)


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN, pandas NA raises TypeError
    except (TypeError, ValueError):
        return True


def _numeric_column(rows, key: str) -> bool:
    """Right-align a column when every value in it is a number (as the deck's script does)."""
    values = [r.get(key) for r in rows if not _missing(r.get(key))]
    return bool(values) and all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in values)


def _num(on: bool) -> str:
    return ' class="num"' if on else ""


def format_cell(x: Any, fmt: str) -> str:
    """A table cell as text (the deck's script mirrors this in JS)."""
    if _missing(x):
        return "–"
    if fmt in ("pct", "num", "int", "budget"):
        try:
            if isinstance(x, bool):
                raise TypeError
            x = float(x)
        except (TypeError, ValueError):
            # text in a number column is shown as it is; a yes/no value in words
            return FILTERS["value"](x) if isinstance(x, bool) else str(x)
    return FILTERS.get(fmt or "value", FILTERS["value"])(x)


def sort_rows(rows, sort: str | None) -> list:
    """Rows sorted by a column ("-key" descending); numbers numerically, missing values last."""
    rows = list(rows)
    if not sort:
        return rows
    key, descending = (sort[1:], True) if sort.startswith("-") else (sort, False)
    present = [r for r in rows if not _missing(r.get(key))]
    absent = [r for r in rows if _missing(r.get(key))]

    def order(r):
        v = r.get(key)
        return (0, float(v), "") if isinstance(v, (int, float)) and math.isfinite(float(v)) else (1, 0.0, str(v))

    return sorted(present, key=order, reverse=descending) + absent


def static_document(slides_html: list[str] | tuple[str, ...], theme: Theme, *, title: str = "", lang: str = "en") -> str:
    """A whole static document (one page per slide) for WeasyPrint."""
    return (f'<!DOCTYPE html><html lang="{esc(lang)}" class="bohbvis static-deck"><head><meta charset="utf-8">'
            f"<title>{esc(title)}</title><style>{deck_css(theme)}</style></head>"
            f'<body>{"".join(slides_html)}</body></html>')
