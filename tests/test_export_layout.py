"""Fitting a deck onto pages: tables cut to what fits (and saying so), charts re-sized to
their area, content cut off at the bottom reported, WeasyPrint's runt-line bug worked around."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import replace

import pypdf
import pytest

from bohbvis.export import _measure, charts, export_deck
from bohbvis.export._export import build_pages
from bohbvis.export._progress import ExportWarning
from bohbvis.steps._base import Column, Html, Markdown, Slide, Table
from test_export_decks import _scatter, _table, hand_deck, mnist_run  # noqa: F401  (fixture)


def _one_slide_deck(run, slide):
    deck = hand_deck(run)
    return replace(deck, slides=(slide,))


def _text(pdf_path) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf_path.read_bytes())).pages[0].extract_text()


def test_tall_table_is_cut_and_says_how_many_rows_are_left_out(mnist_run, tmp_path):  # noqa: F811
    table = replace(_table(mnist_run, "tall"), static_rows=40, sort=None)
    slide = Slide(kind="table", title="A tall table", blocks=(Markdown("Some text above."), table))
    pages = build_pages(_one_slide_deck(mnist_run, slide))
    assert _measure.clipped_slides(pages.document) == {}
    out = export_deck(_one_slide_deck(mnist_run, slide), tmp_path / "t.pdf")
    text = _text(out)
    ids = [r["sample_id"] for r in table.rows]
    shown = [i for i in ids if f"\n{i} " in f"\n{text}"]
    assert 5 < len(shown) < 40
    assert shown == ids[: len(shown)]  # the first rows, in order
    assert f"… {len(ids) - len(shown):,} more rows" in text


def test_wide_table_drops_columns_and_names_them(mnist_run, tmp_path):  # noqa: F811
    cols = tuple(Column(f"c{i}", f"column_{i:02d}", "") for i in range(24))
    rows = tuple({f"c{i}": 1000.5 + i for i in range(24)} | {"sample_id": str(n)} for n in range(4))
    table = Table(id="wide", columns=cols, rows=rows, static_rows=4)
    out = export_deck(_one_slide_deck(mnist_run, Slide(kind="table", title="Wide", blocks=(table,))), tmp_path / "w.pdf")
    text = _text(out)
    m = re.search(r"(\d+) more columns not shown: ([^.]+)\.", text.replace("\n", " "))
    assert m, text
    left_out = [c.strip() for c in m.group(2).split(",")]
    kept = [f"column_{i:02d}" for i in range(24) if f"column_{i:02d}" not in left_out]
    assert int(m.group(1)) == len(left_out) and left_out[-1] == "column_23"
    assert kept == [f"column_{i:02d}" for i in range(len(kept))] and len(kept) >= 5
    assert all(k in text for k in kept)


def test_a_big_chart_is_redrawn_to_fit_its_area(mnist_run):  # noqa: F811
    big = replace(_scatter(mnist_run, "big"), spec={**_scatter(mnist_run, "big").spec, "width": 1100, "height": 700})
    slide = Slide(kind="chart", title="A big chart", blocks=(big, Markdown("Under the chart.")))
    pages = build_pages(_one_slide_deck(mnist_run, slide))
    area = _measure.chart_areas(pages.document)
    (key, (w, h)), = area.items()
    assert key.endswith("-fit")
    assert _measure.clipped_slides(pages.document) == {}
    natural = charts.svg_size(pages.natural_svgs["big"])
    assert natural[1] > h  # it did not fit as designed …
    drawn = charts.refit(pages.charts[0][1], pages.natural_svgs["big"], (w, h))
    assert drawn is not None and charts.svg_size(drawn[1])[1] <= h + 1  # … and now does


def test_content_cut_off_is_reported(mnist_run, tmp_path):  # noqa: F811
    long_text = "\n\n".join(f"Paragraph {n}: the run has many evaluations to talk about." for n in range(30))
    slide = Slide(kind="markdown", title="Too much text", blocks=(Markdown(long_text),))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExportWarning)
        out = export_deck(_one_slide_deck(mnist_run, slide), tmp_path / "c.pdf")
    messages = [str(w.message) for w in caught if issubclass(w.category, ExportWarning)]
    assert len(messages) == 1 and "slide 1 ('Too much text')" in messages[0] and "cut off" in messages[0]
    assert len(pypdf.PdfReader(out).pages) == 1  # still one page: later slides never shift


RUNT = ("<p class=\"small\">On first runs, the model&#x27;s picks had a better median accuracy than random "
        "ones on every budget compared (2 of them with p &lt; 0.05). <strong>8 of the top 10 were proposed "
        "by the model, while the model proposed 63% of all 379 configurations.</strong></p>")


def test_weasyprint_runt_first_line_is_worked_around(mnist_run):  # noqa: F811
    from bohbvis.export import _pages
    from bohbvis.export._export import _section
    from bohbvis.export.pdf import layout, stylesheet
    from bohbvis.render.slide_html import deck_css
    from bohbvis.render.theme import load_theme

    slide = Slide(kind="markdown", title="Runt", blocks=(Html(RUNT),))
    plain = layout(_pages.page_document([_section(slide, 0, {})], None, title="t", lang="en"),
                   style=stylesheet(deck_css(load_theme("light")) + _pages.export_css(notes=False)))
    if not _measure.runt_lines(plain, [0]):
        pytest.skip("this machine's fonts do not hit WeasyPrint's exact-fit bug with this text")
    pages = build_pages(_one_slide_deck(mnist_run, slide))
    assert _measure.runt_lines(pages.document, [0]) == set()
