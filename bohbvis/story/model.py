"""A validated story: deck-level keys and the ordered steps (see grammar.py for the keys)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from types import MappingProxyType
from typing import Any


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


@dataclass(frozen=True)
class Place:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class StepSpec:
    options: StepOptions
    place: Place | None = None
    key_places: Mapping[str, Place] = field(default_factory=dict)  # "text" -> where its value starts


@dataclass(frozen=True)
class Story:
    path: Path | None  # None for a story given as a Python dict
    title: str
    subtitle: str | None = None
    author: str | None = None
    date: str | None = None
    data: str | None = None  # as written: "demo" or a path relative to the story file
    metric: str | None = None
    theme: str = "light"
    lang: str = "en"
    steps: tuple[StepSpec, ...] = ()

    def data_path(self) -> str | Path:
        if self.data is None or self.data == "demo":
            return "demo"
        p = Path(self.data)
        if not p.is_absolute() and self.path is not None:
            p = self.path.parent / p
        return p
