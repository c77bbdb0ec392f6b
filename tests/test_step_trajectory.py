"""Step kind trajectory: the incumbent over time and budget, checked against hpbandster's own
`Result.get_incumbent_trajectory()` on the same logs, plus the reach / after-last numbers
recomputed from the raw results.json lines."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bohbvis.analysis.ranking import incumbent
from bohbvis.steps import trajectory

from steps_a_helpers import HPB_RUN_NAMES
from steps_b_helpers import (
    assert_snapshot, big_run, datasets, load, opts, slide_text, source, spec_views, validate_spec,
    without_accuracy,
)

HPB_ONLY = list(HPB_RUN_NAMES)


def build(run, **values):
    return trajectory.build(run, opts("trajectory", **values))


def raw_results(name):
    """(config id tuple, budget, finished - time_ref, loss or None) per results.json line, with
    hpbandster's time reference (the earliest `submitted`)."""
    rows = [json.loads(line) for line in (source(name) / "results.json").read_text().splitlines() if line.strip()]
    ref = min(r[2]["submitted"] for r in rows)
    return [(tuple(r[0]), float(r[1]), r[2]["finished"] - ref, (r[3] or {}).get("loss")) for r in rows]


def hpbandster_trajectory(name):
    from hpbandster.core.result import logged_results_to_HBS_result

    res = logged_results_to_HBS_result(str(source(name)))
    t = res.get_incumbent_trajectory()
    ref = list(zip(t["config_ids"], t["times_finished"], t["budgets"], t["losses"]))
    # hpbandster repeats the last incumbent at the time of the last run when that run was not it.
    if len(ref) > 1 and ref[-1][0] == ref[-2][0] and ref[-1][3] == ref[-2][3]:
        ref = ref[:-1]
    return res, ref


@pytest.mark.parametrize("name", HPB_ONLY)
def test_changes_match_hpbandster_get_incumbent_trajectory(name):
    run = load(name)
    slide = build(run)
    n = slide.numbers["trajectory"]
    res, ref = hpbandster_trajectory(name)
    assert not slide.tables
    ours = n["changes"]
    assert n["n_changes"] == len(ref) == len(ours)
    for row, (cid, finished, budget, loss) in zip(ours, ref):
        assert row["budget"] == budget
        assert row["value"] == pytest.approx(loss, rel=1e-5)
    changes = run.table.set_index("sample_id").loc[[r["sample_id"] for r in ours]]
    assert list(changes["config_id"]) == ["-".join(map(str, c)) for c, *_ in ref]
    assert np.allclose(changes["finished"].to_numpy(), [f for _c, f, _b, _l in ref], rtol=0, atol=1e-6)
    # The final incumbent is hpbandster's incumbent and the deck's one best.
    inc = incumbent(run)
    assert n["final_id"] == inc["sample_id"]
    assert changes["config_id"].iloc[-1] == "-".join(map(str, res.get_incumbent_id()))
    assert n["final_value"] == pytest.approx(ref[-1][3])


@pytest.mark.parametrize("name", HPB_ONLY)
def test_reach_and_after_last_from_the_raw_logs(name):
    n = build(load(name)).numbers["trajectory"]
    _res, ref = hpbandster_trajectory(name)
    lines = sorted(raw_results(name), key=lambda r: r[2])
    total = sum(b for _c, b, _f, _l in lines)
    final = ref[-1][3]
    assert n["total_budget"] == pytest.approx(total)
    for tol, tag in ((0.01, "1pct"), (0.001, "01pct")):
        # The earliest change after which every later incumbent is within tol of the final loss.
        settle = next(i for i in range(len(ref)) if all(abs(l - final) <= tol * abs(final) for *_x, l in ref[i:]))
        t = ref[settle][1]
        spent = sum(b for _c, b, f, _l in lines if f <= t + 1e-9)
        assert n[f"time_to_{tag}"] == pytest.approx(t, abs=1e-6)
        assert n[f"budget_to_{tag}"] == pytest.approx(spent)
        assert n[f"budget_share_to_{tag}"] == pytest.approx(spent / total)
    last_t = ref[-1][1]  # when the final incumbent finished
    spent_last = sum(b for _c, b, f, _l in lines if f <= last_t + 1e-9)
    assert n["share_after_last"] == pytest.approx((total - spent_last) / total)


def test_spec_snapshot_and_structure():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    (chart,) = slide.charts
    spec = chart.spec
    views = spec_views(spec)
    steps = [v for v in views if isinstance(v["mark"], dict) and v["mark"].get("interpolate") == "step-after"]
    assert len(steps) == 2  # one per panel
    xs = {v["encoding"]["x"]["field"] for v in views}
    assert xs == {"t", "cum_budget"}
    colors = [v["encoding"]["color"]["scale"]["domain"] for v in views if "color" in v.get("encoding", {})]
    assert colors and all(d == ["random", "BO", "promoted"] for d in colors)
    # The step line ends at the total budget spent, holding the final value.
    line = next(d for d in datasets(spec).values() if d and set(d[0]) == {"value", "cum_budget", "t"})
    assert line[-1]["cum_budget"] == slide.numbers["trajectory"]["total_budget"]
    assert line[-1]["value"] == pytest.approx(slide.numbers["trajectory"]["final_value"], rel=1e-5)
    validate_spec(spec)
    assert_snapshot("steps/trajectory_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


def test_accuracy_rule_replays_with_highest_accuracy():
    run = load("hpbandster_example_5_mnist")
    n = build(run, by="accuracy").numbers["trajectory"]
    t = run.table.sort_values(["finished", "sample_id"])
    best_b, best_a, changes = -1.0, -1.0, []
    for r in t.itertuples():
        if r.status == "ok" and r.accuracy == r.accuracy and (r.budget > best_b or (r.budget == best_b and r.accuracy > best_a)):
            best_b, best_a = r.budget, r.accuracy
            changes.append(r.sample_id)
    assert n["field"] == "accuracy" and n["n_changes"] == len(changes) and n["final_id"] == changes[-1]
    assert n["final_value"] == pytest.approx(best_a)


@pytest.mark.parametrize("name", ["deepcave_BOHB_run_1", "deepcave_BOHB_run_4"])
def test_loss_only_runs(name):
    run = load(name)
    assert not run.has_accuracy
    slide = build(run)
    assert slide.numbers["trajectory"]["field"] == "loss"
    validate_spec(slide.charts[0].spec)
    stripped = build(without_accuracy(load("hpbandster_example_5_mnist")))
    assert stripped.numbers["trajectory"]["n_changes"] == build(load("hpbandster_example_5_mnist")).numbers["trajectory"]["n_changes"]


def test_run_without_timestamps_draws_the_budget_panel_only():
    slide = build(load("seed"))
    n = slide.numbers["trajectory"]
    assert n["has_time"] is False and n["time_to_1pct"] is None and n["budget_to_1pct"] is not None
    xs = {v["encoding"]["x"]["field"] for v in spec_views(slide.charts[0].spec)}
    assert xs == {"cum_budget"}
    assert "no timestamps" in slide_text(slide)
    validate_spec(slide.charts[0].spec)


def test_big_run_is_sampled_before_the_deck():
    run = big_run(load("hpbandster_example_5_mnist"), copies=1000)  # 113,000 evaluations
    slide = build(run)
    n = slide.numbers["trajectory"]
    assert n["n"] == 113_000
    sizes = [len(d) for d in datasets(slide.charts[0].spec).values()]
    assert max(sizes) <= trajectory.MAX_DOTS == 2000
    assert "2,000 of 113,000" in slide.charts[0].caption


def test_accuracy_on_a_loss_only_run_falls_back_to_loss_and_options_are_in_the_schema():
    run = load("deepcave_BOHB_run_1")
    assert build(run, by="accuracy").numbers["trajectory"]["field"] == "loss"
    assert set(trajectory.OPTIONS) == {"by", "x", "x_scale"}
    assert all(o.doc for o in trajectory.OPTIONS.values())
    only_time = build(load("hpbandster_example_5_mnist"), x="time", x_scale="linear")
    assert {v["encoding"]["x"]["field"] for v in spec_views(only_time.charts[0].spec)} == {"t"}


@pytest.mark.parametrize("source", ["optuna/journal.log", "ray/sgd-digits", "smac3/sgd-digits"])
def test_the_five_views_build_on_the_other_readers_runs(source):
    """Optuna, Ray Tune and SMAC3 runs (real files in tests/data): every new view builds, its
    numbers are filled and its spec compiles; the trajectory ends at the deck's incumbent."""
    import vl_convert as vlc

    from bohbvis.load import read_run
    from bohbvis.steps import get
    from testdata import DATA

    run = read_run(DATA / source)
    for i, kind in enumerate(("trajectory", "learning_curves", "parallel", "timeline", "importance")):
        slide = get(kind).build(run, opts(kind, index=i))
        assert slide.numbers[kind] and slide.charts, kind
        for chart in slide.charts:
            assert vlc.vegalite_to_vega(chart.spec)["marks"]
        if kind == "trajectory":
            assert slide.numbers[kind]["final_id"] == incumbent(run)["sample_id"]
