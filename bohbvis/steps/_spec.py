"""Altair chart -> the Vega-Lite dict a Chart block carries, without validating it on every build.

Altair's `to_dict()` checks the whole spec against the Vega-Lite JSON Schema each time (a large
part of a build's time). The specs the step kinds make are the same shapes on every run, so they
are validated once, in the tests (tests/test_spec_schema.py validates every built-in step's spec),
not on every `bohbvis build`.

Altair also converts a chart's DataFrame to JSON rows for every view that draws it, even when
several layers draw the same frame (a few ms each: a copy and a pass per column). `vega_lite`
converts each frame once per spec, through Altair's own data-transformer plugin API, wrapping
whatever transformer is active: the same rows, the same dataset names, the same spec.

How the step kinds build charts cheaply (the Vega-Lite stays what the fluent calls would give):
- channels as typed objects (`alt.X2("x2:Q")`, `alt.Text("label:N")`, `opacity_condition`), never
  "field:type" strings or dicts in `.encode()`: Altair types those through `from_dict`, which
  rebuilds a table of every schema class on each call;
- layers and concatenations made by one constructor call with their properties
  (`alt.LayerChart(layer=[...], width=...)`, `alt.HConcatChart(hconcat=[...], resolve=...)`):
  each fluent call on a composite (`.properties`, `.resolve_scale`) copies every chart inside it.
"""

from __future__ import annotations

import threading
from typing import Any

_ONCE = "bohbvis-convert-once"
# The active transformer is Altair's global state: one spec at a time swaps it (threads would
# gain nothing anyway, to_dict holds the GIL), so no call restores another call's state.
_ONE_AT_A_TIME = threading.Lock()


def vega_lite(chart: Any) -> dict:
    """The chart's Vega-Lite spec as a plain dict (schema validation happens in the tests)."""
    import altair as alt

    with _ONE_AT_A_TIME:
        if _ONCE not in alt.data_transformers.names():
            alt.data_transformers.register(_ONCE, _convert_once)
        # Enabled only for this call (the context restores the active transformer and its
        # options); the cache lives as long as the call, so a frame changed later is converted anew.
        with alt.data_transformers.enable(_ONCE, inner=alt.data_transformers.get(), converted={}):
            return chart.to_dict(validate=False)


def _convert_once(data: Any, *, inner: Any, converted: dict) -> Any:
    """`inner(data)`, computed once per data object. The object is kept with its rows, so its id
    cannot be reused by another object while the cache lives."""
    key = id(data)
    if key not in converted:
        converted[key] = (data, inner(data))
    return converted[key][1]


def opacity_condition(predicate: Any, if_true: float, if_false: float):
    """`alt.condition(predicate, alt.value(if_true), alt.value(if_false))` for the opacity
    channel, as the typed `alt.OpacityValue`: `alt.condition` returns a plain dict, and a dict
    in `.encode()` makes Altair find its class through `from_dict`, which rebuilds a table of
    every schema class on each call. Same Vega-Lite either way.

    A selection parameter's condition is typed exactly as `from_dict` types it: a chart holding a
    selection gets its view name from a hash of its encoding's repr, which must not change."""
    import altair as alt

    if isinstance(predicate, alt.Parameter):
        return alt.OpacityValue(value=if_false, condition=alt.ConditionalParameterValueDefnumberExprRef(
            param=alt.ParameterName(predicate.name), value=if_true))
    return alt.OpacityValue(**alt.condition(predicate, alt.value(if_true), alt.value(if_false)))
