"""How a deck's language behaves: Korean particles, BCP 47 tags, a user's own .po next to the
story (a new language, or corrections to the shipped one), locale digits in `{{ }}` filters, the
`bohbvis messages` command, the view cache across languages, and a broken .po file."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bohbvis import api
from bohbvis.cli import app
from bohbvis.errors import BohbvisError
from bohbvis.i18n import TEMPLATE, fallback_warning, render, template_ids, tr, using
from bohbvis.i18n._particles import attach
from bohbvis.render.html import render_html

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Two messages of the `best` step, seen on its slide: the title and the first sentence of its notes.
TITLE_ID = "Best: {sample}, {value} {metric} at {budget}"
NOTE_ID = "The incumbent is the configuration the run would hand over."


def _story(folder: Path, lang: str, steps: str = "  - kind: best\n", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "story.yaml"
    path.write_text(f"title: A run\ndata: demo\nlang: {lang}\nbudget_unit: epochs\n{extra}steps:\n{steps}",
                    encoding="utf-8")
    return path


def _po(path: Path, lang: str, entries: dict[str, str]) -> Path:
    body = "".join(f'\nmsgid "{_esc(k)}"\nmsgstr "{_esc(v)}"\n' for k, v in entries.items())
    path.write_text(textwrap.dedent(f'''\
        msgid ""
        msgstr ""
        "Language: {lang}\\n"
        "Content-Type: text/plain; charset=utf-8\\n"
        "Plural-Forms: {"nplurals=1; plural=0;" if lang in ("ja", "ko") else "nplurals=2; plural=(n != 1);"}\\n"
        ''') + body, encoding="utf-8")
    return path


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"')


# --- particles ---------------------------------------------------------------------------------

# How each number is read (일 이 삼 사 오 육 칠 팔 구 십 백 천) decides the particle.
NUMBERS = {
    "1": ("1은", "1이", "1을", "1로"), "2": ("2는", "2가", "2를", "2로"), "3": ("3은", "3이", "3을", "3으로"),
    "4": ("4는", "4가", "4를", "4로"), "5": ("5는", "5가", "5를", "5로"), "6": ("6은", "6이", "6을", "6으로"),
    "7": ("7은", "7이", "7을", "7로"), "8": ("8은", "8이", "8을", "8로"), "9": ("9는", "9가", "9를", "9로"),
    "10": ("10은", "10이", "10을", "10으로"), "100": ("100은", "100이", "100을", "100으로"),
    "1000": ("1000은", "1000이", "1000을", "1000으로"), "1,000": ("1,000은", "1,000이", "1,000을", "1,000으로"),
}


@pytest.mark.parametrize("number", NUMBERS)
def test_particles_after_numbers(number):
    assert tuple(attach(number, p) for p in ("은", "이", "을", "으로")) == NUMBERS[number]


@pytest.mark.parametrize("word, expected", [
    ("97.8%", ("97.8%는", "97.8%가", "97.8%를", "97.8%로")),  # 퍼센트
    ("50%", ("50%는", "50%가", "50%를", "50%로")),
    ("설정", ("설정은", "설정이", "설정을", "설정으로")),  # a final consonant
    ("브래킷", ("브래킷은", "브래킷이", "브래킷을", "브래킷으로")),
    ("모델", ("모델은", "모델이", "모델을", "모델로")),  # final ㄹ takes 로
    ("라운드", ("라운드는", "라운드가", "라운드를", "라운드로")),  # no final consonant
    ("하이퍼파라미터", ("하이퍼파라미터는", "하이퍼파라미터가", "하이퍼파라미터를", "하이퍼파라미터로")),
    ("BO", ("BO는", "BO가", "BO를", "BO로")),  # acronyms read letter by letter: 비오, 티피이
    ("TPE", ("TPE는", "TPE가", "TPE를", "TPE로")),
    ("max_depth", ("max_depth은(는)", "max_depth이(가)", "max_depth을(를)", "max_depth(으)로")),  # unknown reading
    ("learning_rate", ("learning_rate은(는)", "learning_rate이(가)", "learning_rate을(를)", "learning_rate(으)로")),
])
def test_particles_after_words(word, expected):
    assert tuple(attach(word, p) for p in ("은", "이", "을", "으로")) == expected


def test_particles_in_a_message_follow_the_filled_in_value():
    assert render("{n|은} {m|이} {share|로}", {"n": 1000, "m": 3, "share": "97.8%"}) == "1,000은 3이 97.8%로"
    assert render("브래킷 {m}개 중 {n}개가", {"m": 15, "n": 12}) == "브래킷 15개 중 12개가"
    assert render("{name|은}", {"name": "max_depth"}) == "max_depth은(는)"


# --- which catalog a tag picks -----------------------------------------------------------------

@pytest.mark.parametrize("tag", ["ko", "ko-KR", "KO", "ko_KR", "ko-Kore-KR"])
def test_bcp47_tags_resolve_to_the_korean_catalog(tag):
    with using(tag) as language:
        assert language.code == "ko"
        assert tr("budget") == "예산"
        assert fallback_warning(language) is None  # Korean is complete


def test_english_needs_no_catalog_and_gives_no_warning():
    with using("en-GB") as language:
        assert tr("budget") == "budget" and fallback_warning(language) is None


def test_an_unknown_language_is_english_with_one_warning_saying_how_to_add_it(tmp_path):
    deck = api.make_deck(_story(tmp_path, "fr"))
    assert not HANGUL.search(deck.slides[0].title) and deck.slides[0].title.startswith("Best")
    assert len(deck.warnings) == 1
    warning = deck.warnings[0]
    assert "'fr'" in warning and "fr.po" in warning and "bohbvis messages" in warning
    assert "ko" in warning  # which languages bohbvis has


def test_the_cli_prints_the_fallback_warning_once(tmp_path):
    story = _story(tmp_path, "fr")
    result = CliRunner().invoke(app, ["build", str(story), "-o", str(tmp_path / "deck.html")])
    assert result.exit_code == 0, result.output
    assert result.output.count("warning: lang 'fr'") == 1
    assert '<html lang="fr"' in (tmp_path / "deck.html").read_text(encoding="utf-8")


# --- a user's own .po next to the story --------------------------------------------------------

def test_a_users_po_file_adds_a_language(tmp_path):
    assert {TITLE_ID, NOTE_ID} <= set(template_ids())
    story = _story(tmp_path, "ja")
    _po(tmp_path / "ja.po", "ja", {TITLE_ID: "最良: {sample}、{budget}で{metric} {value}",
                                   NOTE_ID: "incumbent はこの実行が最終的に渡す設定です。"})
    deck = api.make_deck(story)
    slide = deck.slides[0]
    assert slide.title.startswith("最良: 4-0-1、") and "96.7%" in slide.title
    assert "incumbent はこの実行が最終的に渡す設定です。" in slide.notes
    assert "Best = lowest loss at 81 epochs (hpbandster's incumbent rule)." in slide.notes  # the rest: English
    n = len(template_ids())
    assert deck.warnings == (f"lang 'ja': ja.po translates 2 of {n} messages; the other {n - 2} are written "
                             "in English.",)
    assert '<html lang="ja"' in render_html(deck)


def test_a_users_ko_po_overrides_one_shipped_message(tmp_path):
    story = _story(tmp_path, "ko")
    shipped = api.make_deck(story).slides[0]
    _po(tmp_path / "ko.po", "ko", {NOTE_ID: "최적 설정은 이 실행이 내놓는 답입니다."})
    own = api.make_deck(story)
    assert own.warnings == ()
    assert "최적 설정은 이 실행이 내놓는 답입니다." in own.slides[0].notes
    assert own.slides[0].title == shipped.title and HANGUL.search(shipped.title)  # the rest: shipped Korean
    assert _ko(NOTE_ID) in shipped.notes
    assert own.slides[0].notes == shipped.notes.replace(_ko(NOTE_ID), "최적 설정은 이 실행이 내놓는 답입니다.")


def _ko(msgid: str) -> str:
    with using("ko"):
        return tr(msgid)


def test_story_filters_follow_the_storys_language(tmp_path):
    """{{ x | pct }}, num, int, budget: digits in the locale's symbols (German: 1.234,5)."""
    text = ("A {{ best.accuracy | pct }} B {{ trajectory.total_budget | num }} C {{ best.loss | num(4) }} "
            "D {{ run.n_evaluations | int }} E {{ trajectory.total_budget }}")
    steps = f"  - kind: trajectory\n    text: \"{text}\"\n"
    english = api.make_deck(_story(tmp_path / "en", "en", steps))
    german_story = _story(tmp_path / "de", "de", steps)
    _po(tmp_path / "de" / "de.po", "de", {NOTE_ID: "Der Incumbent ist die Konfiguration, die der Lauf übergibt."})
    german = api.make_deck(german_story)

    def quoted(deck):
        md = " ".join(b.text for b in deck.slides[0].blocks if hasattr(b, "text") and "A " in b.text and " E " in b.text)
        return re.search(r"A (\S+) B (\S+) C (\S+) D (\S+) E (\S+)", md).groups()

    en, de = quoted(english), quoted(german)
    swap = str.maketrans({",": ".", ".": ","})
    assert [x.translate(swap) for x in en] == list(de)
    assert de[0].endswith("%") and "," in de[0]  # 96,7%
    assert "." in de[1] and "," not in de[1]  # 5.103
    assert len(german.warnings) == 1 and "de.po translates 1 of" in german.warnings[0]


# --- bohbvis messages --------------------------------------------------------------------------

def test_messages_prints_the_template():
    result = CliRunner().invoke(app, ["messages"])
    assert result.exit_code == 0
    assert result.output == TEMPLATE.read_text(encoding="utf-8")
    assert f'msgid "{TITLE_ID}"' in result.output


def test_messages_lang_ko_prints_the_korean_catalog_as_one_po(tmp_path):
    from babel.messages.pofile import read_po

    result = CliRunner().invoke(app, ["messages", "--lang", "ko"])
    assert result.exit_code == 0
    assert "WARNING" not in result.output and result.output.startswith("# bohbvis")
    (tmp_path / "ko.po").write_text(result.output, encoding="utf-8")
    with open(tmp_path / "ko.po", "rb") as f:
        catalog = read_po(f)
    ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    assert set(ids) == set(template_ids())
    assert ids["budget"].string == "예산" and HANGUL.search(ids[TITLE_ID].string)
    # Saved next to a story, it is a complete Korean catalog of its own.
    deck = api.make_deck(_story(tmp_path, "ko"))
    assert deck.warnings == () and HANGUL.search(deck.slides[0].title)


def test_messages_for_a_language_bohbvis_does_not_ship_is_a_clear_error():
    result = CliRunner().invoke(app, ["messages", "--lang", "xx"])
    assert result.exit_code == 2
    assert "'xx'" in result.output and "ko" in result.output and "Traceback" not in result.output


# --- the view cache and broken catalogs --------------------------------------------------------

def test_the_view_cache_keeps_languages_apart():
    """The same run and step in one process: Korean views for the Korean story, English for the English."""
    english = api.make_deck("advisor")
    korean = api.make_deck("advisor-ko")
    again = api.make_deck("advisor")
    best_en, best_ko, best_again = (next(s for s in d.slides if s.kind == "best") for d in (english, korean, again))
    assert HANGUL.search(best_ko.title) and not HANGUL.search(best_en.title)
    assert best_again.title == best_en.title
    assert korean.language.code == "ko" and english.language.code == "en"


def test_a_broken_po_file_is_one_located_error(tmp_path):
    story = _story(tmp_path, "ko")
    broken = tmp_path / "ko.po"
    broken.write_text('msgid ""\nmsgstr ""\n"Language: ko\\n"\n\nmsgid "budget"\nmsgstr "예산\n\nmsgid "x"\n',
                      encoding="utf-8")
    with pytest.raises(BohbvisError) as e:
        api.make_deck(story)
    assert len(e.value.problems) == 1
    assert str(broken) in str(e.value) or "ko.po" in str(e.value)
    result = CliRunner().invoke(app, ["build", str(story), "-o", str(tmp_path / "deck.html")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.count("error:") == 1 and "ko.po" in result.output
    assert not (tmp_path / "deck.html").exists()


def test_watch_rebuilds_when_the_storys_po_file_changes(tmp_path):
    """`bohbvis watch` watches the story's <lang>.po (before it exists, too); the rebuilt deck uses it."""
    from bohbvis.watch import Preview

    story = _story(tmp_path, "ja")
    preview = Preview(story)
    assert (tmp_path / "ja.po").resolve() in preview.watched
    assert b"\xe6\x9c\x80\xe8\x89\xaf" not in preview.page.body  # 最良
    _po(tmp_path / "ja.po", "ja", {TITLE_ID: "最良: {sample}、{budget}で{metric} {value}"})
    preview.build()
    assert "最良: 4-0-1".encode() in preview.page.body


@pytest.mark.parametrize("doc", ["README.md", "docs/translating.md"])
def test_the_docs_korean_story_examples_build(doc, tmp_path):
    """The Korean story snippets of the README and the translating page are real stories."""
    root = Path(__file__).parent.parent
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", (root / doc).read_text(encoding="utf-8"), re.S)
              if "lang: ko" in b]
    assert blocks
    for i, block in enumerate(blocks):
        path = tmp_path / f"story{i}.yaml"
        path.write_text(block if "\ndata:" in block else "data: demo\n" + block, encoding="utf-8")
        deck = api.make_deck(path)
        assert deck.language.code == "ko" and deck.warnings == ()
        notes = "\n".join(s.notes or "" for s in deck.slides)
        assert "{{" not in notes and HANGUL.search(notes)
