"""How numbers read on a slide; shared by steps and by story text filters ({{ x | pct }}).

Digits are written in the build's locale (bohbvis.i18n: its decimal and group symbols come from
Babel's CLDR data), so a story's `{{ }}` filters follow the story's `lang` like every slide.
"""

from __future__ import annotations

import math
from typing import Any

from ..i18n import localize_digits, tr


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x: Any, digits: int = 1) -> str:
    """0.9712 -> '97.1%'."""
    if _missing(x):
        return "–"
    return localize_digits(f"{float(x) * 100:.{digits}f}%")


def num(x: Any, digits: int = 3) -> str:
    """Significant digits, no scientific notation for everyday magnitudes."""
    if _missing(x):
        return "–"
    x = float(x)
    if x != 0 and (abs(x) < 1e-3 or abs(x) >= 1e6):
        return localize_digits(f"{x:.{digits - 1}e}")
    return localize_digits(f"{x:.{digits}g}" if abs(x) < 1 else f"{x:,.{max(digits - len(str(int(abs(x)))), 0)}f}")


def integer(x: Any) -> str:
    """A whole number with thousands separators: 1768.0 -> '1,768'."""
    if _missing(x):
        return "–"
    return localize_digits(f"{int(round(float(x))):,}")


def budget(x: Any) -> str:
    """Budgets are often whole (epochs): 81.0 -> '81', 3.7037 -> '3.7'."""
    if _missing(x):
        return "–"
    x = float(x)
    return localize_digits(f"{int(x):,}" if x.is_integer() else f"{x:.3g}")


def value(x: Any) -> str:
    """A hyperparameter value of any type, as text (booleans in words: yes / no)."""
    if _missing(x):
        return "–"
    if isinstance(x, bool) or type(x).__name__ == "bool_":  # numpy's bool too
        return tr("yes") if x else tr("no")
    try:
        if x is None or x != x:
            return "–"
    except (TypeError, ValueError):
        pass
    if isinstance(x, float):
        return num(x)
    return str(x)


FILTERS = {"pct": pct, "num": num, "int": integer, "budget": budget, "value": value}
