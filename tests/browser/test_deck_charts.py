"""Charts and the link layer in a real browser: sizes, brushing, linked table, carried selection."""

from __future__ import annotations

import pytest

from pointer import drag
from deck_builders import COUNT_SLIDES, RECEIVER, SCATTER

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080), (900, 600)]

PLOT = """(id) => {
    const v = window.bohbvis.views[id];
    const svg = document.querySelector(`[data-chart-id="${id}"] svg`).getBoundingClientRect();
    const [ox, oy] = v.origin();  // inside the padding
    const pad = v.padding();
    return {left: svg.left + pad.left + ox, top: svg.top + pad.top + oy, width: v.width(), height: v.height()};
}"""

BRUSH_RECT = """(id) => {
    const r = document.querySelector(`[data-chart-id="${id}"] .brush_brush path`).getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
}"""



def brush_store(page, chart="s2-scatter"):
    return page.evaluate(f"() => window.bohbvis.views['{chart}'].data('brush_store')")


def ranges(store):
    (tup,) = store
    return {f["field"]: sorted(v) for f, v in zip(tup["fields"], tup["values"])}


def inside(table, r):
    keep = table["loss"].between(*r["loss"]) & table["accuracy"].between(*r["accuracy"])
    return table[keep]


def table_count(page, scope="section.present"):
    page.wait_for_timeout(100)  # the table redraws on the next animation frame
    return page.evaluate(f"""() => [+document.querySelector('{scope} table.data-table').dataset.count,
                          document.querySelectorAll('{scope} table.data-table tbody tr:not(.more-rows)').length]""")


def test_every_chart_is_drawn_inside_its_slide_when_shown(deck_file, open_deck):
    for width, height in SIZES[:2]:
        deck = open_deck(deck_file, width, height)
        # Only the first slide's charts exist at load; the others are drawn when first shown.
        assert deck.page.evaluate("() => Object.keys(window.bohbvis.views).length") == 0
        drawn = 0
        for i in range(COUNT_SLIDES):
            deck.page.evaluate(f"() => window.bohbvis.go({i})")
            deck.ready()
            boxes = deck.page.evaluate("""() => {
                const slide = document.querySelector('section.present').getBoundingClientRect();
                return Array.from(document.querySelectorAll('section.present .vega-embed svg')).map(svg => {
                    const r = svg.getBoundingClientRect();
                    return [r.width, r.height, r.left - slide.left, slide.right - r.right, r.top - slide.top, slide.bottom - r.bottom];
                });
            }""")
            for w, h, *margins in boxes:
                assert w > 0 and h > 0
                assert min(margins) >= -1, f"slide {i} chart spills out of the slide at {width}x{height}: {margins}"
            drawn += len(boxes)
        assert drawn == 3
        assert not deck.errors and not deck.outside_requests()


SLOW_VEGA = """(() => {  // a slow machine: every chart takes 40 ms more to draw
    let embed;
    Object.defineProperty(window, 'vegaEmbed', {configurable: true,
        set(f) { embed = f; },
        get() { return embed && ((...args) => new Promise(r => setTimeout(r, 40)).then(() => embed(...args))); }});
})();"""


def test_racing_through_the_slides_leaves_every_chart_well_drawn(deck_file, open_deck):
    deck = open_deck(deck_file, init_script=SLOW_VEGA)
    for _ in range(2 * COUNT_SLIDES):  # faster than the charts can be drawn
        deck.page.keyboard.press("ArrowRight")
        deck.page.wait_for_timeout(20)
    deck.page.keyboard.press("Home")
    deck.ready()
    for i in range(COUNT_SLIDES):
        deck.page.evaluate(f"() => window.bohbvis.go({i})")
        deck.ready()
        plots = deck.page.evaluate("""() => Array.from(document.querySelectorAll('section.present .vega-embed'))
            .map(el => window.bohbvis.views[el.dataset.chartId]).map(v => [v.width(), v.height()])""")
        for w, h in plots:  # a drawing fitted while its slide was hidden would be crushed
            assert w > 300 and h > 200, (i, w, h)
    assert not deck.errors


@pytest.mark.parametrize("width,height", SIZES)
def test_brush_lands_under_the_pointer_and_filters_the_table(deck_file, open_deck, mnist_run, width, height):
    deck = open_deck(deck_file, width, height, suffix=f"#/{SCATTER}")
    page = deck.page
    total = len(mnist_run.table)
    assert table_count(page) == [total, min(total, 400)]
    assert "113 rows" in page.inner_text("section.present .table-status")

    plot = page.evaluate(PLOT, "s2-scatter")
    x0, y0, x1, y1 = drag(page, plot, (0.04, 0.03), (0.45, 0.55))
    page.wait_for_function("() => window.bohbvis.views['s2-scatter'].data('brush_store').length === 1")

    # The drawn brush is exactly where the mouse went (no transform scaling on the way).
    left, top, right, bottom = page.evaluate(BRUSH_RECT, "s2-scatter")
    assert abs(left - x0) < 1.5 and abs(top - y0) < 1.5 and abs(right - x1) < 1.5 and abs(bottom - y1) < 1.5

    # The store holds the data range under the pointer ...
    r = ranges(brush_store(page))
    inverted = page.evaluate("""([x0, x1, y0, y1]) => {
        const v = window.bohbvis.views['s2-scatter'];
        return [v.scale('x').invert(x0), v.scale('x').invert(x1), v.scale('y').invert(y0), v.scale('y').invert(y1)];
    }""", [0.04 * plot["width"], 0.45 * plot["width"], 0.03 * plot["height"], 0.55 * plot["height"]])
    loss_per_px = (inverted[1] - inverted[0]) / (0.41 * plot["width"])
    acc_per_px = (inverted[2] - inverted[3]) / (0.52 * plot["height"])
    assert abs(r["loss"][0] - inverted[0]) < 1.5 * loss_per_px and abs(r["loss"][1] - inverted[1]) < 1.5 * loss_per_px
    assert abs(r["accuracy"][1] - inverted[2]) < 1.5 * acc_per_px and abs(r["accuracy"][0] - inverted[3]) < 1.5 * acc_per_px

    # ... and the linked table lists exactly the evaluations inside it (computed here, in Python).
    expected = inside(mnist_run.table, r)
    assert 0 < len(expected) < total
    assert table_count(page) == [len(expected), len(expected)]
    assert page.inner_text("section.present .table-status") == f"{len(expected)} of {total} rows"
    shown = set(page.eval_on_selector_all("section.present table.data-table tbody tr", "rows => rows.map(r => r.dataset.key)"))
    assert shown == set(expected["sample_id"])
    assert not deck.errors and not deck.outside_requests()


def test_selection_is_carried_to_a_later_slide_and_cleared(deck_file, open_deck, mnist_run):
    deck = open_deck(deck_file, suffix=f"#/{SCATTER}")
    page = deck.page
    plot = page.evaluate(PLOT, "s2-scatter")
    drag(page, plot, (0.5, 0.4), (0.98, 0.98))
    page.wait_for_function("() => window.bohbvis.views['s2-scatter'].data('brush_store').length === 1")
    expected = sorted(inside(mnist_run.table, ranges(brush_store(page)))["sample_id"])
    assert expected

    deck.press("End")
    assert deck.index() == RECEIVER
    picked = page.evaluate("() => window.bohbvis.views['s4-receiver'].signal('picked')")
    assert sorted(picked) == expected
    assert page.inner_text("section.present .carry-badge") == f"{len(expected)} configurations carried from slide {SCATTER + 1}"
    # The receiving chart really highlights them: count the marks drawn in the highlight color.
    highlighted = page.evaluate(
        "() => Array.from(document.querySelectorAll('section.present .mark-symbol path')).filter(p => p.getAttribute('fill') === '#d55e00').length")
    assert highlighted == len(expected)
    # The table that follows "carried" lists exactly those evaluations.
    carried_rows = page.eval_on_selector_all("section.present table.data-table tbody tr", "rows => rows.map(r => r.dataset.key)")
    assert sorted(carried_rows) == expected
    assert page.inner_text("section.present .table-status") == f"{len(expected)} of {len(mnist_run.table)} rows"

    # Clearing the brush (double click) clears the table filter and what later slides receive.
    page.evaluate(f"() => window.bohbvis.go({SCATTER})")
    deck.ready()
    plot = page.evaluate(PLOT, "s2-scatter")
    page.mouse.dblclick(plot["left"] + 0.2 * plot["width"], plot["top"] + 0.9 * plot["height"])
    page.wait_for_function("() => window.bohbvis.views['s2-scatter'].data('brush_store').length === 0")
    assert table_count(page)[0] == len(mnist_run.table)
    deck.press("End")
    assert page.evaluate("() => window.bohbvis.views['s4-receiver'].signal('picked')") == []
    assert page.is_hidden("section.present .carry-badge")
    assert table_count(page, "section.present")[0] == len(mnist_run.table)
    assert page.inner_text("section.present .table-status") == f"{len(mnist_run.table)} rows"  # no brush hint
    assert not deck.errors


def test_brush_survives_a_window_resize(deck_file, open_deck, mnist_run):
    deck = open_deck(deck_file, 1280, 720, suffix=f"#/{SCATTER}")
    page = deck.page
    plot = page.evaluate(PLOT, "s2-scatter")
    drag(page, plot, (0.1, 0.1), (0.6, 0.7))
    page.wait_for_function("() => window.bohbvis.views['s2-scatter'].data('brush_store').length === 1")
    before = ranges(brush_store(page))
    count = table_count(page)[0]
    width_before = plot["width"]

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_function(f"() => window.bohbvis.views['s2-scatter'].width() > {width_before * 1.2}")
    deck.ready()
    after = ranges(brush_store(page))
    for field in before:
        assert after[field] == pytest.approx(before[field], rel=1e-6, abs=1e-9)
    assert table_count(page)[0] == count
    # The redrawn brush covers the same data range at the new size.
    left, top, right, bottom = page.evaluate(BRUSH_RECT, "s2-scatter")
    plot = page.evaluate(PLOT, "s2-scatter")
    px = page.evaluate("""([l0, l1]) => { const v = window.bohbvis.views['s2-scatter']; return [v.scale('x')(l0), v.scale('x')(l1)]; }""",
                       after["loss"])
    assert abs(left - (plot["left"] + px[0])) < 1.5 and abs(right - (plot["left"] + px[1])) < 1.5
    assert not deck.errors


def test_table_sorts_by_header_and_filters(deck_file, open_deck, mnist_run):
    from bohbvis.render.slide_html import format_cell

    deck = open_deck(deck_file, suffix=f"#/{SCATTER}")
    page = deck.page
    column = "() => Array.from(document.querySelectorAll('section.present table.data-table tbody tr')).map(r => r.children[3].textContent)"
    sort_state = "() => Array.from(document.querySelectorAll('section.present table.data-table th')).map(th => th.getAttribute('aria-sort'))"
    assert page.evaluate(sort_state) == ["none", "none", "none", "none", "descending"]  # Table.sort = "-accuracy"

    losses = mnist_run.table["loss"]
    page.click("section.present table.data-table th[data-key='loss'] button")
    assert page.evaluate(sort_state)[3] == "ascending"
    assert page.evaluate(column) == [format_cell(x, "num") for x in sorted(losses)]
    page.click("section.present table.data-table th[data-key='loss'] button")
    assert page.evaluate(sort_state)[3] == "descending"
    assert page.evaluate(column) == [format_cell(x, "num") for x in sorted(losses, reverse=True)]

    # Sorting is numeric, not by text: budget 9 after budget 3 ascending.
    page.click("section.present table.data-table th[data-key='budget'] button")
    budgets = page.evaluate("() => Array.from(document.querySelectorAll('section.present table.data-table tbody tr')).map(r => r.children[1].textContent)")
    assert budgets == [format_cell(b, "budget") for b in sorted(mnist_run.table["budget"])]

    page.fill("section.present .table-filter", "promoted")
    promoted = int((mnist_run.table["sample_type"] == "promoted").sum())
    assert table_count(page) == [promoted, promoted]
    assert page.inner_text("section.present .table-status") == f"{promoted} of {len(mnist_run.table)} rows"
    # Typing in the filter box never moves the slides.
    page.press("section.present .table-filter", "ArrowRight")
    assert deck.index() == SCATTER
    assert not deck.errors


def test_js_cell_formats_match_python(deck_file, open_deck):
    from bohbvis.render.slide_html import format_cell

    deck = open_deck(deck_file)
    values = [0, 0.5, 0.123456, 0.97125, 1.5, 12.345, 999.4, 1234.5678, 1e-5, 2.5e7, -0.0421, 81, 3.7037, 0.00123, None, "adam", "3", True]
    cases = [(v, f) for f in ("pct", "num", "int", "budget") for v in values]
    cases += [(v, "") for v in (7, 0.25, 3.14159, 1234.5678, "relu", None, True, False)]
    js = deck.page.evaluate("(cases) => cases.map(([v, f]) => window.bohbvis.format(v, f))", cases)
    py = [format_cell(v, f) for v, f in cases]
    assert js == py


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(tmp_path, open_deck, mnist_run, artifacts, theme):
    """One picture per slide for people to look at (kept by CI in the artifacts folder)."""
    from deck_builders import make_deck

    from bohbvis.render.html import render_html

    path = tmp_path / f"deck_{theme}.html"
    path.write_text(render_html(make_deck(mnist_run, theme=theme)), encoding="utf-8")
    deck = open_deck(path)
    for i in range(COUNT_SLIDES):
        deck.page.evaluate(f"() => window.bohbvis.go({i}, 99)")
        deck.ready()
        deck.page.wait_for_timeout(400)  # fragment fade-in and progress bar
        out = artifacts / f"deck_{theme}_slide{i + 1}.png"
        deck.page.screenshot(path=str(out))
        assert out.stat().st_size > 5000
    assert deck.page.evaluate("() => getComputedStyle(document.body).backgroundColor") == (
        "rgb(255, 255, 255)" if theme == "light" else "rgb(20, 24, 30)")
    assert not deck.errors and not deck.outside_requests()
