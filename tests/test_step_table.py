"""Step kind `table` (the data panel): rows, columns, sort, following the carried selection."""

from __future__ import annotations

import json

import pytest

from bohbvis.errors import BohbvisError
from bohbvis.steps import table
from bohbvis.steps._base import CARRIED, Table

from steps_a_helpers import assert_snapshot, RUN_NAMES, big_run, load, opts, raw, without_accuracy


def _table(slide) -> Table:
    (t,) = slide.tables
    return t


@pytest.mark.parametrize("name", RUN_NAMES)
def test_all_evaluations_with_the_useful_columns(name):
    run = load(name)
    slide = table.build(run, opts("table"))
    t = _table(slide)
    r = raw(name)
    assert len(t.rows) == len(r) == slide.numbers["table"]["n_total"]
    keys = [c.key for c in t.columns]
    assert keys[:5] == ["sample_id", "bracket", "round", "budget", "sample_type"]
    assert ("accuracy" in keys) == bool(r["accuracy"].notna().any())
    assert ("status" in keys) == bool(r["loss"].isna().any())
    assert keys[-len(run.space):] == [hp.column for hp in run.space]
    assert t.follows == (CARRIED,) and t.key == "sample_id"
    assert t.sort == ("-accuracy" if "accuracy" in keys else "loss")
    assert sorted(x["loss"] for x in t.rows if x["loss"] is not None) == pytest.approx(
        sorted(r["loss"].dropna()), rel=1e-5)
    assert sum(x["loss"] is None for x in t.rows) == int(r["loss"].isna().sum())
    json.dumps(t.rows)  # plain JSON (NaN -> None)


def test_columns_sort_and_follows_options():
    run = load("hpbandster_example_5_mnist")
    slide = table.build(run, opts("table", columns=["sample_id", "budget", "accuracy", "lr", "optimizer"],
                                   sort="-lr", follows="none"))
    t = _table(slide)
    assert [c.key for c in t.columns] == ["sample_id", "budget", "accuracy", "config_lr", "config_optimizer"]
    assert [c.label for c in t.columns] == ["sample", "budget", "accuracy", "lr", "optimizer"]
    assert [c.format for c in t.columns] == ["", "budget", "pct", "num", ""]
    assert t.sort == "-config_lr" and t.follows == ()
    # config_id rides along hidden: a selection carried by configuration (the map) filters by it.
    assert set(t.rows[0]) == {"sample_id", "config_id", "budget", "accuracy", "config_lr", "config_optimizer"}
    assert slide.title == "The data: 113 evaluations"


@pytest.mark.parametrize("values, key, text", [
    ({"columns": ["sample_id", "lerning_rate"]}, "columns", "Did you mean 'learning_rate'?"),
    ({"sort": "-acuracy"}, "sort", "no column 'acuracy'"),
    ({"columns": ["accuracy"]}, "columns", "records no accuracy"),
])
def test_bad_columns_are_clear_errors(values, key, text):
    with pytest.raises(BohbvisError) as e:
        table.build(load("deepcave_BOHB_run_4"), opts("table", **values))
    p = e.value.problems[0]
    assert p.key == key and text in str(e.value)
    assert "learning_rate" in p.allowed and "sample_id" in p.allowed


def test_big_run_keeps_the_best_rows_and_says_so():
    big = big_run(load("deepcave_BOHB_run_4"), copies=100)
    slide = table.build(big, opts("table"))
    t = _table(slide)
    assert len(t.rows) == 2000 and slide.numbers["table"]["limited"]
    assert "Showing the 2,000 best of 176,800 evaluations by loss." in t.caption
    kept = sorted(x["loss"] for x in t.rows)
    everything = big.table["loss"].dropna().sort_values()
    assert kept[-1] <= everything.iloc[2000] * (1 + 1e-5)  # the 2,000 lowest losses
    smaller = table.build(big, opts("table", max_rows=50))
    assert len(_table(smaller).rows) == 50


def test_loss_only_run_sorts_by_loss_and_crashed_are_said():
    run = load("deepcave_BOHB_run_4")
    t = _table(table.build(run, opts("table")))
    assert t.sort == "loss" and "4 crashed evaluations have no loss" in t.caption
    nacc = _table(table.build(without_accuracy(load("hpbandster_example_5_mnist")), opts("table")))
    assert "accuracy" not in [c.key for c in nacc.columns] and nacc.sort == "loss"


def test_snapshot():
    slide = table.build(load("seed"), opts("table"))
    t = _table(slide)
    assert_snapshot("steps/table_seed", {
        "title": slide.title, "columns": [c.__dict__ for c in t.columns], "rows": list(t.rows),
        "sort": t.sort, "follows": list(t.follows), "caption": t.caption, "numbers": slide.numbers,
    })
