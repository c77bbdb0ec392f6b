"""The story's JSON Schema (Draft 2020-12), made from the same option descriptors the loader uses.

Editors use it for completion and checking, e.g. with the YAML language server:

    # yaml-language-server: $schema=story.schema.json     (from `bohbvis schema > story.schema.json`)

A step is `{"kind": …}` plus, per kind, `if kind == X then` the keys of X with
`additionalProperties: false`, so an unknown key is an error in the editor as in `bohbvis validate`.
"""

from __future__ import annotations

from typing import Any

from .grammar import (
    COMMON_STEP_OPTIONS,
    DECK_OPTIONS,
    KindUnavailable,
    kind_description,
    kind_names,
    load_kind,
    step_options,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    kinds = kind_names()
    deck = {name: opt.json_schema() for name, opt in DECK_OPTIONS.items() if name != "steps"}
    deck["steps"] = {
        "description": DECK_OPTIONS["steps"].doc,
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/$defs/step"},
    }
    defs: dict[str, Any] = {
        "step": {
            "description": "One slide: its kind, and that kind's keys.",
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"description": "What the slide shows.", "enum": list(kinds)}},
            "allOf": [
                {"if": {"properties": {"kind": {"const": k}}, "required": ["kind"]},
                 "then": {"$ref": f"#/$defs/step_{k}"}}
                for k in kinds
            ],
        }
    }
    for kind in kinds:
        defs[f"step_{kind}"] = _kind_schema(kind)
    return {
        "$schema": DRAFT,
        "title": "bohbvis story",
        "description": "A story: deck-level keys and the ordered steps (slides) built from a BOHB run.",
        "type": "object",
        "properties": deck,
        "required": [k for k, o in DECK_OPTIONS.items() if o.required],
        "additionalProperties": False,
        "$defs": defs,
    }


def _kind_schema(kind: str) -> dict[str, Any]:
    try:
        module = load_kind(kind)
    except KindUnavailable as e:
        # Still a usable schema: the common keys, anything else allowed (`validate` reports the kind).
        return {
            "description": f"{kind} (unavailable in this installation: {e})",
            "type": "object",
            "properties": {"kind": {"const": kind},
                           **{n: o.json_schema() for n, o in COMMON_STEP_OPTIONS.items()}},
        }
    table = step_options(module)
    return {
        "description": kind_description(module, kind),
        "type": "object",
        "properties": {"kind": {"const": kind, "description": kind_description(module, kind)},
                       **{name: opt.json_schema() for name, opt in table.items()}},
        "required": ["kind", *[n for n, o in table.items() if o.required]],
        "additionalProperties": False,
    }
