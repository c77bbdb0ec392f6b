"""Computed views, cached by (the run's content, the step's options), for rebuilds in one process.

Writing a deck means rebuilding it dozens of times while only the story's words change. Every
view a step computes depends on the run and the step's own options, never on the story's
`title`, `text` or `notes` (those are templated and placed after the build, story/assemble.py)
nor on the theme (the charts' Vega config is derived at render time). So a view is built once
per key and reused:

    (run.fingerprint + the run's other fields, options.cache_key(), options.index, options.fragments)

(the other fields: the same evaluations from another folder or with another metric are another
run; the fingerprint is computed only once a second Run object comes in, see ViewCache).

`index` is in the key because chart and table ids carry the step's position; `fragments` because
a step may reveal its blocks one by one. A cached step is built with title/text/notes blanked,
which is exactly what the pipeline overwrites: a slide's title from the story replaces the
step's own, so what the step would have done with it never shows. Kinds whose build reads the
story's text (`markdown` checks its column breaks) or that compute nothing worth keeping are
built every time. Slides are immutable (frozen dataclasses; the render layer copies specs
before it changes them), so one cached slide can serve every rebuild.
"""

from __future__ import annotations

import dataclasses
import hashlib
import weakref
from collections import OrderedDict
from typing import Any

from ..options import StepOptions

UNCACHED_KINDS = frozenset({"markdown", "title"})
MAX_VIEWS = 128  # slides kept: a few stories' worth, on a few runs


class ViewCache:
    """`build(run, options)` like bohbvis.steps.build, from the cache when it can.

    The run's content fingerprint hashes the whole table (seconds at 10⁵ evaluations), and a
    one-shot `bohbvis build` never rebuilds, so it is computed only when it can pay off: views of
    a Run object are kept under that object until another Run object comes in; only then are
    both fingerprinted (the same content loaded twice then shares its views). A run that was
    garbage-collected before that can match nothing, and its views are dropped."""

    def __init__(self, max_views: int = MAX_VIEWS) -> None:
        self.max_views = max_views
        self._views: OrderedDict[tuple, Any] = OrderedDict()
        self._unhashed: dict[int, weakref.ref] = {}  # id(run) -> the run, views kept under ("run", id)
        self.hits = 0
        self.misses = 0

    def build(self, run, options: StepOptions):
        from . import build

        if options.kind in UNCACHED_KINDS:
            return build(run, options)
        from ..i18n import current

        # The language is in the key: the same view in Korean is another view.
        key = (self._content(run), options.cache_key(), options.index, options.fragments, current().cache_key)
        slide = self._views.get(key)
        if slide is not None:
            self._views.move_to_end(key)
            self.hits += 1
            return slide
        self.misses += 1
        slide = build(run, dataclasses.replace(options, title=None, text=None, notes=None))
        self._views[key] = slide
        while len(self._views) > self.max_views:
            self._views.popitem(last=False)
        return slide

    def get(self, kind: str):
        """The kind's module, like bohbvis.steps.get (a deck comparing runs asks for build_runs)."""
        from . import get

        return get(kind)

    def _content(self, run) -> tuple:
        """What identifies the run's content in the keys: ("run", id) or ("fp", fingerprint)."""
        ref = self._unhashed.get(id(run))
        if ref is not None and ref() is run:
            return ("run", id(run))
        if "fingerprint" in getattr(run, "__dict__", {}):  # already computed: free
            return ("fp", _content_key(run))
        if not self._views:
            self._unhashed = {id(run): weakref.ref(run)}
            return ("run", id(run))
        for rid, old in list(self._unhashed.items()):  # another run was seen: name both by content
            alive = old()
            self._rekey(("run", rid), None if alive is None else ("fp", _content_key(alive)))
        self._unhashed = {}
        return ("fp", _content_key(run))

    def _rekey(self, old: tuple, new: tuple | None) -> None:
        for key in [k for k in self._views if k[0] == old]:
            slide = self._views.pop(key)
            if new is not None:
                self._views[(new, *key[1:])] = slide

    def clear(self) -> None:
        self._views.clear()
        self._unhashed = {}
        self.hits = self.misses = 0


def _content_key(run) -> str:
    """The table's fingerprint plus everything else a step may read of the run: the same
    evaluations read from another folder (`source`), with another metric or eta, are another run."""
    described = [(f.name, getattr(run, f.name)) for f in dataclasses.fields(run) if f.name not in ("table", "brackets")]
    return run.fingerprint + ":" + hashlib.sha256(repr(described).encode()).hexdigest()[:16]


VIEWS = ViewCache()  # the process's cache: api.make_deck builds through it
