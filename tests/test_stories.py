"""Every story in stories/ builds, on the demo run and on every real fixture run (like typer's
docs_src tests), and two builds of the same story are byte-identical."""

from __future__ import annotations

import re

import pytest

from bohbvis import api
from bohbvis.builtin import builtin_stories
from bohbvis.render.html import render_html
from bohbvis.story import load_story
from testdata import FIXTURE_RUNS, HPB, SEED_CSV

STORIES = sorted(builtin_stories())
# Stories comparing several runs (next-run) name their runs themselves: --data cannot replace them
# (tests/test_compare.py builds those).
ONE_RUN_STORIES = [s for s in STORIES if not load_story(s).is_multi_run]
RUNS = ["demo", *FIXTURE_RUNS, "seed"]


def _source(name):
    return "demo" if name == "demo" else SEED_CSV if name == "seed" else HPB / name


def test_shipped_stories_exist():
    assert {"advisor", "newcomer", "next-run", "advisor-ko", "newcomer-ko"} <= set(STORIES)


@pytest.mark.parametrize("story", ["advisor", "newcomer"])
def test_korean_twins_have_the_same_steps_in_korean(story):
    """advisor-ko / newcomer-ko: the English story's steps in the same order (and options), `lang: ko`,
    and every title, text and note the story author wrote is Korean (Hangul in it)."""
    english, korean = load_story(story), load_story(f"{story}-ko")
    assert korean.lang == "ko" and english.lang == "en"
    assert [s.options.kind for s in korean.steps] == [s.options.kind for s in english.steps]
    words = ("title", "subtitle", "author", "text", "notes", "budget_unit")  # the story author's own text
    for en, ko in zip(english.steps, korean.steps):
        keep = {k: v for k, v in en.options.values.items() if k not in words}
        assert {k: ko.options.values.get(k) for k in keep} == keep, en.options.kind
        for key in words:
            if en.options.values.get(key):
                assert re.search(r"[\uac00-\ud7a3]", ko.options.values.get(key) or ""), (en.options.kind, key)
    assert re.search(r"[\uac00-\ud7a3]", korean.title)


@pytest.mark.parametrize("run_name", RUNS)
@pytest.mark.parametrize("story", ONE_RUN_STORIES)
def test_story_builds_on_every_run(story, run_name):
    run = api.load(_source(run_name))
    deck = api.make_deck(story, data=run)
    html = render_html(deck)
    sections = re.findall(r'<section class="slide[^"]*" data-kind="([a-z_]+)"', html)
    assert sections == [s.options.kind for s in deck.story.steps]
    # Text quoted numbers, never the template syntax, reaches the deck.
    assert "{{" not in html.split("<script", 1)[0]
    for slide in deck.slides:
        assert slide.title and "{{" not in slide.title


def test_same_story_twice_is_byte_identical(tmp_path):
    a = api.build("advisor", out=tmp_path / "a.html").read_bytes()
    b = api.build("advisor", out=tmp_path / "b.html").read_bytes()
    assert a == b


def test_story_numbers_come_from_the_run():
    """The advisor deck's overview title quotes the run's own counts (demo vs another run)."""
    demo = api.make_deck("advisor")
    other = api.make_deck("advisor", data=HPB / "hpbandster_example_5_mnist")
    t_demo = demo.slides[1].title
    t_other = other.slides[1].title
    assert f"{demo.run.n_evaluations:,}" in t_demo and f"{other.run.n_evaluations:,}" in t_other
    assert t_demo != t_other


def test_stories_build_on_a_run_with_thousands_of_brackets(tmp_path):
    """A 30,000-evaluation run (about 800 brackets, made by replaying the demo's iterations):
    every chart stays within the deck's point budget and the deck stays small."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from synth import write_big_run

    from bohbvis.load import demo_path

    run = api.load(write_big_run(demo_path(), tmp_path / "big", 30_000))
    assert len(run.brackets) > 40
    # The English stories: their Korean twins draw the same charts (test_story_builds_on_every_run
    # builds them on every real run), and the captions are checked here by their English words.
    for story in [s for s in ONE_RUN_STORIES if load_story(s).lang == "en"]:
        deck = api.make_deck(story, data=run)
        html = render_html(deck)
        assert len(html) < 8_000_000
        principle = next(s for s in deck.slides if s.kind == "principle")
        assert "in groups of consecutive brackets" in principle.charts[0].caption
        brackets = next(s for s in deck.slides if s.kind == "brackets")
        assert f"of the run's {len(run.brackets):,} brackets" in brackets.charts[0].caption
