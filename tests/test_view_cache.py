"""The view cache: a rebuild after editing only the story's words (title, text, notes) or its
theme builds no view again, and gives the same deck as a build from scratch."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bohbvis import api, steps
from bohbvis.render.deck import Deck
from bohbvis.render.html import render_html
from bohbvis.steps._cache import UNCACHED_KINDS, VIEWS
from bohbvis.story import load_story
from bohbvis.story.assemble import slides_from_story

ADVISOR = Path(__file__).parent.parent / "stories" / "advisor.yaml"


@pytest.fixture
def counted(monkeypatch):
    """Counts the real step builds (by kind) that happen behind the cache."""
    VIEWS.clear()
    built: list[str] = []
    real = steps.build

    def build(run, options):
        built.append(options.kind)
        return real(run, options)

    monkeypatch.setattr(steps, "build", build)
    yield built
    VIEWS.clear()


def advisor() -> dict:
    return YAML(typ="safe").load(ADVISOR.read_text(encoding="utf-8"))


def uncached_html(story: dict, run) -> str:
    st = load_story(story)
    slides = slides_from_story(st, run, steps)  # straight through the step modules
    return render_html(Deck(title=st.title, lang=st.lang, theme=st.theme, theme_base=None,
                            slides=tuple(slides), run=run, story=st))


def test_a_text_notes_title_and_theme_edit_rebuilds_no_view(counted, demo_run):
    story = advisor()
    api.make_deck(story, data=demo_run)
    computing = [k for k in counted if k not in UNCACHED_KINDS]
    assert len(computing) >= 8  # every view was built once

    edited = copy.deepcopy(story)
    edited["theme"] = "dark"
    for i, step in enumerate(edited["steps"]):
        step["notes"] = f"New notes {i}: {{{{ run.n_evaluations }}}} evaluations."
        step["text"] = f"Rewritten text {i}."
        if step["kind"] != "title":
            step["title"] = f"A new title {i}"
    counted.clear()
    deck = api.make_deck(edited, data=demo_run)
    assert [k for k in counted if k not in UNCACHED_KINDS] == []  # no chart, no table recomputed
    assert VIEWS.hits >= len(computing)
    html = render_html(deck)
    assert "Rewritten text 3." in html and "A new title 3" in html and 'data-theme="dark"' in html
    assert f"New notes 4: {len(demo_run.table)} evaluations." in html
    # ... and it is the deck a build from scratch makes, byte for byte.
    assert html == uncached_html(edited, demo_run)


def test_cached_views_give_the_same_deck_as_no_cache(counted, demo_run):
    story = advisor()
    first = render_html(api.make_deck(story, data=demo_run))
    again = render_html(api.make_deck(story, data=demo_run))
    assert first == again == uncached_html(story, demo_run)


def test_an_option_change_rebuilds_only_that_step(counted, demo_run):
    story = advisor()
    api.make_deck(story, data=demo_run)
    edited = copy.deepcopy(story)
    (brackets,) = [s for s in edited["steps"] if s["kind"] == "brackets"]
    brackets["agg"] = "max"
    counted.clear()
    api.make_deck(edited, data=demo_run)
    assert [k for k in counted if k not in UNCACHED_KINDS] == ["brackets"]


def test_another_run_misses(counted, demo_run, runs):
    story = advisor()
    api.make_deck(story, data=demo_run)
    counted.clear()
    api.make_deck(story, data=runs["deepcave_BOHB_run_1"])
    assert len([k for k in counted if k not in UNCACHED_KINDS]) >= 8


def test_the_same_run_loaded_again_hits(counted, demo_run):
    story = advisor()
    api.make_deck(story, data=demo_run)
    counted.clear()
    api.make_deck(story, data="demo")  # a new Run object with the same content
    assert [k for k in counted if k not in UNCACHED_KINDS] == []


def test_a_one_shot_build_never_hashes_the_run(counted):
    from bohbvis.load import read_run

    run = read_run("demo")  # a fresh Run: its fingerprint is not computed yet
    api.make_deck(advisor(), data=run)
    assert "fingerprint" not in run.__dict__  # seconds at 10⁵ evaluations, for nothing
    again = read_run("demo")
    counted.clear()
    api.make_deck(advisor(), data=again)  # a second Run object: now both are hashed, and match
    assert [k for k in counted if k not in UNCACHED_KINDS] == []
    assert run.fingerprint == again.fingerprint


def test_the_same_evaluations_from_another_source_are_another_run(counted, demo_run):
    import dataclasses

    api.make_deck(advisor(), data=demo_run)
    moved = dataclasses.replace(demo_run, source="elsewhere/run")  # same table, same fingerprint
    assert moved.fingerprint == demo_run.fingerprint
    counted.clear()
    deck = api.make_deck(advisor(), data=moved)
    assert len([k for k in counted if k not in UNCACHED_KINDS]) >= 8  # the overview quotes the source
    fresh = slides_from_story(load_story(advisor()), moved, steps)
    numbers = [json.dumps(dict(s.numbers), sort_keys=True, default=str) for s in deck.slides]
    assert numbers == [json.dumps(dict(s.numbers), sort_keys=True, default=str) for s in fresh]
