"""A step's heavy numbers — the ones that need scipy or scikit-learn — computed apart from its drawing.

A step kind whose numbers need a heavy library splits its work in two: `analyze(run, options)`
computes those numbers (pandas, numpy, scipy, scikit-learn: never Altair), and `build` draws the
slide from them. It declares what `analyze` imports:

    HEAVY_IMPORTS = ("scipy.stats",)          # or ("sklearn",): scikit-learn imports scipy.stats itself

    def analyze(run, options) -> ...:      # what the helper process calls
        return _numbers(*_inputs(run, options))

    def build(run, options):
        inputs = _inputs(run, options)      # what the drawing needs too
        numbers = heavy_numbers(options, lambda: _numbers(*inputs))
        ...

Why: importing scipy.stats and scikit-learn is about half of a cold build, and those imports and
the fits are all a one-shot build's helper process (bohbvis/_parallel_build.py) has to do, while
this process draws every chart. `heavy_numbers` hands the step what the helper computed for it
(the same function on the same data: the same numbers), or computes them here from the inputs the
step already made for its drawing (not made twice).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

# {step index: ("numbers", value) | ("error", exception)} computed beforehand, while a step builds.
_GIVEN: ContextVar[dict[int, tuple[str, Any]] | None] = ContextVar("bohbvis_heavy_numbers", default=None)


def heavy_numbers(options, compute: Callable[[], Any]):
    """`compute()`, or what was computed for this step beforehand (its error raised here)."""
    given = _GIVEN.get()
    if given is not None and options.index in given:
        outcome, value = given[options.index]
        if outcome == "error":
            raise value
        return value
    return compute()


def outcome_of(run, options, analyze) -> tuple[str, Any]:
    """What `given` takes: the numbers, or the BohbvisError computing them raised."""
    from ..errors import BohbvisError

    try:
        return ("numbers", analyze(run, options))
    except BohbvisError as e:
        return ("error", e)


@contextmanager
def given(index: int, outcome: tuple[str, Any]) -> Iterator[None]:
    """While the step at `index` builds, `heavy_numbers` returns `outcome` for it."""
    token = _GIVEN.set({index: outcome})
    try:
        yield
    finally:
        _GIVEN.reset(token)


def is_heavy(module) -> bool:
    """Whether a step kind's module computes heavy numbers apart (it has `analyze`)."""
    return callable(getattr(module, "analyze", None))
