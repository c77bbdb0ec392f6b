"""Keep the catalogs current: `python -m bohbvis.i18n.extract` (translators and tests use it).

Babel extracts every `tr("…")` / `trn("…", "…", n)` from bohbvis's Python and `tr("…")` from the
deck's JavaScript into the template bohbvis/i18n/bohbvis.pot (what `bohbvis messages` prints),
then updates each shipped language: one .po file per part of the deck (a step kind's messages
in locales/<lang>/<kind>.po, the deck's own in deck.po …), translations kept, new messages
added empty, gone ones dropped. tests/test_i18n_catalog.py fails when the template is stale or a
shipped language misses a message.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
I18N = Path(__file__).resolve().parent
KEYWORDS = {"tr": None, "trn": (1, 2), "tr_lazy": None}  # tr_lazy: i18n/lazy.py
METHOD_MAP = [("**/i18n/**.py", "ignore"), ("**.py", "python"), ("render/assets/**.js", "javascript")]
HEADER = "bohbvis — every sentence a deck writes (Korean terms: locales/ko/GLOSSARY.md)"


def area(path: str) -> str:
    """Which .po file of a language a message found in `path` (relative to the package) lives in."""
    parts = Path(path).parts
    if parts[0] == "steps" and not parts[-1].startswith("_"):
        return Path(parts[-1]).stem
    if parts[0] == "steps":
        return "steps-common"
    if parts[0] in ("render", "export"):
        return "deck"
    return parts[0].removesuffix(".py") if parts[0] in ("model", "analysis", "story", "load") else "other"


def extract():
    """The template: a Babel Catalog of every message, each with the files it comes from."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="bohbvis", header_comment=f"# {HEADER}", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), METHOD_MAP, keywords=KEYWORDS, comment_tags=("i18n:",), strip_comment_tags=True):
        catalog.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    # Files without line numbers: editing code elsewhere in a module leaves its catalog alone.
    write_po(out, catalog, width=100, omit_header=False, sort_by_file=False, include_previous=False,
             no_location=False, include_lineno=False)
    text = out.getvalue().decode("utf-8")
    # No dates or versions in the files: the same sources give the same bytes.
    keep = [line for line in text.splitlines() if not line.startswith(('"POT-Creation-Date', '"PO-Revision-Date',
                                                                       '"Generated-By', '"Project-Id-Version'))]
    return ("\n".join(keep) + "\n").encode("utf-8")


def template_bytes() -> bytes:
    return _po_bytes(extract())


def update_language(lang: str, template=None) -> dict[str, int]:
    """Rewrite locales/<lang>/*.po from the template, keeping every translation; {area: n missing}."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    template = template or extract()
    folder = I18N / "locales" / lang
    folder.mkdir(parents=True, exist_ok=True)
    known: dict[str, object] = {}
    for po in sorted(folder.glob("*.po")):
        with open(po, "rb") as f:
            for m in read_po(f):
                if m.id and m.string and not m.fuzzy:
                    known[m.id if isinstance(m.id, str) else m.id[0]] = m.string
    by_area: dict[str, list] = {}
    for m in template:
        if not m.id:
            continue
        first = sorted(m.locations)[0][0] if m.locations else "other"
        by_area.setdefault(area(first), []).append(m)
    missing = {}
    for name, messages in sorted(by_area.items()):
        cat = Catalog(locale=lang, project="bohbvis", header_comment=f"# {HEADER}: {name}", fuzzy=False)
        n_missing = 0
        for m in messages:
            key = m.id if isinstance(m.id, str) else m.id[0]
            string = known.get(key, "" if isinstance(m.id, str) else ("",))
            if isinstance(m.id, (tuple, list)) and isinstance(string, str):
                string = (string,)
            n_missing += not (string if isinstance(string, str) else all(string))
            cat.add(m.id, string, locations=m.locations, auto_comments=m.auto_comments)
        (folder / f"{name}.po").write_bytes(_po_bytes(cat))
        missing[name] = n_missing
    for stale in folder.glob("*.po"):
        if stale.stem not in by_area:
            stale.unlink()
    return missing


def main(argv: list[str]) -> int:
    template = extract()
    (I18N / "bohbvis.pot").write_bytes(_po_bytes(template))
    langs = argv or sorted(p.name for p in (I18N / "locales").iterdir() if p.is_dir())
    for lang in langs:
        missing = update_language(lang, template)
        todo = {k: v for k, v in missing.items() if v}
        print(f"{lang}: {sum(missing.values())} of {len(template)} messages untranslated"
              + (f" ({', '.join(f'{k} {v}' for k, v in todo.items())})" if todo else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
