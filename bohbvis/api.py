"""The Python API: load a run, validate a story, build a deck, save it or show it in a notebook.

    import bohbvis
    run = bohbvis.load_run("path/to/run")                 # or "demo"
    story = bohbvis.Story.from_yaml("story.yaml")         # or Story.from_dict({...}), or "advisor"
    deck = bohbvis.build(story, data=run)                  # -> Deck
    deck.save("deck.html")                                 # or "deck.pdf", "slides/", "slide.png"
    deck.numbers["best"]["accuracy"]                       # the numbers the text can quote, as plain data
    deck                                                   # in a notebook: the deck itself, offline
    bohbvis.show(run, "brackets", agg="max")               # one step kind alone, as a one-slide deck

`bohbvis.build` is `build_deck` here. The command line is built on the same functions: `make_deck`
gives the render layer's deck, `build(story, out="deck.html")` writes the HTML in one call.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Mapping

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


def make_deck(story: str | Path | None = None, *, data: str | Path | Run | Mapping[str, Any] | None = None,
              format: str | None = None, metric: str | None = None, theme: str | None = None,
              strict: bool = False, allow_empty: bool = False, options: ReaderOptions | None = None,
              parallel: bool = False):
    """Validate the story, load its run (`data` overrides the story's `data:`), build every slide.

    `data` may be {name: path or Run} for a story comparing runs (`next-run`).
    `strict`: every warning about the run is an error. A run with no finished evaluation is an
    error, unless `allow_empty` (then every slide says why it is empty). `options`: what a reader
    needs that the tool did not store (Optuna's study, Hyperband settings, Ray's metric …).
    Views are cached in the process by (run content, step options) (bohbvis/steps/_cache.py):
    rebuilding after an edit of only the story's text, notes or theme recomputes no chart.
    `parallel`: a cold one-shot build (the CLI's): a forked helper process imports scipy / scikit-learn
    and computes the heavy steps' numbers while this one draws (bohbvis/_parallel_build.py); the
    deck is the same."""
    from .story import load_story

    st = load_story(story or DEFAULT_STORY)
    from .i18n import fallback_warning, using

    with using(st.lang, st.path.parent if st.path else None) as language:
        deck = _make_deck(st, data=data, format=format, metric=metric, theme=theme, strict=strict,
                          allow_empty=allow_empty, options=options, parallel=parallel)
    warning = fallback_warning(language)
    return dataclasses.replace(deck, language=language, warnings=(warning,) if warning else ())


def _make_deck(st, *, data, format, metric, theme, strict, allow_empty, options, parallel=False):
    from ._empty import check_not_empty, check_strict, empty_slides, nothing_to_show, nothing_to_show_on_slides
    from .render.deck import Deck
    from .steps._cache import VIEWS as steps
    from .story.assemble import slides_from_story

    if isinstance(data, Mapping) or (st.is_multi_run and data is None):
        # Several runs (data: {first: …, second: …}): a separate path, so single-run decks are untouched.
        runs = load_runs(st, format=format, metric=metric, given=data, options=options)
        run = next(iter(runs.values()))
        for each in runs.values():
            if strict:
                check_strict(each)
        reasons = [r for r in (nothing_to_show(each) for each in runs.values()) if r]
        if reasons and not allow_empty:
            from ._empty import ALLOW_EMPTY_HINT
            from .errors import Problem

            raise BohbvisError(*(Problem(r, hint=ALLOW_EMPTY_HINT) for r in reasons))
        shown = [r for r in (nothing_to_show_on_slides(each) for each in runs.values()) if r]
        slides = empty_slides(st, " ".join(shown)) if reasons else slides_from_story(st, run, steps, runs=runs)
        return Deck(title=st.title, lang=st.lang, theme=theme or st.theme,
                    theme_base=st.path.parent if st.path else None, slides=tuple(slides), run=run, story=st)
    if st.is_multi_run:
        raise BohbvisError(
            f"this story compares {len(st.data)} runs ({', '.join(st.data)}); --data gives only one.",
            file=st.path, key="data",
            hint="Name the runs in the story's data: {first: runs/a, second: runs/b}, or use a one-run story.")
    helper = None
    if parallel:  # started before the run is read: its imports overlap the reading and Altair's
        from ._parallel_build import Helper

        helper = Helper.start(st, data if isinstance(data, Run) else None)
    try:
        run = data if isinstance(data, Run) else _read_story_run(st, data, format, metric, options)
        if strict:
            check_strict(run)
        reason = nothing_to_show(run)
        if reason is None:
            if helper is not None:
                steps = helper.prebuild(run, steps)
            slides = slides_from_story(st, run, steps)
        elif allow_empty:
            slides = empty_slides(st, nothing_to_show_on_slides(run))
        else:
            check_not_empty(run)
    finally:
        if helper is not None:
            helper.stop()
    return Deck(
        title=st.title,
        lang=st.lang,
        theme=theme or st.theme,
        theme_base=st.path.parent if st.path else None,
        slides=tuple(slides),
        run=run,
        story=st,
    )


def _read_story_run(st, data, format, metric, options) -> Run:
    """The run a one-run story reads: `data` (a path) or the story's own `data:`."""
    source = data if data is not None else st.data_path()
    if data is None and st.path is not None and isinstance(source, Path) and not source.exists():
        raise BohbvisError(f"no such file or folder: {source}.", file=st.path, key="data",
                           hint="A relative data: path is relative to the story file; --data overrides it.")
    return read_run(source, format=format, metric=metric or st.metric, options=options)


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


def load_runs(story, *, format: str | None = None, metric: str | None = None,
              given: Mapping[str, Any] | None = None, options: ReaderOptions | None = None) -> dict[str, Run]:
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
            runs[name] = load(source, format=format, metric=metric or story.metric, options=options)
        except BohbvisError as e:
            problems.extend(p if p.key else dataclasses.replace(p, key=f"data.{name}") for p in e.problems)
    if problems:
        raise BohbvisError(*problems)
    return runs


def check_story(story: str | Path, *, data: str | Path | None = None) -> tuple[Any, str | None]:
    """What `bohbvis validate` checks: the story's grammar, its theme, and — when its run can be
    read — every {{ name }} its text quotes (names inside `run.`, `best.` and the steps' numbers
    exist only once the run is known). Returns (story, the run checked against or None); raises
    one BohbvisError listing every problem."""
    from dataclasses import replace as _replace

    from . import steps
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
    # The names need the run; a run that cannot be read here (not there yet, another machine's
    # path) leaves them unchecked and says so, rather than failing the story's grammar.
    try:
        if st.is_multi_run:
            runs = load_runs(st)
            run, label = next(iter(runs.values())), ", ".join(str(v) for v in st.data_paths().values())
        else:
            runs, label = None, str(data if data is not None else st.data_path())
            run = read_run(data if data is not None else st.data_path(), metric=st.metric)
    except BohbvisError:
        run = None
    if run is not None:
        try:
            slides_from_story(st, run, steps, **({"runs": runs} if runs else {}))
            checked = label
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


def write_html(deck: Any, out: str | Path) -> Path:
    from .render.html import render_html

    check_html_target(out)
    return write_atomic(out, render_html(deck))


# --- the public API (bohbvis.load_run, bohbvis.build, bohbvis.show, Deck) ----------------------

SAVE_ALLOWED = ".html (the interactive deck), .pdf (one page per slide), .png (slide.png -> slide-01.png …) or a folder (slides/ -> one PNG per slide)"


def load_run(path: str | Path | None = None, *, format: str | None = None, metric: str | None = None,
             options: ReaderOptions | None = None) -> Run:
    """A run: an hpbandster log folder, a CSV/Parquet table, an Optuna storage, a Ray Tune or SMAC3
    folder, or "demo" (the default).

    format: a reader name instead of guessing from the path; metric: which number is the
    accuracy (hpbandster's info key, Ray's metric); options: what the tool did not store
    (bohbvis.load.ReaderOptions: Optuna's study and Hyperband settings, Ray's mode, max_t, eta)."""
    return load(path, format=format, metric=metric, options=options)


def build_deck(story: Any = None, *, data: str | Path | Run | None = None, format: str | None = None,
               metric: str | None = None, theme: str | None = None, strict: bool = False,
               allow_empty: bool = False, options: ReaderOptions | None = None) -> "Deck":
    """Story + run -> a Deck. `story`: a Story, a YAML path, a built-in name ("advisor", the
    default) or a dict; `data` (a Run or a path) overrides the story's `data:`. `strict`: every
    warning about the run is an error; `allow_empty`: build a run without finished evaluations."""
    return Deck(make_deck(story, data=data, format=format, metric=metric, theme=theme, strict=strict,
                          allow_empty=allow_empty, options=options))


def show(run: str | Path | Run | None, kind: str, **options: Any) -> "Deck":
    """One step kind alone, as a one-slide deck (for a notebook): `show(run, "brackets", agg="max")`.
    `options` are the step's keys as in a story (title=, text=, and the kind's own options)."""
    step = {"kind": kind, **options}
    return build_deck({"title": str(options.get("title") or kind), "steps": [step]},
                      data=run if run is not None else "demo")


class Deck:
    """A built deck: its slides, the numbers its text can quote, and ways to save or display it."""

    def __init__(self, built: Any) -> None:
        self._built = built  # bohbvis.render.deck.Deck: what render/export lay out
        self._html: str | None = None

    # what the deck is made of
    @property
    def title(self) -> str:
        return self._built.title

    @property
    def slides(self) -> tuple:
        """The slides in order (bohbvis.steps.Slide: kind, title, blocks, notes, numbers)."""
        return self._built.slides

    @property
    def run(self) -> Run:
        return self._built.run

    @property
    def story(self) -> Any:
        return self._built.story

    @property
    def numbers(self) -> dict[str, Any]:
        """What `{{ name.attr }}` quotes, as plain Python data: `run`, `best` and each step's numbers
        under its kind (`deck.numbers["brackets"]["best_value"]`). NaN becomes None."""
        from .render.html import jsonable
        from .story.assemble import deck_context

        return jsonable(deck_context(self.run, self.slides))

    def __len__(self) -> int:
        return len(self.slides)

    def __repr__(self) -> str:
        return f"<bohbvis.Deck {self.title!r}: {len(self.slides)} slides>"

    # output
    def html(self) -> str:
        """The whole deck as one self-contained HTML document."""
        if self._html is None:
            from .render.html import render_html

            self._html = render_html(self._built)
        return self._html

    def save(self, path: str | Path, *, scale: float = 1.0, notes: bool = False, progress: bool = False) -> Path:
        """Write the deck; the format comes from the name: deck.html, deck.pdf, slide.png or slides/.

        scale: PNG resolution (1 -> 1280×720 px); notes: speaker notes under each exported slide.
        Returns the file (or the folder of PNGs). Nothing is left half-written on failure."""
        kind = output_kind(path)
        if kind == "html":
            return write_atomic(path, self.html())
        from .export import export_deck

        return export_deck(self._built, path, scale=scale, notes=notes, progress=progress)

    def _repr_html_(self) -> str:
        """The deck inside a sandboxed iframe: `srcdoc` holds the whole self-contained document, so
        it shows offline in JupyterLab and VS Code (which load no `iframe src` from local files),
        and its scripts run in the iframe's own opaque origin, never in the notebook's."""
        import html as _html

        return (
            f'<iframe title="{_html.escape(self.title, quote=True)}" class="bohbvis-deck" '
            'sandbox="allow-scripts" allowfullscreen width="960" height="540" '
            'style="width:100%;max-width:960px;height:auto;aspect-ratio:16/9;border:1px solid #ccc" '
            f'srcdoc="{_html.escape(self.html(), quote=True)}"></iframe>'
        )


def output_kind(path: str | Path) -> str:
    """"html", "pdf" or "png" from an output name; a name bohbvis cannot write is one clear error."""
    text, p = str(path), Path(path)
    suffix = p.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".png" or text.endswith(("/", "\\")) or p.is_dir() or not suffix:
        return "png"
    raise BohbvisError(f"cannot tell which format to write from '{path}' (suffix '{p.suffix}').",
                       key="-o/--output", allowed=SAVE_ALLOWED)


def build(story: str | Path | None = None, *, data=None, out: str | Path = "deck.html", **kw) -> Path:
    """Story + run -> one self-contained HTML file."""
    check_html_target(out)
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
