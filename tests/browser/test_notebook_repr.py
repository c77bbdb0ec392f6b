"""The notebook display (Deck._repr_html_) in the real browser: the sandboxed iframe's srcdoc
renders the whole deck offline, charts included, and its scripts cannot reach the page around it."""

from __future__ import annotations

import pytest

import bohbvis
from deck_builders import MNIST

pytestmark = pytest.mark.browser

ALLOWED = ("file:", "data:", "blob:", "about:")


def notebook_page(tmp_path, *outputs: str):
    """A page standing in for a notebook: cells' HTML outputs one after the other."""
    cells = "".join(f'<div class="output">{o}</div>' for o in outputs)
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><head><title>notebook</title></head><body>"
                    f"<p id=cell>In [1]: deck</p>{cells}</body></html>", encoding="utf-8")
    return path


def test_repr_html_renders_the_deck_offline_in_a_sandboxed_iframe(browser, tmp_path):
    run = bohbvis.load_run(MNIST)
    deck = bohbvis.build({"title": "In a notebook", "steps": [
        {"kind": "title"}, {"kind": "brackets"}, {"kind": "markdown", "text": "{{ run.n_evaluations }} evaluations"}]},
        data=run)
    one = bohbvis.show(run, "loss_accuracy")
    path = notebook_page(tmp_path, deck._repr_html_(), one._repr_html_())

    context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=True)
    try:
        page = context.new_page()
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        context.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        frames = [f for f in page.frames if f != page.main_frame]
        assert len(frames) == 2
        for frame, n in zip(frames, (3, 1)):
            frame.wait_for_function("() => window.bohbvis !== undefined")
            frame.evaluate("() => window.bohbvis.ready")
            assert frame.evaluate("() => window.bohbvis.slides") == n
        first, second = frames

        # the deck is drawn: the brackets chart on slide 2 after navigating inside the iframe
        page.locator("iframe.bohbvis-deck").first.click()
        page.keyboard.press("ArrowRight")
        first.wait_for_function("() => window.bohbvis.index() === 1")
        first.evaluate("() => window.bohbvis.ready")
        box = first.evaluate("() => { const s = document.querySelector('section.present .vega-embed svg');"
                             " const r = s && s.getBoundingClientRect(); return r && [r.width, r.height]; }")
        assert box and box[0] > 200 and box[1] > 100
        assert second.locator("section.present .vega-embed svg").count() >= 1
        assert "113 evaluations" in first.evaluate("() => document.querySelector('section[data-index=\"2\"]').textContent")

        # sandboxed: the deck's scripts cannot touch the notebook page
        reach = first.evaluate("() => { try { return window.parent.document.title; } catch (e) { return 'blocked'; } }")
        assert reach == "blocked"
        assert page.evaluate("() => document.getElementById('cell').textContent") == "In [1]: deck"
        # the iframe is the 16:9 box the deck fits into
        width, height = page.evaluate("() => { const r = document.querySelector('iframe').getBoundingClientRect();"
                                      " return [r.width, r.height]; }")
        assert abs(width / height - 16 / 9) < 0.02
        assert errors == []
        assert [u for u in requests if not u.startswith(ALLOWED)] == []
    finally:
        context.close()
