"""Reading WeasyPrint's laid-out pages: which page is which slide, the area each chart got,
tables taller or wider than their place, content cut off at the bottom of a slide.

WeasyPrint keeps the box tree on each page (`page._page_box`); it is not a public API, so
everything that touches it is in this module.
"""

from __future__ import annotations

from dataclasses import dataclass


def _classes(box) -> list[str]:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "pseudo_type", None) is not None:
        return []
    return (element.get("class") or "").split()


def _descendants(box):
    for child in getattr(box, "children", ()):
        child = getattr(child, "_box", child)  # an absolutely positioned box sits in a placeholder
        yield child
        yield from _descendants(child)


def _bottom(box) -> float:
    """Where the box's border ends (its bottom margin is empty space, never cut content)."""
    return box.position_y + box.margin_top + box.border_height()


def _right(box) -> float:
    return box.position_x + box.margin_width()


def _is(box, name: str) -> bool:
    return type(box).__name__ == name


def pages_per_slide(document) -> list[int]:
    """For every page, the 0-based deck index of the slide on it (from the section's anchor
    `slide-N`; a page without one continues the slide before it: notes that ran over)."""
    owner, current = [], 0
    for page in document.pages:
        starts = [int(a[6:]) - 1 for a in page.anchors if a.startswith("slide-") and a[6:].isdigit()]
        if starts:
            current = min(starts)
        owner.append(current)
    return owner


def chart_areas(document) -> dict[str, tuple[float, float]]:
    """{chart key: (width, height)}: the area each chart image got on its slide."""
    areas: dict[str, tuple[float, float]] = {}
    for page in document.pages:
        for box in _descendants(page._page_box):
            element = getattr(box, "element", None)
            if _is(box, "BlockReplacedBox") and element is not None and element.get("data-bv-chart"):
                areas.setdefault(element.get("data-bv-chart"), (box.width, box.height))
    return areas


@dataclass(frozen=True)
class TableFit:
    rows: int | None  # rows to show, or None: they fit
    columns: int | None  # leading columns to keep, or None: they fit


def table_fits(document, owners: list[int]) -> dict[tuple[int, int], TableFit]:
    """{(slide, k-th static table on it): fit} for static tables bigger than their place.

    A table's place is its `.table-block` (a flex item sharing the slide with other blocks);
    rows sticking out below it would cover the next block or be cut by the page, columns
    sticking out on the right would be cut by its frame. Rows: keep so many that the table
    and its "… N more rows" line fit. Columns: keep those that end inside the frame.
    """
    fits: dict[tuple[int, int], TableFit] = {}
    for p, page in enumerate(document.pages):
        boxes = list(_descendants(page._page_box))
        body = next((b for b in boxes if "slide-body" in _classes(b)), None)
        blocks = [b for b in boxes if "static-table" in _classes(b)]
        for k, block in enumerate(blocks):
            rows, columns = _rows_that_fit(block, body), _columns_that_fit(block)
            if rows is not None or columns is not None:
                fits[(owners[p], k)] = TableFit(rows, columns)
    return fits


def body_heights(document, owners: list[int], page_height: float) -> dict[int, float]:
    """{slide: px} in a probe document (slides of natural height): the height a stacked
    slide's body gets on its page, the slide's content box less its header's margin box."""
    out: dict[int, float] = {}
    for p, page in enumerate(document.pages):
        for box in _descendants(page._page_box):
            if "slide" in _classes(box) and box.element.tag == "section":
                header = next((c for c in box.children if "slide-header" in _classes(c)), None)
                frame = box.padding_top + box.padding_bottom + box.border_top_width + box.border_bottom_width
                out[owners[p]] = page_height - frame - (header.margin_height() if header is not None else 0.0)
                break
    return out


def _rows_that_fit(block, body) -> int | None:
    """Rows to keep so that the table ends inside its block and, when the slide body is laid
    out as plain blocks (no flexible room), everything ends inside the body."""
    limit = block.position_y + block.margin_height() - block.margin_bottom
    overflow = max((_bottom(c) for c in block.children), default=limit) - limit
    if body is not None and "flex" not in body.style["display"]:  # ('block', 'flex') or ('block', 'flow')
        end = body.position_y + body.margin_top + body.border_top_width + body.padding_top + body.height
        overflow = max(overflow, max((_bottom(c) for c in body.children), default=end) - end)
    if overflow <= 0.5:
        return None
    rows = [row for group in _descendants(block) if _is(group, "TableRowGroupBox")
            and group.element is not None and group.element.tag == "tbody" for row in group.children]
    shown = [r for r in rows if "more-rows" not in _classes(r)]
    if not shown:
        return None
    row_height = max(r.margin_height() for r in shown)
    has_more_line = len(shown) < len(rows)
    drop = int(-(-overflow // row_height)) + (0 if has_more_line else 1)
    return max(1, len(shown) - drop)


def _columns_that_fit(block) -> int | None:
    frame = next((b for b in _descendants(block) if "table-scroll" in _classes(b)), None)
    if frame is None:
        return None
    limit = frame.position_x + frame.margin_width() - frame.margin_right - frame.border_right_width
    heads = [b for b in _descendants(frame) if _is(b, "TableCellBox") and b.element is not None
             and b.element.tag == "th"]
    if not heads or max(_right(h) for h in heads) <= limit + 0.5:
        return None
    return max(1, sum(1 for h in heads if _right(h) <= limit + 0.5))


def clipped_slides(document) -> dict[int, float]:
    """{0-based slide: px} for slides whose content reaches below the slide (cut off there).

    Boxes inside an element that clips by design (a chart area, a table frame) are not
    followed: only what the slide itself cuts off counts."""
    out: dict[int, float] = {}

    def lowest(box) -> float:
        bottom = _bottom(box) if hasattr(box, "border_height") else 0.0
        if getattr(box, "style", None) is not None and box.style["overflow"] != "visible":
            return bottom
        return max([bottom, *(lowest(getattr(c, "_box", c)) for c in getattr(box, "children", ()))])

    for page in document.pages:
        for box in _descendants(page._page_box):
            if "slide" in _classes(box) and box.element.tag == "section":
                index = int(box.element.get("data-index", -1))
                limit = (box.position_y + box.margin_top + box.border_top_width + box.padding_top
                         + box.height + box.padding_bottom)
                deepest = max((lowest(getattr(c, "_box", c)) for c in box.children), default=limit)
                if deepest - limit > 1 and index >= 0:
                    out[index] = max(out.get(index, 0.0), deepest - limit)
    return out


def _line_text(line) -> str:
    return "".join(getattr(b, "text", "") for b in _descendants(line) if _is(b, "TextBox"))


def runt_lines(document, owners: list[int]) -> set[int]:
    """Slides where WeasyPrint broke a paragraph after its first word for no reason.

    WeasyPrint 70 bug: when a text run fits its line only without its trailing space and an
    inline element (<strong>, <em>) follows, it breaks at the first opportunity instead of
    the last, leaving one word alone on the first line and a full line below it. A first
    line under a quarter of the width followed by a nearly full line that starts with an
    ordinary word cannot happen otherwise (no forced break splits a line mid-sentence here).
    """
    found: set[int] = set()
    for p, page in enumerate(document.pages):
        for box in _descendants(page._page_box):
            lines = [c for c in getattr(box, "children", ()) if _is(c, "LineBox")]
            if len(lines) < 2 or not box.width:
                continue
            first, second = lines[0], lines[1]
            text = _line_text(second)
            if (first.width < 0.25 * box.width and second.width > 0.85 * box.width
                    and " " in text[: max(1, len(text) // 3)] and " " not in _line_text(first).strip()):
                found.add(owners[p])
    return found
