"""The Korean deck of the step kinds title, overview, principle, brackets and glossary, in the browser:
every slide's visible text is Korean, the mean ↔ best control switches to the Korean sentence
for its setting, teaching mode reveals the Korean rounds one by one. Screenshots go to artifacts/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deck_builders import DATA, MNIST

pytestmark = pytest.mark.browser

STORY = """\
title: 이 실행에서 BOHB가 한 일
author: 전유나
lang: ko
budget_unit: 에폭
steps:
  - kind: title
  - kind: overview
  - kind: principle
  - kind: principle
    fragments: true
  - kind: brackets
  - kind: glossary
"""
TITLE, OVERVIEW, PRINCIPLE, TEACHING, BRACKETS, GLOSSARY = range(6)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _write(tmp_path_factory, name: str, data: Path, story: str = STORY) -> Path:
    from bohbvis.api import build

    folder = tmp_path_factory.mktemp(name)
    (folder / "story.yaml").write_text(story.replace("lang: ko", f"lang: ko\ndata: {data}"), encoding="utf-8")
    return build(folder / "story.yaml", out=folder / f"{name}.html")


@pytest.fixture(scope="module")
def ko_deck(tmp_path_factory) -> Path:
    return _write(tmp_path_factory, "ko_steps_a", MNIST)


def _visible_text(deck) -> str:
    return deck.page.evaluate("() => document.querySelector('section.present').innerText")


def test_every_slide_reads_korean(ko_deck, open_deck, artifacts):
    deck = open_deck(ko_deck)
    assert deck.page.evaluate("() => document.documentElement.lang") == "ko"
    for i in range(deck.page.evaluate("() => window.bohbvis.slides")):
        deck.page.evaluate(f"() => window.bohbvis.go({i})")
        deck.ready()
        text = _visible_text(deck)
        heading = deck.page.evaluate("() => document.querySelector('section.present h1, section.present h2').innerText")
        assert HANGUL.search(heading), (i, heading)
        # Sentences this part of the deck writes (others' helpers still add a few English ones).
        for english in ("How BOHB spent", "The run:", "Successive halving in", "Later rounds", "The words on",
                        "Budget ladder", "BOHB minimized", "each round keeps", "BOHB run"):
            assert english not in text, (i, english)
        deck.page.screenshot(path=str(artifacts / f"ko_steps_a_{i}.png"))
    assert not deck.errors


def test_the_controls_korean_sentence_follows_the_control(ko_deck, open_deck):
    deck = open_deck(ko_deck)
    deck.page.evaluate(f"() => window.bohbvis.go({BRACKETS})")
    deck.ready()
    shown = "() => Array.from(document.querySelectorAll('section.present p.takeaway')).filter(p => !p.hidden).map(p => p.innerText)"
    before = deck.page.evaluate(shown)
    assert len(before) == 1 and before[0].startswith("라운드 평균 정확도는 첫 라운드의 ")
    labels = deck.page.evaluate("() => Array.from(document.querySelectorAll('section.present label')).map(l => l.innerText)")
    assert any("평균" in l for l in labels) and any("최댓값" in l for l in labels)
    deck.page.check("section.present input[type=radio][value=max]")
    deck.page.wait_for_function("() => window.bohbvis.views['s4-brackets'].signal('agg') === 'max'")
    deck.ready()
    after = deck.page.evaluate(shown)
    assert len(after) == 1 and after[0].startswith("라운드 최고 정확도는 첫 라운드의 ")
    assert not deck.errors


def test_teaching_mode_reveals_korean_rounds(ko_deck, open_deck, artifacts):
    deck = open_deck(ko_deck)
    deck.page.evaluate(f"() => window.bohbvis.go({TEACHING})")
    deck.ready()
    every = "section.present li:not(aside li)"
    items = (f"() => Array.from(document.querySelectorAll('{every}')).filter(li => getComputedStyle(li).visibility "
             "!== 'hidden' && getComputedStyle(li).opacity !== '0').map(li => li.innerText)")
    n_rounds = deck.page.evaluate(f"() => document.querySelectorAll('{every}').length")
    first = deck.page.evaluate(items)
    assert n_rounds > 1 and len(first) == 1
    assert re.fullmatch(r"\d+ 에폭: 브래킷 \d+에서 설정 \d+개로 시작합니다 \(무작위 \d+개, BO 제안 \d+개\)\.", first[0])
    for _ in range(n_rounds - 1):
        deck.press("ArrowRight")
    # The last fragment fades in: wait until every round is shown (opacity leaves 0).
    deck.page.wait_for_function(f"() => ({items})().length === {n_rounds}", timeout=5000)
    last = deck.page.evaluate(items)
    assert len(last) == n_rounds and last[-1].endswith("최대 예산으로 올라갑니다.")
    assert all(re.search(r"\d+개 중 상위 \d+개가", item) for item in last[1:])
    deck.page.screenshot(path=str(artifacts / "ko_steps_a_teaching_last.png"))
    assert not deck.errors


def test_overview_of_a_smac3_run_says_what_was_recovered_in_korean(tmp_path_factory, open_deck, artifacts):
    path = _write(tmp_path_factory, "ko_smac3", DATA / "smac3" / "sgd-digits",
                  "title: SMAC3\nlang: ko\nsteps:\n  - kind: overview\n")
    deck = open_deck(path)
    text = _visible_text(deck)
    assert "smac3에 저장되지 않아 복원한 정보:" in text
    assert "Hyperband 계획과 다른 점(" in text and "not stored" not in text
    deck.page.screenshot(path=str(artifacts / "ko_steps_a_smac3_overview.png"))
    assert not deck.errors
