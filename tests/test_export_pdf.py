"""PDF export of hand-made decks over the real runs: pages, text, outline, vector charts,
links, embedded fonts, reproducible bytes. Page images go to the artifacts folder."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from bohbvis.export import export_deck
from test_export_decks import hand_deck, mnist_run  # noqa: F401  (fixture)

PAGE_PT = (960.0, 540.0)  # 1280×720 CSS px = 13.333 in × 7.5 in


@pytest.fixture(scope="session")
def exported(fixture_run, tmp_path_factory):
    """(deck, pdf bytes) of the hand-made deck on each fixture run."""
    deck = hand_deck(fixture_run)
    out = tmp_path_factory.mktemp("pdf") / "deck.pdf"
    assert export_deck(deck, out) == out
    return deck, out.read_bytes()


def _reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def _xobject_subtypes(page) -> list[str]:
    """Subtypes of every XObject a page draws, nested form XObjects included."""
    out, todo = [], [page.get("/Resources")]
    while todo:
        res = todo.pop()
        res = res.get_object() if res is not None else None
        if not res or "/XObject" not in res:
            continue
        for ref in res["/XObject"].values():
            xo = ref.get_object()
            out.append(xo.get("/Subtype"))
            todo.append(xo.get("/Resources"))
    return out


def test_one_16_9_page_per_slide(exported):
    deck, pdf = exported
    reader = _reader(pdf)
    assert len(reader.pages) == len(deck.slides)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == PAGE_PT


def test_titles_are_real_text_and_outline(exported):
    deck, pdf = exported
    reader = _reader(pdf)
    for slide, page in zip(deck.slides, reader.pages):
        assert slide.title in page.extract_text(), slide.title
    assert [o["/Title"] for o in reader.outline] == [s.title for s in deck.slides]
    assert reader.metadata["/Title"] == deck.title


def test_final_state_fragments_and_chart_state_shown(exported):
    deck, pdf = exported
    text = [p.extract_text() for p in _reader(pdf).pages]
    assert "BO proposes configurations from a model" in text[1]  # a fragment list item
    assert "No selection: all evaluations shown" in text[2]  # Chart.state replaces the brush
    assert "Showing the mean per round" in text[3]


def test_long_table_is_cut_with_more_rows_stated(exported):
    deck, pdf = exported
    table = deck.slides[5].tables[0]
    hidden = len(table.rows) - table.static_rows
    assert f"… {hidden:,} more rows" in _reader(pdf).pages[5].extract_text()


def test_charts_stay_vector(exported):
    deck, pdf = exported
    reader = _reader(pdf)
    chart_pages = [i for i, s in enumerate(deck.slides) if s.charts]
    assert chart_pages
    for i in chart_pages:
        subtypes = _xobject_subtypes(reader.pages[i])
        assert "/Image" not in subtypes, f"raster image on chart page {i + 1}"
        # the axis labels are text, not paths: an axis title is found in the page text
    assert "budget" in reader.pages[2].extract_text()


def test_links_are_clickable(exported):
    _, pdf = exported
    annots = [a.get_object() for a in _reader(pdf).pages[1].get("/Annots", [])]
    uris = [a["/A"]["/URI"] for a in annots if a.get("/Subtype") == "/Link" and "/A" in a]
    assert "https://github.com/automl/HpBandSter" in uris


def test_fonts_are_embedded(exported):
    _, pdf = exported
    reader = _reader(pdf)
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descendants = font.get("/DescendantFonts")
        desc = (descendants[0].get_object() if descendants else font)["/FontDescriptor"].get_object()
        assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} not embedded"


def test_same_inputs_same_bytes(mnist_run, tmp_path):  # noqa: F811
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    export_deck(hand_deck(mnist_run), a)
    export_deck(hand_deck(mnist_run), b)
    assert a.read_bytes() == b.read_bytes()
    assert b"/CreationDate" not in a.read_bytes()  # no clock time in the file


def test_source_date_epoch_sets_the_dates(mnist_run, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = export_deck(hand_deck(mnist_run), tmp_path / "d.pdf")
    meta = _reader(out.read_bytes()).metadata
    assert meta["/CreationDate"].startswith("D:20231114221320")
    assert meta["/ModDate"] == meta["/CreationDate"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    from bohbvis.errors import BohbvisError

    with pytest.raises(BohbvisError, match="SOURCE_DATE_EPOCH"):
        export_deck(hand_deck(mnist_run), tmp_path / "e.pdf")
    assert not (tmp_path / "e.pdf").exists()


def test_notes_go_under_the_slide(mnist_run, tmp_path):  # noqa: F811
    deck = hand_deck(mnist_run)
    out = export_deck(deck, tmp_path / "notes.pdf", notes=True)
    reader = _reader(out.read_bytes())
    assert len(reader.pages) == len(deck.slides)
    page = reader.pages[1]
    assert float(page.mediabox.height) > PAGE_PT[1]  # the slide plus a notes band
    assert "eta = 3" in page.extract_text()
    assert "speaker notes" in page.extract_text().lower()


def test_page_images_for_review(exported, artifacts, fixture_run):
    """Every PDF page as a PNG in artifacts/export/ (looked at side by side with the deck)."""
    import pypdfium2 as pdfium

    deck, pdf = exported
    folder = artifacts / "export" / f"hand-{Path(str(fixture_run.source)).name}"
    folder.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        image = doc[i].render(scale=96 / 72).to_pil()
        assert image.size == (1280, 720)
        image.save(folder / f"page-{i + 1:02d}.png")
    assert len(list(folder.glob("page-*.png"))) >= len(deck.slides)
