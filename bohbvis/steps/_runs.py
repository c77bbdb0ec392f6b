"""Several runs on one slide: one colour per run, the same on every slide of the deck.

The colour follows the run's place in the story's `data:` mapping (first, second, …), and every
chart's scale lists all the deck's runs, so a run keeps its colour even on a slide where another
run has no data.
"""

from __future__ import annotations

from typing import Mapping

from ..errors import BohbvisError
from ..model.run import Run

# Okabe–Ito: told apart with the common colour-vision deficiencies; fixed (not the theme's palette) so
# a run has the same colour in every theme and on every slide.
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def run_scale(names) -> dict:
    """Vega-Lite scale (as kwargs for alt.Scale): the deck's runs in order, their colours."""
    names = list(names)
    return {"domain": names, "range": list(RUN_COLORS[: len(names)])}


def run_color(names, legend=True, title: str | None = None):
    import altair as alt

    from ..i18n import tr

    title = tr("run") if title is None else title

    leg = alt.Legend(orient="top", title=title) if legend is True else legend
    return alt.Color("run:N", scale=alt.Scale(**run_scale(names)), legend=leg)


def need_runs(runs: Mapping[str, Run] | None, kind: str) -> Mapping[str, Run]:
    if not runs or len(runs) < 2:
        raise BohbvisError(f"a {kind} step compares runs, but this deck has one.", key="kind",
                           hint="Name two or more runs at the top of the story: "
                                "data: {first: runs/a, second: runs/b}.")
    return runs
