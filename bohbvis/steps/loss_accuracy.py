"""View B: loss against accuracy of every evaluation; a brush shows which sample types it holds.

Left, one dot per evaluation, colored by sample type (or budget, or bracket). Dragging a box on
it (the interval param `brush`) filters the bar chart on the right, in the same Vega-Lite spec:
the share of random / BO / promoted among the brushed dots (in %, with counts; ticks mark the
shares among all dots), and the linked table lists the brushed evaluations. The brush is carried
to later slides. Runs without accuracy show loss against budget instead, and say so.

Numbers (`{{ loss_accuracy.<name> }}`):
  mode              "loss_accuracy" or "loss_budget" (the run has no accuracy)
  n, n_shown, n_crashed   evaluations with a loss, dots drawn (≤ 5,000), crashed ones left out
  share_random, share_bo, share_promoted   sample-type shares among all evaluations with a loss
  top_n             the best 10% of evaluations by the metric (at least 1)
  top_share_random, top_share_bo, top_share_promoted   sample-type shares among those
  rho               Spearman ρ between loss and accuracy (None for loss-only runs)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..i18n import tr
from ..model import format as fmt
from ..options import Choice
from ._base import Chart, Link, Slide, Table, UserText
from ._spec import opacity_condition, vega_lite
from ._metric import Metric, metric_for
from ._rows import base_columns, crashed_note, number, table_rows
from ._sample_types import SAMPLE_TYPE_ORDER, sample_type_color
from ._units import signed
from ._sampling import MAX_POINTS, SAMPLE_SEED, sample_points

KIND = "loss_accuracy"
DESCRIPTION = "View B: loss vs accuracy of every evaluation; brush to see the sample types and list them."
OPTIONS = {
    "color": Choice(doc="What colors the dots: the sample type, the budget, or the bracket.",
                    default="sample_type", choices=("sample_type", "budget", "bracket")),
    "loss_axis": Choice(doc="The loss axis: log, linear, or auto (log when a few huge losses would squash "
                        "the rest, i.e. the largest is over 20 times the smallest).",
                        default="auto", choices=("auto", "linear", "log")),
}

PARAM = "brush"
SCATTER_WIDTH, BAR_WIDTH, HEIGHT = 560, 260, 300
TOP_FRACTION = 0.10


def shares(types: pd.Series) -> dict[str, float]:
    """Share of each sample type (all three keys, 0 when absent)."""
    n = len(types)
    counts = types.value_counts()
    return {t: (int(counts.get(t, 0)) / n if n else 0.0) for t in SAMPLE_TYPE_ORDER}


def _scale(axis: str, values: pd.Series):
    """The loss scale and a sentence for the notes. A log axis needs positive losses; otherwise
    symlog keeps zero and negative losses drawable."""
    import altair as alt

    v = values.dropna()
    positive = bool(len(v)) and float(v.min()) > 0
    if axis == "auto":
        axis = "log" if positive and float(v.max()) / float(v.min()) > 20 else "linear"
        if axis == "log":
            return alt.Scale(type="log", nice=False), tr("The loss axis is logarithmic: the losses span more than a "
                                                         "factor of 20.")
    if axis == "linear":
        return alt.Scale(zero=False), ""
    if positive:
        return alt.Scale(type="log", nice=False), ""
    return alt.Scale(type="symlog"), tr("Some losses are zero or negative, so the loss axis is symlog, not log.")


def _budget_jitter(points: pd.DataFrame, eta: float | None) -> np.ndarray:
    """Budgets spread a little sideways on the log axis (a fixed-seed factor, a quarter step of
    the budget ladder at most), so the dots at one budget do not hide each other."""
    rng = np.random.default_rng(SAMPLE_SEED)
    step = math.log10(eta) if eta and eta > 1 else 0.3
    factor = 10 ** ((rng.random(len(points)) - 0.5) * 0.25 * step)
    return np.round(points["budget"].to_numpy(dtype=float) * factor, 6)


def build(run, options) -> Slide:
    import altair as alt

    idx = options.index
    color_by = options.get("color", "sample_type")
    loss_axis = options.get("loss_axis", "auto")
    metric = metric_for(run, "auto")
    has_acc = run.has_accuracy
    ok = run.ok[run.ok["loss"].notna()]
    keep = [] if run.best is None else [run.best["sample_id"]]
    sampled = sample_points(ok, MAX_POINTS, keep=keep)
    cols = ["sample_id", "bracket", "round", "budget", "sample_type", "loss"] + (["accuracy"] if has_acc else [])
    pts = sampled.frame[cols].copy()
    pts["loss"] = pts["loss"].round(6)
    pts["budget_label"] = pts["budget"].map(fmt.budget)
    loss_scale, scale_note = _scale(loss_axis, pts["loss"])

    tips = [alt.Tooltip("sample_id:N", title=tr("sample")), alt.Tooltip("sample_type:N", title=tr("sample type")),
            alt.Tooltip("bracket:O", title=tr("bracket")), alt.Tooltip("round:O", title=tr("round")),
            alt.Tooltip("budget_label:N", title=tr("budget")), alt.Tooltip("loss:Q", title=tr("loss"), format=".4~g")]
    if has_acc:
        pts["accuracy"] = pts["accuracy"].round(6)
        x = alt.X("loss:Q", title=tr("loss"), scale=loss_scale)
        y = alt.Y("accuracy:Q", title=tr("accuracy"), scale=alt.Scale(zero=False), axis=alt.Axis(format=".0%"))
        tips.append(alt.Tooltip("accuracy:Q", title=tr("accuracy"), format=".2%"))
        brush_fields = ("loss", "accuracy")
    else:
        pts["budget_x"] = _budget_jitter(pts, run.eta)
        x = alt.X("budget_x:Q", title=tr("budget (dots spread a little sideways)"),
                  scale=alt.Scale(type="log", nice=False, padding=14),
                  axis=alt.Axis(values=[number(b) for b in run.budgets], format="~g"))
        y = alt.Y("loss:Q", title=tr("loss (lower is better)"), scale=loss_scale)
        brush_fields = ("budget_x", "loss")
    pts = pts.drop(columns=["budget"])

    brush = alt.selection_interval(name=PARAM, encodings=["x", "y"])
    if color_by == "sample_type":
        # The bars beside the dots name the sample types in the same colors: no legend needed.
        color = sample_type_color(legend=None)
    elif color_by == "budget":
        color = alt.Color("budget_label:O", title=tr("budget"), sort=[fmt.budget(b) for b in run.budgets])
    else:
        color = alt.Color("bracket:O", title=tr("bracket"), legend=alt.Legend(columns=2))
    scatter = alt.Chart(pts).mark_circle(size=36).encode(
        x=x, y=y, color=color, tooltip=tips,
        opacity=opacity_condition(brush, 0.8, 0.12),
    ).add_params(brush).properties(width=SCATTER_WIDTH, height=HEIGHT)

    overall = shares(pts["sample_type"])
    # One constructor call: .resolve_scale() on the concat would copy both charts again.
    spec = vega_lite(alt.HConcatChart(hconcat=[scatter, _share_bars(pts, overall, brush)], spacing=30,
                                      resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))))

    # Numbers: over all evaluations with a loss (not the drawn sample).
    all_shares = shares(ok["sample_type"])
    scored = ok[ok[metric.field].notna()]
    top_n = max(1, math.ceil(TOP_FRACTION * len(scored))) if len(scored) else 0
    top = metric.best_first(scored).head(top_n)
    top_shares = shares(top["sample_type"])
    rho = None
    if has_acc:
        both = ok[ok["accuracy"].notna()]
        if len(both) >= 3 and both["loss"].nunique() > 1 and both["accuracy"].nunique() > 1:
            rho = float(both["loss"].rank().corr(both["accuracy"].rank()))
    numbers = {
        "mode": "loss_accuracy" if has_acc else "loss_budget",
        "n": int(len(ok)), "n_shown": int(len(pts)), "n_crashed": int(run.n_crashed),
        "share_random": all_shares["random"], "share_bo": all_shares["BO"], "share_promoted": all_shares["promoted"],
        "top_n": int(top_n),
        "top_share_random": top_shares["random"], "top_share_bo": top_shares["BO"],
        "top_share_promoted": top_shares["promoted"],
        "rho": rho,
    }

    chart_id = f"s{idx}-loss-accuracy"
    caption = " ".join(s for s in (
        _summary(numbers, metric), tr("Bars: sample types in the brush (all when none); ticks: among all dots."),
        sampled.note, crashed_note(run)) if s)
    chart = Chart(id=chart_id, spec=spec, links=(Link(param=PARAM, key="sample_id", carry=True),),
                  caption=caption,
                  state=tr("No brush drawn: the bars show the sample types of all {n} dots.", n=len(pts)),
                  description=_description(ok, metric, has_acc, numbers))
    columns = base_columns(run, metric)
    table = Table(id=f"{chart_id}-table", columns=columns,
                  rows=table_rows(sampled.frame.assign(**{f: pts[f] for f in brush_fields}), columns,
                                  extra=brush_fields),
                  follows=(chart_id,), sort=metric.sort, caption=sampled.note, static_rows=6,
                  empty_text=tr("Drag a box on the scatter to list those evaluations here."),
                  collapsed=True)  # the scatter gets the slide; "Show the table" lists the brushed rows
    # The title names the two largest shares (one line at 1280×720); the caption has all three.
    mix = tr(", ").join(_share_of(t, top_shares[t]) for t in sorted(SAMPLE_TYPE_ORDER, key=lambda t: -top_shares[t])[:2])
    # "Top" here is evaluations by the metric, not the deck's ranking of configurations: the title
    # says so instead of calling them the best.
    title = options.title or (tr("Top {share} by {metric}: {mix}", share=fmt.pct(TOP_FRACTION, 0), metric=metric.name,
                                 mix=mix) if top_n
                              else tr("Loss and accuracy of every evaluation"))
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart, table),
                 notes=" ".join(s for s in (_notes(numbers), scale_note) if s), numbers={KIND: numbers})


def _description(ok: pd.DataFrame, metric: Metric, has_acc: bool, n: dict) -> str:
    if not len(ok):
        return tr("An empty scatter: no evaluation returned a loss.")
    p = dict(n=n["n"], low=fmt.num(ok["loss"].min()), high=fmt.num(ok["loss"].max()), bo=fmt.pct(n["share_bo"], 0),
             random=fmt.pct(n["share_random"], 0), promoted=fmt.pct(n["share_promoted"], 0))
    if has_acc and ok["accuracy"].notna().any():
        return tr("Scatter of {n} evaluations, loss from {low} to {high} against accuracy from {acc_low} to {acc_high}; "
                  "bars: sample types in the brush, now {bo} BO, {random} random, {promoted} promoted.",
                  acc_low=fmt.pct(ok["accuracy"].min()), acc_high=fmt.pct(ok["accuracy"].max()), **p)
    return tr("Scatter of {n} evaluations, loss from {low} to {high} by budget; bars: sample types in the brush, now "
              "{bo} BO, {random} random, {promoted} promoted.", **p)


def _share_bars(pts: pd.DataFrame, overall: dict[str, float], brush):
    import altair as alt

    y = alt.Y("sample_type:N", sort=list(SAMPLE_TYPE_ORDER), scale=alt.Scale(domain=list(SAMPLE_TYPE_ORDER)),
              title=None)
    x_scale = alt.Scale(domain=[0, 1])
    bars = alt.Chart(pts).transform_filter(brush).transform_aggregate(
        count="count()", groupby=["sample_type"]
    ).transform_joinaggregate(total="sum(count)").transform_calculate(
        share="datum.count / datum.total",
        label="format(datum.count / datum.total, '.0%') + ' (' + datum.count + ')'",
    ).encode(y=y)
    bar = bars.mark_bar().encode(
        x=alt.X("share:Q", title=tr("share of the brushed dots"), scale=x_scale, axis=alt.Axis(format=".0%")),
        color=sample_type_color(legend=None),
        tooltip=[alt.Tooltip("sample_type:N", title=tr("sample type")), alt.Tooltip("count:Q", title=tr("brushed dots")),
                 alt.Tooltip("share:Q", title=tr("share"), format=".1%")])
    text = bars.mark_text(align="left", dx=4, fontSize=12).encode(x=alt.X("share:Q"), text=alt.Text("label:N"))
    ticks = alt.Chart(pd.DataFrame(
        [{"sample_type": t, "share_all": round(overall[t], 4)} for t in SAMPLE_TYPE_ORDER]
    )).mark_tick(thickness=2, size=30, opacity=0.8).encode(
        y=y, x=alt.X("share_all:Q"),
        tooltip=[alt.Tooltip("sample_type:N", title=tr("sample type")),
                 alt.Tooltip("share_all:Q", title=tr("share among all dots"), format=".1%")])
    # One constructor call: .properties() on a layer would copy every layer again.
    return alt.LayerChart(
        layer=[bar, ticks, text], width=BAR_WIDTH, height=HEIGHT * 0.6,
        title=alt.Title(tr("Sample types in the brush"), anchor="start", fontSize=14))


def _share_of(sample_type: str, share: float) -> str:
    """'62% promoted': a list item naming a sample type and its share."""
    v = fmt.pct(share, 0)
    if sample_type == "BO":
        return tr("{share} BO", share=v)
    if sample_type == "promoted":
        return tr("{share} promoted", share=v)
    return tr("{share} random", share=v)


def _mix(n: dict, prefix: str) -> str:
    return tr(", ").join(_share_of(t, n[prefix + k]) for k, t in (("bo", "BO"), ("promoted", "promoted"),
                                                                  ("random", "random")))


def _summary(n: dict, metric) -> str:
    """The slide's computed sentence (inline Markdown for the chart caption; fixed words only)."""
    if not n["top_n"]:
        return tr("No evaluation has an accuracy.") if metric.field == "accuracy" else tr("No evaluation has a loss.")
    text = tr("Top {share} of evaluations by {metric} ({n}): **{top}**; all {total}: {mix}.",
              share=fmt.pct(TOP_FRACTION, 0), metric=metric.name, n=n["top_n"], top=_mix(n, "top_share_"),
              total=n["n"], mix=_mix(n, "share_"))
    if n["mode"] == "loss_budget":
        text += " " + tr("This run records no accuracy, so the dots show loss against budget.")
    return text


def _notes(n: dict) -> str:
    if n["mode"] != "loss_accuracy":
        lead = tr("This run records no accuracy, so each evaluation's loss is drawn against its budget instead.")
    elif n["rho"] is not None:
        lead = tr("Each dot is one evaluation; lower loss usually means higher accuracy (here Spearman's ρ = {rho}).",
                  rho=signed(n["rho"]))
    else:
        lead = tr("Each dot is one evaluation; lower loss usually means higher accuracy.")
    return lead + " " + tr(
        "Drag a box over a region: the bars show which sample types are inside, the table lists them, and later "
        "slides can highlight them. *Promoted* dots are re-runs, on a larger budget, of configurations first picked "
        "at random or by BO; a larger budget usually scores better, so promoted dots crowd the best region ({share} "
        "of the top 10% here).", share=fmt.pct(n["top_share_promoted"], 0))
