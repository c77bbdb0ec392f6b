"""The message catalog itself: the shipped template is what the sources say, the Korean catalog
translates all of it with the same placeholders, and every message id is a literal Babel can see.

Fails when someone adds `tr("…")` and forgets `python -m bohbvis.i18n.extract ko`, leaves a Korean
entry empty or fuzzy, drops or renames a `{placeholder}` in a translation, or builds a message id at
run time (`tr(f"…")`, `tr(name)`), which the extraction would silently miss."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import bohbvis
from bohbvis.i18n import _FIELD, TEMPLATE
from bohbvis.i18n._catalog import LOCALES
from bohbvis.i18n.extract import template_bytes

PACKAGE = Path(bohbvis.__file__).parent
KOREAN = LOCALES / "ko"
# The particles _particles.attach knows (tossi's forms), as a translation writes them: {name|은}.
PARTICLES = {"은", "는", "이", "가", "을", "를", "와", "과", "으로", "로", "이다"}


def _entries(path: Path):
    with open(path, "rb") as f:
        return [m for m in read_po(f) if m.id]


def _key(m) -> str:
    return m.id if isinstance(m.id, str) else m.id[0]


def _names(text: str) -> set[str]:
    """The placeholders of a message: {name}, {name:spec} and {name|은} all count as `name`."""
    return {m.group(1) for m in _FIELD.finditer(text) if m.group(1)}


def _fields(text: str) -> list[tuple[str, str | None, str | None]]:
    return [m.groups() for m in _FIELD.finditer(text) if m.group(1)]


@pytest.fixture(scope="module")
def template():
    return _entries(TEMPLATE)


@pytest.fixture(scope="module")
def korean():
    """{msgid: (entry, file name)} over every .po file of the Korean catalog."""
    out = {}
    for po in sorted(KOREAN.glob("*.po")):
        for m in _entries(po):
            assert _key(m) not in out, f"{_key(m)!r} is in both {out[_key(m)][1]} and {po.name} (one file only)"
            out[_key(m)] = (m, po.name)
    return out


def test_the_shipped_template_is_a_fresh_extraction():
    fresh = template_bytes()
    assert TEMPLATE.read_bytes() == fresh, (
        "bohbvis/i18n/bohbvis.pot is stale: run `python -m bohbvis.i18n.extract ko` and commit it")


def test_extracting_twice_gives_the_same_bytes():
    assert template_bytes() == template_bytes()
    assert b"POT-Creation-Date" not in template_bytes()  # no dates: the same sources give the same file


def test_the_template_is_not_empty(template):
    assert len(template) > 50


def test_the_extraction_keywords_see_tr_and_trn_with_its_plural():
    """What extract.KEYWORDS makes of tr/trn calls (a trn() message carries both English forms)."""
    import io

    from babel.messages.extract import extract

    from bohbvis.i18n.extract import KEYWORDS

    code = b'tr("Hello {name}", name=x)\ntrn("{n} bracket", "{n} brackets", n)\nother("not me")\n'
    found = [m for _line, m, _c, _ctx in extract("python", io.BytesIO(code), keywords=KEYWORDS)]
    assert found == ["Hello {name}", ("{n} bracket", "{n} brackets")]


def test_korean_translates_every_message_of_the_template(template, korean):
    missing = [_key(m) for m in template if _key(m) not in korean]
    assert not missing, f"{len(missing)} messages have no Korean entry, e.g. {missing[:5]}"
    empty, fuzzy = [], []
    for m in template:
        entry, name = korean[_key(m)]
        forms = entry.string if isinstance(entry.string, (tuple, list)) else (entry.string,)
        if not all(f and f.strip() for f in forms):
            empty.append(f"{name}: {_key(m)!r}")
        if entry.fuzzy:
            fuzzy.append(f"{name}: {_key(m)!r}")
    assert not empty, f"{len(empty)} Korean entries are empty, e.g. {empty[:5]}"
    assert not fuzzy, f"{len(fuzzy)} Korean entries are fuzzy (not used), e.g. {fuzzy[:5]}"


def test_korean_has_no_stale_entries(template, korean):
    stale = sorted(set(korean) - {_key(m) for m in template})
    assert not stale, f"Korean entries no tr() asks for any more: {stale[:5]}"


def test_korean_has_one_plural_form(korean):
    for po in sorted(KOREAN.glob("*.po")):
        with open(po, "rb") as f:
            assert read_po(f).plural_forms == "nplurals=1; plural=0;", po.name
    for entry, name in korean.values():
        if isinstance(entry.id, tuple):
            assert len([f for f in entry.string if f]) == 1, f"{name}: {entry.id[0]!r} needs exactly msgstr[0]"


def test_every_translation_uses_exactly_the_placeholders_of_its_message(korean):
    """The placeholders of the msgid, no more, no fewer. The one way out is documented in the
    source: a placeholder an `# i18n:` comment names (e.g. "{ordinal} is English's "4th"; {rank} is
    the bare number") may be used instead of, or besides, the msgid's — a translator sees that comment."""
    wrong = []
    for key, (entry, name) in korean.items():
        if isinstance(entry.id, tuple):
            # One Korean form stands for every n: it needs what the plural (and singular) use.
            wanted = _names(entry.id[0]) | _names(entry.id[1])
            forms = [f for f in entry.string if f]
        else:
            wanted, forms = _names(entry.id), [entry.string]
        documented = set(re.findall(r"\{(\w+)\}", " ".join(entry.auto_comments)))
        for form in forms:
            have = _names(form or "")
            if form and not (wanted - documented <= have <= wanted | documented):
                wrong.append(f"{name}: {key!r} has {sorted(have)}, wants {sorted(wanted)}"
                             + (f" (or {sorted(documented)}, named in its comment)" if documented else ""))
    assert not wrong, "\n".join(wrong[:20])


def test_particles_and_format_specs_in_translations_are_ones_bohbvis_knows(korean):
    """{x|은} with a particle _particles knows; a {x:spec} only where the English has the same spec;
    the deck's JavaScript fills only plain {name} (deck.js tr()), so its messages use no particles."""
    wrong = []
    for key, (entry, name) in korean.items():
        source = " ".join(entry.id) if isinstance(entry.id, tuple) else entry.id
        specs = {n: s for n, _p, s in _fields(source)}
        in_js = any(loc.endswith(".js") for loc, _line in entry.locations)
        for form in (entry.string if isinstance(entry.string, tuple) else (entry.string,)):
            for n, particle, spec in _fields(form or ""):
                if particle and particle not in PARTICLES:
                    wrong.append(f"{name}: {key!r}: unknown particle {{{n}|{particle}}}")
                if particle and in_js:
                    wrong.append(f"{name}: {key!r}: the deck's JavaScript cannot attach {{{n}|{particle}}}")
                if spec and spec != specs.get(n):
                    wrong.append(f"{name}: {key!r}: {{{n}:{spec}}} is not the English {{{n}:{specs.get(n)}}}")
            # A particle written after a placeholder by hand is wrong for half the values.
            # (Not after a fraction's denominator: "1/{eta}이" is read 삼분의 일이, the numerator decides.)
            for m in re.finditer(r"(?<!/)\{(\w+)\}(은|는|이|가|을|를|와|과|으로|로)(?![가-힣])", form or ""):
                wrong.append(f"{name}: {key!r}: write {{{m.group(1)}|{m.group(2)}}}, not {m.group(0)}")
    assert not wrong, "\n".join(wrong[:20])


def test_english_message_ids_use_no_particle_syntax(template):
    bad = [_key(m) for m in template
           if any(p for _n, p, _s in _fields(" ".join(m.id) if isinstance(m.id, tuple) else m.id))]
    assert not bad, bad[:5]


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name in ("tr", "trn"):
                yield name, node


def test_no_message_id_is_built_at_run_time():
    """Babel extracts string literals only: `tr(f"…")`, `tr("…" + x)`, `tr("…".format(x))` or
    `tr(variable)` would be a message the catalog never sees (always English)."""
    bad = []
    files = [p for p in sorted(PACKAGE.rglob("*.py")) if "i18n" not in p.relative_to(PACKAGE).parts]
    assert len(files) > 50
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, call in _calls(tree):
            n_ids = 2 if name == "trn" else 1
            ids = call.args[:n_ids]
            if len(ids) < n_ids or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in ids):
                bad.append(f"{path.relative_to(PACKAGE)}:{call.lineno}: {ast.unparse(call)[:90]}")
    assert not bad, "message ids must be string literals:\n" + "\n".join(bad)


def test_no_message_id_is_built_at_run_time_in_the_decks_javascript():
    bad = []
    for path in sorted((PACKAGE / "render" / "assets").glob("*.js")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for m in re.finditer(r"(?<![\w.$])tr\(\s*([^\s)])", line):
                if line.lstrip().startswith(("function tr(", "/**", "*", "//")):
                    continue
                if m.group(1) != '"':
                    bad.append(f"{path.name}:{i}: {line.strip()[:90]}")
    assert not bad, 'the runtime\'s tr() takes a "double-quoted literal" (Babel and html.js_messages read those):\n' + "\n".join(bad)


def test_the_fstring_scan_finds_an_fstring(tmp_path):
    """The scan above is not vacuous: it flags the patterns it is meant to flag."""
    tree = ast.parse('tr(f"{n} brackets")\ntr(label)\ntrn("one", f"{n} many", n)\ntr("fine {n}", n=1)\n')
    flagged = [c.lineno for name, c in _calls(tree)
               if not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                          for a in c.args[:2 if name == "trn" else 1])]
    assert flagged == [1, 2, 3]


def _glossary() -> dict[str, str]:
    """English term -> Korean term, from locales/ko/GLOSSARY.md's table (the first Korean word group,
    without the "(…)" explanations and "/" alternatives)."""
    out = {}
    for line in (KOREAN / "GLOSSARY.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("English", "") or set(cells[0]) <= set("-"):
            continue
        en, ko = cells
        ens = [e.strip() for e in re.sub(r"\(.*?\)", "", en).split("/")]
        kos = [k.strip() for k in re.split(r"[(—]", ko)[0].split("/")]
        for e, k in zip(ens, kos) if len(ens) == len(kos) else [(ens[0], kos[0])]:
            if e and k:
                out[e] = k
    return out


def test_the_glossary_is_read():
    g = _glossary()
    assert g["budget"] == "예산" and g["bracket"] == "브래킷" and g["accuracy"] == "정확도" and len(g) > 20


def test_a_glossary_terms_own_message_uses_the_glossarys_korean(korean):
    """A message that is exactly a glossary term ("budget", "sample type", "Bracket") is translated
    with the glossary's word: the glossary slide and every axis, legend and header agree."""
    wrong = []
    for en, ko in _glossary().items():
        for msgid in (en, en.capitalize(), en + "s", en.capitalize() + "s"):
            if msgid in korean:
                entry, name = korean[msgid]
                text = entry.string if isinstance(entry.string, str) else entry.string[0]
                if ko not in text:
                    wrong.append(f"{name}: {msgid!r} is {text!r}, the glossary says {ko!r}")
    assert not wrong, "\n".join(wrong)
