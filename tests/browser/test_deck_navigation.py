"""Driving the deck like a presenter: keys, hash routing, fragments, overview, help, speaker view."""

from __future__ import annotations

import pytest

from deck_builders import BULLETS, COUNT_SLIDES, LINE, RECEIVER, SCATTER, TITLE

pytestmark = pytest.mark.browser


def state(deck):
    return deck.page.evaluate("() => [window.bohbvis.index(), window.bohbvis.fragment(), location.hash]")


def test_keys_move_through_slides_and_fragments(deck_file, open_deck):
    deck = open_deck(deck_file)
    assert deck.page.evaluate("() => window.bohbvis.slides") == COUNT_SLIDES
    assert state(deck) == [TITLE, -1, "#/0"]
    assert state(deck.press("ArrowRight")) == [BULLETS, -1, "#/1"]
    # The bullets slide has three items, all fragments: the first opens with the title, so two
    # fragments remain, and "next" reveals them before it moves on.
    assert state(deck.press("Space")) == [BULLETS, 0, "#/1/0"]
    assert state(deck.press("ArrowLeft")) == [BULLETS, -1, "#/1"]
    assert state(deck.press("PageDown")) == [BULLETS, 0, "#/1/0"]
    assert state(deck.press("ArrowDown")) == [BULLETS, 1, "#/1/1"]
    assert state(deck.press("ArrowRight")) == [SCATTER, -1, "#/2"]
    assert state(deck.press("End")) == [RECEIVER, -1, "#/4"]
    assert state(deck.press("PageUp")) == [LINE, -1, "#/3"]
    assert state(deck.press("Home")) == [TITLE, -1, "#/0"]
    assert state(deck.press("ArrowLeft")) == [TITLE, -1, "#/0"]  # stays on the first slide
    present = deck.page.evaluate("() => Array.from(document.querySelectorAll('section.slide.present')).map(s => s.dataset.kind)")
    assert present == ["title"]
    assert deck.page.inner_text(".slide-number") == f"1 / {COUNT_SLIDES}"
    assert not deck.errors and not deck.outside_requests()


def test_fragments_show_in_order_and_back_shows_all(deck_file, open_deck):
    deck = open_deck(deck_file, suffix="#/1")
    visible = "() => Array.from(document.querySelectorAll('section.present .slide-body li')).map(f => getComputedStyle(f).visibility)"
    # Every item is a fragment, so the first is shown with the title (the slide never opens empty).
    assert deck.page.evaluate(visible) == ["visible", "hidden", "hidden"]
    deck.press("ArrowRight")
    assert deck.page.evaluate(visible) == ["visible", "visible", "hidden"]
    deck.press("ArrowRight").press("ArrowRight")
    assert state(deck)[0] == SCATTER
    # Going back lands on the previous slide as it was left: every fragment shown.
    assert state(deck.press("ArrowLeft")) == [BULLETS, 1, "#/1/1"]
    deck.page.wait_for_timeout(450)  # the fade-in transition
    assert deck.page.evaluate(visible) == ["visible"] * 3
    assert not deck.errors


def test_hash_survives_reload_and_back_button(deck_file, open_deck):
    deck = open_deck(deck_file, suffix="#/2")
    assert state(deck) == [SCATTER, -1, "#/2"]
    deck.page.reload()
    deck.ready()
    assert state(deck) == [SCATTER, -1, "#/2"]
    deck.press("ArrowRight")
    assert state(deck) == [LINE, -1, "#/3"]
    deck.page.go_back()
    deck.page.wait_for_function(f"() => window.bohbvis.index() === {SCATTER}")
    assert state(deck.ready()) == [SCATTER, -1, "#/2"]
    deck.page.go_forward()
    deck.page.wait_for_function(f"() => window.bohbvis.index() === {LINE}")
    # A hash with a fragment opens the slide with those fragments shown.
    deck.page.goto(deck_file.resolve().as_uri() + "#/1/1")
    deck.ready()
    assert state(deck) == [BULLETS, 1, "#/1/1"]
    assert not deck.errors


def test_overview_opens_shows_every_slide_and_click_goes_there(deck_file, open_deck):
    deck = open_deck(deck_file)
    deck.press("o")
    assert deck.page.evaluate("() => document.documentElement.classList.contains('overview')")
    shown = deck.page.evaluate(
        "() => Array.from(document.querySelectorAll('section.slide')).map(s => { const r = s.getBoundingClientRect(); return r.width > 0 && r.height > 0; })")
    assert shown == [True] * COUNT_SLIDES
    deck.ready()  # the overview draws every chart for the thumbnails
    assert deck.page.evaluate("() => Object.keys(window.bohbvis.views).length") == 3
    deck.page.click(f"section.slide[data-index='{LINE}']")
    assert not deck.page.evaluate("() => document.documentElement.classList.contains('overview')")
    assert state(deck.ready()) == [LINE, -1, "#/3"]
    deck.press("Escape")
    assert deck.page.evaluate("() => document.documentElement.classList.contains('overview')")
    deck.press("Escape")
    assert not deck.page.evaluate("() => document.documentElement.classList.contains('overview')")
    # Leaving the overview restores real layout sizes (no transform left behind).
    assert deck.page.evaluate("() => document.querySelector('section.present').style.transform") == ""
    assert not deck.errors


def test_help_black_screen_and_progress(deck_file, open_deck):
    deck = open_deck(deck_file)
    assert deck.page.is_hidden(".help-overlay")
    deck.press("?")
    assert deck.page.is_visible(".help-overlay")
    assert "speaker view" in deck.page.inner_text(".help-overlay")
    deck.press("Escape")
    assert deck.page.is_hidden(".help-overlay")
    deck.press("b")
    assert deck.page.is_visible(".blackout")
    deck.press(".")
    assert deck.page.is_hidden(".blackout")
    deck.press("End")
    deck.page.wait_for_timeout(400)
    width = deck.page.evaluate("() => document.querySelector('.progress span').style.width")
    assert width == "100%"
    assert not deck.errors


def test_swipe_changes_slides(deck_file, open_deck):
    deck = open_deck(deck_file)
    swipe = """(dx) => {
        const el = document.querySelector('section.present');
        const touch = (x) => new Touch({identifier: 1, target: el, clientX: x, clientY: 300});
        el.dispatchEvent(new TouchEvent('touchstart', {bubbles: true, touches: [touch(600)], changedTouches: [touch(600)]}));
        el.dispatchEvent(new TouchEvent('touchend', {bubbles: true, touches: [], changedTouches: [touch(600 + dx)]}));
    }"""
    deck.page.evaluate(swipe, -200)
    assert state(deck.ready())[0] == BULLETS
    deck.page.evaluate(swipe, 200)
    assert state(deck.ready())[0] == TITLE


def test_speaker_view_opens_and_follows_both_ways(deck_file, open_deck):
    deck = open_deck(deck_file, suffix="#/1")
    with deck.page.expect_popup() as popup_info:
        deck.page.keyboard.press("s")
    speaker = popup_info.value
    speaker.wait_for_load_state()
    speaker.wait_for_function("() => window.bohbvis && window.bohbvis.mode === 'speaker'")
    assert speaker.evaluate("() => window.bohbvis.index()") == BULLETS
    assert "eta = 3" in speaker.inner_text(".speaker-notes")
    assert "Loss against accuracy" in speaker.inner_text(".speaker-next-title")
    assert speaker.is_visible(".speaker-elapsed")

    # The presenter's window drives the speaker view ...
    deck.press("ArrowRight")
    speaker.wait_for_function("() => window.bohbvis.fragment() === 0")
    deck.press("End")
    speaker.wait_for_function(f"() => window.bohbvis.index() === {RECEIVER}")
    assert speaker.inner_text(".speaker-next-title") == "End of the deck"
    # ... and the speaker view drives the presenter's window.
    speaker.keyboard.press("Home")
    deck.page.wait_for_function(f"() => window.bohbvis.index() === {TITLE}")
    speaker.keyboard.press("ArrowRight")
    deck.page.wait_for_function(f"() => window.bohbvis.index() === {BULLETS}")
    assert "No notes" in speaker.inner_text(".speaker-notes") or speaker.evaluate("() => window.bohbvis.index()") == BULLETS
    # The live slide in the speaker window is a real slide with real charts when it has them.
    speaker.keyboard.press("End")
    speaker.evaluate("() => window.bohbvis.ready")
    size = speaker.evaluate("() => { const s = document.querySelector('section.present svg'); return [+s.getAttribute('width'), +s.getAttribute('height')]; }")
    assert min(size) > 0
    assert not deck.errors and not deck.outside_requests()


def test_print_pdf_shows_every_slide_with_fragments_and_charts(deck_file, open_deck, artifacts):
    deck = open_deck(deck_file, suffix="?print-pdf")
    boxes = deck.page.evaluate(
        "() => Array.from(document.querySelectorAll('section.slide')).map(s => { const r = s.getBoundingClientRect(); return [r.top, r.width, r.height]; })")
    assert len(boxes) == COUNT_SLIDES
    assert all(w == 1280 and h == 720 for _, w, h in boxes)
    assert [top for top, _, _ in boxes] == sorted(top for top, _, _ in boxes)  # one under the other
    assert deck.page.evaluate("() => Array.from(document.querySelectorAll('.fragment')).every(f => getComputedStyle(f).visibility === 'visible')")
    sizes = deck.page.evaluate("() => Array.from(document.querySelectorAll('.vega-embed svg')).map(s => +s.getAttribute('width') * +s.getAttribute('height'))")
    assert len(sizes) == 3 and min(sizes) > 0
    pdf = deck.page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "test_deck_print.pdf").write_bytes(pdf)
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == COUNT_SLIDES
    box = reader.pages[0].mediabox
    assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01
    assert not deck.errors and not deck.outside_requests()
