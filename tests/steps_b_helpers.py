"""Shared by the tests of the step kinds loss_accuracy, embedding, correlations, budgets, sampling.

Reference values come from the raw logs (steps_a_helpers.raw reads results.json / configs.json or
the seed's CSV with plain pandas); this module adds each evaluation's hyperparameter values and a
configuration identity, read the same raw way, never through bohbvis's model.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd

from steps_a_helpers import (  # noqa: F401  (re-exported for the step-b tests)
    HAVE_DEMO, RUN_NAMES, assert_snapshot, big_run, load, one_bracket, opts, raw, rebuilt, source, validate_spec,
    with_rounds, without_accuracy,
)

# The seed CSV's display headers -> hyperparameter names (as the seed reader names them).
SEED_HPS = {"Batch size": "batch_size", "Optimizer": "optimizer", "Momentum": "momentum",
            "Hidden size": "hidden_size", "Scheduler": "scheduler_p", "Learning rate": "learning_rate",
            "Activation": "activation", "Weight Decay": "weight_decay"}


@lru_cache(maxsize=None)
def evaluations(name: str) -> pd.DataFrame:
    """Raw rows (bracket, cid, budget, loss, accuracy, round, type) plus `config` (a configuration's
    identity: hpbandster's config id, or for the seed the tuple of its values) and `hp_<name>`
    columns with the raw values (None where a conditional hyperparameter is absent)."""
    r = with_rounds(raw(name)).reset_index(drop=True)
    if name == "seed":
        t = pd.read_csv(source(name))
        values = pd.DataFrame({f"hp_{v}": t[k].tolist() for k, v in SEED_HPS.items()})
        r["config"] = values.astype(str).agg("|".join, axis=1)
    else:
        configs = {}
        for line in (source(name) / "configs.json").read_text().splitlines():
            if line.strip():
                cid, config, _info = json.loads(line)
                configs["-".join(str(c) for c in cid)] = config
        names = sorted({k for c in configs.values() for k in c})
        values = pd.DataFrame([{f"hp_{k}": configs.get(cid, {}).get(k) for k in names} for cid in r["cid"]])
        r["config"] = r["cid"]
    return pd.concat([r, values], axis=1)


def metric_field(name: str) -> str:
    return "accuracy" if evaluations(name)["accuracy"].notna().any() else "loss"


def ok_rows(name: str, field: str | None = None) -> pd.DataFrame:
    e = evaluations(name)
    field = field or metric_field(name)
    return e[np.isfinite(e["loss"]) & e[field].notna()]


def best_sign(field: str) -> int:
    """Multiply by this to make smaller = better."""
    return -1 if field == "accuracy" else 1


def spec_views(spec: dict) -> list[dict]:
    """Every unit/layer view in a spec, depth first."""
    out = []
    for key in ("hconcat", "vconcat", "concat", "layer"):
        for sub in spec.get(key, []):
            out += spec_views(sub)
    if "mark" in spec:
        out.append(spec)
    return out


def datasets(spec: dict) -> dict[str, list[dict]]:
    return dict(spec.get("datasets") or {})


def slide_text(slide) -> str:
    """Everything a slide says in words: text blocks (HTML tags stripped, entities decoded),
    chart captions (Markdown escapes removed) and the speaker notes."""
    import html
    import re

    from bohbvis.steps._base import Html, Markdown

    parts = []
    for b in slide.blocks:
        if isinstance(b, Markdown):
            parts.append(b.text)
        elif isinstance(b, Html):
            parts.append(html.unescape(re.sub(r"<[^>]+>", "", b.html)))
    parts += [re.sub(r"\\(.)", r"\1", c.caption) for c in slide.charts]
    parts.append(slide.notes)
    return "\n".join(parts)
