"""The deck's own chrome in Korean, in a real browser: help overlay, table tools, the carried
selection's badge, the speaker view. (English is what every other browser test checks.)"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from deck_builders import BULLETS, RECEIVER, SCATTER, TITLE, make_deck
from pointer import drag
from test_deck_charts import PLOT, brush_store, inside, ranges

pytestmark = pytest.mark.browser

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ENGLISH_WORDS = re.compile(r"\b[a-z]{3,}\b(?:\s+\b[a-z]{2,}\b){2,}")  # three lowercase English words in a row


@pytest.fixture(scope="module")
def ko_deck_file(tmp_path_factory, mnist_run):
    from bohbvis.i18n import using
    from bohbvis.render.html import render_html

    with using("ko") as language:
        deck = replace(make_deck(mnist_run), lang="ko", language=language)
    path = tmp_path_factory.mktemp("decks") / "test_deck_ko.html"
    path.write_text(render_html(deck), encoding="utf-8")
    return path


def test_help_overlay_and_table_tools_are_korean(ko_deck_file, open_deck, artifacts, mnist_run):
    deck = open_deck(ko_deck_file)
    page = deck.page
    deck.press("?")
    assert page.is_visible(".help-overlay")
    assert page.inner_text(".help-card h2") == "단축키"
    assert page.get_attribute(".help-card", "aria-label") == "단축키"
    actions = page.eval_on_selector_all(".help-card td:nth-child(2)", "tds => tds.map(t => t.textContent)")
    assert len(actions) == 9 and all(HANGUL.search(a) for a in actions), actions
    assert not any(ENGLISH_WORDS.search(a) for a in actions)
    page.screenshot(path=str(artifacts / "deck-ko-help.png"))
    deck.press("Escape")

    deck.press("g")  # the go-to box
    assert page.get_attribute(".jump-to", "placeholder") == "이동할 슬라이드 (1–5)"
    assert page.get_attribute(".jump-to", "aria-label") == "이동할 슬라이드 번호"
    page.keyboard.press("Escape")
    deck.page.evaluate(f"() => window.bohbvis.go({SCATTER})")
    deck.ready()
    block = "section.present .table-block"
    assert page.get_attribute(f"{block} .table-filter", "placeholder") == "행 필터…"
    assert page.get_attribute(f"{block} .table-filter", "aria-label") == "행 필터링"
    total = len(mnist_run.table)
    # Nothing brushed: the count and the hint, both in Korean.
    assert page.inner_text(f"{block} .table-status") == f"{total:,}개 행 · 차트에서 영역을 드래그하면 해당 설정이 여기에 나열됩니다."
    # Sample types read in Korean in the cells, and the filter finds them by those words.
    page.fill(f"{block} .table-filter", "승격")
    promoted = int((mnist_run.table["sample_type"] == "promoted").sum())
    assert 0 < promoted < total
    assert page.get_attribute("section.present table.data-table", "data-count") == str(promoted)
    assert page.inner_text(f"{block} .table-status") == f"{total:,}개 행 중 {promoted:,}개"
    types = set(page.eval_on_selector_all(f"{block} tbody tr td:nth-child(3)", "tds => tds.map(t => t.textContent)"))
    assert types == {"승격"}
    page.screenshot(path=str(artifacts / "deck-ko-table-filter.png"))
    assert page.evaluate("() => document.documentElement.lang") == "ko"
    assert not deck.errors and not deck.outside_requests()


def test_carried_selection_badge_is_korean(ko_deck_file, open_deck, mnist_run):
    deck = open_deck(ko_deck_file, suffix=f"#/{SCATTER}")
    page = deck.page
    drag(page, page.evaluate(PLOT, "s2-scatter"), (0.5, 0.4), (0.98, 0.98))
    page.wait_for_function("() => window.bohbvis.views['s2-scatter'].data('brush_store').length === 1")
    expected = inside(mnist_run.table, ranges(brush_store(page)))
    assert len(expected)
    deck.press("End")
    assert deck.index() == RECEIVER
    assert page.inner_text("section.present .carry-badge") == f"슬라이드 {SCATTER + 1}에서 가져온 설정 {len(expected):,}개"
    assert page.inner_text("section.present .table-status") == f"{len(mnist_run.table):,}개 행 중 {len(expected):,}개"
    assert not deck.errors


def test_speaker_view_is_korean(ko_deck_file, open_deck, artifacts):
    deck = open_deck(ko_deck_file, suffix=f"#/{BULLETS}")
    with deck.page.expect_popup() as popup_info:
        deck.page.keyboard.press("s")
    speaker = popup_info.value
    speaker.wait_for_load_state()
    speaker.wait_for_function("() => window.bohbvis && window.bohbvis.mode === 'speaker'")
    speaker.evaluate("() => window.bohbvis.ready")
    assert speaker.inner_text(".speaker-label") == "다음"
    assert speaker.get_attribute(".speaker-timer", "title") == "타이머 다시 시작"
    assert re.fullmatch(rf"슬라이드 {BULLETS + 1} / 5( · 단계 \d+ / \d+)?", speaker.inner_text(".speaker-position"))
    speaker.wait_for_timeout(300)
    speaker.screenshot(path=str(artifacts / "deck-ko-speaker.png"))
    deck.press("End")
    speaker.wait_for_function(f"() => window.bohbvis.index() === {RECEIVER}")
    assert speaker.inner_text(".speaker-next-title") == "마지막 슬라이드입니다"
    assert speaker.inner_text(".speaker-position") == f"슬라이드 {RECEIVER + 1} / 5"
    deck.press("Home")
    speaker.wait_for_function(f"() => window.bohbvis.index() === {TITLE}")
    notes = speaker.inner_text(".speaker-notes")
    assert HANGUL.search(notes) or "이 슬라이드에는 발표자 노트가 없습니다." in notes
    assert not deck.errors


def test_sample_types_read_in_korean_in_legend_and_tooltip(ko_deck_file, open_deck, mnist_run):
    """The data keeps random/BO/promoted (the brush and its links match on them); the legend and
    the tooltip show the Korean words."""
    deck = open_deck(ko_deck_file, suffix=f"#/{SCATTER}")
    page = deck.page
    legend = page.eval_on_selector_all("section.present .role-legend-label text", "ts => ts.map(t => t.textContent)")
    assert sorted(legend) == sorted(["BO", "승격", "무작위"])
    # Slides and charts ask for the Hangul fonts first (the browser draws with the first installed one).
    body_font = page.evaluate("() => getComputedStyle(document.querySelector('section.present .slide-title')).fontFamily")
    label_font = page.evaluate("() => document.querySelector('section.present .role-legend-label text').getAttribute('font-family')")
    for font in (body_font, label_font):
        assert font.startswith('"Noto Sans KR", NanumGothic') or font.startswith('"Noto Sans KR", "NanumGothic"'), font
    point = page.query_selector("section.present .mark-symbol path").bounding_box()
    page.mouse.move(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)
    page.wait_for_selector("#vg-tooltip-element.visible")
    tip = page.inner_text("#vg-tooltip-element")
    assert re.search(r"샘플링 방식\s+(BO|승격|무작위)", tip), tip
    assert not re.search(r"\b(random|promoted)\b", tip)
    assert not deck.errors
