"""Real mouse gestures for the browser tests."""

from __future__ import annotations


def drag(page, plot, start, end):
    """A real mouse drag between two points given as fractions of the plot area
    (`plot`: a bounding box {left, top, width, height}); returns the pixel ends."""
    x0, y0 = plot["left"] + start[0] * plot["width"], plot["top"] + start[1] * plot["height"]
    x1, y1 = plot["left"] + end[0] * plot["width"], plot["top"] + end[1] * plot["height"]
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()
    return x0, y0, x1, y1
