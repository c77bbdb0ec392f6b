"""Stories: the YAML a user writes to say which slides to show, in which order, with which text.

Kept light on purpose: importing this package imports no step kind (the kinds import
`bohbvis.story.model`, and the loader imports the kinds lazily, only to validate their options).

    from bohbvis.story import load_story
    story = load_story("advisor")            # a built-in story, or a path to a .yaml file
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from .model import Place, StepOptions, StepSpec, Story


def load_story(source: str | Path | Mapping[str, Any]) -> Story:
    """Validate a story file, a built-in story name (`advisor`), or a dict with the same keys.

    Raises one BohbvisError listing every problem (file:line:column, key path, what is allowed).
    """
    from .loader import load_story as _load

    return _load(source)


__all__ = ["load_story", "Story", "StepSpec", "StepOptions", "Place"]
