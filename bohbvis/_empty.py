"""Runs with nothing to show, and --strict: the checks `api.make_deck` makes before any step runs.

A run whose every evaluation crashed (or returned a NaN loss) would build a deck of empty views;
instead it is one clear error saying how many crashed and what the first one raised. With
`allow_empty`, the deck is built anyway, and every slide says why it is empty (no step is asked
to draw a run without results, and no template to quote a best configuration that does not exist).
"""

from __future__ import annotations

import re

from .errors import BohbvisError, Problem
from .model.run import Run

ALLOW_EMPTY_HINT = "Pass --allow-empty to build a deck that says on each slide why it is empty."


def nothing_to_show(run: Run) -> str | None:
    """Why the run has nothing to show (no evaluation with a finite loss), or None."""
    if not run.ok.empty:
        return None
    n = run.n_evaluations
    what = (f"all {n} evaluations crashed" if n != 1 else "its one evaluation crashed")
    text = f"{run.source}: nothing to show: {what} (none returned a finite loss)."
    if run.first_error:
        text += f" The first error: {run.first_error}"
    return text


def nothing_to_show_on_slides(run: Run) -> str | None:
    """`nothing_to_show` as an empty slide says it, in the deck's language (the error stays English).
    The run's path and the first error are the run's own text, quoted as they are."""
    from .i18n import tr, trn

    if not run.ok.empty:
        return None
    n = run.n_evaluations
    text = trn("{source}: nothing to show: its one evaluation crashed (none returned a finite loss).",
               "{source}: nothing to show: all {n} evaluations crashed (none returned a finite loss).",
               n, source=run.source)
    if run.first_error:
        text += " " + tr("The first error: {error}", error=run.first_error)
    return text


def check_not_empty(run: Run) -> None:
    reason = nothing_to_show(run)
    if reason is not None:
        raise BohbvisError(Problem(reason, hint=ALLOW_EMPTY_HINT))


def check_strict(run: Run) -> None:
    """--strict: every warning about the run (deviations from Hyperband's plan, NaN losses,
    results without a configuration …) is an error, so CI fails on a run that is not as planned."""
    found = [*run.warnings, *(f"{run.source}: deviates from Hyperband's plan: {d}" for d in run.deviations)]
    if found:
        raise BohbvisError(*(Problem(w, hint="(an error because of --strict)") for w in found))


def empty_slides(story, reason: str) -> list:
    """One slide per story step, each saying why it is empty."""
    from .i18n import tr
    from .steps._base import Markdown, Slide

    slides = []
    for spec in story.steps:
        title = spec.options.title
        if not title or "{{" in title or "{%" in title:
            title = kind_title(spec.options.kind)
        heading = tr("Nothing to show on this slide.")
        text = f"**{heading}** {_markdown_literal(reason)}"
        slides.append(Slide(kind=spec.options.kind, title=title, blocks=(Markdown(text, css_class="empty-run"),),
                            notes=reason))
    return slides


def _markdown_literal(text: str) -> str:
    """Text from a log (an exception, a path) shown as it is, never read as markdown links or emphasis."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|~])", r"\\\1", text)


def kind_title(kind: str) -> str:
    """An empty slide's title when the story gives none: the step kind's name, in the deck's language."""
    from .i18n import tr

    names = {
        "title": tr("Title"), "overview": tr("Overview"), "principle": tr("Principle"), "glossary": tr("Glossary"),
        "brackets": tr("Brackets"), "budgets": tr("Budgets"), "sampling": tr("Sampling"),
        "loss_accuracy": tr("Loss accuracy"), "best": tr("Best"), "table": tr("Table"), "chart": tr("Chart"),
        "correlations": tr("Correlations"), "importance": tr("Importance"), "parallel": tr("Parallel"),
        "embedding": tr("Embedding"), "trajectory": tr("Trajectory"), "learning_curves": tr("Learning curves"),
        "timeline": tr("Timeline"), "next_experiment": tr("Next experiment"), "compare": tr("Compare"), "markdown": tr("Markdown"),
    }
    return names.get(kind, kind.replace("_", " ").capitalize())
