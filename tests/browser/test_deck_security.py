"""Hostile strings from a story or from the data land as text: nothing runs, nothing is injected."""

from __future__ import annotations

import pytest

from deck_builders import SCATTER, make_deck

pytestmark = pytest.mark.browser

EVIL = '</script><script>alert(1)</script><img src=x onerror="alert(2)">\u2028<!--'


@pytest.fixture(scope="module")
def evil_deck(tmp_path_factory, mnist_run):
    from dataclasses import replace

    from bohbvis.render.html import render_html
    from bohbvis.steps._base import Column, Table

    deck = make_deck(mnist_run, title="Evil " + EVIL, text_extra="\n\n" + EVIL,
                     data_extra={"sample_type": EVIL})
    # Also in a table's labels, caption and the text shown when nothing matches.
    scatter = deck.slides[SCATTER]
    chart, table = scatter.blocks
    table = replace(table, caption=EVIL, empty_text=EVIL,
                    columns=table.columns + (Column("sample_type", EVIL),))
    extra = Table(id="evil-empty", columns=(Column("x", EVIL),), rows=(), empty_text=EVIL)
    slides = list(deck.slides)
    slides[SCATTER] = replace(scatter, blocks=(chart, table), notes=EVIL, subtitle=EVIL)
    slides.append(replace(slides[1], title=EVIL, blocks=slides[1].blocks + (extra,)))
    path = tmp_path_factory.mktemp("evil") / "evil.html"
    path.write_text(render_html(replace(deck, slides=tuple(slides))), encoding="utf-8")
    return path


def test_hostile_strings_are_shown_as_text(evil_deck, open_deck):
    deck = open_deck(evil_deck)
    page = deck.page
    for i in range(page.evaluate("() => window.bohbvis.slides")):
        page.evaluate(f"() => window.bohbvis.go({i}, 99)")
        deck.ready()
    page.wait_for_timeout(300)  # an injected onerror would have fired by now
    assert not deck.errors  # a dialog (alert) would be recorded here
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    assert page.evaluate("() => document.scripts.length") == 3  # data, the Vega bundle, the runtime
    assert page.evaluate("() => document.querySelectorAll('body script:not(#bohbvis-data)').length") == 2
    assert "</script><script>alert(1)</script>" in page.title()
    page.evaluate(f"() => window.bohbvis.go({SCATTER})")
    deck.ready()
    assert "<img src=x" in page.inner_text("section.present .slide-subtitle")
    cells = page.eval_on_selector_all("section.present table.data-table tbody td:last-child", "tds => tds.map(t => t.textContent)")
    assert cells and all(c == EVIL for c in cells)
    assert EVIL in page.inner_text("section.present table.data-table thead")
    legend = page.eval_on_selector_all("section.present .role-legend text", "ts => ts.map(t => t.textContent)")
    assert any("</script>" in t for t in legend)
    assert EVIL in page.evaluate("() => document.querySelector('section.present aside.notes').textContent")
    page.evaluate("() => window.bohbvis.go(window.bohbvis.slides - 1)")
    assert page.evaluate("() => document.querySelector('section.present table.data-table tbody').textContent") == EVIL
    assert not deck.outside_requests()
