"""Outputs: atomic, regular files only, the user's usual permissions, refused before any work.

Real builds through the CLI (in a subprocess where a kill or a race is the point)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bohbvis.cli import app

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def cli(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=True)


def _with_umask(mask: int, fn):
    old = os.umask(mask)
    try:
        return fn()
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_deck_and_table_get_the_usual_mode(tmp_path, mask, mode):
    deck, table = tmp_path / "deck.html", tmp_path / "run.csv"
    r = _with_umask(mask, lambda: cli("build", "-o", str(deck)))
    assert r.exit_code == 0, r.output
    r = _with_umask(mask, lambda: cli("convert", "demo", "-o", str(table)))
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(deck.stat().st_mode) == mode
    assert stat.S_IMODE(table.stat().st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.html", "run.csv"]  # no temporary left


def test_export_files_get_the_usual_mode(tmp_path):
    from bohbvis.export._target import publish_files, write_file_atomic

    pdf = _with_umask(0o022, lambda: write_file_atomic(tmp_path / "a" / "deck.pdf", b"%PDF-1.7"))
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o644
    _with_umask(0o022, lambda: publish_files(tmp_path / "pages", {"slide-01.png": b"png"}))
    assert stat.S_IMODE((tmp_path / "pages").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "pages" / "slide-01.png").stat().st_mode) == 0o644


def _targets(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "folder.html").mkdir()
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "folder.pdf").mkdir()
    os.mkfifo(tmp_path / "pipe.html")
    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "real.html").write_text("keep")
    os.symlink(tmp_path / "real.html", tmp_path / "link.html")
    return {"under-file": tmp_path / "notes.txt" / "deck.html"}


@pytest.mark.parametrize("args, expect", [
    (["build", "-o", "{t}/notes.txt/deck.html"], "notes.txt is a file, not a folder"),
    (["build", "-o", "{t}/folder.html"], "is a folder"),
    (["build", "-o", "{t}/pipe.html"], "is a named pipe"),
    (["build", "-o", "{t}/link.html"], "is a symbolic link"),
    (["build", "-o", "/dev/full"], "is a device"),
    (["build", "-o", "{t}/deck.pdf"], "bohbvis export -o"),
    (["build", "-o", "{t}/deck.png"], "bohbvis export -o"),
    (["convert", "demo", "-o", "{t}/notes.txt/run.csv"], "is a file, not a folder"),
    (["convert", "demo", "-o", "{t}/folder.csv"], "is a folder"),
    (["convert", "demo", "-o", "/dev/full"], "Allowed: .csv, .parquet"),
    (["export", "-o", "{t}/notes.txt/deck.pdf"], "is a file, not a folder"),
    (["export", "-o", "{t}/pipe.pdf"], "is a named pipe"),
    (["export", "-o", "/dev/full"], "cannot tell which format"),
    (["export", "-o", "{t}/slides.png", "--charts", "{t}/notes.txt"], "is a file, not a folder"),
])
def test_outputs_that_are_not_regular_files_are_refused(tmp_path, args, expect):
    _targets(tmp_path)
    before = {p.name: (p.lstat().st_mode, p.lstat().st_size) for p in tmp_path.iterdir()}
    started = time.monotonic()
    r = cli(*[a.replace("{t}", str(tmp_path)) for a in args])
    assert r.exit_code == 2, r.output
    assert expect in " ".join(r.output.split()), r.output
    assert "Traceback" not in r.output and not isinstance(r.exception, Exception) or isinstance(r.exception, SystemExit)
    assert {p.name: (p.lstat().st_mode, p.lstat().st_size) for p in tmp_path.iterdir()} == before
    assert (tmp_path / "real.html").read_text() == "keep" and (tmp_path / "notes.txt").read_text() == "mine"
    if "--charts" not in args:
        assert time.monotonic() - started < 5  # refused before the deck is built


def test_a_full_disk_is_one_message_and_no_file(tmp_path, monkeypatch):
    import errno

    from bohbvis import _output

    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_output.os, "fsync", full)
    (tmp_path / "deck.html").write_text("previous")
    r = cli("build", "-o", str(tmp_path / "deck.html"))
    monkeypatch.setattr(_output.os, "fsync", real_fsync)
    assert r.exit_code == 2
    assert "No space left on device" in r.output
    assert [p.name for p in tmp_path.iterdir()] == ["deck.html"]
    assert (tmp_path / "deck.html").read_text() == "previous"


def _build(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bohbvis", "build", "-o", str(out), *extra], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=out.parent)


def test_two_builds_at_once_leave_one_valid_deck(tmp_path):
    out = tmp_path / "deck.html"
    a, b = _build(out), _build(out, "newcomer")
    assert a.wait(300) == 0 and b.wait(300) == 0
    from bohbvis import api
    from bohbvis.render.html import render_html

    whole = {render_html(api.make_deck(story)) for story in ("advisor", "newcomer")}
    assert out.read_text(encoding="utf-8") in whole  # one of the two decks, whole, not a mix
    assert [p.name for p in tmp_path.iterdir()] == ["deck.html"]


def test_a_build_killed_midway_leaves_the_previous_deck(tmp_path):
    from bohbvis import api
    from bohbvis.render.html import render_html

    previous = "<html>previous deck</html>"
    whole = render_html(api.make_deck("newcomer"))
    out = tmp_path / "deck.html"
    kept = 0
    for delay in (0.5, 1.5, 2.5):
        out.write_text(previous)
        p = _build(out, "newcomer")
        time.sleep(delay)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait(60)
        text = out.read_text(encoding="utf-8")
        # The previous deck or the new one, whole: never a mix. A kill can land after the rename
        # (the process is then still shutting down), so a killed build may have finished its deck.
        assert text == previous or text == whole, f"after {delay} s: {len(text)} characters, neither deck"
        kept += text == previous
    assert kept >= 1  # at least one kill landed mid-build (0.5 s is less than the imports take)
    # A temporary file a killed build left is removed by the next build (its process is gone).
    stale = tmp_path / ".deck.html.999999999.0.tmp"
    stale.write_text("half a deck")
    r = cli("build", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert [p.name for p in tmp_path.iterdir()] == ["deck.html"]


def _run(args: list[str], cwd: Path, seed: str) -> None:
    env = {**ENV, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-m", "bohbvis", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr


def test_rebuild_is_byte_identical_html_and_pdf(tmp_path):
    """Same inputs, separate processes with different hash seeds: the same bytes (no timestamps,
    no set order, no random state leaks into the deck or the PDF)."""
    from hostile_runs import REAL_NAMES, write_run

    story = ROOT / "tests" / "data" / "names" / "every_kind.yaml"
    run = write_run(tmp_path / "run", REAL_NAMES)
    for i, seed in enumerate(("1", "2")):
        _run(["build", str(story), "-d", str(run), "-o", f"deck{i}.html"], tmp_path, seed)
        _run(["export", "advisor", "-d", str(run), "-o", f"deck{i}.pdf"], tmp_path, seed)
    assert (tmp_path / "deck0.html").read_bytes() == (tmp_path / "deck1.html").read_bytes()
    assert (tmp_path / "deck0.pdf").read_bytes() == (tmp_path / "deck1.pdf").read_bytes()
