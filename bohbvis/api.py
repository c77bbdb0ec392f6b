"""The Python API under the CLI: load a run, build slides from a story, write a deck.

    from bohbvis import api
    run = api.load("path/to/run")              # or "demo"
    deck = api.make_deck("advisor", data=run)   # a built-in story name or a YAML path
    api.write_html(deck, "deck.html")
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import BohbvisError
from .load import read_run
from .model.run import Run

DEFAULT_STORY = "advisor"


def load(data: str | Path | Run | None = None, *, format: str | None = None, metric: str | None = None) -> Run:
    if isinstance(data, Run):
        return data
    return read_run(data, format=format, metric=metric)


def make_deck(story: str | Path | None = None, *, data: str | Path | Run | None = None,
              format: str | None = None, metric: str | None = None, theme: str | None = None):
    """Validate the story, load its run (`data` overrides the story's `data:`), build every slide."""
    from . import steps
    from .render.deck import Deck
    from .story import load_story
    from .story.assemble import slides_from_story

    st = load_story(story or DEFAULT_STORY)
    if isinstance(data, Run):
        run = data
    else:
        source = data if data is not None else st.data_path()
        run = read_run(source, format=format, metric=metric or st.metric)
    slides = slides_from_story(st, run, steps)
    return Deck(
        title=st.title,
        lang=st.lang,
        theme=theme or st.theme,
        theme_base=st.path.parent if st.path else None,
        slides=tuple(slides),
        run=run,
        story=st,
    )


def check_story(story: str | Path, *, data: str | Path | None = None) -> tuple[Any, str | None]:
    """What `bohbvis validate` checks: the story's grammar, its theme, and — when its run can be
    read — every {{ name }} its text quotes (names inside `run.`, `best.` and the steps' numbers
    exist only once the run is known). Returns (story, the run checked against or None); raises
    one BohbvisError listing every problem."""
    from dataclasses import replace as _replace

    from . import steps
    from .errors import Problem
    from .render.theme import load_theme
    from .story import load_story
    from .story.assemble import slides_from_story

    st = load_story(story)
    problems: list = []
    try:
        load_theme(st.theme, st.path.parent if st.path else None)
    except BohbvisError as e:
        line = _deck_key_line(st.path, "theme")
        for p in e.problems:
            problems.append(p if p.file else _replace(p, file=str(st.path) if st.path else None, line=line,
                                                      key="theme"))
    checked = None
    source = data if data is not None else st.data_path()
    if source == "demo" or Path(source).exists():
        try:
            run = read_run(source, metric=st.metric)
            slides_from_story(st, run, steps)
            checked = str(source)
        except BohbvisError as e:
            problems.extend(e.problems)
    if problems:
        raise BohbvisError(*problems)
    return st, checked


def _deck_key_line(path: Path | None, key: str) -> int | None:
    if path is None:
        return None
    try:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith(f"{key}:"):
                return i
    except OSError:
        pass
    return None


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write next to the target and rename, so a failure never leaves a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_html(deck: Any, out: str | Path) -> Path:
    from .render.html import render_html

    return write_atomic(out, render_html(deck))


def build(story: str | Path | None = None, *, data=None, out: str | Path = "deck.html", **kw) -> Path:
    """Story + run -> one self-contained HTML file."""
    if Path(out).suffix.lower() not in (".html", ".htm"):
        raise BohbvisError(f"the deck is an HTML file; '{out}' has another suffix.", key="-o/--output",
                           allowed=".html (use `bohbvis export` for .pdf and .png)")
    return write_html(make_deck(story, data=data, **kw), out)
