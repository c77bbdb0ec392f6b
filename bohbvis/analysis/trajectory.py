"""Anytime performance: the incumbent after every finished evaluation, and how fast it got there.

The incumbent at any moment follows the deck's one definition of best (ranking.py), replayed in
the order evaluations finished — hpbandster's `Result.get_incumbent_trajectory()` with its
defaults: an evaluation on a larger budget than the current incumbent's always takes over (a loss
at 81 epochs is not comparable with one at 1), one on a smaller budget never does, one on the same
budget does when its value is strictly better. So the trajectory ends at `incumbent(run)`.

"Budget spent" counts every evaluation's budget, crashed ones too (they used the workers).
Runs without timestamps (a CSV without started/finished) are replayed in table order and have no
wall-clock numbers (None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.run import Run
from .ranking import LOSS_RULE, BestRule

# "Within 1 % (0.1 %) of the final incumbent": relative to the final value.
TOLERANCES = (0.01, 0.001)


@dataclass(frozen=True)
class Trajectory:
    steps: pd.DataFrame  # every evaluation in finish order + cum_budget, incumbent columns, is_change
    changes: pd.DataFrame  # the rows of `steps` where the incumbent changed
    has_time: bool
    total_budget: float
    duration: float | None  # first start (or submit) to last finish, seconds

    @property
    def final(self) -> pd.Series | None:
        return None if self.changes.empty else self.changes.iloc[-1]


def finish_order(run: Run) -> tuple[pd.DataFrame, bool]:
    """Every evaluation in the order it finished (table order when the run has no timestamps)."""
    t = run.table
    has_time = bool(t["finished"].notna().all()) and len(t) > 0
    if has_time:
        return t.sort_values(["finished", "sample_id"], kind="stable"), True
    return t.sort_values(["bracket", "round", "trial"], kind="stable"), False


def incumbent_trajectory(run: Run, rule: BestRule = LOSS_RULE) -> Trajectory:
    order, has_time = finish_order(run)
    steps = order.copy()
    steps["cum_budget"] = steps["budget"].cumsum()
    value = steps[rule.field].to_numpy(dtype=float)
    budget = steps["budget"].to_numpy(dtype=float)
    ok = (steps["status"] == "ok").to_numpy() & np.isfinite(value)
    sign = -1.0 if rule.higher_is_better else 1.0
    n = len(steps)
    is_change = np.zeros(n, dtype=bool)
    inc_pos = np.full(n, -1, dtype=np.int64)
    # A sequential replay (one pass, O(n)): each step depends on the incumbent before it.
    best_v, best_b, cur = math.inf, -math.inf, -1
    for i in range(n):
        if ok[i]:
            b, v = budget[i], sign * value[i]
            if b > best_b or (b == best_b and v < best_v):
                best_v, best_b, cur = v, b, i
                is_change[i] = True
        inc_pos[i] = cur
    steps["is_change"] = is_change
    has_inc = inc_pos >= 0
    take = np.where(has_inc, inc_pos, 0)
    steps["incumbent_value"] = np.where(has_inc, value[take], np.nan)
    steps["incumbent_budget"] = np.where(has_inc, budget[take], np.nan)
    steps["incumbent_id"] = np.where(has_inc, steps["sample_id"].to_numpy()[take], None)
    duration = None
    if has_time and n:
        start = float(np.nanmin(np.r_[steps["started"].to_numpy(dtype=float), 0.0]))
        duration = float(steps["finished"].max()) - start
    return Trajectory(steps=steps, changes=steps[is_change], has_time=has_time,
                      total_budget=float(steps["budget"].sum()), duration=duration)


def reach(traj: Trajectory, tolerance: float) -> pd.Series | None:
    """The step from which the incumbent stays within `tolerance` (relative) of the final value
    for the rest of the run (None for a run without incumbent)."""
    final = traj.final
    if final is None:
        return None
    target = float(final["incumbent_value"])
    ch = traj.changes
    close = (ch["incumbent_value"] - target).abs().to_numpy() <= tolerance * abs(target)
    # The last change that was not close; the one after it is where the incumbent settled.
    far = np.flatnonzero(~close)
    first_close = 0 if not len(far) else int(far[-1]) + 1
    return ch.iloc[first_close]


def trajectory_numbers(traj: Trajectory, rule: BestRule) -> dict:
    """The numbers the trajectory slide quotes (see steps/trajectory.py)."""
    final = traj.final
    out: dict = {
        "field": rule.field,
        "n": int(len(traj.steps)),
        "has_time": traj.has_time,
        "total_budget": traj.total_budget,
        "duration": traj.duration,
        "n_changes": int(len(traj.changes)),
    }
    if final is None:  # no evaluation returned a value: every number exists, none is known
        keys = ["final_value", "final_id", "final_budget", "budget_after_last", "share_after_last", "time_after_last"]
        keys += [f"{w}_to_{tag}" for tag in ("1pct", "01pct")
                 for w in ("budget", "budget_share", "time", "time_share")]
        return out | dict.fromkeys(keys)
    out |= {
        "final_value": float(final["incumbent_value"]),
        "final_id": str(final["sample_id"]),
        "final_budget": float(final["budget"]),
    }
    for tol, tag in zip(TOLERANCES, ("1pct", "01pct")):
        row = reach(traj, tol)
        out[f"budget_to_{tag}"] = float(row["cum_budget"])
        out[f"budget_share_to_{tag}"] = float(row["cum_budget"]) / traj.total_budget if traj.total_budget else None
        out[f"time_to_{tag}"] = float(row["finished"]) if traj.has_time else None
        out[f"time_share_to_{tag}"] = (float(row["finished"]) / traj.duration
                                       if traj.has_time and traj.duration else None)
    after = traj.total_budget - float(final["cum_budget"])
    out["budget_after_last"] = after
    out["share_after_last"] = after / traj.total_budget if traj.total_budget else None
    out["time_after_last"] = (float(traj.steps["finished"].max()) - float(final["finished"])
                              if traj.has_time else None)
    return out
