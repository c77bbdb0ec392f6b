"""The Korean slides of budgets, sampling, correlations, loss_accuracy, table and chart in Chromium.

A story with `lang: ko` on the demo run and on a loss-only run with crashed evaluations: every
slide's title and takeaway are Korean, every chart title, axis title and legend title drawn in
the SVG is Korean (or an identifier such as Spearman ρ), no drawn text leaves the slide and the
titles do not overlap. Screenshots of every slide go to artifacts/ko-b/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent.parent / "data" / "hpbandster"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
STORY = """title: 예산과 샘플링
lang: ko
data: {data}
budget_unit: 에폭
steps:
  - kind: loss_accuracy
  - kind: budgets
  - kind: sampling
  - kind: correlations
    per_budget: true
  - kind: correlations
    pairs: true
    method: pearson
  - kind: chart
    x: budget:O
    y: mean(loss):Q
  - kind: chart
    x: loss:Q
    y: budget:Q
    brush: true
  - kind: table
"""
# Titles Vega draws: chart titles, axis titles, legend titles (not tick or legend labels: data).
TITLES = """() => {
    const slide = document.querySelector('section.slide.present').getBoundingClientRect();
    const sel = '.role-title-text text, .role-axis-title text, .role-legend-title text';
    return [...document.querySelectorAll('section.slide.present .vega-embed')].flatMap(e =>
        [...e.querySelectorAll(sel)].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, box: [r.left, r.top, r.right, r.bottom],
                    inside: r.left >= slide.left - 1 && r.right <= slide.right + 1 && r.top >= slide.top - 1
                            && r.bottom <= slide.bottom + 1};
        }));
}"""
TEXTS = """() => {
    const s = document.querySelector('section.slide.present');
    const take = s.querySelector('.takeaway');
    return {title: s.querySelector('h2, h1').innerText, takeaway: take ? take.innerText : '',
            captions: [...s.querySelectorAll('.chart-caption, figcaption')].map(c => c.innerText)};
}"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.fixture(scope="module", params=["demo", "deepcave_BOHB_run_4"])
def korean_deck(request, tmp_path_factory):
    from bohbvis import api
    from bohbvis.i18n import using
    from bohbvis.steps._rows import base_columns
    from bohbvis.steps._sample_types import sample_type_color

    folder = tmp_path_factory.mktemp("ko_b")
    data = "demo" if request.param == "demo" else str(DATA / request.param)
    story = folder / "story.yaml"
    story.write_text(STORY.format(data=data), encoding="utf-8")
    deck = api.make_deck(story)
    path = api.write_html(deck, folder / "deck.html")
    with using("ko"):  # labels steps/_rows.py and _sample_types.py write (converted there, not here)
        foreign = {c.label for c in base_columns(deck.run)} | {sample_type_color().to_dict()["title"]}
    return request.param, path, deck, foreign | {hp.name for hp in deck.run.space}


def test_every_korean_slide_is_korean_and_draws_inside_the_slide(korean_deck, open_deck, artifacts):
    name, path, deck, foreign = korean_deck
    out = artifacts / "ko-b"
    out.mkdir(parents=True, exist_ok=True)
    d = open_deck(path, 1280, 720)
    assert d.page.evaluate("() => document.documentElement.lang") == "ko"
    for i, slide in enumerate(deck.slides):
        d.page.evaluate("(i) => window.bohbvis.go(i)", i)
        d.ready()
        texts = d.page.evaluate(TEXTS)
        assert HANGUL.search(texts["title"]), (i, texts["title"])
        if texts["takeaway"]:
            assert HANGUL.search(texts["takeaway"]), (i, texts["takeaway"])
        titles = d.page.evaluate(TITLES)
        assert titles or slide.kind == "table", f"slide {i}: no chart titles drawn"
        for t in titles:
            assert t["inside"], f"slide {i} ({slide.kind}): {t['text']!r} is drawn outside the slide"
            words = t["text"]
            for f in sorted(foreign, key=len, reverse=True):
                words = words.replace(f, " ")
            assert HANGUL.search(words) or not re.search(r"[A-Za-z]{3,}", words) or words.strip() in (
                "Spearman ρ", "Pearson r"), f"slide {i} ({slide.kind}): English title {t['text']!r}"
        for a in range(len(titles)):
            for b in range(a + 1, len(titles)):
                assert not _overlap(titles[a]["box"], titles[b]["box"]), \
                    f"slide {i} ({slide.kind}): {titles[a]['text']!r} overlaps {titles[b]['text']!r}"
        d.page.screenshot(path=str(out / f"{name}_{i + 1:02d}_{slide.kind}.png"))
    assert d.errors == [] and d.outside_requests() == []
