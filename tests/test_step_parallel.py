"""Step kind parallel: every line meets each axis where that axis's own scale puts its value, the
values are the raw configurations', log axes are exactly the space's log hyperparameters, every
axis has its brush and the table carries what the brushes filter on; the cap at large runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bohbvis.steps import parallel

from steps_b_helpers import (
    RUN_NAMES, assert_snapshot, big_run, datasets, evaluations, load, metric_field, opts, spec_views, validate_spec,
    without_accuracy,
)


def build(run, **values):
    return parallel.build(run, opts("parallel", **values))


def schema_check(spec):
    """The spec compiles to Vega (vl-convert). The full check (Altair's schema, then an SVG) takes
    seconds on a row of 20-odd views with a 12-way predicate: the wiring test runs that one."""
    import vl_convert as vlc

    vega = vlc.vegalite_to_vega(spec)
    assert vega["marks"]


def axis_views(spec):
    """The tick layer of every axis view (its y scale and brush)."""
    return [v["layer"][0] for v in spec["hconcat"] if "layer" in v]


def axis_labels(spec, k):
    """The texts the k-th axis shows at its ticks (text marks with a halo), by tick value."""
    view = [v for v in spec["hconcat"] if "layer" in v][k]
    data = view["layer"][2]["data"]
    values = data["values"] if "values" in data else spec["datasets"][data["name"]]
    return {d["v"]: d["text"] for d in values}


def lines_data(spec):
    if "data" in spec and "values" in spec["data"]:
        return spec["data"]["values"]
    (data,) = [d for d in datasets(spec).values() if d and "p_0" in d[0]]
    return data


@pytest.mark.parametrize("name", RUN_NAMES)
def test_segments_meet_each_axis_at_its_scale_position(name):
    slide = build(load(name))
    spec = slide.charts[0].spec
    data = lines_data(spec)
    views = axis_views(spec)
    assert len(views) == slide.numbers["parallel"]["n_axes"]
    for k, view in enumerate(views):
        y = view["encoding"]["y"]
        assert y["field"] == f"y_{k}"
        lo, hi = y["scale"]["domain"]
        log = y["scale"]["type"] == "log"
        for row in data:
            v = row[f"y_{k}"]
            expected = ((math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) if log
                        else (v - lo) / (hi - lo))
            assert row[f"p_{k}"] == pytest.approx(expected, abs=2e-5), (k, row)
            assert -1e-6 <= row[f"p_{k}"] <= 1 + 1e-6
    schema_check(spec)
    # The gap views draw from axis k to axis k+1.
    gaps = [v for v in spec["hconcat"] if "mark" in v and v["mark"]["type"] == "rule"]
    assert [(g["encoding"]["y"]["field"], g["encoding"]["y2"]["field"]) for g in gaps] == [
        (f"p_{k}", f"p_{k + 1}") for k in range(len(views) - 1)]


@pytest.mark.parametrize("name", ["hpbandster_example_5_mnist", "deepcave_BOHB_run_4"])
def test_values_are_the_raw_configurations_and_log_axes_follow_the_space(name):
    run = load(name)
    slide = build(run)
    data = {r["config_id"]: r for r in lines_data(slide.charts[0].spec)}
    e = evaluations(name).drop_duplicates("config").set_index("config")
    field = metric_field(name)
    ok = evaluations(name)
    ok = ok[np.isfinite(ok["loss"]) & ok[field].notna()]
    assert slide.numbers["parallel"]["n_configs"] == ok["config"].nunique()
    axes = slide.numbers["parallel"]["axes"]
    for k, hp in enumerate(run.space):
        assert axes[k]["name"] == hp.name
        assert axes[k]["kind"] == ("bands" if not hp.is_numeric else ("log" if hp.log else "linear"))
        views = axis_views(slide.charts[0].spec)
        labels = axis_labels(slide.charts[0].spec, k)
        ticks = views[k]["encoding"]["y"]["axis"]["values"]
        assert sorted(labels) == sorted(ticks)
        if not hp.is_numeric:
            assert [labels[float(i)] for i in range(len(hp.choices))] == [str(c) for c in hp.choices]
        for cid, row in data.items():
            raw = e.loc[cid, f"hp_{hp.name}"]
            missing = raw is None or (isinstance(raw, float) and math.isnan(raw))
            if hp.is_numeric:
                if missing:
                    assert labels[ticks[0]] == "absent" and row[f"y_{k}"] == pytest.approx(ticks[0], rel=1e-7)
                else:
                    assert row[f"y_{k}"] == pytest.approx(float(raw), rel=1e-7)
            else:
                choices = [str(c) for c in hp.choices]
                code = round(row[f"y_{k}"])
                assert (code == -1) if missing else (choices[code] == str(raw))
                assert abs(row[f"y_{k}"] - code) <= parallel.JITTER + 1e-9
    assert axes[-2]["name"] == "budget" and axes[-2]["kind"] == "log"
    assert axes[-1]["name"] == field


def test_every_axis_brushes_and_the_table_carries_the_fields():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    (chart,), (table,) = slide.charts, slide.tables
    n_axes = slide.numbers["parallel"]["n_axes"]
    assert [l.param for l in chart.links] == [f"pc_{k}" for k in range(n_axes)]
    params = {p["name"]: p for p in chart.spec.get("params", [])}
    for k in range(n_axes):
        p = params[f"pc_{k}"]
        assert p["select"]["type"] == "interval" and p["select"]["encodings"] == ["y"]
    assert table.follows == (chart.id,)
    data = {r["sample_id"]: r for r in lines_data(chart.spec)}
    assert len(table.rows) == len(data)
    for row in table.rows:
        for k in range(n_axes):
            assert row[f"y_{k}"] == data[row["sample_id"]][f"y_{k}"]
    # A line keeps its colour only inside every brush: one test over all of them.
    gap = next(v for v in chart.spec["hconcat"] if "mark" in v and v["mark"]["type"] == "rule")
    assert gap["encoding"]["color"]["condition"]["test"] == {"and": [{"param": f"pc_{k}"} for k in range(n_axes)]}
    validate_spec(chart.spec)
    assert_snapshot("steps/parallel_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


def test_loss_only_runs_and_largest_budget_only():
    for run in (load("deepcave_BOHB_run_1"), without_accuracy(load("hpbandster_example_5_mnist"))):
        slide = build(run)
        assert slide.numbers["parallel"]["metric"] == "loss"
        schema_check(slide.charts[0].spec)
    run = load("hpbandster_example_5_mnist")
    top = build(run, largest_budget_only=True)
    rows = lines_data(top.charts[0].spec)
    assert rows and all(r["budget_label"] == "9" for r in rows)


def test_big_run_keeps_the_best_and_a_stated_sample():
    run = big_run(load("hpbandster_example_5_mnist"), copies=1000)
    slide = build(run)
    n = slide.numbers["parallel"]
    assert n["n_lines"] == 1000 and n["n_configs"] > 50_000
    ranks = sorted(r["rank"] for r in lines_data(slide.charts[0].spec))
    assert ranks[:250] == list(range(1, 251))
    assert "the 250 best of" in slide.charts[0].caption
