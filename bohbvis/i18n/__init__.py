"""Every sentence bohbvis writes goes through here: `tr("…{n}…", n=3)`, `trn(one, many, n)`.

The message id is the English text; the story's `lang` picks a catalog (bohbvis/i18n/locales/,
or a `<lang>.po` next to the story) for the build, `with using("ko", story_dir): …`. Placeholders
are `{name}` (`{name:spec}` for a format spec) and, in a translation, `{name|은}`: the
placeholder followed by the Korean particle its word asks for (_particles.py). Integers are
written with the locale's digit grouping; other numbers should come formatted (model/format.py
follows the locale too). Nothing here imports the rest of bohbvis but errors: every layer uses it.

    bohbvis messages            # the template (.pot) a translator starts from
    bohbvis messages --lang ko  # the shipped Korean catalog, to extend or correct
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from . import _catalog
from ._catalog import SOURCE_LANGUAGE, Catalog, available

__all__ = ["tr", "trn", "using", "activate", "fallback_warning", "current", "Language", "available", "SOURCE_LANGUAGE", "template_ids"]

TEMPLATE = Path(__file__).parent / "bohbvis.pot"


@dataclass(eq=False)
class Language:
    """The language a build writes in: the story's tag, the catalog found for it, and the
    messages asked for that the catalog did not have (they are written in English)."""

    tag: str = SOURCE_LANGUAGE
    catalog: Catalog = field(default_factory=lambda: Catalog(SOURCE_LANGUAGE))
    missing: set[str] = field(default_factory=set)

    @property
    def is_source(self) -> bool:
        return self.catalog.lang == SOURCE_LANGUAGE and not self.catalog.messages

    @property
    def code(self) -> str:
        """The catalog's language as Babel names locales (ko, pt_BR); en without a catalog."""
        return self.catalog.lang

    @property
    def cache_key(self) -> tuple:
        """What a cached view depends on: the language and the exact catalog files."""
        return (self.catalog.lang, tuple((str(p), p.stat().st_mtime) for p in self.catalog.files if p.exists()))

    def lookup(self, msgid: str) -> str | tuple[str, ...] | None:
        if self.is_source:
            return None
        found = self.catalog.messages.get(msgid)
        if found is None:
            self.missing.add(msgid)
        return found

    def symbols(self) -> tuple[str, str]:
        """(decimal, group) symbols of the locale, from Babel's CLDR data (en: '.', ',')."""
        return _symbols(self.code)


_CURRENT: contextvars.ContextVar[Language] = contextvars.ContextVar("bohbvis_language", default=Language())


def current() -> Language:
    return _CURRENT.get()


@contextlib.contextmanager
def using(tag: str | None, story_dir: Path | None = None) -> Iterator[Language]:
    """Build in the language `tag` (a BCP 47 tag such as ko or ko-KR) for the duration."""
    tag = tag or SOURCE_LANGUAGE
    if _catalog.candidates(tag)[-1] == SOURCE_LANGUAGE and story_dir is None:
        language = Language(tag)
    else:
        language = Language(tag, _catalog.load(tag, story_dir))
    token = _CURRENT.set(language)
    try:
        yield language
    finally:
        _CURRENT.reset(token)


@contextlib.contextmanager
def activate(language: Language) -> Iterator[Language]:
    """Write in a language chosen before (a built deck's, when it is rendered or exported)."""
    token = _CURRENT.set(language)
    try:
        yield language
    finally:
        _CURRENT.reset(token)


def fallback_warning(language: Language) -> str | None:
    """One warning when the story's language is not complete: how many messages are English."""
    if language.tag.split("-")[0].lower() == SOURCE_LANGUAGE:
        return None
    ids = template_ids()
    have = language.catalog.messages
    n_missing = sum(1 for m in ids if m not in have)
    if not n_missing:
        return None
    shipped = ", ".join(available())
    if not have:
        return (f"lang {language.tag!r}: bohbvis has no messages for this language (it has {shipped}), so the "
                f"deck's own text is in English. Translate `bohbvis messages` into {language.tag}.po next to the story.")
    where = ", ".join(p.name for p in language.catalog.files)
    return (f"lang {language.tag!r}: {where} translate{'s' if len(language.catalog.files) == 1 else ''} "
            f"{len(ids) - n_missing} of {len(ids)} messages; the other {n_missing} are written in English.")


_SYMBOL_CACHE: dict[str, tuple[str, str]] = {"en": (".", ",")}


def _symbols(code: str) -> tuple[str, str]:
    if code not in _SYMBOL_CACHE:
        from babel import Locale, UnknownLocaleError
        from babel.numbers import get_decimal_symbol, get_group_symbol

        try:
            locale = Locale.parse(code)
            _SYMBOL_CACHE[code] = (get_decimal_symbol(locale), get_group_symbol(locale))
        except (UnknownLocaleError, ValueError):
            _SYMBOL_CACHE[code] = (".", ",")
    return _SYMBOL_CACHE[code]


def localize_digits(text: str) -> str:
    """'1,234.5' (as Python writes it) in the current locale's symbols ('1.234,5' in de)."""
    decimal, group = current().symbols()
    if (decimal, group) == (".", ","):
        return text
    return re.sub(r"\d[\d,]*(?:\.\d+)?", lambda m: m.group(0).replace(",", "\0").replace(".", decimal)
                  .replace("\0", group), text)


_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^{}:|]+))?(?::([^{}]*))?\}")


def _value_text(value: Any, spec: str | None) -> str:
    if spec:
        return localize_digits(format(value, spec))
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return localize_digits(f"{value:,}")
    if isinstance(value, float):
        return localize_digits(f"{value:,.3g}" if abs(value) < 1e6 else f"{value:.3g}")
    return str(value)


def render(template: str, params: dict[str, Any]) -> str:
    """Fill `{name}`, `{name:spec}` and `{name|particle}` in; `{{` and `}}` are braces."""

    def fill(m: re.Match) -> str:
        whole = m.group(0)
        if whole in ("{{", "}}"):
            return whole[0]
        name, particle, spec = m.groups()
        if name not in params:
            raise KeyError(f"message {template!r} needs {{{name}}}")
        text = _value_text(params[name], spec)
        if particle:
            from ._particles import attach

            return attach(text, particle)
        return text

    return _FIELD.sub(fill, template)


def tr(msgid: str, /, **params: Any) -> str:
    """`msgid` (English, with {placeholders}) in the build's language, filled in."""
    found = current().lookup(msgid)
    return render(found if isinstance(found, str) else msgid, params)


def trn(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The form for `n` (`{n}` is filled in too): English has two, Korean one."""
    params.setdefault("n", n)
    language = current()
    found = language.lookup(singular)
    if isinstance(found, tuple) and found:
        index = language.catalog.plural(int(n))
        return render(found[min(index, len(found) - 1)], params)
    return render(singular if int(n) == 1 else plural, params)


def template_ids() -> list[str]:
    """Every message id bohbvis writes (the shipped template, kept current by a test)."""
    from ._catalog import _read_po_ids

    return _read_po_ids(TEMPLATE)
