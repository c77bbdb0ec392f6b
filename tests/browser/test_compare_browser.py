"""The two-run deck (stories/next-run.yaml) in a real browser: the linked views of the `compare`
slides — a brush on the trajectory lists exactly the evaluations of both runs inside it, a click on
a run in the legend lists that run's top configurations — and each run keeps its colour on every slide."""

from __future__ import annotations

import pandas as pd
import pytest
from panel import shown_keys
from pointer import drag

from bohbvis.steps._runs import RUN_COLORS

pytestmark = pytest.mark.browser

VIEW_PLOT = """(id) => {
    const v = window.bohbvis.views[id];
    const svg = document.querySelector(`[data-chart-id="${id}"] svg`).getBoundingClientRect();
    const [ox, oy] = v.origin();
    return {left: svg.left + ox, top: svg.top + oy, width: v.width(), height: v.height()};
}"""
# Each legend entry's label and its symbol's fill, read from the drawn SVG.
LEGEND = """(id) => {
    const symbols = document.querySelectorAll(`[data-chart-id="${id}"] .role-legend-symbol path`);
    const paint = (p) => { const f = p.getAttribute('fill'); return f && f !== 'transparent' && f !== 'none' ? f : p.getAttribute('stroke'); };
    return Array.from(document.querySelectorAll(`[data-chart-id="${id}"] .role-legend-label text`))
        .map((t, i) => ({label: t.textContent, fill: paint(symbols[i]), box: t.getBoundingClientRect().toJSON()}));
}"""


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    from bohbvis import api

    deck = api.make_deck("next-run")
    path = tmp_path_factory.mktemp("two_runs") / "next-run.html"
    api.write_html(deck, path)
    return path, deck


def _slide(deck, chart_suffix):
    for i, s in enumerate(deck.slides):
        for c in s.charts:
            if c.id.endswith(chart_suffix):
                return i, s, c
    raise AssertionError(chart_suffix)


def test_a_brush_on_the_trajectory_lists_both_runs_evaluations_inside_it(two_runs, open_deck, artifacts):
    path, deck = two_runs
    i, slide, chart = _slide(deck, "compare-trajectory")
    rows = pd.DataFrame(list(slide.tables[0].rows))
    d = open_deck(path, 1280, 720, suffix=f"#/{i}")
    page = d.page
    assert shown_keys(page)[0] == len(rows)  # nothing brushed: every row
    plot = page.evaluate(VIEW_PLOT, chart.id)
    drag(page, plot, (0.05, 0.1), (0.45, 0.9))
    page.wait_for_function(f"() => window.bohbvis.views['{chart.id}'].data('brush_store').length === 1")
    (tup,) = page.evaluate(f"() => window.bohbvis.views['{chart.id}'].data('brush_store')")
    ranges = {f["field"]: sorted(v) for f, v in zip(tup["fields"], tup["values"])}
    assert list(ranges) == ["spent"]
    lo, hi = ranges["spent"]
    expected = rows[rows["spent"].between(lo, hi)]
    assert set(expected["run"]) == {"first", "second"} and 0 < len(expected) < len(rows)
    count, keys = shown_keys(page)
    assert count == len(expected) and keys == set(expected["uid"])
    page.screenshot(path=str(artifacts / "compare_trajectory_brushed.png"))
    assert not d.errors and not d.outside_requests()


def test_a_legend_click_lists_that_runs_top_configurations(two_runs, open_deck, artifacts):
    path, deck = two_runs
    i, slide, chart = _slide(deck, "compare-best")
    rows = pd.DataFrame(list(slide.tables[0].rows))
    d = open_deck(path, 1280, 720, suffix=f"#/{i}")
    page = d.page
    legend = {e["label"]: e for e in page.evaluate(LEGEND, chart.id)}
    assert list(legend) == ["first", "second"]
    box = legend["second"]["box"]
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(f"() => window.bohbvis.views['{chart.id}'].data('pick_store').length === 1")
    count, keys = shown_keys(page)
    second = rows[rows["run"] == "second"]
    assert count == len(second) and keys == set(second["uid"])
    page.screenshot(path=str(artifacts / "compare_best_picked.png"))
    assert not d.errors and not d.outside_requests()


def test_each_run_keeps_its_colour_on_every_slide(two_runs, open_deck):
    path, deck = two_runs
    seen = 0
    for suffix in ("compare-best", "compare-trajectory", "compare-iterations", "compare-budgets"):
        i, _slide_, chart = _slide(deck, suffix)
        d = open_deck(path, 1280, 720, suffix=f"#/{i}")
        legend = {e["label"]: e["fill"] for e in d.page.evaluate(LEGEND, chart.id)}
        assert {k: v.lower() for k, v in legend.items()} == {
            "first": RUN_COLORS[0].lower(), "second": RUN_COLORS[1].lower()}, suffix
        seen += 1
        assert not d.errors
    assert seen == 4


def test_every_slide_of_the_two_run_deck_renders(two_runs, open_deck, artifacts):
    path, deck = two_runs
    d = open_deck(path, 1280, 720)
    n = d.page.evaluate("() => window.bohbvis.slides")
    assert n == len(deck.slides)
    out = artifacts / "stories"
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        d.page.evaluate("(i) => window.bohbvis.go(i)", i)
        d.ready()
        sizes = d.page.evaluate(
            "() => [...document.querySelectorAll('section.slide.present .vega-embed svg')]"
            ".map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })")
        assert len(sizes) == len(deck.slides[i].charts)
        for w, h in sizes:
            assert w > 50 and h > 50, f"slide {i} ({deck.slides[i].kind}): a chart is {w}×{h}"
        d.page.screenshot(path=str(out / f"next-run_{i + 1:02d}_{deck.slides[i].kind}.png"))
    assert d.errors == [] and d.outside_requests() == []
