"""Step kind embedding (view C): configurations and features against the raw logs, PCA against a
plain numpy SVD, determinism, big-run sampling, and scikit-learn staying out of other imports."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from bohbvis.errors import BohbvisError
from bohbvis.steps import embedding

from steps_b_helpers import (
    assert_snapshot,
    slide_text,
    RUN_NAMES, big_run, best_sign, datasets, evaluations, load, metric_field, ok_rows, one_bracket, opts,
    validate_spec, without_accuracy,
)


def build(run, **values):
    return embedding.build(run, opts("embedding", **values))


@pytest.mark.parametrize("name", RUN_NAMES)
def test_one_point_per_configuration_at_its_largest_budget(name):
    slide = build(load(name))
    n = slide.numbers["embedding"]
    field = metric_field(name)
    ok = ok_rows(name, field)
    assert n["n_configs"] == ok["config"].nunique() == n["n_shown"]
    (table,) = slide.tables
    reached = ok.groupby("config")["budget"].max()
    assert sorted(r["budget"] for r in table.rows) == sorted(reached.tolist())
    # Each row's metric is the configuration's best at that largest budget.
    at_top = ok[ok["budget"] == ok["config"].map(reached)]
    best = (at_top[field] * best_sign(field)).groupby(at_top["config"]).min() * best_sign(field)
    assert sorted(r[field] for r in table.rows) == pytest.approx(sorted(best.tolist()))
    assert n["top_k"] == max(3, int(np.ceil(0.1 * n["n_configs"])))
    validate_spec(slide.charts[0].spec)


@pytest.mark.parametrize("name", ["hpbandster_example_5_mnist", "demo", "deepcave_BOHB_run_4"])
def test_feature_count_and_conditional_indicators(name):
    if name == "demo" and "demo" not in RUN_NAMES:
        pytest.skip("the demo run is not generated yet")
    run = load(name)
    slide = build(run)
    e = evaluations(name)
    ok = ok_rows(name)
    configs = e[e["config"].isin(ok["config"])].drop_duplicates("config")
    expected, conditional = 0, []
    for hp in run.space:
        col = configs[f"hp_{hp.name}"]
        present = col.notna()
        if not present.any():
            continue
        expected += col[present].astype(str).nunique() if hp.type == "categorical" else 1
        if not present.all():
            expected += 1  # the is-set indicator
            conditional.append(hp.name)
    assert slide.numbers["embedding"]["n_features"] == expected
    for hp in conditional:
        assert f"{hp} (set in {int(configs[f'hp_{hp}'].notna().sum()):,} of {len(configs):,})" in slide_text(slide)


def test_pca_matches_a_plain_svd():
    """Rebuild the feature matrix from the raw configs.json with pandas and project it with numpy:
    the explained variance ratios and the coordinates (up to sign) agree with the slide."""
    name = "hpbandster_example_5_mnist"
    run = load(name)
    slide = build(run)
    ok = ok_rows(name)
    reached = ok.groupby("config")["budget"].transform("max")
    top = ok[ok["budget"] == reached]
    top = top.loc[(top["accuracy"] * -1).groupby(top["config"]).idxmin()]
    cols = []
    for hp in run.space:
        v = top[f"hp_{hp.name}"]
        present = v.notna()
        if hp.type == "categorical":
            d = pd.get_dummies(v.astype("string"), dtype=float)
            cols += [d[c].where(present, d[c][present].mean()) for c in sorted(d.columns)]
        else:
            x = v.astype(float)
            if hp.log:
                x = np.log10(x)
            z = (x - x[present].mean()) / x[present].std(ddof=0)
            cols.append(z.fillna(0.0))
        if not present.all():
            cols.append(present.astype(float))
    X = np.column_stack(cols)
    X = X - X.mean(axis=0)
    _u, s, vt = np.linalg.svd(X, full_matrices=False)
    ratio = s**2 / (s**2).sum()
    assert slide.numbers["embedding"]["variance"] == pytest.approx(ratio[:2].tolist(), abs=1e-6)
    proj = X @ vt[:2].T
    rows = {r["config_id"]: r for r in slide.tables[0].rows}
    got = np.array([[rows[c]["x"], rows[c]["y"]] for c in top["config"]])
    for k in range(2):
        sign = np.sign(np.dot(got[:, k], proj[:, k]))
        assert got[:, k] == pytest.approx(sign * proj[:, k], abs=2e-4)


def test_brush_links_table_rows_by_x_and_y_and_snapshot():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    (chart,) = slide.charts
    (table,) = slide.tables
    # The brush carries configurations to the data panel (all their evaluations), like view B.
    assert [(l.param, l.key, l.carry) for l in chart.links] == [("brush", "config_id", True)]
    assert table.follows == (chart.id,) and chart.id == "s3-embedding"
    (points,) = [d for d in datasets(chart.spec).values() if d and "x" in d[0]]
    by_id = {p["sample_id"]: (p["x"], p["y"]) for p in points}
    assert {r["sample_id"]: (r["x"], r["y"]) for r in table.rows} == by_id
    assert chart.spec["params"][0]["name"] == "brush"
    assert "PC1" in chart.spec["encoding"]["x"]["title"]
    assert_snapshot("steps/embedding_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


@pytest.mark.parametrize("method", ["tsne", "mds"])
def test_tsne_and_mds_are_deterministic_and_explained(method):
    run = load("hpbandster_example_5_mnist")
    a, b = build(run, method=method), build(run, method=method)
    assert json.dumps(a.charts[0].spec, sort_keys=True) == json.dumps(b.charts[0].spec, sort_keys=True)
    assert a.numbers["embedding"]["method"] == method and a.numbers["embedding"]["variance"] == []
    assert "distances, not axes, carry meaning" in slide_text(a)
    validate_spec(a.charts[0].spec)


@pytest.mark.parametrize("color", ["bracket", "sample_type", "loss"])
def test_color_options(color):
    spec = build(load("hpbandster_example_5_mnist"), color=color).charts[0].spec
    field = spec["encoding"]["color"]["field"]
    assert field == color
    if color == "sample_type":
        assert spec["encoding"]["color"]["scale"]["domain"] == ["random", "BO", "promoted"]
    validate_spec(spec)


def test_loss_only_runs_color_by_loss_and_refuse_accuracy():
    run = without_accuracy(load("hpbandster_example_5_mnist"))
    slide = build(run)
    assert slide.charts[0].spec["encoding"]["color"]["field"] == "loss"
    with pytest.raises(BohbvisError, match="accuracy"):
        build(run, color="accuracy")


def test_single_hyperparameter_and_best_point_rule():
    run = load("deepcave_BOHB_run_1")  # one float hyperparameter
    slide = build(run, point="best")
    n = slide.numbers["embedding"]
    assert n["n_features"] == 1 and n["variance"] == [pytest.approx(1.0)]
    assert "its best evaluation" in slide.charts[0].caption and "the map is a line" in slide_text(slide)
    ok = ok_rows("deepcave_BOHB_run_1", "loss")
    best = ok.groupby("config")["loss"].min()
    assert sorted(r["loss"] for r in slide.tables[0].rows) == pytest.approx(sorted(best.tolist()))
    validate_spec(slide.charts[0].spec)


def test_tiny_run_falls_back_to_pca():
    run = one_bracket(load("seed"))  # bracket 0 of the seed's rows: 3 configurations
    slide = build(run, method="tsne")
    n = slide.numbers["embedding"]
    assert n["n_configs"] == 3
    assert n["method"] == "pca" and "t-SNE needs more" in slide.charts[0].caption
    assert build(run, method="mds").numbers["embedding"]["method"] == "mds"
    validate_spec(slide.charts[0].spec)


def test_slow_methods_sample_big_runs(monkeypatch):
    monkeypatch.setattr(embedding, "MAX_SLOW", 300)  # the rule, at a size a test can afford
    run = load("deepcave_BOHB_run_4")
    slide = build(run, method="mds")
    n = slide.numbers["embedding"]
    assert n["n_configs"] == 1248 and n["n_shown"] == 300
    assert "random sample of 300 of the 1,248 configurations" in slide.charts[0].caption
    # The top configurations (largest budget reached, then lowest loss there) are always kept.
    ok = ok_rows("deepcave_BOHB_run_4", "loss")
    reached = ok.groupby("config")["budget"].max()
    at_top = ok[ok["budget"] == ok["config"].map(reached)].groupby("config")["loss"].min()
    ranking = pd.DataFrame({"reached": reached, "loss": at_top}).sort_values(["reached", "loss"],
                                                                              ascending=[False, True])
    shown = {r["config_id"] for r in slide.tables[0].rows}
    assert len(shown) == 300
    assert set(ranking.index[: n["top_k"] - 2]) <= shown  # (ties at the cut may go either way)


def test_big_run_pca_keeps_all_configs_but_draws_at_most_5000():
    run = big_run(load("hpbandster_example_5_mnist"), copies=80)  # 6,720 configurations
    slide = build(run)
    n = slide.numbers["embedding"]
    assert n["n_configs"] == 84 * 80 and n["n_shown"] == 5000
    assert "5,000 of 6,720 configurations" in slide.charts[0].caption


def test_sklearn_is_imported_only_by_embedding_build():
    code = (
        "import sys\n"
        "import bohbvis.steps.loss_accuracy, bohbvis.steps.embedding, bohbvis.steps.correlations\n"
        "import bohbvis.steps.budgets, bohbvis.steps.sampling\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported at module import'\n"
        "from bohbvis.load import read_run\n"
        "from bohbvis.options import StepOptions\n"
        "run = read_run('tests/data/hpbandster/hpbandster_example_5_mnist')\n"
        "for k in ('loss_accuracy', 'correlations', 'budgets', 'sampling'):\n"
        "    getattr(bohbvis.steps, k).build(run, StepOptions(kind=k))\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported by another kind'\n"
        "bohbvis.steps.embedding.build(run, StepOptions(kind='embedding'))\n"
        "assert 'sklearn' in sys.modules\n"
    )
    from pathlib import Path

    root = Path(__file__).parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
