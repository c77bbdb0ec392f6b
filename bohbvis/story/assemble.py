"""Story + run -> the deck's final slides: build every step, then fill in the story's own text.

Two passes, because any slide may quote any step's numbers ({{ sampling.share_bo | pct }} on the
title slide): first every step builds its slide (and its `numbers`), then the story's `title`,
`text` and `notes` are templated with the numbers of the whole deck and put on the slides.
Errors of both passes are collected, so one run of `bohbvis build` reports all of them.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Mapping

from ..errors import BohbvisError, Problem
from ..model.summary import summary
from . import template
from ..options import COLUMN_BREAK
from .grammar import STEP_FIELDS
from .model import Place, StepSpec, Story

# Why a root is empty, for an error that explains instead of printing nothing.
NO_BEST = ("the run has no best configuration (no evaluation on the largest budget returned a loss), "
           "so there is nothing to quote.")


def run_context(run) -> dict[str, Any]:
    """What `{{ run.… }}` and `{{ best.… }}` can quote: `bohbvis inspect --json`, plus counts."""
    facts = summary(run)
    best = facts.pop("best")
    facts["n_brackets"] = len(run.brackets)
    facts["n_hyperparameters"] = len(run.space)
    return {"run": facts, "best": best}


def deck_context(run, slides) -> dict[str, Any]:
    """run + best + every slide's numbers (each namespaced by its step, e.g. `brackets`).

    When two steps publish the same namespace the first one wins for the other slides; a slide's
    own text always sees its own numbers (see `slide_context`)."""
    context = run_context(run)
    for slide in slides:
        for name, values in (slide.numbers or {}).items():
            _merge(context, name, values)
    return context


def slide_context(context: Mapping[str, Any], slide) -> dict[str, Any]:
    own = dict(context)
    for name, values in (slide.numbers or {}).items():
        if name in ("run", "best") and isinstance(own.get(name), Mapping) and isinstance(values, Mapping):
            own[name] = {**values, **own[name]}  # the run's facts keep their meaning
        else:
            own[name] = values
    return own


def _best_by(run, field: str, best: Any) -> Any:
    """{{ best.… }} under the story's `best_by` (the run's facts describe hpbandster's incumbent,
    which is best by loss): the incumbent of bohbvis.analysis.ranking, so text and slides agree."""
    from ..analysis.ranking import incumbent, rule_for

    row = incumbent(run, rule_for(run, field))
    if row is None:
        return best
    facts = {"sample_id": str(row["sample_id"]), "config_id": str(row["config_id"]),
             "budget": _plain(row["budget"]), "loss": _plain(row["loss"]), "accuracy": _plain(row["accuracy"]),
             "bracket": int(row["bracket"]), "round": int(row["round"]), "sample_type": str(row["sample_type"]),
             "config": {hp.name: _plain(row[hp.column]) for hp in run.space}}
    return {**(best if isinstance(best, Mapping) else {}), **facts}


def _plain(v: Any) -> Any:
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _merge(context: dict, name: str, values: Any) -> None:
    if name not in context:
        context[name] = values
    elif isinstance(context[name], Mapping) and isinstance(values, Mapping):
        # e.g. the `best` step's numbers join the run's best: the run's facts win on a clash
        context[name] = {**values, **context[name]}
    elif context[name] is None and name == "best":
        context[name] = values


def slides_from_story(story: Story, run, steps_module, runs: Mapping[str, Any] | None = None) -> list:
    """Build every step (`steps_module.build(run, options)`), then template and place the text.

    `runs` ({name: Run}, a deck of several runs): a step with `run: name` shows that run; a kind that
    compares runs (`build_runs(runs, options)`) gets them all; any other step shows the first run."""
    problems: list[Problem] = []
    built = []
    for spec in story.steps:
        try:
            built.append(_build_step(steps_module, spec, run, runs))
        except BohbvisError as e:
            problems.extend(_locate(p, story, spec) for p in e.problems)
            built.append(None)
    if problems:
        raise BohbvisError(*problems)
    context = deck_context(run, built)
    context["run"] = {**context["run"], "budget_unit": story.budget_unit or ""}
    if story.best_by != "loss":
        context["best"] = _best_by(run, story.best_by, context.get("best"))
    if runs is not None:
        context["runs"] = {name: run_context(r)["run"] for name, r in runs.items()}
    missing = {"best": NO_BEST}
    slides = []
    for spec, slide in zip(story.steps, built):
        own = slide_context(context, slide)
        try:
            slides.append(_with_story_text(slide, spec, own, missing, story))
        except BohbvisError as e:
            problems.extend(e.problems)
    if problems:
        raise BohbvisError(*problems)
    return slides


def _build_step(steps_module, spec: StepSpec, run, runs):
    if runs is None:
        return steps_module.build(run, spec.options)
    name = spec.options.get("run")
    module = steps_module.get(spec.options.kind)
    if name is None and hasattr(module, "build_runs"):
        return module.build_runs(runs, spec.options)
    return steps_module.build(runs[name] if name is not None else run, spec.options)


def _with_story_text(slide, spec: StepSpec, context, missing, story: Story):
    """The slide with the story's templated title, text (at its UserText blocks) and notes."""
    from ..steps._base import Markdown, UserText  # the block types (story imports steps only here)

    problems: list[Problem] = []

    def fill(key: str) -> str | None:
        text = getattr(spec.options, key)
        if text is None:
            return None
        try:
            return template.render(text, context, missing)
        except template.TemplateError as e:
            start = spec.key_places.get(key) or spec.place
            place = start.within(*template.line_col(text, e.offset)) if start else None
            problems.append(_problem(story, place, spec.key_path(key), e.message, e.allowed, e.hint))
            return None

    title, text, notes = fill("title"), fill("text"), fill("notes")
    if problems:
        raise BohbvisError(*problems)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = title
    if notes and notes.strip():
        changes["notes"] = "\n\n".join(n.strip() for n in (slide.notes, notes) if n and n.strip())
    slots = [i for i, b in enumerate(slide.blocks) if isinstance(b, UserText)]
    blocks = list(slide.blocks)
    if text is not None and text.strip():
        parts = split_columns(text, max(len(slots), 1))
        made = [Markdown(p, fragments=spec.options.fragments) for p in parts]
        if slots:
            for i, block in zip(slots, made):
                blocks[i] = block
        else:
            blocks = made + blocks
    # A UserText the story left empty is dropped: the renderer never sees a placeholder.
    changes["blocks"] = tuple(b for b in blocks if not isinstance(b, UserText))
    return dataclasses.replace(slide, **changes)


def split_columns(text: str, n: int) -> list[str]:
    """The text in `n` parts, split at lines that are exactly `---` (the last part keeps the rest)."""
    if n <= 1:
        return [text]
    parts = COLUMN_BREAK.split(text, maxsplit=n - 1)
    return [p.strip("\n") for p in parts]


def _locate(p: Problem, story: Story, spec: StepSpec) -> Problem:
    """A step's error, placed in the story: file:line:col of the step (or of the key it names)."""
    if p.file is not None:
        return p  # the step already pointed at a file of its own (e.g. a theme or data file)
    key = p.key
    first = re.split(r"[.\[]", key)[0] if key else ""
    if key and first not in spec.options.values and first not in STEP_FIELDS:
        # A key that is not one of the step's (e.g. a data column): keep it in the message.
        message, key = f"{key}: {p.message}", None
    else:
        message = p.message
    return _problem(story, spec.place_of(key), spec.key_path(key), message, p.allowed, p.hint)


def _problem(story: Story, place: Place | None, key: str, message: str, allowed, hint) -> Problem:
    return Problem(message, file=str(story.path) if story.path else None,
                   line=place.line if place else None, column=place.column if place else None,
                   key=key, allowed=allowed, hint=hint)
