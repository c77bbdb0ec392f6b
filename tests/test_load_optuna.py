"""The Optuna reader on real studies: the recorded runs in tests/data/optuna (scripts/make_optuna_run.py),
checked against Optuna's own API (study.trials, HyperbandPruner._get_bracket_id) when Optuna is
installed, and a fresh small run made here with the real tool."""

from __future__ import annotations

import json
import math
import sqlite3

import pytest
from typer.testing import CliRunner

from bohbvis import api
from bohbvis.cli import app
from bohbvis.errors import BohbvisError
from bohbvis.load import ReaderOptions, read_run
from bohbvis.render.html import render_html
from testdata import DATA

OPTUNA = DATA / "optuna"
DB = OPTUNA / "study.db"
URL = f"sqlite:///{DB}"
JOURNAL = OPTUNA / "journal.log"
runner = CliRunner()


def _sgd():
    return read_run(URL, options=ReaderOptions(study="sgd-digits"))


# --- the recorded runs (always run: Optuna is not needed to read) ---------------------------------

def test_recorded_study_counts_budgets_and_settings():
    run = _sgd()
    assert run.format == "optuna"
    assert run.budgets == (1.0, 3.0, 9.0, 27.0) and run.eta == 3.0
    assert run.n_configs == 90  # every trial is a configuration
    # PRUNED trials are evaluations that stopped early, never crashes.
    assert run.n_crashed == 0
    assert run.recovery.settings.startswith("not stored by Optuna; inferred")
    assert any("inferred 1, 27, η 3 from the rungs" in d for d in run.deviations)
    # Each bracket b starts at rung step 3**b: bracket 0 at 1, bracket 3 at 27.
    assert {b.bracket: b.budgets[0] for b in run.brackets} == {0: 1.0, 1: 3.0, 2: 9.0, 3: 27.0}
    assert {b.bracket: len(b.rounds) for b in run.brackets} == {0: 4, 1: 3, 2: 2, 3: 1}


def test_recorded_rows_are_the_rung_values_stored_by_the_pruner():
    """Every rung row equals the `completed_rung_k` system attribute Optuna wrote (read with sqlite3)."""
    db = sqlite3.connect(DB)
    rungs = {}
    for number, key, value in db.execute(
            "select t.number, a.key, a.value_json from trial_system_attributes a join trials t using (trial_id) "
            "join studies s using (study_id) where s.study_name = 'sgd-digits' and a.key like 'completed_rung_%'"):
        rungs[(number, int(key.rsplit("_", 1)[1]))] = json.loads(value)
    states = dict(db.execute("select t.number, t.state from trials t join studies s using (study_id) "
                             "where s.study_name = 'sgd-digits'").fetchall())
    t = _sgd().table
    # Steps 1..27 with rungs 1, 3, 9, 27: every evaluation is a rung the pruner recorded.
    assert len(t) == len(rungs) == 159
    for (number, k), value in rungs.items():
        row = t[(t["config_id"] == str(number)) & (t["round"] == k)]
        assert len(row) == 1
        assert row["accuracy"].iloc[0] == pytest.approx(value)
        assert row["loss"].iloc[0] == pytest.approx(-value)
    # A PRUNED trial's last evaluation is the rung where it stopped, below the top budget or not promoted.
    for number, state in states.items():
        rows = t[t["config_id"] == str(number)]
        assert list(rows["round"]) == list(range(len(rows)))
        if state == "COMPLETE":
            assert rows["budget"].max() == 27.0


def test_recorded_best_is_the_study_best():
    run = _sgd()
    db = sqlite3.connect(DB)
    number, value = db.execute(
        "select t.number, v.value from trial_values v join trials t using (trial_id) join studies s using (study_id) "
        "where s.study_name = 'sgd-digits' and t.state = 'COMPLETE' order by v.value desc, t.number limit 1").fetchone()
    assert run.best["config_id"] == str(number)
    assert run.best["accuracy"] == pytest.approx(value)
    assert run.best["budget"] == 27.0


def test_journal_file_is_read_like_the_database():
    run = read_run(JOURNAL)
    assert run.format == "optuna" and run.budgets == (1.0, 3.0, 9.0, 27.0)
    assert run.n_configs == 45
    assert run.recovery.brackets.startswith("recomputed with HyperbandPruner's rule")


def test_sqlite_file_path_and_url_read_the_same():
    a = _sgd()
    b = read_run(DB, options=ReaderOptions(study="sgd-digits"))
    assert a.table.equals(b.table)


def test_hyperband_option_overrides_and_is_checked():
    run = read_run(URL, options=ReaderOptions(study="sgd-digits", hyperband=(1, 27, 3)))
    assert run.recovery.settings == "given with --hyperband 1,27,3"
    assert not any("does not reproduce" in d for d in run.deviations)
    wrong = read_run(URL, options=ReaderOptions(study="sgd-digits", hyperband=(1, 81, 3)))
    assert any("does not reproduce the pruner's recorded rungs" in d for d in wrong.deviations)


def test_study_without_pruner_is_one_bracket():
    run = read_run(URL, options=ReaderOptions(study="random-digits"))
    assert len(run.brackets) == 1 and run.budgets == (27.0,) and run.n_evaluations == 12
    assert run.recovery.brackets == "one bracket: the study recorded no rungs"


def test_several_studies_without_study_is_an_error_listing_them():
    with pytest.raises(BohbvisError) as e:
        read_run(URL)
    assert "holds 2 studies: choose one with --study" in str(e.value)
    assert "sgd-digits, random-digits" in str(e.value)


def test_unknown_study_is_an_error_with_a_suggestion():
    with pytest.raises(BohbvisError) as e:
        read_run(URL, options=ReaderOptions(study="sgd-digit"))
    assert "has no study 'sgd-digit'" in str(e.value) and "Did you mean 'sgd-digits'?" in str(e.value)


def test_database_that_is_not_optunas(tmp_path):
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("create table runs (id integer, loss real)")
    db.commit()
    db.close()
    res = runner.invoke(app, ["inspect", f"sqlite:///{other}"])
    assert res.exit_code == 2
    assert "is not an Optuna storage: it has no table 'studies'" in res.output
    assert "Traceback" not in res.output
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(BohbvisError, match="not an SQLite database|not an Optuna storage"):
        read_run(f"sqlite:///{garbage}")


def test_multi_objective_study_is_one_clear_error(tmp_path):
    import shutil

    copy = tmp_path / "multi.db"
    shutil.copy(DB, copy)
    db = sqlite3.connect(copy)
    db.execute("insert into study_directions (direction, study_id, objective) values ('MINIMIZE', 1, 1)")
    db.commit()
    db.close()
    with pytest.raises(BohbvisError, match="has 2 objectives; bohbvis explains a single-objective study"):
        read_run(f"sqlite:///{copy}", options=ReaderOptions(study="sgd-digits"))


def test_options_for_another_reader_are_rejected():
    with pytest.raises(BohbvisError, match="--study does not apply to a hpbandster run"):
        read_run("demo", options=ReaderOptions(study="x"))


def test_inspect_json_has_the_common_keys_and_recovery():
    res = runner.invoke(app, ["inspect", URL, "--study", "sgd-digits", "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)
    demo = json.loads(runner.invoke(app, ["inspect", "demo", "--json"]).stdout)
    assert set(s) == set(demo)
    assert set(s["recovery"]) == {"brackets", "budgets", "sample_types", "settings"}
    assert demo["recovery"]["brackets"] == "recorded in the run's files"
    assert s["recovery"]["brackets"] != demo["recovery"]["brackets"]


@pytest.mark.parametrize("story", ["advisor", "newcomer"])
def test_shipped_stories_build_on_the_optuna_run(story):
    run = _sgd()
    deck = api.make_deck(story, data=run)
    html = render_html(deck)
    kinds = [s.kind for s in deck.slides]
    assert "principle" in kinds
    overview = next(s for s in deck.slides if s.kind == "overview")
    text = "".join(getattr(b, "html", "") for b in overview.blocks)
    assert "Not stored by optuna, recovered" in text and "crc32" in text
    assert "{{" not in html.split("<script", 1)[0]


def test_story_data_url_is_relative_to_the_story(tmp_path):
    import shutil

    shutil.copy(DB, tmp_path / "study.db")
    story = tmp_path / "talk.yaml"
    story.write_text("title: t\ndata: sqlite:///study.db\nsteps:\n  - kind: overview\n", encoding="utf-8")
    deck = api.make_deck(story, options=ReaderOptions(study="sgd-digits"))
    assert deck.run.format == "optuna" and deck.run.source == f"sqlite:///{tmp_path / 'study.db'}"


# --- against Optuna's own API ----------------------------------------------------------------------

# Module-level importorskip would skip the recorded-run tests above too: each API test asks itself.
def _optuna():
    return pytest.importorskip("optuna", reason="optuna is a test dependency (API comparisons)")


def _bracket_ids(study, pruner):
    pruner._try_initialization(study)
    return {t.number: pruner._get_bracket_id(study, t) for t in study.trials}


def test_recorded_brackets_match_the_pruners_own_answer():
    optuna = _optuna()
    study = optuna.load_study(study_name="sgd-digits", storage=URL)
    pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    ids = _bracket_ids(study, pruner)
    t = _sgd().table
    got = t.groupby("config_id")["bracket"].first()
    assert len(ids) == 90
    assert all(got[str(n)] == b for n, b in ids.items())  # 90 of 90 trials
    # Counts and states as study.trials reports them.
    pruned = [tr for tr in study.trials if tr.state == optuna.trial.TrialState.PRUNED]
    assert len(pruned) == 71
    for tr in pruned:
        rows = t[t["config_id"] == str(tr.number)]
        assert (rows["status"] == "ok").all()
        assert rows["accuracy"].iloc[-1] == pytest.approx(tr.value)  # stopped at its last rung
        assert rows["budget"].iloc[-1] == max(tr.intermediate_values)


def _objective(trial):
    import optuna

    x = trial.suggest_float("x", -3.0, 3.0)
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    if x > 2.6:
        raise ValueError("diverged")  # a real crash: Optuna records FAIL
    for step in range(1, 10):
        value = (x - 1.0) ** 2 + {"a": 0.0, "b": 0.5, "c": 1.0}[kind] + 3.0 / step
        trial.report(value, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return value


@pytest.mark.parametrize("backend", ["sqlite", "journal"])
def test_a_fresh_run_matches_optunas_api(tmp_path, backend):
    """A small real run (a few seconds): brackets, states, crashes and the best trial."""
    optuna = _optuna()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if backend == "sqlite":
        source = f"sqlite:///{tmp_path / 'fresh.db'}"
        storage = source
    else:
        from optuna.storages.journal import JournalFileBackend, JournalStorage

        source = tmp_path / "fresh.log"
        storage = JournalStorage(JournalFileBackend(str(source)))
    pruner = optuna.pruners.HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    study = optuna.create_study(study_name="fresh", storage=storage, sampler=optuna.samplers.TPESampler(seed=3),
                                pruner=pruner)
    study.optimize(_objective, n_trials=60, catch=(ValueError,))
    run = read_run(str(source) if backend == "sqlite" else source)
    states = [t.state for t in study.trials]
    n_fail = states.count(optuna.trial.TrialState.FAIL)
    assert n_fail > 0
    assert run.n_crashed == n_fail  # one crashed evaluation per FAIL trial
    assert run.n_configs == len(study.trials)
    assert run.budgets == (1.0, 3.0, 9.0) and run.eta == 3.0
    assert run.metric is None  # a minimized objective is the loss itself
    ids = {t.number: pruner._get_bracket_id(study, t) for t in study.trials}
    got = run.table.groupby("config_id")["bracket"].first()
    assert sum(got[str(n)] == b for n, b in ids.items()) == len(ids)
    assert run.best["config_id"] == str(study.best_trial.number)
    assert run.best["loss"] == pytest.approx(study.best_value)
    for t in study.trials:
        rows = run.table[run.table["config_id"] == str(t.number)]
        if t.state == optuna.trial.TrialState.PRUNED:
            assert rows["loss"].iloc[-1] == pytest.approx(t.value)
            assert not math.isnan(rows["loss"].iloc[-1])


def test_sqlalchemy_url_reads_the_same_as_the_standard_library():
    """A URL that is not plain sqlite:/// goes through SQLAlchemy (as postgresql:// or mysql:// would)."""
    pytest.importorskip("sqlalchemy")
    via_sa = read_run(f"sqlite+pysqlite:///{DB}", options=ReaderOptions(study="sgd-digits"))
    assert via_sa.table.equals(_sgd().table)
