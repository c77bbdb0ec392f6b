"""Altair chart -> the Vega-Lite dict a Chart block carries, without validating it on every build.

Altair's `to_dict()` checks the whole spec against the Vega-Lite JSON Schema each time (a large
part of a build's time). The specs the step kinds make are the same shapes on every run, so they
are validated once, in the tests (tests/test_spec_schema.py validates every built-in step's spec),
not on every `bohbvis build`.
"""

from __future__ import annotations

from typing import Any


def vega_lite(chart: Any) -> dict:
    """The chart's Vega-Lite spec as a plain dict (schema validation happens in the tests)."""
    return chart.to_dict(validate=False)


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
