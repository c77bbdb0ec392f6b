"""The shipped stories exported on the demo run and on the real fixture runs: one 16:9 page
per slide, every title in the text, vector charts; page images go to the artifacts folder."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import pypdf
import pytest

from bohbvis import api
from bohbvis.export import export_deck
from bohbvis.export._progress import ExportWarning
from test_export_pdf import PAGE_PT, _xobject_subtypes

STORIES = ("advisor", "newcomer", "advisor-ko", "newcomer-ko")  # the Korean twins: Hangul text and fonts


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _export(story, run, folder: Path):
    deck = api.make_deck(story, data=run)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExportWarning)
        pdf = export_deck(deck, folder / f"{story}.pdf").read_bytes()
    cut = [str(w.message) for w in caught if issubclass(w.category, ExportWarning)]
    return deck, pypdf.PdfReader(io.BytesIO(pdf)), pdf, cut


def _check(deck, reader):
    assert len(reader.pages) == len(deck.slides)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == PAGE_PT
    for i, (slide, page) in enumerate(zip(deck.slides, reader.pages)):
        if slide.title:
            assert _words(slide.title) in _words(page.extract_text()), (i + 1, slide.title)
        if slide.charts:
            assert "/Image" not in _xobject_subtypes(page), f"raster image on slide {i + 1}"
    assert [o["/Title"] for o in reader.outline] == [s.title for s in deck.slides if s.title]


def _save_pages(pdf: bytes, folder: Path) -> None:
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        doc[i].render(scale=96 / 72).to_pil().save(folder / f"page-{i + 1:02d}.png")


@pytest.mark.parametrize("story", STORIES)
def test_story_on_the_demo_run(story, demo_run, tmp_path, artifacts):
    deck, reader, pdf, cut = _export(story, demo_run, tmp_path)
    _check(deck, reader)
    assert cut == []  # nothing cut off at the bottom of a slide
    _save_pages(pdf, artifacts / "export" / f"{story}-demo")


@pytest.mark.parametrize("story", STORIES)
def test_story_on_a_fixture_run(story, fixture_run, tmp_path, artifacts):
    deck, reader, pdf, cut = _export(story, fixture_run, tmp_path)
    _check(deck, reader)
    name = Path(str(fixture_run.source)).name
    _save_pages(pdf, artifacts / "export" / f"{story}-{name}")
    (artifacts / "export" / f"{story}-{name}" / "cut-off.txt").write_text("\n".join(cut) + "\n", encoding="utf-8")


def test_cli_export(tmp_path):
    from typer.testing import CliRunner

    from bohbvis.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["export", "advisor", "-o", str(tmp_path / "talk.pdf"), "--charts", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "talk.pdf").stat().st_size > 10_000
    assert len(list((tmp_path / "c").glob("*.svg"))) >= 5
    result = runner.invoke(app, ["export", "advisor", "-o", str(tmp_path / "talk.docx")])
    assert result.exit_code == 2
    assert "talk.docx" in result.output and ".pdf" in result.output
