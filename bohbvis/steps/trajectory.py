"""Anytime performance: the incumbent over wall-clock time and over budget spent (BOHB's headline plot).

Two panels side by side, one y axis: left over wall-clock time (when each evaluation finished),
right over the cumulative budget spent. Every evaluation is a faint dot behind the incumbent's
step line; the points where the incumbent changed are marked, coloured by sample type (random /
BO / promoted) and labelled "<sample type> · b<bracket>". The incumbent follows the deck's one
definition of best (analysis/ranking.py), replayed in finish order exactly like hpbandster's
`Result.get_incumbent_trajectory()`: a larger budget always takes over, so the line can step *up*
when the first evaluation on a larger budget finishes. The numbers list every change.

Numbers (`{{ trajectory.<name> }}`), over all evaluations (never the drawn sample):
  field               "loss" or "accuracy" (the ranking field, option `by`)
  n, n_changes        evaluations, times the incumbent changed
  has_time            False when the run has no timestamps (then every time_* is None)
  duration, duration_text   first start to last finish, in seconds and in words ("69 min")
  total_budget        budget spent by all evaluations (crashed ones too)
  final_value, final_id, final_budget   the final incumbent (= the best slide's incumbent)
  time_to_1pct, budget_to_1pct          when (seconds, budget spent) the incumbent came within 1 %
                                        of the final value and stayed there
  time_share_to_1pct, budget_share_to_1pct   the same as shares of the run (0–1)
  time_to_01pct, budget_to_01pct, time_share_to_01pct, budget_share_to_01pct   the same for 0.1 %
  budget_after_last, share_after_last   budget spent after the last improvement, and its share
  time_after_last     seconds after the last improvement
  changes             [{sample_id, sample_type, bracket, budget, value, spent, finished}] every change, in order
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..analysis.ranking import rule_for
from ..analysis.trajectory import incumbent_trajectory, trajectory_numbers
from ..i18n import tr, trn
from ..model import format as fmt
from ..model.run import Run
from ..options import Choice, StepOptions
from ._base import Chart, Slide, UserText
from ._spec import vega_lite
from ._metric import ACCURACY, LOSS, metric_scale
from ._rows import crashed_note, number
from ._sample_types import sample_type_color
from ._sampling import sample_points
from ._time import duration, time_unit

KIND = "trajectory"
DESCRIPTION = "Anytime performance: the incumbent over wall-clock time and over budget spent, changes marked."
OPTIONS = {
    "by": Choice(doc="What makes an incumbent: loss (hpbandster's rule, lowest loss on the largest budget "
                 "reached so far) or accuracy (highest; needs a run with accuracy).",
                 default="loss", choices=("loss", "accuracy")),
    "x_scale": Choice(doc="The time and budget axes: log (default: early changes spread out, as in the BOHB "
                      "paper's plots) or linear.", default="log", choices=("log", "linear")),
    "x": Choice(doc="Which panels to draw: both, only wall-clock time, or only the budget spent. A run "
                "without timestamps always shows the budget panel only.",
                default="both", choices=("both", "time", "budget")),
}

PANEL_WIDTH = 500
MAX_DOTS = 2000  # faint dots behind the line (the same sample in both panels)
HEIGHT = 250
MAX_LABELS = 8  # change points labelled with sample type · bracket (see _spread_labels)
LABEL_GAP = 115  # px between labelled change points: about one label's width


def _spread_labels(x: pd.Series, x_kind: str) -> list[bool]:
    """Which change points get a text label: from the last change backwards, one whenever it is
    at least LABEL_GAP px (on the panel's x axis) from the last labelled one, at most MAX_LABELS
    — so labels never pile up where the incumbent changed often in a short while."""
    v = x.to_numpy(dtype=float)
    if x_kind == "log":
        v = np.log10(np.clip(v, v[v > 0].min() if (v > 0).any() else 1.0, None))
    span = (v.max() - v.min()) if len(v) else 0.0
    px = (v - v.min()) / span * PANEL_WIDTH if span > 0 else np.zeros(len(v))
    keep = [False] * len(v)
    last, count = math.inf, 0
    for i in range(len(v) - 1, -1, -1):
        if count < MAX_LABELS and last - px[i] >= LABEL_GAP:
            keep[i], last, count = True, px[i], count + 1
    return keep


def _frames(traj, metric, unit_size: float, x_kind: str):
    steps = traj.steps
    f = metric.field
    keep = traj.changes["sample_id"].tolist()
    dots = sample_points(steps[steps["status"] == "ok"], MAX_DOTS, keep=keep)
    pts = dots.frame[["sample_id", "bracket", "budget", "sample_type", f, "cum_budget"]].copy()
    if traj.has_time:
        pts["t"] = (dots.frame["finished"] / unit_size).round(6)
    pts[f] = pts[f].round(6)
    pts["budget_label"] = pts["budget"].map(fmt.budget)

    ch = traj.changes
    marks = pd.DataFrame({
        "sample_id": ch["sample_id"], "bracket": ch["bracket"], "budget_label": ch["budget"].map(fmt.budget),
        "sample_type": ch["sample_type"], "value": ch["incumbent_value"].round(6),
        "cum_budget": ch["cum_budget"].round(6),
    })
    if traj.has_time:
        marks["t"] = (ch["finished"] / unit_size).round(6)
    # i18n: a label beside a change point: the sample type (random, BO, promoted) and the bracket.
    marks["label"] = [tr("{type} · b{bracket}", type=_type_name(s), bracket=str(b))
                      for s, b in zip(ch["sample_type"], ch["bracket"])]
    for col in ("t", "cum_budget") if traj.has_time else ("cum_budget",):
        marks[f"labelled_{col}"] = _spread_labels(marks[col], x_kind)
    # The step line: every change, then the final value held to the end of the run.
    line = marks[["value", "cum_budget"] + (["t"] if traj.has_time else [])].copy()
    if len(line):
        end = {"value": line["value"].iloc[-1], "cum_budget": round(traj.total_budget, 6)}
        if traj.has_time:
            end["t"] = round(float(steps["finished"].max()) / unit_size, 6)
        line = pd.concat([line, pd.DataFrame([end])], ignore_index=True)
    return pts, marks, line, dots


def _type_name(sample_type: str) -> str:
    """A sample type as the legend writes it (the words of steps/_sample_types.py)."""
    names = {"random": tr("random"), "BO": tr("BO"), "promoted": tr("promoted"), "unknown": tr("unknown")}
    return names.get(sample_type, sample_type)


def _x_scale(kind: str, values: pd.Series):
    import altair as alt

    v = values[values > 0]
    if kind == "log" and len(v):
        return alt.Scale(type="log", nice=False, domain=[float(v.min()), float(values.max())])
    return alt.Scale(zero=True, nice=False)


def _y_scale(metric, pts: pd.DataFrame, marks: pd.DataFrame):
    """The y axis spans the incumbent's values and the best dot, not every dot: the subject is
    the incumbent, and a few diverged losses would squash it flat. Worse dots are cut off."""
    import altair as alt

    lo_hi = pd.concat([marks["value"], pts[metric.field]]).dropna()
    if not len(marks) or not len(lo_hi):
        return metric_scale(metric, pts[metric.field]), ""
    if metric.higher_is_better:
        lo, hi = float(marks["value"].min()), float(lo_hi.max())
    else:
        lo, hi = float(lo_hi.min()), float(marks["value"].max())
    pad = (hi - lo) * 0.06 or abs(hi) * 0.05 or 1.0
    log = metric.field == "loss" and lo > 0 and hi / lo > 20
    if log:
        domain = [lo / 1.15, hi * 1.15]
    else:
        domain = [lo - pad, hi + pad]
    cut = int((pts[metric.field] > domain[1]).sum() if not metric.higher_is_better
              else (pts[metric.field] < domain[0]).sum())
    note = trn("{n} drawn evaluation worse than the first incumbent lies outside the y axis.",
               "{n} drawn evaluations worse than the first incumbent lie outside the y axis.", cut) if cut else ""
    scale = alt.Scale(type="log", domain=domain, nice=False) if log else alt.Scale(domain=domain, nice=False, zero=False)
    return scale, note


def _panel(pts, marks, line, metric, x_field: str, x_title: str, y_scale, show_y: bool, x_kind: str):
    import altair as alt

    f = metric.field
    x = alt.X(f"{x_field}:Q", title=x_title, scale=_x_scale(x_kind, line[x_field] if len(line) else pts[x_field]),
              axis=alt.Axis(format="~s" if x_field == "cum_budget" else "~g", labelOverlap=True))
    y_title = metric.label if show_y else None
    y_axis = alt.Axis(format=metric.d3_format, title=y_title, labels=show_y, ticks=show_y)
    dots = alt.Chart(pts).mark_circle(size=18, opacity=0.25, color="#9aa0a6", clip=True).encode(
        x=x, y=alt.Y(f"{f}:Q", scale=y_scale, axis=y_axis),
        tooltip=[alt.Tooltip("sample_id:N", title=tr("sample")), alt.Tooltip("bracket:O", title=tr("bracket")),
                 alt.Tooltip("budget_label:N", title=tr("budget")), alt.Tooltip("sample_type:N", title=tr("sample type")),
                 alt.Tooltip(f"{f}:Q", title=metric.name, format=metric.d3_format)])
    step = alt.Chart(line).mark_line(interpolate="step-after", strokeWidth=2.5, color="#202124").encode(
        x=x, y=alt.Y("value:Q", scale=y_scale, axis=y_axis))
    tips = [alt.Tooltip("sample_id:N", title=tr("new incumbent")), alt.Tooltip("sample_type:N", title=tr("sample type")),
            alt.Tooltip("bracket:O", title=tr("bracket")), alt.Tooltip("budget_label:N", title=tr("budget")),
            alt.Tooltip("value:Q", title=metric.name, format=metric.d3_format)]
    points = alt.Chart(marks).mark_point(size=90, filled=True, opacity=1, stroke="white", strokeWidth=1).encode(
        x=x, y=alt.Y("value:Q", scale=y_scale, axis=y_axis),
        color=sample_type_color(legend=alt.Legend(orient="right", title=tr("new incumbent"))),
        tooltip=tips)
    # Labels sit above and right of their mark, where the step line (flat to the right, lower
    # later) leaves room; a white halo keeps them readable over the grey dots.
    base = alt.Chart(marks).transform_filter(f"datum.labelled_{x_field}").encode(
        x=x, y=alt.Y("value:Q", scale=y_scale, axis=y_axis), text=alt.Text("label:N"))
    halo = base.mark_text(align="left", dx=6, dy=-11, fontSize=12, baseline="middle", stroke="white",
                          strokeWidth=4, strokeOpacity=0.9, strokeJoin="round")
    labels = base.mark_text(align="left", dx=6, dy=-11, fontSize=12, baseline="middle").encode(
        color=sample_type_color(legend=None))
    # One constructor call: .properties() on a layer would copy every layer again.
    return alt.LayerChart(layer=[dots, step, points, halo, labels], width=PANEL_WIDTH, height=HEIGHT)


def build(run: Run, options: StepOptions) -> Slide:
    import altair as alt

    rule = rule_for(run, options.get("by", "loss"))
    metric = ACCURACY if rule.field == "accuracy" else LOSS
    traj = incumbent_trajectory(run, rule)
    n = trajectory_numbers(traj, rule)
    n["duration_text"] = duration(traj.duration) if traj.has_time else None
    which = options.get("x", "both") if traj.has_time else "budget"
    unit, size = time_unit(traj.duration)
    x_kind = options.get("x_scale", "log")
    pts, marks, line, dots = _frames(traj, metric, size, x_kind)
    y_scale, cut_note = _y_scale(metric, pts, marks)
    panels = []
    if which in ("both", "time"):
        panels.append(_panel(pts, marks, line, metric, "t",
                             tr("wall-clock time ({unit}, when each evaluation finished)", unit=unit), y_scale, True,
                             x_kind))
    if which in ("both", "budget"):
        panels.append(_panel(pts, marks, line, metric, "cum_budget", tr("budget spent so far (all evaluations)"),
                             y_scale, len(panels) == 0, x_kind))
    chart_spec = vega_lite(panels[0] if len(panels) == 1 else alt.hconcat(*panels, spacing=24))

    chart_id = f"s{options.index}-trajectory"
    n["changes"] = _changes(traj)
    # The caption stays short (the chart needs the slide's height); what the marks mean and the
    # sampling notes go to the speaker notes, the list of changes to the numbers and tooltips.
    caption = " ".join(s for s in (
        _summary(n, metric),
        "" if traj.has_time else tr("The run has no timestamps: only the budget panel, in table order."),
        dots.note) if s)
    chart = Chart(id=chart_id, spec=chart_spec, caption=caption)
    title = options.title or _title(n, metric)
    notes = " ".join(s for s in (
        tr("Grey: every evaluation; line: the incumbent; marks: where it changed (labels: sample type · bracket, "
           "where there is room; hover a mark for the rest)."), _notes(n, metric, rule), cut_note,
        crashed_note(run)) if s)
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart), notes=notes, numbers={KIND: n})


def _changes(traj) -> list[dict]:
    """Every change of the incumbent, in order (for the API, and for tests against hpbandster)."""
    ch = traj.changes
    return [{"sample_id": str(r.sample_id), "sample_type": str(r.sample_type), "bracket": int(r.bracket),
             "budget": number(r.budget), "value": number(r.incumbent_value), "spent": number(r.cum_budget),
             "finished": number(r.finished) if traj.has_time else None}
            for r in ch.itertuples(index=False)]


def _reach_text(n: dict, tag: str, word: str) -> str:
    b = n.get(f"budget_share_to_{tag}")
    if b is None:
        return ""
    if n["has_time"]:
        return tr("It was within {tolerance} of its final value after {budget_share} of the budget ({time_share} of "
                  "the time, {time}).", tolerance=word, budget_share=fmt.pct(b, 0),
                  time_share=fmt.pct(n[f"time_share_to_{tag}"], 0), time=duration(n[f"time_to_{tag}"]))
    return tr("It was within {tolerance} of its final value after {budget_share} of the budget.", tolerance=word,
              budget_share=fmt.pct(b, 0))


def _summary(n: dict, metric) -> str:
    if n["final_value"] is None:
        return tr("No evaluation returned a value, so there is no incumbent.")
    return " ".join(s for s in (
        trn("The incumbent changed {n} time, ending at {value} ({sample}, budget {budget}).",
            "The incumbent changed {n} times, ending at {value} ({sample}, budget {budget}).", n["n_changes"],
            value=metric.fmt(n["final_value"]), sample=n["final_id"], budget=fmt.budget(n["final_budget"])),
        _reach_text(n, "1pct", tr("1 %")),
        tr("{share} of the budget was spent after the last improvement.", share=fmt.pct(n["share_after_last"], 0)),
    ) if s)


def _title(n: dict, metric) -> str:
    if n["final_value"] is None:
        return tr("Anytime performance")
    share = n.get("budget_share_to_1pct")
    return tr("Within 1 % of the final {metric} after {share} of the budget", metric=metric.name, share=fmt.pct(share, 0))


def _notes(n: dict, metric, rule) -> str:
    parts = [
        tr("The incumbent is replayed in the order evaluations finished, with hpbandster's rule: an evaluation on "
           "a larger budget always takes over, so the line can step up when a larger budget is first reached."),
        rule.describe(),
    ]
    if n["final_value"] is not None:
        parts.append(_reach_text(n, "01pct", tr("0.1 %")))
        if n["has_time"]:
            parts.append(tr("The run took {duration}; the last improvement came {time} before the end.",
                            duration=n["duration_text"], time=duration(n["time_after_last"])))
    return " ".join(p for p in parts if p)


