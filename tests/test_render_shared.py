"""The deck's shared evaluation table: every view's rows come back exactly, each value is stored
once, and row lists that cannot be shared stay as they were."""

from __future__ import annotations

import json

import pytest

from bohbvis import api
from bohbvis.render import html as render
from bohbvis.render._shared import REF, expand, share
from bohbvis.render.theme import load_theme


def unshared(deck, monkeypatch) -> dict:
    with monkeypatch.context() as m:
        m.setattr(render, "share", lambda datasets, tables: None)
        return render.deck_data(deck, load_theme("light"))


@pytest.fixture(scope="module", params=["advisor", "newcomer"])
def story_deck(request, demo_run):
    return api.make_deck(request.param, data=demo_run)


def test_every_view_reads_back_exactly_its_own_rows(story_deck, monkeypatch):
    data = render.deck_data(story_deck, load_theme("light"))
    plain = unshared(story_deck, monkeypatch)
    # Through JSON, as the deck carries it: same rows, same values, same types.
    assert json.dumps(expand(json.loads(render.script_json(data))), sort_keys=True) == json.dumps(
        json.loads(render.script_json(plain)), sort_keys=True)


def test_tables_and_point_charts_point_into_one_compact_table(story_deck, monkeypatch):
    data = render.deck_data(story_deck, load_theme("light"))
    plain = unshared(story_deck, monkeypatch)
    shared = data["evaluations"]
    n_eval = len(story_deck.run.table)
    assert shared["key"] == "sample_id" and len(shared["keys"]) == len(set(shared["keys"])) <= n_eval
    big_tables = [t for t in plain["tables"].values() if len(t["rows"]) > 100]
    assert big_tables and all(REF in data["tables"][t["id"]]["rows"] for t in big_tables)
    # No row list of evaluations is left inline in the deck.
    inline = [rows for rows in data["datasets"].values() if isinstance(rows, list)]
    assert not any(len(rows) > 100 and "sample_id" in rows[0] for rows in inline)
    # Columns keep no field name per row: the data is a fraction of the inline form.
    assert len(render.script_json(data)) < 0.3 * len(render.script_json(plain))


def test_a_field_with_other_values_gets_its_own_column_and_types_stay_apart():
    datasets = {
        "a": [{"sample_id": "s1", "v": 1, "t": "x"}, {"sample_id": "s2", "v": 2, "t": "y"}],
        "b": [{"sample_id": "s2", "v": 2, "t": "y"}, {"sample_id": "s3", "v": 3, "t": "z"}],  # agrees: joins
        "c": [{"sample_id": "s1", "v": 1.5, "t": "x"}],  # another v for s1: a new column
        "d": [{"sample_id": "s1", "v": True, "t": "x"}],  # True is not 1
        "e": [{"sample_id": "s1", "v": 1.0, "t": "x"}],  # 1.0 is not 1 either (JSON keeps them apart)
    }
    before = json.loads(json.dumps(datasets))
    shared = share(datasets, {})
    assert shared["keys"] == ["s1", "s2", "s3"]
    fields = {name: ref[REF]["fields"]["v"] for name, ref in datasets.items()}
    assert fields == {"a": "v", "b": "v", "c": "v~1", "d": "v~2", "e": "v~3"}
    assert {ref[REF]["fields"]["t"] for ref in datasets.values()} == {"t"}
    assert datasets["b"][REF]["rows"] == [[1, 2]]  # positions as runs
    back = expand({"datasets": datasets, "tables": {}, "evaluations": shared})["datasets"]
    assert json.dumps(back, sort_keys=True) == json.dumps(before, sort_keys=True)
    assert type(back["d"][0]["v"]) is bool and type(back["e"][0]["v"]) is float


def test_rows_that_cannot_be_shared_stay_inline():
    datasets = {
        "repeated": [{"sample_id": "s1", "v": 1}, {"sample_id": "s1", "v": 2}],  # one row per (sample, hp)
        "ragged": [{"sample_id": "s1", "v": 1}, {"sample_id": "s2"}],
        "no key": [{"v": 1}],
        "empty": [],
        "not rows": {"url": "x"},
    }
    before = json.loads(json.dumps(datasets))
    tables = {"t": {"id": "t", "key": "config_id", "rows": [{"config_id": "c", "sample_id": "s1"}]}}
    assert share(datasets, tables) is None
    assert datasets == before and tables["t"]["rows"] == [{"config_id": "c", "sample_id": "s1"}]


def test_a_column_few_rows_have_stores_only_those_rows_and_text_is_coded():
    many = [{"sample_id": f"s{i}", "kind": "BO" if i % 3 else "random"} for i in range(30)]
    few = [{"sample_id": "s7", "rank": 1, "kind": "BO"}, {"sample_id": "s8", "rank": 2, "kind": "BO"}]
    # s7's kind disagrees (a column "kind~1"), and a real field is called "kind~1": never merged.
    clash = [{"sample_id": "s7", "kind~1": 5, "kind": "other"}]
    datasets = {"many": many, "few": few, "clash": clash}
    shared = share(datasets, {})
    assert shared["columns"]["rank"] == {"at": [[7, 2]], "values": [1, 2]}
    assert shared["columns"]["kind"] == {"levels": ["BO", "random"], "codes": [1 if i % 3 == 0 else 0 for i in range(30)]}
    assert shared["columns"]["kind~1"] == {"at": [[7, 1]], "values": ["other"]}
    assert shared["columns"]["kind~1~"] == {"at": [[7, 1]], "values": [5]}
    back = expand({"datasets": datasets, "tables": {}, "evaluations": shared})["datasets"]
    assert back["many"] == many and back["few"] == few and back["clash"] == clash
