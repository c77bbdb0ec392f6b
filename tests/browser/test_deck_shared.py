"""The deck's runtime turns the shared evaluation table back into exactly the rows Python made,
and the shipped advisor deck's tables list every evaluation from it."""

from __future__ import annotations

import json
import re

from bohbvis import api
from bohbvis.render import html as render
from bohbvis.render._shared import expand
from bohbvis.render.slide_html import asset
from bohbvis.render.theme import load_theme


def _expander_js() -> str:
    """links.js's own expandShared and sharedColumn, run on a given data object."""
    js = asset("links.js")
    start = js.index("function sharedColumn(")
    end = js.index("expandShared(DATA);")
    return "(data) => {\n" + js[start:end] + "\nexpandShared(data);\nreturn data;\n}"


def same(a, b) -> bool:
    """Equal as JavaScript sees values: 1 and 1.0 are one number, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def test_the_runtime_expands_the_shared_table_like_python(browser, demo_run):
    deck = api.make_deck("advisor", data=demo_run)
    data = json.loads(render.script_json(render.deck_data(deck, load_theme("light"))))
    assert "evaluations" in data
    page = browser.new_page()
    try:
        got = page.evaluate(_expander_js(), data)
    finally:
        page.close()
    assert same(got, expand(data))  # (a bool, not a diff of two 200 kB texts)
    # ... and in the field order inline rows had (sorted), so nothing downstream can tell.
    (panel,) = [t.id for sl in deck.slides if sl.kind == "table" for t in sl.tables]  # the data panel
    row = got["tables"][panel]["rows"][0]
    assert list(row) == sorted(row)


def test_the_advisor_decks_tables_list_every_evaluation(open_deck, demo_run, tmp_path):
    built = api.make_deck("advisor", data=demo_run)
    (slide, panel), = [(i, t.id) for i, sl in enumerate(built.slides) if sl.kind == "table" for t in sl.tables]
    deck = open_deck(api.write_html(built, tmp_path / "advisor.html"))
    deck.page.evaluate(f"() => window.bohbvis.go({slide})")
    deck.ready()
    status = deck.page.locator(f'[data-table-id="{panel}"] .table-status').inner_text()
    assert re.match(rf"{len(demo_run.table)} rows\b", status.replace(",", "")), status
    assert deck.page.locator(f'[data-table-id="{panel}"] tbody tr').count() > 10
    assert not deck.errors
