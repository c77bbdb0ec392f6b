"""The title slide writes the story's date in the deck's language (Babel's CLDR long format)."""

from __future__ import annotations

from bohbvis import api
from bohbvis.render.html import render_html


def _byline(lang: str, date: str) -> str:
    story = {"title": "t", "lang": lang, "author": "Yuna", "date": date, "data": "demo",
             "steps": [{"kind": "title"}]}
    html = render_html(api.make_deck(story))
    return html.split('<p class="byline">', 1)[1].split("</p>", 1)[0]


def test_an_iso_date_reads_as_the_language_writes_dates():
    assert _byline("en", "2026-12-08") == "Yuna · December 8, 2026"
    assert _byline("ko", "2026-12-08") == "Yuna · 2026년 12월 8일"


def test_other_text_is_kept_as_written_and_a_wrong_date_is_not_invented():
    assert _byline("ko", "다음 주 화요일") == "Yuna · 다음 주 화요일"
    assert _byline("en", "2026-02-30") == "Yuna · 2026-02-30"
