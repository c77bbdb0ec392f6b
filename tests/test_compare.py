"""Decks of several runs: `data: {name: path}`, `run:` per step, the `compare` step, and the shipped
`next-run` story (the demo, then the run made with its advice), checked against the raw logs."""

from __future__ import annotations

import json
import math

import pytest

from bohbvis import api
from bohbvis.analysis.advice import advise
from bohbvis.analysis.compare import compare
from bohbvis.errors import BohbvisError
from bohbvis.load import demo_path, read_run
from bohbvis.render.html import render_html
from bohbvis.story import load_story
from bohbvis.steps._runs import RUN_COLORS
from testdata import HPB

MNIST = HPB / "hpbandster_example_5_mnist"
RUN4 = HPB / "deepcave_BOHB_run_4"


def _story(tmp_path, data: str, steps: str, name="s.yaml"):
    p = tmp_path / name
    p.write_text(f"title: t\ndata: {data}\nsteps:\n{steps}", encoding="utf-8")
    return p


def raw_best_and_spent(folder):
    """hpbandster's incumbent loss (lowest loss at the largest budget) and the sum of all budgets."""
    rows = [json.loads(line) for line in (folder / "results.json").open()]
    spent = sum(r[1] for r in rows)
    ok = [(r[1], r[3]["loss"]) for r in rows if r[3] is not None and r[3].get("loss") is not None
          and math.isfinite(r[3]["loss"])]
    top = max(b for b, _ in ok)
    return min(loss for b, loss in ok if b == top), spent


# --- the grammar --------------------------------------------------------------------------------


def test_data_names_several_runs_and_run_picks_one(tmp_path):
    st = load_story(_story(tmp_path, f"{{first: demo, second: {MNIST}}}",
                           "  - kind: best\n    run: second\n  - kind: compare\n"))
    assert st.is_multi_run and list(st.data_paths()) == ["first", "second"]
    assert st.steps[0].options.get("run") == "second" and st.steps[1].options.get("run") is None
    assert "run" not in load_story(_story(tmp_path, "demo", "  - kind: best\n", "one.yaml")).steps[0].options.values


@pytest.mark.parametrize("data, steps, message", [
    ("{first: demo, 2nd: demo}", "  - kind: best\n", "'2nd' is not a run name"),
    ("{first: demo, runs: demo}", "  - kind: best\n", "reserved"),
    ("{a: demo, b: demo, c: demo, d: demo, e: demo, f: demo, g: demo}", "  - kind: best\n", "at most 6"),
    ("{first: demo, second: [a]}", "  - kind: best\n", "expected a path"),
    ("{first: demo, second: demo}", "  - kind: best\n    run: secnd\n", "no run named 'secnd'"),
    ("demo", "  - kind: best\n    run: first\n", "this deck has one"),
])
def test_bad_run_data_gets_one_clear_message(tmp_path, data, steps, message):
    with pytest.raises(BohbvisError) as e:
        load_story(_story(tmp_path, data, steps))
    text = str(e.value)
    assert message in text and "s.yaml:" in text
    if "secnd" in message:
        assert "Did you mean 'second'?" in text and "steps[0].run" in text


def test_a_missing_run_names_its_key(tmp_path):
    with pytest.raises(BohbvisError) as e:
        api.make_deck(_story(tmp_path, "{first: demo, second: no/such/run}", "  - kind: compare\n"))
    assert "data.second" in str(e.value) or "no/such/run" in str(e.value)


def test_compare_needs_several_runs_and_data_cannot_replace_them(tmp_path):
    with pytest.raises(BohbvisError) as e:
        api.make_deck(_story(tmp_path, "demo", "  - kind: compare\n"))
    assert "compares runs, but this deck has one" in str(e.value) and "steps[0]" in str(e.value)
    with pytest.raises(BohbvisError) as e:
        api.make_deck(_story(tmp_path, "{a: demo, b: demo}", "  - kind: compare\n", "two.yaml"), data=MNIST)
    assert "--data gives only one" in str(e.value)


# --- what changed -------------------------------------------------------------------------------


def test_comparison_against_the_raw_logs():
    c = compare("first", read_run(demo_path()), "second", read_run(RUN4))
    for facts, folder in ((c.first, demo_path()), (c.second, RUN4)):
        best, spent = raw_best_and_spent(folder)
        assert facts.best_loss == pytest.approx(best) and facts.spent == pytest.approx(spent)
    assert c.improvement == pytest.approx(c.first.best_loss - c.second.best_loss)
    assert c.cost_ratio == pytest.approx(c.second.spent / c.first.spent)
    changes = {h.name: h.change for h in c.hyperparameters}
    assert changes["activation"] == "removed" and changes["dropout"] == "added"
    assert changes["learning_rate"] == "narrowed"  # [1e-4, 0.1] -> [1e-4, 0.01]
    assert not c.advice_followed and c.n_followed == 0


def test_the_second_demo_run_searched_the_space_the_first_advised():
    a = advise(read_run("demo"))
    doc = json.loads((demo_path("demo-next") / "configspace.json").read_text())
    shipped = {h["name"]: h for h in doc["hyperparameters"]}
    for h in a.hyperparameters:
        if h.action == "remove":
            assert h.name not in shipped
            continue
        s = shipped[h.name]
        if h.is_numeric:
            assert s["lower"] == pytest.approx(h.lower) and s["upper"] == pytest.approx(h.upper)
        else:
            assert [str(x) for x in s.get("choices", s.get("sequence"))] == [str(x) for x in h.choices]
    c = compare("first", read_run("demo"), "second", read_run("demo-next"))
    assert c.advice_followed and c.n_followed == c.n_advised == len(a.hyperparameters)


# --- the shipped story ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def next_run_deck():
    return api.make_deck("next-run")


def test_next_run_builds_with_no_arguments_and_is_deterministic(next_run_deck, tmp_path):
    a = api.build("next-run", out=tmp_path / "a.html").read_bytes()
    b = api.build("next-run", out=tmp_path / "b.html").read_bytes()
    assert a == b
    html = render_html(next_run_deck)
    assert "{{" not in html.split("<script", 1)[0]
    kinds = [s.kind for s in next_run_deck.slides]
    assert "next_experiment" in kinds and kinds.count("compare") >= 4


def test_one_colour_per_run_on_every_slide(next_run_deck):
    scales = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("field") == "run" and "scale" in node:
                scales.append(node["scale"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for slide in next_run_deck.slides:
        for chart in slide.charts:
            walk(chart.spec)
    assert len(scales) >= 4
    for s in scales:
        assert s["domain"] == ["first", "second"] and s["range"] == list(RUN_COLORS[:2])


def test_the_compare_slide_quotes_the_comparison(next_run_deck):
    slide = next(s for s in next_run_deck.slides if s.kind == "compare")
    n = slide.numbers["compare"]
    best_first, spent_first = raw_best_and_spent(demo_path())
    best_second, spent_second = raw_best_and_spent(demo_path("demo-next"))
    assert n["first"]["best_loss"] == pytest.approx(best_first)
    assert n["second"]["best_loss"] == pytest.approx(best_second)
    assert n["second"]["spent"] == pytest.approx(spent_second)
    assert n["advice_followed"] is True
    assert "followed the advice" in n["verdict"]
    assert n["verdict"] in slide.notes


def test_trajectory_rows_are_each_runs_largest_budget_evaluations(next_run_deck):
    slide = next(s for s in next_run_deck.slides if s.kind == "compare" and s.tables
                 and s.tables[0].id.endswith("trajectory-table"))
    rows = slide.tables[0].rows
    for name, folder in (("first", demo_path()), ("second", demo_path("demo-next"))):
        raw = [json.loads(line) for line in (folder / "results.json").open()]
        top = max(r[1] for r in raw)
        n_ok = sum(1 for r in raw if r[1] == top and r[3] is not None and r[3].get("loss") is not None)
        mine = [r for r in rows if r["run"] == name]
        assert len(mine) == n_ok
        best = math.inf
        for r in sorted(mine, key=lambda r: r["spent"]):
            best = min(best, r["value"])
            assert r["best"] == pytest.approx(best)


def test_every_chart_of_the_two_run_deck_is_valid_vega_lite(next_run_deck):
    from steps_a_helpers import validate_spec

    charts = [c for s in next_run_deck.slides if s.kind in ("compare", "next_experiment") for c in s.charts]
    assert len(charts) >= 6
    for c in charts:
        validate_spec(c.spec)


def test_the_next_run_story_on_other_runs_given_by_name():
    deck = api.make_deck("next-run", data={"first": read_run(MNIST), "second": str(RUN4)})
    n = next(s for s in deck.slides if s.kind == "compare").numbers["compare"]
    assert n["first"]["n_evaluations"] == read_run(MNIST).n_evaluations
    assert n["second"]["source"].endswith("deepcave_BOHB_run_4") and n["advice_followed"] is False
    with pytest.raises(BohbvisError) as e:
        api.make_deck("next-run", data={"a": MNIST})
    assert "names the runs first, second" in str(e.value)


def test_budgets_view_plots_accuracy_per_round_when_every_run_has_it(next_run_deck):
    slide = next(s for s in next_run_deck.slides if s.charts and s.charts[0].id.endswith("compare-budgets"))
    assert slide.title == "Accuracy per budget, per run"
    rows = [r for d in slide.charts[0].spec["datasets"].values() for r in d if "median" in r]
    for name, folder in (("first", demo_path()), ("second", demo_path("demo-next"))):
        raw = [json.loads(line) for line in (folder / "results.json").open()]
        for budget in (1.0, 81.0):
            accs = sorted(r[3]["info"]["validation_accuracy"] for r in raw
                          if r[1] == budget and r[3] is not None and r[3].get("loss") is not None)
            median = (accs[len(accs) // 2] + accs[(len(accs) - 1) // 2]) / 2
            (row,) = [r for r in rows if r["run"] == name and r["budget_label"] == fmt_budget(budget)]
            assert row["median"] == pytest.approx(median) and row["n"] == len(accs)


def fmt_budget(b):
    from bohbvis.model.format import budget

    return budget(b)
