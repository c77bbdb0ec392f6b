"""The bad-input corpus (tests/bad_inputs/, written by make_cases.py): every case through the CLI.

An error case must exit with code 2 and ONE clear message holding every `expect` fragment (the
file and the place), with no traceback, within a time bound, and leave no file behind (no deck,
no temporary file). A case with "exit": 0 must build, and its deck must hold the `deck` fragments
and none of the `deck_absent` ones.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bohbvis.cli import app

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.json").is_file())
SECONDS = 90  # per case; a hang or a runaway parse fails instead of blocking CI


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_mode, p.lstat().st_size)
            for p in sorted(folder.rglob("*"))}


def _generate(folder: Path, generate: dict) -> None:
    for name, what in generate.items():
        if "big_story" in what:  # a long but valid story, over the size limit
            step = "  - kind: markdown\n    text: A long story that says the same thing again and again.\n"
            n = what["big_story"] // len(step) + 1
            (folder / name).write_text("title: big\nsteps:\n" + step * n, encoding="utf-8")


def _setup(folder: Path, setup: dict) -> None:
    if "fifo" in setup:
        os.mkfifo(folder / setup["fifo"])
    if "symlink" in setup:
        link, target = setup["symlink"]
        os.symlink(target, folder / link)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def test_corpus_is_large_and_covers_every_class():
    classes = Counter(json.loads((CORPUS / c / "case.json").read_text())["class"] for c in CASES)
    assert len(CASES) >= 60
    assert set(classes) >= {"names", "decoding", "csv", "story", "output", "empty", "strict", "text"}
    assert min(classes.values()) >= 1


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path, monkeypatch):
    spec = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
    work = tmp_path / name
    shutil.copytree(CORPUS / name, work, symlinks=True)
    (work / "case.json").unlink()
    _generate(work, spec.get("generate", {}))
    _setup(work, spec.get("setup", {}))
    monkeypatch.chdir(work)
    for key, value in spec.get("env", {}).items():  # e.g. a lower size limit, to test its message
        monkeypatch.setenv(key, value)
    before = _snapshot(work)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    try:
        result = CliRunner().invoke(app, spec["args"], catch_exceptions=True)
    except _Timeout:
        pytest.fail(f"{name}: no answer within {SECONDS} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    out = result.output
    if isinstance(result.exception, _Timeout):
        pytest.fail(f"{name}: no answer within {SECONDS} s")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{name}: {type(result.exception).__name__}: {result.exception}\n{out}")
    assert "Traceback" not in out
    assert result.exit_code == spec["exit"], out
    flat = " ".join(out.split())
    for fragment in spec["expect"]:
        assert " ".join(fragment.split()) in flat, f"{name}: {fragment!r} not in:\n{out}"
    if spec["exit"] != 0:
        assert flat.count("error:") >= 1 and "warning: error" not in flat
        assert _snapshot(work) == before, f"{name}: the failed command left or changed files"
        return
    deck = work / "deck.html"
    if spec.get("deck") or spec.get("deck_absent"):
        html = deck.read_text(encoding="utf-8")
        for fragment in spec.get("deck", []):
            assert fragment in html, f"{name}: {fragment!r} not in the deck"
        for fragment in spec.get("deck_absent", []):
            assert fragment not in html, f"{name}: {fragment!r} is in the deck"
    leftovers = [p for p in work.iterdir() if p.name.startswith(".")]
    assert not leftovers, f"{name}: temporary files left: {leftovers}"
