"""Readers on real hpbandster logs, checked against hpbandster's own Result API."""

from __future__ import annotations

import json
import math
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from bohbvis.cli import app
from bohbvis.errors import BohbvisError
from bohbvis.load import read_run
from bohbvis.load import tidy
from bohbvis.model.hyperband import plan

from testdata import FIXTURE_RUNS, HPB, SEED_CSV

hpres = pytest.importorskip("hpbandster.core.result", reason="hpbandster is a test dependency")

runner = CliRunner()


def inspect_json(path) -> dict:
    res = runner.invoke(app, ["inspect", str(path), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.parametrize("name", FIXTURE_RUNS + ["demo"])
def test_inspect_matches_hpbandster_result_api(name):
    from bohbvis.load import demo_path

    folder = demo_path() if name == "demo" else HPB / name
    s = inspect_json(folder if name != "demo" else "demo")
    ref = hpres.logged_results_to_HBS_result(str(folder))
    runs = ref.get_all_runs()

    assert s["format"] == "hpbandster"
    assert s["n_evaluations"] == len(runs)
    crashed = [r for r in runs if r.loss is None or (isinstance(r.loss, float) and math.isnan(r.loss))]
    assert s["n_crashed"] == len(crashed)
    assert s["n_configs"] == len({r.config_id for r in runs})
    assert s["budgets"] == ref.HB_config["budgets"]
    assert s["eta"] == ref.HB_config["eta"]
    assert s["min_budget"] == ref.HB_config["min_budget"]
    assert s["max_budget"] == ref.HB_config["max_budget"]

    inc = ref.get_incumbent_id()
    assert s["best"]["config_id"] == "-".join(map(str, inc))
    inc_runs = [r for r in ref.get_runs_by_id(inc) if r.budget == ref.HB_config["max_budget"]]
    assert s["best"]["loss"] == pytest.approx(inc_runs[0].loss)
    assert s["best"]["budget"] == ref.HB_config["max_budget"]

    # Every bracket's rounds: evaluations per budget, as hpbandster's iterations hold them.
    expected: dict[int, dict[float, int]] = {}
    for r in runs:
        expected.setdefault(r.config_id[0], {}).setdefault(r.budget, 0)
        expected[r.config_id[0]][r.budget] += 1
    got = {b["bracket"]: {r["budget"]: r["n"] for r in b["rounds"]} for b in s["brackets"]}
    assert got == expected
    for b in s["brackets"]:
        assert [r["round"] for r in b["rounds"]] == list(range(len(b["rounds"])))
        assert [r["budget"] for r in b["rounds"]] == sorted(r["budget"] for r in b["rounds"])

    required = {"format", "n_evaluations", "n_crashed", "n_configs", "budgets", "eta", "min_budget",
                "max_budget", "brackets", "best", "hyperparameters", "deviations"}
    assert required <= set(s)
    assert {"sample_id", "config_id", "budget", "loss", "accuracy"} <= set(s["best"])
    assert all({"name", "type"} <= set(h) for h in s["hyperparameters"])


def test_sample_types_follow_hpbandster_model_based_pick():
    folder = HPB / "hpbandster_example_5_mnist"
    run = read_run(folder)
    ref = hpres.logged_results_to_HBS_result(str(folder))
    id2conf = ref.get_id2config_mapping()
    t = run.table
    first = t.groupby("config_id")["round"].transform("min")
    assert (t.loc[t["round"] > first, "sample_type"] == "promoted").all()
    fresh = t[t["round"] == first]
    for _, row in fresh.iterrows():
        key = tuple(int(x) for x in row["config_id"].split("-"))
        want = "BO" if id2conf[key]["config_info"].get("model_based_pick") else "random"
        assert row["sample_type"] == want
    assert set(t["sample_type"]) == {"random", "BO", "promoted"}


def test_hyperband_plan_is_hpbandsters_arithmetic():
    p = plan(1, 81, 3)
    assert p.s_max == 4
    assert p.budgets == (1.0, 3.0, 9.0, 27.0, 81.0)
    assert {b.s: b.n for b in p.brackets} == {4: (81, 27, 9, 3, 1), 3: (27, 9, 3, 1), 2: (9, 3, 1),
                                              1: (6, 2), 0: (5,)}
    # iteration i -> s = max_SH_iter - 1 - (i % max_SH_iter)
    assert [p.for_iteration(i).s for i in range(7)] == [4, 3, 2, 1, 0, 4, 3]


def test_example_run_follows_the_plan_and_run4_deviates():
    assert read_run(HPB / "hpbandster_example_5_mnist").deviations == ()
    dev = read_run(HPB / "deepcave_BOHB_run_4").deviations
    assert any("warm start" in d and "Bracket -1" in d for d in dev)
    assert any("truncated" in d for d in dev)


def test_accuracy_from_info_dict_prefers_validation():
    run = read_run(HPB / "hpbandster_example_5_mnist")
    assert run.metric == "validation accuracy"
    raw = [json.loads(line) for line in (HPB / "hpbandster_example_5_mnist/results.json").open()]
    want = sorted(r[3]["info"]["validation accuracy"] for r in raw)
    assert sorted(run.table["accuracy"]) == pytest.approx(want)
    other = read_run(HPB / "hpbandster_example_5_mnist", metric="test accuracy")
    assert sorted(other.table["accuracy"]) == pytest.approx(sorted(r[3]["info"]["test accuracy"] for r in raw))


def test_bare_number_info_is_no_accuracy_unless_asked():
    run = read_run(HPB / "deepcave_BOHB_run_1")
    assert not run.has_accuracy and run.metric is None
    asked = read_run(HPB / "deepcave_BOHB_run_1", metric="info")
    assert asked.has_accuracy and asked.metric == "info"


def test_conditional_hyperparameters_stay_absent_and_typed():
    run = read_run(HPB / "deepcave_BOHB_run_4")
    hp = run.hyperparameter("lr_scheduler_tmult")
    assert hp.condition and "lr_scheduler" in hp.condition
    col = run.table[hp.column]
    assert col.isna().any() and col.notna().any()
    assert str(col.dtype) == "Int64"
    assert run.table["bracket"].min() == -1


def test_nan_losses_are_crashes_with_a_warning_naming_lines():
    run = read_run(HPB / "deepcave_BOHB_run_4")
    assert run.n_crashed == 4
    assert any("lines 37, 226, 786, 1320" in w for w in run.warnings)


def _copy(tmp_path, name="hpbandster_example_5_mnist"):
    dst = tmp_path / name
    shutil.copytree(HPB / name, dst)
    return dst


def test_crashed_results_and_missing_config_lines(tmp_path):
    d = _copy(tmp_path)
    lines = (d / "results.json").read_text().splitlines()
    rec = json.loads(lines[3])
    rec[3], rec[4] = None, "Traceback (most recent call last):\n  ...\nValueError: diverged"
    lines[3] = json.dumps(rec)
    (d / "results.json").write_text("\n".join(lines) + "\n")
    conf = (d / "configs.json").read_text().splitlines()
    dropped = json.loads(conf[5])[0]
    (d / "configs.json").write_text("\n".join(conf[:5] + conf[6:]) + "\n")

    run = read_run(d)
    assert run.n_crashed == 1 and run.n_evaluations == len(lines)
    row = run.table[run.table["config_id"] == "-".join(map(str, rec[0][0:3]))]
    assert "crashed" in set(row["status"])
    assert any("no line in configs.json" in w and str(dropped) in w for w in run.warnings)
    kept = run.table[run.table["config_id"] == "-".join(map(str, dropped))]
    assert len(kept) >= 1  # its results are kept


@pytest.mark.parametrize(
    "mutate, expect",
    [
        (lambda d: (d / "results.json").unlink(), "results.json: missing results.json"),
        (lambda d: (d / "results.json").write_text(""), "results.json: has no evaluations"),
        (lambda d: _edit_line(d / "results.json", 2, '[[0, 0, 1], 1.0, {"submitted": 1'), "results.json:3:"),
        (lambda d: _edit_line(d / "configs.json", 0, "[1, 2]"), "configs.json:1:"),
        (lambda d: _edit_line(d / "results.json", 4, '[[0, 0, "x"], 1.0, {}, {"loss": 1}, null]'), "results.json:5:"),
        (lambda d: _edit_line(d / "results.json", 1, '[[0, 0, 1], -3, {}, {"loss": 1}, null]'), "results.json:2: budget"),
        (lambda d: (d / "configspace.json").write_text('{"hyperparameters": [{"type": "weird", "name": "a"}]}'),
         "configspace.json: hyperparameters[0]"),
    ],
)
def test_bad_hpbandster_runs_name_file_and_line(tmp_path, mutate, expect):
    d = _copy(tmp_path)
    mutate(d)
    with pytest.raises(BohbvisError) as e:
        read_run(d)
    assert expect in str(e.value)


def _edit_line(path, i, text):
    lines = path.read_text().splitlines()
    lines[i] = text
    path.write_text("\n".join(lines) + "\n")


def test_all_nan_run_is_an_error(tmp_path):
    d = tmp_path / "r"
    d.mkdir()
    (d / "configs.json").write_text('[[0, 0, 0], {"x": 1.0}, {"model_based_pick": false}]\n')
    (d / "results.json").write_text('[[0, 0, 0], 1.0, {}, {"loss": NaN, "info": {}}, null]\n')
    run = read_run(d)  # the run loads (inspect can show it); a deck of it is refused
    assert run.n_crashed == 1 and run.first_error == "results.json:1: the loss is NaN or infinite"
    from bohbvis import api

    with pytest.raises(BohbvisError, match="all 1 evaluations crashed|its one evaluation crashed"):
        api.make_deck(data=run)


def test_seed_table_display_headers():
    run = read_run(SEED_CSV)
    assert run.format == "seed-csv" and run.n_evaluations == 19
    t = run.table.set_index("sample_id")
    # 1-1-0 (budget 300, samples) is 1-0-8 (budget 100, random) promoted.
    assert t.loc["1-1-0", "config_id"] == t.loc["1-0-8", "config_id"]
    assert t.loc["1-1-0", "sample_type"] == "promoted" and t.loc["1-0-8", "sample_type"] == "random"
    assert t.loc["5-4-0", "sample_type"] == "BO"
    assert t["accuracy"].max() <= 1.0
    assert run.hyperparameter("learning_rate").log
    assert run.hyperparameter("batch_size").type == "ordinal"
    assert run.best["sample_id"] == "1-1-0"  # lowest loss at budget 300


def test_seed_table_snake_case_and_percent(tmp_path):
    df = pd.read_csv(SEED_CSV)
    from bohbvis.load.seed_csv import DISPLAY_HEADERS

    df = df.rename(columns=DISPLAY_HEADERS)
    df["sample_acc"] = df["sample_acc"] * 100
    p = tmp_path / "snake.csv"
    df.to_csv(p, index=False)
    a, b = read_run(SEED_CSV).table, read_run(p).table
    pd.testing.assert_series_equal(a["accuracy"], b["accuracy"])
    assert list(a["sample_id"]) == list(b["sample_id"])


def test_seed_table_unknown_column(tmp_path):
    df = pd.read_csv(SEED_CSV).rename(columns={"Optimizer": "Optimiser"})
    p = tmp_path / "bad.csv"
    df.to_csv(p, index=False)
    with pytest.raises(BohbvisError) as e:
        read_run(p)
    msg = str(e.value)
    assert "bad.csv" in msg and "unknown column 'Optimiser'" in msg and "Did you mean 'Optimizer'" in msg


def test_seed_table_bad_value_names_line(tmp_path):
    df = pd.read_csv(SEED_CSV)
    df["Budget"] = df["Budget"].astype(object)
    df.loc[4, "Budget"] = "lots"
    p = tmp_path / "bad.csv"
    df.to_csv(p, index=False)
    with pytest.raises(BohbvisError, match=r"bad.csv:6: column 'budget': value 'lots'"):
        read_run(p)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tidy_round_trip(tmp_path, suffix):
    run = read_run(HPB / "deepcave_BOHB_run_4")
    p = tmp_path / f"run{suffix}"
    tidy.write(run, p)
    back = read_run(p)
    assert back.format == "tidy"
    cols = ["sample_id", "config_id", "bracket", "round", "trial", "budget", "sample_type", "status"]
    pd.testing.assert_frame_equal(run.table[cols], back.table[cols], check_dtype=False)
    pd.testing.assert_series_equal(run.table["loss"], back.table["loss"])
    assert back.budgets == run.budgets and back.n_crashed == run.n_crashed
    if suffix == ".parquet":
        assert [h.to_dict() for h in back.space] == [h.to_dict() for h in run.space]


def test_cli_errors_are_one_message_without_traceback(tmp_path):
    res = runner.invoke(app, ["inspect", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert "no such file or folder" in res.output and "Traceback" not in res.output
    (tmp_path / "x.txt").write_text("hello")
    res = runner.invoke(app, ["inspect", str(tmp_path / "x.txt")])
    assert res.exit_code == 2 and "Allowed: hpbandster" in res.output


def test_cli_convert(tmp_path):
    out = tmp_path / "demo.parquet"
    res = runner.invoke(app, ["convert", str(HPB / "hpbandster_example_5_mnist"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert read_run(out).n_evaluations == 113
