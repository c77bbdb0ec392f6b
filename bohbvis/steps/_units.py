"""The budget's unit (the story's `budget_unit: epochs`) and the deck's rule for "best", as the
options a step inherits from the story's deck-level keys of the same name."""

from __future__ import annotations

from ..i18n import SOURCE_LANGUAGE, current, tr
from ..model import format as fmt
from ..options import Choice, Str


def budget_unit_option() -> Str:
    return Str(doc="What the budget counts, e.g. epochs, iterations, seconds (inherited from the story's "
                   "`budget_unit`). Shown wherever a budget is written.")


def best_by_option() -> Choice:
    return Choice(doc="What defines the best configuration: loss (hpbandster's incumbent rule) or accuracy "
                      "(inherited from the story's `best_by`).", default="loss", choices=("loss", "accuracy"))


def budget_text(x, unit: str | None) -> str:
    """'budget 81' without a unit, '81 epochs' with one."""
    b = fmt.budget(x)
    if not unit:
        return tr("budget {budget}", budget=b)
    if b == "1" and unit.endswith("s") and current().code == SOURCE_LANGUAGE:
        unit = unit[:-1]  # "1 epoch": the story's unit is English words here
    # i18n: a budget with the story's own unit ("81 epochs", "81 에폭").
    return tr("{budget} {unit}", budget=b, unit=unit)


def axis_title(unit: str | None, what: str | None = None) -> str:
    """An axis title: 'budget (epochs)'."""
    what = what or tr("budget")
    return tr("{what} ({unit})", what=what, unit=unit) if unit else what


def minus(text: str) -> str:
    """Real minus signs (U+2212) in a formatted number: '-0.12' -> '−0.12' (hyphens in exponents
    such as 1e-04 stay, they are not signs)."""
    return text[0].replace("-", "\u2212") + text[1:] if text else text


def signed(x: float, digits: int = 2) -> str:
    """'+0.35', '−0.12' (a real minus): correlations read alike on every slide and in the text."""
    return minus(f"{x:+.{digits}f}")
