"""The charts of the `compare` step: several runs side by side or overlaid, one colour per run."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from ..analysis.ranking import BestRule, ranked_configs
from ..model import format as fmt
from ..model.run import Run
from ._rows import plain
from ._runs import run_color
from ..i18n import tr

WIDTH = 760
HEIGHT = 300


def _fmt_field(rule: BestRule) -> str:
    return ".1%" if rule.field == "accuracy" else ".3~g"


def _metric_name(rule: BestRule) -> str:
    return tr("accuracy") if rule.field == "accuracy" else tr("loss")


def _axis_title(rule: BestRule) -> str:
    """The metric with the way that is better: 'loss (lower is better)'."""
    return tr("accuracy (higher is better)") if rule.field == "accuracy" else tr("loss (lower is better)")


def _run_tip():
    import altair as alt

    return alt.Tooltip("run:N", title=tr("run"))


# --- best per run ------------------------------------------------------------------------------


def best_frame(runs: Mapping[str, Run], rule: BestRule, k: int) -> pd.DataFrame:
    """The top k configurations of each run (by the one best rule), rank 1 = its incumbent."""
    parts = []
    for name, run in runs.items():
        ranked = ranked_configs(run, rule)
        top = ranked[ranked["budget"] == ranked["budget"].max()].head(k) if len(ranked) else ranked
        parts.append(pd.DataFrame({
            "uid": [f"{name}:{s}" for s in top["sample_id"]], "run": name, "rank": top["rank"].astype(int).to_numpy(),
            "sample_id": top["sample_id"].astype(str).to_numpy(), "budget": top["budget"].to_numpy(dtype=float),
            "value": np.round(top[rule.field].to_numpy(dtype=float), 6),
            "config": [", ".join(f"{hp.name}={fmt.value(plain(r[hp.column]))}" for hp in run.space
                                 if plain(r[hp.column]) is not None) for _, r in top.iterrows()],
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def best_chart(frame: pd.DataFrame, names: list[str], rule: BestRule):
    import altair as alt

    pick = alt.selection_point(name="pick", fields=["run"], bind="legend")
    x = alt.X("value:Q", title=_axis_title(rule), scale=alt.Scale(zero=False),
              axis=alt.Axis(format=_fmt_field(rule)))
    y = alt.Y("run:N", sort=names, title=None, axis=alt.Axis(labelFontSize=13))
    tip = [_run_tip(), alt.Tooltip("rank:Q", title=tr("rank")), alt.Tooltip("sample_id:N", title=tr("sample")),
           alt.Tooltip("value:Q", title=_metric_name(rule), format=_fmt_field(rule)),
           alt.Tooltip("config:N", title=tr("configuration"))]
    opacity = alt.condition(pick, alt.value(0.9), alt.value(0.15))
    others = (alt.Chart(frame[frame["rank"] > 1]).mark_circle(size=90)
              .encode(x=x, y=y, color=run_color(names), opacity=opacity, tooltip=tip).add_params(pick))
    inc = frame[frame["rank"] == 1].assign(label=lambda d: d["value"].map(
        lambda v: fmt.pct(v) if rule.field == "accuracy" else fmt.num(v)))
    star = (alt.Chart(inc).mark_point(shape="diamond", filled=True, size=320, stroke="black", strokeWidth=1)
            .encode(x=x, y=y, color=run_color(names, legend=None), opacity=opacity, tooltip=tip))
    label = alt.Chart(inc).mark_text(dy=-18, fontWeight="bold", fontSize=13).encode(x=x, y=y, text="label:N")
    return alt.layer(others, star, label).properties(
        width=WIDTH, height=max(110, 70 * len(names)),
        title=alt.Title(tr("Best configuration of each run (diamond) and its next best"), anchor="start",
                        fontSize=14))


# --- trajectory ------------------------------------------------------------------------------------


def trajectory_frame(runs: Mapping[str, Run], rule: BestRule) -> pd.DataFrame:
    """Per run, every evaluation at its largest budget against the compute spent so far (the sum
    of the budgets of all evaluations finished by then), with the best value so far."""
    parts = []
    for name, run in runs.items():
        t = run.table.sort_values(["finished", "trial"], kind="stable", na_position="last")
        spent = t["budget"].cumsum()
        top = run.ok["budget"].max() if len(run.ok) else None
        at_max = (t["budget"] == top) & (t["status"] == "ok") & t[rule.field].notna()
        vals = t.loc[at_max, rule.field].astype(float)
        best = vals.cummax() if rule.higher_is_better else vals.cummin()
        parts.append(pd.DataFrame({
            "uid": [f"{name}:{s}" for s in t.loc[at_max, "sample_id"]], "run": name,
            "sample_id": t.loc[at_max, "sample_id"].astype(str).to_numpy(),
            "spent": spent[at_max].to_numpy(dtype=float), "value": np.round(vals.to_numpy(), 6),
            "best": np.round(best.to_numpy(), 6),
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def trajectory_chart(frame: pd.DataFrame, names: list[str], rule: BestRule):
    import altair as alt

    brush = alt.selection_interval(name="brush", encodings=["x"])
    x = alt.X("spent:Q", title=tr("compute spent (sum of budgets so far)"))
    tip = [_run_tip(), alt.Tooltip("sample_id:N", title=tr("sample")),
           alt.Tooltip("spent:Q", title=tr("compute spent"), format=",.0f"),
           alt.Tooltip("value:Q", title=_metric_name(rule), format=_fmt_field(rule)),
           alt.Tooltip("best:Q", title=tr("best so far"), format=_fmt_field(rule))]
    # The best-so-far lines are the story: a few diverged trainings (loss 10 beside 0.1) must not
    # squash them flat, so the y range ends a little past the worst value most dots have.
    y_scale = alt.Scale(zero=False)
    if len(frame):
        lo, hi = float(frame["value"].min()), float(frame["value"].max())
        q = float(frame["value"].quantile(0.1 if rule.higher_is_better else 0.9))
        best_lo, best_hi = float(frame["best"].min()), float(frame["best"].max())
        if rule.higher_is_better:
            lo2 = min(q, best_lo)
            if lo2 > lo:
                pad = 0.05 * (hi - lo2 or 1)
                y_scale = alt.Scale(zero=False, domain=[lo2 - pad, hi + pad], nice=False)
        else:
            hi2 = max(q, best_hi)
            if hi2 < hi:
                pad = 0.05 * (hi2 - lo or 1)
                y_scale = alt.Scale(zero=False, domain=[lo - pad, hi2 + pad], nice=False)
    dots = (alt.Chart(frame).mark_circle(size=28, opacity=0.35, clip=True)
            .encode(x=x, y=alt.Y("value:Q", title=_axis_title(rule),
                                 scale=y_scale, axis=alt.Axis(format=_fmt_field(rule))),
                    color=run_color(names), tooltip=tip).add_params(brush))
    line = (alt.Chart(frame).mark_line(interpolate="step-after", strokeWidth=3)
            .encode(x=x, y=alt.Y("best:Q"), color=run_color(names, legend=None), detail="run:N"))
    return alt.layer(dots, line).properties(
        width=WIDTH, height=HEIGHT,
        title=alt.Title(tr("Best so far against compute spent: each run's incumbent over time (drag to list)"),
                        anchor="start", fontSize=14))


# --- per Hyperband iteration ---------------------------------------------------------------


def iterations_frame(runs: Mapping[str, Run], rule: BestRule) -> pd.DataFrame:
    """Per run and bracket (Hyperband iteration): the best value at the bracket's largest budget."""
    rows = []
    for name, run in runs.items():
        ok = run.ok[run.ok[rule.field].notna()]
        for b, g in ok.groupby("bracket", sort=True):
            last = g[g["budget"] == g["budget"].max()]
            v = last[rule.field].max() if rule.higher_is_better else last[rule.field].min()
            rows.append({"run": name, "bracket": int(b), "budget": float(last["budget"].iloc[0]),
                         "value": round(float(v), 6), "n": int(len(g))})
    return pd.DataFrame(rows)


def iterations_chart(frame: pd.DataFrame, names: list[str], rule: BestRule):
    import altair as alt

    pick = alt.selection_point(name="pick", fields=["run"], bind="legend")
    best_title = (tr("best accuracy of the iteration") if rule.field == "accuracy"
                  else tr("best loss of the iteration"))
    enc = dict(x=alt.X("bracket:O", title=tr("Hyperband iteration (bracket)"), axis=alt.Axis(labelAngle=0)),
               y=alt.Y("value:Q", title=best_title, scale=alt.Scale(zero=False),
                       axis=alt.Axis(format=_fmt_field(rule))),
               color=run_color(names), opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
               tooltip=[_run_tip(), alt.Tooltip("bracket:O", title=tr("iteration")),
                        alt.Tooltip("budget:Q", title=tr("its largest budget")),
                        alt.Tooltip("n:Q", title=tr("evaluations")),
                        alt.Tooltip("value:Q", title=_metric_name(rule), format=_fmt_field(rule))])
    lines = alt.Chart(frame).mark_line(point=True, strokeWidth=2).encode(**enc).add_params(pick)
    title = (tr("Each iteration's best accuracy, per run (higher is better)") if rule.field == "accuracy"
             else tr("Each iteration's best loss, per run (lower is better)"))
    return lines.properties(width=WIDTH, height=HEIGHT, title=alt.Title(title, anchor="start", fontSize=14))


# --- per budget ------------------------------------------------------------------------------------


def budgets_chart(runs: Mapping[str, Run], names: list[str], rule: BestRule):
    from ._metric import ACCURACY, LOSS
    from .budgets import box_stats, strip_box

    metric = ACCURACY if rule.field == "accuracy" else LOSS
    parts = []
    for i, (name, run) in enumerate(runs.items()):
        ok = run.ok[run.ok[rule.field].notna()]
        parts.append(pd.DataFrame({"run": name, "budget_label": ok["budget"].map(fmt.budget).to_numpy(),
                                   "budget": ok["budget"].to_numpy(dtype=float),
                                   rule.field: ok[rule.field].to_numpy(dtype=float), "i": i}))
    data = pd.concat(parts, ignore_index=True)
    order = [fmt.budget(b) for b in sorted(data["budget"].unique())]
    stats = box_stats(data, ["run", "budget_label"], rule.field)
    stats["offset"] = stats["run"].map({n: i + 0.5 for i, n in enumerate(names)})
    import altair as alt

    chart = strip_box(None, stats, x="budget_label", x_order=order, x_title=tr("budget"), metric=metric,
                      color=run_color(names), width=WIDTH, height=HEIGHT,
                      tooltip_extra=(_run_tip(),))
    title = (tr("Accuracy per budget, runs side by side") if rule.field == "accuracy"
             else tr("Loss per budget, runs side by side"))
    return chart.properties(title=alt.Title(title, anchor="start", fontSize=14)), stats
