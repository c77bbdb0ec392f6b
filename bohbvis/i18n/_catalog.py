"""Message catalogs: gettext .po files read with Babel, one language per folder.

The English text is the message id (gettext's convention), so English needs no catalog and a
missing translation falls back to it. A language's catalog is every .po file in
`locales/<lang>/` (one per part of the deck, so the parts are translated separately), plus the
user's own `<lang>.po` next to the story, which wins over the shipped one for the messages it
has. Files are read once per (path, modification time): a watched story sees its .po edits.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import BohbvisError

LOCALES = Path(__file__).parent / "locales"
SOURCE_LANGUAGE = "en"

Entry = str | tuple[str, ...]  # a message, or its plural forms


@dataclass(frozen=True)
class Catalog:
    """The translations of one language: msgid -> text (or plural forms) and how to pick a form."""

    lang: str
    messages: dict[str, Entry] = field(default_factory=dict)
    plural: Callable[[int], int] = staticmethod(lambda n: 0 if n == 1 else 1)
    files: tuple[Path, ...] = ()


_READ: dict[tuple[str, float], tuple[dict[str, Entry], str | None]] = {}


def _read_po(path: Path) -> tuple[dict[str, Entry], str | None]:
    """{msgid: translation} of one .po file (fuzzy and empty entries left out) and its Plural-Forms."""
    key = (str(path), path.stat().st_mtime)
    if key in _READ:
        return _READ[key]
    from babel.messages.pofile import PoFileError, read_po

    try:
        with open(path, "rb") as f:
            catalog = read_po(f, abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as e:
        raise BohbvisError(f"this is not a gettext .po file Babel can read: {e}", file=path,
                           hint="`bohbvis messages` prints the template to translate; "
                                "msgfmt --check FILE names the line.") from None
    messages: dict[str, Entry] = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, (tuple, list)):
            forms = tuple(m.string) if isinstance(m.string, (tuple, list)) else (m.string,)
            if all(forms):
                messages[m.id[0]] = forms
        elif m.string:
            messages[m.id] = m.string
    plural = None
    for line in (catalog.mime_headers or []):
        if line[0].lower() == "plural-forms":
            plural = line[1]
    _READ[key] = (messages, plural)
    return _READ[key]


def _plural_rule(header: str | None) -> Callable[[int], int] | None:
    if not header or "plural=" not in header:
        return None
    expr = header.split("plural=", 1)[1].strip().rstrip(";")
    try:
        return gettext.c2py(expr)
    except (ValueError, SyntaxError):
        return None


def candidates(tag: str) -> list[str]:
    """A BCP 47 tag's catalogs, most specific first: ko-KR -> ko_KR, ko (and pt-BR -> pt_BR, pt)."""
    parts = tag.replace("_", "-").split("-")
    out = []
    for i in range(len(parts), 0, -1):
        head = [parts[0].lower()] + [p.upper() if len(p) == 2 else p for p in parts[1:i]]
        out.append("_".join(head))
    return out


def available() -> list[str]:
    """The languages bohbvis ships a catalog for, English (the source) first."""
    return [SOURCE_LANGUAGE] + sorted(p.name for p in LOCALES.iterdir() if p.is_dir() and any(p.glob("*.po")))


def load(tag: str, story_dir: Path | None = None) -> Catalog:
    """The catalog for a story's `lang` (falling back along the tag, then to English)."""
    files: list[Path] = []
    messages: dict[str, Entry] = {}
    plural = None
    chosen = SOURCE_LANGUAGE
    for name in candidates(tag):
        shipped = sorted((LOCALES / name).glob("*.po")) if (LOCALES / name).is_dir() else []
        own = [story_dir / f"{name}.po"] if story_dir is not None and (story_dir / f"{name}.po").is_file() else []
        if not shipped and not own:
            continue
        for path in shipped + own:  # the story's own file last: its messages win
            found, header = _read_po(path)
            messages.update(found)
            plural = plural or _plural_rule(header)
            files.append(path)
        chosen = name
        break
    return Catalog(lang=chosen, messages=messages, files=tuple(files),
                   plural=plural or (lambda n: 0 if n == 1 else 1))


_IDS: dict[tuple[str, float], list[str]] = {}


def _read_po_ids(path: Path) -> list[str]:
    """The message ids of a template (.pot) — every entry, translated or not; read once per
    modification time (every non-English build counts its missing messages against it)."""
    key = (str(path), path.stat().st_mtime)
    if key not in _IDS:
        from babel.messages.pofile import read_po

        with open(path, "rb") as f:
            _IDS[key] = [m.id[0] if isinstance(m.id, (tuple, list)) else m.id for m in read_po(f) if m.id]
    return _IDS[key]
