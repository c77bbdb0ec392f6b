"""What changed between runs: search space, budgets, best result, cost — and whether a later run
followed the advice (analysis/advice.py) computed from the run before it.

Every run is judged by the deck's one definition of best (analysis/ranking.py); cost is the sum of
the budgets the run actually spent (every evaluation, crashed ones too), beside Hyperband's plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from ..model.run import Run
from ..model.space import Hyperparameter
from .advice import Advice, advise
from .ranking import BestRule, incumbent, rule_for

# Two bounds agree when they differ by less than this (relative): the advice rounds to 3 digits and
# ConfigSpace to 10 places, so a copied range never differs by more.
SAME_BOUND = 1e-3


@dataclass(frozen=True)
class RunFacts:
    name: str
    source: str
    n_evaluations: int
    n_configs: int
    n_crashed: int
    budgets: tuple[float, ...]
    eta: float | None
    spent: float  # sum of the budgets of every evaluation
    best_value: float | None  # the incumbent's value of the rule's field
    best_loss: float | None
    best_accuracy: float | None
    best_config: dict
    space: dict  # {name: describe_range()}


@dataclass(frozen=True)
class HyperparameterChange:
    name: str
    before: str | None  # None: not in that run's space
    after: str | None
    change: str  # "same" | "narrowed" | "widened" | "shifted" | "choices" | "added" | "removed" | "changed"
    advised: str | None  # the advice's range (from the run before), None without advice
    followed: bool | None  # the later run uses the advised range


@dataclass(frozen=True)
class Comparison:
    rule: BestRule
    first: RunFacts
    second: RunFacts
    hyperparameters: tuple[HyperparameterChange, ...]
    budgets_changed: bool
    budgets_advised: tuple[float | None, float | None, float | None]  # min, max, eta from the advice
    budgets_followed: bool
    advice: Advice

    @property
    def n_followed(self) -> int:
        return sum(bool(h.followed) for h in self.hyperparameters)

    @property
    def n_advised(self) -> int:
        return sum(h.followed is not None for h in self.hyperparameters)

    @property
    def advice_followed(self) -> bool:
        return self.budgets_followed and self.n_followed == self.n_advised

    @property
    def improvement(self) -> float | None:
        """How much better the second run's best is (positive = better, in the rule's field)."""
        a, b = self.first.best_value, self.second.best_value
        if a is None or b is None:
            return None
        return (b - a) if self.rule.higher_is_better else (a - b)

    @property
    def cost_ratio(self) -> float | None:
        return self.second.spent / self.first.spent if self.first.spent else None

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return {
            "rule": self.rule.field, "first": asdict(self.first), "second": asdict(self.second),
            "hyperparameters": [asdict(h) for h in self.hyperparameters],
            "n_changed": sum(h.change != "same" for h in self.hyperparameters),
            "budgets_changed": self.budgets_changed, "budgets_followed": self.budgets_followed,
            "budgets_advised": list(self.budgets_advised),
            "n_followed": self.n_followed, "n_advised": self.n_advised, "advice_followed": self.advice_followed,
            "improvement": self.improvement, "cost_ratio": self.cost_ratio,
            "best_first": self.first.best_value, "best_second": self.second.best_value,
        }


def _num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def facts(name: str, run: Run, rule: BestRule) -> RunFacts:
    inc = incumbent(run, rule)
    return RunFacts(
        name=name, source=run.source, n_evaluations=run.n_evaluations, n_configs=run.n_configs,
        n_crashed=run.n_crashed, budgets=tuple(run.budgets), eta=run.eta,
        spent=float(run.table["budget"].sum()),
        best_value=None if inc is None else _num(inc[rule.field]),
        best_loss=None if inc is None else _num(inc["loss"]),
        best_accuracy=None if inc is None else _num(inc["accuracy"]),
        best_config={} if inc is None else {hp.name: _plain(inc[hp.column]) for hp in run.space},
        space={hp.name: hp.describe_range() for hp in run.space},
    )


def _plain(v):
    if v is None:
        return None
    if hasattr(v, "item"):
        v = v.item()
    try:
        if v != v:
            return None
    except (TypeError, ValueError):
        return None
    return v


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=SAME_BOUND, abs_tol=1e-12)


def _range_change(a: Hyperparameter, b: Hyperparameter) -> str:
    if a.is_numeric and b.is_numeric:
        if _close(a.lower, b.lower) and _close(a.upper, b.upper) and a.log == b.log:
            return "same"
        lower_in, upper_in = b.lower >= a.lower - 1e-12, b.upper <= a.upper + 1e-12
        if lower_in and upper_in:
            return "narrowed"
        if not lower_in and not upper_in or (b.lower <= a.lower and b.upper >= a.upper):
            return "widened"
        return "shifted"
    if not a.is_numeric and not b.is_numeric:
        same = [str(c) for c in a.choices or ()] == [str(c) for c in b.choices or ()]
        return "same" if same else "choices"
    return "changed"


def _follows(h, b: Hyperparameter | None) -> bool:
    """The later run's hyperparameter is the advised one (a removed one is absent)."""
    if h.action == "remove":
        return b is None
    if b is None:
        return False
    if h.is_numeric:
        return b.is_numeric and _close(h.lower, b.lower) and _close(h.upper, b.upper) and bool(h.log) == bool(b.log)
    return [str(c) for c in h.choices or ()] == [str(c) for c in b.choices or ()]


def compare(first_name: str, first: Run, second_name: str, second: Run, *, by: str | None = None) -> Comparison:
    rule = rule_for(first, by)
    advice = advise(first, by=by)
    before = {hp.name: hp for hp in first.space}
    after = {hp.name: hp for hp in second.space}
    advised = {h.name: h for h in advice.hyperparameters}
    rows = []
    for name in [*before, *(n for n in after if n not in before)]:
        a, b = before.get(name), after.get(name)
        change = "added" if a is None else "removed" if b is None else _range_change(a, b)
        h = advised.get(name)
        rows.append(HyperparameterChange(
            name=name, before=a.describe_range() if a else None, after=b.describe_range() if b else None,
            change=change, advised=h.describe_range() if h else None,
            followed=None if h is None or advice.too_few else _follows(h, b)))
    ba = advice.budget
    followed_budget = (second.budgets and ba.new_min_budget is not None
                       and _close(second.min_budget, ba.new_min_budget) and _close(second.max_budget, ba.new_max_budget)
                       and _close(second.eta, ba.new_eta))
    return Comparison(
        rule=rule, first=facts(first_name, first, rule), second=facts(second_name, second, rule),
        hyperparameters=tuple(rows),
        budgets_changed=tuple(first.budgets) != tuple(second.budgets) or first.eta != second.eta,
        budgets_advised=(ba.new_min_budget, ba.new_max_budget, ba.new_eta),
        budgets_followed=bool(followed_budget), advice=advice)


def compare_runs(runs: Mapping[str, Run], *, by: str | None = None) -> list[Comparison]:
    """Each run against the one before it, in the deck's order."""
    names = list(runs)
    return [compare(a, runs[a], b, runs[b], by=by) for a, b in zip(names, names[1:])]
