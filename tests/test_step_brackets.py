"""Step kind `brackets` (view A): per-round aggregates against the raw logs; the control and link."""

from __future__ import annotations

import json

import pytest

from bohbvis.errors import BohbvisError
from bohbvis.steps import brackets
from bohbvis.steps._base import Table

from steps_a_helpers import (
    RUN_NAMES, assert_snapshot, big_run, chart_data, load, one_bracket, opts, raw, validate_spec, with_rounds,
    without_accuracy,
)


def _lines(slide):
    return next(d for d in chart_data(slide.charts[0].spec) if d and "mean" in d[0])


def _points(slide):
    return next(d for d in chart_data(slide.charts[0].spec) if d and "jitter" in d[0])


def _params(spec):
    """Params by name, top level (where Altair hoists concat params) and per view."""
    out = {p["name"]: p for p in spec.get("params", [])}
    for view in spec.get("hconcat", [spec]):
        for p in view.get("params", []):
            out[p["name"]] = p
    return out


@pytest.mark.parametrize("name", RUN_NAMES)
def test_round_aggregates_match_the_raw_logs(name):
    run = load(name)
    slide = brackets.build(run, opts("brackets"))
    n = slide.numbers["brackets"]
    r = with_rounds(raw(name))
    field = "accuracy" if r["accuracy"].notna().any() else "loss"
    ok = r[r[field].notna()]
    ref = ok.groupby(["bracket", "round"])[field].agg(["mean", "size", "max", "min"])
    assert len(n["rounds"]) == len(ref)
    for row in n["rounds"]:
        want = ref.loc[(row["bracket"], row["round"])]
        assert row["mean"] == pytest.approx(want["mean"])
        assert row["n"] == want["size"]
        assert row["best"] == pytest.approx(want["max"] if field == "accuracy" else want["min"])
    # the chart draws exactly these numbers
    best_name = "max" if field == "accuracy" else "min"
    drawn = {(d["bracket"], d["round"]): (d["mean"], d[best_name]) for d in _lines(slide)}
    for row in n["rounds"]:
        assert drawn[(row["bracket"], row["round"])] == pytest.approx((row["mean"], row["best"]), rel=1e-5)
    top = ok[ok["budget"] == ok["budget"].max()]
    best = top[field].max() if field == "accuracy" else top[field].min()
    assert n["best_value"] == pytest.approx(best)
    assert n["n_crashed"] == int(r["loss"].isna().sum())
    json.dumps(n)


def test_rising_counts_match_the_raw_logs():
    r = with_rounds(raw("hpbandster_example_5_mnist"))
    n = brackets.build(load("hpbandster_example_5_mnist"), opts("brackets")).numbers["brackets"]
    means = r.groupby(["bracket", "round"])["accuracy"].mean()
    multi = [b for b in r["bracket"].unique() if r.loc[r["bracket"] == b, "round"].nunique() > 1]
    rising = sum(means[b].iloc[-1] > means[b].iloc[0] for b in multi)
    assert (n["n_multi_round"], n["n_rising"]) == (len(multi), rising)
    in_multi = r[r["bracket"].isin(multi)]
    assert n["first_round_mean"] == pytest.approx(in_multi.loc[in_multi["round"] == 0, "accuracy"].mean())


def test_control_is_a_radio_bound_param_and_the_click_selects_a_bracket():
    slide = brackets.build(load("demo"), opts("brackets", agg="max"))
    chart = slide.charts[0]
    params = _params(chart.spec)
    assert params["agg"]["value"] == "max"
    assert params["agg"]["bind"]["input"] == "radio" and params["agg"]["bind"]["options"] == ["mean", "max"]
    pick = params[brackets.PARAM]
    assert pick["select"]["type"] == "point" and pick["select"]["fields"] == ["bracket"]
    assert chart.links[0].param == brackets.PARAM and chart.links[0].key == "sample_id"
    # the right view is filtered by the selection
    right = chart.spec["hconcat"][1]
    assert {"filter": {"param": brackets.PARAM}} in right["transform"]
    # the table follows the chart and its rows carry the field the selection filters on
    table = next(b for b in slide.blocks if isinstance(b, Table))
    assert table.follows == (chart.id,) and all("bracket" in row for row in table.rows)
    assert "maximum accuracy" in chart.state


def test_loss_only_runs_offer_mean_and_min():
    run = load("deepcave_BOHB_run_4")
    slide = brackets.build(run, opts("brackets", agg="max"))
    params = _params(slide.charts[0].spec)
    assert params["agg"]["bind"]["options"] == ["mean", "min"] and params["agg"]["value"] == "min"
    assert slide.numbers["brackets"]["metric"] == "loss" and slide.numbers["brackets"]["agg"] == "min"
    assert "minimum loss" in slide.charts[0].state
    assert "4 crashed evaluations (no loss) are left out." in slide.charts[0].caption
    assert all(p["loss"] is not None for p in _points(slide))


def test_accuracy_on_a_loss_only_run_is_a_clear_error():
    with pytest.raises(BohbvisError) as e:
        brackets.build(load("deepcave_BOHB_run_1"), opts("brackets", metric="accuracy"))
    assert e.value.problems[0].key == "metric" and "no accuracy" in str(e.value)


def test_metric_loss_on_an_accuracy_run_and_budget_axis():
    slide = brackets.build(load("hpbandster_example_5_mnist"), opts("brackets", metric="loss", x="budget"))
    assert slide.numbers["brackets"]["metric"] == "loss"
    left = slide.charts[0].spec["hconcat"][0]
    assert left["encoding"]["x"]["field"] == "budget" and left["encoding"]["x"]["scale"]["type"] == "log"
    validate_spec(slide.charts[0].spec)


@pytest.mark.parametrize("name", RUN_NAMES)
def test_specs_render(name):
    validate_spec(brackets.build(load(name), opts("brackets")).charts[0].spec)


def test_edge_runs():
    nacc = brackets.build(without_accuracy(load("hpbandster_example_5_mnist")), opts("brackets"))
    assert nacc.numbers["brackets"]["metric"] == "loss"
    validate_spec(nacc.charts[0].spec)
    one = brackets.build(one_bracket(load("deepcave_BOHB_run_1")), opts("brackets"))
    assert one.numbers["brackets"]["n_brackets"] == 1
    validate_spec(one.charts[0].spec)
    single_round = one_bracket(load("seed"))  # bracket 0 of the seed rows: one round only
    s = brackets.build(single_round, opts("brackets"))
    assert s.numbers["brackets"]["n_multi_round"] == 0 and s.title == "Accuracy per bracket"


def test_big_run_is_sampled_and_stated():
    big = big_run(load("deepcave_BOHB_run_4"), copies=100)
    slide = brackets.build(big, opts("brackets"))
    pts = _points(slide)
    assert len(pts) == 5000
    assert "random sample of 5,000 of 176,400 evaluations" in slide.charts[0].caption
    # aggregates still use every evaluation
    assert sum(r["n"] for r in slide.numbers["brackets"]["rounds"]) == 176_400
    table = slide.tables[0]
    assert len(table.rows) == 1000 and "1,000 best of 176,800" in table.caption
    assert len(json.dumps(slide.charts[0].spec)) < 1_000_000


def test_deterministic_and_snapshot():
    run = load("hpbandster_example_5_mnist")
    a, b = (brackets.build(run, opts("brackets")) for _ in range(2))
    assert json.dumps(a.charts[0].spec, sort_keys=True) == json.dumps(b.charts[0].spec, sort_keys=True)
    assert_snapshot("steps/brackets_hpbandster_example_5_mnist", [c.spec for c in a.charts])
