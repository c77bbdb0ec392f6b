"""Step kind timeline: workers, concurrency, idle time and busy share against a brute-force count
over the raw results.json intervals; lanes never overlap; aggregation at a six-figure run."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bohbvis.steps import timeline

from steps_a_helpers import HPB_RUN_NAMES
from steps_b_helpers import assert_snapshot, datasets, load, opts, rebuilt, slide_text, source, spec_views, validate_spec


def build(run, **values):
    return timeline.build(run, opts("timeline", **values))


def raw_intervals(name):
    rows = [json.loads(line) for line in (source(name) / "results.json").read_text().splitlines() if line.strip()]
    return np.array([r[2]["started"] for r in rows]), np.array([r[2]["finished"] for r in rows])


def union_length(s, f):
    total, cur_s, cur_f = 0.0, None, None
    for a, b in sorted(zip(s, f)):
        if cur_f is None or a > cur_f:
            if cur_f is not None:
                total += cur_f - cur_s
            cur_s, cur_f = a, b
        else:
            cur_f = max(cur_f, b)
    return total + (cur_f - cur_s)


@pytest.mark.parametrize("name", HPB_RUN_NAMES)
def test_numbers_match_a_brute_force_count_of_the_raw_intervals(name):
    slide = build(load(name))
    n = slide.numbers["timeline"]
    s, f = raw_intervals(name)
    duration = f.max() - s.min()
    # Most evaluations running at once: the count just after some start.
    peak = max(int(((s <= t) & (f > t)).sum()) for t in s)
    assert n["workers"] == peak
    assert n["duration"] == pytest.approx(duration, rel=1e-9)
    assert n["busy_share"] == pytest.approx((f - s).sum() / (peak * duration), rel=1e-9)
    assert n["idle_time"] == pytest.approx(duration - union_length(s, f), rel=1e-6, abs=1e-6)
    assert n["n"] == len(s)
    # The concurrency curve, read at random instants, equals a count of the intervals running then.
    curve = next(d for d in datasets(slide.charts[0].spec).values() if d and "running" in d[0])
    unit = timeline.time_unit(duration)[1]
    times = np.array([c["time"] for c in curve])
    rng = np.random.default_rng(1)
    for t in rng.uniform(0, duration / unit, 200):
        i = np.searchsorted(times, t, side="right") - 1
        real = s.min() + t * unit
        assert curve[i]["running"] == int(((s <= real) & (f > real)).sum())


@pytest.mark.parametrize("name", HPB_RUN_NAMES)
def test_bars_on_one_lane_never_overlap(name):
    spec = build(load(name)).charts[0].spec
    bars = pd.DataFrame(next(d for d in datasets(spec).values() if d and "lane" in d[0] and "t0" in d[0]))
    for _lane, g in bars.groupby("lane"):
        g = g.sort_values("t0")
        assert (g["t0"].to_numpy()[1:] >= g["t1"].to_numpy()[:-1] - 1e-6).all()
    validate_spec(spec)


def test_snapshot_and_lane_table():
    run = load("hpbandster_example_5_mnist")
    slide = build(run)
    (table,) = slide.tables
    n = slide.numbers["timeline"]
    assert len(table.rows) == n["workers"] == 3
    assert sum(r["evaluations"] for r in table.rows) == n["n"]
    assert sum(r["busy"] for r in table.rows) == pytest.approx(n["busy_time"], rel=1e-5)
    assert "3 workers" in slide.title and "69.5 min" in slide_text(slide)
    assert_snapshot("steps/timeline_hpbandster_example_5_mnist", [c.spec for c in slide.charts])


@pytest.mark.parametrize("color", ["bracket", "sample_type"])
def test_color_options(color):
    spec = build(load("hpbandster_example_5_mnist"), color=color).charts[0].spec
    assert color in {v["encoding"]["color"]["field"] for v in spec_views(spec) if "color" in v.get("encoding", {})}


def test_idle_gaps_are_found_and_shaded():
    """Shift the second half of a run by an hour: one idle gap of an hour, shaded and counted."""
    run = load("hpbandster_example_5_mnist")
    t = run.table.copy()
    late = t["started"] > t["started"].median()
    t.loc[late, ["started", "finished"]] += 3600.0
    slide = build(rebuilt(run, t))
    n = slide.numbers["timeline"]
    assert n["n_gaps"] >= 1 and n["longest_gap"] > 3000
    gaps = next(d for d in datasets(slide.charts[0].spec).values() if d and "g0" in d[0])
    assert max(g["secs"] for g in gaps) == pytest.approx(n["longest_gap"], abs=1e-3)


def test_run_without_timestamps_says_so():
    slide = build(load("seed"))
    assert slide.numbers["timeline"]["n"] == 0 and not slide.charts
    assert "no start and finish times" in slide_text(slide)


def test_hundred_thousand_evaluations_are_binned_before_the_deck():
    """1,000 back-to-back copies of the mnist run: 113,000 evaluations on 3 workers."""
    run = load("hpbandster_example_5_mnist")
    span = float(run.table["finished"].max()) + 1.0
    parts = []
    for k in range(1000):
        t = run.table.copy()
        t[["started", "finished"]] += k * span
        t["trial"] += k * 100_000
        t["config_id"] = t["config_id"].astype(str) + f"~{k}"
        parts.append(t)
    big = rebuilt(run, pd.concat(parts, ignore_index=True))
    slide = build(big)
    n = slide.numbers["timeline"]
    assert n["n"] == 113_000 and n["workers"] == 3
    sizes = [len(d) for d in datasets(slide.charts[0].spec).values()]
    assert max(sizes) <= 3 * timeline.BINS + 1
    assert "113,000 evaluations" in slide.charts[0].caption
    cells = next(d for d in datasets(slide.charts[0].spec).values() if d and "busy" in d[0])
    # Mean busy share over the cells (×3 lanes × bins) equals the run's busy share.
    assert sum(c["busy"] for c in cells) / (3 * timeline.BINS) == pytest.approx(n["busy_share"], abs=2e-3)


def test_logs_joining_separate_sessions_are_called_out():
    """deepcave_BOHB_run_4's timestamps mix two clocks (one session logged relative times): the
    longest gap outlasts all the work, and the caption says why the busy share is so low."""
    slide = build(load("deepcave_BOHB_run_4"))
    n = slide.numbers["timeline"]
    assert n["n_session_breaks"] >= 1 and n["longest_gap"] > n["busy_time"]
    assert "separate sessions" in slide.charts[0].caption
    assert "separate sessions" not in build(load("hpbandster_example_5_mnist")).charts[0].caption


def test_thousands_of_workers_are_grouped_into_rows():
    """The run replayed 1,000 times at the same clock: 3,000 evaluations at once. The lanes are
    grouped (k workers per row, stated) so the deck gets at most MAX_ROWS × BINS cells."""
    from steps_b_helpers import big_run

    slide = build(big_run(load("hpbandster_example_5_mnist"), copies=1000))
    n = slide.numbers["timeline"]
    assert n["workers"] == 3000
    cells = next(d for d in datasets(slide.charts[0].spec).values() if d and "busy" in d[0])
    assert len(cells) <= timeline.MAX_ROWS * timeline.BINS
    assert "workers per row" in slide.charts[0].caption
    assert all(0 <= c["busy"] <= 1 + 1e-9 for c in cells)
