"""Hand-made decks for the export tests: real Altair charts over the real runs in tests/data.

(Other tests/test_export_*.py import `hand_deck` / `korean_deck` from here.)
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from bohbvis.render.deck import Deck
from bohbvis.steps._base import Chart, Column, Html, Link, Markdown, Slide, Table
from bohbvis.steps._html import esc


def _metric(run) -> tuple[str, str]:
    return ("accuracy", "accuracy") if run.has_accuracy else ("loss", "loss (lower is better)")


def _scatter(run, chart_id: str, title: str = "") -> Chart:
    field, label = _metric(run)
    df = run.table[["sample_id", "budget", "loss", field, "sample_type", "bracket"]].dropna(subset=[field])
    df = df.loc[:, ~df.columns.duplicated()]
    brush = alt.selection_interval(name="brush")
    chart = (
        alt.Chart(df).mark_point(filled=True, size=40)
        .encode(x=alt.X("budget:Q", scale=alt.Scale(type="log"), title="budget"),
                y=alt.Y(f"{field}:Q", title=label),
                color=alt.Color("sample_type:N", title="sample type"),
                tooltip=["sample_id", "budget", field])
        .properties(width=900, height=380, title=title)
        .add_params(brush)
    )
    return Chart(id=chart_id, spec=chart.to_dict(), links=(Link("brush"),),
                 caption="Every evaluation; brush to list them.", state="No selection: all evaluations shown")


def _lines(run, chart_id: str) -> Chart:
    field, label = _metric(run)
    df = run.table.dropna(subset=[field]).groupby(["bracket", "round"], as_index=False)[field].mean()
    chart = (
        alt.Chart(df).mark_line(point=True)
        .encode(x=alt.X("round:O"), y=alt.Y(f"{field}:Q", title=f"mean {label}"), color=alt.Color("bracket:N"))
        .properties(width=900, height=360)
    )
    return Chart(id=chart_id, spec=chart.to_dict(), state="Showing the mean per round")


def _heatmap(run, chart_id: str) -> Chart:
    cols = [c for c in run.table.columns if c.startswith("config_")][:8]
    num = run.table[cols + ["loss"]].apply(pd.to_numeric, errors="coerce")
    corr = num.corr()["loss"].drop("loss").fillna(0).reset_index()
    corr.columns = ["hyperparameter", "r"]
    chart = (
        alt.Chart(corr).mark_rect()
        .encode(x=alt.X("hyperparameter:N"), color=alt.Color("r:Q", scale=alt.Scale(domain=[-1, 1], scheme="redblue")))
        .properties(width=800, height=80)
    )
    return Chart(id=chart_id, spec=chart.to_dict())


def _table(run, table_id: str, follows: tuple[str, ...] = ()) -> Table:
    field, label = _metric(run)
    rows = tuple(run.table[["sample_id", "budget", "sample_type", field]].to_dict("records"))
    return Table(id=table_id, columns=(Column("sample_id", "sample"), Column("budget", "budget", "budget"),
                                       Column("sample_type", "type"), Column(field, label, "num")),
                 rows=rows, sort="budget", follows=follows, static_rows=10)


def hand_deck(run, *, title: str = "A BOHB run, explained", lang: str = "en") -> Deck:
    """Six slides: title, text with a link, scatter, lines + state, heatmap, long table."""
    slides = (
        Slide(kind="title", title=title, layout="title", subtitle="hand-made export test deck",
              blocks=(Markdown("For the advisor meeting."),)),
        Slide(kind="markdown", title="How BOHB spends its budget",
              blocks=(Markdown("- Hyperband brackets: many cheap runs, few expensive ones\n"
                               "- BO proposes configurations from a model\n"
                               "- See [hpbandster](https://github.com/automl/HpBandSter)", fragments=True),),
              notes="Say that **eta = 3** keeps a third of the runs each round."),
        Slide(kind="loss_accuracy", title="Every evaluation", blocks=(_scatter(run, "s3-scatter"),)),
        Slide(kind="brackets", title="Mean per round, per bracket",
              blocks=(_lines(run, "s4-lines"), Markdown("Later rounds are better.")), layout="stack"),
        Slide(kind="correlations", title="Which hyperparameters matter",
              blocks=(_heatmap(run, "s5-heat"), Html(f"<p class='note'>{esc('r < 0 → lower loss')}</p>"))),
        Slide(kind="table", title="The evaluations", blocks=(_table(run, "t6"),)),
    )
    return Deck(title=title, lang=lang, theme="light", theme_base=None, slides=slides, run=run)


KOREAN_WORDS = ("브래킷", "예산", "최적화", "결과")


def korean_deck(run) -> Deck:
    """A Korean story: titles, text, a chart title and notes in Hangul."""
    scatter = _scatter(run, "k2-scatter", title="예산별 결과")
    slides = (
        Slide(kind="title", title="BOHB 최적화 결과", layout="title", subtitle="지도교수님께 드리는 설명",
              blocks=(Markdown("윤아의 실험"),)),
        Slide(kind="loss_accuracy", title="예산과 결과", blocks=(Markdown("각 브래킷의 예산이 늘어납니다."), scatter),
              notes="브래킷마다 설명하기"),
    )
    return Deck(title="BOHB 최적화 결과", lang="ko", theme="light", theme_base=None, slides=slides, run=run)


@pytest.fixture(scope="session")
def mnist_run():
    from bohbvis.load import read_run

    return read_run(Path(__file__).parent / "data" / "hpbandster" / "hpbandster_example_5_mnist")


def test_hand_deck_is_made_of_real_charts(mnist_run):
    deck = hand_deck(mnist_run)
    assert len(deck.slides) == 6
    charts = [c for s in deck.slides for c in s.charts]
    assert [c.id for c in charts] == ["s3-scatter", "s4-lines", "s5-heat"]
    assert all(c.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/") for c in charts)
    assert len(charts[0].spec["datasets"][next(iter(charts[0].spec["datasets"]))]) == len(mnist_run.table)
