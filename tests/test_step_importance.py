"""Step kind importance: the fANOVA decomposition reproduces Optuna's FanovaImportanceEvaluator on
the same data and seed; a run whose metric depends on one hyperparameter only gives it all the
importance; spread over seeds, left-out hyperparameters, the caps at a six-figure run."""

from __future__ import annotations

import numpy as np
import optuna  # the test extra's reference fANOVA
import pandas as pd
import pytest

from bohbvis.analysis import importance as fanova_mod
from bohbvis.steps import importance

from steps_b_helpers import assert_snapshot, big_run, datasets, load, opts, rebuilt, slide_text, validate_spec

optuna.logging.set_verbosity(optuna.logging.WARNING)


def build(run, **values):
    return importance.build(run, opts("importance", **values))


def optuna_study(run, budget):
    """The run's evaluations at one budget as an Optuna study (hyperparameters present in all)."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    ok = run.ok[run.ok["budget"] == budget]
    hps = [hp for hp in run.space if not ok[hp.column].isna().any() and ok[hp.column].astype(str).nunique() > 1]
    dists = {}
    for hp in hps:
        if hp.type == "int":
            dists[hp.name] = IntDistribution(int(hp.lower), int(hp.upper), log=hp.log)
        elif hp.type == "float":
            dists[hp.name] = FloatDistribution(hp.lower, hp.upper, log=hp.log)
        else:
            dists[hp.name] = CategoricalDistribution(list(hp.choices))
    study = optuna.create_study()
    for _, r in ok.iterrows():
        params = {}
        for hp in hps:
            v = r[hp.column]
            params[hp.name] = int(v) if hp.type == "int" else float(v) if hp.type == "float" else (
                bool(v) if hp.type == "bool" else v)
        study.add_trial(optuna.trial.create_trial(params=params, distributions=dists, value=float(r["loss"])))
    return study, dists


def optuna_encoding(study, dists):
    """Optuna's own encoding of the study (FanovaImportanceEvaluator's: raw values, one-hot choices,
    parameters in name order), built by hand from the public trials."""
    names = sorted(dists)
    cols, bounds, groups = [], [], []
    for name in names:
        d = dists[name]
        start = len(bounds)
        if isinstance(d, optuna.distributions.CategoricalDistribution):
            for c in d.choices:
                cols.append([1.0 if t.params[name] == c else 0.0 for t in study.trials])
                bounds.append([0.0, 1.0])
        else:
            cols.append([float(t.params[name]) for t in study.trials])
            bounds.append([float(d.low), float(d.high)])
        groups.append(np.arange(start, len(bounds)))
    return names, np.array(cols).T, np.array(bounds), groups


@pytest.mark.parametrize("name,budget", [("deepcave_BOHB_run_4", 1.0), ("demo", 1.0)])
def test_decomposition_reproduces_optunas_fanova(name, budget):
    from optuna.importance import FanovaImportanceEvaluator

    run = load(name)
    study, dists = optuna_study(run, budget)
    ref = FanovaImportanceEvaluator(seed=3, n_trees=16).evaluate(study)
    names, X, bounds, groups = optuna_encoding(study, dists)
    y = np.array([t.value for t in study.trials])
    ours, _trees = fanova_mod.fanova(X, y, bounds, groups, seed=3, n_trees=16)
    assert len(names) >= 5
    for n, (mean, _sd) in zip(names, ours):
        assert mean == pytest.approx(ref[n], rel=1e-9, abs=1e-12), n


@pytest.mark.parametrize("name,budget", [("demo", 1.0), ("hpbandster_example_5_mnist", 9.0)])
def test_the_trees_are_random_forest_regressors_trees(name, budget):
    """forest_trees grows the trees one by one (the forest's per-tree overhead is most of its time):
    they are RandomForestRegressor's, node for node, with the same settings and seed."""
    from sklearn.ensemble import RandomForestRegressor

    run = load(name)
    ok = run.ok[(run.ok["budget"] == budget) & run.ok["loss"].notna()]
    enc = fanova_mod.encode(ok, run.space)
    y = ok["loss"].to_numpy(dtype=float)
    for seed in (0, 3):
        ref = RandomForestRegressor(n_estimators=fanova_mod.N_TREES, max_depth=fanova_mod.MAX_DEPTH,
                                    min_samples_split=2, min_samples_leaf=1, random_state=seed).fit(enc.X, y)
        ours = fanova_mod.forest_trees(enc.X, y, seed)
        assert len(ours) == len(ref.estimators_) == fanova_mod.N_TREES
        for mine, theirs in zip(ours, (e.tree_ for e in ref.estimators_)):
            for field in ("children_left", "children_right", "feature", "threshold", "value", "n_node_samples"):
                np.testing.assert_array_equal(getattr(mine, field), getattr(theirs, field), err_msg=field)


def test_forest_boxes_match_a_walk_down_each_tree():
    """The boxes pushed down all trees at once: each leaf's box is what following its path gives,
    and the leaves of a tree tile the space (their volumes add up to the whole)."""
    run = load("demo")
    ok = run.ok[run.ok["budget"] == 1.0]
    enc = fanova_mod.encode(ok, run.space)
    trees = fanova_mod.forest_trees(enc.X, ok["accuracy"].to_numpy(dtype=float), seed=1, n_trees=4)
    forest = fanova_mod.forest_boxes(trees, enc.bounds)
    whole = np.prod(enc.bounds[:, 1] - enc.bounds[:, 0])
    for k, tree in enumerate(trees):
        mine = forest.tree == k
        assert forest.volume[mine].sum() == pytest.approx(whole, rel=1e-12)
        boxes = []
        stack = [(0, enc.bounds[:, 0].copy(), enc.bounds[:, 1].copy())]
        while stack:
            node, lo, hi = stack.pop()
            f = tree.feature[node]
            if f < 0:
                boxes.append((node, lo, hi))
                continue
            lhi, rlo = hi.copy(), lo.copy()
            lhi[f] = rlo[f] = tree.threshold[node]
            stack += [(tree.children_left[node], lo, lhi), (tree.children_right[node], rlo, hi)]
        boxes.sort(key=lambda b: b[0])  # leaves in node order, as forest_boxes keeps them
        np.testing.assert_array_equal(forest.lo[mine], np.array([b[1] for b in boxes]))
        np.testing.assert_array_equal(forest.hi[mine], np.array([b[2] for b in boxes]))
        np.testing.assert_array_equal(forest.value[mine], tree.value[[b[0] for b in boxes], 0, 0])


def synthetic(n=300, seed=0):
    """A run whose loss depends on the learning rate only (on its log scale), plus two
    irrelevant hyperparameters, on one budget."""
    rng = np.random.default_rng(seed)
    base = load("hpbandster_example_5_mnist")
    from bohbvis.model.space import Hyperparameter

    lr = 10 ** rng.uniform(-5, -1, n)
    t = pd.DataFrame({
        "config_id": [f"0-0-{i}" for i in range(n)], "bracket": 0, "round": 0, "trial": range(n), "budget": 9.0,
        "sample_type": "random", "status": "ok", "loss": (np.log10(lr) + 3) ** 2, "accuracy": np.nan,
        "started": np.arange(n, dtype=float), "finished": np.arange(n, dtype=float) + 0.5,
        "config_lr": lr, "config_noise": rng.uniform(0, 1, n), "config_opt": rng.choice(["a", "b", "c"], n),
    })
    space = (Hyperparameter("lr", "float", 1e-5, 1e-1, log=True), Hyperparameter("noise", "float", 0.0, 1.0),
             Hyperparameter("opt", "categorical", choices=("a", "b", "c")))
    from bohbvis.model.assemble import assemble

    return assemble(t, space, source="synthetic", format="synthetic", metric="")


def test_one_relevant_hyperparameter_takes_all_the_importance():
    slide = build(synthetic())
    n = slide.numbers["importance"]
    assert n["top"] == "lr" and n["top_share"] > 0.95 and n["top_sd"] < 0.02
    imps = n["budgets"][0]["importances"]
    assert imps["noise"]["mean"] < 0.02 and imps["opt"]["mean"] < 0.02
    # The marginal curve follows (log10 lr + 3)^2: lowest near lr = 1e-3, high at both ends.
    curve = next(d for d in datasets(slide.charts[0].spec).values() if d and "x" in d[0] and "std" in d[0])
    best = min(curve, key=lambda c: c["mean"])
    assert 3e-4 < best["x"] < 3e-3
    assert curve[0]["mean"] > best["mean"] + 2 and curve[-1]["mean"] > best["mean"] + 2
    validate_spec(slide.charts[0].spec)


def test_numbers_per_budget_spread_over_seeds_and_snapshot():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    n = slide.numbers["importance"]
    text = slide_text(slide)
    assert "random forest" in text and f"{len(fanova_mod.SEEDS)} seeds" in text
    counts = run.ok.groupby("budget").size()
    for b in n["budgets"]:
        assert b["n"] == b["n_fit"] == counts[b["budget"]]
        # Conditional hyperparameters are named, with the reason.
        assert "num_filters_3" in b["left_out"]
    ref = fanova_mod.budget_importance(run, "accuracy", float(n["reference_budget"]))
    k = ref.names.index(n["top"])
    assert n["top_share"] == pytest.approx(ref.per_seed[:, k].mean())
    assert n["top_sd"] == pytest.approx(ref.per_seed[:, k].std())
    assert ref.per_seed.shape == (len(fanova_mod.SEEDS), len(ref.names))
    assert n["top_share"] == max(v["mean"] for v in n["budgets"][-1]["importances"].values())
    assert n["interactions"] == pytest.approx(1 - sum(v["mean"] for v in n["budgets"][-1]["importances"].values()))
    assert "num_filters_3: absent" in slide.charts[0].caption
    validate_spec(slide.charts[0].spec)
    assert_snapshot("steps/importance_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


def test_loss_only_run_and_too_small_budgets():
    slide = build(load("deepcave_BOHB_run_1"))
    n = slide.numbers["importance"]
    assert n["metric"] == "loss" and n["top"] == "x"
    assert n["skipped_budgets"] and all(b["n"] >= fanova_mod.MIN_ROWS for b in n["budgets"])
    small = build(load("seed"))
    assert small.numbers["importance"]["top"] is None and not small.charts
    assert "too few" in slide_text(small).lower()


def test_big_run_fits_on_a_stated_sample():
    run = big_run(load("hpbandster_example_5_mnist"), copies=200)  # 22,600 evaluations
    slide = build(run, budgets="largest")
    n = slide.numbers["importance"]
    assert len(n["budgets"]) == 1 and n["budgets"][0]["n_fit"] == fanova_mod.MAX_FIT < n["budgets"][0]["n"]
    assert f"at most {fanova_mod.MAX_FIT:,}" in slide.charts[0].caption
    assert max(len(d) for d in datasets(slide.charts[0].spec).values()) <= 200
