"""Views B and C in a real browser: a mouse brush fills the linked table and the sample-type bars.

The deck is built from the real step kinds (loss_accuracy, embedding, correlations, budgets,
sampling) on the shipped demo run (or the mnist example while the demo is missing). What the
deck shows after the brush is compared with a pandas computation over the points inside the
brush extent read back from the Vega view. Screenshots go to the artifacts folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from panel import inside, open_linked_slide, shown_keys, store_ranges
from pointer import drag

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent.parent / "data"
MNIST = DATA / "hpbandster" / "hpbandster_example_5_mnist"
KINDS = (("loss_accuracy", {}), ("embedding", {"method": "pca"}), ("correlations", {"per_budget": True}),
         ("budgets", {}), ("sampling", {}))
LOSS_ACC, EMBEDDING = 0, 1

# The plot area of the first view that has its own group (the scatter of a concat spec), in page
# coordinates: Vega draws each view group's background as `path.background`.
GROUP_PLOT = """(id) => {
    const r = document.querySelector(`[data-chart-id="${id}"] .role-scope > g > path.background`).getBoundingClientRect();
    return {left: r.left, top: r.top, width: r.width, height: r.height};
}"""
# The plot area of a single-view spec: the view's origin inside its SVG.
VIEW_PLOT = """(id) => {
    const v = window.bohbvis.views[id];
    const svg = document.querySelector(`[data-chart-id="${id}"] svg`).getBoundingClientRect();
    const [ox, oy] = v.origin();
    return {left: svg.left + ox, top: svg.top + oy, width: v.width(), height: v.height()};
}"""
BRUSH_RECT = """(id) => {
    const r = document.querySelector(`[data-chart-id="${id}"] .brush_brush path`).getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
}"""
# The sample-type bars' labels with the datum each was drawn from (walks Vega's scenegraph).
BAR_LABELS = """(id) => {
    const out = [];
    (function walk(node) {
        if (!node) return;
        if (node.marktype === 'text' && node.role === 'mark')
            for (const it of node.items) if (it.datum && it.datum.sample_type !== undefined && it.datum.count !== undefined)
                out.push({sample_type: it.datum.sample_type, count: it.datum.count, share: it.datum.share, text: it.text});
        for (const it of (node.items || [])) for (const c of (it.items || [])) walk(c);
    })(window.bohbvis.views[id].scenegraph().root);
    return out;
}"""


@pytest.fixture(scope="module")
def steps_b(tmp_path_factory):
    from bohbvis.load import demo_path, read_run
    from bohbvis.render.deck import Deck
    from bohbvis.render.html import render_html
    from bohbvis.steps import get
    from bohbvis.options import StepOptions

    run = read_run("demo") if (demo_path() / "results.json").exists() else read_run(MNIST)
    slides = tuple(get(k).build(run, StepOptions(kind=k, values=v, index=i)) for i, (k, v) in enumerate(KINDS))
    deck = Deck(title="Views B–D", lang="en", theme="light", theme_base=None, slides=slides, run=run)
    path = tmp_path_factory.mktemp("steps_b") / "steps_b.html"
    path.write_text(render_html(deck), encoding="utf-8")
    return path, slides


def test_brush_on_view_b_fills_table_and_sample_type_bars(steps_b, open_deck, artifacts):
    path, slides = steps_b
    deck, chart, rows = open_linked_slide(open_deck, path, slides, LOSS_ACC)
    page = deck.page
    assert shown_keys(page)[0] == len(rows)  # nothing brushed: every row

    plot = page.evaluate(GROUP_PLOT, chart.id)
    # Top left of the scatter: low loss, high accuracy — the seed's "brush the best" gesture.
    x0, y0, x1, y1 = drag(page, plot, (0.01, 0.01), (0.3, 0.3))
    ranges = store_ranges(page, chart.id)
    left, top, right, bottom = page.evaluate(BRUSH_RECT, chart.id)
    assert abs(left - x0) < 1.5 and abs(top - y0) < 1.5 and abs(right - x1) < 1.5 and abs(bottom - y1) < 1.5

    expected = inside(rows, ranges)
    # (fewer than the 400 rows the deck puts in the DOM at once, so every key can be compared)
    assert set(ranges) == {"loss", "accuracy"} and 0 < len(expected) < min(len(rows), 400)
    count, keys = shown_keys(page)
    assert count == len(expected) and keys == set(expected["sample_id"])

    # The bars beside the scatter: share and count of each sample type among the brushed points.
    counts = expected["sample_type"].value_counts()
    bars = {b["sample_type"]: b for b in page.evaluate(BAR_LABELS, chart.id)}
    assert {t: b["count"] for t, b in bars.items()} == {t: int(c) for t, c in counts.items()}
    for t, b in bars.items():
        assert b["share"] == pytest.approx(counts[t] / len(expected))
        pct, n = re.fullmatch(r"(\d+)% \((\d+)\)", b["text"]).groups()
        assert int(n) == counts[t] and abs(int(pct) - 100 * counts[t] / len(expected)) <= 0.5 + 1e-9
    # The brush is carried for later slides (Link(carry=True)).
    carried = page.evaluate("() => window.bohbvis.carried()")
    assert sorted(carried["brush"]["keys"]) == sorted(expected["sample_id"])
    page.screenshot(path=str(artifacts / "steps_b_loss_accuracy_brushed.png"))
    assert not deck.errors and not deck.outside_requests()


def test_brush_on_view_c_lists_the_configurations(steps_b, open_deck, artifacts):
    path, slides = steps_b
    deck, chart, rows = open_linked_slide(open_deck, path, slides, EMBEDDING)
    page = deck.page
    plot = page.evaluate(VIEW_PLOT, chart.id)
    x0, y0, x1, y1 = drag(page, plot, (0.05, 0.05), (0.55, 0.6))
    ranges = store_ranges(page, chart.id)
    left, top, right, bottom = page.evaluate(BRUSH_RECT, chart.id)
    assert abs(left - x0) < 1.5 and abs(top - y0) < 1.5 and abs(right - x1) < 1.5 and abs(bottom - y1) < 1.5
    assert set(ranges) == {"x", "y"}
    expected = inside(rows, ranges)
    assert 0 < len(expected) < min(len(rows), 400)
    count, keys = shown_keys(page)
    assert count == len(expected) and keys == set(expected["sample_id"])
    # One row per configuration: the table lists configurations, not evaluations.
    assert expected["config_id"].is_unique
    page.screenshot(path=str(artifacts / "steps_b_embedding_brushed.png"))
    assert not deck.errors and not deck.outside_requests()


@pytest.mark.parametrize("index", [2, 3, 4])
def test_views_d_budgets_sampling_draw_inside_the_slide(steps_b, open_deck, artifacts, index):
    path, slides = steps_b
    deck = open_deck(path, 1280, 720, suffix=f"#/{index}")
    boxes = deck.page.evaluate("""() => {
        const slide = document.querySelector('section.present').getBoundingClientRect();
        return Array.from(document.querySelectorAll('section.present .vega-embed svg')).map(svg => {
            const r = svg.getBoundingClientRect();
            return [r.width, r.height, r.left - slide.left, slide.right - r.right, r.top - slide.top, slide.bottom - r.bottom];
        });
    }""")
    assert len(boxes) == 1
    w, h, *margins = boxes[0]
    assert w > 300 and h > 150 and min(margins) >= -1
    deck.page.screenshot(path=str(artifacts / f"steps_b_{slides[index].kind}.png"))
    assert not deck.errors and not deck.outside_requests()
