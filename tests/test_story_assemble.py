"""Story + run -> final slides: steps built, story text templated with the whole deck's numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from bohbvis import steps
from bohbvis.errors import BohbvisError
from bohbvis.load import read_run
from bohbvis.steps._base import Chart, Html, Markdown, Slide, Table, UserText
from bohbvis.story import StepOptions, StepSpec, Story, load_story
from bohbvis.story.assemble import deck_context, slides_from_story, split_columns

from testdata import HPB

STORIES = Path(__file__).parent / "data" / "stories"


@pytest.fixture(scope="module")
def mnist():
    return read_run(HPB / "hpbandster_example_5_mnist", metric="validation accuracy")


@pytest.fixture(scope="module")
def run1():
    return read_run(HPB / "deepcave_BOHB_run_1")


def test_full_story_builds_with_text_numbers_columns_and_notes(mnist):
    story = load_story(STORIES / "good_full.yaml")
    title, md, chart, spec = slides_from_story(story, mnist, steps)
    n = mnist.n_evaluations
    best = mnist.best
    # Title slide: deck title/subtitle, byline, fact line, and the story text quoting the fact line.
    assert (title.title, title.subtitle, title.layout) == ("How BOHB tuned the MNIST CNN", "Results of one BOHB run", "title")
    facts = f"BOHB run · {n} evaluations · {len(mnist.brackets)} brackets · budgets 1–9"
    assert title.blocks[0] == Markdown(facts)
    assert any(isinstance(b, Html) and "Yuna Jeon · May 1, 2024" in b.html for b in title.blocks)
    assert title.notes == f"Introduce the run; {mnist.n_configs} configurations."
    # Markdown slide: templated title, two columns split at `---`, fragments on both.
    assert md.title == f"{len(mnist.brackets)} brackets, eta = 3"
    assert md.layout == "columns" and not any(isinstance(b, UserText) for b in md.blocks)
    left, right = md.blocks
    assert left == Markdown(f"- Budgets: 1, 3, 9\n- Best accuracy: {best['accuracy'] * 100:.2f}%", fragments=True)
    assert right.text == f"- Best loss: {best['loss']:.3g}\n- Found in bracket {best['bracket']}"
    # A slide quotes a number computed by a later slide (the chart's).
    n_ok = int((mnist.table["status"] == "ok").sum())
    assert md.notes == f"The chart on the next slide shows {n_ok} points."
    # The chart slides keep their chart (and table) after the story's text is placed.
    assert [type(b) for b in chart.blocks] == [Chart, Table] and chart.title == "Learning rate against accuracy"
    assert [type(b) for b in spec.blocks] == [Chart]


def test_template_names_are_checked_against_the_run_with_places(run1):
    story = load_story(STORIES / "bad_template_names.yaml")
    with pytest.raises(BohbvisError) as info:
        slides_from_story(story, run1, steps)
    got = [(p.line, p.column, p.key) for p in info.value.problems]
    assert got == [(7, 22, "steps[0].text"), (9, 12, "steps[1].text")]
    first, second = info.value.problems
    assert first.hint == "Did you mean 'accuracy'?" and first.file == str(STORIES / "bad_template_names.yaml")
    assert second.hint == "Did you mean 'n_evaluations'?"


def test_step_errors_are_placed_at_the_key_they_name(run1):
    story = load_story(STORIES / "bad_chart_columns.yaml")
    with pytest.raises(BohbvisError) as info:
        slides_from_story(story, run1, steps)
    got = [(p.line, p.column, p.key) for p in info.value.problems]
    assert got == [(5, 8, "steps[0].x"), (7, 34, "steps[0].where.budgett")]
    assert info.value.problems[1].hint == "Did you mean 'budget'?"
    assert "config_x" in info.value.problems[0].allowed


def test_quoting_best_on_a_run_without_best_is_a_clear_error(run1):
    table = run1.table.copy()
    table.loc[table["budget"] == table["budget"].max(), "status"] = "crashed"
    no_best = dataclasses.replace(run1, table=table)
    assert no_best.best is None
    story = load_story({"title": "t", "steps": [{"kind": "markdown", "text": "Best: {{ best.loss | num }}"}]})
    with pytest.raises(BohbvisError) as info:
        slides_from_story(story, no_best, steps)
    (p,) = info.value.problems
    assert p.key == "steps[0].text" and "no best configuration" in p.message


def fake_steps(slide: Slide, error: BohbvisError | None = None):
    def build(run, options):
        if error is not None:
            raise error
        return slide
    return SimpleNamespace(build=build)


def test_text_goes_first_without_a_usertext_block_and_notes_follow_the_steps(run1):
    chart = Chart(id="c", spec={})
    slide = Slide(kind="overview", title="Built title", blocks=(chart,), notes="Step notes.",
                  numbers={"overview": {"n": 7}})
    # Made directly (the loader would ask for an overview step before `overview.n` may be quoted).
    options = StepOptions(kind="markdown", text="n = {{ overview.n }}",
                          notes="Story notes: {{ run.n_evaluations }}.")
    story = Story(path=None, title="t", steps=(StepSpec(options),))
    (out,) = slides_from_story(story, run1, fake_steps(slide))
    assert out.blocks == (Markdown("n = 7"), chart)
    assert out.notes == f"Step notes.\n\nStory notes: {run1.n_evaluations}."
    assert out.title == "Built title"  # the story set no title: the step's stays


def test_empty_text_drops_the_usertext_placeholder(run1):
    slide = Slide(kind="title", title="x", blocks=(UserText(), Html("<p>a</p>")))
    story = load_story({"title": "t", "steps": [{"kind": "title"}]})
    (out,) = slides_from_story(story, run1, fake_steps(slide))
    assert out.blocks == (Html("<p>a</p>"),) and out.title == "t"


def test_step_error_with_a_key_that_is_not_an_option_keeps_it_in_the_message(run1):
    story = load_story({"title": "t", "steps": [{"kind": "title"}]})
    err = BohbvisError("not a number", key="config_optimizer")
    with pytest.raises(BohbvisError) as info:
        slides_from_story(story, run1, fake_steps(Slide("title", "", ()), err))
    (p,) = info.value.problems
    assert p.key == "steps[0]" and p.message == "config_optimizer: not a number"


def test_deck_context_namespaces_and_best_merge(run1):
    a = Slide("best", "", (), numbers={"best": {"loss": -1, "top_k": 5}})
    b = Slide("brackets", "", (), numbers={"brackets": {"n": 1}})
    c = Slide("brackets", "", (), numbers={"brackets": {"n": 2}})
    ctx = deck_context(run1, [a, b, c])
    assert ctx["best"]["top_k"] == 5 and ctx["best"]["loss"] == float(run1.best["loss"])
    assert ctx["brackets"] == {"n": 1}  # the first step of a kind speaks for the deck
    assert ctx["run"]["n_brackets"] == len(run1.brackets) and ctx["run"]["n_evaluations"] == 65


def test_split_columns():
    assert split_columns("a\n---\nb\n---\nc", 2) == ["a", "b\n---\nc"]
    assert split_columns("a\n  ---  \nb", 2) == ["a", "b"]
    assert split_columns("a\n----\nb", 2) == ["a\n----\nb"]
    assert split_columns("a\n---\nb", 1) == ["a\n---\nb"]
