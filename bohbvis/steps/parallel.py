"""Parallel coordinates: every configuration as a line through its hyperparameters, budget and metric.

One vertical axis per hyperparameter (numeric ones on their own range, logarithmic where the
space is log; categorical, ordinal and bool ones as ordered bands, one per choice, the lines spread
inside a band), then the budget the configuration reached and the metric; lines are coloured by
the metric. Each configuration is drawn at its deciding evaluation (the largest budget it reached,
analysis/ranking.py). A conditional hyperparameter that is absent sits in an "absent" slot under
its axis.

Every axis is brushable: drag along it (interval params `pc_0` … `pc_<n>`, one per axis); lines
inside every brush keep their colour, the rest turn grey, and the linked table lists them (the
table ANDs the brushes, as the chart does).

How it is built: Vega-Lite has no parallel-coordinates mark, so the chart is a row of thin axis
views (each with its own y scale and brush) and the gaps between them, where each line segment
goes from its position on one axis to its position on the next (positions computed here, on the
same scales the axes use), laid out flush with no spacing.

Large runs: at most 1,000 lines — the 250 best configurations and a fixed-seed random sample of the
rest — and the slide says so.

Numbers (`{{ parallel.<name> }}`): n_configs (configurations with a value), n_lines (drawn),
n_axes, axes (list of {name, kind: "linear" | "log" | "bands", n_absent}), metric.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis.ranking import ranked_configs, rule_for
from ..i18n import tr, trn
from ..model import format as fmt
from ..model.run import Run
from ..model.space import Hyperparameter
from ..options import Bool, StepOptions
from ._base import Chart, Link, Slide, Table, UserText
from ._metric import metric_for, metric_option
from ._rows import base_columns, crashed_note, table_rows
from ._sampling import SAMPLE_SEED

KIND = "parallel"
DESCRIPTION = "Parallel coordinates of the configurations: log axes where the space is log, choices as bands, brush any axis."
OPTIONS = {
    "metric": metric_option(),
    "largest_budget_only": Bool(doc="Draw only the configurations evaluated on the run's largest budget (their "
                                "metric values compare directly); default: every configuration at the largest "
                                "budget it reached.", default=False),
}

MAX_LINES = 1000
BEST_LINES = 250
TOTAL_WIDTH = 1120
HEIGHT = 300
AXIS_WIDTH = 14
ABSENT_ROOM = 0.12  # share of an axis under its values kept for the "absent" slot
ABSENT_AT = 0.04
JITTER = 0.3  # lines spread inside a choice's band (± this, in band units)


@dataclass(frozen=True)
class Axis:
    name: str  # shown above the axis
    field: str  # y_<k>: the value the axis (and its brush) reads
    pos: str  # p_<k>: the 0–1 position the gap segments use
    kind: str  # "linear" | "log" | "bands"
    domain: tuple[float, float]
    ticks: tuple[float, ...]
    labels: tuple[str, ...]  # the text at each tick
    n_absent: int


def _fwd(kind: str, v):
    return np.log10(v) if kind == "log" else v


def _inv(kind: str, t):
    return 10 ** t if kind == "log" else t


def _nice_ticks(kind: str, lo: float, hi: float) -> list[float]:
    if kind == "log":
        a, b = math.floor(math.log10(lo) + 1e-9), math.ceil(math.log10(hi) - 1e-9)
        ticks = [10.0 ** e for e in range(a, b + 1) if lo * (1 - 1e-9) <= 10.0 ** e <= hi * (1 + 1e-9)]
        return ticks if len(ticks) >= 2 else [lo, hi]
    step = (hi - lo) / 4 or 1.0
    mag = 10 ** math.floor(math.log10(step))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= step), default=step)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]


def _tick_text(v: float, wide: bool) -> str:
    """d3's "~g" (or ".0e" on a log axis over three decades) in Python: 1e-09 -> 1e-9, 0.5 -> 0.5."""
    text = f"{v:.0e}" if wide else f"{v:.6g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), text)


def numeric_axis(k: int, name: str, values: pd.Series, hp: Hyperparameter | None, force_log: bool = False,
                 ticks: list[float] | None = None):
    v = pd.to_numeric(values, errors="coerce").astype(float)
    present = v.dropna()
    lo = float(present.min()) if len(present) else 0.0
    hi = float(present.max()) if len(present) else 1.0
    if hp is not None and hp.lower is not None and hp.upper is not None:
        lo, hi = min(lo, float(hp.lower)), max(hi, float(hp.upper))
    kind = "log" if (force_log or (hp is not None and hp.log)) and lo > 0 else "linear"
    if hi <= lo:
        lo, hi = (lo / 2, lo * 2) if kind == "log" else (lo - 0.5, hi + 0.5)
    n_absent = int(v.isna().sum())
    tlo, thi = _fwd(kind, lo), _fwd(kind, hi)
    if n_absent:
        tdlo = tlo - ABSENT_ROOM / (1 - ABSENT_ROOM) * (thi - tlo)
        slot = float(_inv(kind, tdlo + ABSENT_AT * (thi - tdlo)))
    else:
        tdlo, slot = tlo, None
    y = v.fillna(slot if slot is not None else lo)
    pos = (_fwd(kind, y.clip(lower=float(_inv(kind, tdlo)))) - tdlo) / (thi - tdlo)
    ticks = list(ticks) if ticks else _nice_ticks(kind, lo, hi)
    wide = kind == "log" and hi / lo > 1e3
    labels = [_tick_text(t, wide) for t in ticks]
    if slot is not None:
        ticks, labels = [slot] + ticks, [tr("absent")] + labels
    axis = Axis(name=name, field=f"y_{k}", pos=f"p_{k}", kind=kind,
                domain=(float(_inv(kind, tdlo)), hi), ticks=tuple(float(t) for t in ticks), labels=tuple(labels),
                n_absent=n_absent)
    # Significant digits, not decimals: an l2 decay of 3e-9 must not round to 0.
    return axis, y.map(lambda x: float(f"{x:.8g}")), pos.round(5)


def band_axis(k: int, name: str, values: pd.Series, choices: list, jitter: np.ndarray):
    text = values.map(lambda c: None if c is None or c is pd.NA or (isinstance(c, float) and c != c) else str(c))
    order = [str(c) for c in choices]
    order += sorted(set(text.dropna()) - set(order))
    code = text.map({c: i for i, c in enumerate(order)})
    n_absent = int(code.isna().sum())
    labels = list(order)
    if n_absent:
        code = code.fillna(-1)
        lo = -1.5
    else:
        lo = -0.5
    hi = len(order) - 0.5
    y = code.astype(float) + jitter * JITTER * 2
    pos = (y - lo) / (hi - lo)
    ticks = ([-1.0] if n_absent else []) + [float(i) for i in range(len(order))]
    labels = ([tr("absent")] if n_absent else []) + labels
    axis = Axis(name=name, field=f"y_{k}", pos=f"p_{k}", kind="bands", domain=(lo, hi), ticks=tuple(ticks),
                labels=tuple(labels), n_absent=n_absent)
    return axis, y.round(5), pos.round(5)


def _choices(hp: Hyperparameter, values: pd.Series) -> list:
    if hp.choices:
        return list(hp.choices)
    return sorted(values.dropna().astype(str).unique())


def drawn(ranked: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    if len(ranked) <= MAX_LINES:
        return ranked, ""
    rest = ranked.iloc[BEST_LINES:]
    rng = np.random.default_rng(SAMPLE_SEED)
    pick = np.sort(rng.choice(len(rest), size=MAX_LINES - BEST_LINES, replace=False))
    note = tr("Lines: the {best} best of {n} configurations and a random {rest} of the rest (fixed seed {seed}), to "
              "keep the deck small.", best=BEST_LINES, n=len(ranked), rest=MAX_LINES - BEST_LINES, seed=str(SAMPLE_SEED))
    return pd.concat([ranked.iloc[:BEST_LINES], rest.iloc[pick]]), note


def build(run: Run, options: StepOptions) -> Slide:

    metric = metric_for(run, options.get("metric", "auto"))
    f = metric.field
    ranked = ranked_configs(run, rule_for(run, "accuracy" if f == "accuracy" else "loss"))
    if options.get("largest_budget_only", False) and len(ranked):
        ranked = ranked[ranked["budget"] == run.max_budget]
    lines, cap_note = drawn(ranked)
    # Best drawn last, on top: the lines the eye looks for are never buried under worse ones.
    lines = lines.sort_values("rank", ascending=False, kind="stable").reset_index(drop=True)
    h = pd.util.hash_pandas_object(lines["config_id"].astype(str), index=False).to_numpy()
    data = pd.DataFrame({"sample_id": lines["sample_id"], "config_id": lines["config_id"],
                         "rank": lines["rank"], "metric": lines[f].round(6),
                         "budget_label": lines["budget"].map(fmt.budget)})
    axes: list[Axis] = []
    for hp in run.space:
        k = len(axes)
        col = lines[hp.column]
        jitter = ((h >> np.uint64(8 * (k % 6))) % np.uint64(1000)).astype(float) / 1000 - 0.5
        if hp.is_numeric and pd.to_numeric(col, errors="coerce").notna().sum() >= col.notna().sum():
            axis, y, p = numeric_axis(k, hp.name, col, hp)
        else:
            axis, y, p = band_axis(k, hp.name, col, _choices(hp, col), jitter)
        axes.append(axis)
        data[axis.field], data[axis.pos] = y.to_numpy(), p.to_numpy()
    k = len(axes)
    axis, y, p = numeric_axis(k, tr("budget"), lines["budget"], None, force_log=True,
                              ticks=[b for b in run.budgets if b > 0])
    axes.append(axis)
    data[axis.field], data[axis.pos] = y.to_numpy(), p.to_numpy()
    k = len(axes)
    v = lines[f].astype(float)
    log_metric = f == "loss" and len(v) and v.min() > 0 and v.max() / v.min() > 20
    axis, y, p = numeric_axis(k, metric.name, v, None, force_log=bool(log_metric))
    axes.append(axis)
    data[axis.field], data[axis.pos] = y.to_numpy(), p.to_numpy()

    spec = _spec(data, axes, metric)
    chart_id = f"s{options.index}-parallel"
    n = {
        "metric": f, "n_configs": int(len(ranked)), "n_lines": int(len(lines)), "n_axes": len(axes),
        "axes": [{"name": a.name, "kind": a.kind, "n_absent": a.n_absent} for a in axes],
    }
    logs = [a.name for a in axes[:-2] if a.kind == "log"]
    caption = " ".join(s for s in (
        trn("{n} configuration at the largest budget it reached, coloured by {metric}; drag along any axes to brush "
            "it. Colours span the best 90 % of the {metric} values (the worst tenth share the end colour).",
            "{n} configurations at the largest budget each reached, coloured by {metric}; drag along any axes to "
            "brush them. Colours span the best 90 % of the {metric} values (the worst tenth share the end colour).",
            len(lines), metric=metric.name),
        tr("Log axes: {names}.", names=tr(", ").join(logs)) if logs else "", cap_note, crashed_note(run)) if s)
    links = tuple(Link(param=f"pc_{i}", key="sample_id") for i in range(len(axes)))
    chart = Chart(id=chart_id, spec=spec, links=links, caption=caption,
                  state=tr("No axis brushed: every line in colour."))
    columns = base_columns(run, metric)
    rows = lines.assign(**{a.field: data[a.field].to_numpy() for a in axes})
    table = Table(id=f"{chart_id}-table", columns=columns,
                  rows=table_rows(rows, columns, extra=tuple(a.field for a in axes)),
                  follows=(chart_id,), sort=metric.sort, static_rows=4,
                  empty_text=tr("Drag along an axis to list the configurations inside the brush."))
    title = options.title or trn("Every configuration across its {n} hyperparameter",
                                 "Every configuration across its {n} hyperparameters", len(run.space))
    notes = [tr("Each line is one configuration. Lines that bunch together on an axis among the best colours say "
                "that hyperparameter matters there; lines spread over the whole axis say it does not.")]
    if any(a.kind == "bands" for a in axes):
        notes.append(tr("Categorical axes are ordered bands, one per choice."))
    if any(a.n_absent for a in axes):
        notes.append(tr("A conditional hyperparameter that is absent sits in the 'absent' slot under its axis."))
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart, table), notes=" ".join(notes),
                 numbers={KIND: n})


COLOR_QUANTILE = 0.9


def color_domain(values: pd.Series, metric) -> tuple[float, float]:
    """From the best value to the 90th-percentile worst: a few diverged runs would otherwise take
    the whole colour range and paint every other line the same. The worst 10 % share the end colour."""
    v = values.dropna().astype(float)
    if v.empty:
        return (0.0, 1.0)
    if metric.higher_is_better:
        lo, hi = float(v.quantile(1 - COLOR_QUANTILE)), float(v.max())
    else:
        lo, hi = float(v.min()), float(v.quantile(COLOR_QUANTILE))
    return (round(lo, 6), round(hi, 6)) if hi > lo else (float(v.min()), float(v.max()) + 1e-9)


def _spec(data: pd.DataFrame, axes: list[Axis], metric) -> dict:
    import altair as alt

    n_axes = len(axes)
    gap = (TOTAL_WIDTH - n_axes * AXIS_WIDTH) / max(n_axes - 1, 1)
    # A strong brush colour: on a 14 px axis the default pale grey box is hard to see.
    params = [alt.selection_interval(name=f"pc_{i}", encodings=["y"], mark=alt.BrushConfig(
        fill="#1a73e8", fillOpacity=0.3, stroke="#1a73e8", strokeWidth=1.5)) for i in range(n_axes)]
    import functools
    import operator

    inside = functools.reduce(operator.and_, params)
    color = alt.condition(inside, alt.Color("metric:Q", title=metric.name, scale=alt.Scale(
        scheme="viridis", reverse=not metric.higher_is_better, domain=list(color_domain(data["metric"], metric)),
        clamp=True), legend=alt.Legend(
        orient="right", format=metric.d3_format, gradientLength=200)), alt.value("#d5d8dc"))
    base = alt.Chart()  # the data is given once, to the whole row of views
    views = []
    for i, a in enumerate(axes):
        scale = alt.Scale(type="log" if a.kind == "log" else "linear", domain=list(a.domain), nice=False,
                          zero=False)
        ticks = base.mark_tick(thickness=1, size=AXIS_WIDTH - 2, opacity=0.6).encode(
            y=alt.Y(f"{a.field}:Q", scale=scale, axis=alt.Axis(
                title=None, values=list(a.ticks), labels=False, grid=False, domainWidth=1.5)),
            color=alt.condition(inside, alt.value("#3c4043"), alt.value("#d5d8dc")),
            tooltip=[alt.Tooltip("config_id:N", title=tr("configuration")),
                     alt.Tooltip("budget_label:N", title=tr("budget")),
                     alt.Tooltip("metric:Q", title=metric.name, format=metric.d3_format)],
        ).add_params(params[i])
        # The tick labels as text marks with a white halo drawn first: over a bundle of lines,
        # plain axis labels are unreadable (Vega axes have no label background).
        label_data = alt.InlineData(values=[{"v": t, "text": x} for t, x in zip(a.ticks, a.labels)])
        label_y = alt.Y("v:Q", scale=scale, axis=None)
        halo = alt.Chart(label_data).mark_text(align="right", dx=-5, fontSize=12, stroke="white", strokeWidth=4,
                                               strokeOpacity=0.85, strokeJoin="round").encode(
            y=label_y, x=alt.value(0), text="text:N")
        text = alt.Chart(label_data).mark_text(align="right", dx=-5, fontSize=12, color="#3c4043").encode(
            y=label_y, x=alt.value(0), text="text:N")
        axis_view = alt.layer(ticks, halo, text).properties(
            width=AXIS_WIDTH, height=HEIGHT, view=alt.ViewBackground(stroke=None),
            title=alt.Title(a.name, fontSize=12, orient="top" if i % 2 == 0 else "bottom", limit=gap + 40,
                            anchor="middle", offset=4))
        views.append(axis_view)
        if i + 1 < n_axes:
            b = axes[i + 1]
            seg = base.mark_rule(strokeWidth=1, opacity=0.45).encode(
                x=alt.datum(0, scale=alt.Scale(domain=[0, 1]), axis=None), x2=alt.datum(1),
                y=alt.Y(f"{a.pos}:Q", scale=alt.Scale(domain=[0, 1], nice=False, zero=False), axis=None),
                y2=alt.Y2(f"{b.pos}:Q"), color=color, detail="config_id:N",
                tooltip=[alt.Tooltip("config_id:N", title=tr("configuration")),
                         alt.Tooltip("metric:Q", title=metric.name, format=metric.d3_format)],
            ).properties(width=gap, height=HEIGHT, view=alt.ViewBackground(stroke=None))
            views.append(seg)
    chart = alt.hconcat(*views, data=data, spacing=0, bounds="flush").resolve_scale(y="independent", x="independent")
    # Altair would schema-check the whole spec with its 1,000 inline rows (seconds); the tests
    # validate it against the schema instead.
    return _flat_and(chart.to_dict(validate=False))


def _flat_and(node):
    """Altair nests `a & b & c` as and(and(a, b), c); one flat list reads (and tests) better."""
    if isinstance(node, dict):
        if set(node) == {"and"}:
            flat = []
            for part in (_flat_and(p) for p in node["and"]):
                flat += part["and"] if isinstance(part, dict) and set(part) == {"and"} else [part]
            return {"and": flat}
        return {k: _flat_and(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_flat_and(v) for v in node]
    return node
