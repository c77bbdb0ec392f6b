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

import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..i18n import tr
from ..model import format as fmt
from ..model.run import Run
from ._advice_budget import budget_advice, planned_compute
from ._advice_ranges import (  # noqa: F401  (the scale helpers are the slide's too)
    _choices, _conditions, _kept, _numeric, _round_out, _settle_conditions, crowded_bounds, from_unit, hard_limits,
    is_log_scale, parse_condition, to_unit,
)
from ._advice_types import (  # noqa: F401  (the rules' constants and records, importable from here)
    ALPHA, EDGE, KEEP_SHARE, MARGIN, MIN_BUDGET_EVIDENCE, MIN_TOP, RHO_DIFFERENT, RHO_SAME, TOP_QUANTILE, WIDEN,
    BudgetAdvice, ChoiceEvidence, Condition, HyperparameterAdvice, _num, _plain, action_text,
)
from .ranking import BestRule, ranked_configs, rule_for

__all__ = ["Advice", "advise", "top_configurations", "planned_compute", "to_unit", "from_unit",
           "crowded_bounds", "hard_limits", "is_log_scale", "parse_condition"]


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
            hps.append(_kept(hp, cond, tr("Too few configurations at the largest budget ({n}) to say anything: kept.",
                                          n=n_pop)))
        elif hp.is_numeric:
            hps.append(_numeric(hp, top, cond))
        else:
            hps.append(_choices(hp, top, population, cond))
    hps = _settle_conditions(hps)
    budget = budget_advice(run, rule)
    inferred = any(hp.inferred for hp in run.space)
    if too_few:
        summary = tr("Only {n} configuration(s) reached the largest budget: too few to tell the best from the rest "
                     "(at least {need} are needed). The space is kept as it was.", n=n_pop, need=2 * MIN_TOP)
    else:
        changed = [h for h in hps if h.action != "keep"]
        n_warned = sum(1 for h in hps if h.warning)
        params = dict(k=len(top), n=n_pop, budget=fmt.budget(max_budget), changed=len(changed), m=len(hps),
                      warned=n_warned)
        if n_warned:
            summary = tr("From the top {k} of {n} configurations at budget {budget}: {changed} of {m} hyperparameters "
                         "change, {warned} with a boundary warning.", **params)
        else:
            summary = tr("From the top {k} of {n} configurations at budget {budget}: {changed} of {m} hyperparameters "
                         "change.", **params)
    return Advice(
        source=_shown_source(run.source), rule=rule, max_budget=max_budget, n_at_max_budget=n_pop, k=len(top),
        top_ids=tuple(str(c) for c in top["config_id"]), too_few=bool(too_few), summary=summary,
        space_inferred=inferred, hyperparameters=tuple(hps), budget=budget,
        settings={"quantile": quantile, "min_top": MIN_TOP, "margin": MARGIN, "edge": EDGE,
                  "widen": WIDEN, "keep_share": KEEP_SHARE, "alpha": ALPHA},
    )


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


def _shown_source(source: str) -> str:
    """The run as a reader would name it: a shipped demo run by its name, not the absolute path
    of the installed package (which would leak the machine's folders into the written space)."""
    from pathlib import Path

    shipped = Path(__file__).resolve().parent.parent / "load"
    p = Path(source)
    if p.parent.resolve() == shipped:
        return {"demo_run": "demo", "demo_run_next": "demo-next"}.get(p.name, source)
    return source
