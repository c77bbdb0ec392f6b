"""The hand-made test decks the browser tests drive (built from a real run in tests/data)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent.parent / "data"
MNIST = DATA / "hpbandster" / "hpbandster_example_5_mnist"

# Slide indices of the standard test deck (see make_deck below).
TITLE, BULLETS, SCATTER, LINE, RECEIVER = range(5)
COUNT_SLIDES = 5


def scatter_spec(table, width=470, height=420) -> dict:
    import altair as alt

    brush = alt.selection_interval(name="brush", encodings=["x", "y"])
    return (
        alt.Chart(table[["sample_id", "loss", "accuracy", "sample_type", "budget"]])
        .mark_circle(size=70, opacity=0.85)
        .encode(
            x=alt.X("loss:Q", title="loss"),
            y=alt.Y("accuracy:Q", title="accuracy", axis=alt.Axis(format="%")),
            color=alt.when(brush).then(alt.Color("sample_type:N", title="sample type")).otherwise(alt.value("#c8cdd3")),
            tooltip=["sample_id", "loss", "accuracy", "sample_type"],
        )
        .add_params(brush)
        .properties(width=width, height=height)
        .to_dict()
    )


def line_spec(table) -> dict:
    import altair as alt

    means = table.groupby(["bracket", "round"], as_index=False)["accuracy"].mean()
    return (
        alt.Chart(means)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(x=alt.X("round:O", title="round"), y=alt.Y("accuracy:Q", title="mean accuracy", axis=alt.Axis(format="%")),
                color=alt.Color("bracket:N", title="bracket"))
        .properties(width=1000, height=380)
        .to_dict()
    )


def receiver_spec(table) -> dict:
    import altair as alt

    picked = alt.param(name="picked", value=[])
    is_picked = "indexof(picked, datum.sample_id) >= 0"
    return (
        alt.Chart(table[["sample_id", "budget", "loss"]])
        .mark_circle(size=80)
        .encode(
            x=alt.X("budget:Q", scale=alt.Scale(type="log", base=3), title="budget"),
            y=alt.Y("loss:Q", title="loss"),
            color=alt.when(is_picked).then(alt.value("#d55e00")).otherwise(alt.value("#b9c0c8")),
            opacity=alt.when(is_picked).then(alt.value(1.0)).otherwise(alt.value(0.5)),
        )
        .add_params(picked)
        .properties(width=1000, height=260)
        .to_dict()
    )


def make_deck(run, *, title="Test deck: a BOHB run", theme="light", text_extra="", data_extra=None):
    """Five slides: title, bullets with fragments and notes, brushable scatter + linked table,
    a line chart, and a chart (plus a table) on a later slide that receive the carried selection."""
    from bohbvis.render.deck import Deck
    from bohbvis.steps._base import CARRIED, Chart, Column, Link, Markdown, Slide, Table

    table = run.table
    if data_extra:
        table = table.assign(**{k: v for k, v in data_extra.items()})
    rows = tuple(table[["sample_id", "bracket", "budget", "sample_type", "loss", "accuracy"]].to_dict("records"))
    slides = (
        Slide(kind="title", title=title, layout="title", subtitle="Test deck for *bohbvis*",
              blocks=(Markdown("Yuna Jeon · lab meeting" + text_extra),)),
        Slide(kind="markdown", title="How BOHB spends its budget",
              blocks=(Markdown("- Hyperband runs **brackets** of successive halving\n"
                               "- each round keeps the best third\n- BO proposes new configurations"
                               + text_extra, fragments=True),),
              notes="Say that *eta = 3*.\n\n- point at the first bracket"),
        Slide(kind="loss_accuracy", title="Loss against accuracy", layout="columns",
              blocks=(
                  Chart(id="s2-scatter", spec=scatter_spec(table), links=(Link("brush", carry=True),),
                        caption="Brush to list the configurations.", state="No selection"),
                  Table(id="s2-table", follows=("s2-scatter",), rows=rows, sort="-accuracy",
                        columns=(Column("sample_id", "sample"), Column("budget", "budget", "budget"),
                                 Column("sample_type", "type"), Column("loss", "loss", "num"),
                                 Column("accuracy", "accuracy", "pct"))),
              )),
        Slide(kind="brackets", title="Mean accuracy per round",
              blocks=(Markdown("Every bracket improves as its rounds advance."),
                      Chart(id="s3-line", spec=line_spec(table), state="Showing the mean"))),
        Slide(kind="chart", title="The brushed configurations, by budget",
              blocks=(Chart(id="s4-receiver", spec=receiver_spec(table), receive="picked"),
                      Table(id="s4-carried", follows=(CARRIED,), rows=rows, sort="loss",
                            empty_text="Nothing was carried.",
                            columns=(Column("sample_id", "sample"), Column("budget", "budget", "budget"),
                                     Column("loss", "loss", "num"))))),
    )
    return Deck(title=title, lang="en", theme=theme, theme_base=None, slides=slides, run=run)
