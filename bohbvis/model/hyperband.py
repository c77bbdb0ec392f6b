"""Hyperband's planned arithmetic, exactly as hpbandster computes it, and how a logged run deviates."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PlannedBracket:
    s: int  # number of halvings; the bracket has s + 1 rounds
    n: tuple[int, ...]  # configurations per round (n_i)
    r: tuple[float, ...]  # budget per round (r_i)


@dataclass(frozen=True)
class HyperbandPlan:
    eta: float
    min_budget: float
    max_budget: float
    s_max: int  # hpbandster's max_SH_iter - 1
    budgets: tuple[float, ...]
    brackets: tuple[PlannedBracket, ...]  # indexed by s, from s_max down to 0

    def for_iteration(self, iteration: int) -> PlannedBracket:
        """hpbandster's bracket for an iteration: s = max_SH_iter - 1 - (i % max_SH_iter)."""
        max_sh_iter = self.s_max + 1
        s = max_sh_iter - 1 - (iteration % max_sh_iter)
        return next(b for b in self.brackets if b.s == s)


def plan(min_budget: float, max_budget: float, eta: float) -> HyperbandPlan:
    """hpbandster/optimizers/bohb.py: max_SH_iter, budgets, and n_i for every bracket."""
    max_sh_iter = -int(np.log(min_budget / max_budget) / np.log(eta)) + 1
    budgets = max_budget * np.power(eta, -np.linspace(max_sh_iter - 1, 0, max_sh_iter))
    brackets = []
    for s in range(max_sh_iter - 1, -1, -1):
        n0 = int(np.floor(max_sh_iter / (s + 1)) * eta**s)
        ns = tuple(max(int(n0 * eta ** (-k)), 1) for k in range(s + 1))
        brackets.append(PlannedBracket(s=s, n=ns, r=tuple(float(b) for b in budgets[-s - 1 :])))
    return HyperbandPlan(
        eta=float(eta),
        min_budget=float(min_budget),
        max_budget=float(max_budget),
        s_max=max_sh_iter - 1,
        budgets=tuple(float(b) for b in budgets),
        brackets=tuple(brackets),
    )


def infer_eta(budgets: list[float]) -> float | None:
    """hpbandster infers eta as budgets[1] / budgets[0]; round it when it is nearly whole."""
    if len(budgets) < 2:
        return None
    eta = budgets[1] / budgets[0]
    return float(round(eta)) if math.isclose(eta, round(eta), rel_tol=1e-6) else float(eta)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)
