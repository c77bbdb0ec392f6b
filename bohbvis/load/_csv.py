"""Shared CSV reading: one clear error naming the file, row line and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import BohbvisError


def read_csv(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(path)
    except FileNotFoundError:
        raise BohbvisError("file not found.", file=path) from None
    except pd.errors.EmptyDataError:
        raise BohbvisError("the file is empty: a run needs a header and at least one row.", file=path) from None
    except pd.errors.ParserError as e:
        raise BohbvisError(f"not a well-formed CSV table ({e}).", file=path) from None
    except UnicodeDecodeError:
        raise BohbvisError("not UTF-8 text.", file=path) from None
    if df.empty:
        raise BohbvisError("has a header but no rows: a run needs at least one evaluation.", file=path)
    return df


def numeric_column(df: pd.DataFrame, col: str, path: Path, *, label: str | None = None,
                   required: bool = True, positive: bool = False) -> pd.Series:
    """The column as floats; a non-number (or inf) is an error naming its CSV line (header = line 1)."""
    values = pd.to_numeric(df[col], errors="coerce")
    bad = values.isna() & df[col].notna() | values.isin([float("inf"), float("-inf")])
    if required:
        bad |= df[col].isna()
    if positive:
        bad |= values <= 0
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        what = "a positive number" if positive else "a finite number"
        raise BohbvisError(
            f"value {df[col].iloc[i]!r} is not {what}.", file=path, line=i + 2, key=f"column '{label or col}'"
        )
    return values
