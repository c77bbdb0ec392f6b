"""Find the accuracy in hpbandster's free-form `info` (a dict, a bare number, or nothing)."""

from __future__ import annotations

import math
from typing import Any, Callable

from ..errors import BohbvisError


def _dig(info: Any, path: str):
    cur = info
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


def _number(v) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    return math.nan


def _keys(infos: list) -> list[str]:
    keys: set[str] = set()
    for i in infos:
        if isinstance(i, dict):
            keys.update(str(k) for k, v in i.items() if isinstance(v, (int, float)) and not isinstance(v, bool))
    return sorted(keys)


def choose_key(keys: list[str]) -> str | None:
    """A key containing "acc": validation first (what hpbandster's loss usually is), then test."""
    accs = [k for k in keys if "acc" in k.lower()]
    for prefer in ("val", "test"):
        for k in accs:
            if prefer in k.lower():
                return k
    return accs[0] if accs else None


def accuracy_getter(
    infos: list, metric: str | None, *, file
) -> tuple[Callable[[Any], float], str | None]:
    """Return (info -> accuracy in 0..1 or NaN, the name of the metric used or None)."""
    keys = _keys(infos)
    if metric is None:
        key = choose_key(keys)
        if key is None:
            return (lambda _i: math.nan), None
        metric = key
    if metric == "info":
        get = lambda i: _number(i)  # noqa: E731 — info is a bare number
    else:
        get = lambda i: _number(_dig(i, metric))  # noqa: E731
    values = [get(i) for i in infos if i is not None]
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        allowed = ", ".join(["info (a bare number)"] + keys) if keys else "info (a bare number)"
        raise BohbvisError(
            f"metric '{metric}' is not a number in any result's info.", file=file,
            key="--metric", allowed=allowed,
        )
    # Accuracy in percent (0..100) is normalised to a fraction, as the deck formats it.
    scale = 100.0 if max(finite) > 1.0 and max(finite) <= 100.0 else 1.0
    return (lambda i: get(i) / scale), metric
