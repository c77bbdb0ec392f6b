"""Fonts: Korean text exports with real glyphs (embedded), a missing script is a clear error."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from bohbvis.errors import BohbvisError
from bohbvis.export import export_deck, fonts
from test_export_decks import KOREAN_WORDS, hand_deck, korean_deck, mnist_run  # noqa: F401

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.fixture()
def latin_only_fonts(tmp_path, monkeypatch):
    """A font set with DejaVu only (no Hangul), through the documented environment variable."""
    files = sorted(DEJAVU.glob("DejaVuSans*.ttf")) or sorted(
        f.file and Path(f.file) for f in fonts.font_set().faces if "DejaVu Sans" in f.families)
    if not files:
        pytest.fail("DejaVu Sans is expected on the base image (fonts-dejavu-core)")
    folder = tmp_path / "fonts"
    folder.mkdir()
    for f in files:
        (folder / Path(f).name).symlink_to(f)
    monkeypatch.setenv(fonts.FONT_DIRS_ENV, str(folder))
    return folder


def _hangul_installed() -> bool:
    return not fonts.font_set().uncovered("브래킷")


def test_korean_story_exports_with_hangul_text(mnist_run, tmp_path):  # noqa: F811
    if not _hangul_installed():
        pytest.fail("no Hangul font installed: apt-get install fonts-nanum (the CI script does)")
    out = export_deck(korean_deck(mnist_run), tmp_path / "ko.pdf", notes=True)
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(p.extract_text() for p in reader.pages)
    for word in KOREAN_WORDS:
        assert word in text, word
    assert "예산별 결과" in reader.pages[1].extract_text()  # the chart's own title, from its SVG
    assert reader.metadata["/Title"] == "BOHB 최적화 결과"
    embedded = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
                else font["/FontDescriptor"]
            if any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(str(font["/BaseFont"]))
    assert any("Nanum" in name or "CJK" in name for name in embedded), embedded


def test_missing_hangul_font_is_a_clear_error(mnist_run, tmp_path, latin_only_fonts):  # noqa: F811
    with pytest.raises(BohbvisError) as err:
        export_deck(korean_deck(mnist_run), tmp_path / "ko.pdf")
    text = str(err.value)
    assert "slide 1 ('BOHB 최적화 결과')" in text  # the slide
    assert "U+CD5C" in text or "최" in text  # the first uncovered characters
    assert "fonts-nanum" in text and "fonts-noto-cjk" in text  # what to install
    assert not (tmp_path / "ko.pdf").exists()


def test_latin_deck_passes_with_latin_fonts_only(mnist_run, tmp_path, latin_only_fonts):  # noqa: F811
    assert export_deck(hand_deck(mnist_run), tmp_path / "en.pdf").exists()


def test_no_font_at_all_names_the_first_characters(mnist_run, tmp_path, monkeypatch):  # noqa: F811
    empty = tmp_path / "none"
    empty.mkdir()
    monkeypatch.setenv(fonts.FONT_DIRS_ENV, str(empty))
    with pytest.raises(BohbvisError, match=r"no installed font has glyphs for 'ABOHrun,' \(U\+0041, "):
        export_deck(hand_deck(mnist_run), tmp_path / "x.pdf")


def test_chart_family_is_one_family_covering_everything(latin_only_fonts):
    latin = fonts.font_set()
    assert fonts.chart_family("loss vs budget", latin, ["Inter", "Liberation Sans"]) == "DejaVu Sans"
    # nothing covers Hangul here: the preferred installed family, and the check reports it
    assert fonts.chart_family("예산", latin, ["DejaVu Sans"]) == "DejaVu Sans"


def test_chart_family_picks_a_hangul_family_when_the_text_needs_it():
    if not _hangul_installed():
        pytest.fail("no Hangul font installed: apt-get install fonts-nanum")
    system = fonts.font_set()
    family = fonts.chart_family("loss 예산 budget", system, ["Liberation Sans", "DejaVu Sans"])
    assert system.covers("loss 예산 budget", family)
    assert fonts.chart_family("loss budget", system, ["Liberation Sans"]) == "Liberation Sans"


def test_css_families_and_packages():
    assert fonts.css_families('"Segoe UI", Helvetica, system-ui, sans-serif') == ["Segoe UI", "Helvetica"]
    assert fonts.package_for("한") == "fonts-nanum"
    assert fonts.package_for("漢") == "fonts-noto-cjk"
    assert fonts.package_for("😀") == "fonts-noto-color-emoji"
    assert fonts.package_for("ऄ") == "fonts-noto-core"


def test_invisible_characters_need_no_glyph(tmp_path):
    empty = fonts.font_set([tmp_path])
    assert empty.uncovered(" \n\t\u200b\ufe0f") == []
    assert empty.uncovered("ab") == ["a", "b"]
