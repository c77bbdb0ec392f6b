"""The advice's budget ladder: rank agreement across budgets and the spread at the largest budget
decide the new maximum and minimum budget; the compute is Hyperband's planned sum of budgets."""

from __future__ import annotations

from ..model import format as fmt
from ..model.hyperband import HyperbandPlan, plan as hyperband_plan
from ..model.run import Run
from ._advice_types import MIN_BUDGET_EVIDENCE, RHO_DIFFERENT, RHO_SAME, BudgetAdvice
from .budgets import adjacent_pairs, budget_pairs, verdict_pair
from .ranking import BestRule

# --- the budget --------------------------------------------------------------------------------


def planned_compute(p: HyperbandPlan, n_iterations: int) -> tuple[float, int]:
    """Hyperband's planned cost of n iterations: the sum of n_i * r_i over every bracket's rounds,
    and the configurations sampled (n_0 of every bracket)."""
    total, configs = 0.0, 0
    for i in range(n_iterations):
        b = p.for_iteration(i)
        total += sum(n * r for n, r in zip(b.n, b.r))
        configs += b.n[0]
    return total, configs


def _near_ties(pair: dict, field: str) -> bool:
    """The middle half of the configurations at the largest budget score within the noise of most
    trainings (1 percentage point of accuracy, 5 % of the loss): their order there is mostly noise."""
    spread, median = pair.get("spread_high"), pair.get("median_high")
    if spread is None or median is None:
        return False
    if field == "accuracy":
        return spread <= 0.01
    return spread <= 0.05 * abs(median)


def budget_advice(run: Run, rule: BestRule) -> BudgetAdvice:
    n_iter = len(run.brackets)
    eta = run.eta
    if len(run.budgets) < 2 or eta is None or eta <= 1:
        return BudgetAdvice(run.min_budget if run.budgets else None, run.max_budget if run.budgets else None, eta,
                            run.min_budget if run.budgets else None, run.max_budget if run.budgets else None, eta,
                            "Every evaluation used the same budget: there is no ladder to change.", n_iter)
    ok = run.ok[run.ok[rule.field].notna()]
    pairs = budget_pairs(ok, rule.field, rule.higher_is_better)
    lo, hi = float(run.min_budget), float(run.max_budget)
    pair = verdict_pair(pairs, hi)
    reasons = []
    new_hi = hi
    if pair is None or pair["n"] < MIN_BUDGET_EVIDENCE:
        most = "" if pair is None else f" (only {pair['n']} on {fmt.budget(pair['low'])} and {fmt.budget(hi)})"
        reasons.append(f"Too few configurations ran on both {fmt.budget(hi)} and a lower budget to compare their "
                       f"rankings{most}: the maximum budget stays {fmt.budget(hi)}.")
    else:
        low, rho = pair["low"], pair["rho"]
        ties = _near_ties(pair, rule.field)
        spread = (fmt.pct(pair["spread_high"]) + " points" if rule.field == "accuracy"
                  else f"{fmt.num(pair['spread_high'])} ({fmt.pct(pair['spread_high'] / abs(pair['median_high']), 0)} of their median)"
                  if pair["median_high"] else fmt.num(pair["spread_high"]))
        head = (f"ρ({fmt.budget(low)}, {fmt.budget(hi)}) = {rho:.2f} over {pair['n']} configurations, "
                f"{'the same' if pair['same_winner'] else 'another'} winner; at {fmt.budget(hi)} their middle half "
                f"spans {spread}, {'within' if ties else 'beyond'} the noise of training")
        if rho >= RHO_SAME and pair["same_winner"]:
            new_hi = low
            reasons.append(f"{head}: the maximum budget can be {fmt.budget(low)}.")
        elif rho >= 0.5 and ties:
            new_hi = low
            reasons.append(f"{head}, so their order there is mostly noise: the maximum budget can be {fmt.budget(low)}.")
        else:
            reasons.append(f"{head}: the largest budget changes the ranking, so the maximum stays {fmt.budget(hi)}.")
    new_lo = lo
    adj = [p for p in adjacent_pairs(pairs) if p["rho"] is not None]
    for p in adj:
        if p["low"] != new_lo or p["high"] * eta > new_hi + 1e-9 or p["n"] < MIN_BUDGET_EVIDENCE:
            break  # only from the bottom, on enough evidence, and the ladder keeps at least two rungs
        if p["rho"] < RHO_DIFFERENT:
            reasons.append(f"ρ({fmt.budget(p['low'])}, {fmt.budget(p['high'])}) = {p['rho']:.2f} over {p['n']}: "
                           f"rung {fmt.budget(p['low'])} cannot tell good from bad, so the minimum budget moves to "
                           f"{fmt.budget(p['high'])}.")
            new_lo = p["high"]
        else:
            break
    bottom = next((p for p in adj if p["low"] == lo), None)
    if new_lo == lo:
        if bottom is None or bottom["n"] < MIN_BUDGET_EVIDENCE:
            why = ": too few configurations ran on it and the next rung to judge it."
        elif bottom["rho"] >= RHO_DIFFERENT:
            why = (f": ρ({fmt.budget(lo)}, {fmt.budget(bottom['high'])}) = {bottom['rho']:.2f} over {bottom['n']}, "
                   "it already tells good from bad.")
        else:
            why = ": moving it would leave the ladder fewer than two rungs."
        reasons.append(f"The minimum budget stays {fmt.budget(lo)}{why}")
    reasons.append(f"eta stays {fmt.budget(eta)} (rank agreement says which budgets, not how many to drop).")
    old_plan = run.plan or hyperband_plan(lo, hi, eta)
    new_plan = hyperband_plan(new_lo, new_hi, eta)
    old_cost, old_configs = planned_compute(old_plan, n_iter)
    new_cost, new_configs = planned_compute(new_plan, n_iter)
    if (new_lo, new_hi) != (lo, hi):
        reasons.append(f"For the same {n_iter} iterations Hyperband plans {fmt.integer(new_cost)} budget units "
                       f"instead of {fmt.integer(old_cost)} ({fmt.pct(1 - new_cost / old_cost, 0)} less), "
                       f"sampling {new_configs} configurations instead of {old_configs}.")
    return BudgetAdvice(
        min_budget=lo, max_budget=hi, eta=float(eta), new_min_budget=float(new_lo), new_max_budget=float(new_hi),
        new_eta=float(eta), reason=" ".join(reasons), n_iterations=n_iter,
        old_budgets=tuple(old_plan.budgets), new_budgets=tuple(new_plan.budgets),
        old_compute=old_cost, new_compute=new_cost, old_configs=old_configs, new_configs=new_configs,
        rho_max=None if pair is None else pair["rho"], rho_min=None if bottom is None else bottom["rho"])
