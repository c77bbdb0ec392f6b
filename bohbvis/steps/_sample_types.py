"""Sample types (random / BO / promoted): one fixed order, so colors match on every slide.

The types are data values (the link layer and the colors match on them), so they stay as they
are in the data; legends and tooltips show them in the deck's language through a Vega
expression built from the catalog (`sample_type_label_expr`)."""

from __future__ import annotations

import json
from typing import Any, Mapping

import pandas as pd

from ..i18n import tr
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


LABEL_FIELD = "sample_type_label"  # the calculated field a translated tooltip shows
_LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "opacity", "size")
_AXIS_CHANNELS = ("x", "y")
_SKIP = frozenset({"data", "datasets"})


def localize_sample_types(spec: Any) -> Any:
    """A Vega-Lite spec whose sample types read in the deck's language wherever they are shown
    as words: legends and axes get a `labelExpr`, tooltips a calculated label field. Scales,
    filters, selections and data keep the values, so colors and links stay the same. Applied to
    every chart (Chart.__post_init__), so a step's own legends and tooltips need nothing more;
    English (and any spec without a sample_type field) comes back as it was."""
    expr = sample_type_label_expr()
    if expr is None:
        return spec
    changed, out = _localize(spec, expr, sample_type_label_expr("datum.sample_type"))
    return out if changed else spec


def _is_sample_type(channel: Any) -> bool:
    return isinstance(channel, Mapping) and channel.get("field") == "sample_type"


def _localize(node: Any, label_expr: str, field_expr: str) -> tuple[bool, Any]:
    if isinstance(node, list):
        results = [_localize(v, label_expr, field_expr) for v in node]
        return (True, [v for _, v in results]) if any(c for c, _ in results) else (False, node)
    if not isinstance(node, Mapping):
        return False, node
    changed, out = False, dict(node)
    for key, value in node.items():
        if key in _SKIP or key == "encoding":
            continue
        c, v = _localize(value, label_expr, field_expr)
        if c:
            changed, out[key] = True, v
    encoding = node.get("encoding")
    if isinstance(encoding, Mapping):
        enc, tip_changed = dict(encoding), False
        for name, guide, channels in (("legend", "legend", _LEGEND_CHANNELS), ("axis", "axis", _AXIS_CHANNELS)):
            for ch in channels:
                channel = enc.get(ch)
                # alt.when(…).then(color) puts the field (and its legend) in the condition
                conditional = isinstance(channel, Mapping) and _is_sample_type(channel.get("condition"))
                target = channel["condition"] if conditional else channel
                if _is_sample_type(target) and target.get(guide, {}) is not None \
                        and "labelExpr" not in (target.get(guide) or {}):
                    target = {**target, guide: {**(target.get(guide) or {}), "labelExpr": label_expr}}
                    enc[ch] = {**channel, "condition": target} if conditional else target
                    changed = True
        tips = enc.get("tooltip")
        if isinstance(tips, (list, Mapping)):
            listed = tips if isinstance(tips, list) else [tips]
            if any(_is_sample_type(t) for t in listed):
                new = [{**t, "field": LABEL_FIELD, **({} if "title" in t else {"title": sample_type_title()})}
                       if _is_sample_type(t) else t for t in listed]
                enc["tooltip"] = new if isinstance(tips, list) else new[0]
                tip_changed = changed = True
        if changed:
            out["encoding"] = enc
        if tip_changed:
            out["transform"] = [*(node.get("transform") or []), {"calculate": field_expr, "as": LABEL_FIELD}]
    return changed, out


def origins(run: Run) -> pd.Series:
    """Where each configuration came from (config_id -> "random" | "BO"): the sample type of its
    first evaluation. A promoted row keeps the origin of the configuration it continues."""
    t = run.table.sort_values(["bracket", "round", "trial"], kind="stable")
    first = t.drop_duplicates("config_id", keep="first").set_index("config_id")["sample_type"]
    # A configuration first seen as "promoted" (its lower round is missing from the logs) has
    # no known origin.
    return first.where(first != "promoted", "unknown")
