"""Step kind correlations (view D): every cell against pandas/numpy on the raw logs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bohbvis.steps import correlations

from steps_b_helpers import (
    assert_snapshot,
    slide_text,
    RUN_NAMES, big_run, datasets, load, metric_field, ok_rows, one_bracket, opts, validate_spec, without_accuracy,
)


def build(run, **values):
    return correlations.build(run, opts("correlations", **values))


def as_number(series: pd.Series, hp) -> pd.Series:
    """The raw value as a number, written independently of the module: bools 0/1, ordinals by
    their position in the space's sequence."""
    if hp.type == "bool":
        return series.map(lambda v: None if v is None or v != v else float(str(v).lower() == "true"))
    if hp.type == "ordinal":
        pos = {str(c): i for i, c in enumerate(hp.choices)}
        return series.map(lambda v: None if v is None or v != v else pos[str(v)])
    return series.astype(float)


def eta(groups: pd.Series, y: pd.Series) -> float:
    grand = y.mean()
    between = sum(len(g) * (g.mean() - grand) ** 2 for _, g in y.groupby(groups))
    return math.sqrt(between / ((y - grand) ** 2).sum())


def expected_cell(rows: pd.DataFrame, hp, field: str, method: str):
    x = rows[f"hp_{hp.name}"]
    keep = x.notna() & rows[field].notna()
    x, y = x[keep], rows.loc[keep, field].astype(float)
    if hp.type == "categorical":
        return eta(x.astype(str), y.rank() if method == "spearman" else y), int(keep.sum())
    xv = as_number(x, hp).astype(float)
    if method == "pearson" and hp.log:
        xv = np.log10(xv)
    if xv.nunique() < 2 or y.nunique() < 2 or len(xv) < 3:
        return None, int(keep.sum())
    return xv.corr(y, method=method), int(keep.sum())


@pytest.mark.parametrize("name", RUN_NAMES)
@pytest.mark.parametrize("method", ["spearman", "pearson"])
def test_every_cell_matches_pandas(name, method):
    run = load(name)
    slide = build(run, method=method)
    n = slide.numbers["correlations"]
    field = metric_field(name)
    ok = ok_rows(name, field)
    assert n["n"] == len(ok) and n["metric"] == field
    for hp in run.space:
        if ok[f"hp_{hp.name}"].notna().sum() == 0:
            continue
        value, count = expected_cell(ok, hp, field, method)
        assert n["ns"][hp.name] == count, hp.name
        assert n["measures"][hp.name] == ("eta" if hp.type == "categorical" else ("rho" if method == "spearman" else "r"))
        if value is None:
            assert n["values"][hp.name] is None
        else:
            assert n["values"][hp.name] == pytest.approx(value, abs=1e-9), hp.name
    done = {h: v for h, v in n["values"].items() if v is not None}
    if done:
        assert n["strongest"] == max(done, key=lambda h: abs(done[h]))
        assert n["strongest"] in slide.title
    validate_spec(slide.charts[0].spec)


def test_p_values_and_per_budget_columns():
    from scipy.stats import kruskal, spearmanr

    name = "demo" if "demo" in RUN_NAMES else "hpbandster_example_5_mnist"
    run = load(name)
    slide = build(run, per_budget=True)
    n = slide.numbers["correlations"]
    ok = ok_rows(name)
    lr = "learning_rate" if name == "demo" else "lr"
    assert n["p_values"][lr] == pytest.approx(spearmanr(ok[f"hp_{lr}"], ok["accuracy"]).pvalue)
    opt = ok[ok["hp_optimizer"].notna()]
    groups = [g["accuracy"].to_numpy() for _, g in opt.groupby("hp_optimizer")]
    assert n["p_values"]["optimizer"] == pytest.approx(kruskal(*groups).pvalue)
    assert sorted(n["per_budget"], key=float) == [f"{b:g}" for b in sorted(ok["budget"].unique())]
    for label, cells in n["per_budget"].items():
        rows = ok[ok["budget"] == float(label)]
        for hp in run.space:
            value, _count = expected_cell(rows, hp, "accuracy", "spearman")
            got = cells[hp.name]
            assert (got is None) == (value is None) and (got is None or got == pytest.approx(value, abs=1e-9))
    # One column per budget plus the pooled one, in the heatmap's x sort.
    x = slide.charts[0].spec["hconcat"][0]["layer"][0]["encoding"]["x"]
    assert x["sort"] == ["all budgets", *sorted(n["per_budget"], key=float)]
    validate_spec(slide.charts[0].spec)


def test_eta_cells_use_their_own_scale_and_say_so():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    spec = slide.charts[0].spec
    layers = spec["hconcat"][0]["layer"]
    scales = [l["encoding"]["color"]["scale"]["domain"] for l in layers if "color" in l.get("encoding", {})
              and l["encoding"]["color"].get("field") == "value"]
    assert [-1, 1] in scales and [0, 1] in scales
    cells = next(d for d in datasets(spec).values() if d and "measure" in d[0])
    opt = [c for c in cells if c["hp"] == "optimizer"]
    assert opt and all(c["measure"] == "eta" and c["label"].startswith("η ") for c in opt)
    assert "η" in slide.charts[0].caption and "not which way" in slide_text(slide)
    assert_snapshot("steps/correlations_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


def test_conditional_cells_show_their_n():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    ok = ok_rows("hpbandster_example_5_mnist")
    cells = next(d for d in datasets(slide.charts[0].spec).values() if d and "measure" in d[0])
    momentum = next(c for c in cells if c["hp"] == "sgd_momentum")
    assert momentum["n"] == int(ok["hp_sgd_momentum"].notna().sum()) < len(ok)
    assert momentum["row"] == f"sgd_momentum (n={momentum['n']})" and momentum["label"] == f"{momentum['value']:+.2f}"
    lr = next(c for c in cells if c["hp"] == "lr")
    assert lr["row"] == "lr" and lr["n"] == len(ok)  # always set: no n on the row


def test_pairs_heatmap():
    from scipy.stats.contingency import association

    name = "deepcave_BOHB_run_4"
    run = load(name)
    slide = build(run, pairs=True)
    spec = slide.charts[0].spec
    assert len(spec["hconcat"]) == 2
    cells = [c for d in datasets(spec).values() for c in d if "column" in c and c.get("column") != "all budgets"]
    configs = ok_rows(name, "loss").drop_duplicates("config")
    cell = next(c for c in cells if {c["hp"], c["column"]} == {"l2_decay", "kernel_size"})
    assert cell["value"] == pytest.approx(configs["hp_l2_decay"].corr(configs["hp_kernel_size"], method="spearman"), abs=1e-4)
    assert cell["n"] == len(configs)
    n = slide.numbers["correlations"]
    assert n["strongest_pair"] is not None and abs(n["strongest_pair_value"]) >= abs(cell["value"]) - 1e-9
    # Two categorical hyperparameters: Cramér's V (seed: optimizer × activation).
    seed = build(load("seed"), pairs=True)
    scells = [c for d in datasets(seed.charts[0].spec).values() for c in d if c.get("measure") == "v"]
    sc = ok_rows("seed").drop_duplicates("config")
    table = pd.crosstab(sc["hp_optimizer"], sc["hp_activation"]).to_numpy()
    assert scells[0]["value"] == pytest.approx(association(table, method="cramer"), abs=1e-4)
    validate_spec(spec)
    validate_spec(seed.charts[0].spec)


def test_loss_only_one_bracket_crashed_and_big():
    stripped = build(without_accuracy(load("hpbandster_example_5_mnist")))
    assert stripped.numbers["correlations"]["metric"] == "loss"
    crashed = build(load("deepcave_BOHB_run_4"))
    assert crashed.numbers["correlations"]["n"] == 1764 and "4 crashed" in crashed.charts[0].caption
    one = build(one_bracket(load("hpbandster_example_5_mnist")))
    validate_spec(one.charts[0].spec)
    
    big = big_run(load("hpbandster_example_5_mnist"), copies=1000)
    slide = build(big)
    assert slide.numbers["correlations"]["n"] == 113_000
    assert len(str(slide.charts[0].spec)) < 50_000  # aggregated: the deck stays small


def test_bool_written_as_words_reads_the_same():
    """A CSV may hold a yes/no hyperparameter as the words True/False: 'False' must read as 0."""
    from steps_b_helpers import rebuilt

    run = load("seed")
    words = run.table.assign(config_scheduler_p=run.table["config_scheduler_p"].map(
        lambda v: None if v is None or v is pd.NA else str(bool(v))).astype("string"))
    as_words = build(rebuilt(run, words))
    assert as_words.numbers["correlations"]["values"]["scheduler_p"] == pytest.approx(
        build(run).numbers["correlations"]["values"]["scheduler_p"])
    from bohbvis.steps import embedding

    assert embedding.build(rebuilt(run, words), opts("embedding")).numbers["embedding"]["variance"] == pytest.approx(
        embedding.build(run, opts("embedding")).numbers["embedding"]["variance"])


def test_no_hyperparameter_values_is_said_not_crashed():
    from steps_b_helpers import rebuilt

    run = load("deepcave_BOHB_run_1")
    t = run.table.assign(config_x=np.nan)
    slide = build(rebuilt(run, t))
    assert slide.charts == () and "nothing to correlate" in slide_text(slide)
    assert slide.numbers["correlations"]["strongest"] is None
