"""A built deck, ready to lay out as HTML (render.html) or pages (export)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.run import Run
from ..steps._base import Slide


@dataclass(frozen=True, eq=False)
class Deck:
    title: str
    lang: str
    theme: str  # a built-in theme name or a path to a theme .css file
    theme_base: Path | None  # folder a relative theme path is resolved against (the story's)
    slides: tuple[Slide, ...]  # final: the story's text templated in, notes merged
    run: Run
    story: Any = None  # the bohbvis.story.model.Story it came from
    language: Any = None  # the bohbvis.i18n.Language it was written in (None: English)
    warnings: tuple[str, ...] = ()  # about the deck itself (a language that is not complete)
