"""The run in numbers: what `bohbvis inspect --json` prints and story text can quote."""

from __future__ import annotations

import math
from typing import Any

from .run import Run


def _num(x) -> float | int | None:
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def best_dict(run: Run) -> dict[str, Any] | None:
    b = run.best
    if b is None:
        return None
    out = {
        "sample_id": str(b["sample_id"]),
        "config_id": str(b["config_id"]),
        "budget": _num(b["budget"]),
        "loss": float(b["loss"]),
        "accuracy": _num(b["accuracy"]),
        "bracket": int(b["bracket"]),
        "round": int(b["round"]),
        "sample_type": str(b["sample_type"]),
        "config": {hp.name: _plain(b[hp.column]) for hp in run.space},
    }
    return out


def _plain(v):
    if v is None:
        return None
    try:
        if v != v or v is math.nan:  # NaN / NA: the value is absent (a conditional hyperparameter)
            return None
    except (TypeError, ValueError):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return v


def summary(run: Run) -> dict[str, Any]:
    return {
        "format": run.format,
        "source": run.source,
        "metric": run.metric,
        "n_evaluations": run.n_evaluations,
        "n_crashed": run.n_crashed,
        "n_configs": run.n_configs,
        "budgets": [_num(b) for b in run.budgets],
        "eta": _num(run.eta),
        "min_budget": _num(run.min_budget),
        "max_budget": _num(run.max_budget),
        "brackets": [
            {
                "bracket": b.bracket,
                "rounds": [
                    {"round": r.round, "budget": _num(r.budget), "n": r.n, "n_crashed": r.n_crashed,
                     "n_random": r.n_random, "n_bo": r.n_bo, "n_promoted": r.n_promoted,
                     "n_advanced": r.n_advanced, "planned_n": r.planned_n}
                    for r in b.rounds
                ],
            }
            for b in run.brackets
        ],
        "plan": None
        if run.plan is None
        else {
            "s_max": run.plan.s_max,
            "budgets": [_num(b) for b in run.plan.budgets],
            "brackets": [{"s": p.s, "n": list(p.n), "r": [_num(r) for r in p.r]} for p in run.plan.brackets],
        },
        "best": best_dict(run),
        "hyperparameters": [hp.to_dict() for hp in run.space],
        "deviations": list(run.deviations),
        # How brackets, budgets, sample types and Hyperband's settings were recovered (the same
        # keys for every format; "recorded in the run's files" where the tool stores them).
        "recovery": run.recovery.to_dict(),
        "warnings": list(run.warnings),
    }
