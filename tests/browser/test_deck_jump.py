"""`g` jumps to a slide by its number (reveal.js's jump-to-slide)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_g_then_a_number_and_enter_goes_to_that_slide(deck_file, open_deck):
    deck = open_deck(deck_file)
    n = deck.page.evaluate("() => window.bohbvis.slides")
    assert n >= 3
    deck.page.keyboard.press("g")
    box = deck.page.locator("input.jump-to")
    assert box.is_visible()
    box.type(str(n))  # 1-based, as the slide numbers read
    deck.page.keyboard.press("Enter")
    deck.ready()
    assert deck.index() == n - 1
    assert deck.page.locator("input.jump-to").count() == 0
    assert "#/" + str(n - 1) in deck.page.url
    # Esc closes the box without moving; digits typed there never navigate the deck.
    deck.page.keyboard.press("g")
    deck.page.keyboard.type("1")
    deck.page.keyboard.press("Escape")
    assert deck.index() == n - 1 and deck.page.locator("input.jump-to").count() == 0
    assert deck.errors == []
