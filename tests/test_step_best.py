"""Step kind `best`: the incumbent and the top k against hpbandster's Result API and the raw logs."""

from __future__ import annotations

import json
import math

import pytest

from bohbvis.errors import BohbvisError
from bohbvis.model.space import Hyperparameter
from bohbvis.steps import best
from bohbvis.steps._base import Table

from steps_a_helpers import (
    HPB_RUN_NAMES, RUN_NAMES, assert_snapshot, big_run, chart_data, load, one_bracket, opts, raw, source,
    validate_spec, without_accuracy,
)


@pytest.mark.parametrize("name", HPB_RUN_NAMES)
def test_incumbent_is_hpbandsters(name):
    hpres = pytest.importorskip("hpbandster.core.result")
    ref = hpres.logged_results_to_HBS_result(str(source(name)))
    inc_id = ref.get_incumbent_id()
    inc_runs = ref.get_runs_by_id(inc_id)
    n = best.build(load(name), opts("best")).numbers["best"]
    assert n["incumbent"]["config_id"] == "-".join(str(i) for i in inc_id)
    assert n["incumbent"]["loss"] == pytest.approx(inc_runs[-1].loss)
    assert n["incumbent"]["budget"] == pytest.approx(inc_runs[-1].budget)
    config = ref.get_id2config_mapping()[inc_id]["config"]
    for k, v in config.items():
        assert n["incumbent"]["config"][k] == (pytest.approx(v) if isinstance(v, float) else v)


def _ranking_from_raw(r):
    """The deck's one "best", recomputed from the raw logs: each configuration judged by its lowest
    loss on the largest budget it reached; larger budgets first, then lower loss."""
    ok = r[r["loss"].notna()]
    reached = ok.groupby("cid")["budget"].transform("max")
    deciding = ok[ok["budget"] == reached].sort_values("loss").drop_duplicates("cid")
    return deciding.sort_values(["budget", "loss"], ascending=[False, True], kind="stable")


@pytest.mark.parametrize("name", [n for n in RUN_NAMES if n != "seed"])  # seed rows carry no config id
@pytest.mark.parametrize("k", [1, 5])
def test_top_k_is_the_decks_ranking_from_the_raw_logs(name, k):
    slide = best.build(load(name), opts("best", k=k))
    n = slide.numbers["best"]
    want = _ranking_from_raw(raw(name)).head(k)
    table = next(b for b in slide.blocks if isinstance(b, Table))
    assert [row["rank"] for row in table.rows] == list(range(1, len(want) + 1))
    assert [row["loss"] for row in table.rows] == pytest.approx(list(want["loss"]), rel=1e-5)
    assert [row["budget"] for row in table.rows] == pytest.approx(list(want["budget"]))
    # The table's first row is the incumbent the title names, and the rule is said on the slide.
    assert table.rows[0]["sample_id"] == n["incumbent"]["sample_id"]
    assert n["incumbent"]["sample_id"] in slide.title
    assert "hpbandster's incumbent rule" in slide.charts[0].caption
    counts = n["top_origin_counts"]
    assert sum(counts.values()) == len(n["top"])
    json.dumps(n)


def test_best_by_accuracy_ranks_by_accuracy():
    run = load("hpbandster_example_5_mnist")
    slide = best.build(run, opts("best", k=3, best_by="accuracy"))
    ok = run.ok[run.ok["budget"] == run.ok["budget"].max()]
    assert slide.tables[0].rows[0]["accuracy"] == pytest.approx(ok["accuracy"].max(), rel=1e-5)
    assert "Best = highest accuracy" in slide.charts[0].caption


def test_origin_of_the_top_configurations_from_configs_json():
    r = raw("hpbandster_example_5_mnist")
    n = best.build(load("hpbandster_example_5_mnist"), opts("best")).numbers["best"]
    first_seen = r.sort_values("budget").drop_duplicates("cid")  # hpbandster keeps config ids
    picks = dict(zip(first_seen["cid"], first_seen["model_based"]))
    for t in n["top"]:
        assert t["origin"] == ("BO" if picks[t["config_id"]] else "random")


def test_incumbent_first_even_when_accuracy_would_rank_another_first():
    slide = best.build(load("seed"), opts("best", k=3))
    n = slide.numbers["best"]
    assert n["incumbent"]["sample_id"] == "1-1-0" and n["top"][0]["sample_id"] == "1-1-0"
    data = chart_data(slide.charts[0].spec)
    labels = [d for ds in data for d in ds if d.get("label") == "incumbent 1-1-0"]
    assert labels, "the incumbent is labelled in the scatter"
    diamonds = [d for ds in data for d in ds if d.get("incumbent") is True and d.get("hp")]
    assert {d["hp"] for d in diamonds} == {hp.name for hp in load("seed").space}
    # The configuration accuracy alone would pick is named in the notes, never called best.
    assert n["best_by_metric"]["value"] == pytest.approx(0.922, abs=1e-3)
    assert "would rank first; the deck ranks by loss" in slide.notes
    assert slide.title == "Best: 1-1-0, 88.3% accuracy at budget 300"


def test_positions_on_the_ranges():
    lr = Hyperparameter("lr", "float", lower=1e-4, upper=1e-1, log=True)
    assert best.position(lr, 1e-4) == 0 and best.position(lr, 1e-1) == 1
    assert best.position(lr, math.sqrt(1e-4 * 1e-1)) == pytest.approx(0.5)
    lin = Hyperparameter("m", "float", lower=0, upper=1)
    assert best.position(lin, 0.25) == pytest.approx(0.25)
    cat = Hyperparameter("opt", "categorical", choices=("adam", "sgd", "rms"))
    assert best.position(cat, "sgd") == pytest.approx(0.5)
    assert best.position(cat, None) is None and best.position(cat, "nope") is None
    flag = Hyperparameter("p", "bool", choices=(True, False))
    assert best.position(flag, False) == pytest.approx(0.75)


def test_inactive_conditional_value_is_said():
    run = load("hpbandster_example_5_mnist")  # incumbent: Adam, one conv layer: no sgd_momentum
    slide = best.build(run, opts("best"))
    data = [d for ds in chart_data(slide.charts[0].spec) for d in ds]
    inactive = {d["hp"] for d in data if d.get("value") == "– (inactive)"}
    assert inactive == {"num_filters_2", "num_filters_3", "sgd_momentum"}


@pytest.mark.parametrize("name", RUN_NAMES)
def test_specs_render(name):
    validate_spec(best.build(load(name), opts("best")).charts[0].spec)


def test_run_without_accuracy_ranks_by_loss():
    nacc = best.build(without_accuracy(load("hpbandster_example_5_mnist")), opts("best"))
    assert nacc.numbers["best"]["metric"] == "loss" and nacc.numbers["best"]["incumbent_is_top"]
    validate_spec(nacc.charts[0].spec)


def test_one_bracket_run():
    one = best.build(one_bracket(load("deepcave_BOHB_run_1")), opts("best", k=3))
    n = one.numbers["best"]
    # One configuration reached the largest budget; the top 3 goes on with those that stopped lower.
    assert n["n_at_max_budget"] == 1 and n["n_top"] == 3
    assert [t["sample_id"] for t in n["top"]][0] == n["incumbent"]["sample_id"]
    validate_spec(one.charts[0].spec)


def test_crashed_evaluations_are_left_out_and_said():
    crashed = best.build(load("deepcave_BOHB_run_4"), opts("best"))
    assert "4 crashed evaluations (no loss) are left out." in crashed.charts[0].caption
    with pytest.raises(BohbvisError):
        best.build(load("deepcave_BOHB_run_4"), opts("best", metric="accuracy"))


def test_big_run_is_sampled_keeps_the_top_and_is_fast():
    big = big_run(load("deepcave_BOHB_run_4"), copies=100)
    slide = best.build(big, opts("best"))
    n = slide.numbers["best"]
    pts = next(d for d in chart_data(slide.charts[0].spec) if d and "jitter" in d[0] and len(d) > 100)
    assert len(pts) + n["n_top"] <= 5000 + n["n_top"]
    top_ids = {t["sample_id"] for t in n["top"]}
    shown = {d["sample_id"] for ds in chart_data(slide.charts[0].spec) for d in ds if "sample_id" in d}
    assert top_ids <= shown
    assert "random sample of 5,000 of 176,400" in slide.charts[0].caption


def test_deterministic_and_snapshot():
    run = load("hpbandster_example_5_mnist")
    a, b = (best.build(run, opts("best")) for _ in range(2))
    assert json.dumps(a.charts[0].spec, sort_keys=True) == json.dumps(b.charts[0].spec, sort_keys=True)
    assert_snapshot("steps/best_hpbandster_example_5_mnist", [c.spec for c in a.charts])
