"""`bohbvis schema`: Draft 2020-12, made from the same descriptors the loader validates with."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from bohbvis.errors import BohbvisError
from bohbvis.story import load_story
from bohbvis.story.grammar import DECK_OPTIONS, KindUnavailable, load_kind, plain, step_options
from bohbvis.story.schema import json_schema

STORIES = Path(__file__).parent / "data" / "stories"


@pytest.fixture(scope="module")
def validator():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def yaml_data(name: str):
    # As an editor sees the file: plain data (a YAML date read as the text written).
    return plain(YAML(typ="safe").load((STORIES / name).read_text(encoding="utf-8")))


def test_schema_is_draft_2020_12_and_json(validator):
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False and schema["required"] == ["title", "steps"]
    json.dumps(schema, sort_keys=True)  # plain JSON
    assert json_schema() == schema  # same every time


@pytest.mark.parametrize("name", ["good_minimal.yaml", "good_full.yaml", "bad_template_names.yaml",
                                  "bad_chart_columns.yaml"])
def test_schema_accepts_the_stories_the_loader_accepts(validator, name):
    load_story(STORIES / name)  # (template names and columns need the run: both accept these)
    assert list(validator.iter_errors(yaml_data(name))) == []


def test_schema_rejects_the_bad_story(validator):
    errors = {tuple(e.absolute_path): e for e in validator.iter_errors(yaml_data("bad_many.yaml"))}
    assert set(errors) >= {(), ("lang",), ("steps", 0), ("steps", 1, "kind"), ("steps", 2),
                           ("steps", 2, "fragments"), ("steps", 3, "columns")}
    assert "tittle" in errors[()].message or "title" in errors[()].message
    assert "subtitel" in errors[("steps", 0)].message


def test_every_kind_lists_exactly_the_keys_the_loader_accepts():
    defs = json_schema()["$defs"]
    for kind in defs["step"]["properties"]["kind"]["enum"]:
        try:
            module = load_kind(kind)
        except KindUnavailable:
            continue  # another engineer's kind, not importable yet: covered by the next test
        props = defs[f"step_{kind}"]["properties"]
        assert set(props) == {"kind", *step_options(module)}, kind
        assert defs[f"step_{kind}"]["additionalProperties"] is False
        assert all("description" in p for p in props.values()), kind
    deck = json_schema()["properties"]
    assert set(deck) == set(DECK_OPTIONS)


def test_unavailable_kind_still_gives_a_schema(monkeypatch):
    import bohbvis.steps as steps

    real_get = steps.get

    def broken(kind):
        if kind == "table":
            raise ImportError("not written yet")
        return real_get(kind)

    monkeypatch.setattr(steps, "get", broken)
    schema = json_schema()
    assert "unavailable" in schema["$defs"]["step_table"]["description"]
    jsonschema.Draft202012Validator.check_schema(schema)


STEP_CASES = [
    {"kind": "markdown", "text": "x"},
    {"kind": "markdown", "text": "x", "columns": 3},
    {"kind": "markdown", "text": 5},
    {"kind": "markdown"},
    {"kind": "markdown", "text": "x", "colums": 2},
    {"kind": "markdown", "text": "x", "fragments": "yes"},
    {"kind": "title", "facts": False, "subtitle": 2024},
    {"kind": "title", "facts": 1},
    {"kind": "title", "columns": 2},
    {"kind": "chart", "x": "budget:O", "mark": "bar"},
    {"kind": "chart", "x": "budget:O", "mark": "pie"},
    {"kind": "chart", "x": "budget:O", "tooltip": ["loss", "budget"]},
    {"kind": "chart", "x": "budget:O", "tooltip": [1, 2]},
    {"kind": "chart", "x": "budget:O", "where": ["status"]},
    {"kind": "chart", "x": "budget:O", "brush": "on"},
    {"kind": "chart", "x": "budget:O", "x_scale": "logarithmic"},
    {"kind": "charts", "x": "budget:O"},
]


@pytest.mark.parametrize("step", STEP_CASES, ids=lambda s: json.dumps(s))
def test_loader_and_schema_agree_on_types_and_keys(validator, step):
    story = {"title": "t", "steps": [step]}
    schema_ok = not list(validator.iter_errors(story))
    try:
        load_story(story)
        loader_ok = True
    except BohbvisError:
        loader_ok = False
    assert schema_ok == loader_ok
