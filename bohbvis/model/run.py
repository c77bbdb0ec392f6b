"""The run model: one tidy table (a row per evaluation) plus what describes the run around it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from .hyperband import HyperbandPlan, PlannedBracket
from .recovery import Recovery
from .space import Hyperparameter

SAMPLE_TYPES = ("random", "BO", "promoted")

# The tidy table's fixed columns, in order; one `config_<name>` column per hyperparameter follows.
COLUMNS = (
    "sample_id",
    "config_id",
    "bracket",
    "round",
    "trial",
    "budget",
    "sample_type",
    "status",
    "loss",
    "accuracy",
    "started",
    "finished",
)


@dataclass(frozen=True)
class RoundSummary:
    round: int
    budget: float
    n: int  # evaluations in this round
    n_crashed: int
    n_random: int
    n_bo: int
    n_promoted: int  # came up from the round below
    n_advanced: int  # went on to the round above
    planned_n: int | None  # Hyperband's n_i for this round, when the bracket matches the plan

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class BracketSummary:
    bracket: int
    rounds: tuple[RoundSummary, ...]
    planned: PlannedBracket | None

    @property
    def budgets(self) -> tuple[float, ...]:
        return tuple(r.budget for r in self.rounds)


@dataclass(frozen=True, eq=False)
class Run:
    """A loaded run. `table` is never mutated after construction (steps copy what they change)."""

    table: pd.DataFrame
    space: tuple[Hyperparameter, ...]
    budgets: tuple[float, ...]  # the budget ladder, ascending
    eta: float | None
    brackets: tuple[BracketSummary, ...]
    plan: HyperbandPlan | None
    deviations: tuple[str, ...]
    source: str
    format: str
    metric: str | None  # where accuracy came from (e.g. the info key), None when the run has none
    warnings: tuple[str, ...] = field(default=())
    # The first crashed evaluation's error, as "<file>:<line>: <last line of its exception>", when
    # the reader saw one: what a run with nothing to show is explained by.
    first_error: str | None = None
    recovery: Recovery = field(default_factory=Recovery)  # how brackets/budgets were recovered

    # --- plain facts -------------------------------------------------------------------------
    @property
    def min_budget(self) -> float:
        return self.budgets[0]

    @property
    def max_budget(self) -> float:
        return self.budgets[-1]

    @property
    def n_evaluations(self) -> int:
        return len(self.table)

    @property
    def n_crashed(self) -> int:
        return int((self.table["status"] == "crashed").sum())

    @property
    def n_configs(self) -> int:
        return int(self.table["config_id"].nunique())

    @property
    def has_accuracy(self) -> bool:
        return bool(self.table["accuracy"].notna().any())

    @property
    def config_columns(self) -> list[str]:
        return [hp.column for hp in self.space]

    def hyperparameter(self, name: str) -> Hyperparameter:
        for hp in self.space:
            if hp.name == name or hp.column == name:
                return hp
        raise KeyError(name)

    @cached_property
    def ok(self) -> pd.DataFrame:
        """Evaluations that returned a loss."""
        return self.table[self.table["status"] == "ok"]

    @cached_property
    def best(self) -> pd.Series | None:
        """hpbandster's incumbent: the lowest loss among runs on the largest budget evaluated."""
        top = self.table["budget"].max()
        cands = self.ok[self.ok["budget"] == top]
        if cands.empty:
            return None
        return cands.loc[cands["loss"].idxmin()]

    @cached_property
    def fingerprint(self) -> str:
        """A content hash: computed views can be cached by (run fingerprint, step options)."""
        h = hashlib.sha256()
        h.update(pd.util.hash_pandas_object(self.table.astype(str), index=False).values.tobytes())
        h.update(repr([hp.to_dict() for hp in self.space]).encode())
        return h.hexdigest()[:16]
