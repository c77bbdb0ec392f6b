"""`bohbvis init`: a starter story chosen from the run, that validates and builds on every real run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from ruamel.yaml import YAML

import bohbvis
from bohbvis.load import tidy
from bohbvis.story.starter import SCHEMA_FILE, starter_story
from testdata import FIXTURE_RUNS, HPB, SEED_CSV

ROOT = Path(__file__).parent.parent


def kinds(text: str) -> list[str]:
    return [s["kind"] for s in YAML(typ="safe").load(text)["steps"]]


@pytest.fixture(scope="module")
def single_budget_csv(tmp_path_factory) -> Path:
    """The demo run's first rounds only, all on one budget: a random-search-like run (tidy CSV)."""
    folder = tmp_path_factory.mktemp("single")
    tidy.write(bohbvis.load_run("demo"), folder / "all.csv")
    table = pd.read_csv(folder / "all.csv")
    table = table[table["round"] == 0].assign(budget=9.0)
    table.to_csv(folder / "single.csv", index=False)
    return folder / "single.csv"


@pytest.mark.parametrize("name", ["demo", *FIXTURE_RUNS, "seed"])
def test_starter_validates_and_builds(name, tmp_path):
    data = {"demo": "demo", "seed": str(SEED_CSV)}.get(name) or str(HPB / name)
    run = bohbvis.load_run(data)
    story_file = tmp_path / "talk" / "story.yaml"
    story_file.parent.mkdir()
    story_file.write_text(starter_story(run, data=data, story_path=story_file), encoding="utf-8")
    story = bohbvis.Story.from_yaml(story_file)  # validates
    assert story.data_path() == ("demo" if name == "demo" else (story_file.parent / story.data))
    deck = bohbvis.build(story)  # the story finds its run by itself (data: relative to the file)
    assert deck.run.n_evaluations == run.n_evaluations
    assert [s.kind for s in deck.slides] == [s.options.kind for s in story.steps]
    html = deck.html()
    assert "{{" not in html.split('id="bohbvis-data"')[0]  # every quoted number was filled in


def test_steps_follow_the_run():
    demo = kinds(starter_story(bohbvis.load_run("demo")))
    assert demo == ["title", "overview", "principle", "brackets", "loss_accuracy", "sampling", "best",
                    "embedding", "correlations", "budgets", "next_experiment", "table"]
    one_hp = bohbvis.load_run(HPB / "deepcave_BOHB_run_1")  # one hyperparameter, loss only
    assert len(one_hp.space) == 1 and not one_hp.has_accuracy
    text = starter_story(one_hp, data=str(HPB / "deepcave_BOHB_run_1"))
    assert "correlations" not in kinds(text) and "embedding" not in kinds(text)
    assert "best.loss" in text and "best.accuracy" not in text.split("steps:")[1]
    assert "shown by loss (the run records no accuracy)" in text


def test_single_budget_run_has_no_budget_steps(single_budget_csv, tmp_path):
    run = bohbvis.load_run(single_budget_csv)
    assert run.budgets == (9.0,)
    story_file = tmp_path / "story.yaml"
    story_file.write_text(starter_story(run, data=str(single_budget_csv), story_path=story_file), encoding="utf-8")
    got = kinds(story_file.read_text(encoding="utf-8"))
    assert not {"budgets", "principle", "brackets"} & set(got)
    assert {"best", "correlations", "loss_accuracy"} <= set(got)
    deck = bohbvis.build(bohbvis.Story.from_yaml(story_file))
    assert len(deck.slides) == len(got)


def test_every_step_has_a_comment_and_the_schema_line_comes_first():
    text = starter_story(bohbvis.load_run("demo"))
    lines = text.splitlines()
    assert lines[0] == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    for i, line in enumerate(lines):
        if line.startswith("  - kind:"):
            assert lines[i - 1].startswith("  # ") and len(lines[i - 1]) > 20, lines[i - 1]


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "bohbvis", *args], capture_output=True, text=True, cwd=cwd,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_cli_init_writes_story_and_schema_and_does_not_overwrite(tmp_path):
    shutil.copytree(HPB / "hpbandster_example_5_mnist", tmp_path / "runs" / "mnist")
    (tmp_path / "talk").mkdir()
    res = run_cli("init", "runs/mnist", "-o", "talk/story.yaml", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    text = (tmp_path / "talk" / "story.yaml").read_text(encoding="utf-8")
    assert '\ndata: "../runs/mnist"\n' in text  # relative to the story, so the pair can move
    schema = json.loads((tmp_path / "talk" / SCHEMA_FILE).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(YAML(typ="safe").load(text))
    assert run_cli("validate", "story.yaml", cwd=tmp_path / "talk").returncode == 0

    story = tmp_path / "story.yaml"

    story.write_text("title: mine\nsteps: [{kind: title}]\n", encoding="utf-8")
    res = run_cli("init", "demo", "-o", "story.yaml", cwd=tmp_path)
    assert res.returncode == 2 and "--force" in res.stderr and "Traceback" not in res.stderr
    assert story.read_text(encoding="utf-8").startswith("title: mine")
    res = run_cli("init", "demo", "-o", "story.yaml", "--force", cwd=tmp_path)
    assert res.returncode == 0 and "data: demo" in story.read_text(encoding="utf-8")


def test_cli_init_to_stdout_and_bad_run(tmp_path):
    res = run_cli("init", "-o", "-", cwd=tmp_path)
    assert res.returncode == 0 and res.stdout.startswith("# yaml-language-server:")
    assert list(tmp_path.iterdir()) == []
    res = run_cli("init", "no/such/run", cwd=tmp_path)
    assert res.returncode == 2 and "no such file" in res.stderr and list(tmp_path.iterdir()) == []
