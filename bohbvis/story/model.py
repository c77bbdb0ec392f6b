"""A validated story: deck-level keys and the ordered steps (see grammar.py for the keys).

StepOptions (what one step receives) lives in bohbvis.options, below both story and steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..options import StepOptions  # noqa: F401  (re-exported: a StepSpec holds one)


@dataclass(frozen=True)
class Place:
    line: int  # 1-based
    column: int  # 1-based
    # True when the text value's lines are the file's lines from here on, unchanged (a `|` block or
    # a one-line scalar): then a position inside the text maps to an exact file line and column.
    verbatim: bool = False

    def within(self, line: int, column: int) -> "Place":
        """The place of (0-based) `line`, `column` inside a text value starting here."""
        if not self.verbatim:
            return self
        return Place(self.line + line, self.column + column, True)


@dataclass(frozen=True)
class StepSpec:
    options: StepOptions
    place: Place | None = None
    # "text" -> where its value starts; nested keys too ("spec.encoding.x", "where.budget", "tooltip[1]")
    key_places: Mapping[str, Place] = field(default_factory=dict)

    def key_path(self, key: str | None = None) -> str:
        """The key as a story path: "steps[3]" or "steps[3].spec.mark"."""
        base = f"steps[{self.options.index}]"
        if not key:
            return base
        return base + (key if key.startswith("[") else "." + key)

    def place_of(self, key: str | None = None) -> Place | None:
        """Where `key` (or its nearest enclosing key) is written; the step itself otherwise."""
        while key:
            if key in self.key_places:
                return self.key_places[key]
            cut = max(key.rfind("."), key.rfind("["))
            key = key[:cut] if cut > 0 else ""
        return self.place


@dataclass(frozen=True)
class Story:
    path: Path | None  # None for a story given as a Python dict
    title: str
    subtitle: str | None = None
    author: str | None = None
    date: str | None = None
    # As written: "demo" or a path relative to the story file; or several runs, {name: path}.
    data: str | Mapping[str, str] | None = None
    metric: str | None = None
    theme: str = "light"
    lang: str = "en"
    budget_unit: str | None = None  # "epochs": written after budgets
    best_by: str = "loss"  # what defines "best" in the whole deck (bohbvis.analysis.ranking)
    steps: tuple[StepSpec, ...] = ()

    @property
    def is_multi_run(self) -> bool:
        return isinstance(self.data, Mapping)

    def data_path(self) -> str | Path:
        """The run's path (the first run's, in a deck of several)."""
        if isinstance(self.data, Mapping):
            return self._resolve(next(iter(self.data.values())))
        return self._resolve(self.data)

    def data_paths(self) -> dict[str, str | Path]:
        """{name: path} of every run (one run: {"run": path})."""
        if isinstance(self.data, Mapping):
            return {name: self._resolve(p) for name, p in self.data.items()}
        return {"run": self._resolve(self.data)}

    def _resolve(self, data: str | None) -> str | Path:
        from ..load import is_shipped_run  # shipped runs (demo, demo-next) are names, not paths

        if data is None or is_shipped_run(data):
            return data or "demo"
        if "://" in str(data):  # a database URL (an Optuna storage): sqlite paths are relative to the story
            scheme, rest = str(data).split("://", 1)
            if scheme == "sqlite" and rest.startswith("/") and not rest.startswith("//") and self.path is not None:
                return f"sqlite:///{self.path.parent / rest[1:]}"
            return str(data)
        p = Path(data)
        if not p.is_absolute() and self.path is not None:
            p = self.path.parent / p
        return p

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Story":
        """A validated story from a YAML file (or a built-in story name such as `advisor`)."""
        from .loader import load_story

        return load_story(path)

    @classmethod
    def from_dict(cls, mapping: Mapping) -> "Story":
        """A validated story from a dict with the keys of a story file (relative paths: from the cwd)."""
        from .loader import load_story

        return load_story(dict(mapping))
