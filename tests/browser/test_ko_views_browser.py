"""The six analysis views (embedding, importance, parallel, trajectory, learning_curves, timeline) in a
Korean deck, in the real browser: every slide's heading and caption are Korean, the charts draw
Korean titles, and no drawn chart text is an English phrase (hyperparameter names and data
values aside). A screenshot of every slide lands in artifacts/ko-views/.
"""

from __future__ import annotations

import re

import pytest

from bohbvis import api
from deck_builders import MNIST

pytestmark = pytest.mark.browser

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ENGLISH_RUN = re.compile(r"(?<![\w-])[A-Za-z]+(?:[ ,;:]+[A-Za-z]+){2,}(?![\w-])")
KINDS = ("embedding", "importance", "parallel", "trajectory", "learning_curves", "timeline")

STORY = "lang: ko\ntitle: 설정 공간과 탐색 과정\nsteps:\n" + "".join(f"  - kind: {k}\n" for k in KINDS)

# The present slide's words: heading, captions, and every text the charts' SVG draws.
SLIDE_TEXT = """() => {
  const s = document.querySelector('section.slide.present');
  const svg = Array.from(s.querySelectorAll('.vega-embed > svg text')).map(t => t.textContent.trim()).filter(Boolean);
  const captions = Array.from(s.querySelectorAll('figcaption, .caption')).map(c => c.textContent.trim()).filter(Boolean);
  return {kind: s.dataset.kind, heading: (s.querySelector('h1, h2') || {}).textContent || '', captions, svg};
}"""


@pytest.fixture(scope="module")
def korean_deck(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ko-views")
    story = folder / "ko-views.yaml"
    story.write_text(STORY, encoding="utf-8")
    run = api.load(MNIST)
    return api.build(story, data=run, out=folder / "ko-views.html"), run


def test_korean_views_in_the_browser(korean_deck, open_deck, artifacts):
    path, run = korean_deck
    deck = open_deck(path, 1280, 720)
    out = artifacts / "ko-views"
    out.mkdir(parents=True, exist_ok=True)
    names = sorted({hp.name for hp in run.space}, key=len, reverse=True)
    n = deck.page.evaluate("() => document.querySelectorAll('section.slide').length")
    seen = []
    for i in range(n):
        deck.page.evaluate("(i) => window.bohbvis.go(i, -1)", i)
        deck.ready()
        text = deck.page.evaluate(SLIDE_TEXT)
        deck.page.screenshot(path=str(out / f"{i + 1:02d}_{text['kind']}.png"))
        if text["kind"] not in KINDS:
            continue
        seen.append(text["kind"])
        assert HANGUL.search(text["heading"]), text
        assert text["captions"] and all(HANGUL.search(c) for c in text["captions"]), text
        assert any(HANGUL.search(t) for t in text["svg"]), text  # axis / legend / chart titles
        for t in text["svg"]:
            rest = t
            for name in names:
                rest = rest.replace(name, "")
            assert not ENGLISH_RUN.search(rest), (text["kind"], t)
    assert seen == list(KINDS)
    assert not deck.errors, deck.errors
