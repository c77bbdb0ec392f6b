"""The best configurations: the incumbent in context, its values on the space's ranges, the top k.

Left: every evaluation's metric by budget (the incumbent starred and labelled, the other top-k
ringed). Right: for each hyperparameter, where the incumbent's value sits in its range (log
scale where the space says log; for choices, which one), the other top-k as lighter dots; one
row of at least ROW_HEIGHT px per hyperparameter at the design size, so labels never overlap.
Below: the top-k table. Top-k = the first k of bohbvis.analysis.ranking (the deck's one
definition of best: hpbandster's incumbent rule, lowest loss at the largest budget, unless the
story says `best_by: accuracy`), so the table's first row is always the incumbent.

Numbers (`best.<name>`): metric, k, n_top (≤ k), max_budget, n_at_max_budget, incumbent
{sample_id, config_id, bracket, round, budget, loss, accuracy, sample_type, origin, value,
config: {name: value}}, top (list of {rank, sample_id, config_id, value, origin}),
top_origin_counts ({random, BO, unknown}), top_bo_share (0..1), incumbent_is_top (the
incumbent ranks first by the metric too), n_crashed, next_ranges (per hyperparameter: the range or
the choices the top k used — {name, type, lower, upper, log, choices, share_of_range}) and
next_space (the same as one sentence, for "what to change in the next run").
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..model import format as fmt
from ..model.run import Run
from ..model.space import Hyperparameter
from ..analysis.ranking import BestRule, ranked_configs, rule_for
from ..options import Int, StepOptions
from ._base import Chart, Column, Html, Slide, Table, UserText
from ._spec import vega_lite
from ._metric import Metric, metric_for, metric_option, metric_scale
from ._rows import crashed_note, hp_format, number, plain, table_rows
from ._sample_types import origins, sample_type_color
from ._sampling import MAX_POINTS, sample_points
from ._html import esc
from ._units import best_by_option, budget_text, budget_unit_option
from ..i18n import tr

if TYPE_CHECKING:  # altair is imported when a chart is drawn: loading a story stays light
    import altair as alt

KIND = "best"
DESCRIPTION = "The best configurations: top-k at the largest budget, the incumbent in context and on the space's ranges."
OPTIONS = {
    "k": Int(doc="How many of the best evaluations at the largest budget to show.", default=5, min=1, max=50),
    "metric": metric_option(),
    "best_by": best_by_option(),
    "budget_unit": budget_unit_option(),
}

SCATTER_WIDTH = 340
RANGES_WIDTH = 440
# Both plots are drawn a little taller than the room under the title with the top-5 table below:
# the deck shrinks a chart to its box but never enlarges it.
PLOT_HEIGHT = 230
ROW_HEIGHT = 32  # per hyperparameter in the ranges chart: a label, a track and choice names above it
RANGES_EXTRA = 40  # the ranges chart has no x axis: it may use the height of the scatter's
RANGES_DOMAIN = [-0.3, 1.75]  # x of the ranges chart: lower-end labels, the 0..1 track, upper ends, values
VALUE_COLUMN = 1.42  # where the incumbent's values are written


def top_k(run: Run, rule: BestRule, k: int) -> pd.DataFrame:
    """The first k configurations of the deck's ranking (rank 1 = the incumbent), with origin."""
    top = ranked_configs(run, rule).head(k).copy()
    top["origin"] = top["config_id"].map(origins(run)).fillna("unknown") if len(top) else pd.Series(dtype="object")
    return top


# --- where a value sits in its range --------------------------------------------------------


def position(hp: Hyperparameter, value) -> float | None:
    """0..1 along the hyperparameter's range (log where log), or the centre of its choice's slot."""
    value = plain(value)
    if value is None:
        return None
    if hp.is_numeric:
        lo, hi = hp.lower, hp.upper
        if lo is None or hi is None or hi == lo:
            return 0.5
        v = float(value)
        if hp.log and lo > 0 and v > 0:
            p = (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))
        else:
            p = (v - lo) / (hi - lo)
        return round(min(max(p, 0.0), 1.0), 6)
    choices = [str(c) for c in (hp.choices or ())]
    if str(value) not in choices:
        return None
    return round((choices.index(str(value)) + 0.5) / len(choices), 6)


def _range_frames(run: Run, top: pd.DataFrame, incumbent_id: str | None):
    names = [hp.name for hp in run.space]
    dots, ends, ticks, inactive = [], [], [], []
    # Rows as dicts, never itertuples(): a user's name ("classifier:max_depth") is no identifier.
    # Converted once, not once per hyperparameter.
    rows = top.to_dict("records")
    for hp in run.space:
        for row in rows:
            v = row[hp.column]
            p = position(hp, v)
            if p is None:
                if row["sample_id"] == incumbent_id:  # a conditional hyperparameter it does not use
                    inactive.append({"hp": hp.name, "value": tr("– (inactive)")})
                continue
            dots.append({"hp": hp.name, "pos": p, "value": fmt.value(plain(v)), "sample_id": row["sample_id"],
                         "rank": number(row["rank"]), "incumbent": row["sample_id"] == incumbent_id})
        if hp.is_numeric:
            upper = tr("{value} (log)", value=_short(hp.upper)) if hp.log else _short(hp.upper)
            ends.append({"hp": hp.name, "pos": 0.0, "text": _short(hp.lower), "align": "right"})
            ends.append({"hp": hp.name, "pos": 1.0, "text": upper, "align": "left"})
        else:
            choices = list(hp.choices or ())
            for i, c in enumerate(choices):
                ticks.append({"hp": hp.name, "pos": round((i + 0.5) / len(choices), 6), "text": fmt.value(c)})
    return names, pd.DataFrame(dots), pd.DataFrame(ends), pd.DataFrame(ticks), pd.DataFrame(inactive)


def _short(x) -> str:
    if x is None:
        return "?"
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e6 else f"{x:.3g}"


def _ranges_chart(run: Run, top: pd.DataFrame, incumbent_id: str | None) -> alt.LayerChart:
    import altair as alt

    names, dots, ends, ticks, inactive = _range_frames(run, top, incumbent_id)
    height = int(min(PLOT_HEIGHT + RANGES_EXTRA, max(90, ROW_HEIGHT * len(names))))
    # The track is 0..1; left of it the lower end, right of it the upper end ("0.0904 (log)")
    # and then the incumbent's value, each with room enough not to run into the next.
    # Channels as typed objects, never "field:type" strings: Altair turns a string into its
    # channel class through from_dict, which rebuilds a table of every schema class each time.
    x = alt.X("pos:Q", scale=alt.Scale(domain=RANGES_DOMAIN, nice=False), axis=None)
    text = alt.Text("text:N")
    y = alt.Y("hp:N", sort=names, title=None,
              axis=alt.Axis(ticks=False, domain=False, labelFontSize=13, labelPadding=8))
    track = (
        alt.Chart(pd.DataFrame({"hp": names, "pos": 0.0, "pos2": 1.0}))
        .mark_rule(strokeWidth=3, opacity=0.25)
        .encode(x=x, x2=alt.X2("pos2:Q"), y=y)
    )
    layers = [track]
    if len(ends):
        for align in ("left", "right"):
            part = ends[ends["align"] == align]
            layers.append(
                alt.Chart(part).mark_text(align=align, dx=5 if align == "left" else -5, fontSize=12, fillOpacity=0.7)
                .encode(x=x, y=y, text=text)
            )
    if len(ticks):
        # Choice names above the track while rows have room (≥ 27 px at the design size); with
        # more rows only tick marks (the incumbent's own choice is written on the right anyway).
        if len(names) <= (PLOT_HEIGHT + RANGES_EXTRA) // 27:
            layers.append(
                alt.Chart(ticks).mark_text(baseline="bottom", dy=-5, fontSize=12, fillOpacity=0.7)
                .encode(x=x, y=y, text=text)
            )
        layers.append(
            alt.Chart(ticks).mark_tick(orient="vertical", size=8, thickness=1, opacity=0.5)
            .encode(x=x, y=y, tooltip=[alt.Tooltip("text:N", title=tr("choice"))])
        )
    if len(dots):
        tooltip = [alt.Tooltip("hp:N", title=tr("hyperparameter")), alt.Tooltip("value:N", title=tr("value")),
                   alt.Tooltip("rank:Q", title=tr("rank")), alt.Tooltip("sample_id:N", title=tr("sample"))]
        others = dots[~dots["incumbent"]]
        if len(others):
            layers.append(alt.Chart(others).mark_circle(size=70, opacity=0.35).encode(x=x, y=y, tooltip=tooltip))
        inc = dots[dots["incumbent"]]
        if len(inactive):
            inc = pd.concat([inc, inactive], ignore_index=True)
            inc["incumbent"] = True
        if len(inc):
            layers.append(alt.Chart(inc[inc["pos"].notna()]).mark_point(shape="diamond", filled=True, size=150, opacity=1)
                          .encode(x=x, y=y, tooltip=tooltip))
            layers.append(
                alt.Chart(inc.assign(col=VALUE_COLUMN)).mark_text(align="left", fontWeight="bold", fontSize=13)
                .encode(x=alt.X("col:Q", scale=alt.Scale(domain=RANGES_DOMAIN, nice=False), axis=None), y=y,
                        text=alt.Text("value:N"))
            )
    # One constructor call: each fluent call on a layer (.properties) copies every layer again.
    return alt.LayerChart(
        layer=layers, width=RANGES_WIDTH, height=height,
        title=alt.Title(tr("Where the top configurations sit in each range (incumbent: diamond)"),
                        anchor="start", fontSize=14),
        view=alt.ViewBackground(stroke=None),
    )


def _scatter_chart(run: Run, metric: Metric, top: pd.DataFrame, incumbent_id: str | None):
    import altair as alt

    ok = run.ok[run.ok[metric.field].notna()]
    keep = list(top["sample_id"])  # top-k and the incumbent survive sampling
    sampled = sample_points(ok, MAX_POINTS, keep=keep)
    pts = sampled.frame[["sample_id", "trial", "budget", "sample_type", metric.field]].copy()
    pts["budget_label"] = pts["budget"].map(fmt.budget)
    pts["jitter"] = np.round(((pts["trial"].to_numpy() * 0.6180339887) % 1.0 - 0.5) * 0.7, 4)
    pts[metric.field] = pts[metric.field].round(6)
    pts = pts.drop(columns=["trial", "budget"])
    order = [fmt.budget(b) for b in run.budgets if b in set(ok["budget"])]
    x = alt.X("budget_label:O", title=tr("budget"), sort=order, axis=alt.Axis(labelAngle=0))
    x_off = alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-0.5, 0.5]))
    y = alt.Y(f"{metric.field}:Q", title=metric.name, scale=metric_scale(metric, pts[metric.field]),
              axis=alt.Axis(format=metric.d3_format))
    tooltip = [alt.Tooltip("sample_id:N", title=tr("sample")), alt.Tooltip("budget_label:N", title=tr("budget")),
               alt.Tooltip("sample_type:N", title=tr("sample type")),
               alt.Tooltip(f"{metric.field}:Q", title=metric.name, format=metric.d3_format)]
    is_top = pts["sample_id"].isin(keep)
    base_layer = (
        alt.Chart(pts[~is_top]).mark_circle(size=30, opacity=0.45)
        .encode(x=x, xOffset=x_off, y=y, color=sample_type_color(legend=alt.Legend(orient="right")),
                tooltip=tooltip)
    )
    top_pts = pts[is_top].merge(top[["sample_id", "rank"]], on="sample_id")
    top_pts["incumbent"] = top_pts["sample_id"] == incumbent_id
    ring = (
        alt.Chart(top_pts[~top_pts["incumbent"]]).mark_point(size=90, strokeWidth=2, filled=False)
        .encode(x=x, xOffset=x_off, y=y, color=sample_type_color(legend=None),
                tooltip=tooltip + [alt.Tooltip("rank:Q", title=tr("rank"))])
    )
    inc = top_pts[top_pts["incumbent"]].copy()
    inc["label"] = [tr("incumbent {sample}", sample=s) for s in inc["sample_id"]]
    layers = [base_layer, ring]
    if len(inc):
        layers.append(
            alt.Chart(inc).mark_point(shape="diamond", filled=True, size=220, stroke="black", strokeWidth=1)
            .encode(x=x, xOffset=x_off, y=y, color=sample_type_color(legend=None),
                    tooltip=tooltip + [alt.Tooltip("rank:Q", title=tr("rank"))])
        )
        layers.append(
            alt.Chart(inc).mark_text(align="right", dx=-12, dy=14 if metric.higher_is_better else -10,
                                     fontWeight="bold", fontSize=12)
            .encode(x=x, xOffset=x_off, y=y, text=alt.Text("label:N"))
        )
    chart = alt.LayerChart(  # one constructor call, not alt.layer(...).properties(...): see _ranges_chart
        layer=layers, width=SCATTER_WIDTH, height=PLOT_HEIGHT,
        title=alt.Title(tr("Every evaluation's accuracy by budget") if metric.higher_is_better
                        else tr("Every evaluation's loss by budget (lower is better)"), anchor="start", fontSize=14),
    )
    return chart, sampled


def numbers(run: Run, metric: Metric, rule: BestRule, k: int, top: pd.DataFrame, unit: str | None = None) -> dict:
    ok = run.ok[run.ok[rule.field].notna()]
    max_budget = ok["budget"].max() if len(ok) else None
    inc = None
    if len(top):
        b = top.iloc[0]  # rank 1 of the deck's ranking: the incumbent
        inc = {
            "sample_id": str(b["sample_id"]), "config_id": str(b["config_id"]), "bracket": int(b["bracket"]),
            "round": int(b["round"]), "budget": number(b["budget"]), "loss": number(b["loss"]),
            "accuracy": number(b["accuracy"]), "sample_type": str(b["sample_type"]), "origin": str(b["origin"]),
            "value": number(b[metric.field]),
            "config": {hp.name: plain(b[hp.column]) for hp in run.space},
        }
    counts = top["origin"].value_counts() if len(top) else pd.Series(dtype="int64")
    # The best by the plotted metric alone, when that is another configuration (accuracy ranks
    # a configuration first that the loss rule does not): said in the notes, never as "best".
    by_metric = None
    if metric.field != rule.field and len(ok):
        at_max = ok[(ok["budget"] == max_budget) & ok[metric.field].notna()]
        if len(at_max):
            first = metric.best_first(at_max).iloc[0]
            if inc is None or str(first["sample_id"]) != inc["sample_id"]:
                by_metric = {"sample_id": str(first["sample_id"]), "value": number(first[metric.field])}
    return {
        "metric": metric.field,
        "best_by": rule.field,
        "rule": rule.describe(budget_text(max_budget, unit) if max_budget is not None else None),
        "k": k,
        "n_top": len(top),
        "max_budget": number(max_budget),
        "n_at_max_budget": int((ok["budget"] == max_budget).sum()) if max_budget is not None else 0,
        "incumbent": inc,
        "top": [{"rank": int(r["rank"]), "sample_id": str(r["sample_id"]), "config_id": str(r["config_id"]),
                 "value": number(r[metric.field]), "origin": str(r["origin"])}
                for r in top.to_dict("records")],
        "top_origin_counts": {t: int(counts.get(t, 0)) for t in ("random", "BO", "unknown")},
        "top_bo_share": float(counts.get("BO", 0)) / len(top) if len(top) else None,
        "incumbent_is_top": True,  # one ranking: its first row is the incumbent
        "best_by_metric": by_metric,
        "n_crashed": run.n_crashed,
        "next_ranges": (ranges := next_ranges(run, top)),
        "next_space": next_space_sentence(ranges),
        # The hyperparameters the top narrowed most (under half their range, at most three): a
        # bullet's worth; the full sentence is `next_space`.
        "next_space_short": next_space_sentence(_narrowest(ranges)) or next_space_sentence(ranges[:3]),
        # "96.7% accuracy" / "0.429 loss": the incumbent as the slides write it.
        "headline": tr("{value} {metric}", value=metric.fmt(inc["value"]), metric=metric.name) if inc else "–",
    }


def _narrowest(ranges: list[dict]) -> list[dict]:
    narrow = [r for r in ranges if r.get("share_of_range") is not None and r["share_of_range"] < 0.5]
    return sorted(narrow, key=lambda r: r["share_of_range"])[:3]


def next_ranges(run: Run, top: pd.DataFrame) -> list[dict]:
    """What the top configurations used, per hyperparameter: a starting point for the next search
    space. Numeric: [min, max] of their values and how much of the searched range that is (on the
    log scale where the space is log); choices: the ones they picked, in the space's order."""
    out = []
    for hp in run.space:
        values = top[hp.column].dropna() if hp.column in top else pd.Series(dtype=float)
        if values.empty:
            continue  # inactive in every top configuration (a conditional) — nothing to narrow
        item: dict = {"name": hp.name, "type": hp.type}
        if hp.is_numeric:
            lo, hi = float(values.min()), float(values.max())
            item.update(lower=lo, upper=hi, log=bool(hp.log))
            if hp.lower is not None and hp.upper is not None and hp.upper > hp.lower:
                if hp.log and hp.lower > 0 and lo > 0:
                    span = (math.log(hi) - math.log(lo)) / (math.log(hp.upper) - math.log(hp.lower))
                else:
                    span = (hi - lo) / (hp.upper - hp.lower)
                item["share_of_range"] = float(min(max(span, 0.0), 1.0))
        else:
            used = {plain(v) for v in values}
            order = list(hp.choices) if hp.choices else sorted(used, key=str)
            item["choices"] = [c for c in order if c in used] + sorted((u for u in used if u not in order), key=str)
        out.append(item)
    return out


def next_space_sentence(ranges: list[dict]) -> str:
    parts = []
    for r in ranges:
        if "choices" in r:
            parts.append(tr("{name} {choices}", name=r["name"], choices=tr(", ").join(fmt.value(c) for c in r["choices"])))
        else:
            whole = r["type"] in ("int", "integer")
            lo, hi = ((fmt.integer(r["lower"]), fmt.integer(r["upper"])) if whole
                      else (fmt.value(r["lower"]), fmt.value(r["upper"])))
            rng = lo if lo == hi else f"{lo}–{hi}"
            share = r.get("share_of_range")
            if share is None:
                parts.append(tr("{name} {range}", name=r["name"], range=rng))
            elif r["log"]:
                parts.append(tr("{name} {range} ({share} of its range, log)", name=r["name"], range=rng,
                                share=fmt.pct(share, 0)))
            else:
                parts.append(tr("{name} {range} ({share} of its range)", name=r["name"], range=rng,
                                share=fmt.pct(share, 0)))
    return tr("; ").join(parts)


def _caption(n: dict, unit: str | None) -> str:
    """Under the chart: the deck's rule for best (said once, here), and where the top came from."""
    c = n["top_origin_counts"]
    if c["unknown"]:
        top = tr("Top {n}: {bo} proposed by BO, {random} random, {unknown} unknown.", n=n["n_top"], bo=c["BO"],
                 random=c["random"], unknown=c["unknown"])
    else:
        top = tr("Top {n}: {bo} proposed by BO, {random} random.", n=n["n_top"], bo=c["BO"], random=c["random"])
    return f"{n['rule']} {top}"


def _takeaway(n: dict, metric: Metric, unit: str | None) -> str:
    """The slide's one sentence."""
    inc = n["incumbent"]
    if inc is None:
        return tr("No evaluation returned a loss, so there is no incumbent.")
    params = dict(sample=inc["sample_id"], value=metric.fmt(inc["value"]), metric=metric.name,
                  budget=budget_text(inc["budget"], unit), bracket=inc["bracket"])
    if inc["origin"] == "random":
        return tr("The incumbent {sample} reached {value} {metric} at {budget}; it was drawn at random in "
                  "bracket {bracket}.", **params)
    if inc["origin"] == "BO":
        return tr("The incumbent {sample} reached {value} {metric} at {budget}; it was proposed by BO's model in "
                  "bracket {bracket}.", **params)
    return tr("The incumbent {sample} reached {value} {metric} at {budget}; it was of unknown origin, in "
              "bracket {bracket}.", **params)


def _notes(n: dict, metric: Metric, unit: str | None) -> str:
    inc = n["incumbent"]
    if inc is None:
        return _takeaway(n, metric, unit)
    c = n["top_origin_counts"]
    parts = [tr("The incumbent is the configuration the run would hand over."), n["rule"], _takeaway(n, metric, unit)]
    if c["unknown"]:
        parts.append(tr("Of the top {n} (table), {bo} came from BO's model and {random} from random sampling "
                        "({unknown} of unknown origin).", n=n["n_top"], bo=c["BO"], random=c["random"],
                        unknown=c["unknown"]))
    else:
        parts.append(tr("Of the top {n} (table), {bo} came from BO's model and {random} from random sampling.",
                        n=n["n_top"], bo=c["BO"], random=c["random"]))
    other = n.get("best_by_metric")
    if other:
        parts.append(tr("By {metric} alone {sample} ({value}) would rank first; the deck ranks by {rule_metric}, as "
                        "hpbandster does, so it is not called best here.", metric=metric.name,
                        sample=other["sample_id"], value=metric.fmt(other["value"]),
                        rule_metric=tr("loss") if n["best_by"] == "loss" else tr("accuracy")))
    return " ".join(parts)


def build(run: Run, options: StepOptions) -> Slide:
    import altair as alt

    metric = metric_for(run, options.get("metric", "auto"))
    rule = rule_for(run, options.get("best_by", "loss"))
    unit = options.get("budget_unit")
    k = options.get("k", OPTIONS["k"].default)
    top = top_k(run, rule, k)
    n = numbers(run, metric, rule, k, top, unit)
    inc_id = n["incumbent"]["sample_id"] if n["incumbent"] else None
    blocks: list = [UserText()]
    state = tr("Static: the incumbent is the diamond; hover a point in the deck for its numbers.")
    if len(top):
        scatter, sampled = _scatter_chart(run, metric, top, inc_id)
        # The legend is the scatter's (the ranges chart has no colors): an independent legend
        # sits beside the scatter instead of at the far right of both charts.
        # One constructor call: .resolve_legend() on the concat would copy both layered charts again.
        spec = vega_lite(alt.HConcatChart(
            hconcat=[scatter, _ranges_chart(run, top, inc_id)], spacing=40,
            resolve=alt.Resolve(legend=alt.LegendResolveMap(color="independent"))))
        caption = " ".join(x for x in (_caption(n, unit), sampled.note, crashed_note(run)) if x)
        inc = n["incumbent"]
        ok = run.ok[run.ok[metric.field].notna()]
        description = tr(
            "Scatter of {n} evaluations' {metric} by budget, from {low} to {high}; the incumbent {sample} ({value} at "
            "{budget}) is a diamond. Beside it, where the top {k} sit in each of {n_hp} hyperparameter ranges.",
            n=len(ok), metric=metric.name, low=metric.fmt(ok[metric.field].min()), high=metric.fmt(ok[metric.field].max()),
            sample=inc["sample_id"], value=metric.fmt(inc["value"]), budget=budget_text(inc["budget"], unit),
            k=n["n_top"], n_hp=len(run.space))
        blocks.append(Chart(id=f"s{options.index}-best", spec=spec, caption=caption, state=state,
                            description=description))
    else:
        blocks.append(Html(f"<p>{esc(_takeaway(n, metric, unit))}</p>"))
    if len(top):
        columns = _top_columns(run, metric)
        blocks.append(Table(
            id=f"s{options.index}-best-table", columns=columns, rows=table_rows(top, columns, digits=6),
            sort="rank", static_rows=k, filterable=False,
        ))
    inc = n["incumbent"]
    if options.title:
        title = options.title
    elif inc is None:
        title = tr("The best configurations")
    else:
        title = tr("Best: {sample}, {value} {metric} at {budget}", sample=inc["sample_id"],
                   value=metric.fmt(inc["value"]), metric=metric.name, budget=budget_text(inc["budget"], unit))
    notes = _notes(n, metric, unit)
    if inc:
        values = tr(", ").join(tr("{name} = {value}", name=k_, value=fmt.value(v))
                               for k_, v in inc["config"].items() if v is not None)
        notes += " " + tr("Incumbent configuration: {values}.", values=values)
    return Slide(kind=KIND, title=title, blocks=tuple(blocks), notes=notes, numbers={KIND: n})


def _top_columns(run: Run, metric: Metric) -> tuple[Column, ...]:
    cols = [Column("rank", "#", "int"), Column("sample_id", tr("sample")), Column("budget", tr("budget"), "budget"),
            Column("bracket", tr("bracket"), "int"), Column("origin", tr("origin"))]
    if run.has_accuracy:
        cols.append(Column("accuracy", tr("accuracy"), "pct"))
    cols.append(Column("loss", tr("loss"), "num"))
    cols += [Column(hp.column, hp.name, hp_format(run, hp.column)) for hp in run.space]
    return tuple(cols)
