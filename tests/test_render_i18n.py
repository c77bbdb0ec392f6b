"""The deck's own words and the shared step helpers in Korean; English left as it was; Hangul fonts first."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pandas as pd
import pytest

from bohbvis.i18n import using

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _deck_data(html: str) -> dict:
    text = re.search(r'<script type="application/json" id="bohbvis-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(text)


@pytest.fixture(scope="module")
def decks(demo_run):
    """The same small deck rendered in English and in Korean."""
    from bohbvis.options import StepOptions
    from bohbvis.render.deck import Deck
    from bohbvis.render.html import render_html
    from bohbvis import steps

    def make(lang):
        with using(lang) as language:
            slides = tuple(steps.build(demo_run, StepOptions(kind=k, index=i)) for i, k in enumerate(("table", "best")))
        deck = Deck(title="t", lang=lang, theme="light", theme_base=None, slides=slides, run=demo_run,
                    language=language)
        return deck, render_html(deck)

    return {"en": make("en"), "ko": make("ko")}


def test_js_messages_are_extracted_and_translated():
    """Every tr("…") of the runtime is in the template Babel writes, and Korean has it."""
    from bohbvis.i18n.extract import extract
    from bohbvis.render.html import _JS_MESSAGE, RUNTIME_PARTS, js_messages
    from bohbvis.render.slide_html import asset

    ids = {json.loads(f'"{m}"') for name in RUNTIME_PARTS for m in _JS_MESSAGE.findall(asset(name))}
    assert len(ids) >= 20  # help, table tools, badges, speaker view …
    template = {m.id if isinstance(m.id, str) else m.id[0]: m for m in extract() if m.id}
    js_found = {i for i, m in template.items() if any(loc.startswith("render/assets/") for loc, _ in m.locations)}
    assert ids <= js_found, ids - js_found
    with using("ko"):
        shipped = js_messages()
    assert set(shipped) == ids  # none missing: the runtime never falls back to English in Korean
    assert all(HANGUL.search(v) for k, v in shipped.items() if HANGUL.search(k) is None and k not in ("BO",)
               if any(c.isalpha() for c in k)), shipped
    # The JS runtime fills {name} only: no particle placeholders in its messages.
    assert not [v for v in shipped.values() if re.search(r"\{\w+\|", v)]
    with using("en"):
        assert js_messages() == {}


def test_korean_deck_chrome(decks):
    deck, html = decks["ko"]
    assert '<html lang="ko"' in html
    assert "<h2>단축키</h2>" in html and 'aria-label="단축키"' in html
    page = html.split('<script type="application/json"')[0]  # the markup (the Vega bundle has English words)
    assert "Keyboard shortcuts" not in page and "fullscreen" not in page
    assert "<td>전체 화면</td>" in html and "<kbd>O 또는 Esc</kbd>" in html
    assert "JavaScript가 필요합니다" in html and 'aria-roledescription="슬라이드 자료"' in html
    assert 'placeholder="행 필터…"' in html and 'aria-label="슬라이드 1: ' in html
    data = _deck_data(html)
    assert data["messages"]["Next"] == "다음"
    assert data["messages"]["{n} of {total} rows"] == "{total}개 행 중 {n}개"
    assert data["numberLocale"] == "ko"
    assert data["valueLabels"]["sample_type"] == {"random": "무작위", "promoted": "승격", "unknown": "알 수 없음"}
    assert data["valueLabels"]["status"] == {"ok": "정상", "crashed": "실패"}
    (table,) = [t for t in data["tables"].values() if t["slide"] == 0]
    assert [c["label"] for c in table["columns"][:5]] == ["샘플", "브래킷", "라운드", "예산", "샘플링 방식"]


def test_english_deck_chrome_unchanged(decks):
    from bohbvis.render.html import HELP

    deck, html = decks["en"]
    assert "<h2>Keyboard shortcuts</h2>" in html and "<td>next (fragment or slide)</td>" in html
    assert "This deck needs JavaScript for navigation and charts." in html
    assert 'placeholder="Filter rows…"' in html and 'aria-roledescription="slide deck"' in html
    assert HELP[3] == ("O or Esc", "overview (click a slide to go there)")
    data = _deck_data(html)
    assert not {"messages", "numberLocale", "valueLabels"} & set(data)
    assert not HANGUL.search(html.split("<script>")[0])
    assert '--font-body: "Noto Sans KR"' not in html


def test_static_table_cut_in_korean(demo_run):
    from bohbvis.render.slide_html import _static_table
    from bohbvis.steps._base import Column, Table

    rows = tuple({"sample_id": f"0-0-{i}", "sample_type": "promoted" if i % 2 else "random", "status": "ok"}
                 for i in range(20))
    cols = (Column("sample_id", "sample"), Column("sample_type", "sample type"), Column("status", "status"))
    with using("ko"):
        body = _static_table(Table(id="t", columns=cols, rows=rows, static_rows=5))
    assert "… 15개 행 더 있음" in body and "<td>승격</td>" in body and "<td>무작위</td>" in body
    assert "<td>정상</td>" in body and "promoted" not in body
    english = _static_table(Table(id="t", columns=cols, rows=rows, static_rows=19))
    assert "… 1 more row<" in english and "<td>promoted</td>" in english


def test_font_stack_puts_hangul_first_for_korean():
    from bohbvis.render.theme import LANGUAGE_FONTS, for_language, load_theme

    light = load_theme("light")
    assert for_language(light, "en") is light and for_language(light, None) is light
    for tag in ("ko", "ko-KR"):
        ko = for_language(light, tag)
        stack = ko.variables["font-body"]
        assert stack.startswith('"Noto Sans KR", "NanumGothic", "Apple SD Gothic Neo", "Malgun Gothic"')
        # Each family once, the theme's Latin stack after the Hangul fonts.
        names = [f.strip().strip('"').casefold() for f in stack.split(",")]
        assert len(names) == len(set(names)) and "liberation sans" in names
        assert names.index("liberation sans") > len(LANGUAGE_FONTS["ko"]) - 1
        config = ko.vega_config
        assert config["font"] == stack
        for part in ("axis", "legend", "header"):
            assert config[part]["labelFont"] == stack and config[part]["titleFont"] == stack
        assert config["title"]["font"] == stack and config["text"]["font"] == stack
        assert f":root {{ --font-body: {stack}; }}" in ko.css  # the slides' CSS variable too


def test_korean_deck_uses_the_hangul_stack(decks):
    _, html = decks["ko"]
    data = _deck_data(html)
    assert data["vegaConfig"]["font"].startswith('"Noto Sans KR"')
    assert '--font-body: "Noto Sans KR"' in html


def test_shared_helpers_in_korean(demo_run):
    import altair as alt

    from bohbvis.steps._metric import ACCURACY
    from bohbvis.steps._rows import crashed_note
    from bohbvis.steps._sample_types import sample_type_color, sample_type_label_expr
    from bohbvis.steps._sampling import best_rows, sample_points
    from bohbvis.steps._time import duration, time_unit

    frame = pd.DataFrame({"sample_id": [f"s{i}" for i in range(30)], "accuracy": [i / 30 for i in range(30)]})
    with using("ko"):
        assert sample_points(frame, 10).note == ("발표 자료를 가볍게 하려고 평가 30회 중 10회만 무작위로 골라 보여 줍니다"
                                                 "(고정 시드 0).")
        assert best_rows(frame, ACCURACY, 5).note == "평가 30회 중 정확도 기준 상위 5개를 보여 줍니다."
        assert duration(4170.8) == "69.5분" and duration(0.42) == "0.42초" and time_unit(7200)[0] == "시간"
        if demo_run.n_crashed:
            assert crashed_note(demo_run) == f"손실이 없는 실패(crash) 평가 {demo_run.n_crashed}회는 제외했습니다."
        expr = sample_type_label_expr()
        legend = alt.Chart(frame.assign(sample_type="BO")).mark_point().encode(
            color=sample_type_color(legend=alt.Legend(orient="top"))).to_dict()["encoding"]["color"]
        hidden = alt.Chart(frame).mark_point().encode(color=sample_type_color(legend=None)).to_dict()["encoding"]["color"]
    assert legend["title"] == "샘플링 방식" and legend["legend"] == {"orient": "top", "labelExpr": expr}
    assert '"무작위"' in expr and '"승격"' in expr and legend["scale"]["domain"] == ["random", "BO", "promoted"]
    assert hidden["legend"] is None
    # English: the specs stay as they were (no labelExpr), the sentences too.
    with using("en"):
        assert sample_type_label_expr() is None
        english = alt.Chart(frame).mark_point().encode(color=sample_type_color()).to_dict()["encoding"]["color"]
        assert "legend" not in english and english["title"] == "sample type"
        assert duration(4170.8) == "69.5 min"
        assert sample_points(frame, 10).note.startswith("Showing a random sample of 10 of 30 evaluations")


def test_legend_label_expression_runs_in_vega(demo_run):
    """The labelExpr is a valid Vega expression: vl-convert draws the Korean legend labels."""
    import altair as alt
    import vl_convert as vlc

    from bohbvis.steps._sample_types import sample_type_color

    frame = pd.DataFrame({"x": [1, 2, 3], "sample_type": ["random", "BO", "promoted"]})
    with using("ko"):
        spec = alt.Chart(frame).mark_point().encode(x="x:Q", color=sample_type_color()).to_dict()
    svg = vlc.vegalite_to_svg(spec)
    assert "무작위" in svg and "승격" in svg and ">BO<" in svg.replace("</text>", "<")


def test_every_chart_shows_sample_types_in_korean_but_keeps_the_values():
    import altair as alt

    from bohbvis.steps._base import Chart
    from bohbvis.steps._sample_types import LABEL_FIELD, localize_sample_types

    frame = pd.DataFrame({"x": [1, 2, 3], "sample_type": ["random", "BO", "promoted"], "sample_id": ["a", "b", "c"]})
    brush = alt.selection_interval(name="brush")
    scatter = alt.Chart(frame).mark_point().encode(
        x="x:Q", color=alt.when(brush).then(alt.Color("sample_type:N")).otherwise(alt.value("#ccc")),
        tooltip=["sample_id", alt.Tooltip("sample_type:N", title="origin")]).add_params(brush)
    bars = alt.Chart(frame).mark_bar().encode(x="x:Q", y=alt.Y("sample_type:N", axis=alt.Axis(title=None)))
    spec = alt.hconcat(scatter, bars).to_dict()
    with using("en"):
        assert Chart(id="c", spec=spec).spec is spec  # English: the very same spec
    with using("ko"):
        out = Chart(id="c", spec=spec).spec
    left, right = out["hconcat"]
    assert left["encoding"]["color"]["condition"]["legend"]["labelExpr"].startswith("datum.label === ")
    assert left["encoding"]["color"]["condition"]["field"] == "sample_type"  # colors keyed on the values
    assert left["encoding"]["tooltip"][1] == {"field": LABEL_FIELD, "type": "nominal", "title": "origin"}
    assert left["transform"][-1]["as"] == LABEL_FIELD and '"승격"' in left["transform"][-1]["calculate"]
    assert right["encoding"]["y"]["axis"] == {"title": None, "labelExpr": right["encoding"]["y"]["axis"]["labelExpr"]}
    assert "transform" not in right
    # A guide switched off stays off; a spec without sample types is returned as it is.
    with using("ko"):
        hidden = alt.Chart(frame).mark_point().encode(x="x:Q", color=alt.Color("sample_type:N", legend=None)).to_dict()
        assert localize_sample_types(hidden)["encoding"]["color"]["legend"] is None
        plain = alt.Chart(frame).mark_point().encode(x="x:Q").to_dict()
        assert localize_sample_types(plain) is plain


def test_charts_format_numbers_in_the_locale_of_a_users_language(tmp_path):
    """A language whose digits differ (German: 1.234,5): Vega's number locale follows Babel's
    symbols in the deck and in vl-convert; Korean and English keep Vega's own."""
    import vl_convert as vlc

    from bohbvis.export.charts import _locale
    from bohbvis.render.html import format_locale

    (tmp_path / "de.po").write_text('msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                    'msgid "Next"\nmsgstr "Weiter"\n', encoding="utf-8")
    with using("de", tmp_path):
        assert format_locale() == {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""]}
        spec = {"data": {"values": [{"x": 1234.5}]}, "mark": "text",
                "encoding": {"text": {"field": "x", "type": "quantitative", "format": ",.1f"}}}
        assert "1.234,5" in vlc.vegalite_to_svg(spec, **_locale())
    for lang in ("ko", "en"):
        with using(lang):
            assert format_locale() is None and _locale() == {}


def test_a_users_theme_keeps_its_font_and_gets_hangul_fonts_after_it(tmp_path):
    from bohbvis.render.theme import for_language, load_theme

    css = (tmp_path / "mine.css")
    light = load_theme("light")
    body = 'Inter, "NanumGothic", sans-serif'
    css.write_text(light.css.replace(light.variables["font-body"], body), encoding="utf-8")
    mine = load_theme(css)
    stack = for_language(mine, "ko").variables["font-body"]
    assert stack.startswith('Inter, "Noto Sans KR", "NanumGothic", "Apple SD Gothic Neo"') and stack.endswith("sans-serif")
    assert stack.count("NanumGothic") == 1 and for_language(mine, "en") is mine
