"""What a step kind builds: a Slide made of blocks. Steps compute; render/export only lay out.

Every step kind is one module in this package with the same shape (like markdown-it's rules):

    KIND = "brackets"                  # the story's `kind:`
    DESCRIPTION = "View A: …"          # one line, shown by `bohbvis schema` and in errors
    OPTIONS = {"agg": Choice(...)}     # the kind's own keys (bohbvis.options descriptors)
    def build(run: Run, options: StepOptions) -> Slide

Charts are Vega-Lite dicts made with Altair (`chart.to_dict()`), drawn at the design size of a
1280×720 slide (content box about 1180×540 px); the deck fits them to the real box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ..i18n import tr
from ..model.run import Run  # noqa: F401  (the type every build() receives)
from ..options import StepOptions  # noqa: F401  (what every build() receives)

# The content box a chart is designed for (the deck rescales widths/heights to the real box).
DESIGN_WIDTH = 1180
DESIGN_HEIGHT = 540


# --- blocks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Markdown:
    """Markdown source (raw HTML off). `fragments` reveals top-level list items one by one."""

    text: str
    fragments: bool = False
    css_class: str = ""


@dataclass(frozen=True)
class Html:
    """HTML the step generated itself; every value from the data inside it MUST be escaped
    (use `bohbvis.steps._html.esc`)."""

    html: str
    fragment: bool = False  # shown as one reveal fragment


@dataclass(frozen=True)
class UserText:
    """Where the story's `text:` goes on this slide (default: first block)."""


@dataclass(frozen=True)
class Link:
    """How the deck's link layer reads a chart's selection.

    `param` is a Vega-Lite selection param name in the spec (interval brush or point);
    the deck reads `view.data(param + "_store")` and filters linked tables' rows by it.
    `carry`: the selection is remembered and offered to charts on later slides that declare
    `receive` (a variable param holding a list of `key` values, e.g. sample ids).
    """

    param: str
    key: str = "sample_id"
    carry: bool = False


@dataclass(frozen=True)
class Chart:
    id: str  # unique within the deck, e.g. "s3-brackets"
    spec: Mapping[str, Any]  # Vega-Lite, JSON-able
    links: tuple[Link, ...] = ()
    receive: str | None = None  # name of a variable param (list of keys) set from carried selection
    caption: str = ""  # markdown, under the chart
    state: str = ""  # static export: what the interactive controls show, e.g. "Showing the mean"
    fragment: bool = False
    # What the chart shows in words, from the data (what is drawn, the extremes, the trend): the
    # chart's accessible name in the deck, and a line of the speaker notes.
    description: str = ""

    def __post_init__(self) -> None:
        # Vega-Lite copies data values into expressions (custom sort orders, filters), and Vega's
        # expression parser rejects U+2028/U+2029 inside a string ("Unexpected token ILLEGAL"):
        # a name holding one would break the whole chart, so they show as a space instead.
        object.__setattr__(self, "spec", _without_line_separators(self.spec))
        # Sample types (data values) shown as words in the deck's language: legends, axes, tooltips.
        from ._sample_types import localize_sample_types

        object.__setattr__(self, "spec", localize_sample_types(self.spec))


_LINE_SEPARATORS = str.maketrans({"\u2028": " ", "\u2029": " "})


def _has_line_separator(node: Any) -> bool:
    if isinstance(node, str):
        return "\u2028" in node or "\u2029" in node
    if isinstance(node, Mapping):
        return any(_has_line_separator(k) or _has_line_separator(v) for k, v in node.items())
    if isinstance(node, (list, tuple)):
        return any(_has_line_separator(v) for v in node)
    return False


def _without_line_separators(node: Any) -> Any:
    if not _has_line_separator(node):
        return node  # the usual case: the spec is kept as it is (no copy)
    if isinstance(node, str):
        return node.translate(_LINE_SEPARATORS)
    if isinstance(node, Mapping):
        return {_without_line_separators(k): _without_line_separators(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_without_line_separators(v) for v in node]
    return node


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    format: str = ""  # "pct", "num", "int", "budget", "" (as is)


@dataclass(frozen=True)
class Table:
    """A data table. In the deck: sortable by header click, filterable, and (if `follows`)
    showing only the rows the linked charts' selections pick. Rows carry every field the linked
    selections filter on (hidden fields allowed: columns lists what is shown)."""

    id: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]
    key: str = "sample_id"
    # Chart ids whose Link selections filter this table. The special id "carried" (CARRIED) means
    # the deck's carried selection (a Link(carry=True) on an earlier slide): the table shows the
    # rows whose `key` is in it, and all its rows while nothing is carried.
    follows: tuple[str, ...] = ()
    sort: str | None = None  # initial sort column, "-" prefix for descending
    caption: str = ""  # e.g. "showing 2,000 of 120,000 evaluations (sampled)"
    static_rows: int = 12  # rows shown in PDF/PNG export before "… N more rows"
    # In the deck's language: the default is written when the step builds the table.
    empty_text: str = field(default_factory=lambda: tr("Brush a chart to list configurations here."))
    filterable: bool = True
    # Folded under a "Show the table" button in the deck (its row count and status stay in view),
    # so the chart above gets the slide's room; static exports show it as usual.
    collapsed: bool = False


CARRIED = "carried"  # Table.follows entry: follow the deck's carried selection

Block = Markdown | Html | UserText | Chart | Table


@dataclass(frozen=True)
class Slide:
    kind: str
    title: str
    blocks: tuple[Block, ...]
    notes: str = ""  # markdown: the step's own speaker notes (the story's notes are added)
    numbers: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    layout: str = "stack"  # "stack" | "columns" (blocks side by side) | "title"
    subtitle: str = ""

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Chart))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))
