"""What the shipped stories explain, checked in a real browser at 1280×720 (issue: one "best",
view C, fragments that build the chart, readable charts, text that follows the controls).

Every story × every run in tests/data (and the demo): no chart text under 12 px after the deck
fits the charts; the best slide's first row is the incumbent; the brackets text changes with the
mean ↔ max control; the principle chart's marks change with each fragment. On the advisor deck:
a brush on view C (the map) carries to the data panel. A screenshot of every slide lands in
artifacts/explain/.
"""

from __future__ import annotations

import pytest

from bohbvis import api
from bohbvis.analysis.ranking import incumbent, rule_for

from deck_builders import DATA

pytestmark = pytest.mark.browser

RUNS = ["demo", "seed", *sorted(p.name for p in (DATA / "hpbandster").iterdir() if p.is_dir())]
FLOOR_PX = 12.0

# Every SVG text element drawn on the present slide, with its rendered size in CSS px (its font
# size times the scale the SVG is drawn at), skipping empty and fully transparent ones.
SVG_TEXT_SIZES = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('section.slide.present .vega-embed > svg')) {
    const scale = svg.getBoundingClientRect().width / (+svg.getAttribute('width') || 1);
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const style = getComputedStyle(t);
      if (style.display === 'none' || style.visibility === 'hidden' || +style.opacity === 0) continue;
      if (+(t.getAttribute('opacity') ?? 1) === 0 || +(t.getAttribute('fill-opacity') ?? 1) === 0) continue;
      out.push([t.textContent.slice(0, 40), parseFloat(style.fontSize) * scale]);
    }
  }
  return out;
}"""


def _source(run: str):
    if run == "seed":
        return DATA / "seed_sample_rows.csv"  # the seed's own table (CSV)
    return "demo" if run == "demo" else DATA / "hpbandster" / run


def _slide_kinds(deck) -> list[str]:
    return deck.page.evaluate("() => Array.from(document.querySelectorAll('section.slide')).map(s => s.dataset.kind)")


def _go(deck, i: int, fragment: int = -1):
    deck.page.evaluate("([i, f]) => window.bohbvis.go(i, f)", [i, fragment])
    return deck.ready()


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """(story, run) -> (deck path, run) built once for the module."""
    built = {}
    folder = tmp_path_factory.mktemp("explain")

    def get(story: str, run: str):
        if (story, run) not in built:
            loaded = api.load(_source(run))
            path = api.build(story, data=loaded, out=folder / f"{story}-{run}.html")
            built[story, run] = (path, loaded)
        return built[story, run]

    return get


@pytest.mark.parametrize("run_name", RUNS)
@pytest.mark.parametrize("story", ["advisor", "newcomer"])
def test_story_explains_without_contradiction(story, run_name, decks, open_deck, artifacts):
    path, run = decks(story, run_name)
    deck = open_deck(path, 1280, 720)
    kinds = _slide_kinds(deck)
    small = []
    for i, kind in enumerate(kinds):
        _go(deck, i, 10**6)  # every fragment shown: the slide as the presenter leaves it
        small += [(i + 1, kind, text, round(px, 1)) for text, px in deck.page.evaluate(SVG_TEXT_SIZES)
                  if px < FLOOR_PX - 0.05]
    assert small == [], f"chart text under {FLOOR_PX} px at 1280×720: {small[:12]}"

    # One best: the best slide's first table row is the incumbent of the deck's ranking.
    inc = incumbent(run, rule_for(run, "loss"))
    b = kinds.index("best")
    _go(deck, b)
    first = deck.page.evaluate("""() => { const t = document.querySelector('section.present table.data-table');
        const col = Array.from(t.querySelectorAll('thead th')).findIndex(th => th.dataset.key === 'sample_id');
        return t.querySelector('tbody tr').children[col].textContent; }""")
    assert first == inc["sample_id"]
    assert inc["sample_id"] in deck.page.inner_text("section.present h2")
    assert "incumbent rule" in deck.page.inner_text("section.present figcaption")

    # The brackets text follows the mean ↔ max control (and the y axis keeps its range).
    k = kinds.index("brackets")
    _go(deck, k)
    shown = "() => Array.from(document.querySelectorAll('section.present .takeaway')).filter(p => !p.hidden).map(p => p.textContent)"
    axis = "() => Array.from(document.querySelectorAll('section.present .concat_0_group .role-axis-label text')).map(t => t.textContent)"
    before, ticks_before = deck.page.evaluate(shown), deck.page.evaluate(axis)
    assert len(before) == 1
    best_word = "max" if run.has_accuracy else "min"
    deck.page.check(f"section.present input[type=radio][value={best_word}]")
    deck.page.wait_for_function(f"() => window.bohbvis.views[document.querySelector('section.present [data-chart-id]').dataset.chartId].signal('agg') === '{best_word}'")
    deck.ready()
    after = deck.page.evaluate(shown)
    assert len(after) == 1 and after != before
    if run.has_accuracy:
        assert before[0].startswith("The mean") and after[0].startswith("The highest")
    assert deck.page.evaluate(axis) == ticks_before, "switching the control must not re-zoom the y axis"
    assert deck.errors == []


def _bar_opacities(deck) -> list[float]:
    return deck.page.evaluate("""() => Array.from(document.querySelectorAll(
        'section.present .concat_0_group .mark-rect path')).map(p => +(p.getAttribute('opacity') ?? 1))""")


@pytest.mark.parametrize("run_name", RUNS)
def test_principle_fragments_build_the_chart_round_by_round(run_name, decks, open_deck, artifacts):
    path, run = decks("newcomer", run_name)
    deck = open_deck(path, 1280, 720)
    i = _slide_kinds(deck).index("principle")
    _go(deck, i)
    # The first round is shown with the title; the chart shows only its budget.
    items = deck.page.evaluate("""() => Array.from(document.querySelectorAll('section.present .slide-body li'))
        .map(li => getComputedStyle(li).visibility === 'visible' && +getComputedStyle(li).opacity > 0)""")
    total = deck.page.evaluate("() => document.querySelectorAll('section.present .fragment').length")
    assert items[0] and not any(items[1:]) and total == len(items) - 1 >= 1
    seen = [sum(o > 0.5 for o in _bar_opacities(deck))]
    view = "window.bohbvis.views[document.querySelector('section.present [data-chart-id]').dataset.chartId]"
    assert deck.page.evaluate(f"() => {view}.signal('fragment')") == 0
    for step in range(1, total + 1):
        deck.press("ArrowRight")
        assert deck.index() == i and deck.page.evaluate(f"() => {view}.signal('fragment')") == step
        seen.append(sum(o > 0.5 for o in _bar_opacities(deck)))
    assert seen == sorted(seen) and seen[-1] > seen[0], f"bars drawn per step: {seen}"
    assert seen[-1] == len(_bar_opacities(deck))  # the last step shows the whole diagram
    deck.press("ArrowLeft")
    assert sum(o > 0.5 for o in _bar_opacities(deck)) == seen[-2]
    deck.page.screenshot(path=str(artifacts / f"explain_principle_{run_name}.png"))
    assert deck.errors == []


def test_view_c_in_the_advisor_story_carries_to_the_data_panel(decks, open_deck, artifacts):
    from pointer import drag

    path, run = decks("advisor", "demo")
    deck = open_deck(path, 1280, 720)
    kinds = _slide_kinds(deck)
    assert "embedding" in kinds
    e, panel = kinds.index("embedding"), kinds.index("table")
    assert e < panel
    _go(deck, e)
    chart_id = deck.page.evaluate("() => document.querySelector('section.present [data-chart-id]').dataset.chartId")
    plot = deck.page.evaluate("""(id) => { const v = window.bohbvis.views[id];
        const svg = document.querySelector(`[data-chart-id="${id}"] svg`).getBoundingClientRect();
        const [ox, oy] = v.origin();
        return {left: svg.left + ox, top: svg.top + oy, width: v.width(), height: v.height()}; }""", chart_id)
    drag(deck.page, plot, (0.5, 0.05), (0.98, 0.6))
    deck.page.wait_for_timeout(200)
    carried = deck.page.evaluate("() => window.bohbvis.carried()")
    brushed = next(iter(carried.values()))
    assert brushed["key"] == "config_id" and 0 < len(brushed["keys"]) < run.n_configs
    _go(deck, panel)
    deck.page.wait_for_timeout(150)
    rows = deck.page.eval_on_selector_all("section.present table.data-table tbody tr:not(.more-rows)",
                                          "rows => rows.map(r => r.dataset.key)")
    want = set(run.table.loc[run.table["config_id"].astype(str).isin(brushed["keys"]), "sample_id"])
    count = deck.page.evaluate("() => +document.querySelector('section.present table.data-table').dataset.count")
    assert count == len(want) and set(rows) <= want and rows
    status = deck.page.inner_text("section.present .table-status")
    assert f"{len(want)} of {len(run.table)}" in status
    deck.page.screenshot(path=str(artifacts / "explain_view_c_carried.png"))
    assert deck.errors == []


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("story", ["advisor", "newcomer"])
def test_screenshots_of_every_slide(story, theme, tmp_path, open_deck, artifacts):
    path = api.build(story, out=tmp_path / f"{story}-{theme}.html", theme=theme)
    deck = open_deck(path, 1280, 720)
    out = artifacts / "explain"
    out.mkdir(parents=True, exist_ok=True)
    for i, kind in enumerate(_slide_kinds(deck)):
        _go(deck, i, 10**6)
        deck.page.wait_for_timeout(400)  # the fragments' fade-in
        deck.page.screenshot(path=str(out / f"{story}_{theme}_{i + 1:02d}_{kind}.png"))
    assert deck.errors == []


def test_speaker_view_previews_charts_and_fits_the_notes(decks, open_deck):
    path, _run = decks("advisor", "demo")
    deck = open_deck(path, 1280, 800, suffix="?speaker=test#/1")
    page = deck.page
    # The next slide (the principle diagram) is drawn in the preview, not a grey box.
    page.wait_for_function("() => document.querySelectorAll('.speaker-next svg .mark-rect path').length > 0")
    assert page.evaluate("() => document.querySelectorAll('.speaker-next .vega-embed:empty').length") == 0
    assert page.evaluate("() => Object.keys(window.bohbvis.views).every(id => !id.includes('preview'))")
    # The notes (the story's and the generated chart description) fit their box: nothing cut off.
    _go(deck, 3)
    notes = page.locator(".speaker-notes")
    assert "Chart:" in notes.inner_text()
    assert page.evaluate("() => { const n = document.querySelector('.speaker-notes'); return n.scrollHeight <= n.clientHeight + 1; }")
    assert deck.errors == []


def test_controls_and_folded_tables_work_by_keyboard(decks, open_deck):
    path, _run = decks("advisor", "demo")
    deck = open_deck(path, 1920, 1080)
    kinds = _slide_kinds(deck)
    _go(deck, kinds.index("brackets"))
    page = deck.page
    # The radio control grows with the slide (not the browser's fixed 13 px).
    size = page.evaluate("() => document.querySelector('section.present input[type=radio]').getBoundingClientRect().height")
    assert size >= 20
    # A bracket can be picked without a mouse: the dropdown drives the same selection a click does.
    view = "window.bohbvis.views[document.querySelector('section.present [data-chart-id]').dataset.chartId]"
    page.select_option("section.present select", label="4")
    page.wait_for_function(f"() => {view}.data('bracket_pick_store').length === 1")
    assert page.evaluate(f"() => {view}.data('bracket_pick_store')[0].values") == [4]
    page.select_option("section.present select", label="all")
    page.wait_for_function(f"() => {view}.data('bracket_pick_store').length === 0")
    # Tab reaches the "Show the table" button; Enter opens the table and the chart is re-fitted.
    page.focus("section.present .table-toggle")
    height_before = page.evaluate("() => document.querySelector('section.present .vega-embed svg').getBoundingClientRect().height")
    page.keyboard.press("Enter")
    deck.ready()
    assert page.get_attribute("section.present .table-toggle", "aria-expanded") == "true"
    assert page.is_visible("section.present table.data-table")
    height_after = page.evaluate("() => document.querySelector('section.present .vega-embed svg').getBoundingClientRect().height")
    assert height_after < height_before  # the chart made room for the rows
    # The deck's keys still move on (the button is not a text field).
    page.keyboard.press("ArrowRight")
    assert deck.ready().index() == kinds.index("brackets") + 1
    assert deck.errors == []
