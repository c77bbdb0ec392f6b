"""The ordered registry of step kinds: one module per kind, one signature (see _base.py).

Modules are imported when first asked for, so a story that never uses `embedding` never
imports scikit-learn.
"""

from __future__ import annotations

import importlib
from contextvars import ContextVar
from types import ModuleType
from typing import Callable

from ..options import StepOptions
from ._base import Slide

# Order = the order `bohbvis schema`, the reference and error messages list the kinds in: the
# deck's text kinds, then the seed's overview and views A–D in the order a talk explains a run,
# then the views peers have, the advice for the next run and the comparison of runs.
KINDS: tuple[str, ...] = (
    "title",
    "markdown",
    "glossary",
    "chart",
    "overview",
    "principle",
    "brackets",
    "loss_accuracy",
    "embedding",
    "correlations",
    "best",
    "budgets",
    "sampling",
    "table",
    "trajectory",
    "learning_curves",
    "importance",
    "parallel",
    "timeline",
    "next_experiment",
    "compare",
)

_loaded: dict[str, ModuleType] = {}


def get(kind: str) -> ModuleType:
    """The module of a step kind (KeyError for an unknown kind)."""
    if kind not in KINDS:
        raise KeyError(kind)
    if kind not in _loaded:
        _loaded[kind] = importlib.import_module(f"{__name__}.{kind}")
    return _loaded[kind]


# Told before each step builds (the CLI shows which step a slow build is on); None: nobody asks.
ON_BUILD: ContextVar[Callable[[StepOptions], None] | None] = ContextVar("bohbvis_on_build", default=None)


def build(run, options: StepOptions) -> Slide:
    hook = ON_BUILD.get()
    if hook is not None:
        hook(options)
    return get(options.kind).build(run, options)


__all__ = ["KINDS", "get", "build", "Slide", "StepOptions"]
