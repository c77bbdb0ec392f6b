"""Step kind loss_accuracy (view B): numbers against the raw logs, the brush/bar/table wiring, edge cases."""

from __future__ import annotations

import copy
import json
import math
import re

import numpy as np
import pytest
from scipy.stats import spearmanr

from bohbvis.steps import loss_accuracy
from bohbvis.steps._base import Table

from steps_b_helpers import (
    assert_snapshot,
    slide_text,
    RUN_NAMES, big_run, datasets, evaluations, load, one_bracket, opts, spec_views, validate_spec,
    without_accuracy,
)


def build(run, **values):
    return loss_accuracy.build(run, opts("loss_accuracy", **values))


@pytest.mark.parametrize("name", RUN_NAMES)
def test_numbers_match_the_raw_logs(name):
    slide = build(load(name))
    n = slide.numbers["loss_accuracy"]
    e = evaluations(name)
    ok = e[np.isfinite(e["loss"])]
    assert n["n"] == len(ok)
    assert n["n_crashed"] == int((~np.isfinite(e["loss"])).sum())
    for t, key in (("random", "share_random"), ("BO", "share_bo"), ("promoted", "share_promoted")):
        assert n[key] == pytest.approx((ok["type"] == t).mean())
    field = "accuracy" if e["accuracy"].notna().any() else "loss"
    scored = ok[ok[field].notna()]
    k = math.ceil(0.1 * len(scored))
    assert n["top_n"] == k
    # Ties at the cut may go either way: the top's counts lie between "strictly better than the
    # k-th value" and "at least as good as it".
    v = scored[field] * (-1 if field == "accuracy" else 1)
    cut = v.sort_values(kind="stable").iloc[k - 1]
    for t, key in (("random", "top_share_random"), ("BO", "top_share_bo"), ("promoted", "top_share_promoted")):
        lo = int(((v < cut) & (scored["type"] == t)).sum())
        hi = int(((v <= cut) & (scored["type"] == t)).sum())
        assert lo <= round(n[key] * k) <= hi, (t, lo, n[key] * k, hi)
    if field == "accuracy":
        both = ok[ok["accuracy"].notna()]
        assert n["mode"] == "loss_accuracy"
        assert n["rho"] == pytest.approx(spearmanr(both["loss"], both["accuracy"]).statistic)
    else:
        assert n["mode"] == "loss_budget" and n["rho"] is None
    for chart in slide.charts:
        validate_spec(chart.spec)


def test_brush_bar_table_wiring_and_snapshot():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    (chart,) = slide.charts
    (table,) = slide.tables
    assert chart.id == "s3-loss-accuracy" and table.id == "s3-loss-accuracy-table"
    assert [(l.param, l.key, l.carry) for l in chart.links] == [("brush", "sample_id", True)]
    assert table.follows == (chart.id,)
    spec = chart.spec
    params = [p for p in spec.get("params", [])]
    assert params and params[0]["name"] == "brush" and params[0]["select"]["type"] == "interval"
    # The bar chart is filtered by the brush, in the same spec.
    bar_filters = [t for v in spec_views(spec) for t in v.get("transform", []) if t.get("filter") == {"param": "brush"}]
    assert bar_filters
    # Every field the brush filters on is in the table rows, with the chart's values.
    points = next(d for d in datasets(spec).values() if d and "loss" in d[0] and "accuracy" in d[0])
    by_id = {p["sample_id"]: p for p in points}
    assert len(table.rows) == len(points) == len(run.ok)
    for row in table.rows:
        assert row["loss"] == by_id[row["sample_id"]]["loss"]
        assert row["accuracy"] == by_id[row["sample_id"]]["accuracy"]
    # Sample-type colors in the fixed order shared by every slide.
    domains = [v["encoding"]["color"]["scale"]["domain"] for v in spec_views(spec)
               if v.get("encoding", {}).get("color", {}).get("field") == "sample_type"]
    assert domains and all(d == ["random", "BO", "promoted"] for d in domains)
    assert_snapshot("steps/loss_accuracy_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


def test_brushed_shares_equal_pandas():
    """Draw the chart with a brush already set (the param's initial value): the bar labels
    (share and count per sample type) equal a pandas count of the points inside the box."""
    run = load("hpbandster_example_5_mnist")
    spec = copy.deepcopy(build(run, loss_axis="linear").charts[0].spec)
    box = {"x": [0.0, 0.25], "y": [0.7, 1.0]}
    spec["params"][0]["value"] = box
    import vl_convert as vlc

    labels = re.findall(r">(\d+% \(\d+\))<", vlc.vegalite_to_svg(spec))
    ok = run.ok
    inside = ok[ok["loss"].between(*box["x"]) & ok["accuracy"].between(*box["y"])]
    counts = inside["sample_type"].value_counts()
    expected = sorted(f"{c / len(inside):.0%} ({c})" for c in counts)
    assert sorted(labels) == expected and len(inside) > 10


def test_loss_only_run_draws_loss_against_budget():
    run = load("deepcave_BOHB_run_1")
    slide = build(run)
    n = slide.numbers["loss_accuracy"]
    assert n["mode"] == "loss_budget"
    assert "no accuracy" in slide_text(slide)
    (table,) = slide.tables
    assert all("budget_x" in r and "loss" in r for r in table.rows)
    # The jittered budget stays within a quarter ladder step of the real one.
    ratio = np.array([r["budget_x"] / r["budget"] for r in table.rows])
    assert (ratio > 3 ** -0.13).all() and (ratio < 3 ** 0.13).all()
    validate_spec(slide.charts[0].spec)
    # The same on a run whose accuracy was dropped.
    stripped = build(without_accuracy(load("hpbandster_example_5_mnist")))
    assert stripped.numbers["loss_accuracy"]["mode"] == "loss_budget"
    validate_spec(stripped.charts[0].spec)


def test_crashed_are_counted_and_left_out():
    run = load("deepcave_BOHB_run_4")
    slide = build(run)
    assert slide.numbers["loss_accuracy"]["n_crashed"] == 4
    assert "4 crashed evaluations" in slide.charts[0].caption
    assert all(r["status"] == "ok" for r in slide.tables[0].rows)


@pytest.mark.parametrize("color", ["budget", "bracket"])
def test_color_options(color):
    spec = build(load("hpbandster_example_5_mnist"), color=color).charts[0].spec
    fields = {v["encoding"]["color"]["field"] for v in spec_views(spec) if "color" in v.get("encoding", {})}
    assert ("budget_label" if color == "budget" else "bracket") in fields
    validate_spec(spec)


def test_loss_axis_options():
    run = load("hpbandster_example_5_mnist")
    x_scale = lambda s: spec_views(s.charts[0].spec)[0]["encoding"]["x"].get("scale", {})  # noqa: E731
    assert x_scale(build(run, loss_axis="log"))["type"] == "log"
    assert "type" not in x_scale(build(run, loss_axis="linear"))
    # Zero or negative losses cannot go on a log axis: symlog, and the caption says so.
    t = run.table.copy()
    t.loc[t.index[0], "loss"] = 0.0
    from steps_b_helpers import rebuilt

    slide = build(rebuilt(run, t), loss_axis="log")
    assert x_scale(slide)["type"] == "symlog" and "symlog" in slide.notes


def test_one_bracket():
    slide = build(one_bracket(load("hpbandster_example_5_mnist")))
    assert slide.numbers["loss_accuracy"]["n"] == len(slide.tables[0].rows)
    validate_spec(slide.charts[0].spec)


def test_big_run_is_sampled_and_fast():
    run = big_run(load("hpbandster_example_5_mnist"), copies=1000)  # 113,000 evaluations
    slide = build(run)
    n = slide.numbers["loss_accuracy"]
    assert n["n"] == 113_000 and n["n_shown"] == 5000
    assert "5,000 of 113,000" in slide.charts[0].caption
    assert len(slide.tables[0].rows) == 5000
    assert isinstance(slide.tables[0], Table)


def test_same_input_same_output():
    run = load("deepcave_BOHB_run_4")
    a, b = build(run), build(run)
    assert a.charts[0].spec == b.charts[0].spec and a.tables[0].rows == b.tables[0].rows
    assert json.dumps(a.numbers, sort_keys=True) == json.dumps(b.numbers, sort_keys=True)
