"""Step kind `overview`: numbers against the raw logs and hpbandster's Result API; escaping."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bohbvis.model.space import Hyperparameter
from bohbvis.steps import overview
from bohbvis.steps._base import Html, UserText

from steps_a_helpers import assert_snapshot, HPB_RUN_NAMES, RUN_NAMES, big_run, load, one_bracket, opts, raw, source


def _html(slide) -> str:
    return "".join(b.html for b in slide.blocks if isinstance(b, Html))


@pytest.mark.parametrize("name", RUN_NAMES)
def test_numbers_match_the_raw_logs(name):
    run = load(name)
    slide = overview.build(run, opts("overview"))
    n = slide.numbers["overview"]
    r = raw(name)
    budgets = sorted(set(r["budget"]))
    assert n["n_evaluations"] == len(r)
    assert n["n_crashed"] == int(r["loss"].isna().sum())
    assert n["budgets"] == pytest.approx(budgets)
    assert n["ladder"] == " → ".join(f"{b:g}" for b in budgets)
    assert n["n_brackets"] == r["bracket"].nunique()
    assert n["eta"] == pytest.approx(budgets[1] / budgets[0])
    assert n["metric"] == ("accuracy" if r["accuracy"].notna().any() else "loss")
    assert n["n_hyperparameters"] == len(run.space)
    assert n["follows_plan"] == (not run.deviations)
    assert isinstance(slide.blocks[0], UserText)
    json.dumps(slide.numbers)  # plain JSON


@pytest.mark.parametrize("name", HPB_RUN_NAMES)
def test_counts_match_hpbandster_result_api(name):
    hpres = pytest.importorskip("hpbandster.core.result")
    ref = hpres.logged_results_to_HBS_result(str(source(name)))
    n = overview.build(load(name), opts("overview")).numbers["overview"]
    runs = ref.get_all_runs()
    assert n["n_evaluations"] == len(runs)
    assert n["n_configs"] == len({tuple(x.config_id) for x in runs})
    assert n["n_crashed"] == sum(1 for x in runs if x.loss is None or x.loss != x.loss)  # None or NaN
    assert n["budgets"] == pytest.approx(sorted(ref.HB_config["budgets"]))


def test_space_table_lists_every_hyperparameter_with_type_range_and_condition():
    run = load("deepcave_BOHB_run_4")
    html = _html(overview.build(run, opts("overview")))
    for hp in run.space:
        assert f">{hp.name}</td>" in html
    assert "16 … 128</td>" in html and ">log</td>" in html  # batch_size: int, log scale
    assert "AdaptedCosine, CosineWithRestarts" in html
    assert "when lr_scheduler is CosineWithRestarts" in html  # the condition, in words


def test_deviations_are_said_plainly_and_capped_with_the_rest_in_the_notes():
    run = load("deepcave_BOHB_run_4")
    slide = overview.build(run, opts("overview", max_deviations=2))
    html = _html(slide)
    assert f"Where the run differs from Hyperband's plan ({len(run.deviations)})" in html
    assert f"… and {len(run.deviations) - 2} more" in html
    assert "warm start" in html
    for d in run.deviations:
        assert d in slide.notes
    clean = _html(overview.build(load("deepcave_BOHB_run_1"), opts("overview")))
    assert "follows Hyperband's plan exactly" in clean


def test_strings_from_the_data_are_escaped():
    run = load("deepcave_BOHB_run_1")
    evil = dataclasses.replace(
        run,
        space=(Hyperparameter("<script>alert(1)</script>", "categorical", choices=("</td><b>",),
                              condition="x < 3 & y > 2"),),
        source="/tmp/<img src=x onerror=alert(1)>",
        format="hp<bandster>",
    )
    html = _html(overview.build(evil, opts("overview")))
    assert "<script>" not in html and "<img" not in html and "</td><b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "x &lt; 3 &amp; y &gt; 2" in html


def test_edge_runs_one_bracket_and_big():
    one = overview.build(one_bracket(load("hpbandster_example_5_mnist")), opts("overview")).numbers["overview"]
    assert one["n_brackets"] == 1 and one["n_evaluations"] == 13
    big = big_run(load("deepcave_BOHB_run_4"), copies=60)
    n = overview.build(big, opts("overview")).numbers["overview"]
    assert n["n_evaluations"] == 1768 * 60 and n["n_crashed"] == 4 * 60


def test_title_default_and_custom():
    run = load("hpbandster_example_5_mnist")
    assert overview.build(run, opts("overview")).title == "The run: 113 evaluations, 9 hyperparameters"
    assert overview.build(run, opts("overview", title="Mine")).title == "Mine"


def test_snapshot_mnist():
    slide = overview.build(load("hpbandster_example_5_mnist"), opts("overview"))
    assert_snapshot("steps/overview_hpbandster_example_5_mnist",
                    {"title": slide.title, "html": _html(slide), "numbers": slide.numbers})
