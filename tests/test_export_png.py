"""PNG export: one 16:9 image per slide, names, scale, reproducible bytes, atomic folders."""

from __future__ import annotations

import pytest
from PIL import Image

from bohbvis.errors import BohbvisError
from bohbvis.export import export_deck
from bohbvis.export._target import numbered_pattern, publish_files, resolve_target
from test_export_decks import hand_deck, mnist_run  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def deck(mnist_run):  # noqa: F811
    return hand_deck(mnist_run)


@pytest.mark.parametrize("scale, size", [(1, (1280, 720)), (2, (2560, 1440))])
def test_one_png_per_slide_at_16_9(deck, tmp_path, scale, size):
    folder = export_deck(deck, tmp_path / "slides", scale=scale)
    files = sorted(folder.glob("*.png"))
    assert [f.name for f in files] == [f"slide-{n:02d}.png" for n in range(1, len(deck.slides) + 1)]
    for f in files:
        with Image.open(f) as im:
            assert im.size == size
    # the title page is not blank: its text is drawn
    with Image.open(files[0]) as im:
        assert len(im.convert("L").getcolors(maxcolors=256) or []) > 10


def test_png_name_from_the_given_file_and_identical_bytes(deck, tmp_path):
    export_deck(deck, tmp_path / "a" / "talk.png")
    export_deck(deck, tmp_path / "b" / "talk.png")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [f"talk-{n:02d}.png" for n in range(1, len(deck.slides) + 1)]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_trailing_slash_means_a_folder(deck, tmp_path):
    out = export_deck(deck, f"{tmp_path}/pages/")
    assert out.is_dir() and len(list(out.glob("slide-*.png"))) == len(deck.slides)


def test_unknown_suffix_is_a_clear_error(deck, tmp_path):
    with pytest.raises(BohbvisError) as err:
        export_deck(deck, tmp_path / "deck.pptx")
    text = str(err.value)
    assert "deck.pptx" in text and ".pdf" in text and ".png" in text and "folder" in text
    assert not (tmp_path / "deck.pptx").exists()


def test_resolve_target():
    assert resolve_target("x/deck.PDF").kind == "pdf"
    t = resolve_target("out/slide.png")
    assert (t.kind, str(t.path), t.stem) == ("png", "out", "slide")
    assert resolve_target("out/pages").kind == "png"
    assert resolve_target("out/pages/").png_names(3) == ["slide-01.png", "slide-02.png", "slide-03.png"]
    assert resolve_target("p/").png_names(120)[0] == "slide-001.png"  # names still sort


def test_publish_replaces_stale_pages_and_keeps_other_files(tmp_path):
    folder = tmp_path / "slides"
    publish_files(folder, {f"slide-{n:02d}.png": b"old" for n in range(1, 5)}, stale=numbered_pattern("slide"))
    (folder / "notes.txt").write_text("mine")
    publish_files(folder, {"slide-01.png": b"new", "slide-02.png": b"new"}, stale=numbered_pattern("slide"))
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "slide-01.png", "slide-02.png"]
    assert (folder / "slide-01.png").read_bytes() == b"new"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_a_failed_export_writes_nothing(mnist_run, tmp_path, monkeypatch):  # noqa: F811
    """Pages are all computed before the first file is written: a failure leaves no file."""
    from bohbvis.export import png

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(png, "rasterize", broken)
    with pytest.raises(RuntimeError):
        export_deck(hand_deck(mnist_run), tmp_path / "slides")
    assert list(tmp_path.iterdir()) == []


def test_notes_pages_are_taller_and_named_per_slide(deck, tmp_path):
    folder = export_deck(deck, tmp_path / "n", notes=True)
    files = sorted(folder.glob("*.png"))
    assert len(files) == len(deck.slides)
    with Image.open(files[1]) as im:
        assert im.size[0] == 1280 and im.size[1] > 720


def test_png_pixels_match_the_pdf_page(deck, tmp_path):
    """PNG pages are the PDF's pages rasterized: same picture."""
    import pypdfium2 as pdfium

    pdf = export_deck(deck, tmp_path / "d.pdf").read_bytes()
    folder = export_deck(deck, tmp_path / "p")
    page = pdfium.PdfDocument(pdf)[2].render(scale=96 / 72).to_pil().convert("RGB")
    with Image.open(folder / "slide-03.png") as im:
        assert im.convert("RGB").tobytes() == page.tobytes()
