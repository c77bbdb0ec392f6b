"""Step kind `sampling`: did the model (BO) pick better configurations than random sampling?

The seed's case study 1 concluded from a brush that the best configurations were "mostly BO";
this kind computes it: the share of model-based picks among the top configurations against their
share among all configurations, and the metric of model-based versus random picks on the budget
they were first run at (promoted evaluations are re-runs of earlier picks, so they are left out
of that comparison).

A configuration's *origin* is the sample type of its first evaluation: random or BO (or
"promoted" for configurations a warm start brought in above their first round, origin unknown).
The *top* configurations are the first of bohbvis.analysis.ranking (the deck's one "best":
hpbandster's incumbent rule unless the story says `best_by: accuracy`), so the top list starts
with the incumbent the `best` slide shows.

Numbers (`{{ sampling.<name> }}`):
  metric, n_configs, n_bo, n_random    configurations with a result, and their origins
  bo_share_all        n_bo / n_configs
  top_k, n_bo_top     how many top configurations, and how many of them the model proposed
  bo_share_top        n_bo_top / top_k
  p_value             chance of ≥ n_bo_top model picks in the top if picks were random draws
                      (hypergeometric), None when there is nothing to compare
  per_budget          [{budget, n_random, n_bo, median_random, median_bo, p_value}] first runs
  verdict             the computed sentence on the slide
"""

from __future__ import annotations

import math

import pandas as pd

from ..analysis.ranking import LOSS_RULE, BestRule, ranked_configs, rule_for
from ..i18n import tr, trn
from ..model import format as fmt
from ..options import Float, Int, OneOf
from ._base import Chart, Html, Slide, UserText
from ._heavy import heavy_numbers
from ._spec import vega_lite
from ._metric import Metric, metric_for, metric_option
from ._rows import crashed_note, number, plain
from ._sample_types import SAMPLE_TYPE_ORDER, sample_type_color
from ._sampling import MAX_POINTS, sample_points
from ._html import esc
from ._units import best_by_option, budget_unit_option
from .budgets import box_stats, budget_labels, jitter, strip_box, zoom_domain

KIND = "sampling"
DESCRIPTION = "BO versus random: the model's picks against random ones, and its share among the top configurations."
OPTIONS = {
    "metric": metric_option(),
    "top": OneOf(
        doc="How many top configurations to count: a number (10) or a fraction of all (0.1).",
        default=10,
        alternatives=(Int(min=1), Float(min=0.0, max=1.0)),
    ),
    "best_by": best_by_option(),
    "budget_unit": budget_unit_option(),
}

# Below this many evaluations in a group a median and a test say little; the slide says so.
MIN_GROUP = 3
ORIGINS = ("random", "BO")


def config_points(run, metric: Metric, rule: str = "largest_budget", best: BestRule = LOSS_RULE) -> pd.DataFrame:
    """One row per configuration with a result: its evaluation at the largest budget it reached
    (`rule="largest_budget"`) or its best evaluation (`rule="best"`), plus `origin` and
    `max_budget`. Sorted best first by the deck's ranking (`best`, see analysis/ranking.py);
    configurations the ranking cannot place (no value of its field) last, by the metric."""
    t = run.table
    origin = t.drop_duplicates("config_id")[["config_id", "sample_type"]]  # table is in round order
    origin = origin.rename(columns={"sample_type": "origin"}).set_index("config_id")["origin"]
    ok = run.ok[run.ok[metric.field].notna()]
    reached = ok.groupby("config_id")["budget"].transform("max")
    if rule == "best":
        pick = metric.best_first(ok).drop_duplicates("config_id")
    else:
        pick = metric.best_first(ok[ok["budget"] == reached]).drop_duplicates("config_id")
    out = pick.copy()
    out["origin"] = out["config_id"].map(origin).astype(str)
    out["max_budget"] = out["config_id"].map(ok.groupby("config_id")["budget"].max())
    sign = -1 if metric.higher_is_better else 1
    out["_score"] = out[metric.field] * sign
    out = out.sort_values(["max_budget", "_score", "sample_id"], ascending=[False, True, True], kind="stable")
    place = {c: i for i, c in enumerate(ranked_configs(run, best)["config_id"])}
    out["_rank"] = out["config_id"].map(place).fillna(len(place))
    out = out.sort_values("_rank", kind="stable")
    return out.drop(columns=["_score", "_rank"])


def top_count(top, n: int) -> int:
    """`top: 10` -> 10 (at most n); `top: 0.1` -> 10% of n, at least 1."""
    if isinstance(top, float):  # the option validates floats to (0, 1]: a fraction
        return max(1, min(n, math.ceil(top * n)))
    return max(1, min(n, int(top)))


def per_budget(first: pd.DataFrame, metric: Metric) -> list[dict]:
    """Model-based vs random picks on the budget each was first run at, with a Mann–Whitney test
    where both groups have enough evaluations."""
    from scipy.stats import mannwhitneyu

    out = []
    for b, g in first.groupby("budget", sort=True):
        r = g.loc[g["sample_type"] == "random", metric.field].dropna()
        m = g.loc[g["sample_type"] == "BO", metric.field].dropna()
        p = None
        if len(r) >= MIN_GROUP and len(m) >= MIN_GROUP:
            p = float(mannwhitneyu(m, r, alternative="two-sided").pvalue)
        out.append({"budget": float(b), "n_random": int(len(r)), "n_bo": int(len(m)),
                    "median_random": float(r.median()) if len(r) else None,
                    "median_bo": float(m.median()) if len(m) else None, "p_value": p})
    return out


def p_text(p: float | None) -> str:
    """'p = 0.03', 'p < 0.001', or '' when no test was run."""
    if p is None:
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {fmt.num(p, 2)}"


def _budget_sentences(rows: list[dict], metric: Metric) -> tuple[str, str]:
    """(summary, details): whether the model's first picks beat random ones budget by budget,
    and the medians, n and p behind it."""
    both = [r for r in rows if r["n_random"] >= MIN_GROUP and r["n_bo"] >= MIN_GROUP]
    if not both:
        return (tr("No budget has at least {min} first runs of both kinds to compare.", min=MIN_GROUP), "")
    shown = sorted(both, key=lambda r: r["budget"])
    parts = [tr("budget {budget}: {bo} (n = {n_bo}) vs {random} (n = {n_random}), {p}", budget=fmt.budget(r["budget"]),
                bo=metric.fmt(r["median_bo"]), n_bo=r["n_bo"], random=metric.fmt(r["median_random"]),
                n_random=r["n_random"], p=p_text(r["p_value"])) for r in shown]
    wins = [r for r in shown if r["median_bo"] != r["median_random"]
            and (r["median_bo"] > r["median_random"]) == metric.higher_is_better]
    clear = sum(r["p_value"] is not None and r["p_value"] < 0.05 for r in wins)
    p = dict(metric=metric.name, clear=clear, wins=len(wins), n=len(shown))
    if not wins:
        summary = tr("On first runs, the model's picks did not beat random ones on any budget compared.")
    elif len(wins) == len(shown) and len(shown) > 1:
        summary = tr("On first runs, the model's picks had a better median {metric} than random ones on every budget "
                     "compared ({clear} of them with p < 0.05 in a Mann–Whitney U test).", **p)
    elif len(wins) == len(shown):
        summary = tr("On first runs, the model's picks had a better median {metric} than random ones on the budget "
                     "compared ({clear} of them with p < 0.05 in a Mann–Whitney U test).", **p)
    else:
        summary = tr("On first runs, the model's picks had a better median {metric} than random ones on {wins} of {n} "
                     "budgets compared ({clear} of them with p < 0.05 in a Mann–Whitney U test).", **p)
    return summary, tr("Median {metric} of first runs, model vs random — {parts}.", metric=metric.name,
                       parts=tr("; ").join(parts))


def _top_sentence(k: int, n_bo_top: int, n_configs: int, n_bo: int, p: float | None, n_all: int | None = None) -> str:
    if n_bo == 0:
        return tr("The model proposed none of the {n} configurations (BOHB samples at random until it has enough "
                  "results on a budget), so there is nothing to compare.", n=n_configs)
    if n_bo == n_configs:
        return tr("The model proposed all {n} configurations: there are no random picks to compare with.", n=n_configs)
    share_all = n_bo / n_configs
    q = dict(k=k, share=fmt.pct(share_all, 0), total=n_configs)
    if n_all in (None, n_configs):
        parts = [trn("{n} of the top {k} was proposed by the model, while the model proposed {share} of all {total} "
                     "configurations.", "{n} of the top {k} were proposed by the model, while the model proposed "
                     "{share} of all {total} configurations.", n_bo_top, **q)]
    else:
        parts = [trn("{n} of the top {k} was proposed by the model, while the model proposed {share} of all {total} "
                     "configurations with a result.", "{n} of the top {k} were proposed by the model, while the model "
                     "proposed {share} of all {total} configurations with a result.", n_bo_top, **q)]
    if n_bo_top / k > share_all:
        if p is not None and p < 0.05:
            parts.append(tr("More than its share: if the model's picks were no better than random ones, this would "
                            "happen with probability {p} (hypergeometric test).", p=fmt.pct(p, 0 if p >= 0.01 else 1)))
        else:
            parts.append(tr("More than its share, but with so few configurations that could be chance (hypergeometric "
                            "test, {p}).", p=p_text(p)))
    else:
        parts.append(tr("The model did not place more than its share among the best here."))
    if k < 5:
        parts.append(tr("(n = {k}: too few to conclude.)", k=k))
    return " ".join(parts)


HEAVY_IMPORTS = ("scipy.stats",)  # the hypergeometric and Mann–Whitney tests (bohbvis/steps/_heavy.py)


def _picks(run, options):
    """The configurations best first, how many the top counts, and every pick's first run."""
    metric = metric_for(run, options.get("metric", "auto"))
    configs = config_points(run, metric, best=rule_for(run, options.get("best_by", "loss")))
    k = top_count(options.get("top", 10), len(configs)) if len(configs) else 0
    # First runs only: an evaluation whose sample type is random or BO is a configuration's first.
    ok = run.ok[run.ok[metric.field].notna()]
    first = ok[ok["sample_type"].isin(ORIGINS)][["sample_id", "budget", "sample_type", metric.field]].copy()
    return metric, configs, k, first


def analyze(run, options) -> dict:
    """The heavy numbers: the top's hypergeometric p and the per-budget Mann–Whitney tests."""
    return _tests(*_picks(run, options))


def _tests(metric, configs, k, first) -> dict:
    from scipy.stats import hypergeom

    n_configs, n_bo = len(configs), int((configs["origin"] == "BO").sum())
    n_bo_top = int((configs.head(k)["origin"] == "BO").sum())
    p = float(hypergeom.sf(n_bo_top - 1, n_configs, n_bo, k)) if k and 0 < n_bo < n_configs else None
    return {"p_value": p, "per_budget": per_budget(first, metric)}


def build(run, options) -> Slide:
    import altair as alt

    idx = options.index
    metric, configs, k, first = _picks(run, options)
    best_rule = rule_for(run, options.get("best_by", "loss"))
    unit = options.get("budget_unit")
    # (the picks just made, not made again, when the numbers are computed here)
    tests = heavy_numbers(options, lambda: _tests(metric, configs, k, first))
    n_configs = len(configs)
    n_bo = int((configs["origin"] == "BO").sum())
    n_random = int((configs["origin"] == "random").sum())
    top = configs.head(k)
    n_bo_top = int((top["origin"] == "BO").sum())
    p = tests["p_value"]
    verdict = (_top_sentence(k, n_bo_top, n_configs, n_bo, p, run.n_configs) if n_configs
               else tr("No configuration has a result."))

    rows = tests["per_budget"]
    budget_summary, budget_details = _budget_sentences(rows, metric)

    order, labels = budget_labels(first["budget"].unique()) if len(first) else ([], {})
    first["budget_label"] = first["budget"].map(labels)
    offset = {"random": 0.5, "BO": 1.5}
    stats = box_stats(first, ["budget_label", "sample_type"], metric.field)
    stats["offset"] = stats["sample_type"].map(offset)
    sampled = sample_points(first, MAX_POINTS)
    points = sampled.frame[["sample_id", "budget_label", "sample_type", metric.field]].copy()
    points["jitter"] = jitter(len(points), points["sample_type"].map(offset).to_numpy(), spread=0.7)
    y_domain, n_outside = zoom_domain(first[metric.field], stats)
    present = set(configs["origin"]) | set(first["sample_type"])
    color = sample_type_color(legend=alt.Legend(values=[t for t in SAMPLE_TYPE_ORDER if t in present], orient="top"))
    left = strip_box(points, stats, x="budget_label", x_order=order,
                     x_title=(tr("budget ({unit}) of each pick's first run", unit=unit) if unit
                              else tr("budget of each pick's first run")),
                     metric=metric, color=color, width=min(140 * max(len(order), 1) + 60, 660), height=300,
                     tooltip_extra=(alt.Tooltip("sample_type:N", title=tr("sample type")),), y_domain=y_domain,
                     title=tr("Model-based (BO) versus random picks, first run"))
    right = _share_bars(configs, k, n_configs)
    # One constructor call per composite chart: each fluent call on one deep-copies it (and its layers).
    spec = vega_lite(alt.HConcatChart(hconcat=[left, right], spacing=50,
                                      resolve=alt.Resolve(scale=alt.ScaleResolveMap(xOffset="independent"))))

    n_unknown = int((configs["origin"] == "promoted").sum())
    caption = " ".join(s for s in (
        tr("Left: each pick's first run (promoted re-runs left out); boxes: quartiles and median. Right: origin of "
           "the top and of all configurations (top: {rule}).", rule=_rule_words(best_rule)),
        tr("{n} of the run's {total} configurations have no result (crashed) and are not counted.",
           n=run.n_configs - n_configs, total=run.n_configs) if run.n_configs > n_configs else "",
        sampled.note,
        trn("{n} extreme evaluation lies outside the drawn range.",
            "{n} extreme evaluations lie outside the drawn range.", n_outside) if n_outside else "",
        trn("{n} configuration has no first-round evaluation in the data (e.g. a warm start): origin unknown, "
            "counted as 'promoted'.", "{n} configurations have no first-round evaluation in the data (e.g. a warm "
            "start): origin unknown, counted as 'promoted'.", n_unknown) if n_unknown else "",
        crashed_note(run)) if s)
    first_row = next((r for r in rows if r["n_random"] >= MIN_GROUP and r["n_bo"] >= MIN_GROUP), None)
    if first_row:
        boxes = tr("Box plots of each pick's first run by budget, BO beside random; at budget {budget} the medians "
                   "are {bo} (BO) and {random} (random).", budget=fmt.budget(first_row["budget"]),
                   bo=metric.fmt(first_row["median_bo"]), random=metric.fmt(first_row["median_random"]))
    else:
        boxes = tr("Box plots of each pick's first run by budget, BO beside random.")
    bars = tr("Bars: {n} of the top {k} are BO picks, against {share} of all {total} configurations.", n=n_bo_top, k=k,
              share=fmt.pct(n_bo / n_configs if n_configs else 0, 0), total=n_configs)
    chart = Chart(id=f"s{idx}-sampling", spec=spec, caption=caption, description=f"{boxes} {bars}",
                  state=tr("Showing first runs per budget and the origin of the top {k} configurations.", k=k))
    summary = f'<p class="takeaway">{esc(verdict)}</p>'
    notes = " ".join(s for s in (
        tr("BOHB proposes some configurations from its model (BO) and the rest at random; each pick is first run on "
           "its bracket's lowest budget."), budget_summary, budget_details,
        tr("The top configurations follow the deck's one ranking: {rule}.", rule=_rule_words(best_rule))) if s)
    numbers = {
        "metric": metric.field, "n_configs": n_configs, "n_bo": n_bo, "n_random": n_random,
        "bo_share_all": n_bo / n_configs if n_configs else None,
        "top_k": k, "n_bo_top": n_bo_top, "bo_share_top": n_bo_top / k if k else None,
        "p_value": p, "per_budget": [{key: number(v) if key == "budget" else plain(v) for key, v in r.items()} for r in rows],
        "verdict": verdict,
        # The lowest budget's first runs, for a sentence on what the model does ({{ sampling.first_median_bo }}).
        **_first_budget_numbers(rows, metric),
    }
    title = options.title or (trn("Did the model help? {n} of the top {k} was its pick",
                                  "Did the model help? {n} of the top {k} were its picks", n_bo_top, k=k) if n_bo
                              else tr("Did the model help? It proposed no configuration"))
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart, Html(summary)), notes=notes,
                 numbers={KIND: numbers})


def _first_budget_numbers(rows: list[dict], metric: Metric) -> dict:
    both = [r for r in rows if r["n_random"] >= MIN_GROUP and r["n_bo"] >= MIN_GROUP]
    r = min(both, key=lambda r: r["budget"]) if both else None
    return {"first_budget": number(r["budget"]) if r else None,
            # As the slides write them ("90.5%" for accuracy, "0.31" for a loss).
            "first_median_bo_text": metric.fmt(r["median_bo"]) if r else "–",
            "first_median_random_text": metric.fmt(r["median_random"]) if r else "–",
            "first_median_bo": r["median_bo"] if r else None,
            "first_median_random": r["median_random"] if r else None,
            "first_n_bo": r["n_bo"] if r else None, "first_n_random": r["n_random"] if r else None,
            "first_p_value": r["p_value"] if r else None}


def _rule_words(rule: BestRule) -> str:
    if rule.field == "loss":
        return tr("largest budget reached, then lowest loss, as hpbandster's incumbent")
    return tr("largest budget reached, then highest accuracy")


def _share_bars(configs: pd.DataFrame, k: int, n_configs: int):
    import altair as alt

    groups = [(tr("top {k}", k=k), configs.head(k)), (tr("all {n}", n=n_configs), configs)]
    rows = []
    for name, g in groups:
        counts = g["origin"].value_counts()
        for st in SAMPLE_TYPE_ORDER:
            c = int(counts.get(st, 0))
            if c:
                rows.append({"group": name, "sample_type": st, "count": c,
                             "share": round(c / len(g), 4), "order": SAMPLE_TYPE_ORDER.index(st),
                             "label": f"{fmt.pct(c / len(g), 0)} ({c})"})
    df = pd.DataFrame(rows)
    base = alt.Chart(df).encode(
        y=alt.Y("group:N", sort=[g for g, _ in groups], title=None),
        x=alt.X("share:Q", stack="zero", title=tr("share of configurations"), axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("group:N", title=tr("configurations")), alt.Tooltip("sample_type:N", title=tr("origin")),
                 alt.Tooltip("count:Q", title=tr("count")), alt.Tooltip("share:Q", title=tr("share"), format=".1%")])
    bars = base.mark_bar().encode(color=sample_type_color(legend=None))
    # Label at the end of each stacked segment (running sum in Vega-Lite); a segment too narrow
    # for its label keeps only the tooltip, so no label runs over its neighbour or the axis.
    text = base.mark_text(dx=-4, align="right", fontSize=13, color="white", fontWeight="bold").encode(
        text="label:N", x=alt.X("share_end:Q"))
    text = (text.transform_window(share_end="sum(share)", sort=[alt.SortField("order")], groupby=["group"])
            .transform_filter("datum.share >= 0.17"))
    return alt.LayerChart(layer=[bars, text], width=320, height=150,
                          title=tr("Where did the top configurations come from?"))
