"""A cold build on two cores (bohbvis/_parallel_build.py): a forked helper computes the heavy
steps' numbers (bohbvis/steps/_heavy.py), this process draws every slide, and the deck is
byte-identical to a build in one process — also when the helper fails or hangs, for a run too big
to pickle, in Korean, and a step's error reads the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from testdata import HPB

from bohbvis import _parallel_build, api, steps
from bohbvis.errors import BohbvisError
from bohbvis.load import read_run
from bohbvis.render.html import render_html
from bohbvis.steps._cache import VIEWS
from bohbvis.steps._heavy import is_heavy
from bohbvis.story import load_story

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or _parallel_build._cores() < 2,
                                reason="the parallel build needs os.fork and two cores")

HEAVY = {"importance", "embedding", "sampling", "correlations", "budgets", "next_experiment"}


@pytest.fixture
def computed(monkeypatch, tmp_path):
    """Who computed each heavy step's numbers and who drew each slide: "pid kind" lines from both processes."""
    VIEWS.clear()
    log = tmp_path / "work.log"

    def logged(what, kind, real):
        def call(run, options):
            with open(log, "a", encoding="utf-8") as fh:  # one short append: whole lines from both processes
                fh.write(f"{os.getpid()} {what} {kind}\n")
            return real(run, options)
        return call

    for kind in HEAVY:
        module = steps.get(kind)
        monkeypatch.setattr(module, "analyze", logged("numbers", kind, module.analyze))
    monkeypatch.setattr(steps, "build", logged("draw", "*", steps.build))
    yield _Work(log)
    VIEWS.clear()


class _Work:
    def __init__(self, log) -> None:
        self.log = log

    def take(self) -> dict[tuple[str, str], list[str]]:
        """{(here|helper, numbers|draw): kinds}, and the log emptied for the next build."""
        out: dict[tuple[str, str], list[str]] = {}
        if self.log.exists():
            for line in self.log.read_text(encoding="utf-8").splitlines():
                pid, what, kind = line.split()
                out.setdefault(("here" if int(pid) == os.getpid() else "helper", what), []).append(kind)
            self.log.unlink()
        return out


def _deck(story, data, **kwargs) -> str:
    VIEWS.clear()
    return render_html(api.make_deck(story, data=data, **kwargs))


def test_the_helper_computes_the_heavy_numbers_and_this_process_draws(computed, demo_run):
    parallel = _deck("advisor", str(demo_run.source), parallel=True)
    work = computed.take()
    kinds = [s.options.kind for s in load_story("advisor").steps]
    assert sorted(work[("helper", "numbers")]) == sorted(k for k in kinds if k in HEAVY)
    assert ("here", "numbers") not in work  # nothing computed twice
    assert len(work[("here", "draw")]) == len(kinds) and ("helper", "draw") not in work
    alone = _deck("advisor", str(demo_run.source))
    assert ("helper", "numbers") not in computed.take()  # one process: no helper
    assert parallel == alone


def test_a_run_in_memory_is_shared_by_the_fork(computed, demo_run):
    parallel = _deck("newcomer", demo_run, parallel=True)
    assert {"sampling", "correlations", "budgets"} <= set(computed.take()[("helper", "numbers")])
    assert parallel == _deck("newcomer", demo_run)


def test_a_run_too_big_to_pickle_is_shared_by_a_second_fork(computed, demo_run, monkeypatch):
    monkeypatch.setattr(_parallel_build, "MAX_SENT_ROWS", 10)
    parallel = _deck("advisor", str(demo_run.source), parallel=True)
    assert {"importance", "embedding"} <= set(computed.take()[("helper", "numbers")])
    assert parallel == _deck("advisor", str(demo_run.source))


def test_a_korean_deck_is_the_same_built_either_way(demo_run):
    assert _deck("advisor-ko", str(demo_run.source), parallel=True) == _deck("advisor-ko", str(demo_run.source))


EVERY_KIND = """
import json, sys
from bohbvis import api, steps
story = {"title": "every kind", "steps": [
    {"kind": k, **({"text": "Hi"} if k == "markdown" else {"x": "budget:O", "y": "mean(accuracy):Q"} if k == "chart" else {})}
    for k in steps.KINDS if k != "compare"]}  # compare reads several runs: built in one process
api.build(sys.argv[2] if sys.argv[2] != "every" else story, data="demo", out=sys.argv[1], parallel=True)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "sklearn", "altair"})))
"""


@pytest.mark.parametrize("story", ["advisor", "every"])
def test_this_process_never_imports_scipy_or_sklearn(tmp_path, story):
    """The point of the split: the libraries' import (≈ 1 s) happens in the helper only — for
    every step kind (one that needs scipy but computes it while drawing would import it here)."""
    out = subprocess.run([sys.executable, "-c", EVERY_KIND, str(tmp_path / "deck.html"), story],
                         capture_output=True, text=True, check=True, env={**os.environ, "BOHBVIS_PARALLEL": "1"})
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ["altair"]


def test_a_failing_helper_costs_time_only(computed, demo_run, monkeypatch):
    alone = _deck("advisor", str(demo_run.source))
    computed.take()
    monkeypatch.setattr(_parallel_build, "_child", lambda *args: os._exit(3))
    parallel = _deck("advisor", str(demo_run.source), parallel=True)
    assert ("helper", "numbers") not in computed.take()  # so every number was computed here
    assert parallel == alone


def test_a_silent_helper_is_stopped_and_its_numbers_computed_here(computed, demo_run, monkeypatch):
    """A helper that hangs (a library's lock held at the fork) costs the patience, never the build."""
    import time

    alone = _deck("advisor", str(demo_run.source))
    computed.take()
    monkeypatch.setattr(_parallel_build, "PATIENCE", 1.0)
    monkeypatch.setattr(_parallel_build, "PATIENCE_FACTOR", 0)
    monkeypatch.setattr(_parallel_build, "_child", lambda *args: (time.sleep(3600), os._exit(0)))
    parallel = _deck("advisor", str(demo_run.source), parallel=True)
    assert ("helper", "numbers") not in computed.take()
    assert parallel == alone


def test_a_steps_error_in_the_helper_reads_the_same():
    story = {"title": "t",
             "steps": [{"kind": "overview"}, {"kind": "importance", "metric": "accuracy", "budgets": "largest"},
                       {"kind": "embedding", "metric": "loss"}]}
    run = read_run(HPB / "deepcave_BOHB_run_1")  # a loss-only run: the importance step asks for accuracy
    with pytest.raises(BohbvisError) as alone:
        api.make_deck(story, data=run)
    VIEWS.clear()
    with pytest.raises(BohbvisError) as parallel:
        api.make_deck(story, data=str(run.source), parallel=True)
    assert str(parallel.value) == str(alone.value) and "accuracy" in str(alone.value)


def test_a_story_without_heavy_steps_starts_no_helper(monkeypatch):
    story = load_story({"title": "t", "steps": [{"kind": "overview"}, {"kind": "best"}]})
    assert _parallel_build.Helper.start(story) is None
    every_kind_heavy = load_story({"title": "t", "steps": [{"kind": "budgets"}]})
    assert _parallel_build.Helper.start(every_kind_heavy) is None  # nothing to draw meanwhile
    monkeypatch.setenv("BOHBVIS_PARALLEL", "0")
    assert _parallel_build.Helper.start(load_story("advisor")) is None


def test_the_heavy_kinds_declare_what_their_numbers_import():
    assert {k for k in steps.KINDS if is_heavy(steps.get(k))} == HEAVY
    for kind in HEAVY:
        assert set(steps.get(kind).HEAVY_IMPORTS) <= {"scipy.stats", "sklearn"}
