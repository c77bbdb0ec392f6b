"""The overview panel: what was optimized, how much was run, the budget ladder and the space.

Numbers (`overview.<name>`): metric ("accuracy" | "loss"), metric_source (where accuracy came
from, or ""), source, format, n_evaluations, n_configs, n_crashed, n_brackets, eta, s_max,
min_budget, max_budget, budgets (list), ladder ("1 → 3 → 9"), n_hyperparameters, n_conditional,
n_log, n_deviations, follows_plan (bool).
"""

from __future__ import annotations

from pathlib import Path

from ..model import format as fmt
from ..model.run import Run
from ..options import Int, StepOptions
from ._base import Html, Slide, UserText
from ._metric import metric_for
from ._rows import n_label, number as _num
from ._html import esc, stat

KIND = "overview"
DESCRIPTION = "The overview panel: what was optimized, budgets, eta, brackets, the hyperparameter space, deviations."
OPTIONS = {
    "max_deviations": Int(
        doc="How many deviations from Hyperband to list on the slide (the rest go to the speaker notes).",
        default=3,
        min=0,
    ),
}

TYPE_WORDS = {"float": "real", "int": "integer", "categorical": "categorical", "ordinal": "ordinal", "bool": "yes/no"}


def ladder(run: Run) -> str:
    return " → ".join(fmt.budget(b) for b in run.budgets)


def _what_was_optimized(run: Run) -> str:
    name = Path(run.source).name or run.source
    if run.has_accuracy:
        src = f" (from “{run.metric}”)" if run.metric else ""
        what = f"BOHB minimized the loss; the run also records accuracy{src}, which the slides show."
    else:
        what = "BOHB minimized the loss (lower is better); the run records no accuracy."
    return f'<p class="small">{esc(what)} Source: <code>{esc(name)}</code> ({esc(run.format)}).</p>'


# Inline styles: the space table must fit a dozen rows beside the facts; the deck's `facts`
# table style is roomier than that.
_CELL = "padding:0.22rem 1rem 0.22rem 0;border-bottom:1px solid var(--grid);text-align:left;vertical-align:top"


def _space_table(run: Run) -> str:
    head = "".join(f'<th style="{_CELL};color:var(--muted);font-weight:600">{esc(h)}</th>'
                   for h in ("hyperparameter", "type", "range / choices", "scale", "condition"))
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
            rng = ", ".join(fmt.value(c) for c in hp.choices or ())
        yield (
            hp.name + (" *" if hp.inferred else ""),
            TYPE_WORDS.get(hp.type, hp.type),
            rng,
            "log" if hp.log else "",
            hp.condition or "",
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
            stat("evaluations", fmt.integer(n["n_evaluations"])),
            stat("configurations", fmt.integer(n["n_configs"])),
            stat("crashed", fmt.integer(n["n_crashed"])),
            stat("brackets", fmt.integer(n["n_brackets"])),
        ]
    )
    left = (
        _what_was_optimized(run)
        + f'<div class="stats">{stats}</div>'
        + _ladder_html(run, n)
        + _deviations_html(run, max_dev)
    )
    right = _space_table(run) + (
        '<p class="small">* described from the values the run used (no configspace.json).</p>'
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
    title = options.title or (
        f"The run: {n_label(n['n_evaluations'], 'evaluation')}, {n_label(n['n_hyperparameters'], 'hyperparameter')}"
    )
    return Slide(kind=KIND, title=title, blocks=tuple(blocks), notes=notes, numbers={KIND: n})


def _ladder_html(run: Run, n: dict) -> str:
    if run.eta is None or len(run.budgets) < 2:
        return f"<p class=\"small\">One budget: {esc(n['ladder'])}.</p>"
    eta = fmt.value(n["eta"])
    return (
        f"<p class=\"small\">Budget ladder <strong>{esc(n['ladder'])}</strong>: η (eta) = {esc(eta)}, so each round keeps the "
        f"best 1/{esc(eta)} of its configurations and gives them {esc(eta)}× the budget.</p>"
    )


def _deviations_html(run: Run, limit: int) -> str:
    devs = list(run.deviations)
    if not devs:
        return '<p class="ok small">The run follows Hyperband\'s plan exactly: every bracket ran its planned rounds with the planned numbers of configurations.</p>'
    head = f"<p class=\"small\"><strong>Where the run differs from Hyperband's plan ({len(devs)}):</strong></p>"
    shown = "".join(f"<li>{esc(d)}</li>" for d in devs[:limit])
    more = len(devs) - min(limit, len(devs))
    tail = f"<li>… and {more} more (in the speaker notes).</li>" if more else ""
    return head + f'<ul class="deviations small">{shown}{tail}</ul>'


def _recovery_html(run: Run) -> str:
    """Where the tool did not store brackets or budgets, say how they were recovered (Optuna, Ray, SMAC3)."""
    rec = run.recovery
    if rec.all_recorded:
        return ""
    # Beside the space table (the left column is full); the settings are among the deviations.
    items = "".join(f"<li>{esc(label)}: {esc(text)}.</li>" for label, text in
                    (("Brackets", rec.brackets), ("Budgets", rec.budgets), ("Sample types", rec.sample_types))
                    if text != "recorded in the run's files")
    return (f'<p class="small"><strong>Not stored by {esc(run.format)}, recovered:</strong></p>'
            f'<ul class="recovery small">{items}</ul>')


def _notes(run: Run, n: dict) -> str:
    lines = [
        f"{n_label(n['n_evaluations'], 'evaluation')} of {n_label(n['n_configs'], 'configuration')} "
        f"in {n_label(n['n_brackets'], 'bracket')}; budgets {n['ladder']}, η = {fmt.value(n['eta'])}.",
    ]
    if n["n_crashed"]:
        lines.append(f"{n_label(n['n_crashed'], 'evaluation')} crashed (no loss); metric views leave them out.")
    if not run.recovery.all_recorded:
        lines.append("Recovered (not stored by the tool): " + "; ".join(
            f"{k.replace('_', ' ')}: {v}" for k, v in run.recovery.to_dict().items()))
    if run.deviations:
        lines.append("Deviations from Hyperband's plan:")
        lines += [f"- {d}" for d in run.deviations]
    return "\n".join(lines)
