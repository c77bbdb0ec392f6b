"""`bohbvis watch` in the real browser: an edit shows on the open page, on the same slide; a broken
story shows its located errors while the server keeps running; fixing it brings the deck back."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from deck_builders import MNIST

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parent.parent.parent

STORY = """\
title: Live preview
data: {data}
theme: theme.css
steps:
  - kind: title
  - kind: overview
  - kind: markdown
    title: {title}
    text: "This run has {{{{ run.n_evaluations }}}} evaluations."
  - kind: brackets
"""


class WatchProcess:
    """`python -m bohbvis watch` on a free loopback port; its console lines are collected."""

    def __init__(self, story: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "bohbvis", "watch", str(story), "--port", "0"],
                                     cwd=story.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(r"serving (http://127\.0\.0\.1:\d+/)").group(1)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, "the server ended:\n" + "".join(self.output)
                continue
            if m := re.search(pattern, line):
                return m
        raise AssertionError(f"no line matching {pattern!r}:\n" + "".join(self.output))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # what Ctrl+C sends
            try:
                return self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise
        return self.proc.returncode


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copy(ROOT / "themes" / "light.css", tmp_path / "theme.css")
    story = tmp_path / "story.yaml"
    story.write_text(STORY.format(data=MNIST, title="Old title"), encoding="utf-8")
    return story


def slide_title(page, index: int) -> str:
    return page.evaluate(f"() => document.querySelector('section.slide[data-index=\"{index}\"] .slide-title')?.textContent")


def wait_ready(page) -> None:
    page.wait_for_function("() => window.bohbvis !== undefined")
    page.evaluate("() => window.bohbvis.ready")


def test_edit_reload_on_the_same_slide_errors_and_recovery(project, browser):
    server = WatchProcess(project)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)

        page.goto(server.url + "#/2")  # slide 3 (the hash is 0-based, as in reveal.js)
        wait_ready(page)
        assert page.evaluate("() => window.bohbvis.index()") == 2
        assert slide_title(page, 2) == "Old title"
        assert page.locator("section.slide.present .slide-title").text_content() == "Old title"

        # 1. the author edits that slide's title: the open page shows it, still on slide 3
        project.write_text(STORY.format(data=MNIST, title="New title"), encoding="utf-8")
        page.wait_for_function("() => document.querySelector('section.slide.present .slide-title')"
                               "?.textContent === 'New title'", timeout=30_000)
        wait_ready(page)
        assert page.evaluate("() => window.bohbvis.index()") == 2 and page.url.endswith("#/2")
        assert "This run has 113 evaluations." in page.locator("section.slide.present").text_content()
        server.wait_for(r"built 4 slides in")

        # 2. the theme is watched too
        theme = project.parent / "theme.css"
        theme.write_text(theme.read_text(encoding="utf-8") + "\n/* edited-theme-marker */\n", encoding="utf-8")
        page.wait_for_function("() => document.getElementById('bohbvis-theme')?.textContent"
                               ".includes('edited-theme-marker')", timeout=30_000)
        assert page.evaluate("() => window.bohbvis.index()") == 2

        # 3. a broken story: its located errors in the page, and the server keeps running
        broken = STORY.format(data=MNIST, title="New title").replace("kind: brackets", "kind: bracket")
        project.write_text(broken, encoding="utf-8")
        page.wait_for_selector("h1.bohbvis-errors", timeout=30_000)
        problems = page.locator("ol.problems").text_content()
        assert f"{project}:10:11" in problems and "steps[3].kind" in problems
        assert "unknown kind 'bracket'" in problems and "Did you mean 'brackets'?" in problems
        server.wait_for(r"1 problem, shown in the page")
        assert server.proc.poll() is None
        page.reload()  # the server still answers
        page.wait_for_selector("h1.bohbvis-errors")

        # 4. fixing the file brings the deck back, on the same slide
        project.write_text(STORY.format(data=MNIST, title="Fixed title"), encoding="utf-8")
        page.wait_for_function("() => window.bohbvis !== undefined && "
                               "document.querySelector('section.slide.present .slide-title')?.textContent === 'Fixed title'",
                               timeout=30_000)
        wait_ready(page)
        assert page.evaluate("() => window.bohbvis.index()") == 2 and page.url.endswith("#/2")
        assert errors == []
        assert outside == []  # nothing but the preview server (no CDN, no other host)
    finally:
        context.close()
        code = server.stop()
    assert code == 0, "".join(server.output)
    assert server.output[-1].strip() == "stopped" and "Traceback" not in "".join(server.output)
