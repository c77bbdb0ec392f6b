"""The Python API under the CLI: load a run, build slides from a story, write a deck.

    from bohbvis import api
    run = api.load("path/to/run")              # or "demo"
    deck = api.make_deck("advisor", data=run)   # a built-in story name or a YAML path
    api.write_html(deck, "deck.html")
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import Any, Mapping

from .errors import BohbvisError
from .load import read_run
from .model.run import Run

DEFAULT_STORY = "advisor"


def load(data: str | Path | Run | None = None, *, format: str | None = None, metric: str | None = None) -> Run:
    if isinstance(data, Run):
        return data
    return read_run(data, format=format, metric=metric)


def make_deck(story: str | Path | None = None, *, data: str | Path | Run | Mapping[str, Any] | None = None,
              format: str | None = None, metric: str | None = None, theme: str | None = None):
    """Validate the story, load its run (`data` overrides the story's `data:`), build every slide.

    `data` may be {name: path or Run} for a story comparing runs (`next-run`)."""
    from . import steps
    from .render.deck import Deck
    from .story import load_story
    from .story.assemble import slides_from_story

    st = load_story(story or DEFAULT_STORY)
    if isinstance(data, Mapping) or (st.is_multi_run and data is None):
        # Several runs (data: {first: …, second: …}): a separate path, so single-run decks are untouched.
        runs = load_runs(st, format=format, metric=metric, given=data)
        run = next(iter(runs.values()))
        slides = slides_from_story(st, run, steps, runs=runs)
        return Deck(title=st.title, lang=st.lang, theme=theme or st.theme,
                    theme_base=st.path.parent if st.path else None, slides=tuple(slides), run=run, story=st)
    if st.is_multi_run:
        raise BohbvisError(
            f"this story compares {len(st.data)} runs ({', '.join(st.data)}); --data gives only one.",
            file=st.path, key="data",
            hint="Name the runs in the story's data: {first: runs/a, second: runs/b}, or use a one-run story.")
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


def load_runs(story, *, format: str | None = None, metric: str | None = None,
              given: Mapping[str, Any] | None = None) -> dict[str, Run]:
    """Every run a story names, in its order ({name: Run}); `given` ({name: path or Run}) replaces
    the story's runs. All load errors are reported at once."""
    sources = dict(given) if given is not None else story.data_paths()
    if given is not None and story.is_multi_run and set(given) != set(story.data):
        raise BohbvisError(f"the story names the runs {', '.join(story.data)}; the data given names "
                           f"{', '.join(map(str, given)) or 'none'}.", file=story.path, key="data",
                           hint="Give one run per name the story's steps use.")
    runs, problems = {}, []
    for name, source in sources.items():
        try:
            runs[name] = load(source, format=format, metric=metric or story.metric)
        except BohbvisError as e:
            problems.extend(p if p.key else dataclasses.replace(p, key=f"data.{name}") for p in e.problems)
    if problems:
        raise BohbvisError(*problems)
    return runs


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


def advise(data: str | Path | Run | None = None, *, by: str | None = None, top: int | None = None,
           format: str | None = None, metric: str | None = None):
    """Advice for the next run (bohbvis.analysis.advice.Advice): `.to_json()` is ConfigSpace JSON."""
    from .analysis.advice import advise as _advise

    return _advise(load(data, format=format, metric=metric), by=by, k=top)


def write_advice(advice, out: str | Path) -> Path:
    """The advised space as ConfigSpace JSON (.json) or YAML (.yaml/.yml), written atomically."""
    suffix = Path(out).suffix.lower()
    if suffix == ".json":
        return write_atomic(out, advice.to_json())
    if suffix in (".yaml", ".yml"):
        return write_atomic(out, advice.to_yaml())
    raise BohbvisError(f"the advised space is written as JSON or YAML; '{out}' has another suffix.",
                       key="-o/--output", allowed=".json (ConfigSpace JSON), .yaml or .yml")
