"""The command line follows the conventions a new user tries first: --version, -h, `python -m
bohbvis`, commands in the order they are needed, capital metavars, shell completion, and an
output name that says what to write."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import bohbvis

ROOT = Path(__file__).parent.parent
STORIES = Path(__file__).parent / "data" / "stories"
ORDER = ["build", "export", "watch", "init", "inspect", "validate", "schema", "convert"]


def bohbvis_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "bohbvis", *args], capture_output=True, text=True, cwd=cwd,
                          env=env)


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    res = bohbvis_cli(flag)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"bohbvis {bohbvis.__version__}"


def test_the_console_script_is_main_and_its_fast_exit_keeps_output_and_status(tmp_path):
    """`main` (the console script and `python -m bohbvis`) leaves without the interpreter's teardown:
    what a command printed still arrives, and its exit status is the command's."""
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"bohbvis": "bohbvis.cli:main"}

    def main(*args):
        return subprocess.run([sys.executable, "-c", "import sys; sys.argv=['bohbvis', *sys.argv[1:]]; "
                               "from bohbvis.cli import main; main()", *args], capture_output=True, text=True,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})

    res = main("--version")
    assert (res.returncode, res.stdout.strip()) == (0, f"bohbvis {bohbvis.__version__}")
    schema = main("schema")
    assert schema.returncode == 0 and json.loads(schema.stdout)["$defs"]  # a long output, all of it
    bad = main("build", str(tmp_path / "no-such-story.yaml"), "-o", str(tmp_path / "deck.html"))
    assert bad.returncode != 0 and "no-such-story.yaml" in bad.stderr and not (tmp_path / "deck.html").exists()
    usage = main("build", "--no-such-option")
    assert usage.returncode == 2 and "--no-such-option" in usage.stderr


def test_h_is_help_and_lists_commands_in_the_order_a_user_needs_them():
    res = bohbvis_cli("-h")
    assert res.returncode == 0, res.stderr
    assert res.stdout == bohbvis_cli("--help").stdout
    assert "Usage: bohbvis [OPTIONS] COMMAND [ARGS]..." in res.stdout
    listed = re.findall(r"^│ (\w+) {2,}", res.stdout.split("Commands")[1], flags=re.MULTILINE)
    known = [c for c in listed if c in ORDER]
    assert known == ORDER, listed
    assert listed[0] == "build"
    assert "--install-completion" in res.stdout and "--show-completion" in res.stdout


@pytest.mark.parametrize("command", ORDER)
def test_every_command_has_h_and_capital_metavars(command):
    res = bohbvis_cli(command, "-h")
    assert res.returncode == 0, res.stderr
    text = res.stdout
    assert f"Usage: bohbvis {command} [OPTIONS]" in text
    assert not re.search(r"<[a-z][a-z ]*>", text), text  # no <bool>, <str>, <path>, <float range>
    usage = text.split("Usage:")[1].splitlines()[0]
    args = re.findall(r"\[?([A-Za-z_]+)\]?", usage.split("[OPTIONS]")[1])
    assert all(a.isupper() for a in args), usage  # [STORY], RUN: never [story]


def test_every_value_has_a_capital_metavar_and_flags_have_none():
    import click
    import typer.main

    from bohbvis.cli import app

    group = typer.main.get_command(app)
    ctx = click.Context(group, info_name="bohbvis")
    seen = 0
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        for param in command.get_params(ctx):
            seen += 1
            if getattr(param, "is_flag", False):
                assert param.metavar == "", (name, param.name)
            else:
                assert param.metavar and param.metavar.isupper(), (name, param.name, param.metavar)
    assert seen > 30


def test_build_help_states_the_run_and_output_metavars():
    text = bohbvis_cli("build", "-h").stdout
    assert re.search(r"--data\s+-d\s+RUN", text) and re.search(r"--output\s+-o\s+PATH", text)
    assert "[STORY]" in text


@pytest.mark.parametrize("name, command", [("deck.pdf", "bohbvis export -o"), ("slide.png", "bohbvis export -o"),
                                           ("deck.docx", "deck.html")])
def test_build_to_another_format_says_what_to_use_and_writes_nothing(tmp_path, name, command):
    """`build -o x.pdf` used to write HTML into a file named .pdf: now it fails at once and names
    the command that writes it."""
    res = bohbvis_cli("build", str(STORIES / "good_minimal.yaml"), "-o", str(tmp_path / name))
    assert res.returncode == 2 and res.stdout == ""
    assert command in res.stderr and ".html" in res.stderr and "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_schema_markdown_prints_the_reference():
    res = bohbvis_cli("schema", "--markdown")
    assert res.returncode == 0, res.stderr
    assert "\n# Story reference\n" in res.stdout


def _build_in_a_terminal(story: Path, out: Path, **env_extra: str) -> str:
    """`bohbvis build` with stderr on a pseudo-terminal (rich draws progress only for a terminal)."""
    import os
    import pty

    master, slave = pty.openpty()
    env = {"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TERM": "xterm", **env_extra}
    proc = subprocess.Popen([sys.executable, "-m", "bohbvis", "build", str(story), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_build_progress_names_the_step_and_a_quick_build_shows_none(tmp_path):
    story = tmp_path / "three.yaml"
    story.write_text(f"title: t\ndata: {ROOT / 'tests/data/hpbandster/hpbandster_example_5_mnist'}\n"
                     "steps:\n  - kind: title\n  - kind: markdown\n    text: x\n  - kind: embedding\n"
                     "    method: pca\n", encoding="utf-8")
    # A build that takes over BOHBVIS_PROGRESS_AFTER seconds (here: any) shows which step it is on.
    shown = _build_in_a_terminal(story, tmp_path / "a.html", BOHBVIS_PROGRESS_AFTER="0")
    assert "step 3: embedding (pca)" in shown and "3/3" in shown
    # A build quicker than the delay draws nothing (60 s here, so a loaded machine cannot flake).
    quick = _build_in_a_terminal(story, tmp_path / "b.html", BOHBVIS_PROGRESS_AFTER="60")
    assert "step " not in quick and "━" not in quick
