"""What `bohbvis messages` prints: the template, or a shipped language's catalog as one .po file."""

from __future__ import annotations

import io

from ..errors import BohbvisError
from . import TEMPLATE, available
from ._catalog import LOCALES, candidates, _read_po


def catalog_text(lang: str | None = None) -> str:
    """The template (.pot) with every message bohbvis writes; with `lang`, the same entries with
    that language's shipped translations filled in (one file, ready to save as LANG.po)."""
    if not lang:
        return TEMPLATE.read_text(encoding="utf-8")
    name = next((c for c in candidates(lang) if (LOCALES / c).is_dir()), None)
    if name is None:
        raise BohbvisError(f"bohbvis ships no catalog for {lang!r}.", key="--lang",
                           allowed=", ".join(available()[1:]),
                           hint="Without --lang, `bohbvis messages` prints the template to translate.")
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    # The template is read as the source language (two plural forms, as written) and copied into a
    # catalog of the language: read with the language's locale, Babel would print a warning to
    # stdout for every plural message with more forms than the language has (Korean: one), and
    # those lines would end up in the user's LANG.po.
    with open(TEMPLATE, "rb") as f:
        template = read_po(f)
    known: dict = {}
    for path in sorted((LOCALES / name).glob("*.po")):
        known.update(_read_po(path)[0])
    catalog = Catalog(locale=name, project="bohbvis", header_comment=template.header_comment, fuzzy=False)
    for m in template:
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        string = known.get(key, "" if isinstance(m.id, str) else ("",) * catalog.num_plurals)
        if not isinstance(m.id, str) and isinstance(string, str):
            string = (string,)
        catalog.add(m.id, string, locations=m.locations, flags=m.flags, auto_comments=m.auto_comments)
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False)
    lines = [l for l in out.getvalue().decode("utf-8").splitlines()
             if not l.startswith(('"POT-Creation-Date', '"PO-Revision-Date', '"Generated-By', '"Project-Id-Version'))]
    return "\n".join(lines) + "\n"
