"""Step kind `budgets`: the metric's spread per budget, and whether low budgets rank like high ones.

Mirrors the seed's case study 3 ("accuracy at budget 100 is about the same as at 300, so the next
run can use a lower maximum budget"), computed: for every pair of budgets, the configurations
evaluated on both are ranked on each, and Spearman's ρ says how alike the two rankings are.

Numbers (`{{ budgets.<name> }}`):
  metric            "accuracy" | "loss"
  n                 ok evaluations drawn;  n_crashed: crashed ones left out
  medians           {budget label: median metric over that budget's evaluations}
  pairs             [{low, high, n, rho, same_winner, winner_rank}] for every budget pair
  low_budget, high_budget   the pair the verdict is about (the largest budget and the highest
                    lower budget with ≥ 3 configurations on both), None when there is none
  n_pair, rho       configurations on both budgets of that pair, and their rank correlation
  same_winner       whether the best of them at the low budget is also the best at the high one
  winner_rank       the rank at the high budget of the low budget's best (1 = same winner)
  median_low, median_high   the same configurations' median metric at each budget of the pair
  verdict           the computed sentence shown on the slide
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..analysis import budgets as analysis_budgets
from ..i18n import localize_digits, tr, trn
from ..model import format as fmt
from ..options import Bool
from ._base import Chart, Html, Slide, UserText
from ._heavy import heavy_numbers
from ._spec import vega_lite
from ._metric import Metric, metric_for, metric_option
from ._rows import crashed_note, number, plain
from ._sampling import MAX_POINTS, SAMPLE_SEED, sample_points
from ._html import esc
from ._units import signed

KIND = "budgets"
DESCRIPTION = "The metric per budget, and whether configurations rank the same on low and high budgets."
OPTIONS = {
    "metric": metric_option(),
    "points": Bool(doc="Draw each evaluation as a dot beside its budget's box.", default=True),
}

MIN_PAIR = analysis_budgets.MIN_PAIR


# --- box-plot statistics, shared with `sampling` ---------------------------------------------


def box_stats(df: pd.DataFrame, by: list[str], field: str) -> pd.DataFrame:
    """Tukey boxes per group, computed in Python so big runs stay small in the deck:
    quartiles (linear interpolation, as Vega's quantiles), whiskers at the furthest values
    within 1.5 IQR of the box, the median and n."""
    rows = []
    for key, g in df.groupby(by, sort=True, observed=True):
        v = g[field].dropna().to_numpy(dtype=float)
        if not len(v):
            continue
        q1, med, q3 = np.quantile(v, [0.25, 0.5, 0.75])
        iqr = q3 - q1
        lo = v[v >= q1 - 1.5 * iqr].min()
        hi = v[v <= q3 + 1.5 * iqr].max()
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key)), "q1": q1, "median": med, "q3": q3, "lo": lo, "hi": hi, "n": len(v)})
    return pd.DataFrame(rows, columns=[*by, "q1", "median", "q3", "lo", "hi", "n"])


def zoom_domain(values: pd.Series, stats: pd.DataFrame) -> tuple[list[float] | None, int]:
    """A y domain around the whiskers when a few extreme values (a diverged training's loss of 10
    beside losses near 0.5) would squash every box flat; None when the full range reads fine.
    Also returns how many values fall outside it (the caption says so)."""
    if not len(stats) or not len(values):
        return None, 0
    lo, hi = float(stats["lo"].min()), float(stats["hi"].max())
    span = hi - lo
    full = float(values.max() - values.min())
    if span <= 0 or full <= 3 * span:
        return None, 0
    pad = 0.08 * span
    domain = [lo - pad, hi + pad]
    return domain, int(((values < domain[0]) | (values > domain[1])).sum())


def strip_box(points: pd.DataFrame | None, stats: pd.DataFrame, *, x: str, x_order: list[str], x_title: str,
              metric: Metric, color=None, width: int, height: int, tooltip_extra: tuple = (),
              y_domain: list[float] | None = None, title=None):
    """Boxes (whisker rule, IQR bar, median tick) per x category, with optional jittered dots.

    Both frames carry `offset` (a float in [0, n_groups)) placing a group inside the x band, so
    the dots and boxes of one group line up; `points` also carries a random `jitter` around it.
    `y_domain` (from `zoom_domain`) clips the dots to the boxes' range; `title`: the chart's.
    """
    import altair as alt

    n_groups = max(int(math.floor(stats["offset"].max())) + 1, 1) if len(stats) else 1
    offset_scale = alt.Scale(domain=[0, n_groups])
    x_enc = alt.X(f"{x}:O", sort=x_order, title=x_title, axis=alt.Axis(labelAngle=0))
    y_title = metric.label
    y_axis = alt.Axis(format=".0%") if metric.field == "accuracy" else alt.Axis()
    y_scale = alt.Scale(zero=False, domain=y_domain, nice=False) if y_domain else alt.Scale(zero=False)
    enc_color = {"color": color} if color is not None else {}
    fmt_q = metric.d3_format
    tips = [alt.Tooltip(f"{x}:O", title=x_title), *tooltip_extra,
            alt.Tooltip("n:Q", title=tr("evaluations")),
            alt.Tooltip("median:Q", title=tr("median accuracy") if metric.field == "accuracy" else tr("median loss"),
                        format=fmt_q),
            alt.Tooltip("q1:Q", title=tr("lower quartile"), format=fmt_q),
            alt.Tooltip("q3:Q", title=tr("upper quartile"), format=fmt_q)]
    base = alt.Chart(stats).encode(x=x_enc, xOffset=alt.XOffset("offset:Q", scale=offset_scale, title=None))
    whisker = base.mark_rule(strokeWidth=1.5).encode(
        y=alt.Y("lo:Q", title=y_title, axis=y_axis, scale=y_scale), y2="hi:Q", **enc_color)
    box = base.mark_rule(strokeWidth=14, opacity=0.45).encode(y="q1:Q", y2="q3:Q", tooltip=tips, **enc_color)
    median = base.mark_tick(thickness=3, size=22).encode(y="median:Q", tooltip=tips, **enc_color)
    layers = [whisker, box, median]
    if points is not None and len(points):
        layers.insert(0, alt.Chart(points).mark_circle(size=14, opacity=0.35, clip=True).encode(
            x=x_enc, xOffset=alt.XOffset("jitter:Q", scale=offset_scale, title=None),
            y=alt.Y(f"{metric.field}:Q"), **enc_color,
            tooltip=[alt.Tooltip("sample_id:N", title=tr("sample")),
                     alt.Tooltip(f"{metric.field}:Q", title=metric.name, format=fmt_q)]))
    # One constructor call per composite chart: each fluent call on one deep-copies it (and its layers).
    extra = {} if title is None else {"title": title}
    return alt.LayerChart(layer=layers, width=width, height=height, **extra)


def jitter(n: int, offset: np.ndarray | float, spread: float = 0.6) -> np.ndarray:
    """Fixed-seed horizontal positions around `offset` (±spread/2): dots don't hide each other."""
    rng = np.random.default_rng(SAMPLE_SEED)
    return np.round(np.asarray(offset, dtype=float) + (rng.random(n) - 0.5) * spread, 3)


def budget_labels(budgets) -> tuple[list[str], dict[float, str]]:
    """Readable labels for the budgets (81.0 -> '81'), in ascending order."""
    order = sorted(float(b) for b in budgets)
    labels = {b: fmt.budget(b) for b in order}
    return [labels[b] for b in order], labels


# --- rank agreement across budgets -----------------------------------------------------------


def budget_pairs(ok: pd.DataFrame, metric: Metric) -> list[dict]:
    """For each budget pair, the configurations evaluated on both (bohbvis.analysis.budgets)."""
    return analysis_budgets.budget_pairs(ok, metric.field, metric.higher_is_better)


verdict_pair = analysis_budgets.verdict_pair

HEAVY_IMPORTS = ("scipy.stats",)  # Spearman's ρ (bohbvis/steps/_heavy.py)


def analyze(run, options) -> list[dict]:
    """The heavy numbers: every budget pair's rank agreement (scipy.stats)."""
    metric = metric_for(run, options.get("metric", "auto"))
    return budget_pairs(run.ok[run.ok[metric.field].notna()], metric)


def _ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _about_same(metric: Metric, a: float, b: float) -> bool:
    # One percentage point of accuracy, or 5% of the loss, is within run-to-run noise of most
    # trainings: call that "about the same" rather than claim a difference.
    if metric.field == "accuracy":
        return abs(b - a) <= 0.01
    return abs(b - a) <= 0.05 * max(abs(a), abs(b), 1e-12)


def _near_ties(pair: dict, metric: Metric) -> bool:
    # A low ρ among near-ties is noise, not a verdict on the budget (accuracy only: one percentage
    # point is a natural unit there; a loss has no such scale).
    return metric.field == "accuracy" and pair["spread_high"] is not None and pair["spread_high"] <= 0.01


def _first_sentence(pair: dict, near_ties: bool) -> str:
    """How alike the two rankings are and what that says about the lower budget: one whole
    sentence per case (the agreement words and the consequence differ together, so a language
    can order them its own way)."""
    p = dict(n=pair["n"], low=fmt.budget(pair["low"]), high=fmt.budget(pair["high"]), rho=signed(pair["rho"]))
    rho = pair["rho"]
    if rho >= 0.8 and pair["same_winner"]:
        return tr("The {n} configurations run at both {low} and {high} rank almost the same (Spearman's ρ = {rho}): "
                  "a maximum budget of {low} would likely have picked the same winner.", **p)
    if rho >= 0.8:
        return tr("The {n} configurations run at both {low} and {high} rank almost the same (Spearman's ρ = {rho}): "
                  "a maximum budget of {low} would have ranked them much the same, though not with the same winner.",
                  **p)
    if near_ties:
        p["spread"] = localize_digits(f"{pair['spread_high'] * 100:.1f}")
        if rho >= 0.5:
            return tr("The {n} configurations run at both {low} and {high} rank similarly (Spearman's ρ = {rho}), but "
                      "the middle half of them score within {spread} percentage points of each other at {high}, so "
                      "that order is mostly noise: a maximum budget of {low} would likely have found one about as "
                      "good.", **p)
        if rho >= 0.2:
            return tr("The {n} configurations run at both {low} and {high} rank only loosely alike (Spearman's ρ = "
                      "{rho}), but the middle half of them score within {spread} percentage points of each other at "
                      "{high}, so that order is mostly noise: a maximum budget of {low} would likely have found one "
                      "about as good.", **p)
        return tr("The {n} configurations run at both {low} and {high} rank differently (Spearman's ρ = {rho}), but "
                  "the middle half of them score within {spread} percentage points of each other at {high}, so that "
                  "order is mostly noise: a maximum budget of {low} would likely have found one about as good.", **p)
    if rho >= 0.5:
        return tr("The {n} configurations run at both {low} and {high} rank similarly (Spearman's ρ = {rho}): a "
                  "maximum budget of {low} would have changed the ranking somewhat.", **p)
    if rho >= 0.2:
        return tr("The {n} configurations run at both {low} and {high} rank only loosely alike (Spearman's ρ = "
                  "{rho}): a maximum budget of {low} would likely have picked another winner — the larger budget "
                  "matters.", **p)
    return tr("The {n} configurations run at both {low} and {high} rank differently (Spearman's ρ = {rho}): a "
              "maximum budget of {low} would likely have picked another winner — the larger budget matters.", **p)


def _medians_sentence(pair: dict, metric: Metric, budget_matters: bool) -> str:
    a, b = pair["median_low"], pair["median_high"]
    p = dict(metric=metric.name, a=metric.fmt(a), b=metric.fmt(b), low=fmt.budget(pair["low"]),
             high=fmt.budget(pair["high"]))
    if _about_same(metric, a, b):
        # Never "the larger budget matters" and "about the same" side by side: say what each is about.
        if budget_matters:
            return tr("Their median {metric} is {a} at {low} and {b} at {high}: the larger budget changes which one "
                      "wins, not how good they are on the whole.", **p)
        return tr("Their median {metric} is {a} at {low} and {b} at {high}: about the same.", **p)
    if (b > a) == metric.higher_is_better:
        return tr("Their median {metric} is {a} at {low} and {b} at {high}: better at {high}.", **p)
    return tr("Their median {metric} is {a} at {low} and {b} at {high}: worse at {high}.", **p)


def _no_pair_sentence(pairs: list[dict], n_budgets: int) -> str:
    if n_budgets < 2:
        return tr("Every evaluation used the same budget, so there is no lower budget to compare with.")
    most = max((p["n"] for p in pairs), default=0)
    return tr("Too few configurations ran on two budgets (at most {most}) to compare their rankings; at least {min} "
              "are needed.", most=most, min=MIN_PAIR)


def verdict(pair: dict | None, pairs: list[dict], metric: Metric, n_budgets: int) -> str:
    if n_budgets < 2 or pair is None:
        return _no_pair_sentence(pairs, n_budgets)
    lo, hi, n, rho = fmt.budget(pair["low"]), fmt.budget(pair["high"]), pair["n"], pair["rho"]
    near_ties = _near_ties(pair, metric)
    parts = [_first_sentence(pair, near_ties)]
    if pair["same_winner"]:
        parts.append(tr("The best of them at {low} is also the best at {high}.", low=lo, high=hi))
    else:
        # i18n: {ordinal} is English's "4th"; {rank} is the bare number, for languages that write "4위".
        parts.append(tr("The best of them at {low} is {ordinal} of {n} at {high}.", low=lo, high=hi, n=n,
                        ordinal=_ordinal(pair["winner_rank"]), rank=pair["winner_rank"]))
    parts.append(_medians_sentence(pair, metric, budget_matters=rho < 0.5 and not near_ties))
    if n < 10:
        parts.append(tr("(Only {n} configurations: treat this as a hint, not a finding.)", n=n))
    return " ".join(parts)


def takeaway(pair: dict | None, pairs: list[dict], metric: Metric, n_budgets: int) -> str:
    """The verdict in one short sentence for the slide (the full `verdict` goes to the notes)."""
    if n_budgets < 2 or pair is None:
        return verdict(pair, pairs, metric, n_budgets)
    rho = pair["rho"]
    p = dict(low=fmt.budget(pair["low"]), high=fmt.budget(pair["high"]), n=pair["n"], rho=signed(rho))
    if rho >= 0.8:
        text = (tr("A maximum budget of {low} would likely have picked the same winner (Spearman's ρ = {rho}, "
                   "n = {n}).", **p) if pair["same_winner"]
                else tr("A maximum budget of {low} would have ranked them much the same (Spearman's ρ = {rho}, "
                        "n = {n}).", **p))
    elif _near_ties(pair, metric):
        text = tr("A maximum budget of {low} would likely have found one about as good: at {high} they score within "
                  "{spread} percentage points (Spearman's ρ = {rho}, n = {n}).", spread=localize_digits(f"{pair['spread_high'] * 100:.1f}"),
                  **p)
    elif rho >= 0.5:
        text = tr("A maximum budget of {low} would have changed the ranking somewhat (Spearman's ρ = {rho}, n = {n}).",
                  **p)
    else:
        text = tr("The larger budget matters: at {low} the same configurations rank differently (Spearman's ρ = {rho}, "
                  "n = {n}).", **p)
    return text + (" " + tr("Only a hint: few configurations.") if pair["n"] < 10 else "")


# --- the slide -------------------------------------------------------------------------------


def build(run, options) -> Slide:
    import altair as alt

    metric = metric_for(run, options.get("metric", "auto"))
    show_points = options.get("points", True)
    ok = run.ok[run.ok[metric.field].notna()]
    order, labels = budget_labels(ok["budget"].unique())
    idx = options.index

    data = ok[["sample_id", "config_id", "budget", metric.field]].copy()
    data["budget_label"] = data["budget"].map(labels)
    stats = box_stats(data, ["budget_label"], metric.field)
    stats["offset"] = 0.5
    points = None
    note = ""
    if show_points:
        sampled = sample_points(data, MAX_POINTS)
        points = sampled.frame[["sample_id", "budget_label", metric.field]].copy()
        points["jitter"] = jitter(len(points), 0.5)
        note = sampled.note

    pairs = heavy_numbers(options, lambda: budget_pairs(ok, metric))
    pair = verdict_pair(pairs, max((float(b) for b in ok["budget"].unique()), default=0.0))
    sentence = verdict(pair, pairs, metric, len(order))
    medians = {labels[b]: float(ok.loc[ok["budget"] == b, metric.field].median()) for b in sorted(labels)}

    y_domain, n_outside = zoom_domain(data[metric.field], stats)
    if y_domain is not None:
        outside = trn("{n} extreme evaluation lies outside the drawn range ({low} to {high}).",
                      "{n} extreme evaluations lie outside the drawn range ({low} to {high}).", n_outside,
                      low=metric.fmt(y_domain[0]), high=metric.fmt(y_domain[1]))
        note = " ".join(s for s in (note, outside) if s)
    box_w = min(110 * len(order) + 80, 640)
    spread = strip_box(points, stats, x="budget_label", x_order=order, x_title=tr("budget"),
                       metric=metric, width=box_w, height=300, y_domain=y_domain, title=_per_budget_title(metric))
    charts = [spread]
    if len(order) >= 2:
        charts.append(_rank_heatmap(pairs, labels, order))
    spec = vega_lite(alt.HConcatChart(hconcat=charts, spacing=40, resolve=alt.Resolve(
        scale=alt.ScaleResolveMap(color="independent", xOffset="independent"))))

    n_pairs_ok = sum(p["rho"] is not None for p in pairs)
    caption = " ".join(s for s in (
        tr("Boxes: quartiles and median of {n} evaluations; whiskers: within 1.5 box-heights.", n=len(ok)),
        tr("Heatmap: Spearman's ρ of the same configurations on two budgets (n = how many).")
        if len(order) >= 2 else "", note, crashed_note(run)) if s)
    rhos = [p["rho"] for p in pairs if p["rho"] is not None]
    if not order:
        description = tr("No {metric} to draw.", metric=metric.name)
    else:
        d = dict(metric=metric.name, first=metric.fmt(medians[order[0]]), low=order[0],
                 last=metric.fmt(medians[order[-1]]), high=order[-1])
        if rhos:
            description = tr("Box plots of {metric} per budget, median from {first} at budget {low} to {last} at "
                             "{high}; a heatmap of rank agreement between {n} budget pairs, Spearman's ρ from {min} to "
                             "{max}.", n=len(rhos), min=signed(min(rhos)), max=signed(max(rhos)), **d)
        else:
            description = tr("Box plots of {metric} per budget, median from {first} at budget {low} to {last} at "
                             "{high}.", **d)
    chart = Chart(id=f"s{idx}-budgets", spec=spec, caption=caption, description=description,
                  state=trn("Showing {metric} per budget and the rank agreement of {n} budget pair.",
                            "Showing {metric} per budget and the rank agreement of {n} budget pairs.", n_pairs_ok,
                            metric=metric.name))

    notes = tr(
        "Evaluations at higher budgets are the survivors of lower ones, so their {metric} is "
        "better partly because of selection. The fair test compares the same configurations "
        "on two budgets: if they rank alike, the low budget already tells the good from the bad. "
        "Each heatmap cell compares one pair of budgets.", metric=metric.name)
    numbers = {
        "metric": metric.field,
        "n": int(len(ok)),
        "n_crashed": int(run.n_crashed),
        "medians": medians,
        "pairs": [{k: number(v) if k in ("low", "high") else plain(v) for k, v in p.items()} for p in pairs],
        "low_budget": None if pair is None else number(pair["low"]),
        "high_budget": None if pair is None else number(pair["high"]),
        "n_pair": None if pair is None else pair["n"],
        "rho": None if pair is None else pair["rho"],
        "same_winner": None if pair is None else pair["same_winner"],
        "winner_rank": None if pair is None else pair["winner_rank"],
        "median_low": None if pair is None else pair["median_low"],
        "median_high": None if pair is None else pair["median_high"],
        "verdict": sentence,
        "takeaway": None,  # set below: the verdict's first sentence (the one on the slide)
    }
    title = options.title or (
        tr("Would budget {budget} have been enough?", budget=fmt.budget(pair["low"])) if pair is not None
        else _per_budget_title(metric))
    # One takeaway on the slide; the medians and the winner's rank go to the notes.
    head = takeaway(pair, pairs, metric, len(order))
    numbers["takeaway"] = head
    summary = f'<p class="takeaway">{esc(head)}</p>'
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart, Html(summary)),
                 notes=sentence + " " + notes, numbers={KIND: numbers})


def _per_budget_title(metric: Metric) -> str:
    return tr("Accuracy per budget") if metric.field == "accuracy" else tr("Loss per budget")


def _rank_heatmap(pairs: list[dict], labels: dict[float, str], order: list[str]):
    import altair as alt

    rows = [{"low": labels[p["low"]], "high": labels[p["high"]], "n": p["n"],
             "rho": None if p["rho"] is None else round(p["rho"], 4),
             "label": (signed(p["rho"]) if p["rho"] is not None else "–") + f"\nn = {p['n']}",
             "strong": p["rho"] is not None and abs(p["rho"]) >= 0.55}
            for p in pairs]
    df = pd.DataFrame(rows)
    side = min(72 * max(len(order) - 1, 1), 380)
    base = alt.Chart(df).encode(
        x=alt.X("low:O", sort=order[:-1], title=tr("lower budget"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("high:O", sort=list(reversed(order[1:])), title=tr("higher budget")),
        tooltip=[alt.Tooltip("low:O", title=tr("lower budget")), alt.Tooltip("high:O", title=tr("higher budget")),
                 alt.Tooltip("n:Q", title=tr("configurations on both")),
                 alt.Tooltip("rho:Q", title=tr("Spearman ρ"), format=".2f")])
    cells = base.mark_rect().encode(
        color=alt.Color("rho:Q", title=tr("Spearman ρ"), scale=alt.Scale(domain=[-1, 1], domainMid=0)))
    # Dark text on pale cells, white on strong ones (the diverging ends are dark in both themes).
    weak = base.mark_text(fontSize=13, lineBreak="\n").encode(text="label:N").transform_filter("!datum.strong")
    strong = (base.mark_text(fontSize=13, lineBreak="\n", color="#ffffff").encode(text="label:N")
              .transform_filter("datum.strong"))
    return alt.LayerChart(layer=[cells, weak, strong], width=side, height=side,
                          title=tr("Same configurations, two budgets: rank agreement"))

