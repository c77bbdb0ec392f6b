"""View C: a 2-D map of the configurations (PCA, t-SNE or MDS); brush to list them.

Each configuration becomes one row of features:
  - float/int hyperparameters: the value (its log10 when the hyperparameter is log-scaled),
    standardized (z-score over the configurations where it is set);
  - ordinal: the position in its sequence, standardized; bool: 0/1;
  - categorical: one 0/1 column per choice (one-hot);
  - conditional (absent in some configurations): absent values take the column's mean, and an
    extra 0/1 "is set" column says which configurations have it — so "absent" is a feature of
    its own rather than a made-up value.
One dot per configuration: its evaluation at the largest budget it reached (or, with
`point: best`, its best evaluation). t-SNE and MDS cost O(n²): on more than 2,000
configurations they run on a fixed-seed sample of 2,000 (PCA uses all), and the slide says so.
scikit-learn is imported inside `build` only: a deck without this kind never loads it.

Numbers (`{{ embedding.<name> }}`):
  method            "pca" | "tsne" | "mds" (the one used; a tiny run may fall back to pca)
  n_configs, n_shown, n_features   configurations with a result, dots drawn, feature columns
  point             "largest_budget" | "best"
  variance          [explained variance ratio of PC1, PC2] (PCA only, else [])
  loadings          [[{feature, weight}] top 3 per component] (PCA only, else [])
  top_k             the best 10% of configurations (at least 3) as ranked by `sampling`
  top_spread        their mean distance on the map over the mean distance of all dots
                    (< 1: the good configurations sit together), None when too few;
                    beyond 2,000 dots estimated on a fixed-seed sample of 2,000
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ..i18n import tr, trn
from ..model import format as fmt
from ..options import Bool, Choice
from ._base import Chart, Column, Link, Slide, Table, UserText
from ._heavy import heavy_numbers
from ._spec import opacity_condition, vega_lite
from ._metric import Metric, metric_for, metric_option
from ._rows import crashed_note, hp_format, table_rows
from ._sample_types import sample_type_color
from ._sampling import MAX_POINTS, SAMPLE_SEED, sample_points
from .correlations import numeric_values, on_log
from ._units import best_by_option, signed
from .sampling import config_points
from ..analysis.ranking import rule_for

KIND = "embedding"
DESCRIPTION = "View C: a 2-D map of the configurations (PCA, t-SNE or MDS); brush to list them."
OPTIONS = {
    "method": Choice(doc="pca: a linear projection whose axes mean something; tsne / mds: neighbours stay "
                     "close, only distances carry meaning.", default="pca", choices=("pca", "tsne", "mds")),
    "color": Choice(doc="What colors the dots: the metric (accuracy, or loss when the run has none), "
                    "accuracy, loss, the bracket, or the sample type of the configuration's first run.",
                    default="metric", choices=("metric", "accuracy", "loss", "bracket", "sample_type")),
    "point": Choice(doc="Which evaluation stands for a configuration: the one at the largest budget it "
                    "reached, or its best one.", default="largest_budget", choices=("largest_budget", "best")),
    "metric": metric_option(),
    "best_by": best_by_option(),
    "table": Bool(doc="A table under the map listing the brushed configurations (folded until opened). "
                      "Off when a data panel later in the story receives the brush anyway.", default=True),
}

PARAM = "brush"
MAX_SLOW = 2000  # t-SNE / MDS run on at most this many configurations (O(n²) time and memory)
WIDTH, HEIGHT = 620, 330
METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE", "mds": "MDS"}


def features(configs: pd.DataFrame, space) -> tuple[np.ndarray, list[str], list[str]]:
    """The feature matrix (one row per configuration), the feature names, and notes naming the
    conditional hyperparameters and how their absence was encoded."""
    cols: list[np.ndarray] = []
    names: list[str] = []
    notes: list[str] = []
    for hp in space:
        if hp.column not in configs:
            continue
        raw = configs[hp.column]
        active = raw.notna().to_numpy()
        if not active.any():
            continue
        if hp.type == "categorical":
            text = raw.astype("string")
            for choice in sorted(text.dropna().unique().tolist(), key=str):
                hot = (text == choice).fillna(False).to_numpy(dtype=float)
                cols.append(_impute(hot, active))
                names.append(f"{hp.name}={choice}")
        else:
            # Numbers as the correlations view reads them: bool 0/1, ordinal its position, and a
            # log-scaled hyperparameter on its log10 (its spread is in orders of magnitude).
            v = numeric_values(raw, hp, "pearson").to_numpy(dtype=float)
            label = tr("{value} (log)", value=hp.name) if on_log(raw, hp) else hp.name
            active = ~np.isnan(v)
            if not active.any():  # no value could be read as a number: nothing to place by
                continue
            if hp.type != "bool":
                mu, sd = np.nanmean(v), np.nanstd(v)
                v = (v - mu) / sd if sd > 0 else np.where(active, 0.0, np.nan)
            cols.append(_impute(v, active))
            names.append(label)
        if not active.all():
            cols.append(active.astype(float))
            names.append(tr("{name} is set", name=hp.name))
            notes.append(tr("{name} (set in {n} of {total})", name=hp.name, n=int(active.sum()), total=len(active)))
    if not cols:
        return np.zeros((len(configs), 0)), [], notes
    return np.column_stack(cols), names, notes


def _impute(v: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Absent values take the mean of the present ones (0 for standardized columns)."""
    v = np.where(active, v, np.nan).astype(float)
    mean = float(np.nanmean(v)) if active.any() else 0.0
    return np.where(np.isnan(v), mean, v)


def project(X: np.ndarray, method: str) -> tuple[np.ndarray, dict]:
    """2-D coordinates, deterministic (fixed random_state). Also PCA's variance and components."""
    n, d = X.shape
    info: dict = {"variance": [], "components": None}
    if d == 0 or n < 2:
        return np.zeros((n, 2)), info
    if method == "pca":
        from sklearn.decomposition import PCA

        k = min(2, d, n)
        pca = PCA(n_components=k, svd_solver="full", random_state=SAMPLE_SEED)
        Y = pca.fit_transform(X)
        info = {"variance": [float(v) for v in pca.explained_variance_ratio_], "components": pca.components_}
        if k < 2:  # one feature: the map is a line; the second axis is constant
            Y = np.column_stack([Y, np.zeros(n)])
        return Y, info
    if method == "tsne":
        from sklearn.manifold import TSNE

        perplexity = float(min(30.0, max(2.0, (n - 1) / 3)))
        return TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=SAMPLE_SEED).fit_transform(X), info
    from sklearn.manifold import MDS

    return MDS(n_components=2, n_init=1, init="classical_mds", random_state=SAMPLE_SEED).fit_transform(X), info


def loadings(info: dict, names: list[str], top: int = 3) -> list[list[dict]]:
    comps = info.get("components")
    if comps is None:
        return []
    out = []
    for row in comps:
        order = np.argsort(-np.abs(row), kind="stable")[:top]
        out.append([{"feature": names[i], "weight": round(float(row[i]), 4)} for i in order])
    return out


def top_spread(xy: np.ndarray, top_mask: np.ndarray) -> float | None:
    """Mean pairwise distance among the top configurations over that among all (on the map).

    All pairs is O(n²) memory (10⁵ configurations: 40 GB), so beyond MAX_SLOW points each mean
    is taken over a fixed-seed sample of MAX_SLOW points (an estimate; small runs are exact)."""
    from scipy.spatial.distance import pdist

    if top_mask.sum() < 3 or len(xy) < 4:
        return None
    every = pdist(_at_most(xy, MAX_SLOW)).mean()
    return float(pdist(_at_most(xy[top_mask], MAX_SLOW)).mean() / every) if every > 0 else None


def _at_most(points: np.ndarray, n: int) -> np.ndarray:
    if len(points) <= n:
        return points
    pick = np.sort(np.random.default_rng(SAMPLE_SEED).choice(len(points), size=n, replace=False))
    return points[pick]


HEAVY_IMPORTS = ("sklearn",)  # the projection (bohbvis/steps/_heavy.py)


def numbers_cost(options) -> float:
    """Roughly how long analyze takes, in seconds on the demo run (the parallel build's order)."""
    return 0.2 if options.get("method", "pca") == "pca" else 3.0


def _fitted(run, options):
    """The configurations best first (with `top`), the method used, the notes on it, and the
    configurations the projection is fitted on (a fixed-seed sample beyond MAX_SLOW for t-SNE/MDS)."""
    color_by = options.get("color", "metric")
    metric = metric_for(run, color_by if color_by in ("accuracy", "loss") else options.get("metric", "auto"))
    method = options.get("method", "pca")
    rule = options.get("point", "largest_budget")
    configs = config_points(run, metric, rule, rule_for(run, options.get("best_by", "loss")))  # best first
    n_configs = len(configs)
    k = max(3, math.ceil(0.1 * n_configs)) if n_configs else 0
    configs = configs.assign(top=np.arange(n_configs) < k)
    notes: list[str] = []
    used = method
    if method == "tsne" and n_configs < 5 or method == "mds" and n_configs < 3:
        used = "pca"
        notes.append(trn("Only {n} configuration: {method} needs more, so this map is PCA.",
                         "Only {n} configurations: {method} needs more, so this map is PCA.", n_configs,
                         method=METHOD_NAMES[method]))
    fitted = configs
    if used != "pca" and n_configs > MAX_SLOW:
        # The best are always kept, but at most half the sample: the rest is an even draw.
        kept = configs.loc[configs["top"], "sample_id"].head(MAX_SLOW // 2)
        fitted = sample_points(configs.sort_index(), MAX_SLOW, keep=kept).frame
        params = dict(method=METHOD_NAMES[used], size=MAX_SLOW, n=n_configs, seed=str(SAMPLE_SEED), k=k)
        if len(kept) == k:
            notes.append(tr("{method} ran on a random sample of {size} of the {n} configurations (fixed seed {seed}; "
                            "the top {k} always kept).", **params))
        else:
            notes.append(tr("{method} ran on a random sample of {size} of the {n} configurations (fixed seed {seed}; "
                            "the best {kept} of the top {k} always kept).", kept=len(kept), **params))
    return metric, configs, k, used, notes, fitted


def analyze(run, options) -> dict:
    """The heavy numbers: the map's coordinates, PCA's variance and components, the top's spread."""
    _metric, _configs, _k, used, _notes, fitted = _fitted(run, options)
    return _projection(features(fitted, run.space)[0], used, fitted)


def _projection(X, used: str, fitted) -> dict:
    Y, info = project(X, used)
    Y = np.asarray(Y, dtype=np.float64)  # t-SNE returns float32: rounded, it would print 17 digits
    return {"xy": Y, "info": info, "spread": top_spread(Y, fitted["top"].to_numpy())}


def build(run, options) -> Slide:
    idx = options.index
    color_by = options.get("color", "metric")
    rule = options.get("point", "largest_budget")
    metric, configs, k, used, notes, fitted = _fitted(run, options)
    n_configs = len(configs)
    X, names, conditional = features(fitted, run.space)
    # (the sample and features just made, not made again, when the numbers are computed here)
    projected = heavy_numbers(options, lambda: _projection(X, used, fitted))
    Y, info, spread = projected["xy"], projected["info"], projected["spread"]
    fitted = fitted.assign(x=np.round(Y[:, 0], 4), y=np.round(Y[:, 1], 4))
    # (at most half the drawn points are "always kept" top ones, so the sample stays ≤ MAX_POINTS)
    drawn = sample_points(fitted, MAX_POINTS, keep=fitted.loc[fitted["top"], "sample_id"].head(MAX_POINTS // 2),
                          what=tr("configurations"))  # i18n: a plural noun inside the sample note
    if drawn.note:
        notes.append(drawn.note)
    pts = drawn.frame

    chart_id = f"s{idx}-embedding"
    load = loadings(info, names)

    columns = (Column("config_id", tr("configuration")), Column("sample_id", tr("sample")),
               Column("budget", tr("budget"), "budget"), Column("sample_type", tr("sample type (first run)")),
               Column(metric.field, metric.name, metric.format),
               *(Column(hp.column, hp.name, hp_format(run, hp.column)) for hp in run.space))
    rows = table_rows(pts.assign(sample_type=pts["origin"]), columns, extra=("x", "y"))
    table = Table(id=f"{chart_id}-table", columns=columns, rows=rows, follows=(chart_id,), sort=metric.sort,
                  caption=drawn.note, static_rows=6, collapsed=True,
                  empty_text=tr("Drag a box on the map to list those configurations here."))
    numbers = {
        "method": used, "n_configs": n_configs, "n_shown": int(len(pts)), "n_features": len(names),
        "point": rule, "variance": info["variance"], "loadings": load, "top_k": k,
        "top_spread": None if spread is None else round(spread, 4),
    }
    # The caption says what a dot is and where the best sit; what the axes are made of goes to
    # the notes (a paragraph of loadings under a chart is more than a slide should carry).
    axes, where = _summary(numbers, used, load)
    caption = " ".join(s for s in (_dots_sentence(run, n_configs, k, rule, metric), where, *notes, crashed_note(run))
                       if s)
    vals = configs[metric.field].dropna()
    params = dict(method=METHOD_NAMES[used], n=n_configs, color=_color_title(color_by, metric), k=k)
    if len(vals) and color_by in ("metric", "accuracy", "loss"):
        description = tr("Map ({method}) of {n} configurations, colored by {color} from {low} to {high}; the best {k} "
                         "are diamonds.", low=metric.fmt(vals.min()), high=metric.fmt(vals.max()), **params)
    else:
        description = tr("Map ({method}) of {n} configurations, colored by {color}; the best {k} are diamonds.",
                         **params)
    description = f"{description} {where}".strip()
    chart = Chart(id=chart_id, spec=vega_lite(_chart(pts, metric, color_by, used, info)), description=description,
                  links=(Link(param=PARAM, key="config_id", carry=True),), caption=caption,
                  state=tr("No brush drawn; colored by {color}.", color=_color_title(color_by, metric)))
    title = options.title or tr("The configurations on a map ({method}): where are the best?",
                                method=METHOD_NAMES[used])
    blocks = (UserText(), chart, table) if options.get("table", True) else (UserText(), chart)
    return Slide(kind=KIND, title=title, blocks=blocks,
                 notes=axes + " " + _notes(used, conditional, len(names)), numbers={KIND: numbers})


def _dots_sentence(run, n_configs: int, k: int, rule: str, metric: Metric) -> str:
    """The caption's first sentence: what a dot is (how many, which evaluation) and the diamonds."""
    params = dict(n=n_configs, total=run.n_configs, missing=run.n_configs - n_configs, k=k, metric=metric.name)
    if run.n_configs > n_configs:
        if rule == "largest_budget":
            return tr("One dot per configuration ({n} of {total}; {missing} never returned a result): its evaluation "
                      "at the largest budget it reached; diamonds: the best {k} by the deck's ranking.", **params)
        return tr("One dot per configuration ({n} of {total}; {missing} never returned a result): its best evaluation "
                  "(by {metric}); diamonds: the best {k} by the deck's ranking.", **params)
    if rule == "largest_budget":
        return tr("One dot per configuration ({n}): its evaluation at the largest budget it reached; diamonds: the "
                  "best {k} by the deck's ranking.", **params)
    return tr("One dot per configuration ({n}): its best evaluation (by {metric}); diamonds: the best {k} by the "
              "deck's ranking.", **params)


def _color_title(color_by: str, metric: Metric) -> str:
    if color_by in ("metric", "accuracy", "loss"):
        return metric.label
    return tr("bracket") if color_by == "bracket" else tr("sample type (first run)")


def _chart(pts: pd.DataFrame, metric: Metric, color_by: str, method: str, info: dict):
    import altair as alt

    data = pts[["sample_id", "config_id", "bracket", "origin", "budget", metric.field, "x", "y", "top"]].copy()
    data[metric.field] = data[metric.field].round(6)
    data["budget_label"] = data["budget"].map(fmt.budget)
    data = data.drop(columns="budget").rename(columns={"origin": "sample_type"})
    # The top configurations are drawn last (on top) and larger, so no dot hides them.
    data = pd.concat([data[~data["top"]], data[data["top"]]])
    if method == "pca":
        var = info["variance"] + [0.0] * (2 - len(info["variance"]))
        titles = [tr("PC{i} ({share} of the variance)", i=str(i + 1), share=fmt.pct(v, 0)) for i, v in enumerate(var)]
        axes = [alt.Axis(), alt.Axis()]
    else:
        titles = [tr("{method} {i} (no units)", method=METHOD_NAMES[method], i=str(i)) for i in (1, 2)]
        axes = [alt.Axis(labels=False, ticks=False), alt.Axis(labels=False, ticks=False)]
    if color_by in ("metric", "accuracy", "loss"):
        color = alt.Color(f"{metric.field}:Q", title=_color_title(color_by, metric),
                          scale=alt.Scale(reverse=not metric.higher_is_better),
                          legend=alt.Legend(format=metric.d3_format, gradientLength=80))
    elif color_by == "bracket":
        color = alt.Color("bracket:O", title=tr("bracket"), legend=alt.Legend(columns=2))
    else:
        color = sample_type_color(title=tr("sample type (first run)"))
    brush = alt.selection_interval(name=PARAM, encodings=["x", "y"])
    return alt.Chart(data).mark_point(filled=True).encode(
        x=alt.X("x:Q", title=titles[0], axis=axes[0], scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", title=titles[1], axis=axes[1], scale=alt.Scale(zero=False)),
        color=color,
        # Diamonds mark the top configurations; the sentence under the chart says so (a legend
        # would cost height the slide does not have beside a table).
        shape=alt.Shape("top:N", scale=alt.Scale(domain=[True, False], range=["diamond", "circle"]), legend=None),
        size=alt.SizeValue(**alt.condition("datum.top", alt.value(120), alt.value(45))),  # typed: no from_dict
        opacity=opacity_condition(brush, 0.85, 0.15),
        tooltip=[alt.Tooltip("config_id:N", title=tr("configuration")), alt.Tooltip("sample_id:N", title=tr("sample")),
                 alt.Tooltip("budget_label:N", title=tr("budget")),
                 alt.Tooltip(f"{metric.field}:Q", title=metric.name, format=metric.d3_format),
                 alt.Tooltip("sample_type:N", title=tr("sample type (first run)")),
                 alt.Tooltip("bracket:O", title=tr("bracket"))],
    ).add_params(brush).properties(width=WIDTH, height=HEIGHT)


def md_text(text: str) -> str:
    """Names from the data inside inline Markdown: characters that could start markup are
    backslash-escaped (an underscore only where it could open emphasis, so `hidden_size` stays
    readable in the raw caption too)."""
    text = re.sub(r"([\\`*\[\]<>!])", r"\\\1", text)
    return re.sub(r"(?<!\w)_|_(?!\w)", r"\\_", text)


def _summary(n: dict, method: str, load: list) -> tuple[str, str]:
    """(what the axes mean, where the best configurations sit): inline Markdown, names escaped."""
    if method == "pca":
        # i18n: {features} is a list such as "lr +0.52, dropout −0.31" (names and weights).
        parts = [tr("PC{i} ({share} of the spread) follows {features}", i=str(i + 1),
                    share=fmt.pct(n["variance"][i], 0),
                    features=tr(", ").join(f"{md_text(c['feature'])} {signed(c['weight'])}" for c in comp))
                 for i, comp in enumerate(load)]
        text = (tr("Axes: {parts}.", parts=tr("; ").join(parts)) if parts
                else tr("No hyperparameter varies: nothing to spread."))
        if len(load) == 1:
            text += " " + tr("With a single feature the map is a line.")
    else:
        text = tr("{method}: **distances, not axes, carry meaning** (no units).", method=METHOD_NAMES[method])
    where = ""
    if n["top_spread"] is not None:
        s = n["top_spread"]
        ratio = fmt.num(s, 2)
        if s < 0.75:
            where = tr("The best sit close together: the good region is compact (mean distance {ratio}× that of all "
                       "dots).", ratio=ratio)
        elif s <= 1.1:
            where = tr("The best sit spread like the rest: good configurations are found in several places (mean "
                       "distance {ratio}× that of all dots).", ratio=ratio)
        else:
            where = tr("The best sit further apart than average: good results come from different regions (mean "
                       "distance {ratio}× that of all dots).", ratio=ratio)
    return text, where


def _notes(method: str, conditional: list[str], n_features: int) -> str:
    if method == "pca":
        parts = [tr("PCA turns the standardized hyperparameters into the two directions along which the "
                    "configurations differ most; a feature's weight says how much it moves a dot along that axis.")]
    else:
        parts = [tr("{method} places configurations with similar hyperparameters near each other; the axes "
                    "themselves mean nothing, only who is near whom.", method=METHOD_NAMES[method])]
    parts.append(trn("Each dot is one configuration, described by {n} feature: numbers standardized, log-scaled "
                     "ones on their log, categories one-hot. Brush a region to list its configurations.",
                     "Each dot is one configuration, described by {n} features: numbers standardized, log-scaled "
                     "ones on their log, categories one-hot. Brush a region to list its configurations.", n_features))
    if conditional:
        parts.append(tr("Set only in some configurations: {names}; absent values count as the average, with a "
                        "separate is-set feature.", names=tr(", ").join(conditional)))
    return " ".join(parts)
