"""One definition of "best" for the whole deck, and the ranking every top-k list uses.

hpbandster's incumbent rule: among the evaluations on the largest budget any configuration
reached, the one with the lowest loss. Generalised to a ranking of configurations: each
configuration is judged by its evaluation on the largest budget *it* reached; configurations that
reached a larger budget rank above those that stopped lower (a loss at 81 epochs is not comparable
with one at 1 epoch); within a budget, by the rule's field, ties broken by sample_id. So rank 1 is
always the incumbent, and every "top k" starts with it.

The rule's field is the loss (hpbandster's) unless the story says to rank by accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..model.run import Run


@dataclass(frozen=True)
class BestRule:
    field: str  # "loss" | "accuracy": a column of run.table
    higher_is_better: bool

    def describe(self, max_budget: str | None = None) -> str:
        """One sentence for a slide: what "best" means in this deck."""
        from ..i18n import tr

        max_budget = max_budget or tr("the largest budget")
        if self.field == "loss":
            return tr("Best = lowest loss at {budget} (hpbandster's incumbent rule).", budget=max_budget)
        return tr("Best = highest accuracy at {budget}.", budget=max_budget)


LOSS_RULE = BestRule("loss", False)
ACCURACY_RULE = BestRule("accuracy", True)


def rule_for(run: Run, by: str | None = None) -> BestRule:
    """The rule a deck uses: `by` = "loss" (default, hpbandster's) or "accuracy"."""
    if by in (None, "auto", "loss"):
        return LOSS_RULE
    if by == "accuracy":
        return ACCURACY_RULE if run.has_accuracy else LOSS_RULE
    raise ValueError(f"unknown ranking field {by!r}")


def ranked_configs(run: Run, rule: BestRule = LOSS_RULE) -> pd.DataFrame:
    """One row per configuration with a value (its evaluation on the largest budget it reached),
    best first, with a 1-based `rank` column. Rows are run.table rows (all columns kept)."""
    ok = run.ok[run.ok[rule.field].notna()]
    if ok.empty:
        return ok.assign(rank=pd.Series(dtype="int64"))
    # Each configuration's deciding evaluation: its largest budget; if it ran that budget twice,
    # its best value there.
    order = ok.sort_values(
        ["config_id", "budget", rule.field, "sample_id"],
        ascending=[True, False, not rule.higher_is_better, True],
        kind="stable",
    )
    deciding = order.drop_duplicates("config_id", keep="first")
    ranked = deciding.sort_values(
        ["budget", rule.field, "sample_id"],
        ascending=[False, not rule.higher_is_better, True],
        kind="stable",
    ).copy()
    ranked["rank"] = range(1, len(ranked) + 1)
    return ranked


def incumbent(run: Run, rule: BestRule = LOSS_RULE) -> pd.Series | None:
    """Rank 1 of `ranked_configs` (for the loss rule: exactly hpbandster's incumbent)."""
    r = ranked_configs(run, rule)
    return None if r.empty else r.iloc[0]
