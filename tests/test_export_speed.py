"""The export's speed-ups keep the picture: a stacked slide laid out as plain blocks with its
body height measured beforehand gets the same boxes as laid out by the grid, and the probe
that measures table widths with only each column's longest cells cuts the same columns."""

from __future__ import annotations

from dataclasses import replace

from bohbvis.export import _measure, _pages
from bohbvis.export._export import _section, build_pages
from bohbvis.export.pdf import layout, stylesheet
from bohbvis.render.slide_html import deck_css
from bohbvis.render.theme import load_theme
from bohbvis.steps._base import Chart, Markdown, Slide
from test_export_decks import _scatter, _table, hand_deck, mnist_run  # noqa: F401  (fixture)


def _boxes(document):
    """(tag, x, y, width, height) of every element box on the pages, in order."""
    out = []
    for page in document.pages:
        for box in _measure._descendants(page._page_box):
            if getattr(box, "element", None) is not None and hasattr(box, "border_height"):
                out.append((box.element.tag, round(box.position_x, 3), round(box.position_y, 3),
                            round(box.width, 3), round(box.height, 3)))
    return out


def test_measured_body_height_gives_the_grid_layout(mnist_run):  # noqa: F811
    chart = _scatter(mnist_run, "s")
    slide = Slide(kind="scatter", title="A title long enough to wrap onto a second line on a 16:9 slide, "
                  "which changes the header's height", subtitle="and a subtitle",
                  blocks=(Markdown("Some text above the chart."), chart, _table(mnist_run, "under")))
    style = stylesheet(deck_css(load_theme("light")) + _pages.export_css(notes=False))
    section = _section(slide, 0, {chart.id: "0"})
    svgs = {"0": '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"></svg>'}
    probe = layout(_pages.table_probe_document([_section(slide, 0, {}, only_tables=True)]), style=style)
    height = _measure.body_heights(probe, [0], _pages.PAGE_HEIGHT)[0]
    assert 300 < height < 600
    grid = layout(_pages.page_document([section], None, title="t", lang="en"), charts=svgs, style=style)
    fixed = layout(_pages.page_document([section], None, title="t", lang="en", body_heights=[height]),
                   charts=svgs, style=style)
    assert _boxes(fixed) == _boxes(grid)


def test_probe_with_the_longest_cells_cuts_the_same_columns(mnist_run):  # noqa: F811
    base = _table(mnist_run, "wide")  # its four columns over and over: wider than a slide
    table = replace(base, static_rows=12, columns=tuple(replace(c, label=f"{c.label} {n}")
                                                        for n in range(6) for c in base.columns))
    slide = Slide(kind="table", title="Wide", blocks=(table,))
    style = stylesheet(deck_css(load_theme("light")) + _pages.export_css(notes=False))
    full = _section(slide, 0, {}, only_tables=True)
    fewer = _pages.widest_rows(full)
    assert fewer.count("<tr>") < full.count("<tr>") and "more rows" in fewer

    def columns(html):
        doc = layout(_pages.table_probe_document([html]), style=style)
        return {k: f.columns for k, f in _measure.table_fits(doc, [0]).items()}

    assert columns(fewer) == columns(full)
    pages = build_pages(replace(hand_deck(mnist_run), slides=(slide,)))
    assert _measure.table_fits(pages.document, [0]) == {}  # nothing left for the page layout to cut


def test_chart_slide_without_table_gets_grid_rows():
    chart = Chart(id="c", spec={})
    assert _pages.body_rows(Slide(kind="k", title="t", blocks=(Markdown("x"), chart))) == "auto minmax(0, 1fr)"
    assert _pages.body_rows(Slide(kind="k", title="t", blocks=(Markdown("x"),))) is None
