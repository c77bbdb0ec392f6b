"""The `bohbvis` command: a thin layer over bohbvis.api (nothing imports this module)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import BohbvisError

app = typer.Typer(
    name="bohbvis",
    help="Explain a BOHB run as one offline, interactive slide deck (HTML), or as PDF/PNG.",
    no_args_is_help=True,
    add_completion=False,
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


StoryArg = typer.Argument(None, help="A story YAML file, or a built-in story name (advisor, newcomer). Default: advisor.")


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
                         allow_empty=allow_empty, options=_reader_options(*reader))
    _warn(deck.run.warnings)
    return deck


ThemeOpt = typer.Option(None, "--theme", help="A built-in theme (light, dark) or a theme .css file.")


@app.command()
def build(
    story: Optional[str] = StoryArg,
    data: Optional[str] = DataOpt,
    output: Path = typer.Option(Path("deck.html"), "-o", "--output", help="The HTML file to write."),
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
def schema() -> None:
    """Print the story JSON Schema (for editor completion and checking)."""
    from .story.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False))


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
) -> None:
    """Advise the next run: a narrowed or widened search space and budgets, each change with its reason."""
    from . import api
    from ._advice_view import print_advice

    try:
        if by not in ("loss", "accuracy"):
            raise BohbvisError(f"--by {by!r} is not allowed.", key="--by", allowed="loss, accuracy")
        advice = api.advise(run, by=by, top=top, format=format, metric=metric)
        path = api.write_advice(advice, output) if output is not None else None
    except BohbvisError as e:
        _fail(e)
    print_advice(advice)
    if path is not None:
        typer.echo(f"wrote {path} (ConfigSpace {'JSON' if path.suffix.lower() == '.json' else 'YAML'})")


def main() -> None:  # pragma: no cover - `python -m bohbvis`
    app()
