"""Loading and validating stories: real YAML files in, every problem out at once, exactly placed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bohbvis.errors import BohbvisError
from bohbvis.story import load_story

STORIES = Path(__file__).parent / "data" / "stories"


def problems_of(source):
    with pytest.raises(BohbvisError) as info:
        load_story(source)
    return info.value.problems


def test_minimal_story_loads_with_defaults():
    st = load_story(STORIES / "good_minimal.yaml")
    assert st.title == "A minimal deck"
    assert (st.theme, st.lang, st.data) == ("light", "en", None)
    assert st.data_path() == "demo"
    title, text = st.steps
    # The title slide takes the deck's title when it sets none.
    assert (title.options.kind, title.options.title, title.options.index) == ("title", "A minimal deck", 0)
    assert title.options.get("facts") is True
    assert text.options.kind == "markdown" and text.options.get("columns") == 1
    assert text.options.text == "This run has {{ run.n_evaluations }} evaluations."
    assert text.options.title is None and text.options.fragments is False
    assert text.place.line == 4 and text.place.column == 5
    # A one-line plain scalar: positions inside the text map onto the file exactly.
    assert text.key_places["text"].line == 5 and text.key_places["text"].column == 11
    assert text.key_places["text"].verbatim


def test_full_story_every_key():
    st = load_story(STORIES / "good_full.yaml")
    assert st.subtitle == "Results of one BOHB run" and st.author == "Yuna Jeon"
    assert st.date == "2024-05-01"  # YAML reads a date; the story keeps the text the author wrote
    assert (st.theme, st.lang, st.metric) == ("dark", "en", "validation accuracy")
    assert st.data_path() == STORIES / "../hpbandster/hpbandster_example_5_mnist"
    title, md, chart, spec = st.steps
    # Deck-level subtitle/author/date flow into the title step's options.
    assert title.options.get("subtitle") == "Results of one BOHB run"
    assert title.options.get("author") == "Yuna Jeon" and title.options.get("date") == "2024-05-01"
    assert md.options.fragments is True and md.options.get("columns") == 2
    assert md.options.notes.startswith("The chart on the next slide")
    # A `|` block: its text starts on the next line, at the block's indentation, line for line.
    p = md.key_places["text"]
    assert (p.line, p.column, p.verbatim) == (19, 7, True)
    assert p.within(1, 19) == type(p)(20, 26, True)  # line 2 of the text, column 20 of it
    v = chart.options.values
    assert v["x"] == "lr:Q" and v["where"] == {"status": "ok"} and v["brush"] is True
    assert v["tooltip"] == ["sample_id", "budget:O", "accuracy:Q"] and v["x_scale"] == "log"
    assert v["spec"] is None and v["mark"] == "point"
    assert type(v["where"]) is dict  # plain Python, not ruamel's node types
    assert spec.options.get("spec")["encoding"]["x"] == {"field": "budget", "type": "ordinal"}
    # Nested keys are placed too, so a later error can point inside a spec.
    assert spec.place_of("spec.encoding.y.type").line == 43
    assert spec.key_path("spec.mark") == "steps[3].spec.mark"


def test_bad_story_reports_every_problem_with_file_line_column_and_key():
    path = STORIES / "bad_many.yaml"
    probs = problems_of(path)
    got = [(p.line, p.column, p.key) for p in probs]
    assert got == [
        (1, 1, "tittle"),
        (1, 1, "title"),
        (2, 7, "lang"),
        (5, 5, "steps[0].subtitel"),
        (6, 11, "steps[1].kind"),
        (8, 5, "steps[2].text"),
        (9, 16, "steps[2].fragments"),
        (13, 14, "steps[3].text"),
        (14, 14, "steps[3].columns"),
        (16, 20, "steps[4].text"),
        (16, 48, "steps[4].text"),
        (18, 8, "steps[5].x"),
        (19, 18, "steps[5].spec.mark"),
    ]
    assert all(p.file == str(path) for p in probs)
    by_key = {}
    for p in probs:
        by_key.setdefault(p.key, []).append(p)
    assert by_key["tittle"][0].hint == "Did you mean 'title'?"
    assert "steps" in by_key["tittle"][0].allowed
    assert "missing" in by_key["title"][0].message
    assert by_key["steps[0].subtitel"][0].hint == "Did you mean 'subtitle'?"
    kind = by_key["steps[1].kind"][0]
    assert kind.hint == "Did you mean 'brackets'?" and "loss_accuracy" in kind.allowed
    assert "got the text 'yes'" in by_key["steps[2].fragments"][0].message
    assert "missing" in by_key["steps[2].text"][0].message
    assert by_key["steps[3].text"][0].hint == "Did you mean 'pct'?"
    assert by_key["steps[3].columns"][0].allowed == "1, 2"
    rnu, sampling = by_key["steps[4].text"]
    assert rnu.hint == "Did you mean 'run'?" and "no 'sampling' step" in sampling.message
    assert by_key["steps[5].spec.mark"][0].hint == "Did you mean 'point'?"
    # The message a person reads: file:line:col: key: what, allowed, did-you-mean.
    text = str(problems_of(path)[4])
    assert text.startswith(f"{path}:6:11: steps[1].kind: unknown kind 'bracket'.")
    assert text.endswith("Did you mean 'brackets'?")


def test_yaml_syntax_error_has_file_line_column():
    path = STORIES / "bad_syntax.yaml"
    (p,) = problems_of(path)
    assert (p.file, p.line, p.column) == (str(path), 6, 1)
    assert "YAML syntax error" in p.message and "line 4, column 11" in p.message


def test_duplicate_key_is_a_yaml_error(tmp_path):
    f = tmp_path / "dup.yaml"
    f.write_text("title: a\nsteps:\n  - kind: title\n    title: x\n    title: y\n", encoding="utf-8")
    (p,) = problems_of(f)
    assert p.line == 5 and "duplicate key" in p.message


@pytest.mark.parametrize(
    "text, line, column, key, words",
    [
        ("title: t\nsteps: []\n", 2, 8, "steps", "list of steps"),
        ("title: t\nsteps:\n  - markdown\n", 3, 5, "steps[0]", "mapping with a kind"),
        ("title: t\nsteps:\n  - title: no kind\n", 3, 5, "steps[0].kind", "no 'kind'"),
        ("title: [a, b]\nsteps:\n  - kind: title\n", 1, 8, "title", "expected text"),
        ("title: t\nsteps:\n  - kind: markdown\n    text: 'a {{ run.x'\n", 4, 14, "steps[0].text", "never closed"),
        ("title: t\nsteps:\n  - kind: markdown\n    text: x\n    columns: 2\n", 4, 11, "steps[0].text", "---"),
    ],
)
def test_more_mistakes(tmp_path, text, line, column, key, words):
    f = tmp_path / "s.yaml"
    f.write_text(text, encoding="utf-8")
    (p,) = problems_of(f)
    assert (p.line, p.column, p.key) == (line, column, key), str(p)
    assert words in str(p)


def test_empty_and_non_mapping_and_non_utf8(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n", encoding="utf-8")
    assert "empty" in problems_of(empty)[0].message
    listed = tmp_path / "list.yaml"
    listed.write_text("- kind: title\n", encoding="utf-8")
    assert "mapping" in problems_of(listed)[0].message
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\nsteps: [{kind: title}]\n".encode("latin-1"))
    assert "UTF-8" in problems_of(latin)[0].message


def test_missing_file_lists_builtin_stories(monkeypatch, tmp_path):
    import bohbvis.builtin as builtin

    fake = {"advisor": tmp_path / "advisor.yaml", "newcomer": tmp_path / "newcomer.yaml"}
    (tmp_path / "advisor.yaml").write_text("title: Built in\nsteps: [{kind: title}]\n", encoding="utf-8")
    monkeypatch.setattr(builtin, "builtin_stories", lambda: fake)
    (p,) = problems_of("advisr")
    assert "advisor, newcomer" in p.allowed and p.hint == "Did you mean 'advisor'?"
    assert load_story("advisor").title == "Built in"  # a bare name resolves to the built-in story
    (p,) = problems_of(tmp_path)
    assert "folder" in p.message


def test_story_as_dict_and_its_errors():
    st = load_story({"title": "From Python", "steps": [{"kind": "markdown", "text": "hi", "columns": 1}]})
    assert st.path is None and st.steps[0].options.text == "hi" and st.steps[0].place is None
    probs = problems_of({"title": "x", "steps": [{"kind": "chart", "x": "budget", "colour": "loss"}]})
    assert [(p.key, p.line) for p in probs] == [("steps[0].colour", None)]
    assert probs[0].hint == "Did you mean 'color'?"


def test_a_kind_that_does_not_import_is_a_clean_error(monkeypatch, tmp_path):
    import bohbvis.steps as steps

    real_get = steps.get

    def broken(kind):
        if kind == "sampling":
            raise ImportError("No module named 'bohbvis.steps.sampling'")
        return real_get(kind)

    monkeypatch.setattr(steps, "get", broken)
    f = tmp_path / "s.yaml"
    f.write_text("title: t\nsteps:\n  - kind: title\n  - kind: sampling\n    agg: mean\n", encoding="utf-8")
    (p,) = problems_of(f)
    assert (p.line, p.column, p.key) == (4, 11, "steps[1].kind")
    assert "cannot be used" in p.message and "ImportError" in p.message


def test_story_package_stays_light():
    """Importing bohbvis.story must not import any step kind (nor pandas, via the kinds)."""
    import subprocess

    code = ("import sys, bohbvis.story; "
            "print(sorted(m for m in sys.modules if m.startswith('bohbvis.steps') or m == 'altair'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
