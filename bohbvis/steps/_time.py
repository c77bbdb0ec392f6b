"""Wall-clock time on a slide: one unit per chart (seconds, minutes, hours or days) and durations in words."""

from __future__ import annotations

import math

from ..i18n import localize_digits, tr

UNITS = (("s", 1.0), ("min", 60.0), ("h", 3600.0), ("days", 86400.0))


def unit_names() -> dict[str, str]:
    """The units as the deck's language writes them (axis titles, durations)."""
    # i18n: time units: seconds, minutes, hours, days (short, as on an axis).
    return {"s": tr("s"), "min": tr("min"), "h": tr("h"), "days": tr("days")}


def time_unit(span_seconds: float | None) -> tuple[str, float]:
    """The unit a time axis reads best in (its name in the deck's language, its size in
    seconds): the largest one the span covers at least twice."""
    best = UNITS[0]
    if span_seconds and math.isfinite(span_seconds):
        for name, size in UNITS:
            if span_seconds >= 2 * size:
                best = (name, size)
    return unit_names()[best[0]], best[1]


def duration(seconds: float | None) -> str:
    """4170.8 -> '69.5 min', 0.42 -> '0.42 s'."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    name, size = time_unit(seconds)
    v = seconds / size
    text = f"{v:.2g}" if v < 10 else (f"{v:.1f}" if v < 100 else f"{v:,.0f}")
    # i18n: a duration: the number and a time unit ("69.5 min"; Korean writes "69.5분").
    return tr("{value} {time_unit}", value=localize_digits(text), time_unit=name)
