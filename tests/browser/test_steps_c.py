"""The views trajectory, learning_curves, parallel, timeline and importance in a real browser.

A deck of the five kinds on the shipped demo run: a mouse brush on the parallel coordinates (one
axis, then a second) and on the learning curves fills the data panel with exactly the rows inside
the brushes (compared with a pandas filter over the brush extents read back from Vega); every
slide draws inside the slide with no chart text under 12 px at 1280×720. Screenshots go to
artifacts/views/.
"""

from __future__ import annotations

import pytest
from panel import inside, open_linked_slide, shown_keys, store_ranges
from pointer import drag

pytestmark = pytest.mark.browser

KINDS = (("trajectory", {}), ("learning_curves", {}), ("parallel", {}), ("timeline", {}), ("importance", {}))
LEARNING, PARALLEL = 1, 2

# The plot area of the i-th view of a concat chart, in page coordinates: Vega draws each view's
# group with a `path.background`, in the order of the concatenated views.
SUBVIEW_PLOT = """([id, i]) => {
    const scopes = document.querySelectorAll(`[data-chart-id="${id}"] svg .mark-group.role-scope > g > path.background`);
    const r = scopes[i].getBoundingClientRect();
    return {left: r.left, top: r.top, width: r.width, height: r.height};
}"""
# The smallest chart text on the present slide, in CSS px as drawn.
MIN_TEXT = """() => {
    let least = Infinity, which = '';
    for (const svg of document.querySelectorAll('section.present .vega-embed svg')) {
        const scale = svg.getBoundingClientRect().width / +svg.getAttribute('width');
        for (const t of svg.querySelectorAll('text')) {
            if (!t.textContent.trim()) continue;
            const px = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize) * scale;
            if (px < least) { least = px; which = t.textContent; }
        }
    }
    return [least, which];
}"""
# Colour of every segment in the first gap view of the parallel chart (grey = outside a brush).
SEGMENT_COLORS = """(id) => {
    const view = window.bohbvis.views[id];
    const groups = view.scenegraph().root.items[0].items.filter(m => m.marktype === 'group' && /_group$/.test(m.name || ''));
    const out = [];
    (function walk(node) {
        if (node.marktype === 'rule' && node.role === 'mark') for (const it of node.items) out.push([it.datum.sample_id, it.stroke]);
        for (const it of (node.items || [])) for (const c of (it.items || [])) walk(c);
    })(groups[1]);
    return out;
}"""


@pytest.fixture(scope="module")
def steps_c(tmp_path_factory):
    from bohbvis.load import read_run
    from bohbvis.options import StepOptions
    from bohbvis.render.deck import Deck
    from bohbvis.render.html import render_html
    from bohbvis.steps import get

    run = read_run("demo")
    slides = tuple(get(k).build(run, StepOptions(kind=k, values=v, index=i)) for i, (k, v) in enumerate(KINDS))
    deck = Deck(title="Views: trajectory to importance", lang="en", theme="light", theme_base=None, slides=slides,
                run=run)
    path = tmp_path_factory.mktemp("steps_c") / "steps_c.html"
    path.write_text(render_html(deck), encoding="utf-8")
    return path, slides


@pytest.fixture(scope="module")
def shots(artifacts):
    folder = artifacts / "views"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_brushing_parallel_axes_fills_the_data_panel(steps_c, open_deck, shots):
    path, slides = steps_c
    deck, chart, rows = open_linked_slide(open_deck, path, slides, PARALLEL)
    page = deck.page
    assert shown_keys(page)[0] == len(rows)
    axes = [a["name"] for a in slides[PARALLEL].numbers["parallel"]["axes"]]
    lr = axes.index("learning_rate")
    # Axis k is the (2k)-th view: axis, gap, axis, gap, …
    plot = page.evaluate(SUBVIEW_PLOT, [chart.id, 2 * lr])
    drag(page, plot, (0.5, 0.05), (0.5, 0.55))  # the upper half: the larger learning rates
    ranges = store_ranges(page, chart.id, f"pc_{lr}")
    assert set(ranges) == {f"y_{lr}"}
    expected = inside(rows, ranges)
    assert 0 < len(expected) < min(len(rows), 400)
    count, keys = shown_keys(page)
    assert count == len(expected) and keys == set(expected["sample_id"])
    # A second brush, on the metric axis (the last one): the table shows rows inside both.
    last = len(axes) - 1
    plot = page.evaluate(SUBVIEW_PLOT, [chart.id, 2 * last])
    drag(page, plot, (0.5, 0.0), (0.5, 0.3))  # the best accuracies
    both = inside(expected, store_ranges(page, chart.id, f"pc_{last}"))
    assert 0 < len(both) < len(expected)
    count, keys = shown_keys(page)
    assert count == len(both) and keys == set(both["sample_id"])
    # The chart agrees: the segments keeping their colour are exactly those rows.
    coloured = {sid for sid, stroke in page.evaluate(SEGMENT_COLORS, chart.id) if stroke != "#d5d8dc"}
    assert coloured == set(both["sample_id"])
    page.screenshot(path=str(shots / "parallel_brushed.png"))
    assert not deck.errors and not deck.outside_requests()


def test_brushing_a_budget_band_on_the_learning_curves_fills_the_data_panel(steps_c, open_deck, shots):
    path, slides = steps_c
    deck, chart, rows = open_linked_slide(open_deck, path, slides, LEARNING)
    page = deck.page
    plot = page.evaluate(SUBVIEW_PLOT, [chart.id, 0])
    # A band around the middle budgets, the whole metric range.
    drag(page, plot, (0.4, 0.0), (0.62, 0.999))
    ranges = store_ranges(page, chart.id, "lc_brush")
    assert set(ranges) == {"budget_x", "accuracy"}
    expected = inside(rows, ranges)
    assert 0 < len(expected) < min(len(rows), 400)
    assert set(expected["budget"]) <= {3.0, 9.0, 27.0}
    count, keys = shown_keys(page)
    assert count == len(expected) and keys == set(expected["sample_id"])
    carried = page.evaluate("() => window.bohbvis.carried()")
    assert sorted(carried["lc_brush"]["keys"]) == sorted(expected["sample_id"])
    page.screenshot(path=str(shots / "learning_curves_brushed.png"))
    assert not deck.errors and not deck.outside_requests()


@pytest.mark.parametrize("index", range(len(KINDS)))
def test_each_view_draws_inside_the_slide_with_readable_text(steps_c, open_deck, shots, index):
    path, slides = steps_c
    deck = open_deck(path, 1280, 720, suffix=f"#/{index}")
    page = deck.page
    boxes = page.evaluate("""() => {
        const slide = document.querySelector('section.present').getBoundingClientRect();
        return Array.from(document.querySelectorAll('section.present .vega-embed svg')).map(svg => {
            const r = svg.getBoundingClientRect();
            return [r.width, r.height, r.left - slide.left, slide.right - r.right, r.top - slide.top, slide.bottom - r.bottom];
        });
    }""")
    assert len(boxes) == 1
    w, h, *margins = boxes[0]
    assert w > 600 and h > 200 and min(margins) >= -1
    least, text = page.evaluate(MIN_TEXT)
    assert least >= 12 - 0.01, (slides[index].kind, least, text)
    page.screenshot(path=str(shots / f"{slides[index].kind}.png"))
    assert not deck.errors and not deck.outside_requests()
