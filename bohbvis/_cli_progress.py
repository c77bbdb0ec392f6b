"""A progress line on stderr for builds that take over a second (t-SNE, big runs), and none for
quick ones: a deck that builds in 0.3 s should not flash a bar.

    with building_progress(n_steps) as phase:
        deck = api.make_deck(...)       # each step reports itself through bohbvis.steps.ON_BUILD
        phase("writing the HTML")
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

import os

# Show nothing for builds quicker than this; BOHBVIS_PROGRESS_AFTER (seconds) changes it
# (0: from the start, e.g. to see every step, or for the test of this module).
DELAY_S = 1.0


def _delay() -> float:
    try:
        return float(os.environ.get("BOHBVIS_PROGRESS_AFTER", DELAY_S))
    except ValueError:
        return DELAY_S


@contextmanager
def building_progress(total: int, *, enabled: bool = True, delay: float | None = None) -> Iterator[Callable[[str], None]]:
    if not enabled or not sys.stderr.isatty():  # a log file or a pipe gets no progress line (nor rich's import)
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .steps import ON_BUILD

    console = Console(stderr=True)
    if not console.is_terminal:  # a log file gets no spinner frames (and no stray blank line)
        yield lambda label: None
        return
    bar = Progress(SpinnerColumn(), TextColumn("{task.description:<30}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console, transient=True)
    task = bar.add_task("reading the run", total=max(total, 1))
    lock = threading.Lock()
    state = {"started": False, "finished": False, "done": 0}

    def start() -> None:
        with lock:
            if not state["finished"]:
                bar.start()
                state["started"] = True

    delay = _delay() if delay is None else delay
    timer = threading.Timer(max(delay, 0.0), start)
    timer.daemon = True

    def on_build(options) -> None:
        # Called before each step: the steps before it are done.
        label = f"step {options.index + 1}: {options.kind}"
        method = options.get("method")
        if isinstance(method, str):
            label += f" ({method})"
        bar.update(task, description=label, completed=min(state["done"], total))
        state["done"] += 1

    def phase(label: str) -> None:
        bar.update(task, description=label, completed=max(total, 1))

    token = ON_BUILD.set(on_build)
    if delay <= 0:
        start()
    else:
        timer.start()
    try:
        yield phase
    finally:
        ON_BUILD.reset(token)
        timer.cancel()
        with lock:
            state["finished"] = True
            if state["started"]:
                bar.update(task, completed=max(total, 1))
                bar.stop()
