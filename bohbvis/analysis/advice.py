"""Advice for the next experiment: a new search space and budget ladder, each change with its reason.

Computed in one place for the `next_experiment` slide, `bohbvis advise` and the API.

The evidence is the top configurations by the deck's one definition of best (analysis/ranking.py)
at the largest budget: the best TOP_QUANTILE of the configurations evaluated there (BOHB's own
`top_n_percent`), at least MIN_TOP of them and at most half, so "top" is a real subset. With fewer
than 2 * MIN_TOP configurations at the largest budget the advice keeps the space and says why.

Per hyperparameter, on its own scale (log where the space says log; the index for an ordinal):
  - numeric: the top configurations' span widened by MARGIN of the original range at each end;
    kept when that would still cover KEEP_SHARE of the range (no reason to change);
  - a bound is *crowded* when at least half of the top configurations (rounded up) lie within EDGE
    of it: a boundary warning, and that bound moves outwards by WIDEN of the range (never past 0
    for a non-negative range, past 0 or 1 for a range inside [0, 1], or below 1 for an integer
    range starting at ≥ 1) — the optimum may lie beyond it;
  - choices: one is dropped only when no top configuration used it and the hypergeometric test
    (Fisher's exact test, one-sided) says so few top picks is unlikely by chance (p < ALPHA) given
    how many configurations at the largest budget had it; ordinals only lose values at their ends;
  - conditional hyperparameters keep their conditions (intersected with the parent's new
    choices; a child whose condition can no longer hold is removed, with that reason).
The budget: rank agreement of the same configurations across budgets (analysis/budgets.py) and
their spread at the largest budget decide the new maximum and minimum budget; eta is kept; the
compute is Hyperband's planned sum of budgets for the same number of iterations, old and new.
"""

from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from ..model import format as fmt
from ..model.hyperband import HyperbandPlan, plan as hyperband_plan
from ..model.run import Run
from ..model.space import Hyperparameter
from .budgets import adjacent_pairs, budget_pairs, verdict_pair
from .ranking import BestRule, ranked_configs, rule_for

TOP_QUANTILE = 0.15
MIN_TOP = 3
MARGIN = 0.10
EDGE = 0.05
WIDEN = 0.25
KEEP_SHARE = 0.90
ALPHA = 0.05
# Rank agreement thresholds (the `budgets` slide's words): ≥ 0.8 "rank almost the same",
# < 0.2 "rank differently".
RHO_SAME = 0.8
RHO_DIFFERENT = 0.2
# A budget changes only on the ranks of at least this many configurations (fewer: "a hint").
MIN_BUDGET_EVIDENCE = 10


# --- the advice's parts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """When a child hyperparameter is active: parent IN values (EQ/NEQ/GT/LT: one value)."""

    parent: str
    type: str  # "IN" | "EQ" | "NEQ" | "GT" | "LT"
    values: tuple
    inferred: bool = False  # read off the data (no configspace.json described it)

    def text(self) -> str:
        if self.type == "IN":
            return f"{self.parent} in {{{', '.join(_num(v) for v in self.values)}}}"
        op = {"EQ": "=", "NEQ": "≠", "GT": ">", "LT": "<"}[self.type]
        return f"{self.parent} {op} {_num(self.values[0])}"

    def to_configspace(self, child: str) -> dict:
        if self.type == "IN":
            return {"type": "IN", "child": child, "parent": self.parent, "values": list(self.values)}
        return {"type": self.type, "child": child, "parent": self.parent, "value": self.values[0]}


@dataclass(frozen=True)
class ChoiceEvidence:
    choice: Any
    n_top: int  # top configurations with this choice
    n_all: int  # configurations at the largest budget with this choice
    p_value: float | None  # P(this few top picks | chance), hypergeometric; None when used by a top one
    dropped: bool


@dataclass(frozen=True)
class HyperparameterAdvice:
    name: str
    type: str
    action: str  # "keep" | "narrow" | "widen" | "drop choices" | "remove"
    original: Hyperparameter
    reason: str
    lower: float | None = None
    upper: float | None = None
    log: bool = False
    choices: tuple | None = None
    default: Any = None
    condition: Condition | None = None
    n_top: int = 0  # top configurations in which it is active
    top_lower: float | None = None  # the span of the top configurations' values
    top_upper: float | None = None
    crowded: tuple[str, ...] = ()  # "lower" / "upper": bounds the top configurations crowd
    warning: str | None = None
    evidence: tuple[ChoiceEvidence, ...] = ()

    @property
    def is_numeric(self) -> bool:
        return self.type in ("float", "int")

    def describe_range(self) -> str:
        if self.action == "remove":
            return "removed"
        if self.is_numeric:
            return f"[{_num(self.lower)}, {_num(self.upper)}]" + (" (log)" if self.log else "")
        return ", ".join(_num(c) for c in self.choices or ())

    def to_dict(self) -> dict:
        d = {"name": self.name, "type": self.type, "action": self.action, "reason": self.reason,
             "original": self.original.describe_range(), "new": self.describe_range(),
             "n_top": self.n_top, "crowded": list(self.crowded), "warning": self.warning,
             "condition": self.condition.text() if self.condition else None}
        if self.is_numeric:
            d.update(lower=self.lower, upper=self.upper, log=self.log,
                     top_lower=self.top_lower, top_upper=self.top_upper)
        else:
            d["choices"] = list(self.choices or ())
            d["evidence"] = [asdict(e) for e in self.evidence]
        return d


@dataclass(frozen=True)
class BudgetAdvice:
    min_budget: float | None
    max_budget: float | None
    eta: float | None
    new_min_budget: float | None
    new_max_budget: float | None
    new_eta: float | None
    reason: str
    n_iterations: int  # Hyperband iterations (brackets) the run ran; the compute compares as many
    old_budgets: tuple[float, ...] = ()
    new_budgets: tuple[float, ...] = ()
    old_compute: float | None = None  # sum of planned budgets (n_i * r_i over every round)
    new_compute: float | None = None
    old_configs: int | None = None  # configurations sampled (the first round of every bracket)
    new_configs: int | None = None
    rho_max: float | None = None  # ρ between the largest budget and the highest one below it
    rho_min: float | None = None  # ρ between the two lowest budgets

    @property
    def saved(self) -> float | None:
        """Share of the compute the new ladder saves (negative: it costs more)."""
        if not self.old_compute or self.new_compute is None:
            return None
        return 1.0 - self.new_compute / self.old_compute

    @property
    def changed(self) -> bool:
        return (self.new_min_budget, self.new_max_budget, self.new_eta) != (self.min_budget, self.max_budget, self.eta)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["old_budgets"], d["new_budgets"] = list(self.old_budgets), list(self.new_budgets)
        d["saved"] = self.saved
        d["changed"] = self.changed
        return d


@dataclass(frozen=True)
class Advice:
    source: str
    rule: BestRule
    max_budget: float | None
    n_at_max_budget: int  # configurations evaluated at the largest budget (the population)
    k: int  # top configurations the advice rests on
    top_ids: tuple[str, ...]
    too_few: bool
    summary: str
    space_inferred: bool  # the original bounds came from the values used, not a configspace.json
    hyperparameters: tuple[HyperparameterAdvice, ...]
    budget: BudgetAdvice
    settings: dict = field(default_factory=dict)

    def hp(self, name: str) -> HyperparameterAdvice:
        return next(h for h in self.hyperparameters if h.name == name)

    @property
    def warnings(self) -> list[str]:
        return [h.warning for h in self.hyperparameters if h.warning]

    def to_dict(self) -> dict:
        return {
            "source": self.source, "rule": self.rule.field, "rule_text": self.rule.describe(),
            "max_budget": self.max_budget, "n_at_max_budget": self.n_at_max_budget, "k": self.k,
            "top_ids": list(self.top_ids), "too_few": self.too_few, "summary": self.summary,
            "space_inferred": self.space_inferred,
            "hyperparameters": [h.to_dict() for h in self.hyperparameters],
            "n_changed": sum(h.action != "keep" for h in self.hyperparameters),
            "n_warnings": len(self.warnings), "warnings": self.warnings,
            "budget": self.budget.to_dict(), "settings": dict(self.settings),
        }

    # --- writers -------------------------------------------------------------------------
    def to_configspace(self) -> dict:
        """The new space as ConfigSpace's serialized dict (JSON format 0.4); each hyperparameter's
        reason in its `meta`, the budget advice under the extra key `bohbvis` (ConfigSpace ignores it)."""
        return configspace_dict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_configspace(), indent=2, ensure_ascii=False) + "\n"

    def to_yaml(self) -> str:
        """The same document as YAML (what `ConfigurationSpace.from_yaml` reads)."""
        import io

        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        yaml.sort_base_mapping_type_on_output = False
        yaml.representer.add_representer(float, _yaml_float)
        buf = io.StringIO()
        yaml.dump(json.loads(self.to_json()), buf)
        return buf.getvalue()


def _yaml_float(representer, x: float):
    """Floats every YAML 1.1 reader reads as floats: PyYAML (ConfigSpace's) takes 1e-09 for text."""
    if math.isnan(x):
        text = ".nan"
    elif math.isinf(x):
        text = ".inf" if x > 0 else "-.inf"
    else:
        text = repr(float(x))
        mant, e, exp = text.partition("e")
        if "." not in mant:
            mant += ".0"
        text = mant + (e + (exp if exp.startswith("-") else "+" + exp.lstrip("+")) if e else "")
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def _num(x) -> str:
    """A bound or value as text: whole numbers without decimals, others to 3 significant digits."""
    if x is None:
        return "?"
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return fmt.value(x)
    x = float(x)
    if x.is_integer() and abs(x) < 1e6:
        return str(int(x))
    return fmt.num(x)


# --- the computation ---------------------------------------------------------------------------


def top_configurations(run: Run, rule: BestRule, k: int | None = None,
                       quantile: float = TOP_QUANTILE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(top, population): the configurations ranked at the largest budget any reached, and the
    best k of them (k from the quantile unless given)."""
    ranked = ranked_configs(run, rule)
    if ranked.empty:
        return ranked, ranked
    population = ranked[ranked["budget"] == ranked["budget"].max()]
    n = len(population)
    if k is None:
        k = max(MIN_TOP, math.ceil(quantile * n))
        k = min(k, n // 2)
    return population.head(min(k, n)), population


def advise(run: Run, *, by: str | None = None, k: int | None = None,
           quantile: float = TOP_QUANTILE) -> Advice:
    rule = rule_for(run, by)
    top, population = top_configurations(run, rule, k, quantile)
    n_pop = len(population)
    too_few = len(top) < MIN_TOP or n_pop < 2 * MIN_TOP and k is None
    max_budget = float(population["budget"].iloc[0]) if n_pop else None
    conditions = _conditions(run)
    hps = []
    for hp in run.space:
        cond = conditions.get(hp.name)
        if too_few:
            hps.append(_kept(hp, cond, f"Too few configurations at the largest budget ({n_pop}) to say anything: kept."))
        elif hp.is_numeric:
            hps.append(_numeric(hp, top, cond))
        else:
            hps.append(_choices(hp, top, population, cond))
    hps = _settle_conditions(hps)
    budget = budget_advice(run, rule)
    inferred = any(hp.inferred for hp in run.space)
    if too_few:
        summary = (f"Only {n_pop} configuration(s) reached the largest budget: too few to tell the best "
                   f"from the rest (at least {2 * MIN_TOP} are needed). The space is kept as it was.")
    else:
        changed = [h for h in hps if h.action != "keep"]
        summary = (f"From the top {len(top)} of {n_pop} configurations at budget {fmt.budget(max_budget)}: "
                   f"{len(changed)} of {len(hps)} hyperparameters change"
                   + (f", {sum(1 for h in hps if h.warning)} with a boundary warning" if any(h.warning for h in hps) else "")
                   + ".")
    return Advice(
        source=run.source, rule=rule, max_budget=max_budget, n_at_max_budget=n_pop, k=len(top),
        top_ids=tuple(str(c) for c in top["config_id"]), too_few=bool(too_few), summary=summary,
        space_inferred=inferred, hyperparameters=tuple(hps), budget=budget,
        settings={"quantile": quantile, "min_top": MIN_TOP, "margin": MARGIN, "edge": EDGE,
                  "widen": WIDEN, "keep_share": KEEP_SHARE, "alpha": ALPHA},
    )


# --- numeric hyperparameters --------------------------------------------------------------------


def is_log_scale(hp: Hyperparameter) -> bool:
    return bool(hp.log and hp.lower is not None and hp.lower > 0)


def to_unit(hp: Hyperparameter, v: float) -> float:
    """0..1 along the original range, on the hyperparameter's own scale (log where log)."""
    lo, hi = float(hp.lower), float(hp.upper)
    if hi == lo:
        return 0.5
    if is_log_scale(hp):
        return (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))
    return (v - lo) / (hi - lo)


def from_unit(hp: Hyperparameter, u: float) -> float:
    lo, hi = float(hp.lower), float(hp.upper)
    if is_log_scale(hp):
        return math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    return lo + u * (hi - lo)


def crowded_bounds(hp: Hyperparameter, values) -> tuple[str, ...]:
    """The bounds at least half of the values (rounded up) lie within EDGE of, on hp's scale."""
    units = [to_unit(hp, float(v)) for v in values]
    need = math.ceil(len(units) / 2)
    out = []
    if units and sum(u <= EDGE for u in units) >= need:
        out.append("lower")
    if units and sum(u >= 1 - EDGE for u in units) >= need:
        out.append("upper")
    return tuple(out)


def hard_limits(hp: Hyperparameter) -> tuple[float | None, float | None]:
    """How far a bound may move: a non-negative range stays non-negative, a range inside [0, 1]
    (a rate, a fraction) stays inside it, an integer range from ≥ 1 (a count) stays ≥ 1."""
    lo, hi = float(hp.lower), float(hp.upper)
    low_limit = high_limit = None
    if lo >= 0:
        low_limit = 0.0
    if hp.type == "int" and lo >= 1:
        low_limit = 1.0
    if 0 <= lo and hi <= 1 and not is_log_scale(hp):
        high_limit = 1.0
    return low_limit, high_limit


def _round_out(x: float, down: bool, digits: int = 3) -> float:
    """x rounded outwards to `digits` significant digits (the range only grows)."""
    if x == 0 or not math.isfinite(x):
        return x
    e = math.floor(math.log10(abs(x))) - digits + 1
    q = 10.0 ** e
    r = (math.floor if down else math.ceil)(x / q) * q
    return float(f"{r:.{digits}g}")


def _numeric(hp: Hyperparameter, top: pd.DataFrame, cond: Condition | None) -> HyperparameterAdvice:
    if hp.lower is None or hp.upper is None or hp.upper <= hp.lower:
        return _kept(hp, cond, "Its range is a single value or unknown: kept.")
    values = pd.to_numeric(top[hp.column], errors="coerce").dropna() if hp.column in top else pd.Series(dtype=float)
    values = values.astype(float)
    if len(values) < MIN_TOP:
        why = ("inactive in every top configuration" if values.empty
               else f"active in only {len(values)} of the top configurations")
        return _kept(hp, cond, f"{why.capitalize()}: too little evidence to change its range, kept.",
                     n_top=len(values))
    scale = "log" if is_log_scale(hp) else "linear"
    units = [to_unit(hp, v) for v in values]
    u_lo, u_hi = min(units), max(units)
    crowded = crowded_bounds(hp, values)
    new_lo_u = -WIDEN if "lower" in crowded else max(u_lo - MARGIN, 0.0)
    new_hi_u = 1 + WIDEN if "upper" in crowded else min(u_hi + MARGIN, 1.0)
    lower, upper = from_unit(hp, new_lo_u), from_unit(hp, new_hi_u)
    lower, upper = _round_out(lower, True), _round_out(upper, False)
    low_limit, high_limit = hard_limits(hp)
    stuck = []
    if low_limit is not None and lower < low_limit:
        lower = low_limit
    if high_limit is not None and upper > high_limit:
        upper = high_limit
    if hp.type == "int":
        lower, upper = float(math.floor(lower)), float(math.ceil(upper))
    # Never narrower than the top's own values, never inside-out.
    lower, upper = min(lower, float(values.min())), max(upper, float(values.max()))
    if "lower" in crowded and lower >= hp.lower:
        stuck.append("lower")
    if "upper" in crowded and upper <= hp.upper:
        stuck.append("upper")
    widened = [b for b in crowded if b not in stuck]
    # A bound that is not widened keeps its narrowed value, but never beyond the original.
    if "lower" not in widened:
        lower = max(lower, float(hp.lower))
    if "upper" not in widened:
        upper = min(upper, float(hp.upper))
    share = (to_unit(hp, upper) - to_unit(hp, lower))
    used = (_num(values.min()) if values.min() == values.max() else f"{_num(values.min())}–{_num(values.max())}")
    span_text = f"Top {len(values)} used {used} ({fmt.pct(u_hi - u_lo, 0)} of the {scale} range)"
    warning = None
    if crowded:
        which = " and ".join(f"{b} bound {_num(hp.lower if b == 'lower' else hp.upper)}" for b in crowded)
        n_near = max(sum(u <= EDGE for u in units) if "lower" in crowded else 0,
                     sum(u >= 1 - EDGE for u in units) if "upper" in crowded else 0)
        warning = (f"{hp.name}: {n_near} of the top {len(values)} lie within {fmt.pct(EDGE, 0)} of the {which} "
                   f"({scale} scale) — the optimum may lie beyond it.")
    if widened:
        action = "widen"
        moved = "; ".join(
            f"the {b} bound {_num(hp.lower if b == 'lower' else hp.upper)} moves out {fmt.pct(WIDEN, 0)} of the "
            f"range, to {_num(int(lower) if hp.type == 'int' else lower) if b == 'lower' else _num(upper)}"
            for b in widened)
        reason = f"{span_text}, crowding a bound: {moved}."
        if stuck:
            reason += f" The {' and '.join(stuck)} bound is a natural limit."
    elif (lower <= hp.lower and upper >= hp.upper) or share >= KEEP_SHARE:
        action, lower, upper = "keep", float(hp.lower), float(hp.upper)
        reason = (f"{span_text}: kept." if not stuck else f"{span_text}, at a natural limit: kept.")
    else:
        action = "narrow"
        reason = f"{span_text}: that span ± {fmt.pct(MARGIN, 0)} of the range."
        if stuck:
            reason += f" They crowd the {' and '.join(stuck)} bound, a natural limit."
    if hp.type == "int":
        lower, upper = int(lower), int(upper)
    default = _numeric_default(hp, top, lower, upper)
    return HyperparameterAdvice(
        name=hp.name, type=hp.type, action=action, original=hp, reason=reason, lower=lower, upper=upper,
        log=bool(hp.log), default=default, condition=cond, n_top=len(values),
        top_lower=float(values.min()), top_upper=float(values.max()), crowded=crowded, warning=warning)


def _numeric_default(hp: Hyperparameter, top: pd.DataFrame, lower, upper):
    """The best top configuration's value when it has one (the incumbent), else the middle."""
    for v in top[hp.column] if hp.column in top else ():
        if v is not None and not pd.isna(v):
            v = float(v)
            if lower <= v <= upper:
                return int(round(v)) if hp.type == "int" else v
            break
    mid = math.sqrt(lower * upper) if hp.log and lower > 0 else (lower + upper) / 2
    return int(round(mid)) if hp.type == "int" else mid


# --- choices ------------------------------------------------------------------------------------


def _plain(v):
    if hasattr(v, "item"):
        v = v.item()
    return v


def choice_evidence(hp: Hyperparameter, top: pd.DataFrame, population: pd.DataFrame) -> list[ChoiceEvidence]:
    """Per choice: top and all counts and the one-sided hypergeometric p of so few top picks."""
    from scipy.stats import hypergeom

    pop = population[hp.column].dropna() if hp.column in population else pd.Series(dtype=object)
    tops = top[hp.column].dropna() if hp.column in top else pd.Series(dtype=object)
    key = [str(_plain(v)) for v in pop]
    key_top = [str(_plain(v)) for v in tops]
    out = []
    for c in hp.choices or ():
        n_all, n_top = key.count(str(c)), key_top.count(str(c))
        p = None
        if n_top == 0:
            # P(X <= 0): drawing len(tops) of len(pop) configurations, n_all of which have c.
            p = float(hypergeom.cdf(0, len(pop), n_all, len(tops))) if len(pop) else None
        out.append(ChoiceEvidence(choice=c, n_top=n_top, n_all=n_all, p_value=p,
                                  dropped=bool(p is not None and p < ALPHA)))
    return out


def _choices(hp: Hyperparameter, top: pd.DataFrame, population: pd.DataFrame,
             cond: Condition | None) -> HyperparameterAdvice:
    choices = tuple(hp.choices or ())
    n_active = int(top[hp.column].notna().sum()) if hp.column in top else 0
    if not choices:
        return _kept(hp, cond, "Its choices are unknown: kept.")
    if n_active < MIN_TOP:
        why = "inactive in every top configuration" if not n_active else f"active in only {n_active} of the top configurations"
        return _kept(hp, cond, f"{why.capitalize()}: too little evidence to drop a choice, kept.", n_top=n_active)
    evidence = choice_evidence(hp, top, population)
    if hp.type == "ordinal":
        # An ordered sequence loses values only at its ends, so it stays a sequence.
        keep = list(range(len(choices)))
        while keep and evidence[keep[0]].dropped:
            keep.pop(0)
        while keep and evidence[keep[-1]].dropped:
            keep.pop()
        evidence = [dataclass_replace(e, dropped=(i not in keep)) for i, e in enumerate(evidence)]
    kept = tuple(c for c, e in zip(choices, evidence) if not e.dropped)
    dropped = [e for e in evidence if e.dropped]
    counts = ", ".join(f"{_num(e.choice)} {e.n_top}/{e.n_all}" for e in evidence)
    reason = f"Top/all: {counts}."
    action = "keep"
    unused = [e for e in evidence if e.n_top == 0 and e.p_value is not None and not e.dropped]
    if dropped:
        action = "drop choices"
        reason += " Dropped: " + ", ".join(f"{_num(e.choice)} (p = {e.p_value:.3f})" for e in dropped) + "."
    if unused:
        reason += (" Unused by the top but not significantly: " + ", ".join(
            f"{_num(e.choice)} (p = {e.p_value:.2f})" for e in unused) + ", kept.")
    if not dropped and not unused:
        reason += " All used by the top: kept."
    warning, crowded = None, ()
    if hp.type == "ordinal" and len(kept) >= 2 and len(choices) >= 3:
        pos = {str(c): i / (len(choices) - 1) for i, c in enumerate(choices)}
        units = [pos[str(_plain(v))] for v in top[hp.column].dropna() if str(_plain(v)) in pos]
        need = math.ceil(len(units) / 2)
        ends = [b for b, hit in (("lower", sum(u <= EDGE for u in units) >= need),
                                 ("upper", sum(u >= 1 - EDGE for u in units) >= need)) if hit]
        crowded = tuple(ends)
        if ends:
            extended = list(kept)
            for b in ends:
                nxt = _next_in_sequence(choices, b)
                if nxt is not None:
                    extended = [nxt, *extended] if b == "lower" else [*extended, nxt]
            end_vals = " and ".join(_num(choices[0] if b == "lower" else choices[-1]) for b in ends)
            warning = (f"{hp.name}: at least half of the top {len(units)} use the end value {end_vals} of the "
                       f"sequence — the optimum may lie beyond it.")
            if len(extended) > len(kept):
                added = [v for v in extended if v not in kept]
                reason += f" The top crowd its end: {', '.join(_num(v) for v in added)} added."
                action, kept = "widen", tuple(extended)
    default = next((_plain(v) for v in top[hp.column].dropna()), None)
    if default is None or str(default) not in {str(c) for c in kept}:
        default = kept[0]
    else:
        default = next(c for c in kept if str(c) == str(default))
    return HyperparameterAdvice(
        name=hp.name, type=hp.type, action=action, original=hp, reason=reason, choices=kept,
        default=default, condition=cond, n_top=n_active, crowded=crowded, warning=warning,
        evidence=tuple(evidence))


def _next_in_sequence(seq: tuple, end: str):
    """The value beyond an end of a numeric sequence that is geometric or arithmetic; else None."""
    try:
        nums = [float(v) for v in seq]
    except (TypeError, ValueError):
        return None
    if len(nums) < 2 or any(isinstance(v, bool) for v in seq):
        return None
    as_int = all(isinstance(v, int) for v in seq)
    diffs = {round(b - a, 9) for a, b in zip(nums, nums[1:])}
    ratios = {round(b / a, 9) for a, b in zip(nums, nums[1:])} if all(v > 0 for v in nums) else set()
    if len(ratios) == 1:
        r = ratios.pop()
        v = nums[-1] * r if end == "upper" else nums[0] / r
    elif len(diffs) == 1:
        d = diffs.pop()
        v = nums[-1] + d if end == "upper" else nums[0] - d
    else:
        return None
    if as_int:
        if not float(v).is_integer() or (end == "lower" and v < 1 <= nums[0]):
            return None
        return int(v)
    return v


def dataclass_replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


def _kept(hp: Hyperparameter, cond: Condition | None, reason: str, n_top: int = 0) -> HyperparameterAdvice:
    default = None
    if hp.is_numeric and hp.lower is not None and hp.upper is not None:
        mid = math.sqrt(hp.lower * hp.upper) if is_log_scale(hp) else (hp.lower + hp.upper) / 2
        default = int(round(mid)) if hp.type == "int" else mid
    elif hp.choices:
        default = hp.choices[0]
    lower, upper = hp.lower, hp.upper
    if hp.type == "int" and lower is not None:
        lower, upper = int(lower), int(upper)
    return HyperparameterAdvice(
        name=hp.name, type=hp.type, action="keep", original=hp, reason=reason, lower=lower, upper=upper,
        log=bool(hp.log), choices=tuple(hp.choices) if hp.choices is not None else None, default=default,
        condition=cond, n_top=n_top)


# --- conditions ----------------------------------------------------------------------------------


_IN = re.compile(r"^\s*(\S+) in (\[.*\])\s*$")
_OP = re.compile(r"^\s*(\S+) (EQ|NEQ|GT|LT) (.+?)\s*$")


def parse_condition(text: str | None) -> Condition | None:
    """The structured condition behind model/space.py's text ("optimizer in ['sgd', 'rms']",
    "lr_scheduler EQ 'CosineWithRestarts'"); None when it is not one of those."""
    if not text:
        return None
    try:
        if m := _IN.match(text):
            return Condition(m.group(1), "IN", tuple(ast.literal_eval(m.group(2))))
        if m := _OP.match(text):
            return Condition(m.group(1), m.group(2), (ast.literal_eval(m.group(3)),))
    except (ValueError, SyntaxError):
        return None
    return None


def _conditions(run: Run) -> dict[str, Condition]:
    """Each conditional hyperparameter's condition: from the space, or — for a space inferred from
    the data — read off the configurations (the parent whose values exactly tell when it is set)."""
    out = {}
    configs = run.table.drop_duplicates("config_id")
    for hp in run.space:
        if not hp.condition:
            continue
        cond = parse_condition(hp.condition)
        if cond is None:
            cond = _infer_condition(hp, run.space, configs)
        if cond is not None:
            out[hp.name] = cond
    return out


def _infer_condition(child: Hyperparameter, space, configs: pd.DataFrame) -> Condition | None:
    active = configs[child.column].notna()
    for parent in space:
        if parent.name == child.name or parent.condition or parent.column not in configs:
            continue
        values = configs[parent.column]
        if values.isna().any() or values.nunique() > 10 or parent.type == "float":
            continue
        on = {_plain(v) for v in values[active]}
        off = {_plain(v) for v in values[~active]}
        if on and off and not (on & off):
            return Condition(parent.name, "IN", tuple(sorted(on, key=str)), inferred=True)
    return None


def _settle_conditions(hps: list[HyperparameterAdvice]) -> list[HyperparameterAdvice]:
    """Conditions follow their parent's new values; a child that can never be active is removed."""
    by_name = {h.name: h for h in hps}
    out = []
    for h in hps:
        c = h.condition
        parent = by_name.get(c.parent) if c else None
        if c is None or parent is None or c.type not in ("IN", "EQ"):
            out.append(h)
            continue
        if parent.is_numeric:
            still = tuple(v for v in c.values if parent.lower <= float(v) <= parent.upper)
        else:
            allowed = {str(x) for x in parent.choices or ()}
            still = tuple(v for v in c.values if str(v) in allowed)
        if not still:
            out.append(dataclass_replace(
                h, action="remove", condition=c,
                reason=f"Active only when {c.text()}, which the new range of {c.parent} excludes: removed."))
        elif len(still) < len(c.values):
            new = Condition(c.parent, "IN", still, c.inferred)
            out.append(dataclass_replace(
                h, condition=new, reason=h.reason + f" Its condition follows {c.parent}: now {new.text()}."))
        else:
            out.append(h)
    return out


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


# --- ConfigSpace ----------------------------------------------------------------------------------

_CS_TYPE = {"float": "uniform_float", "int": "uniform_int", "categorical": "categorical",
            "bool": "categorical", "ordinal": "ordinal"}


def _json_value(v):
    return _plain(v)


def configspace_dict(advice: Advice) -> dict:
    hps, conds = [], []
    for h in advice.hyperparameters:
        if h.action == "remove":
            continue
        meta = {"action": h.action, "reason": h.reason, "original": h.original.describe_range()}
        if h.warning:
            meta["warning"] = h.warning
        d: dict[str, Any] = {"type": _CS_TYPE[h.type], "name": h.name}
        if h.is_numeric:
            cast = int if h.type == "int" else float
            d.update(lower=cast(h.lower), upper=cast(h.upper), default_value=cast(h.default), log=bool(h.log))
        elif h.type == "ordinal":
            d.update(sequence=[_json_value(c) for c in h.choices], default_value=_json_value(h.default))
        else:
            d.update(choices=[_json_value(c) for c in h.choices], weights=None, default_value=_json_value(h.default))
        d["meta"] = meta
        hps.append(d)
        if h.condition is not None:
            conds.append(h.condition.to_configspace(h.name))
    kept = {h["name"] for h in hps}
    conds = [c for c in conds if c["parent"] in kept]
    b = advice.budget
    return {
        "name": None,
        "hyperparameters": hps,
        "conditions": conds,
        "forbiddens": [],
        "python_module_version": "1.2.0",
        "format_version": 0.4,
        "bohbvis": {
            "advice_from": advice.source, "summary": advice.summary, "best": advice.rule.describe(),
            "top_configurations": advice.k, "configurations_at_max_budget": advice.n_at_max_budget,
            "budget": {"min_budget": b.new_min_budget, "max_budget": b.new_max_budget, "eta": b.new_eta,
                       "was": {"min_budget": b.min_budget, "max_budget": b.max_budget, "eta": b.eta},
                       "reason": b.reason, "planned_compute": b.new_compute, "planned_compute_was": b.old_compute},
            "removed": {h.name: h.reason for h in advice.hyperparameters if h.action == "remove"},
        },
    }
