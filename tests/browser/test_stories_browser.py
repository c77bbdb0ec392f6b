"""Both shipped stories in a real browser at 1280×720: every slide shown, charts drawn, no console
error, no network request; a screenshot of every slide lands in artifacts/stories/."""

from __future__ import annotations

import pytest

from bohbvis import api

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("story", ["advisor", "newcomer"])
def test_every_slide_renders_and_is_screenshotted(story, tmp_path, open_deck, artifacts):
    path = api.build(story, out=tmp_path / f"{story}.html")
    deck = open_deck(path, 1280, 720)
    n = deck.page.evaluate("() => window.bohbvis.slides")
    assert n == len(api.make_deck(story).slides)
    out = artifacts / "stories"
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        deck.page.evaluate("(i) => window.bohbvis.go(i)", i)
        deck.ready()
        # Show every fragment, as a presenter would before moving on.
        deck.page.evaluate("() => { const s = document.querySelector('section.slide.present');"
                           " s.querySelectorAll('.fragment').forEach(f => f.classList.add('visible')); }")
        deck.page.wait_for_timeout(450)  # let the fragments' fade-in finish before the screenshot
        sizes = deck.page.evaluate(
            "() => [...document.querySelectorAll('section.slide.present .vega-embed svg')]"
            ".map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })")
        kind = deck.page.evaluate("() => document.querySelector('section.slide.present').dataset.kind")
        for w, h in sizes:
            assert w > 50 and h > 50, f"slide {i} ({kind}): a chart is {w}×{h}"
        deck.page.screenshot(path=str(out / f"{story}_{i + 1:02d}_{kind}.png"))
    assert deck.errors == []
    assert deck.outside_requests() == []
