"""bohbvis's own tidy table (CSV or Parquet), so a normalized run can be saved and reloaded.

Parquet keeps the hyperparameter space, eta and metric in its schema metadata; CSV keeps only the
table, so the space is inferred again from the values when it is read back.
"""

from __future__ import annotations

import json
from pathlib import Path


from ..errors import BohbvisError, did_you_mean
from ..model.assemble import assemble
from ..model.run import COLUMNS, Run
from ..model.space import is_config_column, Hyperparameter, infer_space
from ._csv import numeric_column, read_csv

NAME = "tidy"
DESCRIPTION = "bohbvis's tidy table as .csv or .parquet (written by `bohbvis convert`)"
_META_KEY = b"bohbvis"
REQUIRED = ("config_id", "bracket", "budget", "status", "loss")


def sniff_header(columns: list[str]) -> bool:
    return "config_id" in columns and "bracket" in columns


def read(path: Path, metric: str | None = None) -> Run:
    meta: dict = {}
    if path.is_dir():
        raise BohbvisError("is a folder; the tidy format is one .csv or .parquet file.", file=path, key="--format",
                           hint="Give the table's file, or leave --format out to let bohbvis tell the format.")
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow.parquet as pq

            tbl = pq.read_table(path)
        except (OSError, ValueError) as e:
            raise BohbvisError(f"not a readable Parquet file ({e}).", file=path) from None
        raw_meta = (tbl.schema.metadata or {}).get(_META_KEY)
        meta = json.loads(raw_meta) if raw_meta else {}
        df = tbl.to_pandas()
    else:
        df = read_csv(path)
    allowed = set(COLUMNS)
    for c in df.columns:
        if c not in allowed and not is_config_column(c):
            raise BohbvisError(f"unknown column '{c}'.", file=path, key="header",
                               allowed=", ".join(COLUMNS) + ", config_<name>",
                               hint=did_you_mean(c, COLUMNS))
    for c in REQUIRED:
        if c not in df.columns:
            raise BohbvisError(f"missing column '{c}'.", file=path, key="header",
                               allowed="required: " + ", ".join(REQUIRED))
    bad = ~df["status"].isin(["ok", "crashed"])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise BohbvisError(f"status {df['status'].iloc[i]!r} is not known.", file=path, line=i + 2,
                           key="column 'status'", allowed="ok, crashed")
    df["budget"] = numeric_column(df, "budget", path, positive=True)
    df["loss"] = numeric_column(df, "loss", path, required=False)
    missing_loss = (df["status"] == "ok") & df["loss"].isna()
    if missing_loss.any():
        i = int(missing_loss.to_numpy().nonzero()[0][0])
        raise BohbvisError("an 'ok' evaluation needs a loss.", file=path, line=i + 2, key="column 'loss'")
    df["bracket"] = numeric_column(df, "bracket", path).astype("int64")
    df["config_id"] = df["config_id"].astype(str)
    if "accuracy" in df:
        df["accuracy"] = numeric_column(df, "accuracy", path, required=False)
    if "space" in meta:
        space = tuple(Hyperparameter(**{**h, "choices": tuple(h["choices"]) if h.get("choices") is not None else None})
                      for h in meta["space"])
    else:
        space = infer_space(df)
    has_acc = "accuracy" in df and df["accuracy"].notna().any()
    return assemble(df, space, source=str(path), format=NAME,
                    metric=meta.get("metric", "accuracy" if has_acc else None), eta=meta.get("eta"))


def write(run: Run, path: Path) -> None:
    """Save the run's tidy table; the format comes from the suffix (.csv or .parquet)."""
    from .._output import atomic_path

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise BohbvisError(f"cannot write a run as '{suffix or path.name}'.", file=path,
                           allowed=".csv, .parquet")
    with atomic_path(path) as tmp:  # a failure never leaves half a table; only regular files are replaced
        if suffix == ".csv":
            run.table.to_csv(tmp, index=False)
        else:
            _write_parquet(run, tmp)


def _write_parquet(run: Run, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = run.table.copy()
    for hp in run.space:  # mixed-type object columns (conditional values) are stored as text
        if table[hp.column].dtype == object and hp.type != "bool":
            table[hp.column] = table[hp.column].map(lambda v: v if v is None or v != v else str(v))
    tbl = pa.Table.from_pandas(table, preserve_index=False)
    meta = {"space": [hp.to_dict() for hp in run.space], "eta": run.eta, "metric": run.metric,
            "source_format": run.format}
    tbl = tbl.replace_schema_metadata({**(tbl.schema.metadata or {}), _META_KEY: json.dumps(meta)})
    pq.write_table(tbl, path)
