"""Which number a step ranks by: accuracy (higher is better) or loss (lower is better).

One Metric object per run and choice, so every slide labels, formats and sorts the metric alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import BohbvisError
from ..i18n import tr
from ..model.run import Run
from ..options import Choice

@dataclass(frozen=True)
class Metric:
    """The number a step ranks evaluations by."""

    field: str  # "accuracy" | "loss" (a column of run.table)
    higher_is_better: bool
    format: str  # Column format: "pct" for accuracy, "num" for loss
    d3_format: str  # Vega-Lite axis/tooltip format

    @property
    def name(self) -> str:
        """The metric's name in the deck's language ('accuracy', '정확도'): for text and titles;
        `field` stays the column's name in the data."""
        return tr("accuracy") if self.field == "accuracy" else tr("loss")

    @property
    def label(self) -> str:
        """Axis/legend title; says which way is better for loss."""
        return tr("accuracy") if self.higher_is_better else tr("loss (lower is better)")

    @property
    def best_agg(self) -> str:
        """pandas/Vega-Lite aggregate giving the best value: "max" or "min"."""
        return "max" if self.higher_is_better else "min"

    @property
    def sort(self) -> str:
        """Table sort string putting the best first ("-accuracy" or "loss")."""
        return ("-" if self.higher_is_better else "") + self.field

    @property
    def word(self) -> str:
        """'highest' / 'lowest', for sentences."""
        return tr("highest") if self.higher_is_better else tr("lowest")

    def fmt(self, x: Any) -> str:
        from ..model import format as f

        return f.pct(x) if self.field == "accuracy" else f.num(x)

    def best_first(self, df: pd.DataFrame) -> pd.DataFrame:
        """Rows sorted best first; ties broken by sample_id so the order is stable."""
        return df.sort_values(
            [self.field, "sample_id"], ascending=[not self.higher_is_better, True], kind="stable"
        )


ACCURACY = Metric("accuracy", True, "pct", ".1%")
LOSS = Metric("loss", False, "num", ".3~g")


def metric_option(doc: str = "") -> Choice:
    """The `metric:` option a step offers: auto = accuracy when the run has it, else loss."""
    return Choice(
        doc=doc or "What to rank and plot: accuracy (higher is better) or loss (lower is better); "
        "auto uses accuracy when the run has it.",
        default="auto",
        choices=("auto", "accuracy", "loss"),
    )


def metric_for(run: Run, choice: str | None = "auto") -> Metric:
    """The metric a step uses. Asking for accuracy on a loss-only run is an input error."""
    if choice in (None, "auto"):
        return ACCURACY if run.has_accuracy else LOSS
    if choice == "loss":
        return LOSS
    if choice == "accuracy":
        if not run.has_accuracy:
            raise BohbvisError(
                f"accuracy was asked for, but the run {run.source} records no accuracy "
                "(only a loss).",
                key="metric",
                allowed="loss, auto",
                hint="Use metric: loss, or load the run with --metric naming the info key that holds accuracy.",
            )
        return ACCURACY
    raise BohbvisError(f"{choice!r} is not allowed.", key="metric", allowed="auto, accuracy, loss")


def metric_scale(metric: Metric, values: pd.Series, **kwargs):
    """A y/x scale for the metric: accuracy linear; loss on a log scale when a few huge losses
    (diverged training) would otherwise squash every other point against the axis."""
    import altair as alt

    v = pd.to_numeric(values, errors="coerce").dropna()
    if metric.field == "loss" and len(v) and v.min() > 0 and v.max() / v.min() > 20:
        return alt.Scale(type="log", nice=False, **kwargs)
    return alt.Scale(zero=False, **kwargs)
