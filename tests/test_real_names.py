"""Hyperparameter names real tools write build a correct deck, from every reader.

auto-sklearn writes `classifier:random_forest:max_depth`, Ray Tune `train_loop_config/batch size`,
sklearn pipelines `config_reg.alpha`; people type non-ASCII, quotes and brackets, and U+2028 arrives
from copied text. None of them may crash a step, change a number or break a chart: the deck built
from the renamed run must say what the deck of the original run says.
"""

from __future__ import annotations

import json

import pytest

from hostile_runs import REAL_NAMES, write_run
from testdata import SEED_CSV

from bohbvis import api
from bohbvis.load import read_run, tidy
from bohbvis.story import load_story

STORY = __import__("pathlib").Path(__file__).parent / "data" / "names" / "every_kind.yaml"


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    return write_run(tmp_path_factory.mktemp("names") / "run", REAL_NAMES)


def _without_sources(obj):
    """The numbers minus where each run was read from (the two runs live in different folders)."""
    if isinstance(obj, dict):
        return {k: _without_sources(v) for k, v in obj.items() if k != "source"}
    if isinstance(obj, list):
        return [_without_sources(v) for v in obj]
    return obj


def _numbers(deck, names: dict[str, str]) -> str:
    plain = json.loads(json.dumps([dict(s.numbers) for s in deck.slides], sort_keys=True, default=str))
    text = json.dumps(_without_sources(plain), sort_keys=True, ensure_ascii=False)
    for old, new in names.items():  # compare the two decks in the original names
        text = text.replace(json.dumps(new, ensure_ascii=False)[1:-1], old)
    return json.dumps(json.loads(text), sort_keys=True)  # names sort differently: compare as sets


@pytest.mark.parametrize("story", ["advisor", "newcomer"])
def test_shipped_story_says_the_same_with_real_names(renamed, story):
    original = api.make_deck(story, data=write_run(renamed.parent.parent / "same" / "run", {}))
    deck = api.make_deck(story, data=renamed)
    assert [s.kind for s in deck.slides] == [s.kind for s in original.slides]
    assert _numbers(deck, REAL_NAMES) == _numbers(original, REAL_NAMES)
    assert len(deck.slides) == len(original.slides)


def test_every_kind_builds_with_real_names(renamed):
    deck = api.make_deck(STORY, data=renamed)
    assert [s.kind for s in deck.slides][:11] == ["title", "overview", "brackets", "budgets", "loss_accuracy",
                                                  "sampling", "best", "correlations", "embedding",
                                                  "principle", "table"]
    names = {hp.name for hp in deck.run.space}
    assert names == set(REAL_NAMES.values())
    # Every chart's text is free of U+2028 (Vega's expression parser rejects it) ...
    for slide in deck.slides:
        for chart in slide.charts:
            assert "\u2028" not in json.dumps(chart.spec, ensure_ascii=False)
    # ... and the hand-written chart reads the auto-sklearn name as one column, escaped for Vega-Lite.
    chart = deck.slides[11].charts[0]
    enc = chart.spec["encoding"] if "encoding" in chart.spec else chart.spec["layer"][0]["encoding"]
    assert enc["x"]["field"] == "config_classifier:random_forest:max_depth"
    tips = {t["field"] for t in enc["tooltip"]}
    assert "config_config_reg\\.alpha" in tips and "config_1st-layer\\.units\\[0\\]" in tips
    rows = chart.spec["datasets"] if "datasets" in chart.spec else None
    values = next(iter(rows.values())) if rows else chart.spec["data"]["values"]
    assert "config_config_reg.alpha" in values[0] and values[0]["config_classifier:random_forest:max_depth"]
    line = deck.slides[12].charts[0].spec
    assert line["encoding"]["x"]["field"] == "config_config_reg\\.alpha"


def test_tidy_round_trip_keeps_real_names(renamed, tmp_path):
    run = read_run(renamed)
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"run{suffix}"
        tidy.write(run, out)
        back = read_run(out)
        assert {hp.name for hp in back.space} == set(REAL_NAMES.values())
        assert back.n_evaluations == run.n_evaluations
        deck = api.make_deck("advisor", data=back)
        assert len(deck.slides) == len(load_story("advisor").steps)  # a slide for every step


def test_seed_csv_with_real_and_html_column_names(tmp_path):
    text = SEED_CSV.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    extra = ['"config_classifier:random_forest:max_depth"', '"config_<b>wd</b> \u2028x"', '"config_a ""q"" [0]"']
    rows = [",".join(header + extra)] + [line + f",{i % 3 + 1},{i / 10},{'ab'[i % 2]}" for i, line in enumerate(text[1:])]
    path = tmp_path / "seed.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = read_run(path)
    names = {hp.name for hp in run.space}
    assert {"classifier:random_forest:max_depth", "<b>wd</b> \u2028x", 'a "q" [0]'} <= names
    deck = api.make_deck("newcomer", data=run)
    assert len(deck.slides) == len(load_story("newcomer").steps)
    html = __import__("bohbvis.render.html", fromlist=["render_html"]).render_html(deck)
    assert "<b>wd</b>" not in html  # the name is text, escaped wherever it lands
