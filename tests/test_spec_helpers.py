"""bohbvis/steps/_spec.py: the cheaper ways to Altair's spec give exactly what Altair gives.

`vega_lite` converts a DataFrame drawn by several views once; `opacity_condition` is a typed
`alt.condition`. Both must leave the Vega-Lite (key order, dataset names, view names) as it was.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from bohbvis.steps._spec import opacity_condition, vega_lite


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"x": [1.0, 2.5, float("nan")], "y": [3, 1, 2], "k": ["a", "b", None]})


def _layered(df: pd.DataFrame, other: pd.DataFrame) -> alt.HConcatChart:
    # The same frame in three views (one of them in each concatenated layer), another in one.
    dots = alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q")
    text = alt.Chart(df).mark_text().encode(x="x:Q", y="y:Q", text="k:N")
    rule = alt.Chart(other).mark_rule().encode(y="y:Q")
    return alt.hconcat(alt.layer(dots, text), alt.layer(rule, dots))


def test_vega_lite_is_altairs_spec_for_frames_drawn_by_several_views():
    df, other = _frame(), _frame().assign(y=[7, 8, 9])
    chart = _layered(df, other)
    expected = chart.to_dict(validate=False)
    got = vega_lite(chart)
    assert json.dumps(got) == json.dumps(expected)  # same keys in the same order, same rows
    assert len(got["datasets"]) == 2


def test_vega_lite_converts_a_changed_frame_anew_and_restores_the_transformer():
    df = _frame()
    chart = alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q")
    before = (alt.data_transformers.active, dict(alt.data_transformers.options))
    first = vega_lite(chart)
    assert (alt.data_transformers.active, dict(alt.data_transformers.options)) == before
    df.loc[0, "y"] = 42  # the same object, other rows: the next spec must show them
    second = vega_lite(chart)
    assert [r["y"] for r in next(iter(second["datasets"].values()))] == [42, 1, 2]
    assert second["data"] != first["data"]


def test_vega_lite_keeps_the_active_transformers_limits():
    big = pd.DataFrame({"x": range(6000)})
    with pytest.raises(alt.MaxRowsError):
        vega_lite(alt.Chart(big).mark_point().encode(x="x:Q"))


@pytest.mark.parametrize("predicate", ["datum.shown", alt.selection_point(name="pick", fields=["k"])])
def test_opacity_condition_is_alt_condition(predicate):
    typed = opacity_condition(predicate, 1.0, 0.2)
    plain = alt.Chart().encode(opacity=alt.condition(predicate, alt.value(1.0), alt.value(0.2))).encoding.opacity
    assert isinstance(typed, alt.OpacityValue)
    assert json.dumps(typed.to_dict()) == json.dumps(plain.to_dict())


def test_opacity_condition_keeps_a_selection_charts_view_name():
    # Altair names a view holding a selection by a hash of its encoding's repr (in a concat).
    pick = alt.selection_point(name="pick", fields=["k"])
    df = _frame()

    def spec(opacity):
        left = alt.Chart(df).mark_point().encode(x="x:Q", opacity=opacity).add_params(pick)
        return vega_lite(alt.hconcat(left, alt.Chart(df).mark_bar().encode(x="x:Q")))

    plain = spec(alt.condition(pick, alt.value(1.0), alt.value(0.2)))
    typed = spec(opacity_condition(pick, 1.0, 0.2))
    assert typed["hconcat"][0]["name"] == plain["hconcat"][0]["name"]
    assert json.dumps(typed) == json.dumps(plain)
