"""A cold build on two cores (bohbvis/_parallel_build.py): the steps that need scikit-learn are
built in a forked child, and the deck is byte-identical to a build in one process — also when the
child fails, and a step's error reads the same."""

from __future__ import annotations

import os

import pytest

from bohbvis import _parallel_build, api, steps
from bohbvis.errors import BohbvisError
from bohbvis.render.html import render_html
from bohbvis.steps._cache import VIEWS

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="the parallel build needs os.fork and two cores")


@pytest.fixture
def built_here(monkeypatch):
    """The step kinds this process builds (a child's builds are not counted here)."""
    VIEWS.clear()
    kinds: list[str] = []
    real = steps.build

    def build(run, options):
        kinds.append(options.kind)
        return real(run, options)

    monkeypatch.setattr(steps, "build", build)
    yield kinds
    VIEWS.clear()


def test_the_child_builds_the_sklearn_steps_and_the_deck_is_the_same(built_here, demo_run):
    parallel = render_html(api.make_deck("advisor", data=demo_run, parallel=True))
    assert "embedding" not in built_here and "importance" not in built_here  # the child built them
    assert {"best", "sampling", "budgets"} <= set(built_here)
    VIEWS.clear()
    built_here.clear()
    alone = render_html(api.make_deck("advisor", data=demo_run))
    assert {"embedding", "importance"} <= set(built_here)
    assert parallel == alone


def test_a_story_without_sklearn_steps_sends_its_scipy_steps(built_here, demo_run):
    parallel = render_html(api.make_deck("newcomer", data=demo_run, parallel=True))
    assert not {"sampling", "correlations", "budgets"} & set(built_here)
    assert {"principle", "best", "trajectory"} <= set(built_here)
    VIEWS.clear()
    assert parallel == render_html(api.make_deck("newcomer", data=demo_run))


def test_a_failing_child_costs_time_only(built_here, demo_run, monkeypatch):
    alone = render_html(api.make_deck("advisor", data=demo_run))
    VIEWS.clear()
    built_here.clear()
    monkeypatch.setattr(_parallel_build, "_child", lambda *args: os._exit(3))
    parallel = render_html(api.make_deck("advisor", data=demo_run, parallel=True))
    assert {"embedding", "importance"} <= set(built_here)  # built here after all
    assert parallel == alone


def test_a_steps_error_in_the_child_reads_the_same():
    story = {"title": "t",
             "steps": [{"kind": "overview"}, {"kind": "importance", "metric": "accuracy", "budgets": "largest"},
                       {"kind": "embedding", "metric": "loss"}]}
    from bohbvis.load import read_run
    from testdata import HPB

    run = read_run(HPB / "deepcave_BOHB_run_1")  # a loss-only run: the importance step asks for accuracy
    with pytest.raises(BohbvisError) as alone:
        api.make_deck(story, data=run)
    VIEWS.clear()
    with pytest.raises(BohbvisError) as parallel:
        api.make_deck(story, data=run, parallel=True)
    assert str(parallel.value) == str(alone.value) and "accuracy" in str(alone.value)
