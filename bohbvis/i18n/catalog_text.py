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
    from babel.messages.pofile import read_po, write_po

    with open(TEMPLATE, "rb") as f:
        template = read_po(f, locale=name)
    known: dict = {}
    for path in sorted((LOCALES / name).glob("*.po")):
        known.update(_read_po(path)[0])
    for m in template:
        if m.id:
            key = m.id if isinstance(m.id, str) else m.id[0]
            if key in known:
                m.string = known[key]
    out = io.BytesIO()
    write_po(out, template, width=100, include_lineno=False)
    lines = [l for l in out.getvalue().decode("utf-8").splitlines()
             if not l.startswith(('"POT-Creation-Date', '"PO-Revision-Date', '"Generated-By'))]
    return "\n".join(lines) + "\n"
