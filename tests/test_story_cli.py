"""`bohbvis validate` and `bohbvis schema` from the command line: messages, exit codes, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

STORIES = Path(__file__).parent / "data" / "stories"


def bohbvis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bohbvis", *args], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent)


def test_validate_reports_every_problem_on_stderr_and_exits_2():
    res = bohbvis("validate", "tests/data/stories/bad_many.yaml")
    assert res.returncode == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 13
    assert all(line.startswith("error: tests/data/stories/bad_many.yaml:") for line in lines)
    assert "error: tests/data/stories/bad_many.yaml:6:11: steps[1].kind: unknown kind 'bracket'." in res.stderr
    assert "Did you mean 'brackets'?" in res.stderr and "Did you mean 'title'?" in res.stderr
    assert "Traceback" not in res.stderr and "[bold red]" not in res.stderr


def test_validate_yaml_error_and_missing_story():
    res = bohbvis("validate", "tests/data/stories/bad_syntax.yaml")
    assert res.returncode == 2 and "bad_syntax.yaml:6:1: YAML syntax error" in res.stderr
    res = bohbvis("validate", "no/such/story.yaml")
    assert res.returncode == 2 and "no story file or built-in story" in res.stderr
    assert "Traceback" not in res.stderr


def test_validate_good_story():
    res = bohbvis("validate", "tests/data/stories/good_full.yaml")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ("tests/data/stories/good_full.yaml: valid (4 steps, names checked against "
                                  "tests/data/stories/../hpbandster/hpbandster_example_5_mnist)")


def test_validate_checks_the_theme_and_the_names_a_story_quotes(tmp_path):
    """What build would reject, validate rejects too: an unknown theme, a misspelt number name."""
    story = tmp_path / "typos.yaml"
    story.write_text("title: t\ndata: demo\ntheme: lite\nsteps:\n  - kind: title\n"
                     "    text: \"{{ best.acuracy }}\"\n", encoding="utf-8")
    res = bohbvis("validate", str(story))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"{story}:3: theme: unknown theme 'lite'" in res.stderr and "Did you mean 'light'?" in res.stderr
    assert f"{story}:6:" in res.stderr and "unknown name 'acuracy' in 'best'" in res.stderr
    assert "Did you mean 'accuracy'?" in res.stderr


def test_schema_command_prints_the_schema_that_checks_stories():
    res = bohbvis("schema")
    assert res.returncode == 0, res.stderr
    schema = json.loads(res.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    good = {"title": "t", "steps": [{"kind": "markdown", "text": "x", "columns": 2}]}
    bad = {"title": "t", "steps": [{"kind": "markdown", "text": "x", "colums": 2}]}
    assert jsonschema.Draft202012Validator(schema).is_valid(good)
    assert not jsonschema.Draft202012Validator(schema).is_valid(bad)
