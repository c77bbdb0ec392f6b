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
from ..i18n import tr

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


def _metric_name(rule) -> str:
    return tr("accuracy") if rule.field == "accuracy" else tr("loss")


def _swatch(i: int, name: str) -> str:
    color = RUN_COLORS[i % len(RUN_COLORS)]
    return f'<span style="color:{color};font-weight:700">■ {esc(name)}</span>'


def _ladder(budgets, eta) -> str:
    ladder = "–".join(fmt.budget(x) for x in budgets)
    return tr("{ladder} (eta {eta})", ladder=ladder, eta=fmt.budget(eta)) if eta else ladder


def _change_word(change: str) -> str:
    """How a hyperparameter's range changed (analysis/compare.py's words), in the deck's language."""
    words = {"same": tr("same"), "narrowed": tr("narrowed"), "widened": tr("widened"), "shifted": tr("shifted"),
             "choices": tr("choices changed"), "added": tr("added"), "removed": tr("removed"),
             "changed": tr("changed")}
    return words.get(change, change)


def _changes_html(c: Comparison, names: list[str]) -> str:
    a, b, rule = c.first, c.second, c.rule
    i, j = names.index(a.name), names.index(b.name)

    def mark(ok):
        return "" if ok is None else ("✓" if ok else "✗")

    rows = []
    for h in c.hyperparameters:
        rows.append((h.name, h.before or "–", h.after or "–", _change_word(h.change), h.advised or "–",
                     mark(h.followed)))
    ba = c.advice.budget
    advised_ladder = _ladder(ba.new_budgets, ba.new_eta) if ba.new_budgets else "–"
    rows.append((tr("budgets"), _ladder(a.budgets, a.eta), _ladder(b.budgets, b.eta),
                 tr("changed") if c.budgets_changed else tr("same"), advised_ladder, mark(c.budgets_followed)))
    better = c.improvement
    rows.append((tr("best accuracy") if rule.field == "accuracy" else tr("best loss"),
                 _value(rule, a.best_value), _value(rule, b.best_value),
                 "–" if better is None else (tr("better") if better > 0 else tr("worse") if better < 0 else tr("same")),
                 "", ""))
    rows.append((tr("compute spent"), fmt.integer(a.spent), fmt.integer(b.spent),
                 "–" if c.cost_ratio is None else tr("{share} of it", share=fmt.pct(c.cost_ratio, 0)), "", ""))
    rows.append((tr("evaluations"), fmt.integer(a.n_evaluations), fmt.integer(b.n_evaluations), "", "", ""))
    head = ("", _swatch(i, a.name), _swatch(j, b.name), esc(tr("change")),
            esc(tr("advised after {run}", run=a.name)), esc(tr("followed")))
    th = "".join(f'<th style="text-align:left;padding:0.1rem 0.6rem">{h}</th>' for h in head)
    body = "".join("<tr>" + "".join(f'<td style="padding:0.1rem 0.6rem">{esc(str(x))}</td>' for x in r) + "</tr>"
                   for r in rows)
    return (f'<table class="compare-changes" style="border-collapse:collapse;font-size:0.9rem">'
            f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")


def _followed_sentence(c: Comparison) -> str:
    a, b = c.first, c.second
    if c.advice.too_few:
        return tr("The advice after {first} had too few evaluations to change the space.", first=a.name)
    if c.advice_followed:
        return tr("{second} followed the advice computed after {first} (every range and the budgets).",
                  second=b.name, first=a.name)
    params = dict(second=b.name, first=a.name, n=c.n_followed, m=c.n_advised)
    if c.budgets_followed:
        return tr("{second} followed the advice after {first} for {n} of {m} hyperparameters and the budgets.",
                  **params)
    return tr("{second} followed the advice after {first} for {n} of {m} hyperparameters, not the budgets.",
              **params)


def _result_sentence(c: Comparison) -> str:
    rule, a, b = c.rule, c.first, c.second
    if c.improvement is None:
        return tr("One of the runs has no best configuration to compare.")
    params = dict(metric=_metric_name(rule),
                  second=_value(rule, b.best_value), first=_value(rule, a.best_value),
                  diff=_value(rule, abs(c.improvement)))
    cost = c.cost_ratio
    if cost is not None:
        params["cost"] = fmt.pct(cost, 0)
    if c.improvement > 0:
        if cost is not None:
            return tr("Its best {metric} is {second} against {first}: better by {diff}, for {cost} of the compute.",
                      **params)
        return tr("Its best {metric} is {second} against {first}: better by {diff}.", **params)
    if c.improvement < 0:
        if cost is not None:
            return tr("Its best {metric} is {second} against {first}: worse by {diff}, for {cost} of the compute.",
                      **params)
        return tr("Its best {metric} is {second} against {first}: worse by {diff}.", **params)
    if cost is not None:
        return tr("Its best {metric} is {second} against {first}: no different, for {cost} of the compute.",
                  **params)
    return tr("Its best {metric} is {second} against {first}: no different.", **params)


def verdict(c: Comparison) -> str:
    return f"{_followed_sentence(c)} {_result_sentence(c)}"


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
        title = title or tr("What changed from {first} to {last}", first=names[0], last=names[-1])
    elif show == "best":
        frame = views.best_frame(runs, rule, options.get("k", 5))
        spec = vega_lite(views.best_chart(frame, names, rule))
        blocks.append(Chart(id=f"s{idx}-compare-best", spec=spec, links=(Link("pick", key="uid"),),
                            caption=" ".join((rule.describe(), tr("Click a run in the legend to list its top configurations."))),
                            state=tr("Showing every run's top configurations.")))
        blocks.append(Table(id=f"s{idx}-compare-best-table", key="uid", follows=(f"s{idx}-compare-best",),
                            columns=(Column("run", tr("run")), Column("rank", "#", "int"), Column("sample_id", tr("sample")),
                                     Column("value", _metric_name(rule), "pct" if rule.field == "accuracy" else "num"),
                                     Column("config", tr("configuration"))),
                            rows=tuple(frame.to_dict("records")), sort="value" if not rule.higher_is_better else "-value",
                            static_rows=2 * len(names), filterable=False))
        title = title or (tr("Best accuracy per run") if rule.field == "accuracy" else tr("Best loss per run"))
    elif show == "trajectory":
        frame = views.trajectory_frame(runs, rule)
        spec = vega_lite(views.trajectory_chart(frame, names, rule))
        blocks.append(Chart(id=f"s{idx}-compare-trajectory", spec=spec, links=(Link("brush", key="uid"),),
                            caption=tr("Each dot: an evaluation at its run's largest budget; line: the best so far. "
                                       "Drag across the chart to list those evaluations."),
                            state=tr("Static: every run's trajectory; the table lists its first rows.")))
        blocks.append(Table(id=f"s{idx}-compare-trajectory-table", key="uid", follows=(f"s{idx}-compare-trajectory",),
                            columns=(Column("run", tr("run")), Column("sample_id", tr("sample")),
                                     Column("spent", tr("compute spent"), "int"),
                                     Column("value", _metric_name(rule), "pct" if rule.field == "accuracy" else "num"),
                                     Column("best", tr("best so far"), "pct" if rule.field == "accuracy" else "num")),
                            rows=tuple(frame.to_dict("records")), sort="spent", static_rows=6))
        title = title or tr("Best so far against compute, per run")
    elif show == "iterations":
        frame = views.iterations_frame(runs, rule)
        spec = vega_lite(views.iterations_chart(frame, names, rule))
        blocks.append(Chart(id=f"s{idx}-compare-iterations", spec=spec,
                            caption=tr("Click a run in the legend to pick it out."), state=tr("Showing every run.")))
        title = title or (tr("Each iteration's best accuracy, per run") if rule.field == "accuracy"
                          else tr("Each iteration's best loss, per run"))
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
                            caption=tr("Boxes: quartiles and median of each run's evaluations on each budget; "
                                       "whiskers: within 1.5 box-heights.")))
        title = title or (tr("Accuracy per budget, per run") if rule.field == "accuracy"
                          else tr("Loss per budget, per run"))
    notes = verdict(comparisons[0])
    return Slide(kind=KIND, title=title, blocks=tuple(blocks), notes=notes, numbers={KIND: n})
