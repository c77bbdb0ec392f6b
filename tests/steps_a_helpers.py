"""Shared by the tests of the step kinds overview, principle, brackets, best and table.

The reference numbers here are computed straight from the raw logs (results.json / configs.json
lines, or the seed's CSV) with plain pandas, never through bohbvis's own model, so a test that
compares a slide's numbers with them checks the whole pipeline.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from bohbvis.load import demo_path, read_run
from bohbvis.model.assemble import assemble
from bohbvis.options import StepOptions


from testdata import FIXTURE_RUNS, HPB, SEED_CSV, assert_snapshot  # noqa: E402,F401

HAVE_DEMO = (demo_path() / "results.json").exists()
RUN_NAMES = (["demo"] if HAVE_DEMO else []) + ["seed"] + list(FIXTURE_RUNS)
HPB_RUN_NAMES = (["demo"] if HAVE_DEMO else []) + list(FIXTURE_RUNS)


def source(name: str) -> Path:
    if name == "demo":
        return demo_path()
    if name == "seed":
        return SEED_CSV
    return HPB / name


@lru_cache(maxsize=None)
def load(name: str):
    return read_run("demo" if name == "demo" else source(name))


def opts(kind: str, index: int = 3, fragments: bool = False, title: str | None = None, **values) -> StepOptions:
    return StepOptions(kind=kind, title=title, values=values, index=index, fragments=fragments)


@lru_cache(maxsize=None)
def raw(name: str) -> pd.DataFrame:
    """One row per evaluation from the raw files: bracket, cid, budget, loss (NaN = crashed),
    accuracy (NaN when absent), model_based (bool: configs.json model_based_pick), stage."""
    if name == "seed":
        t = pd.read_csv(SEED_CSV)
        return pd.DataFrame({
            "bracket": t["Sample Id"].str.split("-").str[0].astype(int),
            "cid": t["Sample Id"],
            "budget": t["Budget"].astype(float),
            "loss": t["Loss"].astype(float),
            "accuracy": t["Accuracy"].astype(float),
            "model_based": t["Sample type"].eq("BO"),
            "stage": 0,
            "round": t["Sample Id"].str.split("-").str[1].astype(int),
            "type": t["Sample type"].replace({"samples": "promoted"}),
        })
    folder = source(name)
    acc_key = load(name).metric  # the info key the loader reads accuracy from (None: loss only)
    picks = {}
    for line in (folder / "configs.json").read_text().splitlines():
        if line.strip():
            cid, _config, info = json.loads(line)
            picks[tuple(cid)] = bool((info or {}).get("model_based_pick", False))
    rows = []
    for line in (folder / "results.json").read_text().splitlines():
        if not line.strip():
            continue
        cid, budget, _times, result, _exc = json.loads(line)
        loss = np.nan if not result or result.get("loss") is None else float(result["loss"])
        info = (result or {}).get("info") or {}
        acc = info.get(acc_key) if acc_key else None
        rows.append({
            "bracket": int(cid[0]), "cid": "-".join(str(c) for c in cid), "budget": float(budget),
            "loss": loss, "accuracy": float(acc) if isinstance(acc, (int, float)) else np.nan,
            "model_based": picks.get(tuple(cid), False),
            "stage": int(cid[1]),  # hpbandster: the stage a configuration was sampled for
        })
    return pd.DataFrame(rows)


def with_rounds(r: pd.DataFrame) -> pd.DataFrame:
    """Raw rows plus `round` (the budget's position in the bracket's own budgets) and the sample
    type as hpbandster defines it: promoted above the stage it was sampled for, else BO/random."""
    if "type" in r:  # the seed's table states both
        return r
    r = r.copy()
    r["round"] = r.groupby("bracket")["budget"].rank(method="dense").astype(int) - 1
    r["type"] = np.where(r["round"] > r["stage"], "promoted", np.where(r["model_based"], "BO", "random"))
    return r


def validate_spec(spec: dict) -> str:
    """The spec is valid Vega-Lite (Altair's schema) and renders with vl-convert: the SVG."""
    import vl_convert as vlc
    from altair.vegalite.v6.schema.core import TopLevelSpec

    # Schema-check the structure with the inline data cut short (jsonschema walks every row,
    # seconds for a few thousand); vl-convert then renders the full spec.
    light = dict(spec)
    if "datasets" in light:
        light["datasets"] = {k: list(v)[:50] for k, v in light["datasets"].items()}
    TopLevelSpec.from_dict(light)  # raises on a schema error
    svg = vlc.vegalite_to_svg(spec)
    assert svg.startswith("<svg") and "</svg>" in svg
    return svg


def rebuilt(run, table: pd.DataFrame, *, metric=None):
    """A Run assembled from an edited copy of a run's tidy table (ids recomputed)."""
    t = table.drop(columns=["sample_id"]).copy()
    return assemble(t, run.space, source=run.source + " (edited)", format="synthetic",
                    metric=metric if metric is not None else run.metric)


def without_accuracy(run):
    return rebuilt(run, run.table.assign(accuracy=np.nan), metric="")


def one_bracket(run):
    first = run.table["bracket"].min()
    return rebuilt(run, run.table[run.table["bracket"] == first])


def big_run(run, copies: int = 100, seed: int = 7):
    """The run's evaluations replicated `copies` times inside the same brackets (new trial
    numbers and config ids, losses perturbed): a six-figure table with the run's structure."""
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(copies):
        t = run.table.copy()
        t["trial"] = t["trial"] + k * 100_000
        t["config_id"] = t["config_id"].astype(str) + f"~{k}"
        t["loss"] = t["loss"] * (1 + 0.01 * rng.standard_normal(len(t)))
        if run.has_accuracy:
            t["accuracy"] = (t["accuracy"] * (1 + 0.002 * rng.standard_normal(len(t)))).clip(0, 1)
        parts.append(t)
    return rebuilt(run, pd.concat(parts, ignore_index=True))


def chart_data(spec: dict) -> list[list[dict]]:
    """Every inline dataset of a spec (Altair puts DataFrames under top-level `datasets`)."""
    return [list(v) for _k, v in sorted((spec.get("datasets") or {}).items())]
