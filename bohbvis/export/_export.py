"""One export, start to end: charts → slide HTML → font check → pages → PDF (→ PNGs) → files.

Everything is computed in memory first; files are written only at the end, atomically, so a
failure (a missing font, a bad chart) leaves no partial output behind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .._output import check_folder_target
from ..errors import BohbvisError
from . import _measure, _pages, charts, fonts
from ._progress import Progress
from ._target import numbered_pattern, publish_files, resolve_target, write_file_atomic


def run_export(deck: Any, output: str | Path, *, scale: float = 1.0, notes: bool = False,
               charts_dir: str | Path | None = None, progress: bool = False) -> Path:
    from ..i18n import Language, activate

    with activate(getattr(deck, "language", None) or Language()):
        return _run_export(deck, output, scale=scale, notes=notes, charts_dir=charts_dir, progress=progress)


def _run_export(deck: Any, output: str | Path, *, scale: float, notes: bool,
                charts_dir: str | Path | None, progress: bool) -> Path:
    target = resolve_target(output)  # a wrong suffix fails before any work
    if charts_dir is not None:
        check_folder_target(Path(charts_dir), key="--charts")
    if not (0 < float(scale) <= 16):
        raise BohbvisError(f"--scale must be above 0 and at most 16, not {scale}.", key="--scale",
                           allowed="e.g. 1 (1280×720 px) or 2 (2560×1440 px)")
    if not deck.slides:
        raise BohbvisError("the story has no steps, so there is no slide to export.", key="steps")
    with Progress(progress) as bar:
        pages = build_pages(deck, notes=notes, bar=bar)
        with bar.task("PDF (WeasyPrint)", 1):
            pdf = pages.pdf()
        chart_files: dict[str, bytes] = {}
        if charts_dir is not None:
            with bar.task("charts alone", len(pages.charts)) as t:
                for chart, spec in pages.charts:
                    chart_files.update(charts.chart_files([(chart, spec)], pages.natural_svgs))
                    t.advance()
        if target.kind == "pdf":
            written = write_file_atomic(target.path, pdf)
        else:
            from .png import rasterize

            with bar.task("PNG pages (pdfium)", pages.count) as t:
                images = rasterize(pdf, scale, on_page=t.advance)
            names = target.png_names(len(images), pages.png_suffixes())
            publish_files(target.path, dict(zip(names, images)), stale=numbered_pattern(target.stem))
            written = target.path
        if charts_dir is not None:
            publish_files(Path(charts_dir), chart_files)
    return written


@dataclass(frozen=True)
class Pages:
    """The laid-out deck: the WeasyPrint document and what went into it."""

    document: Any
    owners: tuple[int, ...]  # page -> 0-based slide
    charts: tuple  # (Chart, export spec at its designed size), deck order
    natural_svgs: dict  # chart id -> SVG at the designed size (for --charts)
    family: str  # the charts' font
    date: str | None

    @property
    def count(self) -> int:
        return len(self.document.pages)

    def pdf(self) -> bytes:
        from .pdf import write_pdf

        return write_pdf(self.document, self.date)

    def png_suffixes(self) -> tuple[str, ...]:
        """'' for a slide's first page, '-2', '-3' … for notes that ran over."""
        out, seen = [], {}
        for owner in self.owners:
            seen[owner] = seen.get(owner, 0) + 1
            out.append("" if seen[owner] == 1 else f"-{seen[owner]}")
        return tuple(out)


def build_pages(deck: Any, *, notes: bool = False, bar: Progress | None = None) -> Pages:
    """Charts drawn and fitted, fonts checked, pages laid out (no file written).

    1. A probe measures the slides' headers (so the layout needs no grid to size bodies) and
       tables wider than a slide lose the columns that do not fit (measured alone: cheap).
    2. The whole deck is laid out once, with every chart drawn by vl-convert as an SVG image.
    3. Only slides where that layout shows a chart to re-draw smaller, a table to cut or
       WeasyPrint's runt-line bug are laid out again; their pages replace the first ones.
    """
    from ..render.slide_html import deck_css
    from ..render.theme import deck_theme
    from .pdf import layout, metadata_date, stylesheet

    bar = bar or Progress(False)
    theme = deck_theme(deck)
    font_set = fonts.font_set()
    placed = [(i, c) for i, s in enumerate(deck.slides) for c in s.charts]
    family = fonts.chart_family(charts.spec_text(c for _, c in placed), font_set,
                                fonts.css_families(theme.vega_config.get("font")))
    specs = {c.id: charts.export_spec(c.spec, theme.vega_config, family) for _, c in placed}
    keys = {c.id: str(n) for n, (_, c) in enumerate(placed)}  # chart id -> URL key on the page

    natural: dict[str, str] = {}
    served = _Served()
    with bar.task("charts (vl-convert)", len(placed)) as t:
        for i, chart in placed:
            natural[chart.id] = _draw(chart, specs[chart.id], i, deck.slides[i])
            served.add(keys[chart.id], natural[chart.id])
            t.advance()
    # Relative url()s in a theme file resolve against the theme's folder.
    style = stylesheet(deck_css(theme) + _pages.export_css(notes=notes),
                       theme.path.parent if getattr(theme, "path", None) else deck.theme_base)
    notes_html = _pages.notes_blocks(s.notes for s in deck.slides) if notes else None
    story = getattr(deck, "story", None)
    slides = [_table_under_chart(s) for s in deck.slides]
    section = _Sections(slides, keys)

    def lay_out(indices, nudged=frozenset()):
        html = _pages.page_document(
            [section(i) for i in indices],
            [notes_html[i] for i in indices] if notes_html else None,
            title=deck.title, lang=deck.lang, author=getattr(story, "author", None),
            plain=[not slides[i].charts for i in indices], nudge=[i in nudged for i in indices],
            rows=[_pages.body_rows(slides[i]) for i in indices],
            body_heights=[body_heights.get(i) for i in indices])
        return layout(html, deck.theme_base, served, style)

    with bar.task("pages (WeasyPrint)", 3) as t:
        body_heights = _probe(slides, lambda html: layout(html, deck.theme_base, {}, style))
        t.advance()
        fonts.check_coverage(_page_texts(slides, section, notes_html, natural), font_set)
        first = lay_out(range(len(slides)))
        t.advance()
        owners = _measure.pages_per_slide(first)
        nudged = _measure.runt_lines(first, owners)
        redo = set(nudged)
        for (i, k), fit in _measure.table_fits(first, owners).items():
            slides[i] = _cut_table(slides[i], k, fit)
            redo.add(i)
        # A chart larger than its area is drawn again with a smaller plot (same type size).
        # Where a table was cut the area grows in the second layout: there the page just
        # scales the chart down to fit (object-fit), which needs no third layout.
        areas = _measure.chart_areas(first)
        for i, chart in placed:
            smaller = None if i in redo else charts.refit(specs[chart.id], natural[chart.id], areas.get(keys[chart.id]))
            if smaller is not None:
                keys[chart.id] += "-fit"
                served.add(keys[chart.id], smaller[1])
                redo.add(i)
        document, owners = (_replace_slides(first, owners, lay_out(sorted(redo), nudged)) if redo
                            else (first, owners))
        t.advance()
    if not notes and len(owners) != len(slides):  # the CSS keeps each slide on one page
        raise RuntimeError(f"export layout: {len(owners)} pages for {len(slides)} slides")
    for i, px in sorted(_measure.clipped_slides(document).items()):
        bar.warn(f"{_pages.slide_place(i, slides[i].title)}: the content is {px:.0f} px taller than "
                 f"the slide and is cut off at the bottom (as in the HTML deck); shorten it or split the slide.")
    return Pages(document, tuple(owners), tuple((c, specs[c.id]) for _, c in placed), natural, family,
                 metadata_date(getattr(story, "date", None)))


def _replace_slides(first, owners: list[int], second) -> tuple[Any, list[int]]:
    """`first` with the pages of the slides laid out again in `second` in their place.
    Pages keep their slide's anchor (slide-N), so both layouts map back to slides."""
    again = _measure.pages_per_slide(second)
    merged = [(o, n, p) for n, (o, p) in enumerate(zip(owners, first.pages)) if o not in set(again)]
    merged += [(o, len(owners) + n, p) for n, (o, p) in enumerate(zip(again, second.pages))]
    merged.sort(key=lambda item: item[:2])  # by slide, then page order within it
    return first.copy([p for _, _, p in merged]), [o for o, _, _ in merged]


class _Sections:
    """slide_html of slide i with its current chart keys, rendered once per (slide, keys):
    the font check and the layouts show the same sections (a static table's HTML alone
    costs ~10 ms: its number columns are checked over all rows)."""

    def __init__(self, slides: list, keys: dict[str, str]) -> None:
        self.slides, self.keys, self.done = slides, keys, {}

    def __call__(self, i: int) -> str:
        slide = self.slides[i]
        keys = tuple(self.keys[c.id] for c in slide.charts)
        hit = self.done.get(i)
        if hit is None or hit[0] is not slide or hit[1] != keys:
            hit = self.done[i] = (slide, keys, _section(slide, i, self.keys))
        return hit[2]


class _Served(dict):
    """What pdf.layout serves at bohbvis-chart:KEY: the page version of each chart's SVG."""

    def add(self, key: str, svg: str) -> None:
        self[key] = charts.page_svg(svg)


# On paper a table that follows a chart's selection, under that chart, shows this many rows
# at most (then "… N more rows"): nothing is brushed, so its rows are just the first ones,
# and the chart keeps the room. Tables that are the point of their slide (the top 5) keep theirs.
ROWS_UNDER_CHART = 3


def _probe(slides: list, lay_out) -> dict[int, float]:
    """Before the slides are laid out, one small document measures what that layout needs
    (so it needs no second pass): tables wider than the slide lose the columns that do not
    fit (each table alone, at the width it gets on a stacked slide), and every stacked
    slide's header is measured, which gives its body's height: {slide: body height}."""
    probed = [(i, s) for i, s in enumerate(slides) if s.layout == "stack" or (s.tables and s.layout == "title")]
    if not probed:
        return {}
    sections = [_pages.widest_rows(_section(s, i, {}, only_tables=True)) for i, s in probed]
    measured = lay_out(_pages.table_probe_document(sections))
    owners = _measure.pages_per_slide(measured)
    for (i, k), fit in _measure.table_fits(measured, owners).items():
        if fit.columns is not None:
            slides[i] = _cut_table(slides[i], k, _measure.TableFit(None, fit.columns))
    return {i: h for i, h in _measure.body_heights(measured, owners, _pages.PAGE_HEIGHT).items()
            if slides[i].layout == "stack"}


def _table_under_chart(slide):
    from ..steps._base import Chart, Table

    if slide.layout != "stack" or not slide.tables or not slide.charts:
        return slide
    blocks, chart_above = [], False
    for block in slide.blocks:
        if isinstance(block, Table) and chart_above and block.follows and block.static_rows > ROWS_UNDER_CHART:
            block = replace(block, static_rows=ROWS_UNDER_CHART)
        chart_above |= isinstance(block, Chart)
        blocks.append(block)
    return replace(slide, blocks=tuple(blocks))


def _section(slide, index: int, chart_keys: dict[str, str], only_tables: bool = False) -> str:
    from ..render.slide_html import slide_html
    from ..steps._base import Table

    if only_tables:
        slide = replace(slide, blocks=tuple(b for b in slide.blocks if isinstance(b, Table)))
    # A page never shows the slide's <aside class="notes"> (--notes prints them in a band of
    # their own): left out, WeasyPrint parses and styles fewer elements.
    slide = replace(slide, notes="")
    images = {c.id: _pages.chart_image(chart_keys[c.id], c.caption or c.id) for c in slide.charts}
    return slide_html(slide, index=index, static=True, chart_svgs=images)


def _cut_table(slide, k: int, fit: _measure.TableFit):
    """The slide with its k-th table cut to what fits: fewer rows ("… N more rows" says how
    many are left out) and/or fewer columns (the caption names the ones left out)."""
    from ..i18n import trn
    from ..steps._base import Table

    blocks, seen = [], 0
    for block in slide.blocks:
        if isinstance(block, Table):
            if seen == k:
                rows = fit.rows
                if fit.columns is not None and fit.columns < len(block.columns) and not block.caption:
                    # the note on left-out columns adds a caption line under the table
                    rows = max(1, (rows or block.static_rows) - 1) if rows is not None else rows
                if rows is not None:
                    block = replace(block, static_rows=min(rows, block.static_rows))
                if fit.columns is not None and fit.columns < len(block.columns):
                    left_out = block.columns[fit.columns:]
                    names = ", ".join(_md_escape(c.label) for c in left_out)
                    note = trn("{n} more column not shown: {names}.", "{n} more columns not shown: {names}.",
                               len(left_out), names=names)
                    block = replace(block, columns=block.columns[:fit.columns],
                                    caption=f"{block.caption} · {note}" if block.caption else note)
            seen += 1
        blocks.append(block)
    return replace(slide, blocks=tuple(blocks))


def _md_escape(text: str) -> str:
    """Column labels are plain text; the caption is Markdown (`batch_size` must not italicize)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~" else ch for ch in str(text))


def _draw(chart, spec, index: int, slide) -> str:
    try:
        return charts.chart_svg(spec)
    except ValueError as exc:  # vl-convert's message: its first lines say what failed
        reason = " ".join(str(exc).splitlines()[:2])
        raise BohbvisError(f"chart '{chart.id}' on {_pages.slide_place(index, slide.title)} cannot be drawn: {reason}",
                           allowed="a Vega-Lite spec with inline data (an export never downloads data)") from None


def _page_texts(slides, section, notes_html, svgs):
    """(slide place, the text its page shows): slide HTML, chart labels, exported notes."""
    for i, slide in enumerate(slides):
        text = [_pages.visible_text(section(i))] + [charts.svg_text(svgs[c.id]) for c in slide.charts]
        if notes_html is not None:
            text.append(_pages.visible_text(notes_html[i]))
        yield _pages.slide_place(i, slide.title), " ".join(text)
