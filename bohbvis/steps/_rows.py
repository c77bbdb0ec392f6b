"""Plain values and table rows: JSON-able cells, the columns a data table shows, counted words."""

from __future__ import annotations

import math
from typing import Any, Iterable

import pandas as pd

from ..i18n import tr, trn
from ..model.run import Run
from ._base import Column
from ._metric import Metric


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
    labels = column_labels()
    cols = [Column(name, labels[name], COLUMN_LABELS[name][1])
            for name in ("sample_id", "bracket", "round", "budget", "sample_type")]
    if run.has_accuracy:
        cols.append(Column("accuracy", labels["accuracy"], "pct"))
    cols.append(Column("loss", labels["loss"], "num"))
    if run.n_crashed:
        cols.append(Column("status", labels["status"]))
    cols += [Column(hp.column, hp.name, hp_format(run, hp.column)) for hp in run.space]
    return tuple(cols)


# Column name -> (English header, format); column_labels() gives the headers in the deck's language.
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


def column_labels() -> dict[str, str]:
    """The headers of the run's own columns in the deck's language (hyperparameters keep their names)."""
    return {
        "sample_id": tr("sample"), "config_id": tr("configuration"), "bracket": tr("bracket"),
        "round": tr("round"), "trial": tr("trial"), "budget": tr("budget"),
        "sample_type": tr("sample type"), "status": tr("status"), "loss": tr("loss"),
        "accuracy": tr("accuracy"), "started": tr("started (s)"), "finished": tr("finished (s)"),
    }


def value_labels() -> dict[str, dict[str, str]]:
    """The run's own data words (sample types, statuses) as tables show them in the deck's
    language: {column: {value: label}}, only the values whose label differs (English: empty).
    The data keeps its values (links match on them); only the cells' text changes."""
    from ._sample_types import sample_type_labels

    status = {"ok": tr("ok"), "crashed": tr("crashed")}
    out = {"sample_type": sample_type_labels(), "status": status}
    out = {column: {v: label for v, label in labels.items() if v != label} for column, labels in out.items()}
    return {column: labels for column, labels in out.items() if labels}


def column_for(run: Run, name: str) -> Column:
    """A Column for any table column, by its name or a hyperparameter's bare name."""
    if name in COLUMN_LABELS:
        return Column(name, column_labels()[name], COLUMN_LABELS[name][1])
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


def crashed_note(run: Run) -> str:
    """A sentence saying crashed evaluations are left out of metric views ('' when none)."""
    n = run.n_crashed
    if not n:
        return ""
    return trn("{n} crashed evaluation (no loss) is left out.", "{n} crashed evaluations (no loss) are left out.", n)
