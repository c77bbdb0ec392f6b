"""A Korean deck on paper: the deck's own words (notes band, cut tables, legends) in Korean, drawn
with the Hangul font the charts were measured with (no empty boxes)."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from bohbvis.export import export_deck, fonts

HANGUL = re.compile(r"[\uac00-\ud7a3]")

STORY = """\
title: 이번 실행에서 BOHB가 한 일
lang: ko
data: demo
theme: light
steps:
  - kind: best
    notes: 최적 설정을 먼저 보여 드립니다.
  - kind: table
"""


@pytest.fixture(scope="module")
def ko_pdf(tmp_path_factory):
    from bohbvis import api

    if fonts.font_set().uncovered("브래킷"):
        pytest.fail("no Hangul font installed: apt-get install fonts-nanum (scripts/test.sh does)")
    folder = tmp_path_factory.mktemp("ko-export")
    story = folder / "ko.yaml"
    story.write_text(STORY, encoding="utf-8")
    deck = api.make_deck(story)
    out = export_deck(deck, folder / "ko.pdf", notes=True)
    return deck, pypdf.PdfReader(io.BytesIO(out.read_bytes()))


def test_korean_deck_words_are_on_the_pages(ko_pdf):
    deck, reader = ko_pdf
    assert len(reader.pages) == len(deck.slides) == 2
    best, table = (p.extract_text() for p in reader.pages)
    assert "발표자 노트" in best and "최적 설정을 먼저 보여 드립니다." in best
    assert table.startswith("발표자 노트")
    # The legend of the sample types speaks Korean; the table's cut says how many rows are left.
    assert "무작위" in best and "승격" in best and "샘플링 방식" in best
    assert re.search(r"… [\d,]+개 행 더 있음", table), table[-400:]
    # A table wider than the slide names the columns it left out, in Korean.
    assert re.search(r"표시하지 않은 열 \d+개: ", best.replace("\n", " ")), best
    assert "more rows" not in table and "Speaker notes" not in best and "not shown" not in best + table
    assert "\ufffd" not in best + table  # no character without a glyph


def test_charts_and_pages_use_the_hangul_font(ko_pdf):
    from bohbvis.export import charts
    from bohbvis.render.theme import deck_theme

    deck, reader = ko_pdf
    theme = deck_theme(deck)
    assert theme.vega_config["font"].startswith('"Noto Sans KR", "NanumGothic"')
    placed = [c for s in deck.slides for c in s.charts]
    family = fonts.chart_family(charts.spec_text(placed), fonts.font_set(), fonts.css_families(theme.vega_config["font"]))
    # The first family of the Korean stack that is installed and covers every chart string:
    # vl-convert measures and WeasyPrint draws the labels with it.
    installed = [f for f in fonts.css_families(theme.vega_config["font"]) if fonts.font_set().has_family(f)]
    assert family == installed[0] and fonts.font_set().covers("무작위승격샘플링방식", family)
    embedded = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            embedded.add(str(ref.get_object()["/BaseFont"]))
    assert any(family.replace(" ", "") in name.replace(" ", "") for name in embedded), (family, embedded)


def test_notes_band_without_notes_says_so_in_korean():
    from bohbvis.export._pages import page_document
    from bohbvis.i18n import using

    with using("ko"):
        html = page_document(['<section class="slide"></section>'], [""], title="t", lang="ko")
    assert '<p class="bv-notes-label">발표자 노트</p>' in html and "(발표자 노트 없음)" in html
    english = page_document(['<section class="slide"></section>'], [""], title="t", lang="en")
    assert "Speaker notes" in english and "(no notes)" in english
