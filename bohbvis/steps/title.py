"""The title slide: the deck's title, subtitle, author and date, and one line of facts about the run.

The loader fills `title`, `subtitle`, `author` and `date` from the story's deck-level keys when
the step does not set them, so `- kind: title` alone is a complete title slide.

Numbers (`title.<name>`): facts (the fact line as text).
"""

from __future__ import annotations

import datetime as _dt
import re

from ..model import format as fmt
from ..model.run import Run
from ..options import Bool, StepOptions, Str
from ._base import Html, Slide, UserText
from ._html import esc
from ..i18n import current, tr, trn

KIND = "title"
DESCRIPTION = "The title slide: title, subtitle, author, date and a one-line summary of the run."
OPTIONS = {
    "subtitle": Str(doc="Shown under the title (default: the story's subtitle)."),
    "author": Str(doc="Who presents (default: the story's author)."),
    "date": Str(doc="When (default: the story's date)."),
    "facts": Bool(doc="Show one line of facts about the run (evaluations, brackets, budgets).", default=True),
}


def fact_line(run: Run) -> str:
    """'BOHB run · 561 evaluations · 15 brackets · budgets 1–81' (crashes added when there are any).
    Each fact is its own message (a list, joined by the middle dot in every language)."""
    parts = [tr("BOHB run"), trn("{n} evaluation", "{n} evaluations", run.n_evaluations),
             trn("{n} bracket", "{n} brackets", len(run.brackets))]
    if len(run.budgets) > 1:
        parts.append(tr("budgets {low}–{high}", low=fmt.budget(run.min_budget), high=fmt.budget(run.max_budget)))
    else:
        parts.append(tr("budget {budget}", budget=fmt.budget(run.max_budget)))
    if run.n_crashed:
        parts.append(trn("{n} crashed", "{n} crashed", run.n_crashed))
    return " · ".join(parts)


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def date_text(value) -> str:
    """The story's date as the deck's language writes it: an ISO date (2026-12-08, or YAML's
    unquoted date) through Babel's CLDR long format ('December 8, 2026', '2026년 12월 8일');
    any other text as the author wrote it."""
    if isinstance(value, _dt.date):
        day = value if not isinstance(value, _dt.datetime) else value.date()
    elif isinstance(value, str) and (m := _ISO_DATE.fullmatch(value.strip())):
        try:
            day = _dt.date(*(int(g) for g in m.groups()))
        except ValueError:
            return value
    else:
        return str(value)
    from babel.dates import format_date

    return format_date(day, format="long", locale=current().code)


def build(run: Run, options: StepOptions) -> Slide:
    facts = fact_line(run)
    blocks: list = [UserText()]
    when = options.get("date")
    byline = " · ".join(str(v) for v in (options.get("author"), date_text(when) if when else None) if v)
    if byline:
        blocks.append(Html(f'<p class="byline">{esc(byline)}</p>'))
    if options.get("facts", True):
        blocks.append(Html(f'<p class="facts-line">{esc(facts)}</p>'))
    return Slide(
        kind=KIND,
        title=options.title or "",
        subtitle=options.get("subtitle") or "",
        blocks=tuple(blocks),
        layout="title",
        numbers={KIND: {"facts": facts}},
    )
