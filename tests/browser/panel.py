"""Reading a brush and the data panel in the deck: what several browser tests check after a drag."""

from __future__ import annotations

import pandas as pd


def store_ranges(page, chart_id: str, param: str = "brush", n: int = 1) -> dict:
    """{field: [lo, hi]} of the interval brush `param` once its store holds `n` tuples."""
    page.wait_for_function(f"() => window.bohbvis.views['{chart_id}'].data('{param}_store').length === {n}")
    (tup,) = page.evaluate(f"() => window.bohbvis.views['{chart_id}'].data('{param}_store')")
    return {f["field"]: sorted(v) for f, v in zip(tup["fields"], tup["values"])}


def shown_keys(page) -> tuple[int, set]:
    """The data panel's row count and the keys of its drawn rows (current slide)."""
    page.wait_for_timeout(200)  # the table redraws on the next animation frame
    count = page.evaluate("() => +document.querySelector('section.present table.data-table').dataset.count")
    keys = page.eval_on_selector_all("section.present table.data-table tbody tr",
                                     "rows => rows.map(r => r.dataset.key).filter(k => k)")
    return count, set(keys)


def inside(rows: pd.DataFrame, ranges: dict) -> pd.DataFrame:
    """The rows inside every [lo, hi] of `ranges` (what a brush should select)."""
    keep = pd.Series(True, index=rows.index)
    for field, (lo, hi) in ranges.items():
        keep &= rows[field].between(lo, hi)
    return rows[keep]


def open_linked_slide(open_deck, path, slides, index: int):
    """The deck opened at slide `index` (1280×720), with that slide's first chart, its data table's
    rows as a frame, and the deck: what a brush-and-panel test starts from."""
    slide = slides[index]
    chart, table = slide.charts[0], slide.tables[0]
    deck = open_deck(path, 1280, 720, suffix=f"#/{index}")
    return deck, chart, pd.DataFrame(list(table.rows))
