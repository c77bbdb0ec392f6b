"""The kinds title, markdown and chart, built on the real runs in tests/data."""

from __future__ import annotations

import dataclasses
import json
from types import MappingProxyType

import pandas as pd
import pytest

from bohbvis.errors import BohbvisError
from bohbvis.load import read_run
from bohbvis.steps import chart, markdown, title
from bohbvis.steps._base import DESIGN_HEIGHT, DESIGN_WIDTH, Html, Link, Table, UserText
from bohbvis.story import load_story
from bohbvis.options import StepOptions

from testdata import HPB, assert_snapshot


def options(module, index=0, text=None, title_=None, **values) -> StepOptions:
    v = {name: opt.default for name, opt in module.OPTIONS.items() if name not in ("text", "title")}
    v.update(values)
    return StepOptions(kind=module.KIND, title=title_, text=text, values=MappingProxyType(v), index=index)


def compiles(spec: dict) -> dict:
    """The spec as Vega: Vega-Lite's own compiler accepts it (no errors, no warnings)."""
    import vl_convert as vlc

    assert chart.spec_problems({k: v for k, v in spec.items() if k != "data"}, "spec") == []
    return vlc.vegalite_to_vega(spec, vl_version="6.4")


# --- title -------------------------------------------------------------------------------------


def test_title_fact_line_on_every_fixture_run(fixture_run):
    s = title.build(fixture_run, options(title, title_="My run", subtitle="Sub", author="Yuna", date="2024"))
    facts = title.fact_line(fixture_run)
    assert (s.kind, s.title, s.subtitle, s.layout) == ("title", "My run", "Sub", "title")
    assert s.blocks[0] == UserText()
    assert Html(f"<p class=\"facts-line\">{facts}</p>") in s.blocks
    assert s.numbers == {"title": {"facts": facts}}
    assert f"{fixture_run.n_evaluations:,} evaluation" in facts
    assert f"{len(fixture_run.brackets)} bracket" in facts


@pytest.mark.parametrize(
    "name, expected",
    [
        ("deepcave_BOHB_run_1", "BOHB run · 65 evaluations · 4 brackets · budgets 9–243"),
        ("deepcave_BOHB_run_4", "BOHB run · 1,768 evaluations · 16 brackets · budgets 1–81 · 4 crashed"),
        ("hpbandster_example_5_mnist", "BOHB run · 113 evaluations · 16 brackets · budgets 1–9"),
    ],
)
def test_title_fact_line_values(name, expected):
    assert title.fact_line(read_run(HPB / name)) == expected


def test_title_byline_is_escaped_and_facts_can_be_hidden(fixture_run):
    s = title.build(fixture_run, options(title, author="<b>Yuna</b>", facts=False))
    html = "".join(b.html for b in s.blocks if isinstance(b, Html))
    assert "&lt;b&gt;Yuna&lt;/b&gt;" in html and "facts-line" not in html


# --- markdown ----------------------------------------------------------------------------------


def test_markdown_one_and_two_columns(fixture_run):
    one = markdown.build(fixture_run, options(markdown, text="Hello"))
    assert one.blocks == (UserText(),) and one.layout == "stack"
    two = markdown.build(fixture_run, options(markdown, text="a\n---\nb", columns=2))
    assert two.blocks == (UserText(), UserText()) and two.layout == "columns"
    with pytest.raises(BohbvisError) as info:
        markdown.build(fixture_run, options(markdown, text="no break", columns=2))
    assert info.value.problems[0].key == "text"


# --- chart: shorthand --------------------------------------------------------------------------


def test_chart_builds_a_valid_vega_lite_chart_on_every_fixture_run(fixture_run):
    hp = fixture_run.space[0]
    s = chart.build(fixture_run, options(chart, index=4, x=f"{hp.name}", y="loss:Q", color="sample_type:N",
                                         where={"status": "ok"}))
    (c,) = s.charts
    spec = dict(c.spec)
    assert c.id == "s4-chart" and s.layout == "stack"
    assert spec["width"] == chart.WIDTH <= DESIGN_WIDTH and spec["height"] == chart.HEIGHT <= DESIGN_HEIGHT
    assert spec["encoding"]["x"]["field"] == hp.column  # a bare hyperparameter name works
    values = spec["data"]["values"]
    n_ok = int((fixture_run.table["status"] == "ok").sum())
    assert len(values) == min(n_ok, chart.MAX_POINTS) == s.numbers["chart"]["n_rows"]
    # Only the columns the chart uses are embedded.
    assert set(values[0]) == {"sample_id", hp.column, "loss", "sample_type"}
    assert all(v["loss"] is not None for v in values)
    json.dumps(spec, allow_nan=False)  # JSON-able, no NaN
    compiles(spec)


def test_chart_aggregate_bar(fixture_run):
    s = chart.build(fixture_run, options(chart, x="budget:O", y="mean(loss):Q", mark="bar"))
    spec = dict(s.charts[0].spec)
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"] == {"aggregate": "mean", "field": "loss", "title": "mean loss", "type": "quantitative"}
    # An aggregated chart has no per-evaluation tooltip.
    assert [t.get("field") for t in spec["encoding"]["tooltip"]] == ["budget", "loss"]
    assert s.title == "mean loss by budget"
    assert set(spec["data"]["values"][0]) == {"budget", "loss"}  # no per-evaluation ids when aggregated
    compiles(spec)


def test_chart_brush_links_a_table():
    run = read_run(HPB / "hpbandster_example_5_mnist")
    s = chart.build(run, options(chart, index=2, x="lr:Q", y="accuracy:Q", color="sample_type:N", brush=True))
    c, table = s.charts[0], s.tables[0]
    assert s.layout == "columns" and s.blocks[0] == UserText()
    assert c.links == (Link(param="brush", key="sample_id"),)
    assert dict(c.spec)["params"] == [{"name": "brush", "select": {"type": "interval", "encodings": ["x", "y"]}}]
    assert dict(c.spec)["encoding"]["color"]["condition"]["param"] == "brush"
    assert isinstance(table, Table) and table.follows == ("s2-chart",) and table.key == "sample_id"
    assert [col.key for col in table.columns] == ["sample_id", "budget", "sample_type", "accuracy", "config_lr"]
    assert table.sort == "-accuracy"
    # Rows carry the fields the brush filters on.
    assert len(table.rows) == run.n_evaluations and {"config_lr", "accuracy"} <= set(table.rows[0])
    compiles(dict(c.spec))


def test_chart_log_scale_for_log_hyperparameters():
    run = read_run(HPB / "deepcave_BOHB_run_4")
    logs = [hp for hp in run.space if hp.log and hp.is_numeric]
    assert logs, "deepcave_BOHB_run_4 has log-scaled hyperparameters"
    s = chart.build(run, options(chart, x=logs[0].name, y="loss:Q"))
    assert dict(s.charts[0].spec)["encoding"]["x"]["scale"] == {"type": "log"}
    s = chart.build(run, options(chart, x=logs[0].name, y="loss:Q", x_scale="linear"))
    assert "scale" not in dict(s.charts[0].spec)["encoding"]["x"]


def test_chart_samples_big_runs_with_a_fixed_seed_and_says_so():
    run = read_run(HPB / "deepcave_BOHB_run_4")
    big = pd.concat([run.table] * 4, ignore_index=True)
    big["sample_id"] = [f"{s}#{i}" for i, s in enumerate(big["sample_id"])]
    big_run = dataclasses.replace(run, table=big)
    opts = options(chart, x="budget:Q", y="loss:Q", caption="Mine.")
    a, b = chart.build(big_run, opts), chart.build(big_run, opts)
    values = dict(a.charts[0].spec)["data"]["values"]
    assert len(values) == chart.MAX_POINTS
    assert a.charts[0].caption.startswith("Mine. Showing a random sample of 5,000 of 7,072 evaluations")
    assert a.numbers["chart"] == {"n_rows": 5000, "n_total": 7072, "sampled": True}
    assert json.dumps(dict(a.charts[0].spec), sort_keys=True) == json.dumps(dict(b.charts[0].spec), sort_keys=True)


def test_chart_snapshot():
    run = read_run(HPB / "deepcave_BOHB_run_1")
    s = chart.build(run, options(chart, index=3, x="x:Q", y="loss:Q", color="sample_type:N", brush=True,
                                 tooltip=["sample_id", "budget:O", "loss"]))
    spec = dict(s.charts[0].spec)
    assert spec.pop("$schema").startswith("https://vega.github.io/schema/vega-lite/v6")  # (Altair's patch version)
    assert_snapshot("story_chart_step_run_1", spec)


@pytest.mark.parametrize(
    "values, key, words",
    [
        ({"x": "learning_rate:Q"}, "x", "no column 'learning_rate'"),
        ({"x": "budget:O", "y": "mean(acuracy):Q"}, "y", "no column 'acuracy'"),
        ({"x": "budget", "tooltip": ["los"]}, "tooltip[0]", "no column 'los'"),
        ({"x": "budget", "where": {"budget": 5}}, "where.budget", "no evaluation has budget = 5"),
        ({"x": "budget:O", "y": "count()", "brush": True}, "brush", "brush needs"),
        # Names may hold colons (auto-sklearn's classifier:max_depth): this is column "budget:Q".
        ({"x": "budget:Q:Q"}, "x", "no column 'budget:Q'"),
        ({"x": "sum(loss):W"}, "x", "cannot read"),
        ({}, "x", "needs x or y"),
        ({"x": "budget", "where": {"status": {"a": 1}}}, "where.status", "a value or a list"),
    ],
)
def test_chart_errors_name_the_key(values, key, words):
    run = read_run(HPB / "deepcave_BOHB_run_1")
    with pytest.raises(BohbvisError) as info:
        chart.build(run, options(chart, **values))
    p = info.value.problems[0]
    assert p.key == key and words in p.message, str(p)


def test_chart_unknown_column_lists_columns_and_suggests():
    run = read_run(HPB / "hpbandster_example_5_mnist")
    with pytest.raises(BohbvisError) as info:
        chart.build(run, options(chart, x="dropout:Q", y="accurcy"))
    x, y = info.value.problems
    assert "config_dropout_rate" in x.allowed and y.hint == "Did you mean 'accuracy'?"


# --- chart: a full Vega-Lite spec ---------------------------------------------------------------


def test_chart_spec_gets_the_runs_table_and_only_the_columns_it_names(fixture_run):
    spec = {"mark": "boxplot", "transform": [{"filter": "datum.status == 'ok'"}],
            "encoding": {"x": {"field": "budget", "type": "ordinal"}, "y": {"field": "loss", "type": "quantitative"}}}
    s = chart.build(fixture_run, options(chart, index=1, spec=spec, caption="Boxes."))
    out = dict(s.charts[0].spec)
    assert set(out["data"]["values"][0]) == {"sample_id", "budget", "loss", "status"}
    assert len(out["data"]["values"]) == min(fixture_run.n_evaluations, chart.MAX_POINTS)
    assert (out["width"], out["height"]) == (chart.WIDTH, chart.HEIGHT)
    assert s.charts[0].caption.startswith("Boxes.")
    assert "data" not in spec  # the story's own spec is not changed
    compiles(out)


def test_chart_spec_keeps_its_own_values_and_concat_sizes():
    run = read_run(HPB / "deepcave_BOHB_run_1")
    spec = {"data": {"values": [{"a": 1}]}, "hconcat": [{"mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}}]}
    out = dict(chart.build(run, options(chart, spec=spec)).charts[0].spec)
    assert out["data"] == {"values": [{"a": 1}]} and "width" not in out


@pytest.mark.parametrize(
    "spec, key, words",
    [
        ({"mark": "pointy"}, "spec.mark", "'pointy' is not allowed"),
        ({"mark": "point", "encoding": {"x": {"field": "loss", "type": "quant"}}}, "spec.encoding.x.type", "'quant'"),
        ({"mark": "point", "encodin": {}}, "spec.encodin", "unknown Vega-Lite key"),
        ({"mark": "point", "data": {"url": "https://example.com/x.csv"}}, "spec.data.url", "URL"),
        ({"layer": [{"mark": "line", "encoding": {"y": {"field": "loss", "type": "quantitative", "aggregate": "meen"}}}]},
         "spec.layer[0].encoding.y.aggregate", "'meen'"),
    ],
)
def test_chart_spec_is_checked_against_vega_lite(spec, key, words):
    run = read_run(HPB / "deepcave_BOHB_run_1")
    with pytest.raises(BohbvisError) as info:
        chart.build(run, options(chart, spec=spec))
    assert any(p.key == key and words in p.message for p in info.value.problems), info.value


def test_chart_spec_errors_are_placed_in_the_story_file(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("title: t\nsteps:\n  - kind: chart\n    spec:\n      mark: point\n"
                 "      encoding:\n        x: {field: loss, type: quant}\n", encoding="utf-8")
    with pytest.raises(BohbvisError) as info:
        load_story(f)
    (p,) = info.value.problems
    assert (p.line, p.column, p.key) == (7, 32, "steps[0].spec.encoding.x.type")
    assert "quantitative" in p.allowed
