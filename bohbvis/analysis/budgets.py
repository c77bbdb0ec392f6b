"""Rank agreement across budgets: do the same configurations rank alike on a low and a high budget?

Shared by the `budgets` slide (its verdict) and by the advice for the next run (its recommended
budgets), so both read the same numbers. Spearman's ρ of the configurations evaluated on both
budgets of a pair; below MIN_PAIR shared configurations a correlation says nothing.
"""

from __future__ import annotations

import pandas as pd

# Below this many shared configurations a rank correlation says nothing: the slide says so instead.
MIN_PAIR = 3


def budget_pairs(ok: pd.DataFrame, field: str, higher_is_better: bool) -> list[dict]:
    """For each budget pair, the configurations evaluated on both: n, Spearman ρ of their `field`,
    whether the best at the lower budget is also the best at the higher one, and the medians and
    the spread (interquartile range) of those configurations at each budget."""
    from scipy.stats import spearmanr

    wide = ok.groupby(["config_id", "budget"])[field].mean().unstack("budget")
    budgets = sorted(float(b) for b in wide.columns)
    out = []
    for i, low in enumerate(budgets):
        for high in budgets[i + 1:]:
            both = wide[[low, high]].dropna()
            n = len(both)
            rho = None
            if n >= MIN_PAIR and both[low].nunique() > 1 and both[high].nunique() > 1:
                rho = float(spearmanr(both[low], both[high]).statistic)
            winner_rank = None
            if n:
                # The best at the low budget (ties: the first config id), then its rank on `high`.
                sign = -1 if higher_is_better else 1
                best_low = (both[low] * sign).sort_index().idxmin()
                rank_high = (both[high] * sign).rank(method="min")
                winner_rank = int(rank_high[best_low])
            out.append({"low": low, "high": high, "n": n, "rho": rho,
                        "same_winner": None if winner_rank is None else winner_rank == 1,
                        "winner_rank": winner_rank,
                        "median_low": float(both[low].median()) if n else None,
                        "median_high": float(both[high].median()) if n else None,
                        "spread_high": float(both[high].quantile(0.75) - both[high].quantile(0.25)) if n else None})
    return out


def verdict_pair(pairs: list[dict], max_budget: float) -> dict | None:
    """The pair that answers "could the maximum budget have been lower?": the largest budget
    against the highest lower budget sharing enough configurations with it."""
    cands = [p for p in pairs if p["high"] == max_budget and p["rho"] is not None]
    return max(cands, key=lambda p: p["low"]) if cands else None


def adjacent_pairs(pairs: list[dict]) -> list[dict]:
    """The pairs of neighbouring rungs of the ladder (1–3, 3–9, …), lowest first."""
    budgets = sorted({p["low"] for p in pairs} | {p["high"] for p in pairs})
    nxt = dict(zip(budgets, budgets[1:]))
    return sorted((p for p in pairs if nxt.get(p["low"]) == p["high"]), key=lambda p: p["low"])
