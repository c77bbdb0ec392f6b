"""The step kinds overview, principle, brackets, best and table, driven in the built deck.

View A's mean/max control must change the lines, clicking a bracket must filter the linked view
and table, the data panel must sort on a header click. Screenshots go to the artifacts folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deck_builders import MNIST

pytestmark = pytest.mark.browser

KINDS = ("overview", "principle", "brackets", "best", "table", "principle")
OVERVIEW, PRINCIPLE, BRACKETS, BEST, TABLE, TEACHING = range(len(KINDS))


def _slides(run, kinds_values):
    from bohbvis import steps
    from bohbvis.options import StepOptions

    return tuple(
        steps.build(run, StepOptions(kind=kind, index=i, values=values, fragments=fragments))
        for i, (kind, values, fragments) in enumerate(kinds_values)
    )


def _deck(run, slides):
    from bohbvis.render.deck import Deck

    return Deck(title="Steps A", lang="en", theme="light", theme_base=None, slides=slides, run=run)


@pytest.fixture(scope="module")
def run():
    from bohbvis.load import read_run

    return read_run(MNIST)


@pytest.fixture(scope="module")
def steps_deck(tmp_path_factory, run) -> Path:
    from bohbvis.render.html import render_html

    slides = _slides(run, [
        ("overview", {}, False),
        ("principle", {}, False),
        ("brackets", {}, False),
        ("best", {}, False),
        ("table", {"follows": "none"}, False),
        ("principle", {}, True),  # teaching mode: the rounds appear one by one
    ])
    path = tmp_path_factory.mktemp("steps_a") / "steps_a.html"
    path.write_text(render_html(_deck(run, slides)), encoding="utf-8")
    return path


def _show(deck, index):
    deck.page.evaluate(f"() => window.bohbvis.go({index})")
    deck.ready()
    deck.page.wait_for_timeout(150)  # fonts settle; the fit loop has finished once ready resolves


def test_every_slide_draws_inside_its_box_without_errors(steps_deck, open_deck, artifacts):
    deck = open_deck(steps_deck)
    for i, kind in enumerate(KINDS):
        _show(deck, i)
        deck.page.screenshot(path=str(artifacts / f"steps_a_{i + 1}_{kind}.png"))
        boxes = deck.page.evaluate("""() => {
            const slide = document.querySelector('section.slide.present').getBoundingClientRect();
            return Array.from(document.querySelectorAll('section.present .vega-embed svg')).map(svg => {
                const r = svg.getBoundingClientRect();
                return [r.left - slide.left, r.top - slide.top, r.right - slide.left, r.bottom - slide.top,
                        slide.width, slide.height];
            });
        }""")
        if kind != "overview" and kind != "table":
            assert boxes, f"slide {i} ({kind}) has no chart drawn"
        for left, top, right, bottom, width, height in boxes:
            assert left >= -1 and top >= -1 and right <= width + 1 and bottom <= height + 1, (kind, boxes)
    assert not deck.errors, deck.errors
    assert not deck.outside_requests()


LEFT_POINTS = "section.present .concat_0_group .mark-symbol path"
RIGHT_POINTS = "section.present .concat_1_group .mark-symbol path"


def _left_values(deck):
    return deck.page.evaluate(f"""() => Array.from(document.querySelectorAll('{LEFT_POINTS}'))
        .map(e => e.__data__ && e.__data__.datum).filter(d => d && d.mean !== undefined)
        .map(d => [d.bracket, d.round, d.value, d.mean, d.max])""")


def test_mean_max_control_switches_the_lines(steps_deck, open_deck, artifacts):
    deck = open_deck(steps_deck)
    _show(deck, BRACKETS)
    view = "window.bohbvis.views['s2-brackets']"
    assert deck.page.evaluate(f"() => {view}.signal('agg')") == "mean"
    before = _left_values(deck)
    assert len(before) == 33 and [x for x in before if x[2] != pytest.approx(x[3])] == []
    paths = f"() => Array.from(document.querySelectorAll('section.present .concat_0_group .mark-line path')).map(p => p.getAttribute('d'))"
    lines_before = deck.page.evaluate(paths)
    deck.page.check("section.present input[type=radio][value=max]")
    deck.page.wait_for_function(f"() => {view}.signal('agg') === 'max'")
    deck.ready()
    after = _left_values(deck)
    assert len(after) == 33 and [x for x in after if x[2] != pytest.approx(x[4])] == []
    # rounds with more than one evaluation have max > mean: their lines moved
    assert any(mx > mean + 1e-9 for _b, _r, _v, mean, mx in after)
    lines_after = deck.page.evaluate(paths)
    assert len(lines_after) == len(lines_before) == 16
    assert sum(a != b for a, b in zip(lines_before, lines_after)) >= 10
    deck.page.screenshot(path=str(artifacts / "steps_a_brackets_max.png"))
    deck.page.check("section.present input[type=radio][value=mean]")
    deck.page.wait_for_function(f"() => {view}.signal('agg') === 'mean'")
    assert not deck.errors


def _clickable_point(deck):
    """Centre of a left-view point no other mark covers, and the bracket it belongs to."""
    found = deck.page.evaluate(f"""() => {{
        for (const el of document.querySelectorAll('{LEFT_POINTS}')) {{
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const d = el.__data__ && el.__data__.datum;
            if (d && d.mean !== undefined && document.elementFromPoint(x, y) === el) return [x, y, d.bracket];
        }}
        return null;
    }}""")
    assert found, "no point of view A can be clicked: the chart is covered or drawn with no room"
    return found


def test_clicking_a_bracket_filters_the_linked_view_and_table(steps_deck, open_deck, artifacts, run):
    deck = open_deck(steps_deck)
    _show(deck, BRACKETS)
    all_points = deck.page.evaluate(f"() => document.querySelectorAll('{RIGHT_POINTS}').length")
    x, y, bracket = _clickable_point(deck)
    deck.page.mouse.click(x, y)
    deck.page.wait_for_function("() => window.bohbvis.views['s2-brackets'].data('bracket_pick_store').length === 1")
    deck.page.wait_for_timeout(100)  # the table redraws on the next animation frame
    store = deck.page.evaluate("() => window.bohbvis.views['s2-brackets'].data('bracket_pick_store')")
    assert store[0]["values"] == [bracket]
    shown = deck.page.evaluate(f"""() => Array.from(document.querySelectorAll('{RIGHT_POINTS}'))
        .map(e => e.__data__ && e.__data__.datum).filter(d => d && d.sample_id !== undefined).map(d => d.bracket)""")
    ok = run.ok
    expected = int((ok["bracket"] == bracket).sum())
    assert shown == [bracket] * expected and expected < all_points
    table = deck.page.evaluate("""() => { const t = document.querySelector('section.present table.data-table');
        const col = Array.from(t.querySelectorAll('thead th')).findIndex(th => th.dataset.key === 'bracket');
        return {count: +t.dataset.count, total: +t.dataset.total,
                brackets: Array.from(t.querySelectorAll('tbody tr:not(.more-rows)')).map(tr => tr.children[col].textContent)}; }""")
    assert table["count"] == int((run.table["bracket"] == bracket).sum()) and table["total"] == len(run.table)
    assert set(table["brackets"]) == {str(bracket)}
    deck.page.screenshot(path=str(artifacts / "steps_a_brackets_picked.png"))
    # a double click clears the selection: everything is back
    deck.page.mouse.dblclick(x, y)
    deck.page.wait_for_function("() => window.bohbvis.views['s2-brackets'].data('bracket_pick_store').length === 0")
    assert deck.page.evaluate(f"() => document.querySelectorAll('{RIGHT_POINTS}').length") == all_points
    assert not deck.errors


def _column(deck, key):
    return deck.page.evaluate(f"""() => {{ const t = document.querySelector('section.present table.data-table');
        const col = Array.from(t.querySelectorAll('thead th')).findIndex(th => th.dataset.key === '{key}');
        return Array.from(t.querySelectorAll('tbody tr:not(.more-rows)')).map(tr => tr.children[col].textContent); }}""")


def test_data_panel_sorts_by_header_click_and_filters(steps_deck, open_deck, artifacts, run):
    deck = open_deck(steps_deck)
    _show(deck, TABLE)
    header = "section.present th[data-key='loss'] button"
    assert deck.page.get_attribute("section.present th[data-key='accuracy']", "aria-sort") == "descending"
    deck.page.click(header)
    assert deck.page.get_attribute("section.present th[data-key='loss']", "aria-sort") == "ascending"
    losses = [float(v) for v in _column(deck, "loss")]
    assert losses == sorted(losses) and losses[0] == pytest.approx(run.table["loss"].min(), rel=1e-2)
    deck.page.click(header)
    assert deck.page.get_attribute("section.present th[data-key='loss']", "aria-sort") == "descending"
    losses = [float(v) for v in _column(deck, "loss")]
    assert losses == sorted(losses, reverse=True)
    deck.page.click("section.present th[data-key='budget'] button")
    budgets = [float(v) for v in _column(deck, "budget")]
    assert budgets == sorted(budgets)
    deck.page.fill("section.present .table-filter", "BO")
    deck.page.wait_for_timeout(50)
    types = _column(deck, "sample_type")
    assert types and set(types) == {"BO"} and len(types) == int((run.table["sample_type"] == "BO").sum())
    deck.page.screenshot(path=str(artifacts / "steps_a_table_sorted.png"))
    assert not deck.errors


def test_principle_teaching_mode_reveals_one_round_per_step(steps_deck, open_deck, artifacts):
    deck = open_deck(steps_deck)
    _show(deck, TEACHING)
    visible = ("() => Array.from(document.querySelectorAll('section.present .fragment'))"
               ".map(f => f.classList.contains('visible'))")
    frags = deck.page.evaluate(visible)
    # 3 rounds of bracket 12: the first is shown with the title, the other two are fragments
    assert len(frags) == 2 and not any(frags)
    view = "window.bohbvis.views[document.querySelector('section.present [data-chart-id]').dataset.chartId]"
    assert deck.page.evaluate(f"() => {view}.signal('fragment')") == 0
    deck.press("ArrowRight")
    assert deck.page.evaluate(visible) == [True, False]
    assert deck.page.evaluate(f"() => {view}.signal('fragment')") == 1
    deck.press("ArrowRight")
    assert all(deck.page.evaluate(visible))
    assert deck.page.evaluate(f"() => {view}.signal('fragment')") == 2
    deck.page.wait_for_timeout(400)
    deck.page.screenshot(path=str(artifacts / "steps_a_principle_teaching.png"))
    assert not deck.errors


def test_data_panel_follows_the_carried_selection(tmp_path, open_deck, run, artifacts):
    from bohbvis.render.html import render_html

    slides = _slides(run, [("brackets", {}, False), ("table", {}, False)])
    path = tmp_path / "carried.html"
    path.write_text(render_html(_deck(run, slides)), encoding="utf-8")
    deck = open_deck(path)
    count = "() => +document.querySelector('section.present table.data-table').dataset.count"
    _show(deck, 1)  # nothing carried yet: every evaluation
    assert deck.page.evaluate(count) == len(run.table)
    _show(deck, 0)
    x, y, bracket = _clickable_point(deck)
    deck.page.mouse.click(x, y)
    deck.page.wait_for_function("() => window.bohbvis.views['s0-brackets'].data('bracket_pick_store').length === 1")
    deck.press("ArrowRight")
    deck.page.wait_for_timeout(100)
    assert deck.page.evaluate(count) == int((run.table["bracket"] == bracket).sum())
    assert set(_column(deck, "bracket")) == {str(bracket)}
    deck.page.screenshot(path=str(artifacts / "steps_a_table_carried.png"))
    assert not deck.errors
