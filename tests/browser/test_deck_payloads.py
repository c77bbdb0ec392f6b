"""The deck runs no code it did not write: script payloads in every text field of a story and of
a run (hyperparameter names and categorical values, CSV column names, the theme file), opened in
Chromium on every slide, in the overview and in the speaker view: no dialog, no script, no request.
The exported PDF of the same deck has no JavaScript and no javascript: or file: link."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from hostile_runs import HOSTILE_NAMES, HOSTILE_VALUES, write_run  # noqa: E402
from testdata import SEED_CSV  # noqa: E402

STORY = TESTS / "data" / "payloads" / "payload.yaml"
SCRIPTS_IN_DECK = 3  # the data, the Vega bundle, the runtime

# Things a payload would create if it escaped into the page.
INJECTED = """() => {
  const all = Array.from(document.querySelectorAll('*'));
  const handlers = all.filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).map(e => e.outerHTML.slice(0, 80));
  const jsLinks = Array.from(document.querySelectorAll('[href], [src], [action], [formaction]'))
    .filter(e => /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || ''))
    .map(e => e.outerHTML.slice(0, 80));
  const fileLinks = Array.from(document.querySelectorAll('a[href]')).filter(a => !/^(https?:|mailto:|#)/.test(a.getAttribute('href'))).map(a => a.getAttribute('href'));
  return {handlers, jsLinks, fileLinks,
          scripts: document.scripts.length,
          foreign: document.querySelectorAll('img:not([src^="data:"]), iframe, object, embed, frame, base, form:not(.vega-bindings), meta[http-equiv=refresh]').length};
}"""


def _csv_run(folder: Path) -> Path:
    """The seed's table with hostile hyperparameter names (columns) and categorical values."""
    lines = SEED_CSV.read_text(encoding="utf-8").splitlines()
    names = list(HOSTILE_NAMES.values())[:3]
    values = list(HOSTILE_VALUES.values())

    def quote(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    header = lines[0] + "," + ",".join(quote("config_" + n) for n in names)
    rows = [line + "," + ",".join(quote(values[(i + j) % len(values)]) for j in range(len(names)))
            for i, line in enumerate(lines[1:])]
    path = folder / "hostile_seed.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["hpbandster", "seed-csv"])
def payload_deck(request, tmp_path_factory):
    from bohbvis import api

    folder = tmp_path_factory.mktemp(f"payload-{request.param}")
    if request.param == "hpbandster":
        data = write_run(folder / "run", HOSTILE_NAMES, HOSTILE_VALUES)
    else:
        data = _csv_run(folder)
    deck = api.make_deck(STORY, data=data)
    path = api.write_html(deck, folder / "payload.html")
    return path, deck


def _assert_clean(page, label: str):
    found = page.evaluate(INJECTED)
    assert found["handlers"] == [], (label, found["handlers"])
    assert found["jsLinks"] == [], (label, found["jsLinks"])
    assert found["fileLinks"] == [], (label, found["fileLinks"])
    assert found["foreign"] == 0, label
    return found


def test_payload_deck_runs_nothing_it_did_not_write(payload_deck, open_deck):
    path, built = payload_deck
    deck = open_deck(path)
    page = deck.page
    n = page.evaluate("() => window.bohbvis.slides")
    assert n == len(built.slides) == 11
    # Every slide, every fragment shown.
    for i in range(n):
        page.evaluate(f"() => window.bohbvis.go({i}, 99)")
        deck.ready()
        assert _assert_clean(page, f"slide {i}")["scripts"] == SCRIPTS_IN_DECK
    # Payloads are shown as text where they land.
    assert "</script><script>alert('deck-title')</script>" in page.title()
    page.evaluate("() => window.bohbvis.go(1, 99)")
    deck.ready()
    md = page.inner_text("section.present")
    assert "<script>alert('md-raw')</script>" in md and "click me" in md
    # The overview draws every slide (and every chart) at once.
    deck.press("o")
    assert page.evaluate("() => document.documentElement.classList.contains('overview')")
    deck.ready()
    _assert_clean(page, "overview")
    deck.press("Escape")
    # The speaker view: notes (which carry payloads too), current and next slide, on every slide.
    with page.expect_popup() as popup_info:
        page.keyboard.press("s")
    speaker = popup_info.value
    speaker.wait_for_load_state()
    speaker.wait_for_function("() => window.bohbvis && window.bohbvis.mode === 'speaker'")
    for i in range(n):
        page.evaluate(f"() => window.bohbvis.go({i}, 99)")
        deck.ready()
        speaker.wait_for_function(f"() => window.bohbvis.index() === {i}")
        _assert_clean(speaker, f"speaker view, slide {i}")
    notes = speaker.evaluate("() => document.body.textContent")
    assert notes  # the speaker view shows text, not markup that ran
    page.wait_for_timeout(400)  # an injected handler or timer would have fired by now
    assert not deck.errors, deck.errors  # dialogs (alert) are recorded here, as are failed charts
    assert not deck.outside_requests(), deck.outside_requests()


def test_payload_pdf_has_no_script_and_no_local_links(payload_deck, tmp_path):
    from pypdf import PdfReader

    from bohbvis.export import export_deck

    path, built = payload_deck
    if "seed" in str(path):
        pytest.skip("one PDF is enough: the hpbandster payload deck carries every payload")
    out = export_deck(built, tmp_path / "payload.pdf", notes=True)
    raw = out.read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/JS(" not in raw and b"/Launch" not in raw
    reader = PdfReader(out)
    assert "/OpenAction" not in reader.trailer["/Root"] and "/AA" not in reader.trailer["/Root"]
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                uris.append(str(action.get_object().get("/URI", "")))
    assert "https://example.org/docs" in uris  # links are there, and were looked at
    assert all(re.match(r"^(https?:|mailto:)", u) for u in uris if u), uris
    assert not any("javascript" in u.lower() or u.startswith("file:") for u in uris), uris
