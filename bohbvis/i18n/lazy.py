"""Sentences a run carries from its reader to the slides: English now, the deck's language later.

A reader runs once and its Run may be built into decks of several languages (`bohbvis.load_run`
then `build(story_ko, data=run)`, the view cache, `inspect` in English). So the sentences it
writes about the run — how brackets were recovered, where the run deviates from Hyperband's
plan — are `tr_lazy("…{n}…", n=3)`: a `str` whose value is the English sentence (what `inspect`,
`--strict`, JSON and every comparison see), which also remembers its message, so a slide writes
`localized(text)` in the build's language. Placeholder values may be lazy texts themselves.

Babel extracts `tr_lazy("…")` like `tr("…")` (bohbvis/i18n/extract.py, KEYWORDS).
"""

from __future__ import annotations

from typing import Any

from . import Language, activate, render, tr

__all__ = ["LazyText", "tr_lazy", "localized"]


class LazyText(str):
    """An English sentence that can be written again in the current language (`.localized()`)."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any]):
        with activate(Language()):  # the English value: no catalog, no locale digits
            english = render(msgid, {k: str(v) if isinstance(v, LazyText) else v for k, v in params.items()})
        self = super().__new__(cls, english)
        self.msgid = msgid
        self.params = dict(params)
        return self

    def localized(self) -> str:
        """The sentence in the build's language (English outside a `using(...)`)."""
        return tr(self.msgid, **{k: localized(v) for k, v in self.params.items()})

    def __reduce__(self):  # pickle / deepcopy (dataclasses.asdict) keep the message, not only the English
        return (LazyText, (self.msgid, self.params))


def tr_lazy(msgid: str, /, **params: Any) -> LazyText:
    """`msgid` (English, with {placeholders}) filled in now, translated when a slide writes it."""
    return LazyText(msgid, params)


def localized(text: Any) -> Any:
    """A lazy text in the build's language; anything else unchanged."""
    return text.localized() if isinstance(text, LazyText) else text
