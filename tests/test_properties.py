"""Property tests: any input either loads or raises the project's own error, within a time bound.

Hypothesis writes stories (YAML text and dicts), templates, and run files for every reader
(hpbandster's JSON lines and configspace.json, the seed's CSV, the tidy CSV); each example must
either load or raise BohbvisError (TemplateError for the template engine alone), never another
exception, and within the deadline. Examples are few and small, so the file runs in about a minute.
"""

from __future__ import annotations

import json
import os
import math
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from bohbvis.errors import BohbvisError
from bohbvis.load import read_run
from bohbvis.story import load_story
from bohbvis.story import template

SCALE = int(os.environ.get("BOHBVIS_FUZZ_SCALE", "1"))  # BOHBVIS_FUZZ=1 BOHBVIS_FUZZ_SCALE=10: a longer, random hunt
SETTINGS = dict(deadline=timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow],
                derandomize=os.environ.get("BOHBVIS_FUZZ") != "1", database=None)

# --- the story loader --------------------------------------------------------------------------

KINDS = ["title", "markdown", "chart", "overview", "brackets", "best", "table", "budgets", "bogus", None, 3]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["{{ run.n_evaluations }}", "{{", "}}", "{{ best.x | pct(2) }}",
                                                           "*a", "&a", "\u2028", "</script>", "x: y", "- z"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                      max_leaves=12)
step = st.fixed_dictionaries({"kind": st.sampled_from(KINDS)},
                             optional={"title": values, "text": values, "notes": values, "x": values, "y": values,
                                       "spec": values, "fragments": values, "columns": values, "mark": values})
story_dict = st.fixed_dictionaries({"title": values},
                                   optional={"steps": st.one_of(st.lists(step, max_size=4), values),
                                             "theme": values, "lang": values, "data": values, "metric": values,
                                             "subtitle": values, "date": values, "extra_key": values})


@settings(max_examples=150 * SCALE, **SETTINGS)
@given(story_dict)
def test_story_dicts_load_or_raise_bohbvis_error(doc):
    try:
        load_story(doc)
    except BohbvisError:
        pass


YAML_BITS = ["title: x\n", "steps:\n", "  - kind: title\n", "  - kind: markdown\n    text: hi\n", "  - {kind: chart, x: 'a:b'}\n",
             "a: &a [1, 2]\n", "b: *a\n", "c: *zz\n", "<<: *a\n", "\t", ": :\n", "- - -\n", "'unclosed\n", '"\\x"\n',
             "{{ run.n }}\n", "!!python/object:os.system ls\n", "? complex\n: key\n", "%YAML 1.1\n---\n", "...\n",
             "title: {{ run.n_evaluations }}\n", "steps: [", "]\n", "\ufeff", "\x00", "\u2028", "---\n", "#c\n"]


@settings(max_examples=200 * SCALE, **SETTINGS)
@given(st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=12)), max_size=12))
def test_story_files_load_or_raise_bohbvis_error(parts):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "story.yaml"
        path.write_text("".join(parts), encoding="utf-8", errors="surrogatepass")
        try:
            load_story(path)
        except BohbvisError:
            pass


# --- the template engine -------------------------------------------------------------------------

CONTEXT = {"run": {"n_evaluations": 561, "budgets": [1.0, 3.0, 9.0], "eta": 3, "name": "<b>", "none": None,
                   "nested": {"deep": [1, 2, {"x": math.nan}]}},
           "best": {"accuracy": 0.97, "loss": float("inf")}}
TEMPLATE_BITS = ["{{", "}}", "\\{{", "run", ".", "n_evaluations", "budgets", "best", "accuracy", "|", "pct", "num",
                 "(2)", "(", ")", " ", "int", "budget", "value", "nested.deep.2.x", "0", "loss", "none", "name", "\n"]


@settings(max_examples=300 * SCALE, **SETTINGS)
@given(st.lists(st.one_of(st.sampled_from(TEMPLATE_BITS), st.text(max_size=5)), max_size=16))
def test_templates_render_or_raise_template_error(parts):
    text = "".join(parts)
    try:
        out = template.render(text, CONTEXT, {"best": "no best configuration"})
    except template.TemplateError as e:
        assert 0 <= e.offset <= len(text)
        return
    assert isinstance(out, str)


# --- every reader -------------------------------------------------------------------------------

DEMO = Path(__file__).resolve().parents[1] / "bohbvis" / "load" / "demo_run"
DEMO_CONFIGS = (DEMO / "configs.json").read_text(encoding="utf-8").splitlines()[:40]
DEMO_RESULTS = (DEMO / "results.json").read_text(encoding="utf-8").splitlines()[:40]

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=6), inner, max_size=5)),
    max_leaves=10)
config_ids = st.one_of(st.lists(st.integers(-2, 3), min_size=3, max_size=3), json_values)
result_line = st.tuples(config_ids, st.one_of(st.sampled_from([1.0, 3.0, 9.0, 27.0, 0, -1]), json_values),
                        st.one_of(st.fixed_dictionaries({}, optional={"submitted": json_values, "started": json_values,
                                                                      "finished": json_values}), json_values),
                        st.one_of(st.none(), st.fixed_dictionaries({"loss": json_values}, optional={"info": json_values}),
                                  json_values),
                        st.one_of(st.none(), st.text(max_size=20)))


def _load(folder: Path):
    try:
        run = read_run(folder)
    except BohbvisError:
        return None
    assert run.n_evaluations >= 1
    return run


@settings(max_examples=80 * SCALE, **SETTINGS)
@given(st.lists(st.one_of(result_line.map(lambda t: json.dumps(list(t))), st.sampled_from(DEMO_RESULTS),
                          st.text(max_size=20)), min_size=0, max_size=8))
def test_hpbandster_results_load_or_raise_bohbvis_error(lines):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "configs.json").write_text("\n".join(DEMO_CONFIGS) + "\n", encoding="utf-8")
        (folder / "results.json").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        _load(folder)


@settings(max_examples=60 * SCALE, **SETTINGS)
@given(st.lists(st.one_of(st.tuples(config_ids, json_values, json_values).map(lambda t: json.dumps(list(t))),
                          st.sampled_from(DEMO_CONFIGS)), max_size=6),
       st.one_of(st.none(), json_values.map(json.dumps),
                 st.fixed_dictionaries({"hyperparameters": st.lists(
                     st.one_of(json_values, st.fixed_dictionaries(
                         {"name": json_values, "type": st.sampled_from(["uniform_float", "uniform_int", "categorical",
                                                                        "ordinal", "constant", "x"])},
                         optional={"lower": json_values, "upper": json_values, "choices": json_values,
                                   "sequence": json_values, "log": json_values, "value": json_values})), max_size=4)},
                     optional={"conditions": json_values}).map(json.dumps)))
def test_hpbandster_configs_and_space_load_or_raise_bohbvis_error(config_lines, space):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "configs.json").write_text("\n".join(config_lines) + "\n", encoding="utf-8")
        (folder / "results.json").write_text("\n".join(DEMO_RESULTS) + "\n", encoding="utf-8")
        if space is not None:
            (folder / "configspace.json").write_text(space, encoding="utf-8")
        _load(folder)


@settings(max_examples=60 * SCALE, **SETTINGS)
@given(st.binary(max_size=300))
def test_hpbandster_bytes_load_or_raise_bohbvis_error(data):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "configs.json").write_text("\n".join(DEMO_CONFIGS) + "\n", encoding="utf-8")
        (folder / "results.json").write_bytes(data)
        _load(folder)


cells = st.one_of(st.sampled_from(["0-0-0", "0-1-0", "1-0-2", "1", "3", "9", "-1", "0", "random", "samples", "BO",
                                   "ok", "crashed", "0.5", "nan", "inf", "", "adam", '"q,"', "1e999", "c0"]),
                  st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6))
SEED_COLUMNS = ["Sample Id", "Budget", "Sample type", "Learning rate", "Optimizer", "Loss", "Accuracy", "config_x.y",
                "sample_id", "budget", "sample_type", "sample_loss", "bogus"]
TIDY_COLUMNS = ["sample_id", "config_id", "bracket", "round", "trial", "budget", "sample_type", "status", "loss",
                "accuracy", "config_a:b", "config_<b>", "started"]


def _csv(columns, rows) -> str:
    return "\n".join([",".join(columns)] + [",".join(r) for r in rows]) + "\n"


@settings(max_examples=80 * SCALE, **SETTINGS)
@given(st.sampled_from([SEED_COLUMNS[:7], SEED_COLUMNS[8:12], TIDY_COLUMNS[:10], TIDY_COLUMNS]).flatmap(
    lambda cols: st.tuples(st.permutations(cols).map(lambda c: list(c)[: max(3, len(c) - 1)] if len(c) > 8 else list(c)),
                           st.lists(st.lists(cells, min_size=len(cols), max_size=len(cols)), max_size=5))))
def test_csv_tables_load_or_raise_bohbvis_error(table):
    columns, rows = table
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "run.csv"
        path.write_text(_csv(columns, [r[: len(columns)] for r in rows]), encoding="utf-8")
        try:
            read_run(path)
        except BohbvisError:
            pass


# Every registered reader (new ones too, as they join READERS) on bytes it cannot expect: a file
# with each suffix readers look for, and a folder of such files.
SUFFIXES = ["results.json", "configs.json", "run.csv", "run.parquet", "study.db", "run.json", "experiment_state.json",
            "runhistory.json", "progress.csv", "result.json", "params.json"]


@settings(max_examples=40 * SCALE, **SETTINGS)
@given(st.sampled_from(SUFFIXES), st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()),
                                            st.text(max_size=80).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_every_reader_loads_or_raises_bohbvis_error(name, data):
    from bohbvis.load import READERS

    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "run"
        folder.mkdir()
        (folder / name).write_bytes(data)
        for fmt in [None, *READERS]:
            for target in (folder, folder / name):
                try:
                    read_run(target, format=fmt)
                except BohbvisError:
                    pass
