"""The advice per hyperparameter: numeric ranges on their own scale, choices on evidence, conditions.

The rules are stated in advice.py's docstring; the constants live in _advice_types.py.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import re

import pandas as pd

from ..i18n import tr
from ..model import format as fmt
from ..model.run import Run
from ..model.space import Hyperparameter
from ._advice_types import (
    ALPHA, EDGE, KEEP_SHARE, MARGIN, MIN_TOP, WIDEN, ChoiceEvidence, Condition, HyperparameterAdvice, _num, _plain,
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
        return _kept(hp, cond, tr("Its range is a single value or unknown: kept."))
    values = pd.to_numeric(top[hp.column], errors="coerce").dropna() if hp.column in top else pd.Series(dtype=float)
    values = values.astype(float)
    if len(values) < MIN_TOP:
        why = (tr("Inactive in every top configuration: too little evidence to change its range, kept.")
               if values.empty else
               tr("Active in only {n} of the top configurations: too little evidence to change its range, kept.",
                  n=len(values)))
        return _kept(hp, cond, why, n_top=len(values))
    log = is_log_scale(hp)
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
    span = dict(k=len(values), used=used, share=fmt.pct(u_hi - u_lo, 0))
    warning = None
    if crowded:
        n_near = max(sum(u <= EDGE for u in units) if "lower" in crowded else 0,
                     sum(u >= 1 - EDGE for u in units) if "upper" in crowded else 0)
        warning = _crowd_warning(hp, crowded, log, n_near, len(values))
    if widened:
        action = "widen"
        moved = tr("; ").join(
            tr("the lower bound {bound} moves out {widen} of the range, to {new}", bound=_num(hp.lower),
               widen=fmt.pct(WIDEN, 0), new=_num(int(lower) if hp.type == "int" else lower)) if b == "lower" else
            tr("the upper bound {bound} moves out {widen} of the range, to {new}", bound=_num(hp.upper),
               widen=fmt.pct(WIDEN, 0), new=_num(upper))
            for b in widened)
        reason = (tr("Top {k} used {used} ({share} of the log range), crowding a bound: {moved}.", moved=moved, **span)
                  if log else
                  tr("Top {k} used {used} ({share} of the linear range), crowding a bound: {moved}.", moved=moved,
                     **span))
        if stuck:
            reason += " " + _natural_limit(stuck)
    elif (lower <= hp.lower and upper >= hp.upper) or share >= KEEP_SHARE:
        action, lower, upper = "keep", float(hp.lower), float(hp.upper)
        if stuck:
            reason = (tr("Top {k} used {used} ({share} of the log range), at a natural limit: kept.", **span) if log
                      else tr("Top {k} used {used} ({share} of the linear range), at a natural limit: kept.", **span))
        else:
            reason = (tr("Top {k} used {used} ({share} of the log range): kept.", **span) if log
                      else tr("Top {k} used {used} ({share} of the linear range): kept.", **span))
    else:
        action = "narrow"
        margin = fmt.pct(MARGIN, 0)
        reason = (tr("Top {k} used {used} ({share} of the log range): that span ± {margin} of the range.",
                     margin=margin, **span) if log else
                  tr("Top {k} used {used} ({share} of the linear range): that span ± {margin} of the range.",
                     margin=margin, **span))
        if stuck:
            reason += " " + _crowd_natural_limit(stuck)
    if hp.type == "int":
        lower, upper = int(lower), int(upper)
    default = _numeric_default(hp, top, lower, upper)
    return HyperparameterAdvice(
        name=hp.name, type=hp.type, action=action, original=hp, reason=reason, lower=lower, upper=upper,
        log=bool(hp.log), default=default, condition=cond, n_top=len(values),
        top_lower=float(values.min()), top_upper=float(values.max()), crowded=crowded, warning=warning)


def _crowd_warning(hp: Hyperparameter, crowded: tuple[str, ...], log: bool, n_near: int, k: int) -> str:
    """The boundary warning: how many of the top sit at which bound (one sentence per case)."""
    p = dict(name=hp.name, n=n_near, k=k, edge=fmt.pct(EDGE, 0), lower=_num(hp.lower), upper=_num(hp.upper))
    if crowded == ("lower", "upper"):
        return (tr("{name}: {n} of the top {k} lie within {edge} of the lower bound {lower} and upper bound {upper} "
                   "(log scale) — the optimum may lie beyond it.", **p) if log else
                tr("{name}: {n} of the top {k} lie within {edge} of the lower bound {lower} and upper bound {upper} "
                   "(linear scale) — the optimum may lie beyond it.", **p))
    if crowded == ("lower",):
        return (tr("{name}: {n} of the top {k} lie within {edge} of the lower bound {lower} (log scale) — the "
                   "optimum may lie beyond it.", **p) if log else
                tr("{name}: {n} of the top {k} lie within {edge} of the lower bound {lower} (linear scale) — the "
                   "optimum may lie beyond it.", **p))
    return (tr("{name}: {n} of the top {k} lie within {edge} of the upper bound {upper} (log scale) — the "
               "optimum may lie beyond it.", **p) if log else
            tr("{name}: {n} of the top {k} lie within {edge} of the upper bound {upper} (linear scale) — the "
               "optimum may lie beyond it.", **p))


def _natural_limit(stuck: list[str]) -> str:
    if len(stuck) == 2:
        return tr("The lower and upper bound is a natural limit.")
    return tr("The lower bound is a natural limit.") if stuck[0] == "lower" else tr("The upper bound is a natural limit.")


def _crowd_natural_limit(stuck: list[str]) -> str:
    if len(stuck) == 2:
        return tr("They crowd the lower and upper bound, a natural limit.")
    return (tr("They crowd the lower bound, a natural limit.") if stuck[0] == "lower"
            else tr("They crowd the upper bound, a natural limit."))


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
        return _kept(hp, cond, tr("Its choices are unknown: kept."))
    if n_active < MIN_TOP:
        why = (tr("Inactive in every top configuration: too little evidence to drop a choice, kept.") if not n_active
               else tr("Active in only {n} of the top configurations: too little evidence to drop a choice, kept.",
                       n=n_active))
        return _kept(hp, cond, why, n_top=n_active)
    evidence = choice_evidence(hp, top, population)
    if hp.type == "ordinal":
        # An ordered sequence loses values only at its ends, so it stays a sequence.
        keep = list(range(len(choices)))
        while keep and evidence[keep[0]].dropped:
            keep.pop(0)
        while keep and evidence[keep[-1]].dropped:
            keep.pop()
        evidence = [dataclasses.replace(e, dropped=(i not in keep)) for i, e in enumerate(evidence)]
    kept = tuple(c for c, e in zip(choices, evidence) if not e.dropped)
    dropped = [e for e in evidence if e.dropped]
    counts = tr(", ").join(f"{_num(e.choice)} {e.n_top}/{e.n_all}" for e in evidence)
    reason = tr("Top/all: {counts}.", counts=counts)
    action = "keep"
    unused = [e for e in evidence if e.n_top == 0 and e.p_value is not None and not e.dropped]
    if dropped:
        action = "drop choices"
        reason += " " + tr("Dropped: {choices}.", choices=tr(", ").join(
            f"{_num(e.choice)} (p = {e.p_value:.3f})" for e in dropped))
    if unused:
        reason += " " + tr("Unused by the top but not significantly: {choices}, kept.", choices=tr(", ").join(
            f"{_num(e.choice)} (p = {e.p_value:.2f})" for e in unused))
    if not dropped and not unused:
        reason += " " + tr("All used by the top: kept.")
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
            end_vals = [_num(choices[0] if b == "lower" else choices[-1]) for b in ends]
            if len(end_vals) == 2:
                warning = tr("{name}: at least half of the top {k} use the end values {first} and {last} of the "
                             "sequence — the optimum may lie beyond it.", name=hp.name, k=len(units),
                             first=end_vals[0], last=end_vals[1])
            else:
                warning = tr("{name}: at least half of the top {k} use the end value {value} of the sequence — the "
                             "optimum may lie beyond it.", name=hp.name, k=len(units), value=end_vals[0])
            if len(extended) > len(kept):
                added = [v for v in extended if v not in kept]
                reason += " " + tr("The top crowd its end: {values} added.",
                                   values=tr(", ").join(_num(v) for v in added))
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
            out.append(dataclasses.replace(
                h, action="remove", condition=c,
                reason=tr("Active only when {condition}, which the new range of {parent} excludes: removed.",
                          condition=c.text(), parent=c.parent)))
        elif len(still) < len(c.values):
            new = Condition(c.parent, "IN", still, c.inferred)
            out.append(dataclasses.replace(
                h, condition=new, reason=h.reason + " " + tr("Its condition follows {parent}: now {condition}.",
                                                              parent=c.parent, condition=new.text())))
        else:
            out.append(h)
    return out
