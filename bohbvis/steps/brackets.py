"""View A: the metric per round, one line per bracket; mean ↔ best on a radio control; click a line.

Left: for every bracket, the mean (or the best: max accuracy / min loss) of the metric in each
round. A radio control bound to the Vega-Lite param `agg` switches the aggregate. Clicking a line
(or its legend entry) selects the bracket (point selection `bracket_pick` on `bracket`), which
filters the right view (that bracket's evaluations, colored by sample type) and the linked table.

Numbers (`brackets.<name>`): metric, agg (initial: "mean" | "max" | "min"), n_brackets,
n_multi_round (brackets with 2+ rounds), n_single_round, n_rising (of those, where the mean improved
from the first to the last round), first_round_mean / last_round_mean (mean metric of all
first-round / last-round evaluations of multi-round brackets), n_rising_best, first_round_best /
last_round_best (the same for each bracket's best value per round: what the control's other
setting shows), best_bracket, best_value (the best single
evaluation at the largest budget and its bracket), n_crashed, rounds (list of {bracket, round,
budget, n, mean, best}).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import format as fmt
from ..model.run import Run
from ..options import Choice, Int, StepOptions
from ._base import Chart, Html, Link, Slide, Table, UserText
from ._html import esc
from ._spec import opacity_condition, vega_lite
from ._metric import Metric, metric_for, metric_option, metric_scale
from ._rows import base_columns, crashed_note, number, table_rows
from ._sample_types import sample_type_color
from ._sampling import MAX_POINTS, best_rows, sample_points
from ..i18n import tr, trn

KIND = "brackets"
DESCRIPTION = "View A: the metric per round for each bracket (mean ↔ max control); click a bracket to filter."
OPTIONS = {
    "agg": Choice(
        doc="Initial aggregate per round: mean, or max = the best (maximum accuracy; for loss-only "
        "runs the minimum loss). The slide's control switches between them.",
        default="mean",
        choices=("mean", "max"),
    ),
    "metric": metric_option(),
    "x": Choice(doc="Horizontal axis of the lines: the round within the bracket, or its budget.",
                default="round", choices=("round", "budget")),
    "max_rows": Int(doc="Most evaluations listed in the linked table (the best by the metric).",
                    default=1000, min=1),
}

PARAM = "bracket_pick"
LINES_WIDTH = 460
POINTS_WIDTH = 360
# The table under the chart is folded (Table.collapsed), so the chart takes the slide's height
# (the deck shrinks a chart to its box, never enlarges it).
HEIGHT = 300
LEGEND_ROWS = 5  # bracket legend entries per column: a taller legend sets the chart's least height


def best_agg(metric: Metric) -> str:
    """The name of the 'best' aggregate for the radio control: max accuracy, min loss."""
    return metric.best_agg


def per_round(run: Run, metric: Metric) -> pd.DataFrame:
    """One row per (bracket, round): budget, n evaluated, n with a value, mean and best."""
    ok = run.ok[run.ok[metric.field].notna()]
    g = ok.groupby(["bracket", "round"], sort=True)
    out = g.agg(budget=("budget", "first"), n=(metric.field, "size"), mean=(metric.field, "mean"),
                best=(metric.field, metric.best_agg)).reset_index()
    return out


def numbers(run: Run, metric: Metric, agg: str, rounds: pd.DataFrame) -> dict:
    multi = rounds.groupby("bracket").filter(lambda g: len(g) > 1)
    firsts = multi.sort_values("round").groupby("bracket").first()
    lasts = multi.sort_values("round").groupby("bracket").last()
    sign = 1 if metric.higher_is_better else -1
    rising = int(((lasts["mean"] - firsts["mean"]) * sign > 0).sum()) if len(firsts) else 0
    ok = run.ok[run.ok[metric.field].notna()]
    multi_ids = set(multi["bracket"])
    in_multi = ok[ok["bracket"].isin(multi_ids)]
    max_round = in_multi.groupby("bracket")["round"].transform("max")
    top = ok[ok["budget"] == ok["budget"].max()] if len(ok) else ok
    best_row = metric.best_first(top).iloc[0] if len(top) else None
    return {
        "metric": metric.field,
        "agg": agg,
        "n_brackets": int(rounds["bracket"].nunique()),
        "n_multi_round": len(firsts),
        "n_single_round": int(rounds["bracket"].nunique()) - len(firsts),
        "n_rising": rising,
        "first_round_mean": number(in_multi.loc[in_multi["round"] == 0, metric.field].mean()) if len(in_multi) else None,
        "last_round_mean": number(in_multi.loc[in_multi["round"] == max_round, metric.field].mean()) if len(in_multi) else None,
        # The same with the control on "best" (max accuracy / min loss): the mean over brackets of
        # each bracket's best first-round / last-round value, and in how many brackets it improved.
        "first_round_best": number(firsts["best"].mean()) if len(firsts) else None,
        "last_round_best": number(lasts["best"].mean()) if len(lasts) else None,
        "n_rising_best": int(((lasts["best"] - firsts["best"]) * sign > 0).sum()) if len(firsts) else 0,
        "best_bracket": int(best_row["bracket"]) if best_row is not None else None,
        "best_value": number(best_row[metric.field]) if best_row is not None else None,
        "n_crashed": run.n_crashed,
        "rounds": [
            {"bracket": int(r.bracket), "round": int(r.round), "budget": number(r.budget), "n": int(r.n),
             "mean": number(r.mean), "best": number(r.best)}
            for r in rounds.itertuples(index=False)
        ],
    }


# More lines than this are a tangle (and, with thousands of brackets, more data than a deck
# should carry): the chart then draws this many brackets spread evenly over the run, the best
# bracket always among them. The numbers and the text still count every bracket.
MAX_LINES = 40


def drawn_brackets(rounds: pd.DataFrame, best_bracket: int | None) -> tuple[pd.DataFrame, str]:
    ids = sorted(rounds["bracket"].unique())
    if len(ids) <= MAX_LINES:
        return rounds, ""
    keep = {ids[int(i)] for i in np.linspace(0, len(ids) - 1, MAX_LINES - 1).round()}
    if best_bracket is not None:
        keep.add(best_bracket)
    note = tr("Lines: {k} of the run's {n} brackets, spread evenly over the run (with the best one); the counts "
              "above use all of them.", k=len(keep), n=len(ids))
    return rounds[rounds["bracket"].isin(keep)], note


def _jitter(df: pd.DataFrame) -> np.ndarray:
    """A deterministic spread in [-0.35, 0.35] from the trial number (golden-ratio sequence), so
    points at one budget do not sit on top of each other and the output stays byte-identical."""
    return np.round(((df["trial"].to_numpy() * 0.6180339887) % 1.0 - 0.5) * 0.7, 4)


def _charts(run: Run, metric: Metric, agg: str, rounds: pd.DataFrame, x_field: str):
    import altair as alt

    best_name = best_agg(metric)
    lines_data = rounds.rename(columns={"best": best_name}).copy()
    lines_data["budget_label"] = lines_data["budget"].map(fmt.budget)
    for col in ("mean", best_name):
        lines_data[col] = lines_data[col].round(6)
    agg_param = alt.param(
        name="agg",
        value="mean" if agg == "mean" else best_name,
        bind=alt.binding_radio(options=["mean", best_name], labels=[tr("mean"), _agg_label(best_name)],
                               name=tr("{metric} per round:", metric=metric.name) + " "),
    )
    # Click a line (double-click clears), or pick it in the dropdown: the keyboard's way in.
    ids = [int(b) for b in sorted(rounds["bracket"].unique())]
    pick = alt.selection_point(
        name=PARAM, fields=["bracket"], on="click", clear="dblclick",
        bind=alt.binding_select(options=[None, *ids], labels=[tr("all"), *(str(i) for i in ids)],
                               name=tr("bracket:") + " "))
    if x_field == "round":
        eta = fmt.budget(run.eta) if run.eta else "η"
        x = alt.X("round:O", title=tr("round (each keeps the best 1/{eta} for {eta}× the budget)", eta=eta),
                  axis=alt.Axis(labelAngle=0))
    else:
        x = alt.X("budget:Q", title=tr("budget"), scale=alt.Scale(type="log", nice=False),
                  axis=alt.Axis(values=[number(b) for b in run.budgets], format="~g"))
    # A short axis title: one longer than the plot is tall makes the view taller than its plot.
    # One y range for both settings of the control: switching mean ↔ best must not re-zoom the
    # axis silently (the same height would then mean different numbers).
    both = pd.concat([lines_data["mean"], lines_data[best_name]]).dropna()
    domain = [float(both.min()), float(both.max())] if len(both) else None
    if domain and domain[0] == domain[1]:
        domain = None
    y = alt.Y("value:Q", title=metric.name, scale=alt.Scale(zero=False, domain=domain, nice=True),
              axis=alt.Axis(format=metric.d3_format))
    # Fifteen shades of one hue tell no bracket apart. Brackets that start on the same budget
    # run the same plan (same rounds, same budgets), so the color says where a bracket starts
    # (a handful of colors from the theme's colour-blind-safe palette), the tooltip and a click
    # say which bracket it is.
    first_budget = lines_data.groupby("bracket")["budget"].transform("min")
    lines_data["starts"] = first_budget.map(_starts)
    start_order = [_starts(b) for b in sorted(first_budget.unique())]
    color = alt.Color("starts:N", title=tr("bracket"), sort=start_order, scale=alt.Scale(domain=start_order),
                      legend=alt.Legend(orient="right", symbolType="stroke", symbolSize=120, symbolStrokeWidth=4))
    tooltip = [
        alt.Tooltip("bracket:O", title=tr("bracket")),
        alt.Tooltip("starts:N", title=tr("first round")),
        alt.Tooltip("round:O", title=tr("round")),
        alt.Tooltip("budget_label:N", title=tr("budget")),
        alt.Tooltip("n:Q", title=tr("evaluations")),
        alt.Tooltip("mean:Q", title=tr("mean {metric}", metric=metric.name), format=metric.d3_format),
        alt.Tooltip(f"{best_name}:Q", title=(tr("max {metric}", metric=metric.name) if best_name == "max"
                                             else tr("min {metric}", metric=metric.name)), format=metric.d3_format),
    ]
    base = (
        alt.Chart(lines_data)
        .transform_calculate(value="datum[agg]")
        .encode(x=x, y=y, color=color, detail=alt.Detail("bracket:O"),
                opacity=opacity_condition(pick, 1.0, 0.15), tooltip=tooltip)
    )
    lines = base.mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=60, filled=True)).add_params(agg_param, pick)
    left = lines.properties(
        width=LINES_WIDTH, height=HEIGHT,
        title=alt.Title(tr("Accuracy per round, one line per bracket: click one") if metric.field == "accuracy"
                        else tr("Loss per round (lower is better), one line per bracket: click one"),
                        anchor="start", fontSize=14),
    )

    ok = run.ok[run.ok[metric.field].notna()]
    keep = [] if run.best is None else [run.best["sample_id"]]
    sampled = sample_points(ok, MAX_POINTS, keep=keep)
    pts = sampled.frame[["sample_id", "bracket", "round", "trial", "budget", "sample_type", metric.field]].copy()
    pts["jitter"] = _jitter(pts)
    pts["budget_label"] = pts["budget"].map(fmt.budget)
    pts[metric.field] = pts[metric.field].round(6)
    pts = pts.drop(columns=["trial", "budget"])
    right = (
        alt.Chart(pts)
        .transform_filter(pick)
        .mark_circle(size=40, opacity=0.75)
        .encode(
            x=alt.X("budget_label:O", title=tr("budget"), sort=[fmt.budget(b) for b in run.budgets],
                    axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-0.5, 0.5])),
            y=alt.Y(f"{metric.field}:Q", title=metric.name, scale=metric_scale(metric, pts[metric.field]),
                    axis=alt.Axis(format=metric.d3_format)),
            color=sample_type_color(legend=alt.Legend(orient="right")),
            tooltip=[
                alt.Tooltip("sample_id:N", title=tr("sample")),
                alt.Tooltip("bracket:O", title=tr("bracket")),
                alt.Tooltip("round:O", title=tr("round")),
                alt.Tooltip("budget_label:N", title=tr("budget")),
                alt.Tooltip("sample_type:N", title=tr("sample type")),
                alt.Tooltip(f"{metric.field}:Q", title=metric.name, format=metric.d3_format),
            ],
        )
        .properties(width=POINTS_WIDTH, height=HEIGHT,
                    title=alt.Title(tr("Evaluations of the selected bracket (all when none)"), anchor="start",
                                    fontSize=14))
    )
    # One constructor call: .resolve_scale() on the concat would copy both charts again.
    spec = vega_lite(alt.HConcatChart(hconcat=[left, right], spacing=30,
                                      resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent"))))
    return spec, sampled


def _starts(budget) -> str:
    """A bracket's legend entry: the budget its first round ran on ('starts at 9')."""
    return tr("starts at {budget}", budget=fmt.budget(budget))


def _agg_label(agg: str) -> str:
    """The radio control's word for an aggregate (its value stays the data field's name). Whole
    words: "min" alone is also the minutes unit elsewhere in the catalog."""
    return {"mean": tr("mean"), "max": tr("maximum"), "min": tr("minimum")}[agg]


def _takeaways(n: dict, metric: Metric) -> dict[str, str]:
    """The slide's one sentence for each setting of the mean ↔ best control (the deck shows the
    one the control is on, so the text never claims what the chart does not show)."""
    best = metric.best_agg
    if not n["n_multi_round"]:
        one = tr("Every bracket ran a single round, so there is no rise from round to round to see.")
        return {"mean": one, best: one}
    single = (" " + tr("The other {n} ran a single round.", n=n["n_single_round"]) if n["n_single_round"] else "")
    mean = dict(metric=metric.name, first=metric.fmt(n["first_round_mean"]), last=metric.fmt(n["last_round_mean"]),
                k=n["n_rising"], m=n["n_multi_round"])
    moves = _moves(metric, n["first_round_mean"], n["last_round_mean"])
    if moves == "rises":
        mean_text = tr("The mean {metric} of a round rises from {first} in first rounds to {last} in last rounds; it "
                       "improves in {k} of {m} brackets with several rounds.", **mean)
    elif moves == "falls":
        mean_text = tr("The mean {metric} of a round falls from {first} in first rounds to {last} in last rounds; it "
                       "improves in {k} of {m} brackets with several rounds.", **mean)
    else:
        mean_text = tr("The mean {metric} of a round goes from {first} in first rounds to {last} in last rounds; it "
                       "improves in {k} of {m} brackets with several rounds.", **mean)
    top = dict(metric=metric.name, first=metric.fmt(n["first_round_best"]), last=metric.fmt(n["last_round_best"]),
               k=n["n_rising_best"], m=n["n_multi_round"])
    if metric.higher_is_better:
        best_text = tr("The highest {metric} of a round goes from {first} in first rounds to {last} in last rounds "
                       "(mean over brackets); it improves in {k} of {m} brackets with several rounds.", **top)
    else:
        best_text = tr("The lowest {metric} of a round goes from {first} in first rounds to {last} in last rounds "
                       "(mean over brackets); it improves in {k} of {m} brackets with several rounds.", **top)
    return {"mean": mean_text + single, best: best_text + single}


def _description(n: dict, metric: Metric, rounds: pd.DataFrame) -> str:
    if not len(rounds):
        return tr("No bracket has an evaluation with a value.")
    lo, hi = rounds.loc[rounds["mean"].idxmin()], rounds.loc[rounds["mean"].idxmax()]
    params = dict(metric=metric.name, low=metric.fmt(lo["mean"]), low_bracket=str(int(lo["bracket"])),
                  low_round=int(lo["round"]), high=metric.fmt(hi["mean"]), high_bracket=str(int(hi["bracket"])),
                  high_round=int(hi["round"]))
    if n["n_multi_round"]:
        text = trn("Line chart of the mean {metric} per round, one line per bracket ({n} bracket), from {low} (bracket "
                   "{low_bracket}, round {low_round}) to {high} (bracket {high_bracket}, round {high_round}); first "
                   "rounds average {first}, last rounds {last}.",
                   "Line chart of the mean {metric} per round, one line per bracket ({n} brackets), from {low} (bracket "
                   "{low_bracket}, round {low_round}) to {high} (bracket {high_bracket}, round {high_round}); first "
                   "rounds average {first}, last rounds {last}.", n["n_brackets"],
                   first=metric.fmt(n["first_round_mean"]), last=metric.fmt(n["last_round_mean"]), **params)
    else:
        text = trn("Line chart of the mean {metric} per round, one line per bracket ({n} bracket), from {low} (bracket "
                   "{low_bracket}, round {low_round}) to {high} (bracket {high_bracket}, round {high_round}).",
                   "Line chart of the mean {metric} per round, one line per bracket ({n} brackets), from {low} (bracket "
                   "{low_bracket}, round {low_round}) to {high} (bracket {high_bracket}, round {high_round}).",
                   n["n_brackets"], **params)
    return text + " " + tr("Beside it, the evaluations of the picked bracket by budget and sample type.")


def _moves(metric: Metric, first, last) -> str:
    """'rises' / 'falls' as the numbers do (a falling loss is the good direction)."""
    if first is None or last is None or first == last:
        return "goes"
    return "rises" if last > first else "falls"


def _takeaway_html(texts: dict[str, str], shown: str) -> str:
    """One <p> per control setting; deck.js shows the one whose data-when matches the chart's
    `agg` param (static export: the initial one)."""
    return "".join(
        f'<p class="takeaway" data-param="agg" data-when="{esc(k)}"{"" if k == shown else " hidden"}>{esc(v)}</p>'
        for k, v in texts.items())


def _story_text(n: dict, metric: Metric) -> str:
    parts = []
    if n["n_multi_round"]:
        parts.append(tr(
            "In {k} of {m} brackets with several rounds the mean {metric} got better from the first to the last round "
            "({first} → {last} over all their evaluations): the configurations that go on are the better ones, "
            "trained longer.", k=n["n_rising"], m=n["n_multi_round"], metric=metric.name,
            first=metric.fmt(n["first_round_mean"]), last=metric.fmt(n["last_round_mean"])))
    else:
        parts.append(tr("Every bracket ran a single round, so there is no rise from round to round to see."))
    if n["best_bracket"] is not None:
        parts.append(tr("The best single evaluation at the largest budget came from bracket {bracket} ({value}).",
                        bracket=str(n["best_bracket"]), value=metric.fmt(n["best_value"])))
    return " ".join(parts)


def build(run: Run, options: StepOptions) -> Slide:
    metric = metric_for(run, options.get("metric", "auto"))
    agg_opt = options.get("agg", "mean")
    agg = "mean" if agg_opt == "mean" else metric.best_agg
    rounds = per_round(run, metric)
    n = numbers(run, metric, agg, rounds)
    drawn, lines_note = drawn_brackets(rounds, n["best_bracket"])
    spec, sampled = _charts(run, metric, agg, drawn, options.get("x", "round"))
    chart_id = f"s{options.index}-brackets"

    caption_bits = [note for note in (
        tr("Color: the budget a bracket starts on; brackets with the same start run the same plan. Click a line to "
           "pick a bracket, double-click to clear."), lines_note, sampled.note, crashed_note(run))
        if note]
    state = _state(agg, metric)
    columns = base_columns(run, metric)
    listed = best_rows(run.table, metric, options.get("max_rows", OPTIONS["max_rows"].default))
    table = Table(
        id=f"s{options.index}-brackets-table",
        columns=columns,
        rows=table_rows(listed.frame, columns, extra=("bracket",), digits=6),
        follows=(chart_id,),
        sort=metric.sort,
        caption=listed.note,
        static_rows=3,  # on paper the chart keeps the room (the deck's table scrolls)
        empty_text=tr("Click a bracket's line to list its evaluations here."),
        collapsed=True,  # the chart gets the slide; "Show the table" opens the rows
    )
    texts = _takeaways(n, metric)
    blocks = (
        UserText(),
        Html(_takeaway_html(texts, agg)),
        Chart(id=chart_id, spec=spec, links=(Link(param=PARAM, key="sample_id", carry=True),),
              caption=" ".join(caption_bits), state=state, description=_description(n, metric, rounds)),
        table,
    )
    if options.title:
        title = options.title
    elif n["n_multi_round"]:
        title = tr("Later rounds score better in {k} of {n} brackets", k=n["n_rising"], n=n["n_brackets"])
    else:
        title = tr("Accuracy per bracket") if metric.field == "accuracy" else tr("Loss per bracket")
    how = (tr("Each line is one bracket; each point a round. Switch mean ↔ max with the control; click a line to see "
              "that bracket's evaluations.") if metric.best_agg == "max" else
           tr("Each line is one bracket; each point a round. Switch mean ↔ min with the control; click a line to see "
              "that bracket's evaluations."))
    notes = how + " " + _story_text(n, metric)
    return Slide(kind=KIND, title=title, blocks=blocks, notes=notes, numbers={KIND: n})


def _state(agg: str, metric: Metric) -> str:
    """What the static export shows: the control's initial setting, and the one it can switch to."""
    params = dict(metric=metric.name)
    if agg == "max":
        return tr("Showing the maximum {metric} per round; the deck can switch to the mean. No bracket selected.", **params)
    if agg == "min":
        return tr("Showing the minimum {metric} per round; the deck can switch to the mean. No bracket selected.", **params)
    if metric.higher_is_better:
        return tr("Showing the mean {metric} per round; the deck can switch to the maximum. No bracket selected.", **params)
    return tr("Showing the mean {metric} per round; the deck can switch to the minimum. No bracket selected.", **params)
