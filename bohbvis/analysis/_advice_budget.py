"""The advice's budget ladder: rank agreement across budgets and the spread at the largest budget
decide the new maximum and minimum budget; the compute is Hyperband's planned sum of budgets."""

from __future__ import annotations

from ..i18n import tr
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


def _spread_text(pair: dict, field: str) -> str:
    """How far apart the middle half of the configurations at the largest budget lie."""
    if field == "accuracy":
        return tr("{pct} points", pct=fmt.pct(pair["spread_high"]))
    if pair["median_high"]:
        return tr("{value} ({share} of their median)", value=fmt.num(pair["spread_high"]),
                  share=fmt.pct(pair["spread_high"] / abs(pair["median_high"]), 0))
    return fmt.num(pair["spread_high"])


def _max_budget_reason(pair: dict, field: str, hi: float) -> tuple[str, float]:
    """The sentence on the maximum budget, and the maximum it advises. One whole sentence per
    outcome (same or another winner, spread within or beyond the noise), so each translates whole."""
    low, rho = pair["low"], pair["rho"]
    ties = _near_ties(pair, field)
    same = bool(pair["same_winner"])
    p = dict(low=fmt.budget(low), high=fmt.budget(hi), rho=f"{rho:.2f}", n=pair["n"], spread=_spread_text(pair, field))
    if rho >= RHO_SAME and same:
        if ties:
            return tr("ρ({low}, {high}) = {rho} over {n} configurations, the same winner; at {high} their middle "
                      "half spans {spread}, within the noise of training: the maximum budget can be {low}.", **p), low
        return tr("ρ({low}, {high}) = {rho} over {n} configurations, the same winner; at {high} their middle half "
                  "spans {spread}, beyond the noise of training: the maximum budget can be {low}.", **p), low
    if rho >= 0.5 and ties:
        if same:
            return tr("ρ({low}, {high}) = {rho} over {n} configurations, the same winner; at {high} their middle "
                      "half spans {spread}, within the noise of training, so their order there is mostly noise: "
                      "the maximum budget can be {low}.", **p), low
        return tr("ρ({low}, {high}) = {rho} over {n} configurations, another winner; at {high} their middle half "
                  "spans {spread}, within the noise of training, so their order there is mostly noise: the maximum "
                  "budget can be {low}.", **p), low
    if same and ties:
        text = tr("ρ({low}, {high}) = {rho} over {n} configurations, the same winner; at {high} their middle half "
                  "spans {spread}, within the noise of training: the largest budget changes the ranking, so the "
                  "maximum stays {high}.", **p)
    elif same:
        text = tr("ρ({low}, {high}) = {rho} over {n} configurations, the same winner; at {high} their middle half "
                  "spans {spread}, beyond the noise of training: the largest budget changes the ranking, so the "
                  "maximum stays {high}.", **p)
    elif ties:
        text = tr("ρ({low}, {high}) = {rho} over {n} configurations, another winner; at {high} their middle half "
                  "spans {spread}, within the noise of training: the largest budget changes the ranking, so the "
                  "maximum stays {high}.", **p)
    else:
        text = tr("ρ({low}, {high}) = {rho} over {n} configurations, another winner; at {high} their middle half "
                  "spans {spread}, beyond the noise of training: the largest budget changes the ranking, so the "
                  "maximum stays {high}.", **p)
    return text, hi


def budget_advice(run: Run, rule: BestRule) -> BudgetAdvice:
    n_iter = len(run.brackets)
    eta = run.eta
    if len(run.budgets) < 2 or eta is None or eta <= 1:
        return BudgetAdvice(run.min_budget if run.budgets else None, run.max_budget if run.budgets else None, eta,
                            run.min_budget if run.budgets else None, run.max_budget if run.budgets else None, eta,
                            tr("Every evaluation used the same budget: there is no ladder to change."), n_iter)
    ok = run.ok[run.ok[rule.field].notna()]
    pairs = budget_pairs(ok, rule.field, rule.higher_is_better)
    lo, hi = float(run.min_budget), float(run.max_budget)
    pair = verdict_pair(pairs, hi)
    reasons = []
    new_hi = hi
    if pair is None:
        reasons.append(tr("Too few configurations ran on both {high} and a lower budget to compare their rankings: "
                          "the maximum budget stays {high}.", high=fmt.budget(hi)))
    elif pair["n"] < MIN_BUDGET_EVIDENCE:
        reasons.append(tr("Too few configurations ran on both {high} and a lower budget to compare their rankings "
                          "(only {n} on {low} and {high}): the maximum budget stays {high}.",
                          high=fmt.budget(hi), low=fmt.budget(pair["low"]), n=pair["n"]))
    else:
        text, new_hi = _max_budget_reason(pair, rule.field, hi)
        reasons.append(text)
    new_lo = lo
    adj = [p for p in adjacent_pairs(pairs) if p["rho"] is not None]
    for p in adj:
        if p["low"] != new_lo or p["high"] * eta > new_hi + 1e-9 or p["n"] < MIN_BUDGET_EVIDENCE:
            break  # only from the bottom, on enough evidence, and the ladder keeps at least two rungs
        if p["rho"] < RHO_DIFFERENT:
            reasons.append(tr("ρ({low}, {high}) = {rho} over {n}: rung {low} cannot tell good from bad, so the "
                              "minimum budget moves to {high}.", low=fmt.budget(p["low"]), high=fmt.budget(p["high"]),
                              rho=format(p["rho"], ".2f"), n=p["n"]))
            new_lo = p["high"]
        else:
            break
    bottom = next((p for p in adj if p["low"] == lo), None)
    if new_lo == lo:
        if bottom is None or bottom["n"] < MIN_BUDGET_EVIDENCE:
            reasons.append(tr("The minimum budget stays {low}: too few configurations ran on it and the next rung "
                              "to judge it.", low=fmt.budget(lo)))
        elif bottom["rho"] >= RHO_DIFFERENT:
            reasons.append(tr("The minimum budget stays {low}: ρ({low}, {high}) = {rho} over {n}, it already tells "
                              "good from bad.", low=fmt.budget(lo), high=fmt.budget(bottom["high"]),
                              rho=format(bottom["rho"], ".2f"), n=bottom["n"]))
        else:
            reasons.append(tr("The minimum budget stays {low}: moving it would leave the ladder fewer than two "
                              "rungs.", low=fmt.budget(lo)))
    reasons.append(tr("eta stays {eta} (rank agreement says which budgets, not how many to drop).",
                      eta=fmt.budget(eta)))
    old_plan = run.plan or hyperband_plan(lo, hi, eta)
    new_plan = hyperband_plan(new_lo, new_hi, eta)
    old_cost, old_configs = planned_compute(old_plan, n_iter)
    new_cost, new_configs = planned_compute(new_plan, n_iter)
    if (new_lo, new_hi) != (lo, hi):
        reasons.append(tr("For the same {n} iterations Hyperband plans {new_cost} budget units instead of "
                          "{old_cost} ({less} less), sampling {new_configs} configurations instead of {old_configs}.",
                          n=n_iter, new_cost=fmt.integer(new_cost), old_cost=fmt.integer(old_cost),
                          less=fmt.pct(1 - new_cost / old_cost, 0), new_configs=new_configs,
                          old_configs=old_configs))
    return BudgetAdvice(
        min_budget=lo, max_budget=hi, eta=float(eta), new_min_budget=float(new_lo), new_max_budget=float(new_hi),
        new_eta=float(eta), reason=" ".join(reasons), n_iterations=n_iter,
        old_budgets=tuple(old_plan.budgets), new_budgets=tuple(new_plan.budgets),
        old_compute=old_cost, new_compute=new_cost, old_configs=old_configs, new_configs=new_configs,
        rho_max=None if pair is None else pair["rho"], rho_min=None if bottom is None else bottom["rho"])
