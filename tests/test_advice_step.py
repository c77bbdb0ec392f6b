"""The `next_experiment` slide and `bohbvis advise`: both show and write the one advice."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from ConfigSpace import ConfigurationSpace

from bohbvis.analysis import advice as adv
from bohbvis.steps import next_experiment
from bohbvis.steps._base import Html

from steps_a_helpers import HPB_RUN_NAMES, load, opts, validate_spec

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("name", HPB_RUN_NAMES)
def test_the_slide_shows_every_hyperparameter_with_its_reason_beside_the_original(name):
    run = load(name)
    slide = next_experiment.build(run, opts("next_experiment", by="loss", top=None, quantile=0.15))
    a = adv.advise(run)
    n = slide.numbers["next_experiment"]
    assert n["summary"] == a.summary and n["k"] == a.k
    assert [h["name"] for h in n["hyperparameters"]] == [hp.name for hp in run.space]
    html = "".join(b.html for b in slide.blocks if isinstance(b, Html))
    kept_line = html[html.find("Kept as they were"):]
    for h in a.hyperparameters:
        if h.action == "keep":
            # A hyperparameter kept as it was is named on the slide; its reason is in the notes.
            assert h.name.replace("&", "&amp;").replace("<", "&lt;") in kept_line
            assert h.reason in slide.notes
            continue
        assert f"<strong>{h.name}</strong>" in html
        # A change's reason is on the slide (escaped), beside the original range.
        assert h.reason.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html
        assert h.original.describe_range() in html
    for w in a.warnings:
        assert "⚠" in html
    assert f"{a.budget.n_iterations} iterations" in html or a.budget.old_compute is None
    (chart,) = slide.charts
    validate_spec(chart.spec)
    json.dumps(n)  # numbers are JSON-able for the templates


def test_widened_range_is_drawn_beyond_the_original_track():
    run = load("deepcave_BOHB_run_4")
    slide = next_experiment.build(run, opts("next_experiment", by="loss", top=None, quantile=0.15))
    spec = slide.charts[0].spec
    rows = [r for d in spec["datasets"].values() for r in d if r.get("hp") == "num_levels" and "x2" in r]
    assert {r["action"] for r in rows} == {"widen"}
    track, bar = sorted(rows, key=lambda r: r["x2"])
    assert (track["x"], track["x2"]) == (0.0, 1.0)
    assert bar["x2"] > 1.0  # the advised upper bound lies beyond the original one


def test_a_big_runs_top_configurations_are_a_stated_sample_of_dots(monkeypatch):
    """At 10⁵ evaluations the top configurations are thousands: the chart draws a fixed-seed sample
    (at most MAX_POINTS dots), says so under the chart, and the advice itself still uses them all."""
    run = load("deepcave_BOHB_run_4")
    options = opts("next_experiment", by="loss", top=None, quantile=0.5)
    whole = next_experiment.build(run, options)
    a = adv.advise(run, by="loss", quantile=0.5)
    per_hp = 5
    monkeypatch.setattr(next_experiment, "MAX_POINTS", per_hp * len(a.hyperparameters))
    assert a.k > per_hp  # so a sample is needed
    sampled = next_experiment.build(run, options)
    dots = [r for d in sampled.charts[0].spec["datasets"].values() for r in d if "value" in r and "action" not in r]
    per_name = {}
    for r in dots:
        per_name[r["hp"]] = per_name.get(r["hp"], 0) + 1
    assert max(per_name.values()) <= per_hp
    assert "random sample" in sampled.charts[0].caption and f"of {a.k} top configurations" in sampled.charts[0].caption
    assert "random sample" not in whole.charts[0].caption
    assert sampled.numbers == whole.numbers  # the advice is the same: only the drawing is sampled


def bohbvis(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bohbvis", *args], capture_output=True, text=True, cwd=cwd)


def test_advise_writes_configspace_json_and_yaml(tmp_path):
    out_json, out_yaml = tmp_path / "space.json", tmp_path / "space.yaml"
    res = bohbvis("advise", "demo", "-o", str(out_json))
    assert res.returncode == 0, res.stderr
    assert "learning_rate" in res.stdout and "wrote" in res.stdout and "ConfigSpace JSON" in res.stdout
    cs = ConfigurationSpace.from_json(out_json)
    a = adv.advise(load("demo"))
    assert cs["learning_rate"].lower == pytest.approx(a.hp("learning_rate").lower)
    assert json.loads(out_json.read_text())["bohbvis"]["budget"]["max_budget"] == a.budget.new_max_budget
    res = bohbvis("advise", "demo", "-o", str(out_yaml))
    assert res.returncode == 0, res.stderr
    assert ConfigurationSpace.from_yaml(out_yaml) == cs


def test_advise_rejects_a_bad_output_and_writes_nothing(tmp_path):
    res = bohbvis("advise", "demo", "-o", str(tmp_path / "space.txt"))
    assert res.returncode == 2 and "-o/--output" in res.stderr and ".json" in res.stderr
    assert "Traceback" not in res.stderr and not list(tmp_path.iterdir())
    res = bohbvis("advise", str(tmp_path / "missing"))
    assert res.returncode == 2 and "no such file" in res.stderr and "Traceback" not in res.stderr


def test_advise_is_deterministic(tmp_path):
    for name in ("a.json", "b.json"):
        assert bohbvis("advise", "demo", "-o", str(tmp_path / name)).returncode == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_story_quotes_the_advice(tmp_path):
    from bohbvis import api

    story = tmp_path / "s.yaml"
    story.write_text("title: t\ndata: demo\nsteps:\n  - kind: next_experiment\n"
                     "    text: 'learning rate {{ next_experiment.by_name.learning_rate.new }}'\n")
    deck = api.make_deck(story)
    a = adv.advise(load("demo"))
    text = deck.slides[0].blocks[0].text
    assert text == f"learning rate {a.hp('learning_rate').describe_range()}"
