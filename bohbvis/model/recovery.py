"""How a reader recovered what the tool did not store: brackets, budgets, sample types, settings.

hpbandster stores all of it; Optuna, Ray Tune and SMAC3 store only some, and their readers say
how the rest was recomputed (the overview slide and `inspect` quote these sentences).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..i18n.lazy import tr_lazy

# Every sentence here is a lazy text (i18n/lazy.py): English in `inspect` and JSON, the deck's
# language on the overview slide.
RECORDED = tr_lazy("recorded in the run's files")


@dataclass(frozen=True)
class Recovery:
    brackets: str = RECORDED
    budgets: str = RECORDED
    sample_types: str = RECORDED
    settings: str = RECORDED  # min/max budget and eta

    @property
    def all_recorded(self) -> bool:
        return all(v == RECORDED for v in asdict(self).values())

    def to_dict(self) -> dict[str, str]:
        return asdict(self)
