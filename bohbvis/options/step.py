"""What one step of a story is, once validated: the vocabulary story/ and steps/ share.

Lives below both so that steps never import the story package (story -> steps -> options).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

# A line `---` alone splits a step's text into columns (markdown kind, `columns: 2`).
COLUMN_BREAK = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class StepOptions:
    """A validated story step: the common keys plus the kind's own options (defaults filled in)."""

    kind: str
    title: str | None = None
    text: str | None = None  # markdown from the story (templated by the pipeline, not the step)
    notes: str | None = None
    fragments: bool = False
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    index: int = 0  # position in the story (0-based), for unique ids

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def cache_key(self) -> tuple:
        """Computed views are cacheable by (run.fingerprint, this)."""
        return (self.kind, tuple(sorted((k, repr(v)) for k, v in self.values.items())))
