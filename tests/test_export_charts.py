"""Charts in the export: theme config and one font forced into each spec, the SVG rewrite
that makes WeasyPrint fast draws the same picture, fitting, and `--charts` files."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdf
import pytest
from PIL import Image, ImageChops

from bohbvis.errors import BohbvisError
from bohbvis.export import charts, export_deck
from bohbvis.steps._base import Chart, Slide
from test_export_decks import hand_deck, mnist_run  # noqa: F401  (fixture)


def test_export_spec_keeps_the_spec_config_and_forces_one_font():
    spec = {
        "data": {"values": [{"font": "Comic Sans", "x": 1}]},
        "mark": {"type": "text", "font": "Arial"},
        "title": {"text": "t", "font": "Georgia"},
        "config": {"axis": {"labelFont": "Times", "labelColor": "red"}},
        "width": "container",
    }
    theme = {"axis": {"labelColor": "blue", "titleFont": "X"}, "background": "white", "font": "Y"}
    out = charts.export_spec(spec, theme, "DejaVu Sans")
    assert out["config"]["axis"] == {"labelFont": "DejaVu Sans", "labelColor": "red", "titleFont": "DejaVu Sans"}
    assert out["config"]["background"] == "white" and out["config"]["font"] == "DejaVu Sans"
    assert out["mark"]["font"] == "DejaVu Sans" and out["title"]["font"] == "DejaVu Sans"
    assert out["data"]["values"][0]["font"] == "Comic Sans"  # data is never rewritten
    assert isinstance(out["width"], int)
    assert spec["mark"]["font"] == "Arial"  # the deck's own spec is untouched


def _raster(svg: str) -> Image.Image:
    import pypdfium2 as pdfium

    from bohbvis.export.pdf import svg_pdf

    return pdfium.PdfDocument(svg_pdf(svg))[0].render(scale=2).to_pil().convert("RGB")


def test_page_svg_draws_the_same_picture(mnist_run):  # noqa: F811
    chart = hand_deck(mnist_run).slides[2].charts[0]  # a scatter: opacity points, circles
    svg = charts.chart_svg(charts.export_spec(chart.spec, {}, "DejaVu Sans"))
    fast = charts.page_svg(svg)
    assert fast.count("<circle") > 50 and ' opacity="0' not in fast  # no transparency groups left
    a, b = _raster(svg), _raster(fast)
    assert a.size == b.size
    diff = ImageChops.difference(a, b).convert("L")
    changed = sum(n for n, v in diff.getcolors(maxcolors=256) if v > 40)
    assert changed < 0.002 * a.size[0] * a.size[1], changed


def test_refit_shrinks_the_plot_not_the_type(mnist_run):  # noqa: F811
    chart = hand_deck(mnist_run).slides[2].charts[0]
    spec = charts.export_spec(chart.spec, {}, "DejaVu Sans")
    svg = charts.chart_svg(spec)
    w, h = charts.svg_size(svg)
    assert charts.refit(spec, svg, (w + 10, h + 10)) is None  # fits: as designed
    smaller_spec, smaller = charts.refit(spec, svg, (w - 200, h - 100))
    sw, sh = charts.svg_size(smaller)
    assert sw <= w - 200 + 2 and sh <= h - 100 + 2
    assert smaller_spec["width"] < spec["width"] and smaller_spec["height"] < spec["height"]
    assert charts.refit({**spec, "hconcat": []}, svg, (100, 100)) is None  # the page scales those


def test_charts_dir_writes_every_chart_alone(mnist_run, tmp_path):  # noqa: F811
    deck = hand_deck(mnist_run)
    ids = [c.id for s in deck.slides for c in s.charts]
    export_deck(deck, tmp_path / "d.pdf", charts_dir=tmp_path / "charts")
    names = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert names == sorted(f"{i}.{ext}" for i in ids for ext in ("svg", "pdf", "png"))
    svg = (tmp_path / "charts" / f"{ids[0]}.svg").read_text()
    assert svg.startswith("<svg") and 'aria-label=' in svg  # the accessible original
    reader = pypdf.PdfReader(tmp_path / "charts" / f"{ids[0]}.pdf")
    assert "budget" in reader.pages[0].extract_text()
    xobjects = reader.pages[0]["/Resources"].get("/XObject", {})
    assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())
    with Image.open(tmp_path / "charts" / f"{ids[0]}.png") as im:
        assert im.size[0] == round(2 * charts.svg_size(svg)[0])
    first = {p.name: p.read_bytes() for p in (tmp_path / "charts").iterdir()}
    export_deck(deck, tmp_path / "e.pdf", charts_dir=tmp_path / "charts2")
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "charts2").iterdir()}


def test_safe_names():
    assert charts.safe_name("s3-brackets") == "s3-brackets"
    assert charts.safe_name("../x y/z") == "x-y-z"
    assert charts.safe_name("...") == "chart"


def test_a_chart_that_needs_the_network_is_a_clear_error(mnist_run, tmp_path):  # noqa: F811
    deck = hand_deck(mnist_run)
    bad = Chart(id="net", spec={"data": {"url": "https://example.org/x.csv"}, "mark": "point"})
    deck = replace(deck, slides=deck.slides + (Slide(kind="chart", title="Remote data", blocks=(bad,)),))
    with pytest.raises(BohbvisError) as err:
        export_deck(deck, tmp_path / "x.pdf")
    text = str(err.value)
    assert "chart 'net'" in text and "slide 7 ('Remote data')" in text and "inline data" in text
    assert not (tmp_path / "x.pdf").exists()


def test_chart_text_is_real_text_in_the_page(mnist_run, tmp_path):  # noqa: F811
    out = export_deck(hand_deck(mnist_run), tmp_path / "d.pdf")
    page = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[2].extract_text()
    for label in ("budget", "accuracy", "sample type", "promoted"):
        assert label in page
