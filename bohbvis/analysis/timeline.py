"""When each evaluation ran: worker lanes, the concurrency curve, idle gaps, busy share.

hpbandster's logs (and a CSV) record when each evaluation started and finished but not on which
worker, so the lanes are inferred: evaluations in start order, each on the lowest-numbered lane
free at its start. For intervals this greedy colouring is optimal — it uses exactly as many lanes
as the most evaluations ever running at once — so "workers" below means that peak concurrency.

Busy share = the summed evaluation time over (lanes × the run's duration), the duration running
from the first start to the last finish. An idle gap is a stretch with no evaluation running;
gaps shorter than GAP_SHARE of the duration (scheduling overhead) are counted in the idle total
but not listed.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.run import Run

GAP_SHARE = 0.01


@dataclass(frozen=True)
class Timeline:
    runs: pd.DataFrame  # evaluations with a start and finish: + lane, duration
    concurrency: pd.DataFrame  # step function: time, running (from this time on)
    gaps: pd.DataFrame  # idle stretches ≥ GAP_SHARE of the duration: start, end, length
    start: float
    end: float
    n_without_times: int

    @property
    def duration(self) -> float:
        return self.end - self.start


def timed(run: Run) -> pd.DataFrame:
    t = run.table
    ok = t["started"].notna() & t["finished"].notna() & (t["finished"] >= t["started"])
    return t[ok]


def assign_lanes(started: np.ndarray, finished: np.ndarray) -> np.ndarray:
    """Lane per interval (inputs in start order): the lowest-numbered lane free at its start."""
    lanes = np.empty(len(started), dtype=np.int64)
    busy: list[tuple[float, int]] = []  # (finish, lane) of running evaluations
    free: list[int] = []
    n_lanes = 0
    for i in range(len(started)):
        while busy and busy[0][0] <= started[i]:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane, n_lanes = n_lanes, n_lanes + 1
        lanes[i] = lane
        heapq.heappush(busy, (finished[i], lane))
    return lanes


def concurrency_curve(started: np.ndarray, finished: np.ndarray) -> pd.DataFrame:
    """How many evaluations run from each event time on (finishes before starts at equal times)."""
    times = np.concatenate([finished, started])
    delta = np.concatenate([-np.ones(len(finished)), np.ones(len(started))])
    order = np.lexsort((delta, times))
    times, running = times[order], np.cumsum(delta[order])
    # One row per distinct time: the count after every event at that time.
    last = np.r_[times[1:] != times[:-1], True]
    return pd.DataFrame({"time": times[last], "running": running[last].astype(int)})


def timeline(run: Run) -> Timeline | None:
    t = timed(run)
    if t.empty:
        return None
    t = t.sort_values(["started", "finished", "sample_id"], kind="stable").copy()
    s = t["started"].to_numpy(dtype=float)
    f = t["finished"].to_numpy(dtype=float)
    t["lane"] = assign_lanes(s, f)
    t["duration"] = f - s
    conc = concurrency_curve(s, f)
    start, end = float(s.min()), float(f.max())
    idle = conc[conc["running"] == 0]
    nxt = conc["time"].shift(-1)
    lengths = (nxt - conc["time"])[conc["running"] == 0]
    gaps = pd.DataFrame({"start": idle["time"], "end": nxt[idle.index], "length": lengths}).dropna()
    return Timeline(runs=t, concurrency=conc, gaps=gaps.reset_index(drop=True), start=start, end=end,
                    n_without_times=int(len(run.table) - len(t)))


def timeline_numbers(tl: Timeline) -> dict:
    dur = tl.duration
    busy = float(tl.runs["duration"].sum())
    lanes = int(tl.runs["lane"].max()) + 1
    idle_total = float(tl.gaps["length"].sum())
    long_gaps = tl.gaps[tl.gaps["length"] >= GAP_SHARE * dur] if dur > 0 else tl.gaps.iloc[:0]
    longest = tl.gaps.loc[tl.gaps["length"].idxmax()] if len(tl.gaps) else None
    return {
        "n": int(len(tl.runs)),
        "n_without_times": tl.n_without_times,
        "duration": dur,
        "workers": lanes,
        "busy_time": busy,
        "busy_share": busy / (lanes * dur) if dur > 0 else None,
        "mean_concurrency": busy / dur if dur > 0 else None,
        "idle_time": idle_total,
        "idle_share": idle_total / dur if dur > 0 else None,
        "n_gaps": int(len(long_gaps)),
        "longest_gap": float(longest["length"]) if longest is not None else 0.0,
        "longest_gap_start": float(longest["start"]) if longest is not None else None,
        "median_evaluation": float(tl.runs["duration"].median()),
    }
