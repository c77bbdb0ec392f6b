"""View D: how each hyperparameter goes with the metric (a heatmap), optionally per budget and pairwise.

Measures, chosen per hyperparameter type (the slide says which):
  - float / int: Spearman's ρ (default) or Pearson's r (on log10 for log-scaled hyperparameters);
  - bool: the same on 0/1; ordinal: the same on the position in its sequence;
  - categorical: the correlation ratio η (0 = the metric does not differ between the choices,
    1 = the choice fixes it). η has no sign, so its cells use a separate, one-sided color scale.
    With Spearman it is computed on the metric's ranks and tested with Kruskal–Wallis; with
    Pearson on the values, tested with a one-way ANOVA.
Conditional hyperparameters use only the evaluations where they are set (n shown in the cell).
Computed on ok evaluations pooled over budgets (`per_budget: true` adds a column per budget);
`pairs: true` adds hyperparameter × hyperparameter on the configurations (one row each;
Cramér's V for two categorical ones).

Numbers (`{{ correlations.<name> }}`):
  method, metric, n (ok evaluations with the metric), n_crashed
  values / measures / ns / p_values   {hyperparameter: ρ|r|η, "rho"|"r"|"eta", n, p}
  strongest, strongest_value, strongest_measure   the largest |value| (None when nothing computed)
  strongest_symbol  "ρ" | "r" | "η" for that value, to write in text
  per_budget        {budget label: {hyperparameter: value}} when per_budget is on, else {}
  strongest_pair, strongest_pair_value            when pairs is on (else None)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..i18n import tr
from ..model import format as fmt
from ..options import Bool, Choice
from ._base import Chart, Html, Slide, UserText
from ._heavy import heavy_numbers
from ._spec import vega_lite
from ._metric import Metric, metric_for, metric_option
from ._rows import crashed_note
from ._html import esc
from ._units import signed

KIND = "correlations"
DESCRIPTION = "View D: each hyperparameter against the metric (ρ / η heatmap), per budget and pairwise on request."
OPTIONS = {
    "method": Choice(doc="Rank (spearman) or linear (pearson) correlation for numeric hyperparameters.",
                     default="spearman", choices=("spearman", "pearson")),
    "metric": metric_option(),
    "per_budget": Bool(doc="Add a column per budget next to the pooled one.", default=False),
    "pairs": Bool(doc="Add a second heatmap: hyperparameter against hyperparameter.", default=False),
}

MIN_N = 3  # fewer shared values than this give no correlation: the cell says n instead
ALL = "all budgets"  # the pooled column's label in English; a build writes tr("all budgets")
SYMBOL = {"rho": "ρ", "r": "r", "eta": "η", "v": "V"}


def numeric_values(series: pd.Series, hp, method: str) -> pd.Series:
    """A hyperparameter as numbers for ρ / r: bool 0/1, ordinal its position, log ones on log10 for
    Pearson (Spearman only looks at ranks, so the log changes nothing there). NaN where absent."""
    if hp.type == "bool":
        # Readers give real booleans; a CSV may give the words: "False" must not count as true.
        return series.map(lambda x: np.nan if _absent(x) else float(str(x).strip().lower() in ("true", "1", "1.0"))
                          ).astype(float)
    if hp.type == "ordinal":
        order = {str(c): i for i, c in enumerate(hp.choices or ())}
        return series.map(lambda x: np.nan if _absent(x) else order.get(str(x), np.nan)).astype(float)
    v = pd.to_numeric(series, errors="coerce").astype(float)
    if method == "pearson" and on_log(v, hp):
        v = np.log10(v)
    return v


def on_log(values: pd.Series, hp) -> bool:
    """A log-scaled numeric hyperparameter whose values are all positive: read on its log10."""
    return bool(hp.log and hp.type in ("float", "int") and (pd.to_numeric(values, errors="coerce").dropna() > 0).all())


def _absent(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def correlation_ratio(groups: pd.Series, y: pd.Series) -> float | None:
    """η = sqrt(between-group sum of squares / total sum of squares) of y grouped by `groups`."""
    total = float(((y - y.mean()) ** 2).sum())
    if total <= 0 or groups.nunique() < 2:
        return None
    means = y.groupby(groups).transform("mean")
    between = float(((means - y.mean()) ** 2).sum())
    return math.sqrt(max(0.0, min(1.0, between / total)))


def against(x: pd.Series, y: pd.Series, hp, method: str) -> dict:
    """One cell: the hyperparameter `x` (raw column) against the metric `y`."""
    from scipy import stats

    measure = "eta" if hp.type == "categorical" else ("rho" if method == "spearman" else "r")
    if hp.type == "categorical":
        keep = x.notna() & y.notna()
        g, v = x[keep].astype(str), y[keep].astype(float)
        n = int(keep.sum())
        if n < MIN_N:
            return {"value": None, "measure": measure, "n": n, "p": None}
        vv = v.rank() if method == "spearman" else v
        eta = correlation_ratio(g, vv)
        p = None
        samples = [grp.to_numpy() for _, grp in v.groupby(g)]
        if eta is not None and len(samples) >= 2:
            with np.errstate(all="ignore"):
                test = stats.kruskal(*samples) if method == "spearman" else stats.f_oneway(*samples)
            p = float(test.pvalue) if np.isfinite(test.pvalue) else None
        return {"value": eta, "measure": measure, "n": n, "p": p}
    xv = numeric_values(x, hp, method)
    keep = xv.notna() & y.notna()
    n = int(keep.sum())
    a, b = xv[keep], y[keep].astype(float)
    if n < MIN_N or a.nunique() < 2 or b.nunique() < 2:
        return {"value": None, "measure": measure, "n": n, "p": None}
    res = stats.spearmanr(a, b) if method == "spearman" else stats.pearsonr(a, b)
    return {"value": float(res.statistic), "measure": measure, "n": n,
            "p": float(res.pvalue) if np.isfinite(res.pvalue) else None}


def pair(x: pd.Series, y: pd.Series, hx, hy, method: str) -> dict:
    """Hyperparameter against hyperparameter: ρ/r for two numeric-like ones, η for categorical
    against numeric-like, Cramér's V for two categorical ones."""
    from scipy.stats.contingency import association

    cx, cy = hx.type == "categorical", hy.type == "categorical"
    if not cx and not cy:
        yv = numeric_values(y, hy, method)
        return against(x, yv, hx, method)
    if cx != cy:
        cat, num, hcat, hnum = (x, y, hx, hy) if cx else (y, x, hy, hx)
        return against(cat, numeric_values(num, hnum, method), hcat, method)
    keep = x.notna() & y.notna()
    n = int(keep.sum())
    table = pd.crosstab(x[keep].astype(str), y[keep].astype(str))
    if n < MIN_N or min(table.shape) < 2:
        return {"value": None, "measure": "v", "n": n, "p": None}
    return {"value": float(association(table.to_numpy(), method="cramer")), "measure": "v", "n": n, "p": None}


def cell_label(c: dict) -> str:
    """The cell's text: the value (η / V marked), or n when too few values were shared."""
    if c["value"] is None:
        return f"n={c['n']}" if c["n"] < MIN_N else "–"
    v = c["value"]
    return f"η {v:.2f}" if c["measure"] == "eta" else (f"V {v:.2f}" if c["measure"] == "v" else signed(v))


HEAVY_IMPORTS = ("scipy.stats",)  # ρ, r, η's test, Cramér's V (bohbvis/steps/_heavy.py)


def _inputs(run, options):
    """The method, the metric, the evaluations with a value and the hyperparameters they set."""
    method = options.get("method", "spearman")
    metric = metric_for(run, options.get("metric", "auto"))
    ok = run.ok[run.ok[metric.field].notna()]
    return method, metric, ok, [hp for hp in run.space if ok[hp.column].notna().any()]


def _budget_frames(ok: pd.DataFrame, options) -> list[tuple[float | None, pd.DataFrame]]:
    """The heatmap's columns: all budgets pooled (None), then each budget when `per_budget`."""
    columns: list[tuple[float | None, pd.DataFrame]] = [(None, ok)]
    if options.get("per_budget", False):
        columns += [(b, ok[ok["budget"] == b]) for b in sorted(ok["budget"].unique())]
    return columns


def analyze(run, options) -> dict:
    """The heavy numbers: every cell — per column (pooled first) the hyperparameters against the
    metric, and every pair of hyperparameters when `pairs` — in the order the slide draws them."""
    return _cells(options, *_inputs(run, options))


def _cells(options, method, metric, ok, hps) -> dict:
    if not hps or not len(ok):
        return {"against": [], "pairs": []}
    cells = [[against(frame[hp.column], frame[metric.field], hp, method) for hp in hps]
             for _budget, frame in _budget_frames(ok, options)]
    pairs = []
    if options.get("pairs", False) and len(hps) >= 2:
        configs = ok.drop_duplicates("config_id")
        pairs = [pair(configs[hx.column], configs[hy.column], hx, hy, method)
                 for i, hx in enumerate(hps) for hy in hps[i + 1:]]
    return {"against": cells, "pairs": pairs}


def build(run, options) -> Slide:
    import altair as alt

    method, metric, ok, hps = _inputs(run, options)
    idx = options.index
    if not hps or not len(ok):
        text = (_no_metric_sentence(metric) if not len(ok)
                else tr("The run records no hyperparameter values: there is nothing to correlate."))
        return Slide(kind=KIND, title=options.title or _plain_title(metric),
                     blocks=(UserText(), Html(f'<p class="small">{esc(text)}</p>')),
                     numbers={KIND: {"method": method, "metric": metric.field, "n": int(len(ok)),
                                     "n_crashed": int(run.n_crashed), "values": {}, "measures": {}, "ns": {},
                                     "p_values": {}, "strongest": None, "strongest_value": None,
                                     "strongest_measure": None, "strongest_symbol": None, "per_budget": {},
                                     "strongest_pair": None,
                                     "strongest_pair_value": None}})

    computed = heavy_numbers(options, lambda: _cells(options, method, metric, ok, hps))
    cells = []
    main: dict[str, dict] = {}
    pooled = tr("all budgets")
    names = [pooled if b is None else fmt.budget(b) for b, _frame in _budget_frames(ok, options)]
    budget_order = names[1:]
    for col_name, column in zip(names, computed["against"]):
        for hp, c in zip(hps, column):
            if col_name == pooled:
                main[hp.name] = c
            cells.append({"hp": hp.name, "column": col_name, **c, "label": cell_label(c)})
    order = sorted(main, key=lambda h: (main[h]["value"] is None, -abs(main[h]["value"] or 0), h))
    # Conditional hyperparameters: the row says on how many evaluations they were set.
    row_label = {h: h + (f" (n={main[h]['n']:,})" if main[h]["n"] < len(ok) else "") for h in order}
    for c in cells:
        c["row"] = row_label[c["hp"]]

    charts = [_heatmap(cells, [row_label[h] for h in order], [pooled, *budget_order], method,
                       tr("Hyperparameter against {metric}", metric=metric.name))]
    strongest_pair = None
    if options.get("pairs", False) and len(hps) >= 2:
        configs = ok.drop_duplicates("config_id")
        both = [(hx, hy) for i, hx in enumerate(hps) for hy in hps[i + 1:]]  # analyze's order
        pcells = [{"hp": hy.name, "row": hy.name, "column": hx.name, **c, "label": cell_label(c)}
                  for (hx, hy), c in zip(both, computed["pairs"])]
        names = [hp.name for hp in hps]
        charts.append(_heatmap(pcells, names[1:], names[:-1], method,
                               tr("Hyperparameter against hyperparameter ({n} configurations)", n=len(configs)),
                               compact=True))
        done = [c for c in pcells if c["value"] is not None]
        strongest_pair = max(done, key=lambda c: abs(c["value"])) if done else None
    # One constructor call per composite chart: each fluent call on one deep-copies it (and its layers).
    spec = vega_lite(alt.HConcatChart(hconcat=charts, spacing=40,
                                      resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))))

    computed = [h for h in order if main[h]["value"] is not None]
    strongest = computed[0] if computed else None
    numbers = {
        "method": method, "metric": metric.field, "n": int(len(ok)), "n_crashed": int(run.n_crashed),
        "values": {h: main[h]["value"] for h in order},
        "measures": {h: main[h]["measure"] for h in order},
        "ns": {h: main[h]["n"] for h in order},
        "p_values": {h: main[h]["p"] for h in order},
        "strongest": strongest,
        "strongest_value": main[strongest]["value"] if strongest else None,
        "strongest_measure": main[strongest]["measure"] if strongest else None,
        "strongest_symbol": SYMBOL[main[strongest]["measure"]] if strongest else None,
        # The value as every slide writes it ('+0.35', 'η 0.33'): quote this, not the raw number.
        "strongest_text": (signed(main[strongest]["value"]) if main[strongest]["measure"] in ("rho", "r")
                           else f"{main[strongest]['value']:.2f}") if strongest else None,
        "per_budget": {col: {c["hp"]: c["value"] for c in cells if c["column"] == col} for col in budget_order},
        "strongest_pair": None if strongest_pair is None else f"{strongest_pair['column']} × {strongest_pair['hp']}",
        "strongest_pair_value": None if strongest_pair is None else strongest_pair["value"],
    }
    chart_id = f"s{idx}-correlations"
    if method == "spearman":
        lead = tr("Spearman's ρ (rank correlation), −1 to +1; categorical: η (grey), 0 to 1, no sign. Conditional: "
                  "only where set (n on the row). Hover for n and p.")
    else:
        lead = tr("Pearson's r (linear correlation), −1 to +1; categorical: η (grey), 0 to 1, no sign. Conditional: "
                  "only where set (n on the row). Hover for n and p.")
    caption = " ".join(s for s in (
        lead, tr("Pairs: once per configuration; Cramér's V for two categorical.") if len(charts) > 1 else "",
        crashed_note(run)) if s)
    weakest = computed[-1] if computed else None
    if strongest:
        description = tr("Heatmap of {n} hyperparameters against {metric}, strongest {strongest} ({strongest_value}), "
                         "weakest {weakest} ({weakest_value}).", n=len(hps), metric=metric.name, strongest=strongest,
                         strongest_value=cell_label(main[strongest]), weakest=weakest,
                         weakest_value=cell_label(main[weakest]))
    else:
        description = tr("Heatmap of {n} hyperparameters against {metric}.", n=len(hps), metric=metric.name)
    chart = Chart(id=chart_id, spec=spec, caption=caption, description=description,
                  state=_state(method, bool(budget_order), len(hps), metric))
    title = options.title or (tr("{name} goes most with {metric}", name=strongest, metric=metric.name)
                              if strongest else _plain_title(metric))
    short, detail = _summary(numbers, metric, hps)
    return Slide(kind=KIND, title=title, blocks=(UserText(), chart, Html(short)),
                 notes=detail + " " + _notes(numbers, metric), numbers={KIND: numbers})


def _plain_title(metric: Metric) -> str:
    return tr("Hyperparameters against {metric}", metric=metric.name)


def _no_metric_sentence(metric: Metric) -> str:
    return tr("No evaluation has an accuracy.") if metric.field == "accuracy" else tr("No evaluation has a loss.")


def _state(method: str, per_budget: bool, n_hps: int, metric: Metric) -> str:
    p = dict(n=n_hps, metric=metric.name)
    if method == "spearman":
        return (tr("Spearman's ρ (rank correlation) of {n} hyperparameters against {metric}, per budget.", **p)
                if per_budget else tr("Spearman's ρ (rank correlation) of {n} hyperparameters against {metric}.", **p))
    return (tr("Pearson's r (linear correlation) of {n} hyperparameters against {metric}, per budget.", **p)
            if per_budget else tr("Pearson's r (linear correlation) of {n} hyperparameters against {metric}.", **p))


def _heatmap(cells: list[dict], rows: list[str], cols: list[str], method: str, title: str, *,
             compact: bool = False):
    import altair as alt

    df = pd.DataFrame(cells)
    df["value"] = df["value"].map(lambda v: None if v is None else round(v, 4))
    df["p"] = df["p"].map(lambda v: None if v is None else float(f"{v:.3g}"))
    df["signed"] = df["measure"].isin(["rho", "r"])
    df["measure_name"] = df["measure"].map({"rho": tr("Spearman ρ"), "r": tr("Pearson r"),
                                            "eta": tr("η (correlation ratio)"), "v": tr("Cramér's V")})
    cell_w = 52 if compact else (240 if len(cols) == 1 else 96)
    # The pairs heatmap shares the first one's color scales: one set of legends is enough.
    legend = None if compact else alt.Legend(orient="right", direction="vertical", gradientLength=120)
    cell_h = min(38, max(18, 380 // max(len(rows), 1)))
    base = alt.Chart(df).encode(
        x=alt.X("column:N", sort=cols, title=None, axis=alt.Axis(orient="top", labelAngle=-40 if compact else 0)),
        y=alt.Y("row:N", sort=rows, title=None),
        tooltip=[alt.Tooltip("hp:N", title=tr("hyperparameter")),
                 alt.Tooltip("column:N", title=tr("against") if compact else tr("budget")),
                 alt.Tooltip("measure_name:N", title=tr("measure")), alt.Tooltip("value:Q", title=tr("value"), format=".3f"),
                 alt.Tooltip("n:Q", title="n"), alt.Tooltip("p:Q", title=tr("p-value"), format=".3g")])
    signed = base.transform_filter("datum.signed && datum.value != null").mark_rect(stroke="white").encode(
        color=alt.Color("value:Q", title=tr("Spearman ρ") if method == "spearman" else tr("Pearson r"),
                        scale=alt.Scale(domain=[-1, 1], domainMid=0), legend=legend))
    unsigned = base.transform_filter("!datum.signed && datum.value != null").mark_rect(stroke="white").encode(
        color=alt.Color("value:Q", title=tr("η / V (no sign)"),
                        scale=alt.Scale(domain=[0, 1], scheme="greys"), legend=legend))
    empty = base.transform_filter("datum.value == null").mark_rect(stroke="white", opacity=0.08)
    # Text colors by the cell under them: signed cells are pale (light theme) or dark (dark theme)
    # in the middle, so the theme's text color there and white on the strong ends; the grey η
    # scale is the same in both themes, so dark text on its light half, white on its dark half.
    size = 12 if compact else 15
    texts = []
    for test, color in (("datum.signed && (datum.value == null || abs(datum.value) <= 0.6)", None),
                        ("datum.signed && datum.value != null && abs(datum.value) > 0.6", "#ffffff"),
                        ("!datum.signed && datum.value != null && datum.value < 0.5", "#1c2430"),
                        ("!datum.signed && (datum.value == null || datum.value >= 0.5)", "#ffffff")):
        mark = base.mark_text(fontSize=size) if color is None else base.mark_text(fontSize=size, color=color)
        t = mark.encode(text="label:N").transform_filter(test)
        if compact:
            t = t.transform_calculate(label="datum.value == null ? '' : replace(format(datum.value, '.2f'), '-', '\u2212')")
        texts.append(t)
    return alt.LayerChart(layer=[signed, unsigned, empty, *texts],
                          resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
                          width=cell_w * len(cols), height=cell_h * len(rows),
                          title=alt.Title(title, anchor="start", fontSize=14))


def _summary(n: dict, metric: Metric, hps) -> tuple[str, str]:
    """The strongest association: one sentence for the slide (escaped HTML) and the detail, with
    its n, p and test, for the notes."""
    if n["strongest"] is None:
        text = tr("No hyperparameter varied enough to correlate with {metric}.", metric=metric.name)
        return f'<p class="takeaway">{esc(text)}</p>', text
    s, v, m = n["strongest"], n["strongest_value"], n["strongest_measure"]
    p = dict(name=s, metric=metric.name, v=f"{v:.2f}", p=_p(n["p_values"][s]))
    if m == "eta":
        # The η's test follows the method: ranks (Kruskal–Wallis) with Spearman, values (ANOVA) with Pearson.
        if n["method"] == "spearman":
            detail = tr("Strongest: {name}: the {metric} differs most between its choices (η = {v}; 0 = no "
                        "difference, 1 = the choice decides it; {p} in a Kruskal–Wallis test).", **p)
        else:
            detail = tr("Strongest: {name}: the {metric} differs most between its choices (η = {v}; 0 = no "
                        "difference, 1 = the choice decides it; {p} in a one-way ANOVA).", **p)
        short = tr("{name} matters most: the {metric} differs between its choices (η = {v}).", **p)
    else:
        # i18n: {test} is the test's name, Spearman or Pearson; {symbol} is ρ or r.
        p.update(symbol=SYMBOL[m], v=signed(v), n=n["ns"][s], test="Spearman" if m == "rho" else "Pearson")
        good = (v > 0) == metric.higher_is_better
        if v > 0 and good:
            detail = tr("Strongest: {name}: larger values go with higher {metric}, i.e. better results ({symbol} = {v}, "
                        "n = {n}, {p} in a {test} correlation test).", **p)
        elif v > 0:
            detail = tr("Strongest: {name}: larger values go with higher {metric}, i.e. worse results ({symbol} = {v}, "
                        "n = {n}, {p} in a {test} correlation test).", **p)
        elif good:
            detail = tr("Strongest: {name}: larger values go with lower {metric}, i.e. better results ({symbol} = {v}, "
                        "n = {n}, {p} in a {test} correlation test).", **p)
        else:
            detail = tr("Strongest: {name}: larger values go with lower {metric}, i.e. worse results ({symbol} = {v}, "
                        "n = {n}, {p} in a {test} correlation test).", **p)
        short = (tr("Larger {name} goes with higher {metric} ({symbol} = {v}, {p}, {test} test).", **p) if v > 0
                 else tr("Larger {name} goes with lower {metric} ({symbol} = {v}, {p}, {test} test).", **p))
    cats = [hp.name for hp in hps if hp.type == "categorical"]
    if cats:
        detail += " " + tr("Categorical ({names}): η says how much, not which way.", names=tr(", ").join(cats))
    return f'<p class="takeaway">{esc(short)}</p>', detail


def _notes(n: dict, metric: Metric) -> str:
    computed = (tr("Computed on the {n} evaluations that have an accuracy, pooled over all budgets.", n=n["n"])
                if metric.field == "accuracy"
                else tr("Computed on the {n} evaluations that have a loss, pooled over all budgets.", n=n["n"]))
    pooled = (tr("Pooling mixes in the budget itself (longer training scores better, and the model picks later, on "
                 "larger budgets): the columns per budget separate them.") if n["per_budget"]
              else tr("Pooling mixes in the budget itself (longer training scores better, and the model picks later, "
                      "on larger budgets): per_budget: true separates them."))
    return " ".join((computed, pooled, tr("A correlation says which way a hyperparameter tends to move the result, "
                                          "not that it causes it.")))


def _p(p: float | None) -> str:
    """'p = 0.03', 'p < 0.001', or that no p-value was computed."""
    if p is None:
        return tr("p not computed")
    return "p < 0.001" if p < 0.001 else f"p = {fmt.num(p, 2)}"
