"""Shared CSV reading: one clear error naming the file, row line and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import BohbvisError


def read_csv(path: Path) -> pd.DataFrame:
    if path.is_dir():
        raise BohbvisError("is a folder; this format is one CSV file.", file=path, key="--format",
                           hint="Give the table's file, or leave --format out to let bohbvis tell the format.")
    try:
        df = pd.read_csv(path)
    except FileNotFoundError:
        raise BohbvisError("file not found.", file=path) from None
    except OSError as e:
        raise BohbvisError(f"cannot read the file ({e.strerror or e}).", file=path) from None
    except pd.errors.EmptyDataError:
        raise BohbvisError("the file is empty: a run needs a header and at least one row.", file=path) from None
    except pd.errors.ParserError as e:
        raise BohbvisError(f"not a well-formed CSV table ({e}).", file=path) from None
    except UnicodeDecodeError:
        line, column = _first_bad_byte(path)
        raise BohbvisError("not UTF-8 text.", file=path, line=line, column=column,
                           hint="Save the table as UTF-8 (spreadsheets: 'CSV UTF-8').") from None
    except (ValueError, OverflowError, MemoryError) as e:  # e.g. a number pandas cannot hold
        raise BohbvisError(f"not a table bohbvis can read ({str(e).splitlines()[0][:160]}).", file=path) from None
    if df.empty:
        raise BohbvisError("has a header but no rows: a run needs at least one evaluation.", file=path)
    return df


def _first_bad_byte(path: Path) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the first byte that is not UTF-8."""
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as e:
                return n, e.start + 1
    return None, None


def _shown(value):
    """A cell as the user wrote it (numpy scalars unwrapped: -1, not np.int64(-1))."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


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
            f"value {_shown(df[col].iloc[i])!r} is not {what}.", file=path, line=i + 2, key=f"column '{label or col}'"
        )
    return values
