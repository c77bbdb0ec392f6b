"""The two Korean stories (advisor-ko, newcomer-ko) on the demo run, in a real browser, slide by slide:
what a viewer can read — the slide's text, its charts' SVG text (axes, legends, marks), table headers,
the filter box — is Korean apart from the run's own names (hyperparameters, their choices, sample
ids) and the standard Latin terms Korean papers keep (BOHB, BO, TPE, PCA …). The help overlay and
the speaker view are Korean too, and the exported PDF holds the same Korean sentences as the deck.
A screenshot of every slide: artifacts/ko-<story>-NN-<kind>.png.

"Korean" is measured, not guessed: on each slide at least 60 % of the letters outside the run's own
names are Hangul, and no English phrase (three or more English words in a row that are neither
names of the run nor kept terms) is visible.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from bohbvis import api

pytestmark = pytest.mark.browser

STORIES = ("advisor-ko", "newcomer-ko")
MIN_HANGUL = 0.6
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LETTER = re.compile(r"[A-Za-z\uac00-\ud7a3\u3131-\u318e]")
# Latin terms a Korean ML text keeps (KO_GUIDE.md), key names, units and statistics' names.
KEPT = {
    "bohb", "hyperband", "bo", "tpe", "fanova", "t-sne", "tsne", "pca", "mds", "eta", "hpbandster", "optuna",
    "smac3", "smac", "ray", "tune", "incumbent", "crash", "spearman", "mann", "whitney", "u", "configspace",
    "scikit-learn", "sklearn", "pc1", "pc2", "s_max", "log", "bohbvis", "advise", "esc", "pgup", "pgdn", "home",
    "end", "space", "shift", "tab", "enter", "f", "o", "s", "b", "p", "n", "k", "anytime", "performance",
}

# What a slide shows a viewer: its rendered text, its charts' SVG text, the filter boxes' hints.
VISIBLE_TEXT = """() => {
  const s = document.querySelector('section.slide.present');
  const svg = [...s.querySelectorAll('svg text')].filter(t => t.getBoundingClientRect().width > 0)
                .map(t => t.textContent);
  const hints = [...s.querySelectorAll('input[placeholder], textarea[placeholder]')].map(i => i.placeholder);
  const sentences = [...s.querySelectorAll('h1, h2, h3, p, li')]
      .filter(e => !e.closest('svg, table, .vega-embed') && e.offsetParent !== null)
      .map(e => e.innerText);
  return {kind: s.dataset.kind, html: s.innerText, svg, hints, sentences};
}"""
SHOW_FRAGMENTS = ("() => document.querySelector('section.slide.present')"
                  ".querySelectorAll('.fragment').forEach(f => f.classList.add('visible'))")


def run_names(run) -> list[str]:
    """The run's own words: hyperparameter names, their string choices, ids, the metric's key."""
    names = set()
    for h in run.space:
        names.add(h.name)
        names.update(str(c) for c in (h.choices or ()) if not isinstance(c, (int, float)))
    for column in ("sample_id", "config_id"):
        if column in run.table:
            names.update(run.table[column].astype(str).unique())
    names.update(str(x) for x in (run.metric, getattr(run.source, "name", None)) if x)
    return sorted((n for n in names if re.search(r"[A-Za-z]", n)), key=len, reverse=True)


def without_names(text: str, names: list[str]) -> str:
    for name in names:
        text = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])", " ", text)
    return text


def hangul_share(text: str) -> float:
    letters = LETTER.findall(text)
    return sum(1 for c in letters if HANGUL.match(c)) / len(letters) if letters else 1.0


def english_phrases(text: str) -> list[str]:
    """Runs of 3+ English words (2+ letters, a lowercase one; not kept terms) separated by spaces only."""
    found = []
    for line in text.splitlines():
        for m in re.finditer(r"(?:[A-Za-z][A-Za-z'’-]*[ \t]+){2,}[A-Za-z][A-Za-z'’-]*", line):
            words = m.group(0).split()
            run: list[str] = []
            for w in words + [""]:
                if w and len(w) > 1 and re.search(r"[a-z]", w) and w.lower().strip("'’-") not in KEPT:
                    run.append(w)
                    continue
                if len(run) >= 3:
                    found.append(" ".join(run))
                run = []
    return found


def test_the_checks_catch_english():
    """The measures above are not vacuous."""
    assert english_phrases("최적 설정: Later rounds score better") == ["Later rounds score better"]
    assert english_phrases("BOHB와 Ray Tune, 하이퍼파라미터 learning_rate") == []
    assert hangul_share("예산 budget") == pytest.approx(2 / 8)
    names = ["learning_rate", "relu"]
    assert hangul_share(without_names("learning_rate 값 relu", names)) == 1.0


def _speaker_text(speaker) -> str:
    """The speaker view's own words and the notes (the next slide's preview is judged as a slide)."""
    return speaker.evaluate("() => [...document.querySelectorAll('.speaker-top, .speaker-label, "
                            ".speaker-next-title, .speaker-notes')].map(e => e.innerText).join('\\n')")


def _judge(where: str, text: str, names: list[str], problems: list[str]) -> float:
    rest = without_names(text, names)
    share = hangul_share(rest)
    phrases = english_phrases(rest)
    if share < MIN_HANGUL:
        problems.append(f"{where}: {share:.0%} Hangul")
    if phrases:
        problems.append(f"{where}: English {phrases[:4]}")
    return share


@pytest.fixture(scope="module")
def korean_decks(tmp_path_factory, demo_run):
    folder = tmp_path_factory.mktemp("korean")
    return {story: (api.make_deck(story, data=demo_run), folder) for story in STORIES}


@pytest.mark.parametrize("story", STORIES)
def test_every_slide_of_the_korean_story_is_korean(story, korean_decks, demo_run, open_deck, artifacts):
    deck_obj, folder = korean_decks[story]
    assert deck_obj.language.code == "ko" and deck_obj.warnings == ()
    path = api.write_html(deck_obj, folder / f"{story}.html")
    names = run_names(demo_run)
    deck = open_deck(path, 1280, 720)
    assert deck.page.evaluate("() => document.documentElement.lang") == "ko"
    n = deck.page.evaluate("() => window.bohbvis.slides")
    assert n == len(deck_obj.slides)
    problems: list[str] = []
    report = []
    for i in range(n):
        deck.page.evaluate("(i) => window.bohbvis.go(i)", i)
        deck.ready()
        deck.page.evaluate(SHOW_FRAGMENTS)
        deck.page.wait_for_timeout(450)  # the fragments' fade-in
        seen = deck.page.evaluate(VISIBLE_TEXT)
        where = f"{story} slide {i + 1} ({seen['kind']})"
        text = "\n".join([seen["html"], *seen["svg"], *seen["hints"]])
        share = _judge(where, text, names, problems)
        report.append({"slide": i + 1, "kind": seen["kind"], "hangul": round(share, 3),
                       "english": english_phrases(without_names(text, names))})
        deck.page.screenshot(path=str(artifacts / f"ko-{story}-{i + 1:02d}-{seen['kind']}.png"))
    # The deck's own chrome: the help overlay.
    deck.page.evaluate("() => window.bohbvis.go(0)")
    deck.press("?")
    assert deck.page.is_visible(".help-overlay")
    _judge(f"{story} help overlay", deck.page.inner_text(".help-overlay"), names, problems)
    deck.page.screenshot(path=str(artifacts / f"ko-{story}-help.png"))
    deck.press("Escape")
    (artifacts / f"ko-{story}-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n",
                                                      encoding="utf-8")
    assert deck.errors == [] and deck.outside_requests() == []
    assert not problems, f"{len(problems)} places are not Korean:\n" + "\n".join(problems)


@pytest.mark.parametrize("story", STORIES)
def test_the_speaker_view_is_korean(story, korean_decks, demo_run, open_deck, artifacts):
    deck_obj, folder = korean_decks[story]
    path = api.write_html(deck_obj, folder / f"{story}-speaker.html")
    names = run_names(demo_run)
    deck = open_deck(path, 1280, 720)
    with deck.page.expect_popup() as popup:
        deck.page.keyboard.press("s")
    speaker = popup.value
    speaker.wait_for_load_state()
    speaker.wait_for_function("() => window.bohbvis && window.bohbvis.mode === 'speaker'")
    problems: list[str] = []
    for i in range(len(deck_obj.slides)):
        deck.page.evaluate("(i) => window.bohbvis.go(i)", i)
        speaker.wait_for_function(f"() => window.bohbvis.index() === {i}")
        speaker.wait_for_timeout(100)
        _judge(f"{story} speaker view, slide {i + 1}", _speaker_text(speaker), names, problems)
        if i in (0, 3):
            speaker.screenshot(path=str(artifacts / f"ko-{story}-speaker-{i + 1:02d}.png"))
    assert not problems, f"{len(problems)} speaker-view slides are not Korean:\n" + "\n".join(problems)


@pytest.mark.parametrize("story", STORIES)
def test_the_pdf_holds_the_decks_korean_sentences(story, korean_decks, open_deck):
    """Each slide's title and Korean sentences (as the browser shows them) are in its PDF page's text."""
    import pypdf

    from bohbvis.export import export_deck

    deck_obj, folder = korean_decks[story]
    deck = open_deck(api.write_html(deck_obj, folder / f"{story}-pdf.html"), 1280, 720)
    pdf = export_deck(deck_obj, folder / f"{story}.pdf").read_bytes()
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == len(deck_obj.slides)
    missing, n_checked = [], 0
    for i, page in enumerate(pages):
        deck.page.evaluate("(i) => window.bohbvis.go(i)", i)
        deck.ready()
        deck.page.evaluate(SHOW_FRAGMENTS)
        for sentence in deck.page.evaluate(VISIBLE_TEXT)["sentences"]:
            for part in re.split(r"(?<=[.!?:])\s+|\n", sentence):
                if len(HANGUL.findall(part)) < 6:
                    continue
                n_checked += 1
                if re.sub(r"\s+", "", part) not in page:
                    missing.append(f"slide {i + 1}: {part[:80]}")
    assert n_checked >= len(pages), f"only {n_checked} Korean sentences on {len(pages)} slides"
    assert not missing, f"{len(missing)} of {n_checked} Korean sentences are not in the PDF:\n" + "\n".join(missing)
