"""A text slide: the story's markdown, in one column or two.

With `columns: 2` the text is split at its first line that is exactly `---`: what comes before
goes left, the rest right. (The story's text is templated and placed by story/assemble.py: every
UserText block of a slide receives one part of the text, split at `---` lines.)
"""

from __future__ import annotations

from ..errors import BohbvisError
from ..model.run import Run
from ..options import COLUMN_BREAK, Choice, Markdown, StepOptions
from ._base import Slide, UserText

KIND = "markdown"
DESCRIPTION = "A text slide: your own markdown (lists, emphasis, code, tables), in one or two columns."
OPTIONS = {
    "text": Markdown(doc="The slide's markdown. With columns: 2, a line `---` separates the two columns. "
                         "May quote numbers: {{ run.n_evaluations }}.", required=True),
    "columns": Choice(doc="1: one column; 2: two columns side by side, split at a line `---`.",
                      default=1, choices=(1, 2)),
}


def check(options: StepOptions) -> None:
    """Two columns need the line that separates them (checked when the story is validated)."""
    if options.get("columns") == 2 and not COLUMN_BREAK.search(options.text or ""):
        raise BohbvisError("columns: 2 needs a line `---` in the text where the right column begins.",
                           key="text", allowed="text with a line containing only ---")


def build(run: Run, options: StepOptions) -> Slide:
    check(options)
    columns = int(options.get("columns") or 1)
    return Slide(
        kind=KIND,
        title=options.title or "",
        blocks=tuple(UserText() for _ in range(columns)),
        layout="columns" if columns > 1 else "stack",
    )
