"""Step kind `compare`: what changed between the deck's runs, and the runs side by side or overlaid.

Needs a deck of several runs (`data: {first: runs/a, second: runs/b}`); one colour per run on every
slide (steps/_runs.py). `show:` picks the view:
  changes     (default) a table of what changed from each run to the next — search space, budgets,
              best result, cost — and whether the later run followed the advice computed from the
              earlier one (analysis/advice.py), with the best of each run;
  best        each run's best configuration and its next best (a legend click picks a run; the
              table lists the picked run's top configurations);
  trajectory  best so far against compute spent, overlaid (drag a range: the table lists those
              evaluations);
  iterations  each Hyperband iteration's best, per run;
  budgets     the metric per budget (per round of successive halving), runs side by side;
              `metric:` accuracy (auto, when every run has it) or loss.

Numbers (`compare.<name>`): runs (names), first, second ({name, n_evaluations, spent, best_value,
best_loss, best_accuracy, budgets, eta, …}), improvement (positive = the second is better),
cost_ratio, n_changed, hyperparameters [{name, before, after, change, advised, followed}],
n_followed, n_advised, budgets_followed, advice_followed, pairs (the same for every consecutive pair).
"""

from __future__ import annotations

from typing import Mapping

from ..analysis.compare import Comparison, compare_runs
from ..analysis.ranking import ACCURACY_RULE, LOSS_RULE, rule_for
from ..errors import BohbvisError
from ..model import format as fmt
from ..model.run import Run
from ..options import Choice, Int, StepOptions
from . import _compare_views as views
from ._base import Chart, Column, Html, Link, Slide, Table, UserText
from ._spec import vega_lite
from ._html import esc
from ._runs import RUN_COLORS, need_runs

KIND = "compare"
DESCRIPTION = "Compare the deck's runs: what changed (space, budgets, best, cost), whether the advice was followed, and the runs side by side."
OPTIONS = {
    "show": Choice(doc="Which comparison: changes (a table), best, trajectory, iterations or budgets.",
                   default="changes", choices=("changes", "best", "trajectory", "iterations", "budgets")),
    "by": Choice(doc="Which configurations are best: by loss (hpbandster's incumbent rule) or by accuracy.",
                 default="loss", choices=("loss", "accuracy")),
    "k": Int(doc="How many top configurations per run the best view lists.", default=5, min=1, max=50),
    "metric": Choice(doc="What the budgets view plots per budget (per round): accuracy, loss, or auto "
                         "(accuracy when every run has it).", default="auto", choices=("auto", "accuracy", "loss")),
}


def build(run: Run, options: StepOptions) -> Slide:
    need_runs(None, KIND)  # a deck of one run: one clear message


def _value(rule, v) -> str:
    return fmt.pct(v) if rule.field == "accuracy" else fmt.num(v)


def _swatch(i: int, name: str) -> str:
    color = RUN_COLORS[i % len(RUN_COLORS)]
    return f'<span style="color:{color};font-weight:700">■ {esc(name)}</span>'


def _changes_html(c: Comparison, names: list[str]) -> str:
    a, b, rule = c.first, c.second, c.rule
    i, j = names.index(a.name), names.index(b.name)

    def ladder(f):
        return "–".join(fmt.budget(x) for x in f.budgets) + (f" (eta {fmt.budget(f.eta)})" if f.eta else "")

    def mark(ok):
        return "" if ok is None else ("✓" if ok else "✗")

    rows = []
    for h in c.hyperparameters:
        rows.append((h.name, h.before or "–", h.after or "–", h.change, h.advised or "–", mark(h.followed)))
    ba = c.advice.budget
    advised_ladder = ("–".join(fmt.budget(x) for x in ba.new_budgets) + f" (eta {fmt.budget(ba.new_eta)})"
                      if ba.new_budgets else "–")
    rows.append(("budgets", ladder(a), ladder(b), "changed" if c.budgets_changed else "same", advised_ladder,
                 mark(c.budgets_followed)))
    better = c.improvement
    rows.append((f"best {rule.field}", _value(rule, a.best_value), _value(rule, b.best_value),
                 "–" if better is None else ("better" if better > 0 else "worse" if better < 0 else "same"), "", ""))
    rows.append(("compute spent", fmt.integer(a.spent), fmt.integer(b.spent),
                 "–" if c.cost_ratio is None else f"{fmt.pct(c.cost_ratio, 0)} of it", "", ""))
    rows.append(("evaluations", fmt.integer(a.n_evaluations), fmt.integer(b.n_evaluations), "", "", ""))
    head = ("", _swatch(i, a.name), _swatch(j, b.name), "change", f"advised after {esc(a.name)}", "followed")
    th = "".join(f'<th style="text-align:left;padding:0.1rem 0.6rem">{h}</th>' for h in head)
    body = "".join("<tr>" + "".join(f'<td style="padding:0.1rem 0.6rem">{esc(str(x))}</td>' for x in r) + "</tr>"
                   for r in rows)
    return (f'<table class="compare-changes" style="border-collapse:collapse;font-size:0.9rem">'
            f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")


def verdict(c: Comparison) -> str:
    rule, a, b = c.rule, c.first, c.second
    if c.advice.too_few:
        followed = f"The advice after {a.name} had too few evaluations to change the space."
    elif c.advice_followed:
        followed = f"{b.name} followed the advice computed after {a.name} (every range and the budgets)."
    else:
        followed = (f"{b.name} followed the advice after {a.name} for {c.n_followed} of {c.n_advised} "
                    f"hyperparameters{' and the budgets' if c.budgets_followed else ', not the budgets'}.")
    if c.improvement is None:
        result = "One of the runs has no best configuration to compare."
    else:
        how = "better" if c.improvement > 0 else "worse" if c.improvement < 0 else "no different"
        result = (f"Its best {rule.field} is {_value(rule, b.best_value)} against {_value(rule, a.best_value)}: {how}"
                  + (f" by {_value(rule, abs(c.improvement))}" if c.improvement else "")
                  + (f", for {fmt.pct(c.cost_ratio, 0)} of the compute." if c.cost_ratio is not None else "."))
    return f"{followed} {result}"


def numbers(comparisons: list[Comparison], names: list[str]) -> dict:
    first = comparisons[0].to_dict()
    return {"runs": names, **first, "verdict": verdict(comparisons[0]),
            "pairs": [c.to_dict() | {"verdict": verdict(c)} for c in comparisons]}


def build_runs(runs: Mapping[str, Run], options: StepOptions) -> Slide:
    runs = need_runs(runs, KIND)
    names = list(runs)
    by = options.get("by", "loss")
    show = options.get("show", "changes")
    first_run = next(iter(runs.values()))
    rule = rule_for(first_run, by)
    comparisons = compare_runs(runs, by=by)
    n = numbers(comparisons, names)
    idx = options.index
    blocks: list = [UserText()]
    title = options.title
    if show == "changes":
        blocks += [Html(f"<p><strong>{esc(v)}</strong></p>") for v in (verdict(c) for c in comparisons[:1])]
        blocks += [Html(_changes_html(c, names)) for c in comparisons]
        title = title or f"What changed from {names[0]} to {names[-1]}"
    elif show == "best":
        frame = views.best_frame(runs, rule, options.get("k", 5))
        spec = vega_lite(views.best_chart(frame, names, rule))
        blocks.append(Chart(id=f"s{idx}-compare-best", spec=spec, links=(Link("pick", key="uid"),),
                            caption=f"{rule.describe()} Click a run in the legend to list its top configurations.",
                            state="Showing every run's top configurations."))
        blocks.append(Table(id=f"s{idx}-compare-best-table", key="uid", follows=(f"s{idx}-compare-best",),
                            columns=(Column("run", "run"), Column("rank", "#", "int"), Column("sample_id", "sample"),
                                     Column("value", rule.field, "pct" if rule.field == "accuracy" else "num"),
                                     Column("config", "configuration")),
                            rows=tuple(frame.to_dict("records")), sort="value" if not rule.higher_is_better else "-value",
                            static_rows=2 * len(names), filterable=False))
        title = title or f"Best {rule.field} per run"
    elif show == "trajectory":
        frame = views.trajectory_frame(runs, rule)
        spec = vega_lite(views.trajectory_chart(frame, names, rule))
        blocks.append(Chart(id=f"s{idx}-compare-trajectory", spec=spec, links=(Link("brush", key="uid"),),
                            caption="Each dot: an evaluation at its run's largest budget; line: the best so far. "
                                    "Drag across the chart to list those evaluations.",
                            state="Static: every run's trajectory; the table lists its first rows."))
        blocks.append(Table(id=f"s{idx}-compare-trajectory-table", key="uid", follows=(f"s{idx}-compare-trajectory",),
                            columns=(Column("run", "run"), Column("sample_id", "sample"),
                                     Column("spent", "compute spent", "int"),
                                     Column("value", rule.field, "pct" if rule.field == "accuracy" else "num"),
                                     Column("best", "best so far", "pct" if rule.field == "accuracy" else "num")),
                            rows=tuple(frame.to_dict("records")), sort="spent", static_rows=6))
        title = title or "Best so far against compute, per run"
    elif show == "iterations":
        frame = views.iterations_frame(runs, rule)
        spec = vega_lite(views.iterations_chart(frame, names, rule))
        blocks.append(Chart(id=f"s{idx}-compare-iterations", spec=spec,
                            caption="Click a run in the legend to pick it out.", state="Showing every run."))
        title = title or f"Each iteration's best {rule.field}, per run"
    else:
        metric = options.get("metric", "auto")
        if metric == "auto":
            metric = "accuracy" if all(r.has_accuracy for r in runs.values()) else "loss"
        elif metric == "accuracy" and not all(r.has_accuracy for r in runs.values()):
            raise BohbvisError("accuracy was asked for, but a run records no accuracy (only a loss).",
                               key="metric", allowed="loss, auto")
        rule = ACCURACY_RULE if metric == "accuracy" else LOSS_RULE
        chart, stats = views.budgets_chart(runs, names, rule)
        blocks.append(Chart(id=f"s{idx}-compare-budgets", spec=vega_lite(chart),
                            caption="Boxes: quartiles and median of each run's evaluations on each budget; "
                                    "whiskers: within 1.5 box-heights."))
        title = title or f"{rule.field.capitalize()} per budget, per run"
    notes = verdict(comparisons[0])
    return Slide(kind=KIND, title=title, blocks=tuple(blocks), notes=notes, numbers={KIND: n})
