"""Readers, behind one registry: `read_run(path)` picks the reader from the path (or `format=`).

A reader is a module with NAME, DESCRIPTION and `read(path, metric) -> Run`; folders and files are
told apart by `sniff`. New HPO tools (Optuna storage, SMAC3, Ray Tune) plug in by adding a module
to READERS.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import BohbvisError, did_you_mean
from ..model.run import Run
from . import hpbandster, optuna, ray_tune, seed_csv, smac3, tidy
from .options import ReaderOptions

READERS = {m.NAME: m for m in (hpbandster, seed_csv, tidy, optuna, smac3, ray_tune)}
DEMO = "demo"


# Runs shipped inside the package (scripts/make_demo_run.py): a name -> its folder. `demo-next` is
# the run made with the advice of `demo` (bohbvis advise demo), for the `next-run` story.
SHIPPED = {DEMO: "demo_run", "demo-next": "demo_run_next"}


def demo_path(name: str = DEMO) -> Path:
    """The shipped demo run: a real BOHB run (scripts/make_demo_run.py) inside the package."""
    return Path(__file__).parent / SHIPPED[name]


def is_shipped_run(name) -> bool:
    return str(name) in SHIPPED


def detect_format(path: Path) -> str:
    if optuna.sniff(path):
        return optuna.NAME
    if smac3.sniff(path):
        return smac3.NAME
    if ray_tune.sniff(path):
        return ray_tune.NAME
    if path.is_dir() or path.name in ("results.json", "configs.json"):
        if hpbandster.sniff(path):
            return hpbandster.NAME
        raise BohbvisError(
            "is not a run bohbvis can read: no results.json in this folder.", file=path,
            allowed="; ".join(f"{m.NAME}: {m.DESCRIPTION}" for m in READERS.values()),
        )
    if path.suffix.lower() == ".parquet":
        return tidy.NAME
    if path.suffix.lower() == ".csv":
        from ._csv import read_csv

        cols = [str(c).strip() for c in read_csv(path).columns]
        if tidy.sniff_header(cols):
            return tidy.NAME
        if seed_csv.sniff_header(cols):
            return seed_csv.NAME
        raise BohbvisError(
            "is a CSV table bohbvis does not recognise: it needs a 'config_id' and 'bracket' column "
            "(bohbvis's tidy table) or a 'sample_id' / 'Sample Id' column (the seed's table).",
            file=path,
        )
    raise BohbvisError(
        "is not a run bohbvis can read.", file=path,
        allowed="; ".join(f"{m.NAME}: {m.DESCRIPTION}" for m in READERS.values()),
    )


def read_run(path: str | Path | None = None, *, format: str | None = None, metric: str | None = None,
             options: ReaderOptions | None = None) -> Run:
    """Load a run. `None`, "demo" or "demo-next" is a shipped demo run; a database URL is an Optuna
    storage. `options` are what a tool does not store (Optuna's study and pruner settings, Ray's scheduler)."""
    options = options or ReaderOptions()
    if path is None or is_shipped_run(path):
        path = demo_path(DEMO if path is None else str(path))
        format = format or hpbandster.NAME
    if isinstance(path, str) and optuna.is_url(path):
        if format not in (None, optuna.NAME):
            raise BohbvisError(f"'{path}' is a database URL, which only the optuna reader reads.", key="--format",
                               allowed=optuna.NAME)
        options.check_for(optuna.NAME, optuna.OPTIONS)
        return optuna.read(path, metric=metric, options=options)
    path = Path(path)
    if not path.exists():
        raise BohbvisError("no such file or folder.", file=path)
    if format is None:
        format = detect_format(path)
    if format not in READERS:
        raise BohbvisError(f"unknown format '{format}'.", key="--format", allowed=", ".join(READERS),
                           hint=did_you_mean(format, READERS))
    reader = READERS[format]
    accepted = getattr(reader, "OPTIONS", ())
    options.check_for(format, accepted)
    if accepted:
        return reader.read(path, metric=metric, options=options)
    return reader.read(path, metric=metric)


__all__ = ["READERS", "SHIPPED", "ReaderOptions", "read_run", "demo_path", "detect_format", "is_shipped_run"]
