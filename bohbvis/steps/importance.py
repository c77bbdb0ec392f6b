"""Which hyperparameters matter: fANOVA importance per budget, with its spread over surrogate seeds,
and the marginal curves of the two most important hyperparameters.

Left: each hyperparameter's importance — the share of the metric's variance its marginal explains
alone (functional ANOVA on random-forest surrogates, analysis/importance.py) — one dot per budget
with enough evaluations, a bar from mean − sd to mean + sd over SEEDS forest seeds. Right: the
surrogate's marginal prediction across the top two hyperparameters at the reference budget (the
largest budget with enough evaluations), mean ± sd over all trees. The caption states the surrogate
and the data it was fitted on; hyperparameters left out (conditional, constant) are named.

Numbers (`{{ importance.<name> }}`):
  metric              "accuracy" or "loss"
  reference_budget    the budget the ranking and curves use (None when no budget had enough data)
  top, top_share, top_sd   the most important hyperparameter there, its importance and sd over seeds
  second, second_share     the runner-up
  interactions        1 − the sum of the main effects at the reference budget (interactions' share)
  n_fit               evaluations the reference budget's forests were fitted on
  budgets             [{budget, n, n_fit, importances: {name: {mean, sd}}, left_out: {name: why}}]
  skipped_budgets     budgets with fewer than MIN_ROWS evaluations (no surrogate)
  surrogate           one sentence: the model, its settings and seeds
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..analysis.importance import MAX_FIT, MIN_ROWS, N_TREES, SEEDS, budget_importance, marginal_curve
from ..i18n import tr
from ..model import format as fmt
from ..model.run import Run
from ..options import Choice, StepOptions
from ._base import Chart, Column, Slide, Table, UserText
from ._heavy import heavy_numbers
from ._spec import vega_lite
from ._metric import metric_for, metric_option
from ._rows import number, records

KIND = "importance"
DESCRIPTION = "Hyperparameter importance: fANOVA on random-forest surrogates per budget, spread over seeds, top marginals."
OPTIONS = {
    "metric": metric_option(),
    "budgets": Choice(doc="Which budgets get a surrogate: every budget with at least 15 evaluations, or only "
                      "the largest such budget (faster on big runs).", default="all", choices=("all", "largest")),
}

DOTS_WIDTH, CURVE_WIDTH, HEIGHT = 520, 340, 300


def surrogate_text(metric_name: str) -> str:
    """What the surrogate is, for the caption and `importance.surrogate`."""
    return tr("a scikit-learn random forest ({trees} trees, max depth 64, min 1 sample per leaf) per budget and seed "
              "({seeds} seeds), from the hyperparameters (log10 where the space is log; choices one-hot) to the "
              "{metric}", trees=N_TREES, seeds=len(SEEDS), metric=metric_name)


def _reason(why: str) -> str:
    """Why analysis/importance.py left a hyperparameter out, in the deck's language."""
    if why == "absent in some evaluations (conditional)":
        return tr("absent in some evaluations (conditional)")
    if why == "one value only":
        return tr("one value only")
    return why


HEAVY_IMPORTS = ("sklearn",)  # the forests (bohbvis/steps/_heavy.py)


def numbers_cost(options: StepOptions) -> float:
    """Roughly how long analyze takes, in seconds on the demo run (the parallel build's order)."""
    return 0.15 if options.get("budgets", "all") == "largest" else 0.6


def _budgets(run: Run, options: StepOptions):
    """The metric, the budgets that get a surrogate and those with too few evaluations."""
    metric = metric_for(run, options.get("metric", "auto"))
    ok = run.ok[run.ok[metric.field].notna()]
    counts = ok.groupby("budget").size()
    enough = [b for b in run.budgets if counts.get(b, 0) >= MIN_ROWS]
    skipped = [b for b in run.budgets if counts.get(b, 0) < MIN_ROWS]
    if options.get("budgets", "all") == "largest":
        enough = enough[-1:]
    return metric, enough, skipped


def analyze(run: Run, options: StepOptions) -> list:
    """The heavy numbers: each budget's fANOVA importances (BudgetImportance), lowest budget first."""
    metric, enough, _skipped = _budgets(run, options)
    return _importances(run, metric.field, enough)


def _importances(run: Run, field: str, budgets: list) -> list:
    results = [r for r in (budget_importance(run, field, b) for b in budgets) if r is not None]
    # Only the reference (largest) budget's forests draw curves: the others' need not travel.
    return [dataclasses.replace(r, forests=[]) for r in results[:-1]] + results[-1:]


def build(run: Run, options: StepOptions) -> Slide:
    import altair as alt

    metric, enough, skipped = _budgets(run, options)
    f = metric.field
    results = heavy_numbers(options, lambda: _importances(run, f, enough))
    surrogate = surrogate_text(metric.name)
    chart_id = f"s{options.index}-importance"
    if not results:
        text = tr("No budget has {min} or more evaluations with a {metric} and a varying hyperparameter, too few "
                  "to fit a surrogate on.", min=MIN_ROWS, metric=metric.name)
        return Slide(kind=KIND, title=options.title or tr("Too few evaluations for an importance analysis"),
                     blocks=(UserText(),), notes=text,
                     numbers={KIND: {"metric": f, "reference_budget": None, "n_fit": 0, "top": None,
                                     "top_share": None, "top_sd": None, "second": None, "second_share": None,
                                     "interactions": None, "budgets": [],
                                     "skipped_budgets": [number(b) for b in skipped], "surrogate": surrogate}})
    ref = results[-1]
    order = np.argsort(-ref.mean, kind="stable")
    top = [ref.names[i] for i in order]
    n = {
        "metric": f, "reference_budget": number(ref.budget), "n_fit": ref.n_fit,
        "top": top[0], "top_share": float(ref.mean[order[0]]), "top_sd": float(ref.std[order[0]]),
        "second": top[1] if len(top) > 1 else None,
        "second_share": float(ref.mean[order[1]]) if len(top) > 1 else None,
        "interactions": float(max(0.0, 1 - ref.mean.sum())),
        "budgets": [{"budget": number(r.budget), "n": r.n, "n_fit": r.n_fit,
                     "importances": {name: {"mean": float(m), "sd": float(s)}
                                     for name, m, s in zip(r.names, r.mean, r.std)},
                     "left_out": dict(r.left_out)} for r in results],
        "skipped_budgets": [number(b) for b in skipped],
        "surrogate": surrogate,
    }

    rows = pd.DataFrame([{"hp": name, "budget": fmt.budget(r.budget), "mean": round(float(m), 6),
                          "lo": round(float(max(m - s, 0)), 6), "hi": round(float(m + s), 6), "sd": round(float(s), 6)}
                         for r in results for name, m, s in zip(r.names, r.mean, r.std)])
    budget_order = [fmt.budget(r.budget) for r in results]
    y = alt.Y("hp:N", title=None, sort=top + sorted(set(rows["hp"]) - set(top)),
              axis=alt.Axis(labelFontSize=13, labelLimit=160))
    color = alt.Color("budget:O", title=tr("budget"), sort=budget_order, scale=alt.Scale(scheme="viridis"),
                      legend=alt.Legend(orient="right"))
    offset = alt.YOffset("budget:O", sort=budget_order)
    x = alt.X("mean:Q", title=tr("fANOVA importance (mean ± sd over {n} seeds)", n=len(SEEDS)),
              axis=alt.Axis(format=".0%"), scale=alt.Scale(domain=[0, float(max(rows["hi"].max(), 0.05))], nice=True))
    tips = [alt.Tooltip("hp:N", title=tr("hyperparameter")), alt.Tooltip("budget:O", title=tr("budget")),
            alt.Tooltip("mean:Q", title=tr("importance"), format=".1%"),
            alt.Tooltip("sd:Q", title=tr("sd over seeds"), format=".1%")]
    whisk = alt.Chart(rows).mark_rule(strokeWidth=2).encode(y=y, yOffset=offset, x=x, x2=alt.X2("hi:Q"), color=color)
    whisk_lo = alt.Chart(rows).mark_rule(strokeWidth=2).encode(y=y, yOffset=offset, x=alt.X("lo:Q"), x2=alt.X2("mean:Q"),
                                                               color=color)
    dots = alt.Chart(rows).mark_circle(size=70, opacity=1).encode(y=y, yOffset=offset, x=x, color=color, tooltip=tips)
    # Composite charts built in one constructor call each: every fluent call on one (.properties,
    # .resolve_scale) deep-copies it, and copying a layer re-runs its whole construction.
    left = alt.LayerChart(layer=[whisk_lo, whisk, dots], width=DOTS_WIDTH, height=HEIGHT)
    curves = [_curve(ref, name, metric) for name in top[:2]]
    right = alt.VConcatChart(vconcat=curves, spacing=18) if len(curves) > 1 else curves[0]
    spec = vega_lite(alt.HConcatChart(hconcat=[left, right], spacing=40,
                                      resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))))

    left_out = sorted({tr("{name}: {reason}", name=k, reason=_reason(v)) for r in results for k, v in r.left_out.items()})
    fits = tr(", ").join(tr("{n} at budget {budget}", n=r.n_fit, budget=fmt.budget(r.budget)) for r in results)
    caption = " ".join(s for s in (
        _share_sentence(n, ref, metric.name),
        (tr("Surrogate: {surrogate}; fitted on each budget's evaluations (at most {max}, a fixed-seed sample beyond): "
            "{fits}.", surrogate=surrogate, max=MAX_FIT, fits=fits) if any(r.n_fit < r.n for r in results)
         else tr("Surrogate: {surrogate}; fitted on each budget's evaluations: {fits}.", surrogate=surrogate, fits=fits)),
        tr("Left out: {items}.", items=tr("; ").join(left_out)) if left_out else "",
        tr("Budgets with under {min} evaluations have no surrogate: {budgets}.", min=MIN_ROWS,
           budgets=tr(", ").join(fmt.budget(b) for b in skipped)) if skipped else "",
    ) if s)
    chart = Chart(id=chart_id, spec=spec, caption=caption)
    title = options.title or tr("{name} explains {share} of the {metric}'s variance", name=top[0],
                                share=fmt.pct(n["top_share"], 0), metric=metric.name)
    notes = tr("fANOVA splits the surrogate's variance over the space into what each hyperparameter explains on its "
               "own; the rest comes from interactions. The spread over seeds shows how much the answer depends on "
               "the random forest. Right: the predicted metric across the top hyperparameters, the others averaged "
               "out.")
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart), notes=notes, numbers={KIND: n})


def _share_sentence(n: dict, ref, metric_name: str) -> str:
    """The caption's first sentence: the top hyperparameter's share (and the runner-up's), interactions."""
    params = dict(budget=fmt.budget(ref.budget), name=n["top"], share=fmt.pct(n["top_share"], 0), metric=metric_name,
                  sd=fmt.pct(n["top_sd"], 0), interactions=fmt.pct(n["interactions"], 0))
    if n["second"]:
        return tr("At budget {budget}, {name} explains {share} of the variance of the {metric} alone (± {sd} over "
                  "seeds), {second} {second_share}; interactions {interactions}.", second=n["second"],
                  second_share=fmt.pct(n["second_share"], 0), **params)
    return tr("At budget {budget}, {name} explains {share} of the variance of the {metric} alone (± {sd} over seeds); "
              "interactions {interactions}.", **params)


def _curve(ref, name: str, metric):
    import altair as alt

    c = marginal_curve(ref, name)
    k = ref.names.index(name)
    kind = ref.encoded.kinds[k]
    c["lo"], c["hi"] = (c["mean"] - c["std"]).round(6), (c["mean"] + c["std"]).round(6)
    c["mean"], c["std"] = c["mean"].round(6), c["std"].round(6)
    y = alt.Y("mean:Q", title=tr("predicted"), scale=alt.Scale(zero=False),
              axis=alt.Axis(format=metric.d3_format, tickCount=3))
    x_title = tr("{name} (the others averaged out)", name=name)
    if kind in ("onehot", "ordinal"):
        x = alt.X("x:N", title=x_title, sort=list(c["x"]), axis=alt.Axis(labelAngle=0, labelLimit=80))
        band = alt.Chart(c).mark_rule(strokeWidth=2, color="#5b8def").encode(x=x, y=alt.Y("lo:Q"), y2=alt.Y2("hi:Q"))
        line = alt.Chart(c).mark_circle(size=70, color="#1a4fb5").encode(x=x, y=y)
    else:
        c["x"] = [float(f"{v:.6g}") for v in c["x"]]
        x = alt.X("x:Q", title=x_title, scale=alt.Scale(type="log" if kind == "log" else "linear", nice=False),
                  axis=alt.Axis(format="~g", tickCount=4))
        band = alt.Chart(c).mark_area(opacity=0.25, color="#5b8def").encode(x=x, y=alt.Y("lo:Q"), y2=alt.Y2("hi:Q"))
        line = alt.Chart(c).mark_line(color="#1a4fb5", strokeWidth=2).encode(x=x, y=y)
    return alt.LayerChart(layer=[band, line], width=CURVE_WIDTH, height=(HEIGHT - 60) // 2)


def _table(chart_id: str, results, top: list[str]) -> Table:
    rows = []
    for name in top:
        row = {"hp": name}
        for r in results:
            if name in r.names:
                k = r.names.index(name)
                row[f"b{fmt.budget(r.budget)}"] = float(r.mean[k])
        rows.append(row)
    cols = (Column("hp", tr("hyperparameter")),) + tuple(
        Column(f"b{fmt.budget(r.budget)}", tr("budget {budget}", budget=fmt.budget(r.budget)), "pct") for r in results)
    return Table(id=f"{chart_id}-table", columns=cols, rows=records(pd.DataFrame(rows), [c.key for c in cols], digits=6),
                 key="hp", static_rows=3, filterable=False,
                 caption=tr("Importance per budget (share of the variance explained alone), most important first."))
