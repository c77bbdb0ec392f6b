"""A rich progress bar on stderr while exporting (or nothing, for the API and tests)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


class ExportWarning(UserWarning):
    """Something in the exported pages the author should fix (e.g. a slide cut off)."""


class Progress:
    def __init__(self, enabled: bool) -> None:
        self._bar = None
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=False,
            )

    def __enter__(self) -> "Progress":
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def warn(self, message: str) -> None:
        """A problem the output shows but that does not stop the export."""
        if self._bar is not None:
            self._bar.console.print(f"[yellow]warning:[/] {message}", highlight=False)
        else:
            import warnings

            warnings.warn(message, ExportWarning, stacklevel=4)

    @contextmanager
    def task(self, description: str, total: int) -> Iterator["_Task"]:
        task_id = self._bar.add_task(description, total=max(total, 1)) if self._bar is not None else None
        handle = _Task(self._bar, task_id)
        yield handle
        if self._bar is not None:
            self._bar.update(task_id, completed=max(total, 1))


class _Task:
    def __init__(self, bar, task_id) -> None:
        self._bar, self._id = bar, task_id

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._id, n)
