"""The Python API under the CLI: load a run, build slides from a story, write a deck.

    from bohbvis import api
    run = api.load("path/to/run")              # or "demo"
    deck = api.make_deck("advisor", data=run)   # a built-in story name or a YAML path
    api.write_html(deck, "deck.html")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._output import check_file_target, write_atomic
from .errors import BohbvisError
from .load import ReaderOptions, read_run
from .model.run import Run

DEFAULT_STORY = "advisor"


def load(data: str | Path | Run | None = None, *, format: str | None = None, metric: str | None = None,
         options: ReaderOptions | None = None) -> Run:
    """`options`: what the tool did not store (Optuna's study, --hyperband; Ray's mode, max_t, eta)."""
    if isinstance(data, Run):
        return data
    return read_run(data, format=format, metric=metric, options=options)


def make_deck(story: str | Path | None = None, *, data: str | Path | Run | None = None,
              format: str | None = None, metric: str | None = None, theme: str | None = None,
              strict: bool = False, allow_empty: bool = False, options: ReaderOptions | None = None):
    """Validate the story, load its run (`data` overrides the story's `data:`), build every slide.

    `strict`: every warning about the run is an error. A run with no finished evaluation is an
    error, unless `allow_empty` (then every slide says why it is empty). `options`: what a reader
    needs that the tool did not store (Optuna's study, Hyperband settings, Ray's metric …)."""
    from ._empty import check_not_empty, check_strict, empty_slides, nothing_to_show
    from . import steps
    from .render.deck import Deck
    from .story import load_story
    from .story.assemble import slides_from_story

    st = load_story(story or DEFAULT_STORY)
    if isinstance(data, Run):
        run = data
    else:
        source = data if data is not None else st.data_path()
        if data is None and st.path is not None and isinstance(source, Path) and not source.exists():
            raise BohbvisError(f"no such file or folder: {source}.", file=st.path, key="data",
                               hint="A relative data: path is relative to the story file; --data overrides it.")
        run = read_run(source, format=format, metric=metric or st.metric, options=options)
    if strict:
        check_strict(run)
    reason = nothing_to_show(run)
    if reason is None:
        slides = slides_from_story(st, run, steps)
    elif allow_empty:
        slides = empty_slides(st, reason)
    else:
        check_not_empty(run)
    return Deck(
        title=st.title,
        lang=st.lang,
        theme=theme or st.theme,
        theme_base=st.path.parent if st.path else None,
        slides=tuple(slides),
        run=run,
        story=st,
    )


HTML_SUFFIXES = (".html", ".htm")


def check_html_target(out: str | Path) -> Path:
    """`build -o` takes an HTML file; a .pdf or .png is what `bohbvis export` writes (refused before any work)."""
    out = check_file_target(out)  # a folder or a device is named as such, whatever its suffix
    if out.suffix.lower() not in HTML_SUFFIXES:
        other = {".pdf": "a PDF", ".png": "a PNG image", ".svg": "an SVG image"}.get(out.suffix.lower())
        hint = (f"For {other}, run `bohbvis export -o {out}` with the same story and data."
                if other else "Name the deck like deck.html.")
        raise BohbvisError(f"the deck is an HTML file, and '{out.name}' is not named like one.", file=out,
                           key="-o/--output", allowed=".html, .htm", hint=hint)
    return out


def write_html(deck: Any, out: str | Path) -> Path:
    from .render.html import render_html

    check_html_target(out)
    return write_atomic(out, render_html(deck))


def build(story: str | Path | None = None, *, data=None, out: str | Path = "deck.html", **kw) -> Path:
    """Story + run -> one self-contained HTML file."""
    check_html_target(out)
    return write_html(make_deck(story, data=data, **kw), out)
