"""The SMAC3 reader on a real run (tests/data/smac3, scripts/make_smac3_run.py), checked against
SMAC3's own RunHistory and Hyperband arithmetic when SMAC3 is installed."""

from __future__ import annotations

import json
import math
import shutil

import pytest
from typer.testing import CliRunner

from bohbvis import api
from bohbvis.cli import app
from bohbvis.errors import BohbvisError
from bohbvis.load import read_run
from bohbvis.render.html import render_html
from testdata import DATA

RUN = DATA / "smac3" / "sgd-digits" / "0"
runner = CliRunner()


def _rh():
    return json.loads((RUN / "runhistory.json").read_text())


def test_recorded_run_counts_budgets_and_best():
    run = read_run(RUN)
    rh = _rh()
    assert run.format == "smac3"
    assert run.n_evaluations == len(rh["data"])  # one seed: one evaluation per trial
    assert run.n_configs == len({d["config_id"] for d in rh["data"]})
    assert run.budgets == tuple(sorted({d["budget"] for d in rh["data"]}))
    assert run.eta == json.loads((RUN / "scenario.json").read_text())["_meta"]["intensifier"]["eta"]
    # The incumbent SMAC3 stored in intensifier.json (incumbent_selection="highest_budget").
    incumbent = json.loads((RUN / "intensifier.json").read_text())["incumbent_ids"][0]
    assert run.best["config_id"] == str(incumbent)
    cost = [d["cost"] for d in rh["data"] if d["config_id"] == incumbent and d["budget"] == run.max_budget]
    assert run.best["loss"] == pytest.approx(cost[0])


def test_brackets_start_where_each_configuration_starts():
    run = read_run(RUN)
    t = run.table
    eta, lo = run.eta, run.min_budget
    for cid, rows in t.groupby("config_id"):
        assert rows["bracket"].nunique() == 1  # one bracket per configuration
        assert list(rows.sort_values("budget")["round"]) == list(range(len(rows)))
    for b in run.brackets:
        s = round(math.log(b.budgets[0] / lo, eta))
        assert b.budgets[0] == pytest.approx(lo * eta**s)
        assert b.planned is not None


def test_sample_types_follow_config_origins():
    run = read_run(RUN)
    origins = _rh()["config_origins"]
    first = run.table[run.table["round"] == 0]
    for _, row in first.iterrows():
        origin = origins[row["config_id"]]
        expected = "BO" if origin.startswith("Acquisition Function Maximizer") else "random"
        assert row["sample_type"] == expected, origin
    assert set(run.table.loc[run.table["round"] > 0, "sample_type"]) == {"promoted"}


def test_inspect_json_says_how_brackets_were_recovered():
    res = runner.invoke(app, ["inspect", str(RUN), "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert s["recovery"]["brackets"].startswith("not stored: a configuration's bracket is the one whose first budget")
    assert "eta 3 from the intensifier" in s["recovery"]["settings"]


def test_output_folder_with_one_seed_is_found():
    assert read_run(RUN.parent).table.equals(read_run(RUN).table)


def test_only_crashed_trials_is_one_clear_error(tmp_path):
    bad = tmp_path / "0"
    shutil.copytree(RUN, bad)
    rh = _rh()
    for d in rh["data"]:
        d["status"], d["cost"] = 2, float("inf")
    (bad / "runhistory.json").write_text(json.dumps(rh))
    res = runner.invoke(app, ["inspect", str(bad)])
    assert res.exit_code == 2
    assert f"all {len(rh['data'])} trials crashed" in res.output and "Traceback" not in res.output


def test_not_multi_fidelity_is_an_error(tmp_path):
    bad = tmp_path / "0"
    shutil.copytree(RUN, bad)
    rh = _rh()
    for d in rh["data"]:
        d["budget"] = None
    (bad / "runhistory.json").write_text(json.dumps(rh))
    with pytest.raises(BohbvisError, match="not a multi-fidelity"):
        read_run(bad)


@pytest.mark.parametrize("story", ["advisor", "newcomer"])
def test_shipped_stories_build_on_the_smac3_run(story):
    deck = api.make_deck(story, data=read_run(RUN))
    html = render_html(deck)
    assert "{{" not in html.split("<script", 1)[0]
    overview = next(s for s in deck.slides if s.kind == "overview")
    assert "Not stored by smac3, recovered" in "".join(getattr(b, "html", "") for b in overview.blocks)


# --- against SMAC3's own API ----------------------------------------------------------------------

def test_matches_smac3_runhistory_and_hyperband_plan():
    pytest.importorskip("smac", reason="smac is a test dependency (API comparisons)")
    from ConfigSpace import ConfigurationSpace
    from smac.intensifier.hyperband_utils import determine_HB
    from smac.runhistory.runhistory import RunHistory

    cs = ConfigurationSpace.from_json(RUN / "configspace.json")
    rh = RunHistory()
    rh.load(RUN / "runhistory.json", cs)
    run = read_run(RUN)
    assert run.n_evaluations == len(rh)
    assert run.n_configs == len(rh.get_configs())
    t = run.table.set_index(["config_id", "budget"])
    for key, value in rh.items():
        assert t.loc[(str(key.config_id), key.budget), "loss"] == pytest.approx(value.cost)
    # Every bracket that ran all its rounds has SMAC3's own numbers of configurations per stage.
    hb = determine_HB(min_budget=run.min_budget, max_budget=run.max_budget, eta=int(run.eta))
    by_first = {hb["budgets_in_stage"][i][0]: i for i in hb["budgets_in_stage"]}
    complete = 0
    for b in run.brackets:
        stage = by_first[b.budgets[0]]
        assert list(b.budgets) == hb["budgets_in_stage"][stage][: len(b.rounds)]
        if len(b.rounds) == len(hb["budgets_in_stage"][stage]) and b is not run.brackets[-1]:
            assert [r.n for r in b.rounds] == hb["n_configs_in_stage"][stage]
            complete += 1
    assert complete >= 4


def _toy(config, seed: int = 0, budget: float = 9) -> float:
    """A cheap real objective: the cost falls with the budget; x > 2 crashes (SMAC3 records CRASHED)."""
    x, kind = config["x"], config["kind"]
    if x > 2.0:
        raise ValueError("diverged")
    return (x - 1.0) ** 2 + {"a": 0.0, "b": 0.5}[kind] + 3.0 / budget


def test_a_fresh_run_matches_smac3s_api(tmp_path):
    """A small real SMAC3 run made here (Hyperband, budgets 1 to 9): counts, costs, crashes, incumbent."""
    pytest.importorskip("smac", reason="smac is a test dependency")
    from ConfigSpace import Categorical, ConfigurationSpace, Float
    from smac import MultiFidelityFacade, Scenario
    from smac.intensifier.hyperband import Hyperband

    cs = ConfigurationSpace(seed=0)
    cs.add([Float("x", (-3.0, 3.0)), Categorical("kind", ["a", "b"])])
    scenario = Scenario(cs, name="toy", output_directory=tmp_path, deterministic=True, n_trials=40,
                        min_budget=1, max_budget=9, seed=0, crash_cost=100.0)
    facade = MultiFidelityFacade(scenario, _toy, intensifier=Hyperband(scenario, eta=3, incumbent_selection="highest_budget"),
                                 overwrite=True, logging_level=40)
    incumbent = facade.optimize()
    facade.runhistory.save(tmp_path / "toy" / "0" / "runhistory.json")
    run = read_run(tmp_path / "toy" / "0")
    rh = facade.runhistory
    assert run.n_evaluations == len(rh)
    crashed = [k for k, v in rh.items() if v.status.name == "CRASHED"]
    assert run.n_crashed == len(crashed) > 0
    assert run.budgets == (1.0, 3.0, 9.0) and run.eta == 3.0
    assert run.best["config_id"] == str(rh.get_config_id(incumbent))
    assert run.best["loss"] == pytest.approx(rh.get_cost(incumbent))


@pytest.mark.parametrize("args", [[str(RUN)], [str(DATA / "ray" / "sgd-digits")],
                                  [f"sqlite:///{DATA / 'optuna' / 'study.db'}", "--study", "sgd-digits"],
                                  [str(DATA / "optuna" / "journal.log")]])
def test_inspect_json_has_the_same_keys_for_every_format(args):
    demo = json.loads(runner.invoke(app, ["inspect", "demo", "--json"]).stdout)
    res = runner.invoke(app, ["inspect", *args, "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    assert set(s) == set(demo)
    assert set(s["recovery"]) == set(demo["recovery"]) == {"brackets", "budgets", "sample_types", "settings"}
    assert set(s["best"]) == set(demo["best"])
    assert all(set(b) == set(demo["brackets"][0]) for b in s["brackets"])
    assert s["recovery"]["brackets"] != "recorded in the run's files"  # these tools do not store brackets


def test_output_folder_with_several_seeds_asks_for_one(tmp_path):
    for seed in ("0", "1"):
        shutil.copytree(RUN, tmp_path / "sgd" / seed)
    with pytest.raises(BohbvisError) as e:
        read_run(tmp_path / "sgd")
    assert "it holds 2 runs, give one of them" in str(e.value) and "Allowed: 0, 1" in str(e.value)
