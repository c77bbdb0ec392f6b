"""Turn a reader's raw evaluations into a Run: rounds, trials, sample types, the ladder and deviations.

Readers hand over one row per evaluation with: config_id (str), bracket, budget, status, loss,
accuracy, started, finished, config_* columns, and, when they know them, `round`, `trial`,
`sample_type`, or the hints `_model_based` (bool) and `_first_round` (the round a configuration was
sampled in), plus `_order` (a sort key for trial numbering).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n.lazy import tr_lazy
from .hyperband import HyperbandPlan, close, infer_eta, plan
from .recovery import Recovery
from .run import COLUMNS, BracketSummary, RoundSummary, Run
from .space import Hyperparameter


def assemble(
    raw: pd.DataFrame,
    space: tuple[Hyperparameter, ...],
    *,
    source: str,
    format: str,
    metric: str | None,
    warnings: list[str] | tuple[str, ...] = (),
    eta: float | None = None,
    first_error: str | None = None,
    recovery: Recovery | None = None,
    notes: list[str] | tuple[str, ...] = (),
) -> Run:
    """`recovery` says how the reader recovered brackets/budgets the tool did not store; `notes`
    are reader-specific deviations from Hyperband (listed before the ones computed here)."""
    t = raw.copy()
    budgets = sorted(float(b) for b in t["budget"].unique())
    ladder_index = {b: i for i, b in enumerate(budgets)}
    eta = eta or infer_eta(budgets)

    if "round" not in t:
        # Round = position of the budget in the bracket's own ladder (0 = its lowest budget).
        gi = t["budget"].map(ladder_index)
        t["round"] = gi - gi.groupby(t["bracket"]).transform("min")
    if "sample_type" not in t:
        first = t["_first_round"] if "_first_round" in t else 0
        promoted = t["round"] > first
        bo = t["_model_based"].fillna(False).astype(bool) if "_model_based" in t else False
        t["sample_type"] = np.where(promoted, "promoted", np.where(bo, "BO", "random"))
    if "trial" not in t:
        order = "_order" if "_order" in t else "config_id"
        t = t.sort_values(["bracket", "round", order], kind="stable")
        t["trial"] = t.groupby(["bracket", "round"]).cumcount()
    if "sample_id" not in t:
        t["sample_id"] = (
            t["bracket"].astype(str) + "-" + t["round"].astype(str) + "-" + t["trial"].astype(str)
        )
    for col in ("accuracy", "started", "finished"):
        if col not in t:
            t[col] = np.nan

    for col in ("bracket", "round", "trial"):
        t[col] = t[col].astype("int64")
    t["budget"] = t["budget"].astype("float64")
    t["loss"] = t["loss"].astype("float64")
    t["accuracy"] = t["accuracy"].astype("float64")
    config_cols = [hp.column for hp in space]
    for c in config_cols:
        if c not in t:
            t[c] = pd.NA
    t = t.sort_values(["bracket", "round", "trial"], kind="stable").reset_index(drop=True)
    t = t[list(COLUMNS) + config_cols]

    the_plan = plan(budgets[0], budgets[-1], eta) if eta and eta > 1 and len(budgets) > 1 else None
    brackets = _bracket_summaries(t, budgets, the_plan)
    deviations = list(notes) + _deviations(t, budgets, the_plan, brackets)
    return Run(
        table=t,
        space=space,
        budgets=tuple(budgets),
        eta=eta,
        brackets=brackets,
        plan=the_plan,
        deviations=tuple(deviations),
        source=source,
        format=format,
        metric=metric,
        warnings=tuple(warnings),
        first_error=first_error,
        recovery=recovery or Recovery(),
    )


def _planned_for(bracket_budgets: list[float], the_plan: HyperbandPlan | None):
    """The planned bracket whose lowest budget is this bracket's lowest budget."""
    if the_plan is None:
        return None
    low = bracket_budgets[0]
    for pb in the_plan.brackets:
        if close(pb.r[0], low):
            return pb
    return None


def _bracket_summaries(t: pd.DataFrame, budgets, the_plan) -> tuple[BracketSummary, ...]:
    # One vectorised pass over (bracket, round): runs with thousands of brackets stay fast.
    keys = ["bracket", "round"]
    agg = (
        t.assign(crashed=(t["status"] == "crashed").astype("int64"))
        .groupby(keys, sort=True)
        .agg(budget=("budget", "first"), n=("budget", "size"), n_crashed=("crashed", "sum"))
    )
    types = pd.crosstab([t["bracket"], t["round"]], t["sample_type"])
    for name in ("random", "BO", "promoted"):
        agg[name] = types[name] if name in types else 0
    # A configuration advanced from round r if it also appears in round r + 1 of its bracket.
    pairs = t[keys + ["config_id"]].drop_duplicates()
    up = pairs.assign(round=pairs["round"] - 1)
    adv = pairs.merge(up, on=keys + ["config_id"]).groupby(keys).size()
    agg["n_advanced"] = adv.reindex(agg.index, fill_value=0)
    records = agg.fillna(0).reset_index().to_dict("records")

    by_bracket: dict[int, list[dict]] = {}
    for rec in records:
        by_bracket.setdefault(int(rec["bracket"]), []).append(rec)
    out = []
    for b, recs in by_bracket.items():
        pb = _planned_for(sorted(r["budget"] for r in recs), the_plan)
        rounds = tuple(
            RoundSummary(
                round=int(x["round"]),
                budget=float(x["budget"]),
                n=int(x["n"]),
                n_crashed=int(x["n_crashed"]),
                n_random=int(x["random"]),
                n_bo=int(x["BO"]),
                n_promoted=int(x["promoted"]),
                n_advanced=int(x["n_advanced"]),
                planned_n=pb.n[int(x["round"])] if pb is not None and 0 <= x["round"] < len(pb.n) else None,
            )
            for x in recs
        )
        out.append(BracketSummary(bracket=b, rounds=rounds, planned=pb))
    return tuple(out)


def _fmt_budget(b: float) -> str:
    return str(int(b)) if float(b).is_integer() else f"{b:.3g}"


def _budgets(values) -> str:
    return ", ".join(_fmt_budget(b) for b in values)


def _deviations(t, budgets, the_plan, brackets) -> list[str]:
    """Lazy texts (i18n/lazy.py): English for `inspect` and --strict, the deck's language on slides.
    Counts and ids are passed as text: the English of `inspect` writes them ungrouped."""
    if the_plan is None:
        return [tr_lazy("Only one budget was evaluated: there is no Hyperband ladder to check against.")]
    out = []
    off = [b for b in budgets if not any(close(b, p) for p in the_plan.budgets)]
    if off:
        out.append(tr_lazy("Extended: budgets {budgets} are not on Hyperband's ladder {ladder}.",
                           budgets=_budgets(off), ladder=_budgets(the_plan.budgets)))
    for bs in brackets:
        bracket = str(bs.bracket)
        if bs.bracket < 0:
            out.append(tr_lazy("Bracket {bracket} is a warm start: {n} evaluations at budget(s) {budgets} were loaded "
                               "from an earlier run, outside Hyperband's schedule.", bracket=bracket,
                               n=str(sum(r.n for r in bs.rounds)), budgets=_budgets(r.budget for r in bs.rounds)))
            continue
        pb = bs.planned
        if pb is None:
            out.append(tr_lazy("Bracket {bracket} starts at budget {budget}, which no planned bracket starts at.",
                               bracket=bracket, budget=_fmt_budget(bs.rounds[0].budget)))
            continue
        if len(bs.rounds) < len(pb.n):
            out.append(tr_lazy("Bracket {bracket} is truncated: it ran {ran} of its {planned} rounds (budgets {budgets}).",
                               bracket=bracket, ran=str(len(bs.rounds)), planned=str(len(pb.n)), budgets=_budgets(pb.r)))
        for r in bs.rounds:
            if r.planned_n is not None and r.n != r.planned_n:
                params = dict(bracket=bracket, round=str(r.round), budget=_fmt_budget(r.budget), n=str(r.n),
                              planned=str(r.planned_n))
                if r.n > r.planned_n:
                    out.append(tr_lazy("Bracket {bracket}, round {round} (budget {budget}): {n} evaluations, more than "
                                       "Hyperband's planned {planned} (extended).", **params))
                else:
                    out.append(tr_lazy("Bracket {bracket}, round {round} (budget {budget}): {n} evaluations, fewer than "
                                       "Hyperband's planned {planned} (truncated).", **params))
    return out
