"""One slide's HTML: markdown, escaping, the interactive markup and the static (export) mode."""

from __future__ import annotations

import re

import pytest

from bohbvis.model.format import FILTERS
from bohbvis.render.markdown import render_inline, render_markdown
from bohbvis.render.slide_html import deck_css, format_cell, slide_html, sort_rows, static_document
from bohbvis.render.theme import load_theme
from bohbvis.steps._base import Chart, Column, Html, Link, Markdown, Slide, Table, UserText

ROWS = tuple({"sample_id": f"0-0-{i}", "loss": 1 / (i + 2), "budget": float(3 ** (i % 3)), "kind": "BO" if i % 2 else "random"}
             for i in range(20))
TABLE = Table(id="t1", rows=ROWS, sort="loss", static_rows=5, follows=("c1",), caption="all *evaluations*",
              columns=(Column("sample_id", "sample"), Column("loss", "loss", "num"), Column("budget", "budget", "budget")))
CHART = Chart(id="c1", spec={"mark": "point"}, links=(Link("brush"),), caption="Brush *me*", state="Showing the mean",
              fragment=True)


def slide(**kw):
    base = dict(kind="loss_accuracy", title="Loss & accuracy", subtitle="a *subtitle*", notes="say **this**",
                blocks=(Markdown("- one\n- two\n  - nested", fragments=True), CHART, TABLE, Html("<b>ok</b>", fragment=True),
                        UserText()))
    base.update(kw)
    return Slide(**base)


def test_markdown_is_commonmark_with_tables_and_no_raw_html():
    out = render_markdown("<script>x()</script>\n\n| a | b |\n|---|---|\n| 1 | <i>2</i> |\n\n**bold**")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<table>" in out and "&lt;i&gt;2&lt;/i&gt;" in out and "<strong>bold</strong>" in out


def test_markdown_fragments_are_top_level_list_items_only():
    out = render_markdown("- a\n  - a1\n- b\n\n1. c", fragments=True)
    assert out.count('class="fragment"') == 3
    assert "<li>a1</li>" in out
    assert 'class="fragment"' not in render_markdown("- a\n- b")


def test_markdown_never_makes_the_browser_fetch():
    out = render_markdown("![chart](https://example.org/x.png) ![dot](data:image/png;base64,iVBORw0KGgo=)")
    assert "https://example.org/x.png" not in out and "[chart]" in out
    assert '<img src="data:image/png;base64,iVBORw0KGgo="' in out
    links = render_markdown("[site](https://example.org) [bad](javascript:alert(1))")
    assert 'href="https://example.org" target="_blank" rel="noopener noreferrer"' in links
    assert "javascript:" not in links.replace("[bad](javascript:alert(1))", "")
    assert render_inline("*a* <b>") == "<em>a</em> &lt;b&gt;"


def test_interactive_slide_markup():
    html = slide_html(slide(), index=3)
    assert html.startswith('<section class="slide layout-stack" data-kind="loss_accuracy" data-index="3" id="slide-4"')
    assert '<h2 class="slide-title">Loss &amp; accuracy</h2>' in html
    assert '<p class="slide-subtitle">a <em>subtitle</em></p>' in html
    assert '<figure class="block chart-block fragment">' in html
    assert '<div class="vega-embed chart" data-chart-id="c1"' in html
    assert '<figcaption>Brush <em>me</em></figcaption>' in html
    assert '<table class="data-table" id="table-t1">' in html and '<tbody></tbody>' in html
    assert 'data-key="loss" data-format="num" aria-sort="none"' in html
    assert 'class="table-filter"' in html
    assert '<div class="block html fragment"><b>ok</b></div>' in html
    assert html.count('class="fragment"') == 2  # the two list items
    assert '<aside class="notes"><p>say <strong>this</strong></p>\n</aside>' in html
    assert "<script" not in html


def test_layouts():
    title = slide_html(slide(layout="title"), index=0)
    assert 'class="slide layout-title"' in title and '<h1 class="slide-title">' in title
    assert 'class="slide layout-columns"' in slide_html(slide(layout="columns"), index=0)
    assert 'class="slide layout-stack"' in slide_html(slide(layout="diagonal"), index=0)
    assert "slide-header" not in slide_html(slide(title="", subtitle=""), index=0)


def test_hostile_strings_are_escaped_everywhere():
    evil = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
    table = Table(id=evil, rows=({"a": evil},), columns=(Column("a", evil),), static_rows=3, empty_text=evil)
    s = slide(kind=evil, title=evil, subtitle=evil, notes=evil,
              blocks=(Markdown(evil), Chart(id=evil, spec={}, caption=evil, state=evil), table))
    for html in (slide_html(s, index=0), slide_html(s, index=0, static=True, chart_svgs={evil: "<svg></svg>"})):
        assert "<script>" not in html and "<img" not in html
        for attribute in re.findall(r'="([^"]*)"', html):
            assert "<" not in attribute and ">" not in attribute


def test_static_mode_for_export():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    html = slide_html(slide(), index=0, static=True, chart_svgs={"c1": svg})
    assert 'class="slide layout-stack static"' in html
    assert "fragment" not in html  # every fragment shown
    assert svg in html and '<p class="chart-state">Showing the mean</p>' in html
    assert "vega-embed" not in html and "table-filter" not in html and "<script" not in html
    body = re.search(r"<tbody>(.*)</tbody>", html).group(1)
    assert body.count("<tr>") == 5
    assert "… 15 more rows" in body
    first_losses = [format_cell(r["loss"], "num") for r in sorted(ROWS, key=lambda r: r["loss"])[:5]]
    assert re.findall(r'<td class="num">(0\.\d+)</td>', body) == first_losses
    assert '<th scope="col" class="num">loss</th>' in html and '<th scope="col">sample</th>' in html
    with pytest.raises(ValueError, match="chart_svgs\\['c1'\\]"):
        slide_html(slide(), index=0, static=True)
    empty = slide_html(Slide(kind="t", title="t", blocks=(Table(id="e", rows=(), columns=(Column("a", "a"),)),)), index=0, static=True)
    assert "Brush a chart to list configurations here." in empty


def test_cell_formats_follow_the_model_formatters():
    for fmt in ("pct", "num", "int", "budget"):
        for x in (0.0123, 0.5, 3.0, 81.0, 1234.5678, 2e-5):
            assert format_cell(x, fmt) == FILTERS[fmt](x)
    assert format_cell(None, "pct") == format_cell(float("nan"), "") == "–"
    assert format_cell("adam", "num") == "adam" and format_cell("relu", "") == "relu"


def test_sort_rows_numeric_with_missing_last():
    rows = [{"v": 10}, {"v": None}, {"v": 9}, {"v": float("nan")}, {"v": 100}]
    assert [r["v"] for r in sort_rows(rows, "v")][:3] == [9, 10, 100]
    assert [r["v"] for r in sort_rows(rows, "-v")][:3] == [100, 10, 9]
    assert all(r["v"] is None or r["v"] != r["v"] for r in sort_rows(rows, "-v")[3:])  # None and NaN last
    assert sort_rows(rows, None) == rows


def test_static_pages_lay_out_in_weasyprint(tmp_path):
    """The same deck.css + theme styles the pages WeasyPrint prints: one 16:9 page per slide."""
    import weasyprint
    from pypdf import PdfReader

    theme = load_theme("dark")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#56b4e9"/></svg>'
    pages = [slide_html(slide(layout="columns", blocks=(CHART, TABLE)), index=0, static=True, chart_svgs={"c1": svg}),
             slide_html(slide(layout="title", blocks=(Markdown("by *Yuna*"),)), index=1, static=True)]
    doc = static_document(pages, theme, title="Static", lang="en")
    assert deck_css(theme) in doc
    pdf = tmp_path / "static.pdf"
    weasyprint.HTML(string=doc).write_pdf(pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (960.0, 540.0)  # 1280×720 px
    text = reader.pages[0].extract_text()
    assert "Loss & accuracy" in text and "… 15 more rows" in text and "Showing the mean" in text


def test_deck_css_is_layout_then_theme():
    css = deck_css(load_theme("light"))
    assert css.index(".slide {") < css.index("--bg: #ffffff")
    assert "transform: scale" not in css.split(".overview .deck")[0]  # slides are never scaled
