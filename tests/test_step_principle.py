"""Step kind `principle`: the bracket × round diagram against the raw logs and hpbandster's plan."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bohbvis.errors import BohbvisError
from bohbvis.steps import principle
from bohbvis.steps._base import Chart, Html, Markdown

from steps_a_helpers import (
    RUN_NAMES, assert_snapshot, big_run, chart_data, load, one_bracket, opts, raw, validate_spec, with_rounds,
    without_accuracy,
)


def hpbandster_plan(min_budget, max_budget, eta):
    """hpbandster/optimizers/bohb.py, written out again (NOTES.md) for an independent check."""
    max_sh_iter = -int(np.log(min_budget / max_budget) / np.log(eta)) + 1
    budgets = max_budget * np.power(eta, -np.linspace(max_sh_iter - 1, 0, max_sh_iter))
    out = []
    for s in range(max_sh_iter - 1, -1, -1):
        n0 = int(np.floor(max_sh_iter / (s + 1)) * eta**s)
        out.append({"s": s, "n": [max(int(n0 * eta ** (-k)), 1) for k in range(s + 1)],
                    "r": [float(b) for b in budgets[-s - 1:]]})
    return out


@pytest.mark.parametrize("name", RUN_NAMES)
def test_featured_bracket_and_totals_match_the_raw_logs(name):
    run = load(name)
    slide = principle.build(run, opts("principle", brackets="all"))
    n = slide.numbers["principle"]
    r = with_rounds(raw(name))
    feat = r[r["bracket"] == n["featured_bracket"]]
    for rd in n["featured"]:
        rows = feat[feat["round"] == rd["round"]]
        assert rd["n"] == len(rows)
        assert rd["budget"] == pytest.approx(rows["budget"].iloc[0])
        assert rd["n_random"] == int((rows["type"] == "random").sum())
        assert rd["n_bo"] == int((rows["type"] == "BO").sum())
        nxt = set(feat.loc[feat["round"] == rd["round"] + 1, "cid"])
        # hpbandster keeps a configuration's id across rounds; the seed's rows name samples instead
        if name != "seed":
            assert rd["n_advanced"] == len(set(rows["cid"]) & nxt)
    new = r[r["type"] != "promoted"]
    assert n["n_new"] == len(new)
    assert n["n_new_bo"] == int((new["type"] == "BO").sum())
    assert n["n_new_random"] == int((new["type"] == "random").sum())
    assert n["shown"] == sorted(r["bracket"].unique().tolist())
    bo = new.loc[new["type"] == "BO", "bracket"]
    assert n["first_bo_bracket"] == (int(bo.min()) if len(bo) else None)
    json.dumps(n)


@pytest.mark.parametrize("name", RUN_NAMES)
def test_plan_is_hpbandsters_arithmetic(name):
    run = load(name)
    n = principle.build(run, opts("principle")).numbers["principle"]
    budgets = sorted(set(raw(name)["budget"]))
    ref = hpbandster_plan(budgets[0], budgets[-1], budgets[1] / budgets[0])
    assert [(p["s"], p["n"]) for p in n["plan"]] == [(p["s"], p["n"]) for p in ref]
    for got, want in zip(n["plan"], ref):
        assert got["r"] == pytest.approx(want["r"])
        assert got["total_budget"] == pytest.approx(sum(a * b for a, b in zip(want["n"], want["r"])))
    assert n["s_max"] == ref[0]["s"]


def test_cycle_shows_the_last_complete_cycle_and_summarizes_all():
    run = load("deepcave_BOHB_run_4")  # warm start -1, cycles 0-4, 5-9 complete, 10-15 truncated
    slide = principle.build(run, opts("principle"))
    n = slide.numbers["principle"]
    assert n["shown"] == [5, 6, 7, 8, 9] and n["n_cycles"] == 2 and n["featured_bracket"] == 5
    cells, _arrows, shares = _datasets(slide)
    assert sorted({c["bracket"] for c in cells}) == sorted(f"bracket {i}" for i in n["shown"])
    # the summary view covers every bracket, warm start included
    assert {s["bracket_label"] for s in shares} == {f"bracket {b.bracket}" for b in run.brackets}
    assert "(all 16 brackets)" in slide.charts[0].caption
    mnist = principle.build(load("hpbandster_example_5_mnist"), opts("principle")).numbers["principle"]
    assert mnist["shown"] == [12, 13, 14]  # 16 brackets of 3: cycles 0..4 complete, 15 alone


def _datasets(slide):
    data = chart_data(slide.charts[0].spec)
    # The bars' data (the n labels' data is the same rows, one per round: the longer one is the bars').
    cells = max((d for d in data if d and "x2" in d[0] and "sample_type" in d[0]), key=len)
    arrows = next((d for d in data if d and "text" in d[0]), [])
    shares = next(d for d in data if d and "total" in d[0])
    return cells, arrows, shares


def test_bars_encode_counts_and_plan_labels():
    run = load("deepcave_BOHB_run_4")
    slide = principle.build(run, opts("principle", brackets=[9, 0]))
    cells, arrows, _ = _datasets(slide)
    b9 = [c for c in cells if c["bracket"] == "bracket 9"]
    assert {c["label"] for c in b9} == {"4 (plan 5)"}  # truncated round says its plan
    assert sum(c["count"] for c in b9) == 4
    b0 = sorted((c for c in cells if c["bracket"] == "bracket 0"), key=lambda c: c["x"])
    first = [c for c in b0 if c["round"] == 0]
    assert [c["sample_type"] for c in first] == ["random", "BO"]  # fixed order
    assert sum(c["count"] for c in first) == 81
    # segments of one bar share its length in proportion to their counts
    lengths = [c["x2"] - c["x"] for c in first]
    assert lengths[0] / lengths[1] == pytest.approx(first[0]["count"] / first[1]["count"], rel=1e-3)
    assert [a["advanced"] for a in arrows if a["bracket"] == "bracket 0"] == [27, 9, 3, 1]
    assert slide.numbers["principle"]["shown"] == [0, 9]


def test_unknown_bracket_is_a_clear_error():
    with pytest.raises(BohbvisError) as e:
        principle.build(load("hpbandster_example_5_mnist"), opts("principle", brackets=[3, 99]))
    assert "no bracket 99" in str(e.value) and e.value.problems[0].key == "brackets"


def test_text_explains_successive_halving_with_the_runs_numbers_and_fragments():
    run = load("deepcave_BOHB_run_1")
    slide = principle.build(run, opts("principle", fragments=True))
    md = next(b for b in slide.blocks if isinstance(b, Markdown))
    assert md.fragments
    assert md.text.splitlines() == [
        "- **Budget 9:** bracket 0 starts 27 configurations (11 random, 16 from BO).",
        "- **Budget 27:** the best 9 of 27 go on.",
        "- **Budget 81:** the best 3 of 9 go on.",
        "- **Budget 243:** the best 1 of 3 go on to the full budget.",
    ]
    compact = principle.build(run, opts("principle"))
    sentence = next(b.html for b in compact.blocks if isinstance(b, Html) and "Successive halving" in b.html)
    assert ("27 configurations at budget 9 (11 random, 16 from BO) → best 9 at 27 → best 3 at 81 → "
            "best 1 at 243 (each round keeps 1/3)." in sentence)
    # The BO share and Hyperband's plan (η and s_max said in words) are in the notes, not on the slide.
    assert "BO's model proposed 27 of 46 new configurations (59%)" in slide.notes
    assert "s = 3: 27 × 9 → 9 × 27 → 3 × 81 → 1 × 243" in slide.notes and "s_max = 3" in slide.notes
    assert not any(getattr(b, "fragments", False) for b in principle.build(run, opts("principle")).blocks)
    # With fragments the diagram builds up: a `fragment` param, and every layer of bars, labels and
    # arrows fades by the ladder slot the fragments have reached (the spec's value: all shown).
    spec = slide.charts[0].spec
    detail = spec["hconcat"][0]
    params = spec.get("params", [])  # a variable param: top level, where the deck's view.signal finds it
    assert [p["name"] for p in params] == ["fragment"] and params[0]["value"] == len(run.budgets)
    faded = [l for l in detail["layer"] if "fragment" in json.dumps(l["encoding"].get("opacity", {}))]
    assert len(faded) == len(detail["layer"])
    assert "fragment" not in json.dumps(compact.charts[0].spec)


@pytest.mark.parametrize("name", RUN_NAMES)
def test_specs_render(name):
    slide = principle.build(load(name), opts("principle"))
    assert [type(b).__name__ for b in slide.blocks][:2] == ["UserText", "Chart"]
    validate_spec(slide.charts[0].spec)


def test_edge_runs():
    nacc = principle.build(without_accuracy(load("hpbandster_example_5_mnist")), opts("principle"))
    validate_spec(nacc.charts[0].spec)
    one = principle.build(one_bracket(load("deepcave_BOHB_run_1")), opts("principle"))
    assert one.numbers["principle"]["shown"] == [0]
    validate_spec(one.charts[0].spec)
    crashed = principle.build(load("deepcave_BOHB_run_4"), opts("principle"))
    assert "4 crashed evaluations are counted in n" in crashed.charts[0].caption


def test_big_run_stays_small_and_fast():
    
    big = big_run(load("deepcave_BOHB_run_4"), copies=100)
    slide = principle.build(big, opts("principle"))
    assert len(json.dumps(slide.charts[0].spec)) < 100_000  # aggregated: independent of the row count
    assert slide.numbers["principle"]["featured"][0]["n"] == 8100


def test_deterministic_and_snapshot():
    run = load("hpbandster_example_5_mnist")
    a = principle.build(run, opts("principle"))
    b = principle.build(run, opts("principle"))
    assert json.dumps(a.charts[0].spec, sort_keys=True) == json.dumps(b.charts[0].spec, sort_keys=True)
    assert isinstance(a.charts[0], Chart) and a.charts[0].id == "s3-principle"
    assert_snapshot("steps/principle_hpbandster_example_5_mnist", [c.spec for c in a.charts])
