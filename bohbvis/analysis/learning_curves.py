"""Do low budgets predict high ones? Each configuration's metric across the budgets it reached,
and how often a round's winner is still among the best at the next budget (why Hyperband works).

A *step* is a pair of consecutive rounds k → k+1 of one bracket (budget b → the next budget).
The round's winner is its best evaluation by the metric (ties: the one logged first, by trial). It "holds" when, in
round k+1, it ranks in the top third (rank ≤ ceil(n/3)) of that round's evaluations. Steps whose
next round has fewer than 3 evaluations say nothing (a lone survivor is always "top") and are
counted apart, as are steps where the winner did not go on (possible when the metric is not the
loss that promotion used).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..model.run import Run

MIN_NEXT_ROUND = 3


@dataclass(frozen=True)
class Persistence:
    steps: pd.DataFrame  # one row per informative step: bracket, round, budget, next_budget, n_next, rank, holds
    n_small: int  # steps left out: next round under MIN_NEXT_ROUND evaluations
    n_absent: int  # steps left out: the winner was not evaluated in the next round


def scored(run: Run, field: str) -> pd.DataFrame:
    return run.ok[run.ok[field].notna()]


def multi_budget_configs(run: Run, field: str) -> pd.Index:
    """Configurations with a value on two or more budgets (the promoted ones)."""
    ok = scored(run, field)
    counts = ok.groupby("config_id")["budget"].nunique()
    return counts.index[counts >= 2]


def winner_persistence(run: Run, field: str, higher_is_better: bool) -> Persistence:
    ok = scored(run, field)
    if ok.empty:
        return Persistence(pd.DataFrame(columns=["bracket", "round", "budget", "next_budget", "n_next", "rank",
                                                 "holds", "winner"]), 0, 0)
    order = ok.sort_values(["bracket", "round", field, "trial"],
                           ascending=[True, True, not higher_is_better, True], kind="stable")
    order = order.assign(rank=order.groupby(["bracket", "round"]).cumcount() + 1,
                         n=order.groupby(["bracket", "round"])["sample_id"].transform("size"))
    winners = order[order["rank"] == 1][["bracket", "round", "budget", "config_id", "sample_id"]]
    nxt = order.assign(round=order["round"] - 1)[["bracket", "round", "config_id", "rank", "n", "budget"]]
    sizes = nxt.drop_duplicates(["bracket", "round"])[["bracket", "round", "n", "budget"]].rename(
        columns={"n": "n_next", "budget": "next_budget"})
    pairs = winners.merge(sizes, on=["bracket", "round"], how="inner")
    pairs = pairs.merge(nxt[["bracket", "round", "config_id", "rank"]], on=["bracket", "round", "config_id"],
                        how="left")
    small = pairs["n_next"] < MIN_NEXT_ROUND
    absent = ~small & pairs["rank"].isna()
    keep = pairs[~small & ~absent].copy()
    keep["rank"] = keep["rank"].astype(int)
    keep["holds"] = keep["rank"] <= (keep["n_next"] / 3).map(math.ceil)
    keep = keep.rename(columns={"sample_id": "winner"})
    cols = ["bracket", "round", "budget", "next_budget", "n_next", "rank", "holds", "winner"]
    return Persistence(keep[cols].reset_index(drop=True), int(small.sum()), int(absent.sum()))


def rank_agreement(run: Run, field: str) -> pd.DataFrame:
    """Per budget step (b → next budget, within brackets): Spearman ρ between the values of the
    configurations evaluated on both (None when fewer than 3 or constant)."""
    ok = scored(run, field)
    rows = []
    budgets = sorted(ok["budget"].unique())
    for b, b2 in zip(budgets, budgets[1:]):
        lo = ok[ok["budget"] == b][["bracket", "config_id", field]]
        hi = ok[ok["budget"] == b2][["bracket", "config_id", field]]
        both = lo.merge(hi, on=["bracket", "config_id"], suffixes=("_lo", "_hi"))
        rho = None
        if len(both) >= 3 and both[f"{field}_lo"].nunique() > 1 and both[f"{field}_hi"].nunique() > 1:
            rho = float(both[f"{field}_lo"].rank().corr(both[f"{field}_hi"].rank()))
        rows.append({"budget": float(b), "next_budget": float(b2), "n": int(len(both)), "rho": rho})
    return pd.DataFrame(rows, columns=["budget", "next_budget", "n", "rho"])
