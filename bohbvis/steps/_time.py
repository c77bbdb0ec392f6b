"""Wall-clock time on a slide: one unit per chart (seconds, minutes, hours or days) and durations in words."""

from __future__ import annotations

import math

UNITS = (("s", 1.0), ("min", 60.0), ("h", 3600.0), ("days", 86400.0))


def time_unit(span_seconds: float | None) -> tuple[str, float]:
    """The unit a time axis reads best in: the largest one the span covers at least twice."""
    if not span_seconds or not math.isfinite(span_seconds):
        return UNITS[0]
    best = UNITS[0]
    for name, size in UNITS:
        if span_seconds >= 2 * size:
            best = (name, size)
    return best


def duration(seconds: float | None) -> str:
    """4170.8 -> '69.5 min', 0.42 -> '0.42 s'."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    name, size = time_unit(seconds)
    v = seconds / size
    text = f"{v:.2g}" if v < 10 else (f"{v:.1f}" if v < 100 else f"{v:,.0f}")
    return f"{text} {name}"
