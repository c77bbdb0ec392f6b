"""The overview panel: what was optimized, how much was run, the budget ladder and the space.

Numbers (`overview.<name>`): metric ("accuracy" | "loss"), metric_source (where accuracy came
from, or ""), source, format, n_evaluations, n_configs, n_crashed, n_brackets, eta, s_max,
min_budget, max_budget, budgets (list), ladder ("1 → 3 → 9"), n_hyperparameters, n_conditional,
n_log, n_deviations, follows_plan (bool).
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

from ..model import format as fmt
from ..model.recovery import RECORDED
from ..model.run import Run
from ..options import Int, StepOptions
from ._base import Html, Slide, UserText
from ._metric import metric_for
from ._rows import number as _num
from ._html import esc, stat
from ..i18n import tr, trn
from ..i18n.lazy import localized

KIND = "overview"
DESCRIPTION = "The overview panel: what was optimized, budgets, eta, brackets, the hyperparameter space, deviations."
OPTIONS = {
    "max_deviations": Int(
        doc="How many deviations from Hyperband to list on the slide (the rest go to the speaker notes).",
        default=3,
        min=0,
    ),
}

def type_word(kind: str) -> str:
    """A hyperparameter's type as the space table says it (real, integer, …)."""
    words = {"float": tr("real"), "int": tr("integer"), "categorical": tr("categorical"), "ordinal": tr("ordinal"),
             "bool": tr("yes/no")}
    return words.get(kind, kind)


def _text(text: str) -> str:
    """Escaped for an element's text (quotes stay quotes: "Hyperband's plan")."""
    return html.escape(text, quote=False)


def _with_html(text: str, **markup: str) -> str:
    """`text` (a translated message rendered with a marker per slot) escaped, with each slot's
    already-escaped HTML put in: the message keeps the whole sentence, markup stays out of it."""
    out = _text(text)
    for name, value in markup.items():
        out = out.replace(_text(_slot(name)), value)
    return out


def _slot(name: str) -> str:
    return f"\x00{name}\x00"


def ladder(run: Run) -> str:
    return " → ".join(fmt.budget(b) for b in run.budgets)


def _what_was_optimized(run: Run) -> str:
    name = Path(run.source).name or run.source
    if run.has_accuracy and run.metric:
        what = tr("BOHB minimized the loss; the run also records accuracy (from “{metric}”), which the slides show.",
                  metric=run.metric)
    elif run.has_accuracy:
        what = tr("BOHB minimized the loss; the run also records accuracy, which the slides show.")
    else:
        what = tr("BOHB minimized the loss (lower is better); the run records no accuracy.")
    source = _with_html(tr("Source: {name} ({format}).", name=_slot("name"), format=run.format),
                        name=f"<code>{esc(name)}</code>")
    return f'<p class="small">{esc(what)} {source}</p>'


# Inline styles: the space table must fit a dozen rows beside the facts; the deck's `facts`
# table style is roomier than that. keep-all: a narrow column wraps Korean between words
# ("로그", "범주형" stay whole), as it wraps English.
_CELL = ("padding:0.22rem 1rem 0.22rem 0;border-bottom:1px solid var(--grid);text-align:left;vertical-align:top;"
         "word-break:keep-all")


def _space_table(run: Run) -> str:
    head = "".join(f'<th style="{_CELL};color:var(--muted);font-weight:600">{esc(h)}</th>'
                   for h in (tr("hyperparameter"), tr("type"), tr("range / choices"), tr("scale"), tr("condition")))
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{esc(c)}</td>' for c in row) + "</tr>"
                   for row in _space_rows(run))
    return (f'<table class="space" style="border-collapse:collapse;font-size:1.05rem;width:100%">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _short(x) -> str:
    """Range ends as written in a config space: 1 not 1.00, 1e-09 not 1.00e-09."""
    if x is None:
        return "?"
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e6 else f"{x:.3g}"


def _space_rows(run: Run):
    for hp in run.space:
        if hp.is_numeric:
            rng = f"{_short(hp.lower)} … {_short(hp.upper)}"
        else:
            rng = tr(", ").join(fmt.value(c) for c in hp.choices or ())
        yield (
            hp.name + (" *" if hp.inferred else ""),
            type_word(hp.type),
            rng,
            tr("log") if hp.log else "",
            localized(hp.condition) or "",
        )


def numbers(run: Run) -> dict:
    metric = metric_for(run)
    return {
        "metric": metric.field,
        "metric_source": run.metric or "",
        "source": Path(run.source).name or run.source,
        "format": run.format,
        "n_evaluations": run.n_evaluations,
        "n_configs": run.n_configs,
        "n_crashed": run.n_crashed,
        "n_brackets": len(run.brackets),
        "eta": _num(run.eta),
        "s_max": run.plan.s_max if run.plan else None,
        "min_budget": _num(run.min_budget),
        "max_budget": _num(run.max_budget),
        "budgets": [_num(b) for b in run.budgets],
        "ladder": ladder(run),
        "n_hyperparameters": len(run.space),
        "n_conditional": sum(1 for hp in run.space if hp.condition),
        "n_log": sum(1 for hp in run.space if hp.log),
        "n_deviations": len(run.deviations),
        "follows_plan": not run.deviations,
    }


def build(run: Run, options: StepOptions) -> Slide:
    n = numbers(run)
    max_dev = options.get("max_deviations", OPTIONS["max_deviations"].default)
    stats = "".join(
        [
            stat(tr("evaluations"), fmt.integer(n["n_evaluations"])),
            stat(tr("configurations"), fmt.integer(n["n_configs"])),
            stat(tr("crashed"), fmt.integer(n["n_crashed"])),
            stat(tr("brackets"), fmt.integer(n["n_brackets"])),
        ]
    )
    left = (
        _what_was_optimized(run)
        + f'<div class="stats">{stats}</div>'
        + _ladder_html(run, n)
        + _deviations_html(run, max_dev)
    )
    right = _space_table(run) + (
        '<p class="small">' + _text(tr("* described from the values the run used (no configspace.json).")) + "</p>"
        if any(hp.inferred for hp in run.space)
        else ""
    ) + _recovery_html(run)
    # Two columns inside one block: the story's text keeps the full width above them.
    body = (
        '<div class="overview" style="display:flex;gap:2.5rem;align-items:flex-start">'
        f'<div style="flex:1 1 0;min-width:0">{left}</div>'
        f'<div style="flex:1.5 1 0;min-width:0">{right}</div></div>'
    )
    blocks = [UserText(), Html(body)]
    notes = _notes(run, n)
    title = options.title or tr("The run: {evaluations}, {hyperparameters}", evaluations=_evaluations(n["n_evaluations"]),
                                hyperparameters=trn("{n} hyperparameter", "{n} hyperparameters", n["n_hyperparameters"]))
    return Slide(kind=KIND, title=title, blocks=tuple(blocks), notes=notes, numbers={KIND: n})


def _evaluations(n: int) -> str:
    return trn("{n} evaluation", "{n} evaluations", n)


def _ladder_html(run: Run, n: dict) -> str:
    if run.eta is None or len(run.budgets) < 2:
        return '<p class="small">' + _text(tr("One budget: {ladder}.", ladder=n["ladder"])) + "</p>"
    eta = fmt.value(n["eta"])
    text = tr("Budget ladder {ladder}: η (eta) = {eta}, so each round keeps the best 1/{eta} of its configurations and "
              "gives them {eta}× the budget.", ladder=_slot("ladder"), eta=eta)
    return '<p class="small">' + _with_html(text, ladder="<strong>" + esc(n["ladder"]) + "</strong>") + "</p>"


def _deviations_html(run: Run, limit: int) -> str:
    devs = [localized(d) for d in run.deviations]
    if not devs:
        ok = tr("The run follows Hyperband's plan exactly: every bracket ran its planned rounds with the planned "
                "numbers of configurations.")
        return f'<p class="ok small">{_text(ok)}</p>'
    head = tr("Where the run differs from Hyperband's plan ({n}):", n=len(devs))
    head = f'<p class="small"><strong>{_text(head)}</strong></p>'
    shown = "".join(f"<li>{esc(d)}</li>" for d in devs[:limit])
    more = len(devs) - min(limit, len(devs))
    tail = "<li>" + _text(tr("… and {n} more (in the speaker notes).", n=more)) + "</li>" if more else ""
    return head + f'<ul class="deviations small">{shown}{tail}</ul>'


def _recovery_labels() -> dict[str, str]:
    """Recovery field -> its label on the slide and in the notes."""
    return {"brackets": tr("Brackets"), "budgets": tr("Budgets"), "sample_types": tr("Sample types"),
            "settings": tr("Settings")}


def _recovery_html(run: Run) -> str:
    """Where the tool did not store brackets or budgets, say how they were recovered (Optuna, Ray, SMAC3)."""
    rec = run.recovery
    if rec.all_recorded:
        return ""
    labels = _recovery_labels()
    # Beside the space table (the left column is full); the settings are among the deviations.
    items = "".join("<li>" + esc(tr("{label}: {text}.", label=labels[key], text=localized(text))) + "</li>"
                    for key, text in (("brackets", rec.brackets), ("budgets", rec.budgets),
                                      ("sample_types", rec.sample_types))
                    if text != RECORDED)
    head = tr("Not stored by {format}, recovered:", format=run.format)
    return (f'<p class="small"><strong>{_text(head)}</strong></p>'
            f'<ul class="recovery small">{items}</ul>')


def _notes(run: Run, n: dict) -> str:
    lines = [
        tr("{evaluations} of {configurations} in {brackets}; budgets {ladder}, η = {eta}.",
           evaluations=_evaluations(n["n_evaluations"]),
           configurations=trn("{n} configuration", "{n} configurations", n["n_configs"]),
           brackets=trn("{n} bracket", "{n} brackets", n["n_brackets"]), ladder=n["ladder"], eta=fmt.value(n["eta"])),
    ]
    if n["n_crashed"]:
        lines.append(trn("{n} evaluation crashed (no loss); metric views leave it out.",
                         "{n} evaluations crashed (no loss); metric views leave them out.", n["n_crashed"]))
    if not run.recovery.all_recorded:
        labels = _recovery_labels()
        lines.append(tr("Recovered (not stored by the tool): {items}", items=tr("; ").join(
            tr("{label}: {text}", label=labels[k], text=localized(v))
            for k, v in dataclasses.asdict(run.recovery).items())))
    if run.deviations:
        lines.append(tr("Deviations from Hyperband's plan:"))
        lines += [f"- {localized(d)}" for d in run.deviations]
    return "\n".join(lines)
