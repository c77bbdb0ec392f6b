"""The seed design's table as CSV: display headers ("Sample Id", …) or snake_case names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import BohbvisError, did_you_mean
from ..model.assemble import assemble
from ..model.run import Run
from ..model.space import is_config_column, infer_space
from ._csv import numeric_column, read_csv

NAME = "seed-csv"
DESCRIPTION = "the seed design's CSV table (sample_id, budget, sample_type, config_*, sample_loss, sample_acc)"

DISPLAY_HEADERS = {
    "Sample Id": "sample_id",
    "Budget": "budget",
    "Sample type": "sample_type",
    "Batch size": "config_batch_size",
    "Optimizer": "config_optimizer",
    "Momentum": "config_momentum",
    "Hidden size": "config_hidden_size",
    "Scheduler": "config_scheduler_p",
    "Learning rate": "config_learning_rate",
    "Activation": "config_activation",
    "Weight Decay": "config_weight_decay",
    "Loss": "sample_loss",
    "Accuracy": "sample_acc",
}
REQUIRED = ("sample_id", "budget", "sample_type", "sample_loss")
SAMPLE_TYPES = {"random": "random", "samples": "promoted", "promoted": "promoted", "bo": "BO"}

# The seed's search space (SEED.md), so its 19 sample rows are not mistaken for the whole range.
SEED_SPACE = {
    "optimizer": {"type": "categorical", "choices": ("adam", "sgd", "rms")},
    "scheduler_p": {"type": "bool", "choices": (False, True)},
    "activation": {"type": "categorical", "choices": ("relu", "lrelu", "tanh")},
    "batch_size": {"type": "ordinal", "choices": (8, 16, 32)},
    "hidden_size": {"type": "ordinal", "choices": (16, 32, 64)},
    "momentum": {"type": "float", "lower": 0.0, "upper": 1.0},
    "learning_rate": {"type": "float", "lower": 1e-4, "upper": 1e-1, "log": True},
    "weight_decay": {"type": "float", "lower": 0.0, "upper": 1e-3},
}


def _normalise_header(name: str) -> str:
    name = str(name).strip()
    return DISPLAY_HEADERS.get(name, name)


def sniff_header(columns: list[str]) -> bool:
    cols = {_normalise_header(c) for c in columns}
    return "sample_id" in cols and "config_id" not in cols


def read(path: Path, metric: str | None = None) -> Run:
    df = read_csv(path)
    df.columns = [_normalise_header(c) for c in df.columns]
    allowed = set(REQUIRED) | {"sample_acc"} | {f"config_{k}" for k in SEED_SPACE}
    for c in df.columns:
        if c not in allowed and not is_config_column(c):
            hint = did_you_mean(c, sorted(allowed) + list(DISPLAY_HEADERS))
            raise BohbvisError(
                f"unknown column '{c}'.", file=path, key="header",
                allowed=", ".join(list(DISPLAY_HEADERS)) + " (or their snake_case names; extra "
                "hyperparameters as config_<name>)",
                hint=hint,
            )
    for c in REQUIRED:
        if c not in df.columns:
            raise BohbvisError(f"missing column '{c}'.", file=path, key="header",
                               allowed="the columns " + ", ".join(REQUIRED) + " are required")

    parts = df["sample_id"].astype(str).str.fullmatch(r"(-?\d+)-(\d+)-(\d+)")
    if not parts.all():
        i = int((~parts).to_numpy().nonzero()[0][0])
        raise BohbvisError(f"sample id {df['sample_id'].iloc[i]!r} is not '<bracket>-<round>-<trial>'.",
                           file=path, line=i + 2, key="column 'sample_id'")
    ids = df["sample_id"].astype(str).str.extract(r"(-?\d+)-(\d+)-(\d+)").astype("int64")
    types = df["sample_type"].astype(str).str.strip().str.lower().map(SAMPLE_TYPES)
    if types.isna().any():
        i = int(types.isna().to_numpy().nonzero()[0][0])
        raise BohbvisError(f"sample type {df['sample_type'].iloc[i]!r} is not known.", file=path,
                           line=i + 2, key="column 'sample_type'", allowed="random, samples (promoted), BO")
    loss = numeric_column(df, "sample_loss", path, required=False)
    acc = numeric_column(df, "sample_acc", path, required=False) if "sample_acc" in df else None
    if acc is not None and acc.max() > 1.0:
        acc = acc / 100.0  # accuracy given in percent
    config_cols = [c for c in df.columns if is_config_column(c)]
    # A configuration's id: the same hyperparameter values are the same configuration (promotions).
    key = df[config_cols].astype(str).agg("|".join, axis=1) if config_cols else df["sample_id"]
    config_id = "c" + pd.Series(pd.factorize(key)[0], index=df.index).astype(str)
    raw = pd.DataFrame(
        {
            "sample_id": df["sample_id"].astype(str),
            "config_id": config_id,
            "bracket": ids[0],
            "round": ids[1],
            "trial": ids[2],
            "budget": numeric_column(df, "budget", path, positive=True),
            "sample_type": types,
            "status": loss.isna().map({True: "crashed", False: "ok"}),
            "loss": loss,
            "accuracy": acc if acc is not None else float("nan"),
        }
    )
    for c in config_cols:
        raw[c] = df[c]
    known = {k: v for k, v in SEED_SPACE.items() if f"config_{k}" in config_cols}
    space = infer_space(raw, known=known)
    return assemble(raw, space, source=str(path), format=NAME,
                    metric="sample_acc" if acc is not None else None)
