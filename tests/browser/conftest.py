"""Headless Chromium for the deck tests, and the hand-made test decks they drive.

Chromium missing is a FAILURE with a clear message (never a silent skip), unless the environment
says BOHBVIS_NO_BROWSER=1 (then browser tests are skipped, loudly, as asked).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from deck_builders import MNIST, make_deck

ALLOWED_SCHEMES = ("file:", "data:", "blob:", "about:")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("BOHBVIS_NO_BROWSER") == "1":
        pytest.skip("BOHBVIS_NO_BROWSER=1: browser tests are switched off")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium is not installed: the deck tests need it (apt-get install chromium), "
                    "or set BOHBVIS_NO_BROWSER=1 to skip the browser tests on purpose.", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed (pip install playwright).", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class DeckPage:
    """A deck opened in its own browser context, with what it logged and requested."""

    page: object
    context: object
    errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def ready(self):
        self.page.wait_for_function("() => window.bohbvis !== undefined")
        self.page.evaluate("() => window.bohbvis.ready")
        return self

    def index(self) -> int:
        return self.page.evaluate("() => window.bohbvis.index()")

    def press(self, key: str):
        self.page.keyboard.press(key)
        return self.ready()

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(ALLOWED_SCHEMES)]

    def watch(self, page):
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))


@pytest.fixture
def open_deck(browser):
    """open_deck(path, width=1280, height=720, suffix="", init_script=None) -> DeckPage, ready to
    drive (`init_script` runs in the page before the deck does)."""
    contexts = []

    def _open(path: Path, width: int = 1280, height: int = 720, suffix: str = "",
              init_script: str | None = None) -> DeckPage:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        deck = DeckPage(page=page, context=context)
        deck.watch(page)
        context.on("page", deck.watch)  # popups (the speaker view) are watched too
        page.goto(path.resolve().as_uri() + suffix)
        return deck.ready()

    yield _open
    for c in contexts:
        c.close()


# --- the test decks --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mnist_run():
    from bohbvis.load import read_run

    return read_run(MNIST)


@pytest.fixture(scope="session")
def deck_file(tmp_path_factory, mnist_run) -> Path:
    from bohbvis.render.html import render_html

    path = tmp_path_factory.mktemp("decks") / "test_deck.html"
    path.write_text(render_html(make_deck(mnist_run)), encoding="utf-8")
    return path
