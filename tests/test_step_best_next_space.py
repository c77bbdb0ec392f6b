"""`best.next_space`: the ranges and choices the top configurations used, checked against pandas
on the raw hpbandster lines (not bohbvis's model)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from bohbvis.load import demo_path, read_run
from bohbvis.steps import best
from bohbvis.options import StepOptions
from testdata import HPB


def _raw_top(folder, k):
    """Top k configurations by the deck's ranking (hpbandster's incumbent rule: the largest budget a
    configuration reached, then the lowest loss there), straight from the logs."""
    configs = {tuple(json.loads(l)[0]): json.loads(l)[1] for l in (folder / "configs.json").open()}
    rows = []
    for line in (folder / "results.json").open():
        cid, budget, _ts, result, _exc = json.loads(line)
        if result is None or not math.isfinite(result["loss"]):
            continue
        info = result["info"]
        acc = info.get("validation_accuracy", info.get("validation accuracy"))
        rows.append({"cid": tuple(cid), "budget": budget, "loss": result["loss"], "acc": acc, **configs[tuple(cid)]})
    df = pd.DataFrame(rows)
    reached = df.groupby("cid")["budget"].transform("max")
    deciding = df[df["budget"] == reached].sort_values("loss", kind="stable").drop_duplicates("cid")
    return deciding.sort_values(["budget", "loss"], ascending=[False, True], kind="stable").head(k)


@pytest.mark.parametrize("folder", [demo_path(), HPB / "hpbandster_example_5_mnist"], ids=["demo", "mnist"])
def test_next_ranges_are_what_the_top_k_used(folder):
    run = read_run(folder)
    slide = best.build(run, StepOptions(kind="best", values={"k": 5}, index=0))
    n = slide.numbers["best"]
    raw = _raw_top(folder, 5)
    assert len(raw) == n["n_top"] == 5
    by_name = {r["name"]: r for r in n["next_ranges"]}
    for hp in run.space:
        values = raw[hp.name].dropna() if hp.name in raw else pd.Series(dtype=float)
        if values.empty:
            assert hp.name not in by_name
            continue
        got = by_name[hp.name]
        if hp.is_numeric:
            assert got["lower"] == pytest.approx(values.min()) and got["upper"] == pytest.approx(values.max())
            assert 0.0 <= got.get("share_of_range", 0.0) <= 1.0
        else:
            assert set(map(str, got["choices"])) == set(map(str, values.unique()))
    for r in n["next_ranges"]:
        assert r["name"] in n["next_space"]


def test_log_share_is_measured_on_the_log_scale():
    run = read_run(demo_path())
    lr = run.hyperparameter("learning_rate")
    assert lr.log
    top = pd.DataFrame({lr.column: [1e-3, 1e-2]})
    (got,) = [r for r in best.next_ranges(run, top) if r["name"] == "learning_rate"]
    # one decade of the three decades from 1e-4 to 1e-1
    assert got["share_of_range"] == pytest.approx(1 / 3)
