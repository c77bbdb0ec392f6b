"""Step kind learning_curves: the winner-persistence and rank-agreement numbers against a plain
recount of the raw logs, the brush/table wiring, the caps at a six-figure run."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import spearmanr

from bohbvis.steps import learning_curves

from steps_b_helpers import (
    RUN_NAMES, assert_snapshot, best_sign, big_run, datasets, load, metric_field, ok_rows, opts, spec_views,
    validate_spec, without_accuracy,
)


def build(run, **values):
    return learning_curves.build(run, opts("learning_curves", **values))


def reference(name, field):
    """Winner of every (bracket, round) by the metric, and where it ranks in the next round —
    a plain loop over the raw rows. Ties go to the evaluation logged first in its round (the
    order sample ids number them in)."""
    e = ok_rows(name, field)
    sign = best_sign(field)
    holds = small = absent = 0
    per_budget = {}
    for (bracket, rnd), g in e.groupby(["bracket", "round"]):
        nxt = e[(e["bracket"] == bracket) & (e["round"] == rnd + 1)]
        if nxt.empty:
            continue
        if len(nxt) < 3:
            small += 1
            continue
        winner = sorted(zip(g[field] * sign, range(len(g)), g["config"]))[0][2]
        order = [c for _v, _i, c in sorted(zip(nxt[field] * sign, range(len(nxt)), nxt["config"]))]
        if winner not in order:
            absent += 1
            continue
        ok = order.index(winner) + 1 <= math.ceil(len(nxt) / 3)
        holds += ok
        key = (float(g["budget"].iloc[0]), float(nxt["budget"].iloc[0]))
        per_budget.setdefault(key, []).append(ok)
    return holds, small, absent, per_budget


@pytest.mark.parametrize("name", RUN_NAMES)
def test_numbers_match_a_recount_of_the_raw_logs(name):
    run = load(name)
    field = metric_field(name)
    slide = build(run)
    n = slide.numbers["learning_curves"]
    holds, small, absent, per_budget = reference(name, field)
    assert n["metric"] == field
    assert (n["n_holds"], n["n_small_steps"], n["n_absent_steps"]) == (holds, small, absent)
    assert n["n_steps"] == sum(len(v) for v in per_budget.values())
    for s in n["per_step"]:
        got = per_budget.get((s["budget"], s["next_budget"]), [])
        assert s["n_steps"] == len(got) and s["n_holds"] == sum(got)
    # Rank agreement between consecutive budgets, over configurations run on both (same bracket).
    e = ok_rows(name, field)
    budgets = sorted(e["budget"].unique())
    for s, (b, b2) in zip(n["per_step"], zip(budgets, budgets[1:])):
        lo = e[e["budget"] == b].set_index(["bracket", "config"])[field]
        hi = e[e["budget"] == b2].set_index(["bracket", "config"])[field]
        both = lo.index.intersection(hi.index)
        assert s["n_pairs"] == len(both)
        if len(both) >= 3 and lo[both].nunique() > 1 and hi[both].nunique() > 1:
            assert s["rho"] == pytest.approx(spearmanr(lo[both], hi[both]).statistic)
    # Lines: one per configuration with a value on two budgets.
    multi = e.groupby("config")["budget"].nunique()
    assert n["n_multi"] == int((multi >= 2).sum()) == n["n_lines"]
    validate_spec(slide.charts[0].spec)


def test_brush_table_wiring_and_snapshot():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    (chart,), (table,) = slide.charts, slide.tables
    assert [(l.param, l.key, l.carry) for l in chart.links] == [("lc_brush", "sample_id", True)]
    assert table.follows == (chart.id,)
    spec = chart.spec
    brush = [p for p in spec.get("params", []) + [q for v in spec_views(spec) for q in v.get("params", [])] if p["name"] == "lc_brush"]
    assert len(brush) == 1 and brush[0]["select"]["type"] == "interval"
    points = next(d for d in datasets(spec).values() if d and "budget_x" in d[0])
    by_id = {p["sample_id"]: p for p in points}
    assert {r["sample_id"] for r in table.rows} == set(by_id)
    for row in table.rows:  # the table filters on the very values the brush sees
        assert row["budget_x"] == by_id[row["sample_id"]]["budget_x"]
        assert row["accuracy"] == by_id[row["sample_id"]]["accuracy"]
        assert 3 ** -0.11 < row["budget_x"] / row["budget"] < 3 ** 0.11
    # Every point of one configuration is spread by the same factor: its line keeps its shape.
    factors = {}
    for p in points:
        factors.setdefault(p["config_id"], []).append(p["budget_x"] / float(p["budget_label"]))
    assert all(max(v) - min(v) < 1e-5 for v in factors.values())
    assert_snapshot("steps/learning_curves_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


@pytest.mark.parametrize("name", ["deepcave_BOHB_run_1", "deepcave_BOHB_run_4"])
def test_loss_only_runs(name):
    slide = build(load(name))
    assert slide.numbers["learning_curves"]["metric"] == "loss"
    validate_spec(slide.charts[0].spec)
    stripped = build(without_accuracy(load("hpbandster_example_5_mnist")))
    assert stripped.numbers["learning_curves"]["metric"] == "loss"


def test_color_by_bracket():
    spec = build(load("hpbandster_example_5_mnist"), color="bracket").charts[0].spec
    fields = {v["encoding"]["color"]["field"] for v in spec_views(spec) if "color" in v.get("encoding", {})}
    assert "bracket" in fields
    validate_spec(spec)


def test_big_run_caps_lines_and_points():
    run = big_run(load("hpbandster_example_5_mnist"), copies=1000)  # 113,000 evaluations
    slide = build(run)
    n = slide.numbers["learning_curves"]
    assert n["n_lines"] == 400 and n["n_multi"] > 10_000
    pts = next(d for d in datasets(slide.charts[0].spec).values() if d and "budget_x" in d[0])
    assert len(pts) <= learning_curves.MAX_DOTS and len({p["config_id"] for p in pts if p["on_line"]}) == 400
    assert "200 best of" in slide.charts[0].caption and "2,000 of 113,000" in slide.charts[0].caption
    assert len(slide.tables[0].rows) == len(pts)
