"""A cold build on two cores (bohbvis/_parallel_build.py): the steps that need scikit-learn are
built in a forked child, and the deck is byte-identical to a build in one process — also when the
child fails, and a step's error reads the same."""

from __future__ import annotations

import os

import pytest
from testdata import HPB

from bohbvis import _parallel_build, api, steps
from bohbvis.errors import BohbvisError
from bohbvis.load import read_run
from bohbvis.render.html import render_html
from bohbvis.steps._cache import VIEWS
from bohbvis.story import load_story

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or _parallel_build._cores() < 2,
                                reason="the parallel build needs os.fork and two cores")


@pytest.fixture
def built_here(monkeypatch, tmp_path):
    """The step kinds this process builds; `built_here.log` also lists the child's, as "pid kind"."""
    VIEWS.clear()
    kinds: list[str] = []
    log = tmp_path / "builds.log"
    real = steps.build

    def build(run, options):
        kinds.append(options.kind)
        with open(log, "a", encoding="utf-8") as fh:  # one short append: whole lines from both processes
            fh.write(f"{os.getpid()} {options.kind}\n")
        return real(run, options)

    monkeypatch.setattr(steps, "build", build)
    built = _Built(kinds)
    built.log = log
    yield built
    VIEWS.clear()


class _Built(list):
    log = None

    def by_process(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for line in self.log.read_text(encoding="utf-8").splitlines():
            pid, kind = line.split()
            out.setdefault("here" if int(pid) == os.getpid() else "child", []).append(kind)
        self.log.unlink()
        return out


def test_the_child_builds_the_sklearn_steps_and_the_deck_is_the_same(built_here, demo_run):
    parallel = render_html(api.make_deck("advisor", data=demo_run, parallel=True))
    who = built_here.by_process()
    assert {"embedding", "importance"} <= set(who["child"]) and not {"embedding", "importance"} & set(who["here"])
    # Every step is built once, by one of the two (the others are shared out as each is free).
    kinds = [s.options.kind for s in load_story("advisor").steps]
    assert sorted(who["here"] + who["child"]) == sorted(kinds)
    assert {"title", "markdown", "overview"} <= set(who["here"])  # the quick ones that read the story stay
    VIEWS.clear()
    alone = render_html(api.make_deck("advisor", data=demo_run))
    assert set(built_here.by_process()) == {"here"}
    assert parallel == alone


def test_a_story_without_sklearn_steps_sends_its_scipy_steps(built_here, demo_run):
    parallel = render_html(api.make_deck("newcomer", data=demo_run, parallel=True))
    who = built_here.by_process()
    assert {"sampling", "correlations", "budgets"} <= set(who["child"])
    assert not {"sampling", "correlations", "budgets"} & set(who["here"])
    VIEWS.clear()
    assert parallel == render_html(api.make_deck("newcomer", data=demo_run))


def test_a_failing_child_costs_time_only(built_here, demo_run, monkeypatch):
    alone = render_html(api.make_deck("advisor", data=demo_run))
    VIEWS.clear()
    built_here.log.unlink()
    monkeypatch.setattr(_parallel_build, "_child", lambda *args: os._exit(3))
    parallel = render_html(api.make_deck("advisor", data=demo_run, parallel=True))
    assert {"embedding", "importance"} <= set(built_here.by_process()["here"])  # built here after all
    assert parallel == alone


def test_a_steps_error_in_the_child_reads_the_same():
    story = {"title": "t",
             "steps": [{"kind": "overview"}, {"kind": "importance", "metric": "accuracy", "budgets": "largest"},
                       {"kind": "embedding", "metric": "loss"}]}
    run = read_run(HPB / "deepcave_BOHB_run_1")  # a loss-only run: the importance step asks for accuracy
    with pytest.raises(BohbvisError) as alone:
        api.make_deck(story, data=run)
    VIEWS.clear()
    with pytest.raises(BohbvisError) as parallel:
        api.make_deck(story, data=run, parallel=True)
    assert str(parallel.value) == str(alone.value) and "accuracy" in str(alone.value)


def test_a_silent_child_is_stopped_and_its_steps_built_here(built_here, demo_run, monkeypatch):
    """A child that hangs (a library's lock held at the fork) costs the patience, never the build."""
    import time

    alone = render_html(api.make_deck("advisor", data=demo_run))
    VIEWS.clear()
    built_here.log.unlink()
    monkeypatch.setattr(_parallel_build, "PATIENCE", 1.0)
    monkeypatch.setattr(_parallel_build, "PATIENCE_FACTOR", 0)
    monkeypatch.setattr(_parallel_build, "_child", lambda *args: (time.sleep(3600), os._exit(0)))
    parallel = render_html(api.make_deck("advisor", data=demo_run, parallel=True))
    assert {"embedding", "importance"} <= set(built_here.by_process()["here"])
    assert parallel == alone
