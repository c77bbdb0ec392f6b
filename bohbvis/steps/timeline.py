"""The timeline: which evaluation ran when, on how many workers, and how busy they were.

Top: one lane per worker (inferred from the start/finish times, analysis/timeline.py), a bar per
evaluation from its start to its finish, coloured by budget (or bracket, or sample type); idle gaps
(nothing running for at least 1 % of the run) are shaded. Below, on the same time axis: the
concurrency curve, how many evaluations were running. Hovering a bar names the evaluation.

Large runs: above 3,000 evaluations the lanes are drawn as time bins (120 per lane) shaded by
the share of the bin the lane was busy, and the concurrency curve as the mean running count per
bin (both computed here over every evaluation); the slide says so.

Numbers (`{{ timeline.<name> }}`):
  n, n_without_times      evaluations drawn; those without a start/finish (left out)
  duration, duration_text first start to last finish (seconds; words)
  workers                 lanes = the most evaluations running at once
  busy_share              summed evaluation time / (workers × duration), 0–1
  mean_concurrency        summed evaluation time / duration
  idle_time, idle_share   time with nothing running (seconds; share of the duration)
  n_gaps, longest_gap, longest_gap_text   idle gaps of ≥ 1 % of the run; the longest (seconds; words)
  median_evaluation       median evaluation time (seconds)
  n_session_breaks        idle gaps longer than all evaluations together (joined sessions, clock jumps)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.timeline import GAP_SHARE, timeline, timeline_numbers
from ..i18n import tr, trn
from ..model import format as fmt
from ..model.run import Run
from ..options import Choice, StepOptions
from ._base import Chart, Column, Markdown, Slide, Table, UserText
from ._rows import records
from ._sample_types import sample_type_color
from ._time import duration, time_unit

KIND = "timeline"
DESCRIPTION = "The workers over time: every evaluation as a bar, idle gaps, the concurrency curve, busy share."
OPTIONS = {
    "color": Choice(doc="What colours the bars: the budget, the bracket, or the sample type.",
                    default="budget", choices=("budget", "bracket", "sample_type")),
}

WIDTH = 1080
LANES_HEIGHT = 230
CURVE_HEIGHT = 90
MAX_BARS = 3000
BINS = 120  # × MAX_ROWS lanes stays under Altair's 5,000-row limit for inline data
MAX_ROWS = 40  # lanes drawn at most when aggregated; more lanes are grouped, k per row


def _bars(tl, color_by: str, size: float, run: Run):
    import altair as alt

    r = tl.runs
    bars = pd.DataFrame({
        "sample_id": r["sample_id"], "lane": r["lane"] + 1, "bracket": r["bracket"],
        "budget_label": r["budget"].map(fmt.budget), "sample_type": r["sample_type"], "status": r["status"],
        "t0": ((r["started"] - tl.start) / size).round(6), "t1": ((r["finished"] - tl.start) / size).round(6),
        "secs": r["duration"].round(3),
    })
    if color_by == "budget":
        color = alt.Color("budget_label:O", title=tr("budget"), sort=[fmt.budget(b) for b in run.budgets],
                          scale=alt.Scale(scheme="viridis"), legend=alt.Legend(orient="right"))
    elif color_by == "bracket":
        color = alt.Color("bracket:O", title=tr("bracket"), legend=alt.Legend(orient="right", columns=2))
    else:
        color = sample_type_color(legend=alt.Legend(orient="right"))
    return alt.Chart(bars).mark_bar(height={"band": 0.8}).encode(
        x=alt.X("t0:Q"), x2="t1:Q", y=alt.Y("lane:O", title=tr("worker (inferred)"),
                                            axis=alt.Axis(labelExpr=_lane_labels(int(bars["lane"].max())))),
        color=color,
        tooltip=[alt.Tooltip("sample_id:N", title=tr("sample")), alt.Tooltip("budget_label:N", title=tr("budget")),
                 alt.Tooltip("bracket:O", title=tr("bracket")), alt.Tooltip("sample_type:N", title=tr("sample type")),
                 alt.Tooltip("status:N", title=tr("status")),
                 alt.Tooltip("secs:Q", title=tr("seconds"), format=",.3~f")])


def _lane_labels(n: int) -> str:
    """Every lane labelled up to 12; beyond, every k-th (12 px labels must not overlap)."""
    if n <= 12:
        return "datum.label"
    step = int(np.ceil(n / 12))
    return f"(+datum.value - 1) % {step} == 0 ? datum.label : ''"


def busy_bins(tl, bins: int = BINS) -> tuple[pd.DataFrame, int]:
    """Per lane (or group of `per_row` lanes, when there are more than MAX_ROWS) and time bin: the
    share of the bin spent running evaluations (exact, over every evaluation: each interval's
    overlap with each bin it touches). Returns the cells and lanes per row."""
    edges = np.linspace(tl.start, tl.end, bins + 1)
    width = edges[1] - edges[0] if tl.end > tl.start else 1.0
    lanes = int(tl.runs["lane"].max()) + 1
    per_row = int(np.ceil(lanes / MAX_ROWS))
    rows = int(np.ceil(lanes / per_row))
    busy = np.zeros((rows, bins))
    s = tl.runs["started"].to_numpy(float)
    f = tl.runs["finished"].to_numpy(float)
    lane = tl.runs["lane"].to_numpy() // per_row
    first = np.clip(((s - tl.start) // width).astype(int), 0, bins - 1)
    last = np.clip(((f - tl.start) // width).astype(int), 0, bins - 1)
    for i in range(len(s)):  # O(n + bins touched); most evaluations touch one or two bins
        for b in range(first[i], last[i] + 1):
            busy[lane[i], b] += max(0.0, min(f[i], edges[b + 1]) - max(s[i], edges[b]))
    li, bi = np.nonzero(busy)
    cells = pd.DataFrame({"lane": li * per_row + 1, "b0": edges[bi], "b1": edges[bi + 1],
                          "busy": np.round(busy[li, bi] / (width * per_row), 4)})
    return cells, per_row


def mean_running(tl, bins: int = BINS) -> pd.DataFrame:
    """Mean number of running evaluations per time bin (the integral of the step curve / width)."""
    c = tl.concurrency
    edges = np.linspace(tl.start, tl.end, bins + 1)
    t = c["time"].to_numpy(float)
    k = c["running"].to_numpy(float)
    # Cumulative area under the step function at each event, then at each edge by interpolation.
    area = np.r_[0.0, np.cumsum(k[:-1] * np.diff(t))]
    at_edges = np.interp(edges, t, area)
    width = edges[1] - edges[0] if tl.end > tl.start else 1.0
    return pd.DataFrame({"time": edges[:-1], "running": np.round(np.diff(at_edges) / width, 4)})


def build(run: Run, options: StepOptions) -> Slide:
    import altair as alt

    chart_id = f"s{options.index}-timeline"
    tl = timeline(run)
    if tl is None:
        text = tr("The run {source} records no start and finish times, so there is no timeline to draw (a CSV needs "
                  "`started` and `finished` columns, in seconds).", source=run.source)
        return Slide(kind=KIND, title=options.title or tr("No timeline: the run has no timestamps"),
                     blocks=(UserText(), Markdown(text)), notes=text,
                     numbers={KIND: {"n": 0, "n_without_times": run.n_evaluations, **dict.fromkeys((
                         "duration", "duration_text", "workers", "busy_time", "busy_share", "mean_concurrency",
                         "idle_time", "idle_share", "n_gaps", "longest_gap", "longest_gap_start", "longest_gap_text", "n_session_breaks",
                         "median_evaluation"))}})
    n = timeline_numbers(tl)
    n["duration_text"] = duration(n["duration"])
    n["longest_gap_text"] = duration(n["longest_gap"])
    n["n_session_breaks"] = int((tl.gaps["length"] > n["busy_time"]).sum())
    unit, size = time_unit(n["duration"])
    x_title = tr("time since the first start ({unit})", unit=unit)
    x_scale = alt.Scale(domain=[0, round(n["duration"] / size, 6)], nice=False, zero=True)
    aggregated = len(tl.runs) > MAX_BARS
    if aggregated:
        cells, per_row = busy_bins(tl)
        cells["t0"] = ((cells["b0"] - tl.start) / size).round(6)
        cells["t1"] = ((cells["b1"] - tl.start) / size).round(6)
        lanes = alt.Chart(cells.drop(columns=["b0", "b1"])).mark_rect().encode(
            x=alt.X("t0:Q", title=None, scale=x_scale, axis=alt.Axis(labels=False, ticks=False)), x2="t1:Q",
            y=alt.Y("lane:O", title=tr("worker (inferred)") if per_row == 1
                    else tr("workers, {n} per row", n=per_row),
                    axis=alt.Axis(labelExpr=_lane_labels(int(cells["lane"].max())))),
            color=alt.Color("busy:Q", title=tr("busy share"), scale=alt.Scale(scheme="blues", domain=[0, 1]),
                            legend=alt.Legend(format=".0%", orient="right")),
            tooltip=[alt.Tooltip("lane:O", title=tr("worker")), alt.Tooltip("busy:Q", title=tr("busy"), format=".0%")])
        curve_data = mean_running(tl)
        curve_data["time"] = ((curve_data["time"] - tl.start) / size).round(6)
        if per_row > 1:
            agg_note = tr("{n} evaluations: each worker's lane (grouped {per_row} workers per row) is drawn in {bins} "
                          "time bins shaded by how busy it was, the curve as the mean running count per bin (computed "
                          "over every evaluation).", n=len(tl.runs), per_row=per_row, bins=BINS)
        else:
            agg_note = tr("{n} evaluations: each worker's lane is drawn in {bins} time bins shaded by how busy it was, "
                          "the curve as the mean running count per bin (computed over every evaluation).",
                          n=len(tl.runs), bins=BINS)
    else:
        lanes = _bars(tl, options.get("color", "budget"), size, run).encode(
            x=alt.X("t0:Q", title=None, scale=x_scale, axis=alt.Axis(labels=False, ticks=False)))
        curve_data = tl.concurrency.assign(time=((tl.concurrency["time"] - tl.start) / size).round(6))
        agg_note = ""
    gaps = tl.gaps[tl.gaps["length"] >= GAP_SHARE * n["duration"]] if n["duration"] > 0 else tl.gaps.iloc[:0]
    gap_data = pd.DataFrame({"g0": ((gaps["start"] - tl.start) / size).round(6),
                             "g1": ((gaps["end"] - tl.start) / size).round(6),
                             "secs": gaps["length"].round(3)})
    shade = alt.Chart(gap_data).mark_rect(color="#f28b82", opacity=0.35).encode(
        x=alt.X("g0:Q", scale=x_scale), x2="g1:Q",
        tooltip=[alt.Tooltip("secs:Q", title=tr("idle seconds"), format=",.3~f")])
    top = alt.layer(shade, lanes).properties(width=WIDTH, height=LANES_HEIGHT)
    curve = alt.Chart(curve_data).mark_area(interpolate="step-after" if not aggregated else "linear",
                                            color="#5b8def", opacity=0.8, line={"color": "#1a4fb5"}).encode(
        x=alt.X("time:Q", title=x_title, scale=x_scale),
        y=alt.Y("running:Q", title=tr("running"), axis=_count_axis(n["workers"], aggregated)),
        tooltip=[alt.Tooltip("running:Q", title=tr("running"), format=".2~f")],
    ).properties(width=WIDTH, height=CURVE_HEIGHT)
    spec = alt.vconcat(top, curve, spacing=8).resolve_scale(color="independent").to_dict(validate=not aggregated)

    caption = " ".join(s for s in (
        _summary(n), _session_note(n),
        tr("Shaded: idle gaps (nothing running for at least 1 % of the run).") if len(gap_data) else "",
        tr("Workers are inferred from the start and finish times (the logs do not name them)."),
        agg_note,
        trn("{n} evaluation without times is left out.", "{n} evaluations without times are left out.",
            n["n_without_times"]) if n["n_without_times"] else "",
    ) if s)
    chart = Chart(id=chart_id, spec=spec, caption=caption)
    table = _lane_table(chart_id, tl, n)
    title = options.title or trn("{n} worker, {share} busy over {duration}", "{n} workers, {share} busy over {duration}",
                                 n["workers"], share=fmt.pct(n["busy_share"], 0), duration=n["duration_text"])
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart, table), notes=_notes(n), numbers={KIND: n})


def _count_axis(workers: int, aggregated: bool):
    """Whole numbers of running evaluations as ticks (0 … workers, at most 4 of them)."""
    import altair as alt

    step = max(1, int(np.ceil(workers / 3)))
    values = list(range(0, workers + 1, step))
    return alt.Axis(values=values, format="~d") if not aggregated else alt.Axis(values=values, format="~g")


def _lane_table(chart_id: str, tl, n: dict) -> Table:
    g = tl.runs.groupby("lane")
    lanes = pd.DataFrame({"worker": g.size().index + 1, "evaluations": g.size().to_numpy(),
                          "busy": g["duration"].sum().to_numpy()})
    lanes["busy_share"] = lanes["busy"] / n["duration"] if n["duration"] > 0 else None
    cols = (Column("worker", tr("worker"), "int"), Column("evaluations", tr("evaluations"), "int"),
            Column("busy", tr("busy (s)"), "num"), Column("busy_share", tr("busy share"), "pct"))
    return Table(id=f"{chart_id}-table", columns=cols, rows=records(lanes, [c.key for c in cols], digits=6),
                 key="worker", sort="worker", static_rows=4, filterable=False,
                 caption=tr("Per inferred worker: evaluations run and the share of the run it was busy."))


def _summary(n: dict) -> str:
    return trn("The run took {duration} on {n} worker (most evaluations running at once), busy {busy} of the time; "
               "nothing ran for {idle} of it.",
               "The run took {duration} on {n} workers (most evaluations running at once), busy {busy} of the time; "
               "nothing ran for {idle} of it.", n["workers"], duration=n["duration_text"],
               busy=fmt.pct(n["busy_share"], 0), idle=fmt.pct(n["idle_share"], 1))


def _notes(n: dict) -> str:
    parts = [_summary(n), tr("The median evaluation took {time}.", time=duration(n["median_evaluation"]))]
    if n["n_gaps"]:
        parts.append(trn("{n} idle gap of at least 1 % of the run; the longest lasted {time}.",
                         "{n} idle gaps of at least 1 % of the run; the longest lasted {time}.", n["n_gaps"],
                         time=n["longest_gap_text"]))
    return " ".join(p for p in parts + [_session_note(n)] if p)


def _session_note(n: dict) -> str:
    """A gap longer than all the work done is no idle worker: the logs join separate sessions, or
    the clock jumped."""
    if n.get("n_session_breaks"):
        k = n["n_session_breaks"]
        return trn("{n} idle gap (the longest {time}) lasts longer than all the evaluations together: the logs "
                   "probably join separate sessions (or the clock jumped), which is why the busy share is low.",
                   "{n} idle gaps (the longest {time}) last longer than all the evaluations together: the logs "
                   "probably join separate sessions (or the clock jumped), which is why the busy share is low.", k,
                   time=n["longest_gap_text"])
    return ""
