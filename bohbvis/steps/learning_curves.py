"""Learning curves: each configuration's metric across the budgets it was run on; do low budgets
predict high ones?

Left: one line per configuration that reached two or more budgets (the promoted ones), coloured by
bracket or by final rank (analysis/ranking.py), over every evaluation as a dot. Dragging a box (the
interval param `lc_brush`, on budget and metric) — e.g. a band around one budget — lists those
evaluations in the linked table and is carried to later slides. Right: per budget step, how often
the round's winner at budget b was still in the top third of its next round (analysis/
learning_curves.py), with the count of steps.

Numbers (`{{ learning_curves.<name> }}`):
  metric              "accuracy" or "loss"
  n_configs, n_multi  configurations with a value; those on 2+ budgets (lines)
  n_lines             lines drawn (≤ 400: the 200 best by final rank + a seeded sample of the rest)
  n_steps             informative round → next-round steps (next round ≥ 3 evaluations)
  n_holds, share_holds   winners still in the top third at the next budget (count, share 0–1)
  n_small_steps, n_absent_steps   steps left out (next round too small; winner not in it)
  per_step            [{budget, next_budget, n_steps, n_holds, share, rho, n_pairs}] per budget step
                      (rho: Spearman between the two budgets over configurations run on both)
  rho_first_last      ρ of the first budget step (None when not computable)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.learning_curves import multi_budget_configs, rank_agreement, winner_persistence
from ..analysis.ranking import ranked_configs, rule_for
from ..i18n import tr, trn
from ..model import format as fmt
from ..model.run import Run
from ..options import Choice, StepOptions
from ._base import Chart, Link, Slide, Table, UserText
from ._spec import vega_lite
from ._metric import metric_for, metric_option, metric_scale
from ._rows import base_columns, crashed_note, number, table_rows
from ._sampling import SAMPLE_SEED

KIND = "learning_curves"
DESCRIPTION = "Learning curves: each configuration's metric across its budgets; do low budgets predict high ones?"
OPTIONS = {
    "metric": metric_option(),
    "color": Choice(doc="What colours the lines: the bracket, or the configuration's final rank (top 10 %, "
                    "top third, the rest; ranked by the deck's one definition of best).",
                    default="rank", choices=("rank", "bracket")),
}

PARAM = "lc_brush"
CURVES_WIDTH, BARS_WIDTH, HEIGHT = 640, 300, 270
MAX_LINES = 400
BEST_LINES = 200


def rank_bands() -> tuple[str, str, str]:
    """The final-rank bands lines are coloured by (data values and legend), in the deck's language."""
    return tr("top 10 %"), tr("top third"), tr("the rest")

# Dots drawn at most (every dot is also a table row): below the deck-wide MAX_POINTS, because
# this slide's rows carry every hyperparameter for the table.
MAX_DOTS = 2000


def _rank_band(rank: pd.Series, n: int) -> pd.Series:
    bands = rank_bands()
    return pd.Series(np.where(rank <= max(1, np.ceil(n * 0.1)), bands[0],
                              np.where(rank <= max(1, np.ceil(n / 3)), bands[1], bands[2])),
                     index=rank.index)


def drawn_configs(ranked: pd.DataFrame, multi: pd.Index) -> tuple[list[str], str]:
    """The configurations drawn as lines: all when ≤ MAX_LINES, else the BEST_LINES best by final
    rank plus a fixed-seed sample of the rest (the rule is stated on the slide)."""
    lines = ranked[ranked["config_id"].isin(multi)]
    ids = lines["config_id"].tolist()
    if len(ids) <= MAX_LINES:
        return ids, ""
    best = ids[:BEST_LINES]
    rest = ids[BEST_LINES:]
    rng = np.random.default_rng(SAMPLE_SEED)
    pick = sorted(rng.choice(len(rest), size=MAX_LINES - BEST_LINES, replace=False))
    note = tr("Lines: the {best} best of {n} multi-budget configurations and a random {rest} of the rest (fixed "
              "seed {seed}); the numbers use all of them.", best=BEST_LINES, n=len(ids), rest=MAX_LINES - BEST_LINES,
              seed=str(SAMPLE_SEED))
    return best + [rest[i] for i in pick], note


def _jitter(config_ids: pd.Series, eta: float | None) -> np.ndarray:
    """A fixed sideways factor per configuration (a fifth of a budget step at most, the same on
    every budget so a line keeps its shape): dots at one budget stop hiding each other."""
    codes = pd.util.hash_pandas_object(config_ids.astype(str), index=False).to_numpy() % 10_000 / 10_000
    step = np.log10(eta) if eta and eta > 1 else 0.3
    return 10 ** ((codes - 0.5) * 0.2 * step)


def build(run: Run, options: StepOptions) -> Slide:
    import altair as alt

    metric = metric_for(run, options.get("metric", "auto"))
    color_by = options.get("color", "rank")
    f = metric.field
    ok = run.ok[run.ok[f].notna()]
    rule = rule_for(run, "accuracy" if f == "accuracy" else "loss")
    ranked = ranked_configs(run, rule)
    multi = multi_budget_configs(run, f)
    line_ids, lines_note = drawn_configs(ranked, multi)

    # Dots: the drawn lines' evaluations, then a fixed-seed sample of the others up to MAX_POINTS.
    on_lines = ok[ok["config_id"].isin(set(line_ids))]
    others = ok[~ok["config_id"].isin(set(line_ids))]
    room = max(MAX_DOTS - len(on_lines), 0)
    dots_note = ""
    if len(others) > room:
        rng = np.random.default_rng(SAMPLE_SEED)
        others = others.iloc[np.sort(rng.choice(len(others), size=room, replace=False))]
        dots_note = tr("Dots: {n} of {total} evaluations (every one on a line, a random sample of the rest).",
                       n=len(on_lines) + len(others), total=len(ok))
    shown = pd.concat([on_lines, others]).sort_index(kind="stable")
    rank_of = ranked.set_index("config_id")["rank"]
    pts = shown[["sample_id", "config_id", "bracket", "round", "budget", "sample_type", f]].copy()
    # 6 significant digits, like the table's cells: the brush filters both on the same values.
    pts["budget_x"] = [float(f"{v:.6g}") for v in pts["budget"].to_numpy(dtype=float) * _jitter(pts["config_id"], run.eta)]
    pts[f] = pts[f].round(6)
    pts["rank"] = pts["config_id"].map(rank_of).astype("Int64")
    pts["rank_band"] = _rank_band(pts["rank"].fillna(len(ranked) + 1).astype(int), len(ranked))
    pts["on_line"] = pts["config_id"].isin(set(line_ids))
    pts["budget_label"] = pts["budget"].map(fmt.budget)

    pers = winner_persistence(run, f, metric.higher_is_better)
    agree = rank_agreement(run, f)
    n = _numbers(run, metric, ranked, multi, line_ids, pers, agree)

    brush = alt.selection_interval(name=PARAM, encodings=["x", "y"])
    y_scale, cut_note = _y_scale(metric, pts)
    x = alt.X("budget_x:Q", title=tr("budget (log; lines spread a little sideways)"),
              scale=alt.Scale(type="log", nice=False, padding=12),
              axis=alt.Axis(values=[number(b) for b in run.budgets], format="~g"))
    y = alt.Y(f"{f}:Q", title=metric.label, scale=y_scale, axis=alt.Axis(format=metric.d3_format))
    if color_by == "bracket":
        color = alt.Color("bracket:O", title=tr("bracket"), legend=alt.Legend(columns=2, symbolType="stroke"))
    else:
        color = alt.Color("rank_band:N", title=tr("final rank"), scale=alt.Scale(domain=list(rank_bands()),
                          range=["#d62728", "#1f77b4", "#b0b7bf"]), legend=alt.Legend(symbolType="stroke"))
    tips = [alt.Tooltip("config_id:N", title=tr("configuration")), alt.Tooltip("sample_id:N", title=tr("sample")),
            alt.Tooltip("bracket:O", title=tr("bracket")), alt.Tooltip("budget_label:N", title=tr("budget")),
            alt.Tooltip(f"{f}:Q", title=metric.name, format=metric.d3_format),
            alt.Tooltip("rank:Q", title=tr("final rank"))]
    lines = alt.Chart(pts).transform_filter("datum.on_line").mark_line(strokeWidth=1.4, clip=True).encode(
        x=x, y=y, color=color, detail="config_id:N", order="budget_x:Q",
        opacity=alt.condition(brush, alt.value(0.75), alt.value(0.12)))
    dots = alt.Chart(pts).mark_circle(size=26, clip=True).encode(
        x=x, y=y, color=color, tooltip=tips,
        opacity=alt.condition(brush, alt.value(0.85), alt.value(0.15))).add_params(brush)
    left = alt.layer(lines, dots).properties(
        width=CURVES_WIDTH, height=HEIGHT,
        title=alt.Title(tr("One line per configuration run on several budgets: drag a box to list them"),
                        anchor="start", fontSize=14))
    spec = vega_lite(alt.hconcat(left, _bars(n, metric), spacing=36).resolve_scale(color="independent"))

    chart_id = f"s{options.index}-learning-curves"
    caption = " ".join(s for s in (_summary(n, metric), lines_note, dots_note, cut_note, crashed_note(run)) if s)
    chart = Chart(id=chart_id, spec=spec, links=(Link(param=PARAM, key="sample_id", carry=True),),
                  caption=caption, state=tr("No box drawn: the table lists every drawn evaluation."))
    columns = base_columns(run, metric)
    table = Table(id=f"{chart_id}-table", columns=columns,
                  rows=table_rows(shown.assign(budget_x=pts["budget_x"], **{f: pts[f]}), columns,
                                  extra=("budget_x",), digits=6),
                  follows=(chart_id,), sort=metric.sort, static_rows=4,
                  empty_text=tr("Drag a box on the curves (a budget band) to list those evaluations here."))
    title = options.title or _title(n)
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart, table), notes=_notes(n, metric),
                 numbers={KIND: n})


def _y_scale(metric, pts: pd.DataFrame):
    """The y axis spans the lines (the promoted configurations are the subject), not the worst
    single-budget dots, which would squash every line into one; dots beyond it are cut off, and
    the caption says how many."""
    import altair as alt

    f = metric.field
    on = pts.loc[pts["on_line"], f]
    if on.empty or pts[f].nunique() < 2:
        return metric_scale(metric, pts[f]), ""
    lo, hi = float(on.min()), float(on.max())
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    log = f == "loss" and lo > 0 and hi / lo > 20
    domain = [lo / 1.2, hi * 1.2] if log else [lo - pad, hi + pad]
    if f == "accuracy":
        domain = [max(domain[0], 0.0), min(domain[1], 1.0)]
    cut = int(((pts[f] < domain[0]) | (pts[f] > domain[1])).sum())
    note = trn("{n} single-budget dot lies outside the y axis (it spans the lines).",
               "{n} single-budget dots lie outside the y axis (it spans the lines).", cut) if cut else ""
    if log:
        return alt.Scale(type="log", domain=domain, nice=False), note
    return alt.Scale(domain=domain, nice=False, zero=False), note


def _numbers(run, metric, ranked, multi, line_ids, pers, agree) -> dict:
    per_step = []
    for r in agree.itertuples(index=False):
        s = pers.steps[(pers.steps["budget"] == r.budget) & (pers.steps["next_budget"] == r.next_budget)]
        per_step.append({"budget": number(r.budget), "next_budget": number(r.next_budget),
                         "n_steps": int(len(s)), "n_holds": int(s["holds"].sum()),
                         "share": float(s["holds"].mean()) if len(s) else None,
                         "rho": r.rho, "n_pairs": int(r.n)})
    n_steps = int(len(pers.steps))
    return {
        "metric": metric.field,
        "n_configs": int(len(ranked)), "n_multi": int(len(multi)), "n_lines": len(line_ids),
        "n_steps": n_steps, "n_holds": int(pers.steps["holds"].sum()) if n_steps else 0,
        "share_holds": float(pers.steps["holds"].mean()) if n_steps else None,
        "n_small_steps": pers.n_small, "n_absent_steps": pers.n_absent,
        "per_step": per_step,
        "rho_first_last": per_step[0]["rho"] if per_step else None,
    }


def _bars(n: dict, metric):
    import altair as alt

    rows = [{"step": f"{fmt.budget(s['budget'])} → {fmt.budget(s['next_budget'])}", "share": round(s["share"], 6),
             "label": tr("{share} of {n}", share=fmt.pct(s["share"], 0), n=s["n_steps"]), "order": i}
            for i, s in enumerate(n["per_step"]) if s["n_steps"]]
    data = pd.DataFrame(rows, columns=["step", "share", "label", "order"])
    base = alt.Chart(data).encode(
        y=alt.Y("step:N", title=tr("budget step"), sort=alt.EncodingSortField("order")),
        x=alt.X("share:Q", title=tr("winner still in the top third"), scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%", values=[0, 0.5, 1])))
    bars = base.mark_bar(color="#5b8def", height=16)
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text="label:N")
    return alt.layer(bars, labels).properties(
        width=BARS_WIDTH, height=HEIGHT,
        title=alt.Title(tr("Each round's winner, one budget later"), anchor="start", fontSize=14))


def _summary(n: dict, metric) -> str:
    if not n["n_steps"]:
        return tr("No round was followed by a round of 3 or more evaluations, so there is no winner to follow.")
    return trn("In {k} of {n} round ({share}) the winner at one budget was still in the top third of its next round, "
               "by {metric}.",
               "In {k} of {n} rounds ({share}) the winner at one budget was still in the top third of its next round, "
               "by {metric}.", n["n_steps"], k=n["n_holds"], share=fmt.pct(n["share_holds"], 0), metric=metric.name)


def _title(n: dict) -> str:
    if not n["n_steps"]:
        return tr("Learning curves across budgets")
    return tr("A round's winner stays in the top third {share} of the time", share=fmt.pct(n["share_holds"], 0))


def _notes(n: dict, metric) -> str:
    parts = [tr("Each line is one configuration that was promoted: its value at each budget it reached. "
                "Hyperband works when the order at a small budget foretells the order at a larger one.")]
    rhos = [s for s in n["per_step"] if s["rho"] is not None]
    if rhos:
        # i18n: {steps} lists "1 → 3: 0.61 (45 configurations)", one item per budget step.
        parts.append(tr("Rank agreement (Spearman ρ) between consecutive budgets: {steps}.", steps=tr(", ").join(
            trn("{budget} → {next_budget}: {rho:.2f} ({n} configuration)",
                "{budget} → {next_budget}: {rho:.2f} ({n} configurations)", s["n_pairs"],
                budget=fmt.budget(s["budget"]), next_budget=fmt.budget(s["next_budget"]), rho=s["rho"])
            for s in rhos)))
    if n["n_absent_steps"] and not n["n_small_steps"]:
        parts.append(trn("Left out: {n} round whose winner did not go on.",
                         "Left out: {n} rounds whose winner did not go on.", n["n_absent_steps"]))
    elif n["n_absent_steps"]:
        parts.append(tr("Left out: {small} rounds whose next round had under 3 evaluations, {absent} whose winner did "
                        "not go on.", small=n["n_small_steps"], absent=n["n_absent_steps"]))
    elif n["n_small_steps"]:
        parts.append(trn("Left out: {n} round whose next round had under 3 evaluations.",
                         "Left out: {n} rounds whose next round had under 3 evaluations.", n["n_small_steps"]))
    return " ".join(parts)
