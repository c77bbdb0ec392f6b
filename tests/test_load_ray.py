"""The Ray Tune reader on a real TuneBOHB + HyperBandForBOHB experiment (tests/data/ray,
scripts/make_ray_run.py), checked against Ray's own ResultGrid and scheduler when Ray is installed."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from bohbvis import api
from bohbvis.cli import app
from bohbvis.errors import BohbvisError
from bohbvis.load import ReaderOptions, read_run
from bohbvis.render.html import render_html
from testdata import DATA

EXP = DATA / "ray" / "sgd-digits"
runner = CliRunner()


def _results():
    out = {}
    for d in EXP.iterdir():
        if (d / "result.json").is_file():
            lines = [json.loads(x) for x in (d / "result.json").read_text().splitlines() if x.strip()]
            out[lines[0]["trial_id"]] = lines
    return out


def test_recorded_experiment_counts_budgets_and_best():
    run = read_run(EXP)
    results = _results()
    assert run.format == "ray"
    assert run.n_configs == len(results) == 34
    assert run.budgets == (1.0, 3.0, 9.0) and run.eta == 3.0
    assert run.metric == "accuracy" and run.n_crashed == 0
    # The best evaluation: the highest accuracy among trials that reached max_t (loss is 1 - accuracy).
    at_top = [r for rs in results.values() for r in rs if r["training_iteration"] == 9]
    best = max(r["accuracy"] for r in at_top)
    assert run.best["accuracy"] == pytest.approx(best)
    assert run.best["config_id"] in {r["trial_id"] for r in at_top if r["accuracy"] == best}  # ties share it
    # Every evaluation is the trial's result at a rung of its bracket.
    for _, row in run.table.iterrows():
        r = next(x for x in results[row["config_id"]] if x["training_iteration"] == row["budget"])
        assert row["loss"] == pytest.approx(r["loss"])


def test_brackets_follow_the_fill_rule_and_plan():
    run = read_run(EXP)
    # Two full bands of HyperBandForBOHB(max_t=9, eta=3): brackets of 9, 5 and 3 new trials.
    assert [[r.n for r in b.rounds] for b in run.brackets] == [[9, 3, 1], [5, 2], [3]] * 2
    assert any("max_t 9 (largest iteration), η 3 (where trials stopped)" in d for d in run.deviations)
    s = json.loads(runner.invoke(app, ["inspect", str(EXP), "--json"]).stdout)
    assert "fill rule" in s["recovery"]["brackets"]


def test_options_override_inferred_settings():
    run = read_run(EXP, metric="accuracy", options=ReaderOptions(mode="max", max_t=9, eta=3))
    assert run.recovery.settings == "max_t 9, reduction factor 3: given"
    assert run.best["config_id"] == read_run(EXP).best["config_id"]
    with pytest.raises(BohbvisError, match="metric 'acc' is not reported"):
        read_run(EXP, metric="acc")


def test_folder_with_no_trials_is_one_clear_error(tmp_path):
    bad = tmp_path / "exp"
    bad.mkdir()
    shutil.copy(next(EXP.glob("experiment_state-*.json")), bad)
    res = runner.invoke(app, ["inspect", str(bad)])
    assert res.exit_code == 2
    assert "has no trials with results" in res.output and "Traceback" not in res.output


@pytest.mark.parametrize("story", ["advisor", "newcomer"])
def test_shipped_stories_build_on_the_ray_run(story):
    deck = api.make_deck(story, data=read_run(EXP))
    html = render_html(deck)
    assert "{{" not in html.split("<script", 1)[0]
    overview = next(s for s in deck.slides if s.kind == "overview")
    assert "Not stored by ray, recovered" in "".join(getattr(b, "html", "") for b in overview.blocks)


# --- against Ray's own API ------------------------------------------------------------------------

def test_matches_ray_result_grid_and_hyperband_fill_rule():
    pytest.importorskip("ray.tune", reason="ray[tune] is a test dependency (API comparisons)")
    from ray.tune import ExperimentAnalysis, ResultGrid
    from ray.tune.schedulers.hb_bohb import HyperBandForBOHB

    grid = ResultGrid(ExperimentAnalysis(str(EXP)))
    run = read_run(EXP)
    assert len(grid) == run.n_configs
    best = grid.get_best_result(metric="accuracy", mode="max", scope="all")
    assert best.metrics_dataframe["accuracy"].max() == pytest.approx(run.table["accuracy"].max())
    errors = [r for r in grid if r.error is not None]
    assert len(errors) == run.n_crashed
    # Ray's own scheduler, given the trials in creation order, puts each in the same bracket.
    trials = sorted(grid._experiment_analysis.trials, key=lambda t: int(t.experiment_tag.split("_")[0]))
    sched = HyperBandForBOHB(time_attr="training_iteration", max_t=9, reduction_factor=3, metric="accuracy", mode="max")
    ids = {}
    for t in trials:
        sched.on_trial_add(None, t)
        bracket, band = sched._trial_info[t]
        ids[t.trial_id] = (band, sched._hyperbands[band].index(bracket))
    got = run.table.groupby("config_id")["bracket"].first()
    assert all(got[tid] == band * 3 + pos for tid, (band, pos) in ids.items())  # 34 of 34 trials


def _toy_trainable(config):
    from ray import tune

    for i in range(1, 4):
        loss = (config["x"] - 1.0) ** 2 + 3.0 / i
        tune.report({"loss": loss, "accuracy": 1.0 / (1.0 + loss)})


def test_a_fresh_run_matches_ray(tmp_path):
    """A tiny real Ray Tune run made here (TuneBOHB + HyperBandForBOHB, max_t 3, eta 3, two CPUs)."""
    pytest.importorskip("ray.tune", reason="ray[tune] is a test dependency")
    import ConfigSpace as CS
    import ray
    from ray import tune
    from ray.tune.schedulers.hb_bohb import HyperBandForBOHB
    from ray.tune.search.bohb import TuneBOHB

    cs = CS.ConfigurationSpace(seed=0)
    cs.add([CS.UniformFloatHyperparameter("x", -3.0, 3.0)])
    import sys

    from ray import cloudpickle

    # Ray's workers cannot import this test module: ship the trainable by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        grid = tune.Tuner(
            _toy_trainable,
            tune_config=tune.TuneConfig(
                num_samples=5, search_alg=TuneBOHB(space=cs, seed=0, metric="loss", mode="min"),
                scheduler=HyperBandForBOHB(time_attr="training_iteration", max_t=3, reduction_factor=3,
                                           metric="loss", mode="min")),
            run_config=tune.RunConfig(name="toy", storage_path=str(tmp_path), verbose=0),
        ).fit()
    finally:
        ray.shutdown()
    run = read_run(tmp_path / "toy")
    assert run.n_configs == len(grid) == 5  # one band: brackets of 3 and 2 trials
    assert run.budgets == (1.0, 3.0) and run.eta == 3.0
    best = grid.get_best_result(metric="loss", mode="min", scope="all")
    assert run.table["loss"].min() == pytest.approx(best.metrics_dataframe["loss"].min())
    assert [[r.n for r in b.rounds] for b in run.brackets] == [[3, 1], [2]]
    # A trial's last evaluation is the rung where it paused or ended (Ray may run one iteration past a pause).
    for r in grid:
        rows = run.table[run.table["config_id"] == r.metrics["trial_id"]]
        assert rows["budget"].max() <= r.metrics["training_iteration"]
