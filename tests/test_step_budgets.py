"""Step kind budgets: per-budget medians and the budget × budget rank agreement against pandas."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bohbvis.steps import budgets
from bohbvis.steps._metric import ACCURACY, LOSS

from steps_b_helpers import (
    assert_snapshot,
    slide_text,
    RUN_NAMES, best_sign, big_run, datasets, load, metric_field, ok_rows, one_bracket, opts, rebuilt,
    validate_spec, without_accuracy,
)


def build(run, **values):
    return budgets.build(run, opts("budgets", **values))


def expected_pairs(name: str, field: str) -> list[dict]:
    ok = ok_rows(name, field)
    wide = ok.pivot_table(index="config", columns="budget", values=field, aggfunc="mean")
    out = []
    bs = sorted(wide.columns)
    for i, lo in enumerate(bs):
        for hi in bs[i + 1:]:
            both = wide[[lo, hi]].dropna()
            rho = both[lo].corr(both[hi], method="spearman") if len(both) >= 3 else None
            if rho is not None and not np.isfinite(rho):
                rho = None
            rank = None
            if len(both):
                s = best_sign(field)
                winner = (both[lo] * s).idxmin()
                rank = int((both[hi] * s < both.loc[winner, hi] * s).sum()) + 1
            out.append({"low": lo, "high": hi, "n": len(both), "rho": rho, "winner_rank": rank})
    return out


@pytest.mark.parametrize("name", RUN_NAMES)
def test_medians_and_pairs_match_pandas(name):
    slide = build(load(name))
    n = slide.numbers["budgets"]
    field = metric_field(name)
    ok = ok_rows(name, field)
    assert n["n"] == len(ok)
    med = ok.groupby("budget")[field].median()
    assert n["medians"] == {f"{b:g}": pytest.approx(v) for b, v in med.items()}
    exp = expected_pairs(name, field)
    assert len(n["pairs"]) == len(exp)
    for got, want in zip(n["pairs"], exp):
        assert (got["low"], got["high"], got["n"]) == (want["low"], want["high"], want["n"])
        if want["rho"] is None:
            assert got["rho"] is None
        else:
            assert got["rho"] == pytest.approx(want["rho"], abs=1e-9)
        assert got["winner_rank"] == want["winner_rank"]
        assert got["same_winner"] == (None if want["winner_rank"] is None else want["winner_rank"] == 1)
    # The verdict pair: the largest budget against the highest lower budget with a ρ.
    top = max(ok["budget"])
    cands = [p for p in exp if p["high"] == top and p["rho"] is not None]
    if cands:
        pick = max(cands, key=lambda p: p["low"])
        assert (n["low_budget"], n["high_budget"], n["n_pair"]) == (pick["low"], pick["high"], pick["n"])
        assert f"The {pick['n']} configurations run at both {pick['low']:g} and {pick['high']:g}" in n["verdict"]
        assert n["verdict"] in slide_text(slide)
    else:
        assert n["low_budget"] is None and "Too few" in n["verdict"]
    validate_spec(slide.charts[0].spec)


def test_box_stats_against_pandas_quantiles():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    spec = slide.charts[0].spec
    (boxes,) = [d for d in datasets(spec).values() if d and "q1" in d[0]]
    ok = run.ok
    for box in boxes:
        v = ok.loc[ok["budget"] == float(box["budget_label"]), "accuracy"]
        q1, q3 = v.quantile(0.25), v.quantile(0.75)
        assert (box["q1"], box["median"], box["q3"], box["n"]) == pytest.approx((q1, v.median(), q3, len(v)))
        inside = v[(v >= q1 - 1.5 * (q3 - q1)) & (v <= q3 + 1.5 * (q3 - q1))]
        assert (box["lo"], box["hi"]) == pytest.approx((inside.min(), inside.max()))
    assert_snapshot("steps/budgets_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


def test_verdict_sentences():
    pair = {"low": 27.0, "high": 81.0, "n": 10, "rho": 0.93, "same_winner": True, "winner_rank": 1,
            "median_low": 0.951, "median_high": 0.960, "spread_high": 0.02}
    text = budgets.verdict(pair, [pair], ACCURACY, 4)
    assert text.startswith("The 10 configurations run at both 27 and 81 rank almost the same (Spearman's ρ = +0.93): "
                           "a maximum budget of 27 would likely have picked the same winner.")
    assert "also the best at 81" in text and "95.1% at 27 and 96.0% at 81: about the same" in text
    low = dict(pair, rho=0.1, same_winner=False, winner_rank=4, median_low=0.8)
    text = budgets.verdict(low, [low], ACCURACY, 4)
    assert "rank differently" in text and "4th of 10 at 81" in text and "better at 81" in text
    ties = dict(low, spread_high=0.004)
    assert "mostly noise" in budgets.verdict(ties, [ties], ACCURACY, 4)
    # "The larger budget matters" never sits beside "about the same" (the medians barely move).
    flat = dict(low, median_low=0.955, spread_high=0.05)
    text = budgets.verdict(flat, [flat], ACCURACY, 4)
    assert "the larger budget matters" in text and "about the same" not in text
    assert "changes which one wins, not how good they are" in text
    assert "mostly noise" not in budgets.verdict(ties, [ties], LOSS, 4)  # a loss has no natural unit
    small = dict(pair, n=4)
    assert "Only 4 configurations" in budgets.verdict(small, [small], ACCURACY, 4)
    assert "same budget" in budgets.verdict(None, [], ACCURACY, 1)


def test_single_budget_run():
    run = load("hpbandster_example_5_mnist")
    t = run.table[run.table["budget"] == run.table["budget"].max()]
    slide = build(rebuilt(run, t))
    n = slide.numbers["budgets"]
    assert n["pairs"] == [] and "same budget" in n["verdict"]
    assert len(slide.charts[0].spec.get("hconcat", [])) == 1
    validate_spec(slide.charts[0].spec)


def test_loss_only_crashed_one_bracket_big():
    slide = build(without_accuracy(load("hpbandster_example_5_mnist")))
    assert slide.numbers["budgets"]["metric"] == "loss"
    validate_spec(slide.charts[0].spec)
    crashed = build(load("deepcave_BOHB_run_4"))
    assert "4 crashed" in crashed.charts[0].caption
    # A few diverged trainings (loss ~10 beside ~0.5): the axis zooms to the boxes and says so.
    assert "lie outside the drawn range" in crashed.charts[0].caption
    one = build(one_bracket(load("demo" if "demo" in RUN_NAMES else "hpbandster_example_5_mnist")))
    validate_spec(one.charts[0].spec)
    big = big_run(load("hpbandster_example_5_mnist"), copies=1000)
    slide = build(big)
    points = [d for d in datasets(slide.charts[0].spec).values() if d and "jitter" in d[0]]
    assert len(points[0]) == 5000 and "5,000 of 113,000" in slide.charts[0].caption
    assert slide.numbers["budgets"]["n"] == 113_000


def test_points_option_and_determinism():
    run = load("deepcave_BOHB_run_4")
    without = build(run, points=False)
    assert not [d for d in datasets(without.charts[0].spec).values() if d and "jitter" in d[0]]
    a, b = build(run), build(run)
    assert json.dumps(a.charts[0].spec, sort_keys=True) == json.dumps(b.charts[0].spec, sort_keys=True)
