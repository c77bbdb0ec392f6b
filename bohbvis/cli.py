"""The `bohbvis` command: a thin layer over bohbvis.api (nothing imports this module)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from .errors import BohbvisError

# Commands in the order a user needs them; a command not listed here follows, in definition order.
COMMAND_ORDER = ("build", "export", "watch", "init", "inspect", "advise", "validate", "schema", "convert")

# Metavars in capitals, as in click/argparse help: by parameter name, else by value type.
_NAMED_METAVARS = {"story": "STORY", "run": "RUN", "data": "RUN", "format": "READER", "metric": "KEY",
                   "theme": "THEME", "output": "PATH", "charts": "DIR", "port": "PORT", "study": "NAME",
                   "hyperband": "MIN,MAX,ETA", "mode": "MIN|MAX"}
_TYPE_METAVARS = {"str": "TEXT", "text": "TEXT", "int": "INTEGER", "integer": "INTEGER", "float": "NUMBER",
                  "Path": "PATH", "path": "PATH"}


def _conventional(params) -> None:
    """Capital metavars (STORY, RUN, PATH) and none at all for flags: `--json`, not `--json <bool>`."""
    for param in params:
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""
        elif param.param_type_name == "argument":
            if param.metavar is None:
                param.metavar = _NAMED_METAVARS.get(param.name, (param.name or "value").upper())
            if hasattr(param, "display_type_rich"):
                # the name column already says STORY; a `<str>` type column beside it says nothing more
                param.display_type_rich = lambda ctx: None
        elif param.metavar is None:
            bare = param.bare_type() if hasattr(param, "bare_type") else getattr(getattr(param, "type", None), "name", "")
            param.metavar = _NAMED_METAVARS.get(param.name) or _TYPE_METAVARS.get(str(bare).split(" ")[0], "VALUE")


class _Group(TyperGroup):
    """Typer's group, with the commands in COMMAND_ORDER and conventional metavars everywhere."""

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), names.index(n)))

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            _conventional(command.get_params(ctx))
        return command

    def get_params(self, ctx):
        params = super().get_params(ctx)
        _conventional(params)
        return params


app = typer.Typer(
    name="bohbvis",
    cls=_Group,  # the help text is _main's docstring
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

DataOpt = typer.Option(None, "--data", "-d", help="The run: an hpbandster log folder, a CSV/Parquet table, an Optuna storage (sqlite:///study.db, a journal file), a Ray Tune experiment folder, a SMAC3 run folder, or 'demo'.")
FormatOpt = typer.Option(None, "--format", help="Reader to use instead of guessing from the path: hpbandster, seed-csv, tidy, optuna, ray, smac3.")
MetricOpt = typer.Option(None, "--metric", help="Key in hpbandster's info holding the accuracy (dots for nested keys; 'info' for a bare number).")
StrictOpt = typer.Option(False, "--strict", help="Every warning about the run (deviations from Hyperband's plan, NaN losses, missing configs) is an error: for CI.")
AllowEmptyOpt = typer.Option(False, "--allow-empty", help="Build even when no evaluation finished (all crashed or NaN): each slide says why it is empty.")
# Reader options: what a tool does not store (one set, shared by every command that reads a run).
StudyOpt = typer.Option(None, "--study", help="Optuna: the study to read when the storage holds several.")
HyperbandOpt = typer.Option(None, "--hyperband", help="Optuna: HyperbandPruner's MIN,MAX,ETA (min_resource, max_resource, reduction_factor); inferred from the rungs when left out.")
ModeOpt = typer.Option(None, "--mode", help="Ray Tune: min or max for --metric (inferred from the metric's name when left out).")
MaxTOpt = typer.Option(None, "--max-t", help="Ray Tune: HyperBand's max_t (default: the largest budget reached).")
EtaOpt = typer.Option(None, "--eta", help="Ray Tune: HyperBand's reduction factor (default: inferred from where trials paused).")


def _reader_options(study, hyperband, mode, max_t, eta):
    from .load.options import ReaderOptions, check_mode, parse_hyperband

    return ReaderOptions(study=study, hyperband=parse_hyperband(hyperband), mode=check_mode(mode),
                         max_t=max_t, eta=eta)


StoryArg = typer.Argument(None, help="A story YAML file, or a built-in story name (advisor, newcomer, advisor-ko, newcomer-ko, next-run). Default: advisor.")


def _fail(err: BohbvisError) -> None:
    from rich.console import Console

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    for p in err.problems:
        console.print("[bold red]error:[/]", end=" ")
        console.print(str(p), markup=False)  # messages quote keys like steps[3]: not rich markup
    raise typer.Exit(2)


def _strict(run, strict: bool) -> None:
    if strict:
        from ._empty import check_strict

        check_strict(run)


def _warn(messages) -> None:
    for m in messages:
        print(f"warning: {m}", file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"bohbvis {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Explain a BOHB run as one offline, interactive slide deck (HTML), or as PDF/PNG.

    Start with `bohbvis build` (the default story on the shipped demo run); `bohbvis init RUN` writes a story for your run, `bohbvis watch story.yaml` previews it as you edit, and `bohbvis export story.yaml -o deck.pdf` hands it out.
    """  # one line per paragraph: rich wraps it to the terminal


@app.command()
def inspect(
    run: str = typer.Argument("demo", help="The run to summarize (default: the shipped demo run)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
    format: Optional[str] = FormatOpt,
    metric: Optional[str] = MetricOpt,
    strict: bool = StrictOpt,
    study: Optional[str] = StudyOpt,
    hyperband: Optional[str] = HyperbandOpt,
    mode: Optional[str] = ModeOpt,
    max_t: Optional[float] = MaxTOpt,
    eta: Optional[float] = EtaOpt,
) -> None:
    """Summarize a run: evaluations, budgets, brackets, the best configuration, the space."""
    from .load import read_run
    from .model.summary import summary

    try:
        r = read_run(run, format=format, metric=metric, options=_reader_options(study, hyperband, mode, max_t, eta))
        _strict(r, strict)
    except BohbvisError as e:
        _fail(e)
    s = summary(r)
    _warn(r.warnings)
    if as_json:
        typer.echo(json.dumps(s, indent=2, sort_keys=True, ensure_ascii=False))
        return
    from ._inspect_view import print_summary

    print_summary(s)


@app.command()
def convert(
    run: str = typer.Argument(..., help="The run to read."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to save the tidy table: .csv or .parquet."),
    format: Optional[str] = FormatOpt,
    metric: Optional[str] = MetricOpt,
    strict: bool = StrictOpt,
    study: Optional[str] = StudyOpt,
    hyperband: Optional[str] = HyperbandOpt,
    mode: Optional[str] = ModeOpt,
    max_t: Optional[float] = MaxTOpt,
    eta: Optional[float] = EtaOpt,
) -> None:
    """Save a run as bohbvis's tidy table (reload it with --data)."""
    from .load import read_run, tidy

    try:
        r = read_run(run, format=format, metric=metric, options=_reader_options(study, hyperband, mode, max_t, eta))
        _strict(r, strict)
        tidy.write(r, output)
    except BohbvisError as e:
        _fail(e)
    typer.echo(f"wrote {output} ({r.n_evaluations} evaluations)")


def _make_deck(story, data, format, metric, theme, strict=False, allow_empty=False, reader=(None,) * 5):
    """The deck both `build` and `export` start from; the run's warnings go to stderr."""
    from . import api

    deck = api.make_deck(story, data=data, format=format, metric=metric, theme=theme, strict=strict,
                         allow_empty=allow_empty, options=_reader_options(*reader), parallel=True)
    _warn([*deck.run.warnings, *deck.warnings])
    return deck


ThemeOpt = typer.Option(None, "--theme", help="A built-in theme (light, dark) or a theme .css file.")


def _with_progress(make_deck):
    """A build that takes over a second shows which step it is on (a wrapper, so _make_deck itself
    stays as plain as the options it passes on)."""
    import functools

    @functools.wraps(make_deck)
    def wrapped(story, *args, **kwargs):
        from ._cli_progress import building_progress

        with building_progress(_count_steps(story) if sys.stderr.isatty() else 0):
            return make_deck(story, *args, **kwargs)

    return wrapped


def _count_steps(story) -> int:
    """How many steps the progress line counts to (0 when the story does not load: make_deck says why)."""
    from .story import load_story

    try:
        return len(load_story(story or "advisor").steps)
    except BohbvisError:
        return 0


_make_deck = _with_progress(_make_deck)


def _html_output(output: Path) -> Path:
    """`build -o`: an HTML file; deck.pdf or slides/ fail before any work, naming `bohbvis export`."""
    from . import api

    try:
        api.check_html_target(output)
    except BohbvisError as e:
        _fail(e)
    return output


@app.command()
def build(
    story: Optional[str] = StoryArg,
    data: Optional[str] = DataOpt,
    output: Path = typer.Option(Path("deck.html"), "-o", "--output", callback=_html_output,
                                help="The HTML file to write (`bohbvis export` writes PDF and PNG)."),
    theme: Optional[str] = ThemeOpt,
    format: Optional[str] = FormatOpt,
    metric: Optional[str] = MetricOpt,
    strict: bool = StrictOpt,
    allow_empty: bool = AllowEmptyOpt,
    study: Optional[str] = StudyOpt,
    hyperband: Optional[str] = HyperbandOpt,
    mode: Optional[str] = ModeOpt,
    max_t: Optional[float] = MaxTOpt,
    eta: Optional[float] = EtaOpt,
) -> None:
    """Build one self-contained HTML slide deck from a story and a run."""
    from . import api

    try:
        api.check_html_target(output)  # a wrong -o fails before any work
        deck = _make_deck(story, data, format, metric, theme, strict, allow_empty, (study, hyperband, mode, max_t, eta))
        path = api.write_html(deck, output)
    except BohbvisError as e:
        _fail(e)
    size = path.stat().st_size
    typer.echo(f"wrote {path} ({len(deck.slides)} slides, {size / 1e6:.1f} MB)")


@app.command()
def watch(
    story: Optional[str] = StoryArg,
    data: Optional[str] = DataOpt,
    port: int = typer.Option(8000, "--port", "-p", metavar="PORT", min=0, max=65535,
                             help="Port on 127.0.0.1 (0: any free port)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the deck in the default browser."),
    theme: Optional[str] = ThemeOpt,
    format: Optional[str] = FormatOpt,
    metric: Optional[str] = MetricOpt,
    strict: bool = StrictOpt,
    allow_empty: bool = AllowEmptyOpt,
    study: Optional[str] = StudyOpt,
    hyperband: Optional[str] = HyperbandOpt,
    mode: Optional[str] = ModeOpt,
    max_t: Optional[float] = MaxTOpt,
    eta: Optional[float] = EtaOpt,
) -> None:
    """Serve the deck on 127.0.0.1 and rebuild it whenever the story, the run or the theme changes.

    The browser reloads on the slide it was on; a broken story shows its errors in the page (fix the file and the deck comes back). Ctrl+C stops the server.
    """
    from .watch import serve

    try:
        serve(story, data=data, port=port, open_browser=open_browser, theme=theme, format=format, metric=metric,
              strict=strict, allow_empty=allow_empty, options=_reader_options(study, hyperband, mode, max_t, eta))
    except BohbvisError as e:
        _fail(e)


@app.command()
def init(
    run: str = typer.Argument("demo", metavar="RUN", help="The run the story is for (default: the shipped demo run)."),
    output: Path = typer.Option(Path("story.yaml"), "-o", "--output", metavar="PATH",
                                help="Where to write the story ('-' prints it)."),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an existing file."),
    format: Optional[str] = FormatOpt,
    metric: Optional[str] = MetricOpt,
    study: Optional[str] = StudyOpt,
    hyperband: Optional[str] = HyperbandOpt,
    mode: Optional[str] = ModeOpt,
    max_t: Optional[float] = MaxTOpt,
    eta: Optional[float] = EtaOpt,
) -> None:
    """Write a starter story for a run: the steps that suit it, each with a comment, ready to edit."""
    from . import api
    from .story.starter import SCHEMA_FILE, schema_text, starter_story

    try:
        r = api.load_run(run, format=format, metric=metric, options=_reader_options(study, hyperband, mode, max_t, eta))
        text = starter_story(r, data=run, story_path=None if str(output) == "-" else output, metric=metric)
        if str(output) == "-":
            typer.echo(text, nl=False)
            return
        if output.exists() and not force:
            raise BohbvisError("the file exists already; bohbvis init does not overwrite it.", file=output,
                               hint="Pass --force to replace it, or -o another name.")
        api.write_atomic(output, text)
        schema_file = api.write_atomic(output.parent / SCHEMA_FILE, schema_text())
    except BohbvisError as e:
        _fail(e)
    _warn(r.warnings)
    typer.echo(f"wrote {output} (and {schema_file.name}, for editor completion): edit it, then `bohbvis watch {output}`")


@app.command()
def validate(story: str = typer.Argument(..., help="The story YAML file to check.")) -> None:
    """Check a story without writing a deck: grammar, theme and (when its run can be read) every
    quoted name — every problem, with file, line, column and key."""
    from . import api

    try:
        st, checked = api.check_story(story)
    except BohbvisError as e:
        _fail(e)
    against = f", names checked against {checked}" if checked else ", names inside run./best. not checked (no run found)"
    typer.echo(f"{story}: valid ({len(st.steps)} steps{against})")


@app.command()
def schema(
    markdown: bool = typer.Option(False, "--markdown", help="Print the story reference (docs/reference.md) instead."),
) -> None:
    """Print the story JSON Schema (for editor completion and checking), or the reference as markdown."""
    if markdown:
        from .story.reference import reference_markdown

        typer.echo(reference_markdown(), nl=False)
        return
    from .story.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False))


@app.command()
def messages(
    lang: str = typer.Option(None, "--lang", help="A language bohbvis ships (e.g. ko): its catalog, to extend or correct."),
) -> None:
    """Print the message template (.pot) to translate the deck's own text: save it as LANG.po next to a
    story with `lang: LANG`, fill in the msgstr lines, and that story's decks are written in LANG."""
    from .i18n.catalog_text import catalog_text

    try:
        typer.echo(catalog_text(lang), nl=False)
    except BohbvisError as e:
        _fail(e)


@app.command()
def export(
    story: Optional[str] = StoryArg,
    data: Optional[str] = DataOpt,
    output: Path = typer.Option(..., "-o", "--output", help="deck.pdf, or slides/ or slide.png for one PNG per slide."),
    scale: float = typer.Option(1.0, "--scale", min=0.25, max=8.0, help="PNG resolution: 1 = 1280×720 pixels."),
    notes: bool = typer.Option(False, "--notes", help="Add the speaker notes under each slide."),
    charts: Optional[Path] = typer.Option(None, "--charts", help="Also write every chart alone into this folder (SVG, PNG, PDF)."),
    theme: Optional[str] = ThemeOpt,
    format: Optional[str] = FormatOpt,
    metric: Optional[str] = MetricOpt,
    strict: bool = StrictOpt,
    allow_empty: bool = AllowEmptyOpt,
    study: Optional[str] = StudyOpt,
    hyperband: Optional[str] = HyperbandOpt,
    mode: Optional[str] = ModeOpt,
    max_t: Optional[float] = MaxTOpt,
    eta: Optional[float] = EtaOpt,
) -> None:
    """Export the deck as PDF or PNG pages, without a browser."""
    from .export import export_deck

    try:
        deck = _make_deck(story, data, format, metric, theme, strict, allow_empty, (study, hyperband, mode, max_t, eta))
        written = export_deck(deck, output, scale=scale, notes=notes, charts_dir=charts, progress=True)
    except BohbvisError as e:
        _fail(e)
    typer.echo(f"wrote {written}")


@app.command()
def advise(
    run: str = typer.Argument("demo", help="The run to learn from (default: the shipped demo run)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output",
                                          help="Write the advised space: space.json (ConfigSpace JSON) or space.yaml."),
    by: str = typer.Option("loss", "--by", help="Which configurations are best: loss (hpbandster's rule) or accuracy."),
    top: Optional[int] = typer.Option(None, "--top", min=1, help="How many top configurations to learn from (default: the best 15 %)."),
    format: Optional[str] = FormatOpt,
    metric: Optional[str] = MetricOpt,
    lang: Optional[str] = typer.Option(None, "--lang", help="Write the reasons (on the terminal and in the written "
                                       "space's meta) in this language, e.g. ko; default English."),
) -> None:
    """Advise the next run: a narrowed or widened search space and budgets, each change with its reason."""
    from . import api
    from ._advice_view import print_advice
    from .i18n import available, using

    try:
        if by not in ("loss", "accuracy"):
            raise BohbvisError(f"--by {by!r} is not allowed.", key="--by", allowed="loss, accuracy")
        if lang is not None and lang.split("-")[0].lower() not in available():
            raise BohbvisError(f"--lang {lang!r}: bohbvis has no messages for this language.", key="--lang",
                               allowed=", ".join(available()))
        with using(lang):
            advice = api.advise(run, by=by, top=top, format=format, metric=metric)
            path = api.write_advice(advice, output) if output is not None else None
    except BohbvisError as e:
        _fail(e)
    with using(lang):
        print_advice(advice)
    if path is not None:
        typer.echo(f"wrote {path} (ConfigSpace {'JSON' if path.suffix.lower() == '.json' else 'YAML'})")


# A build allocates millions of short-lived objects (Altair copies a chart at every call that
# composes it): at the default threshold (700) the collector runs thousands of times and walks
# pandas' and Altair's objects again and again — 0.3–0.5 s of a 3 s build, measured. A larger
# first generation, as mypy does for the same reason.
GC_THRESHOLD = (200_000, 30, 30)


def main() -> None:  # pragma: no cover - the `bohbvis` command and `python -m bohbvis`
    """The command line, tuned for a one-shot process: fewer garbage collections, and no
    teardown at exit — freeing every object of pandas, Altair and the deck takes 0.1–0.3 s and
    serves nothing once the outputs are written and closed (mypy's hard_exit does the same)."""
    import gc

    gc.set_threshold(*GC_THRESHOLD)
    try:
        app(prog_name="bohbvis")
        code = 0
    except SystemExit as e:
        code = e.code
    if code is not None and not isinstance(code, int):  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        code = 1
    _exit_now(code or 0)


def _exit_now(code: int) -> None:
    """Flush what was written to stdout/stderr, then leave without the interpreter's teardown."""
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`bohbvis … | head`) or stream
            pass
    os._exit(code)
