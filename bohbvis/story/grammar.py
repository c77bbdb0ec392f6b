"""The story grammar: which keys a story and each of its steps may have, as option descriptors.

One source of truth: the loader validates with these descriptors and `bohbvis schema` turns the
same descriptors into JSON Schema. A step's keys are the common keys below plus its kind's
OPTIONS (bohbvis/steps/<kind>.py). A kind may re-declare a common key to change it, e.g. the
`markdown` kind declares `text` again with `required=True`.

    title: "How BOHB tuned my MLP"        # deck-level keys …
    data: runs/mlp                         # a folder/file relative to this story, or `demo`
    steps:
      - kind: brackets                     # … then the steps, in order
        title: "Each bracket, round by round"
        text: "{{ run.n_evaluations }} evaluations."
        agg: max                           # an option of the `brackets` kind
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Mapping

from ..options import Bool, Choice, ListOf, Markdown, Mapping as MappingOption, Option, OptionError, Str

# The roots story text can always quote: {{ run.… }}, {{ best.… }} and, in a deck of several runs,
# {{ runs.<name>.… }}; step kinds add their own.
TEMPLATE_ROOTS = ("run", "best", "runs")

# A run's name in `data: {first: runs/a, second: runs/b}`: it labels the run on every slide.
RUN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
MAX_RUNS = 6  # one colour each, told apart at a glance


@dataclass(frozen=True)
class RunData(Str):
    """One run (a path or `demo`), or several runs by name: {first: runs/a, second: runs/b}."""

    def validate(self, value):
        if isinstance(value, str):
            return super().validate(value)
        if not isinstance(value, Mapping):
            raise OptionError("expected a path, or a mapping of run names to paths.",
                              allowed="a path or `demo`, or {name: path, …} for several runs")
        if not value:
            raise OptionError("the mapping of runs is empty.", allowed="{name: path, …}")
        if len(value) > MAX_RUNS:
            raise OptionError(f"{len(value)} runs; a deck compares at most {MAX_RUNS}.",
                              allowed=f"1 to {MAX_RUNS} runs")
        out = {}
        for name, path in value.items():
            if not isinstance(name, str) or not RUN_NAME.fullmatch(name):
                raise OptionError(f"{name!r} is not a run name.",
                                  allowed="a name of letters, digits, _ and -, starting with a letter")
            if name in TEMPLATE_ROOTS:
                raise OptionError(f"{name!r} is reserved as a run name.", allowed="another name")
            if not isinstance(path, str) or not path.strip():
                raise OptionError(f"run '{name}': expected a path (or `demo`), got {type(path).__name__}.",
                                  allowed="a path relative to the story file, or a shipped run name")
            out[name] = path
        return out

    def schema(self):
        return {"oneOf": [{"type": "string"},
                          {"type": "object", "minProperties": 1, "maxProperties": MAX_RUNS,
                           "propertyNames": {"pattern": "^" + RUN_NAME.pattern + "$"},
                           "additionalProperties": {"type": "string"}}]}


@dataclass(frozen=True)
class LangTag(Str):
    """A BCP 47 language tag such as en, ko or pt-BR: the catalog the deck is written in, and its <html lang>."""

    def validate(self, value):
        value = super().validate(value)
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
            raise OptionError(f"{value!r} is not a language tag.", allowed="a BCP 47 tag such as en, ko, de-CH")
        return value

    def schema(self):
        return {"type": "string", "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"}


DECK_OPTIONS: dict[str, Option] = {
    "title": Str(doc="The deck's title (the browser tab, and the title slide unless it sets its own).",
                 required=True),
    "subtitle": Str(doc="A subtitle for the title slide."),
    "author": Str(doc="Who presents (shown on the title slide)."),
    "date": Str(doc="When (shown on the title slide), e.g. 2024-05-01: an ISO date is written as the deck's language writes dates (December 8, 2026; 2026년 12월 8일), other text as it is."),
    "data": RunData(doc="The run: an hpbandster log folder or a CSV/Parquet table, relative to this story "
                        "file, or `demo` for the shipped demo run (`demo-next`: the run made with its advice). "
                        "`bohbvis build --data` overrides it. Several runs by name compare them: "
                        "{first: runs/a, second: runs/b}."),
    "metric": Str(doc="Key in hpbandster's info that holds the accuracy (dots for nested keys)."),
    "theme": Str(doc="A built-in theme (light, dark) or a path to a theme .css file, relative to this story.",
                 default="light"),
    "lang": LangTag(doc="The deck's language, a BCP 47 tag (ko, ko-KR, pt-BR): every sentence bohbvis writes "
                        "(titles, captions, axes, legends, tables, help, speaker view) and the digits of numbers "
                        "and `{{ }}` filters follow it. Shipped: en, ko; any other language from a `<lang>.po` "
                        "next to the story (`bohbvis messages` prints the template). Messages without a "
                        "translation are English, with one warning saying how many. Also the deck's <html lang> "
                        "and, for ko, a Hangul font.", default="en"),
    "budget_unit": Str(doc="What the budget counts, e.g. epochs, iterations, seconds: written after every budget "
                           "the slides quote (`budget 81` becomes `81 epochs`)."),
    "best_by": Choice(doc="What defines the best configuration on every slide: loss (hpbandster's incumbent "
                          "rule: lowest loss at the largest budget) or accuracy (highest accuracy there).",
                      default="loss", choices=("loss", "accuracy")),
    "steps": ListOf(doc="The slides, in order: each step is one slide of the given kind.",
                    item=MappingOption(), required=True),
}

COMMON_STEP_OPTIONS: dict[str, Option] = {
    "title": Markdown(doc="The slide's title (each kind has a sensible default). May quote numbers."),
    "text": Markdown(doc="Markdown shown on the slide. May quote numbers: {{ run.n_evaluations }}, "
                         "{{ best.accuracy | pct }}, {{ <kind>.<number> }}."),
    "notes": Markdown(doc="Speaker notes (markdown), shown in the speaker view and optionally in exports."),
    "fragments": Bool(doc="Reveal the text's list items one at a time.", default=False),
    "run": Str(doc="In a deck of several runs (data: {name: path}): the run this slide shows (default: the "
                   "first; steps that compare runs show them all)."),
}

# Keys of a step that StepOptions holds as fields rather than in `values`.
STEP_FIELDS = ("title", "text", "notes", "fragments")

# In a step's text, a line that is exactly `---` starts the next column (markdown `columns: 2`).

# Deck-level keys a step inherits when its kind declares an option of the same name and the step
# does not set it (the title slide shows the deck's subtitle, author and date).
INHERITED = ("subtitle", "author", "date", "budget_unit", "best_by")


class KindUnavailable(Exception):
    """A kind is listed in KINDS but its module cannot be used (e.g. it does not import)."""


def kind_names() -> tuple[str, ...]:
    from .. import steps  # imported here: the story package must stay importable without the kinds

    return steps.KINDS


def load_kind(kind: str) -> ModuleType:
    """The step kind's module. KeyError for an unknown kind; KindUnavailable if it fails to load."""
    from .. import steps

    if kind not in steps.KINDS:
        raise KeyError(kind)
    try:
        module = steps.get(kind)
    except Exception as e:  # someone else's module: any failure becomes one clear story error
        raise KindUnavailable(f"{type(e).__name__}: {e}") from None
    if not isinstance(getattr(module, "OPTIONS", None), Mapping) or not callable(getattr(module, "build", None)):
        raise KindUnavailable("the module defines no OPTIONS mapping or no build() function")
    return module


def step_options(module: ModuleType) -> dict[str, Option]:
    """Every key a step of this kind may have (besides `kind`): common keys, then the kind's."""
    table = dict(COMMON_STEP_OPTIONS)
    table.update(module.OPTIONS)
    return table


def kind_description(module: ModuleType | None, kind: str) -> str:
    return str(getattr(module, "DESCRIPTION", "") or f"A {kind} slide.")


def plain(value: Any) -> Any:
    """A loaded YAML value as plain Python: ruamel's string/number subclasses unwrapped, dates as
    ISO text (so `date: 2024-05-01` is the text the author wrote), mappings as dicts."""
    import datetime

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        # Keys become text: a story's keys are names, and a Vega-Lite spec must be JSON.
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
