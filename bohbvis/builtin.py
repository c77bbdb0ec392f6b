"""Where the built-in stories and themes are, in a checkout (top-level folders) or a wheel."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).parent


def builtin_dir(name: str) -> Path:
    """`stories` or `themes`: inside the package in a wheel, at the repository top in a checkout."""
    installed = _PKG / "_builtin" / name
    return installed if installed.is_dir() else _PKG.parent / name


def builtin_stories() -> dict[str, Path]:
    d = builtin_dir("stories")
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


def builtin_themes() -> dict[str, Path]:
    d = builtin_dir("themes")
    return {p.stem: p for p in sorted(d.glob("*.css"))} if d.is_dir() else {}
