"""Sample types (random / BO / promoted): one fixed order, so colors match on every slide."""

from __future__ import annotations

import pandas as pd

from ..model.run import SAMPLE_TYPES, Run

# The fixed order of sample types: with the theme's category palette it gives the same colors
# on every slide (random, BO, promoted).
SAMPLE_TYPE_ORDER: tuple[str, ...] = tuple(SAMPLE_TYPES)
SAMPLE_TYPE_TITLE = "sample type"


def sample_type_color(**kwargs):
    """Color encoding for sample_type with the fixed domain order (colors match across slides).
    Extra keyword arguments (legend=, title=, …) go to `alt.Color`."""
    import altair as alt

    kwargs.setdefault("title", SAMPLE_TYPE_TITLE)
    return alt.Color("sample_type:N", scale=alt.Scale(domain=list(SAMPLE_TYPE_ORDER)), **kwargs)


def origins(run: Run) -> pd.Series:
    """Where each configuration came from (config_id -> "random" | "BO"): the sample type of its
    first evaluation. A promoted row keeps the origin of the configuration it continues."""
    t = run.table.sort_values(["bracket", "round", "trial"], kind="stable")
    first = t.drop_duplicates("config_id", keep="first").set_index("config_id")["sample_type"]
    # A configuration first seen as "promoted" (its lower round is missing from the logs) has
    # no known origin.
    return first.where(first != "promoted", "unknown")
