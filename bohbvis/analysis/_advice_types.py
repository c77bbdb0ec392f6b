"""The advice's vocabulary: its rules' constants and the frozen records it is made of (advice.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..i18n import tr
from ..model import format as fmt
from ..model.space import Hyperparameter

TOP_QUANTILE = 0.15  # BOHB's own top_n_percent: the share its good-configuration model learns from
MIN_TOP = 3  # fewer top configurations say nothing about a range
MARGIN = 0.10  # of the original range (on the hyperparameter's scale) added at each end of the top's span
EDGE = 0.05  # within this share of the range from a bound, a value "sits at the edge"
WIDEN = 0.25  # a crowded bound moves out by this share of the original range
KEEP_SHARE = 0.90  # a narrowed range still this wide is not worth a change
ALPHA = 0.05  # a choice is dropped only when chance would give so few top picks less often than this
# Rank agreement thresholds (the `budgets` slide's words): ≥ 0.8 "rank almost the same",
# < 0.2 "rank differently".
RHO_SAME = 0.8
RHO_DIFFERENT = 0.2
# A budget changes only on the ranks of at least this many configurations (fewer: "a hint").
MIN_BUDGET_EVIDENCE = 10


def _num(x) -> str:
    """A bound or value as text: whole numbers without decimals, others to 3 significant digits."""
    if x is None:
        return "?"
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return fmt.value(x)
    x = float(x)
    if x.is_integer() and abs(x) < 1e6:
        return str(int(x))
    return fmt.num(x)


def action_text(action: str) -> str:
    """An advice's action ("keep", "narrow" …) as a slide's legend or the terminal writes it."""
    words = {"keep": tr("keep"), "narrow": tr("narrow"), "widen": tr("widen"), "drop choices": tr("drop choices"),
             "remove": tr("remove")}
    return words.get(action, action)


def _plain(v):
    if hasattr(v, "item"):
        v = v.item()
    return v


# --- the advice's parts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """When a child hyperparameter is active: parent IN values (EQ/NEQ/GT/LT: one value)."""

    parent: str
    type: str  # "IN" | "EQ" | "NEQ" | "GT" | "LT"
    values: tuple
    inferred: bool = False  # read off the data (no configspace.json described it)

    def text(self) -> str:
        if self.type == "IN":
            return f"{self.parent} in {{{', '.join(_num(v) for v in self.values)}}}"
        op = {"EQ": "=", "NEQ": "≠", "GT": ">", "LT": "<"}[self.type]
        return f"{self.parent} {op} {_num(self.values[0])}"

    def to_configspace(self, child: str) -> dict:
        if self.type == "IN":
            return {"type": "IN", "child": child, "parent": self.parent, "values": list(self.values)}
        return {"type": self.type, "child": child, "parent": self.parent, "value": self.values[0]}


@dataclass(frozen=True)
class ChoiceEvidence:
    choice: Any
    n_top: int  # top configurations with this choice
    n_all: int  # configurations at the largest budget with this choice
    p_value: float | None  # P(this few top picks | chance), hypergeometric; None when used by a top one
    dropped: bool


@dataclass(frozen=True)
class HyperparameterAdvice:
    name: str
    type: str
    action: str  # "keep" | "narrow" | "widen" | "drop choices" | "remove"
    original: Hyperparameter
    reason: str
    lower: float | None = None
    upper: float | None = None
    log: bool = False
    choices: tuple | None = None
    default: Any = None
    condition: Condition | None = None
    n_top: int = 0  # top configurations in which it is active
    top_lower: float | None = None  # the span of the top configurations' values
    top_upper: float | None = None
    crowded: tuple[str, ...] = ()  # "lower" / "upper": bounds the top configurations crowd
    warning: str | None = None
    evidence: tuple[ChoiceEvidence, ...] = ()

    @property
    def is_numeric(self) -> bool:
        return self.type in ("float", "int")

    def describe_range(self) -> str:
        if self.action == "remove":
            return tr("removed")
        if self.is_numeric:
            bounds = f"[{_num(self.lower)}, {_num(self.upper)}]"
            return tr("{range} (log)", range=bounds) if self.log else bounds
        return tr(", ").join(_num(c) for c in self.choices or ())

    def to_dict(self) -> dict:
        d = {"name": self.name, "type": self.type, "action": self.action, "reason": self.reason,
             "original": self.original.describe_range(), "new": self.describe_range(),
             "n_top": self.n_top, "crowded": list(self.crowded), "warning": self.warning,
             "condition": self.condition.text() if self.condition else None}
        if self.is_numeric:
            d.update(lower=self.lower, upper=self.upper, log=self.log,
                     top_lower=self.top_lower, top_upper=self.top_upper)
        else:
            d["choices"] = list(self.choices or ())
            d["evidence"] = [asdict(e) for e in self.evidence]
        return d


@dataclass(frozen=True)
class BudgetAdvice:
    min_budget: float | None
    max_budget: float | None
    eta: float | None
    new_min_budget: float | None
    new_max_budget: float | None
    new_eta: float | None
    reason: str
    n_iterations: int  # Hyperband iterations (brackets) the run ran; the compute compares as many
    old_budgets: tuple[float, ...] = ()
    new_budgets: tuple[float, ...] = ()
    old_compute: float | None = None  # sum of planned budgets (n_i * r_i over every round)
    new_compute: float | None = None
    old_configs: int | None = None  # configurations sampled (the first round of every bracket)
    new_configs: int | None = None
    rho_max: float | None = None  # ρ between the largest budget and the highest one below it
    rho_min: float | None = None  # ρ between the two lowest budgets

    @property
    def saved(self) -> float | None:
        """Share of the compute the new ladder saves (negative: it costs more)."""
        if not self.old_compute or self.new_compute is None:
            return None
        return 1.0 - self.new_compute / self.old_compute

    @property
    def changed(self) -> bool:
        return (self.new_min_budget, self.new_max_budget, self.new_eta) != (self.min_budget, self.max_budget, self.eta)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["old_budgets"], d["new_budgets"] = list(self.old_budgets), list(self.new_budgets)
        d["saved"] = self.saved
        d["changed"] = self.changed
        return d
