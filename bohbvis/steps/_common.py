"""Helpers every data step shares: which metric, sample-type colors, sampling big runs, table rows.

Kept small and stable: several step kinds import these, so the same run reads the same way on
every slide (same metric label, same colors for random / BO / promoted, same sampling rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..errors import BohbvisError
from ..model.run import SAMPLE_TYPES, Run
from ..story.options import Choice
from ._base import Column

# Charts never embed more points than this: a deck with 100k+ evaluations must stay small.
MAX_POINTS = 5000
# Fixed seed: the same run gives the same sample, so outputs are byte-identical.
SAMPLE_SEED = 0

# The fixed order of sample types: with the theme's category palette it gives the same colors
# on every slide (random, BO, promoted).
SAMPLE_TYPE_ORDER: tuple[str, ...] = tuple(SAMPLE_TYPES)
SAMPLE_TYPE_TITLE = "sample type"


# --- the metric -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """The number a step ranks evaluations by."""

    field: str  # "accuracy" | "loss" (a column of run.table)
    label: str  # axis/legend title, says which way is better for loss
    higher_is_better: bool
    format: str  # Column format: "pct" for accuracy, "num" for loss
    d3_format: str  # Vega-Lite axis/tooltip format

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
        return "highest" if self.higher_is_better else "lowest"

    def fmt(self, x: Any) -> str:
        from ..model import format as f

        return f.pct(x) if self.field == "accuracy" else f.num(x)

    def best_first(self, df: pd.DataFrame) -> pd.DataFrame:
        """Rows sorted best first; ties broken by sample_id so the order is stable."""
        return df.sort_values(
            [self.field, "sample_id"], ascending=[not self.higher_is_better, True], kind="stable"
        )


ACCURACY = Metric("accuracy", "accuracy", True, "pct", ".1%")
LOSS = Metric("loss", "loss (lower is better)", False, "num", ".3~g")


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


# --- sample types ----------------------------------------------------------------------------


def sample_type_color(**kwargs):
    """Color encoding for sample_type with the fixed domain order (colors match across slides).
    Extra keyword arguments (legend=, title=, …) go to `alt.Color`."""
    import altair as alt

    kwargs.setdefault("title", SAMPLE_TYPE_TITLE)
    return alt.Color("sample_type:N", scale=alt.Scale(domain=list(SAMPLE_TYPE_ORDER)), **kwargs)


def origins(run: Run) -> pd.Series:
    """Where each configuration came from (config_id -> "random" | "BO"): the sample type of its
    first evaluation. A promoted row keeps the origin of the configuration it continues."""
    t = run.table.sort_values(["bracket", "round", "trial"], kind="stable")
    first = t.drop_duplicates("config_id", keep="first").set_index("config_id")["sample_type"]
    # A configuration first seen as "promoted" (its lower round is missing from the logs) has
    # no known origin.
    return first.where(first != "promoted", "unknown")


# --- sampling big runs -----------------------------------------------------------------------


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
    note = (
        f"Showing a random sample of {len(chosen):,} of {total:,} {what} "
        f"(fixed seed {SAMPLE_SEED}) to keep the deck small."
    )
    return Sampled(chosen, total, note)


def best_rows(df: pd.DataFrame, metric: Metric, limit: int, what: str = "evaluations") -> Sampled:
    """At most `limit` rows: the best by the metric (rows without a value last), stated."""
    total = len(df)
    if total <= limit:
        return Sampled(df, total, "")
    ranked = metric.best_first(df)  # NaN sorts last either way
    chosen = ranked.head(limit).sort_index(kind="stable")
    note = f"Showing the {limit:,} best of {total:,} {what} by {metric.field}."
    return Sampled(chosen, total, note)


# --- crashed evaluations ---------------------------------------------------------------------


def crashed_note(run: Run) -> str:
    """A sentence saying crashed evaluations are left out of metric views ('' when none)."""
    n = run.n_crashed
    if not n:
        return ""
    return f"{n:,} crashed evaluation{'s' if n != 1 else ''} (no loss) {'are' if n != 1 else 'is'} left out."


# --- table rows ------------------------------------------------------------------------------


def plain(v: Any) -> Any:
    """A JSON-able Python value: numpy scalars unwrapped, NaN/NA/inf -> None."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and not math.isfinite(v):
        return None
    try:
        if v != v:  # noqa: PLR0124  (NaN-like)
            return None
    except (TypeError, ValueError):
        return None
    return v


def number(x: Any) -> int | float | None:
    """A number for Slide.numbers: whole floats as ints (81.0 -> 81), NaN -> None."""
    x = plain(x)
    if x is None:
        return None
    x = float(x)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def records(df: pd.DataFrame, fields: Iterable[str], digits: int | None = None) -> tuple[dict[str, Any], ...]:
    """Rows as plain dicts holding only `fields` (in that order), JSON-able. `digits`: round
    floats to that many significant digits (a smaller deck; tables show fewer anyway)."""
    fields = [f for f in fields if f in df.columns]

    def cell(v):
        v = plain(v)
        if digits is not None and isinstance(v, float):
            return float(f"{v:.{digits}g}")
        return v

    return tuple({f: cell(v) for f, v in zip(fields, row)} for row in df[fields].itertuples(index=False))


def hp_format(run: Run, column: str) -> str:
    """Column format for a config_* column: int/num for numbers, as-is for choices."""
    try:
        hp = run.hyperparameter(column)
    except KeyError:
        return ""
    return {"int": "int", "float": "num"}.get(hp.type, "")


def base_columns(run: Run, metric: Metric | None = None) -> tuple[Column, ...]:
    """The useful default columns of a data table: id, where it ran, result, hyperparameters."""
    cols = [
        Column("sample_id", "sample"),
        Column("bracket", "bracket", "int"),
        Column("round", "round", "int"),
        Column("budget", "budget", "budget"),
        Column("sample_type", "sample type"),
    ]
    if run.has_accuracy:
        cols.append(Column("accuracy", "accuracy", "pct"))
    cols.append(Column("loss", "loss", "num"))
    if run.n_crashed:
        cols.append(Column("status", "status"))
    cols += [Column(hp.column, hp.name, hp_format(run, hp.column)) for hp in run.space]
    return tuple(cols)


COLUMN_LABELS = {
    "sample_id": ("sample", ""),
    "config_id": ("configuration", ""),
    "bracket": ("bracket", "int"),
    "round": ("round", "int"),
    "trial": ("trial", "int"),
    "budget": ("budget", "budget"),
    "sample_type": ("sample type", ""),
    "status": ("status", ""),
    "loss": ("loss", "num"),
    "accuracy": ("accuracy", "pct"),
    "started": ("started (s)", "num"),
    "finished": ("finished (s)", "num"),
}


def column_for(run: Run, name: str) -> Column:
    """A Column for any table column, by its name or a hyperparameter's bare name."""
    if name in COLUMN_LABELS:
        label, fmt = COLUMN_LABELS[name]
        return Column(name, label, fmt)
    hp = run.hyperparameter(name)  # KeyError for an unknown name: the caller reports it
    return Column(hp.column, hp.name, hp_format(run, hp.column))


def all_column_names(run: Run) -> tuple[str, ...]:
    """Every name `column_for` accepts (for error messages)."""
    return tuple(COLUMN_LABELS) + tuple(hp.name for hp in run.space)


def table_rows(df: pd.DataFrame, columns: Iterable[Column], extra: Iterable[str] = (),
               digits: int | None = None) -> tuple[dict, ...]:
    """Rows for a Table: the shown columns plus hidden fields linked selections filter on.
    `digits`: round floats to that many significant digits (None: exact)."""
    fields = ["sample_id"] + [c.key for c in columns] + list(extra)
    seen: list[str] = []
    for f in fields:
        if f not in seen:
            seen.append(f)
    return records(df, seen, digits)


def n_label(n: int, word: str) -> str:
    """'1 evaluation', '3 evaluations'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"
