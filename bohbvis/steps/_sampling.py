"""Keeping big runs small in the deck: a stated, seeded sample, or the best rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from ..i18n import tr
from ._metric import Metric

# Charts never embed more points than this: a deck with 100k+ evaluations must stay small.
MAX_POINTS = 5000
# Fixed seed: the same run gives the same sample, so outputs are byte-identical.
SAMPLE_SEED = 0


@dataclass(frozen=True)
class Sampled:
    frame: pd.DataFrame
    total: int  # rows before sampling
    note: str  # "" when nothing was left out, else a sentence for the caption

    @property
    def sampled(self) -> bool:
        return len(self.frame) < self.total


def sample_points(df: pd.DataFrame, limit: int = MAX_POINTS, keep: Iterable[str] = (),
                  what: str = "evaluations") -> Sampled:
    """At most `limit` rows, a random sample with a fixed seed; rows whose sample_id is in `keep`
    (e.g. the incumbent) are always kept. Row order is preserved (stable output)."""
    total = len(df)
    if total <= limit:
        return Sampled(df, total, "")
    keep = set(keep)
    must = df["sample_id"].isin(keep) if keep else pd.Series(False, index=df.index)
    rest = df[~must]
    n_rest = max(limit - int(must.sum()), 0)
    rng = np.random.default_rng(SAMPLE_SEED)
    pick = np.sort(rng.choice(len(rest), size=n_rest, replace=False))
    chosen = pd.concat([df[must], rest.iloc[pick]]).sort_index(kind="stable")
    if what == "evaluations":
        note = tr("Showing a random sample of {n} of {total} evaluations (fixed seed {seed}) to keep the deck small.",
                  n=len(chosen), total=total, seed=SAMPLE_SEED)
    else:  # i18n: {what} is a plural noun the step wrote in the deck's language ("configurations")
        note = tr("Showing a random sample of {n} of {total} {what} (fixed seed {seed}) to keep the deck small.",
                  n=len(chosen), total=total, what=what, seed=SAMPLE_SEED)
    return Sampled(chosen, total, note)


def best_rows(df: pd.DataFrame, metric: Metric, limit: int, what: str = "evaluations") -> Sampled:
    """At most `limit` rows: the best by the metric (rows without a value last), stated."""
    total = len(df)
    if total <= limit:
        return Sampled(df, total, "")
    ranked = metric.best_first(df)  # NaN sorts last either way
    chosen = ranked.head(limit).sort_index(kind="stable")
    if what == "evaluations":
        note = tr("Showing the {n} best of {total} evaluations by {metric}.", n=limit, total=total, metric=metric.name)
    else:  # i18n: {what} is a plural noun the step wrote in the deck's language
        note = tr("Showing the {n} best of {total} {what} by {metric}.", n=limit, total=total, what=what,
                  metric=metric.name)
    return Sampled(chosen, total, note)
