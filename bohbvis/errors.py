"""One error type for every bad input: it names the file, the place and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the reader can."""

    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    key: str | None = None  # e.g. "steps[3].kind" or a CSV column name
    allowed: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = where + (f"{self.key}: " if self.key else "") + self.message
        if self.allowed:
            text += f" Allowed: {self.allowed}."
        if self.hint:
            text += f" {self.hint}"
        return text


class BohbvisError(Exception):
    """Raised for bad input; the CLI prints it as one message (no traceback)."""

    def __init__(self, *problems: Problem | str, file: str | Path | None = None, **kwargs) -> None:
        items = [
            p if isinstance(p, Problem) else Problem(p, file=str(file) if file else None, **kwargs)
            for p in problems
        ]
        self.problems: tuple[Problem, ...] = tuple(items)
        super().__init__("\n".join(str(p) for p in items))


def did_you_mean(word: str, options) -> str | None:
    """A close match among `options`, phrased for an error message (or None)."""
    import difflib

    match = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"Did you mean '{match[0]}'?" if match else None

