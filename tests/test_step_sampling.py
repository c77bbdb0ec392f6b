"""Step kind sampling: BO versus random against the raw logs (configs.json's model_based_pick)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from bohbvis.steps import sampling

from steps_b_helpers import (
    assert_snapshot,
    RUN_NAMES, best_sign, big_run, datasets, evaluations, load, metric_field, ok_rows, one_bracket, opts,
    validate_spec, without_accuracy,
)


def build(run, **values):
    return sampling.build(run, opts("sampling", **values))


def ranked_configs(name: str, field: str):
    """Configurations with a result, ranked as hpbandster picks its incumbent: largest budget
    reached first, then the best metric there; with each one's origin (type of its first row)."""
    e = evaluations(name)
    ok = ok_rows(name, field)
    origin = e.sort_values("round", kind="stable").drop_duplicates("config").set_index("config")["type"]
    reached = ok.groupby("config")["budget"].max()
    at_top = ok[ok["budget"] == ok["config"].map(reached)]
    score = (at_top[field] * best_sign(field)).groupby(at_top["config"]).min()
    df = origin.loc[reached.index].to_frame("origin").assign(reached=reached, score=score)
    return df.sort_values(["reached", "score"], ascending=[False, True], kind="stable")


def hypergeom_tail(N: int, K: int, k: int, x: int) -> float:
    """P(at least x successes in k draws without replacement from N holding K successes)."""
    return sum(math.comb(K, i) * math.comb(N - K, k - i) for i in range(x, min(K, k) + 1)) / math.comb(N, k)


@pytest.mark.parametrize("name", RUN_NAMES)
def test_shares_and_top_match_the_raw_logs(name):
    slide = build(load(name))
    n = slide.numbers["sampling"]
    field = metric_field(name)
    configs = ranked_configs(name, field)
    assert n["n_configs"] == len(configs)
    assert n["n_bo"] == int((configs["origin"] == "BO").sum())
    assert n["n_random"] == int((configs["origin"] == "random").sum())
    k = min(10, len(configs))
    assert n["top_k"] == k
    # Ties at the cut may go either way.
    cut = configs.iloc[k - 1][["reached", "score"]]
    better = (configs["reached"] > cut["reached"]) | ((configs["reached"] == cut["reached"]) & (configs["score"] < cut["score"]))
    tied = (configs["reached"] == cut["reached"]) & (configs["score"] == cut["score"])
    bo = configs["origin"] == "BO"
    assert int((better & bo).sum()) <= n["n_bo_top"] <= int(((better | tied) & bo).sum())
    if 0 < n["n_bo"] < n["n_configs"]:
        assert n["p_value"] == pytest.approx(hypergeom_tail(len(configs), n["n_bo"], k, n["n_bo_top"]))
        assert f"{n['n_bo_top']} of the top {k} w" in n["verdict"]
    validate_spec(slide.charts[0].spec)


@pytest.mark.parametrize("name", RUN_NAMES)
def test_first_runs_per_budget_match_pandas(name):
    from scipy.stats import mannwhitneyu

    slide = build(load(name))
    field = metric_field(name)
    ok = ok_rows(name, field)
    first = ok[ok["type"].isin(["random", "BO"])]
    rows = slide.numbers["sampling"]["per_budget"]
    assert [r["budget"] for r in rows] == sorted(first["budget"].unique())
    for r in rows:
        g = first[first["budget"] == r["budget"]]
        rnd, bo = g.loc[g["type"] == "random", field], g.loc[g["type"] == "BO", field]
        assert (r["n_random"], r["n_bo"]) == (len(rnd), len(bo))
        assert r["median_random"] == (pytest.approx(rnd.median()) if len(rnd) else None)
        assert r["median_bo"] == (pytest.approx(bo.median()) if len(bo) else None)
        if len(rnd) >= 3 and len(bo) >= 3:
            assert r["p_value"] == pytest.approx(mannwhitneyu(bo, rnd).pvalue)
        else:
            assert r["p_value"] is None


def test_top_as_a_fraction():
    run = load("deepcave_BOHB_run_4")
    slide = build(run, top=0.05)
    assert slide.numbers["sampling"]["top_k"] == math.ceil(0.05 * 1248)
    assert slide.numbers["sampling"]["top_k"] == 63
    assert "of the top 63" in slide.numbers["sampling"]["verdict"]


def test_honest_sentences():
    assert "could be chance" in sampling._top_sentence(10, 6, 100, 40, 0.2)
    assert "probability 2%" in sampling._top_sentence(10, 8, 100, 40, 0.02)
    assert "did not place more than its share" in sampling._top_sentence(10, 3, 100, 40, 0.8)
    assert "too few to conclude" in sampling._top_sentence(3, 2, 10, 4, 0.3)
    assert "none of the 20" in sampling._top_sentence(10, 0, 20, 0, None)
    assert "1 of the top 10 was proposed" in sampling._top_sentence(10, 1, 100, 40, 0.99)


def test_no_model_picks_is_said():
    run = one_bracket(load("hpbandster_example_5_mnist"))  # bracket 0: the model has no data yet
    slide = build(run)
    n = slide.numbers["sampling"]
    assert n["n_bo"] == 0 and n["p_value"] is None
    assert "proposed none" in n["verdict"] and "It proposed no configuration" in slide.title
    validate_spec(slide.charts[0].spec)


def test_share_bars_and_snapshot():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    spec = slide.charts[0].spec
    n = slide.numbers["sampling"]
    bars = next(d for d in datasets(spec).values() if d and "group" in d[0])
    top = {r["sample_type"]: r["count"] for r in bars if r["group"] == f"top {n['top_k']}"}
    assert top.get("BO", 0) == n["n_bo_top"] and sum(top.values()) == n["top_k"]
    every = {r["sample_type"]: r["count"] for r in bars if r["group"] == f"all {n['n_configs']}"}
    assert every.get("BO", 0) == n["n_bo"] and every.get("random", 0) == n["n_random"]
    assert_snapshot("steps/sampling_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


def test_loss_only_crashed_big_and_deterministic():
    slide = build(without_accuracy(load("hpbandster_example_5_mnist")))
    assert slide.numbers["sampling"]["metric"] == "loss"
    crashed = build(load("deepcave_BOHB_run_4"))
    assert "4 crashed" in crashed.charts[0].caption
    assert "origin unknown" in crashed.charts[0].caption  # the warm-start bracket -1
    again = build(load("deepcave_BOHB_run_4"))
    assert json.dumps(crashed.charts[0].spec, sort_keys=True) == json.dumps(again.charts[0].spec, sort_keys=True)
    big = big_run(load("hpbandster_example_5_mnist"), copies=1000)
    slide = build(big)
    points = [d for d in datasets(slide.charts[0].spec).values() if d and "jitter" in d[0]]
    assert len(points[0]) <= 5000 and "of 84,000" in slide.charts[0].caption
    assert slide.numbers["sampling"]["n_configs"] == 84_000
    assert np.isfinite(slide.numbers["sampling"]["p_value"])
