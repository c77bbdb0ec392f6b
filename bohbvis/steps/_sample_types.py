"""Sample types (random / BO / promoted): one fixed order, so colors match on every slide.

The types are data values (the link layer and the colors match on them), so they stay as they
are in the data; legends and tooltips show them in the deck's language through a Vega
expression built from the catalog (`sample_type_label_expr`)."""

from __future__ import annotations

import json

import pandas as pd

from ..i18n import current, tr
from ..model.run import SAMPLE_TYPES, Run

# The fixed order of sample types: with the theme's category palette it gives the same colors
# on every slide (random, BO, promoted).
SAMPLE_TYPE_ORDER: tuple[str, ...] = tuple(SAMPLE_TYPES)
SAMPLE_TYPE_TITLE = "sample type"  # the English title; sample_type_title() in the deck's language


def sample_type_title() -> str:
    return tr("sample type")


def sample_type_labels() -> dict[str, str]:
    """Each sample type (and "unknown", see origins) as the deck's language writes it."""
    return {"random": tr("random"), "BO": tr("BO"), "promoted": tr("promoted"), "unknown": tr("unknown")}


def sample_type_label(value: str) -> str:
    """One sample type for text and tables ('random' -> '무작위'); other values as they are."""
    return sample_type_labels().get(value, value)


def sample_type_label_expr(field: str = "datum.label") -> str | None:
    """A Vega expression turning the sample type in `field` into its label (a legend's
    `labelExpr` with the default; `datum.sample_type` for a calculate transform feeding a
    tooltip). None when every label is the value itself (English): specs stay as they were."""
    labels = {k: v for k, v in sample_type_labels().items() if k != v}
    if not labels:
        return None
    expr = field
    for value, label in reversed(sorted(labels.items())):
        expr = f"{field} === {json.dumps(value)} ? {json.dumps(label, ensure_ascii=False)} : {expr}"
    return expr


def sample_type_color(**kwargs):
    """Color encoding for sample_type with the fixed domain order (colors match across slides).
    Extra keyword arguments (legend=, title=, …) go to `alt.Color`. The legend's labels are in
    the deck's language; the values (and so the colors and links) stay the data's."""
    import altair as alt

    kwargs.setdefault("title", sample_type_title())
    expr = sample_type_label_expr()
    if expr and kwargs.get("legend", alt.Undefined) is not None:
        legend = kwargs.get("legend")
        legend = alt.Legend() if legend is None or legend is alt.Undefined else legend.copy()
        if legend._get("labelExpr", alt.Undefined) is alt.Undefined:
            legend.labelExpr = expr
        kwargs["legend"] = legend
    return alt.Color("sample_type:N", scale=alt.Scale(domain=list(SAMPLE_TYPE_ORDER)), **kwargs)


def origins(run: Run) -> pd.Series:
    """Where each configuration came from (config_id -> "random" | "BO"): the sample type of its
    first evaluation. A promoted row keeps the origin of the configuration it continues."""
    t = run.table.sort_values(["bracket", "round", "trial"], kind="stable")
    first = t.drop_duplicates("config_id", keep="first").set_index("config_id")["sample_type"]
    # A configuration first seen as "promoted" (its lower round is missing from the logs) has
    # no known origin.
    return first.where(first != "promoted", "unknown")
