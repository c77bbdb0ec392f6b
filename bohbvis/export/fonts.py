"""Which installed fonts cover the deck's text, and which one the charts use.

Two traps this module exists for:

* Text no installed font covers comes out of WeasyPrint as empty boxes (tofu). Before laying
  out, every character the pages show is checked against the installed fonts' character maps;
  an uncovered one is a BohbvisError naming the characters, the slide and the Debian package
  to install (Korean: `fonts-nanum` or `fonts-noto-cjk`).
* vl-convert measures chart labels with its own font lookup, WeasyPrint draws them with
  pango's. When a family lacks a glyph both fall back, but not to the same font (measured here:
  vl-convert fills Hangul missing from DejaVu Sans with NanumBarunGothic, pango with
  NanumGothic, 6 % wider), so labels collide. Charts therefore get ONE family that covers all
  their text by itself: nothing falls back, both sides measure and draw the same glyphs.

The font list comes from fontconfig (`fc-list`, the list pango itself uses). The environment
variable BOHBVIS_FONT_DIRS (folders, separated by os.pathsep) replaces it with the fonts in
those folders; tests use it to simulate a machine without a Hangul font.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import BohbvisError

FONT_DIRS_ENV = "BOHBVIS_FONT_DIRS"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
# Installed on Debian's base image and wide (Latin, Greek, Cyrillic, math): the chart font
# when the theme names none that is installed.
DEFAULT_CHART_FAMILY = "DejaVu Sans"
# Characters no font has to draw: spaces, line breaks, joiners, variation selectors.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


@dataclass(frozen=True)
class FontFace:
    """One face of an installed font file (a .ttc holds several)."""

    file: str
    index: int
    families: tuple[str, ...]
    style: str = ""

    @property
    def regular(self) -> bool:
        s = self.style.lower()
        return not any(w in s for w in ("bold", "italic", "oblique", "light", "thin", "black"))


@dataclass(frozen=True)
class FontSet:
    """The fonts text may be drawn with, and what they cover (cmaps read lazily, cached)."""

    faces: tuple[FontFace, ...]
    source: str  # "fontconfig" or the folders, for messages
    # Families in fontconfig's fallback order for sans-serif (pango falls back in this order).
    preference: tuple[str, ...] = ()
    _covered: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def families(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for f in self.faces:
            for name in f.families:
                seen.setdefault(name, None)
        return tuple(seen)

    def has_family(self, family: str) -> bool:
        return any(family.casefold() == name.casefold() for name in self.families)

    def uncovered(self, chars: Iterable[str], family: str | None = None) -> list[str]:
        """`chars` that no face (of `family`, if given) has a glyph for, in first-seen order."""
        missing = list(dict.fromkeys(c for c in chars if _needs_glyph(c)))
        faces = self.faces if family is None else self._faces_of(family)
        # Fonts that cover Latin come first in fontconfig order: most checks stop after one file.
        for face in faces:
            if not missing:
                break
            cmap = self._cmap(face)
            missing = [c for c in missing if ord(c) not in cmap]
        return missing

    def covers(self, chars: Iterable[str], family: str) -> bool:
        return not self.uncovered(chars, family)

    def _faces_of(self, family: str) -> list[FontFace]:
        faces = [f for f in self.faces if any(family.casefold() == n.casefold() for n in f.families)]
        # A family's regular face decides (a bold face may cover fewer characters).
        return sorted(faces, key=lambda f: (not f.regular, f.file, f.index))

    def _cmap(self, face: FontFace) -> frozenset[int]:
        key = (face.file, face.index)
        if key not in self._covered:
            self._covered[key] = _read_cmap(face.file, face.index)
        return self._covered[key]


def _needs_glyph(char: str) -> bool:
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return False
    return unicodedata.category(char) not in _INVISIBLE_CATEGORIES


@lru_cache(maxsize=None)
def _read_cmap(file: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(file, lazy=True, fontNumber=index)
        return frozenset(font.getBestCmap() or {})
    except Exception:  # an unreadable font covers nothing (pango would skip it too)
        return frozenset()


def font_set(dirs: Sequence[str | Path] | None = None) -> FontSet:
    """The fonts to check against: `dirs` if given, else $BOHBVIS_FONT_DIRS, else fontconfig."""
    if dirs is None and FONT_DIRS_ENV in os.environ:
        dirs = [d for d in os.environ[FONT_DIRS_ENV].split(os.pathsep) if d]
    if dirs is not None:
        return _font_set_from_dirs(tuple(str(d) for d in dirs))
    return _fontconfig_set()


@lru_cache(maxsize=4)
def _font_set_from_dirs(dirs: tuple[str, ...]) -> FontSet:
    faces: list[FontFace] = []
    for d in dirs:
        for path in sorted(Path(d).rglob("*")) if Path(d).is_dir() else ():
            if path.suffix.lower() in FONT_SUFFIXES:
                faces.extend(_faces_in_file(str(path)))
    return FontSet(tuple(faces), source=os.pathsep.join(dirs) or "(no folders)")


def _faces_in_file(file: str) -> list[FontFace]:
    from fontTools.ttLib import TTCollection, TTFont

    try:
        fonts = TTCollection(file, lazy=True).fonts if file.lower().endswith((".ttc", ".otc")) else [TTFont(file, lazy=True)]
    except Exception:
        return []
    faces = []
    for i, font in enumerate(fonts):
        name = font["name"]
        family = name.getDebugName(16) or name.getDebugName(1) or Path(file).stem
        style = name.getDebugName(17) or name.getDebugName(2) or ""
        faces.append(FontFace(file, i, (family,), style))
    return faces


@lru_cache(maxsize=1)
def _fontconfig_set() -> FontSet:
    fc_list = shutil.which("fc-list")
    if fc_list is None:  # no fontconfig binary: read the usual folders ourselves
        return _font_set_from_dirs(("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts")))
    out = subprocess.run(
        [fc_list, "--format", "%{file}\t%{index}\t%{family}\t%{style[0]}\n"],
        capture_output=True, text=True, check=False,
    ).stdout
    faces = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[0].lower().endswith(FONT_SUFFIXES):
            continue
        file, index, families, style = parts
        faces.add(FontFace(file, int(index or 0), tuple(f for f in families.split(",") if f), style))
    fc_match = shutil.which("fc-match")
    order = subprocess.run([fc_match, "-s", "--format", "%{family[0]}\n", "sans-serif"],
                           capture_output=True, text=True, check=False).stdout if fc_match else ""
    # Sorted: the same machine gives the same order, so choices below are reproducible.
    return FontSet(tuple(sorted(faces, key=lambda f: (f.file, f.index))), source="fontconfig (fc-list)",
                   preference=tuple(dict.fromkeys(order.splitlines())))


# --- choosing the chart font --------------------------------------------------------------------


def chart_family(chars: Iterable[str], fonts: FontSet, preferred: Sequence[str] = ()) -> str:
    """One installed family that covers every character of the charts by itself.

    Tried in order: the theme's families, DejaVu Sans, then every installed family (regular
    sans faces first). If none covers everything, the first installed preferred family is
    returned and `check_coverage` reports what is missing.
    """
    chars = [c for c in dict.fromkeys(chars) if _needs_glyph(c)]
    candidates = [f for f in dict.fromkeys([*preferred, DEFAULT_CHART_FAMILY]) if fonts.has_family(f)]
    # Then the family pango itself falls back to first, so chart text looks like page text.
    rank = {f.casefold(): i for i, f in enumerate(fonts.preference)}
    others = sorted(set(fonts.families) - set(candidates),
                    key=lambda f: (rank.get(f.casefold(), len(rank)), _sans_first(f)))
    for family in [*candidates, *others]:
        if fonts.covers(chars, family):
            return family
    return candidates[0] if candidates else (fonts.families[0] if fonts.families else DEFAULT_CHART_FAMILY)


def _sans_first(family: str) -> tuple:
    f = family.lower()
    return ("mono" in f or "coding" in f, "serif" in f.replace("sans", "") or "myeongjo" in f, "math" in f, f)


def css_families(value: str | None) -> list[str]:
    """Family names in a CSS/Vega font list (`"Inter", system-ui, sans-serif` -> names)."""
    if not value:
        return []
    names = [part.strip().strip("'\"") for part in str(value).split(",")]
    generic = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-sans-serif",
               "ui-serif", "ui-monospace", "-apple-system", "blinkmacsystemfont"}
    return [n for n in names if n and n.lower() not in generic]


# --- the check ----------------------------------------------------------------------------------


# Debian packages that provide a font for a script, and another that would do too.
ALTERNATIVE = {"fonts-nanum": "fonts-noto-cjk"}


def package_for(char: str) -> str:
    """The Debian package that provides a font for `char`'s script (for the error's hint)."""
    name = unicodedata.name(char, "")
    if name.startswith("HANGUL"):
        return "fonts-nanum"
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH", "HALFWIDTH")):
        return "fonts-noto-cjk"
    if ord(char) >= 0x1F000 or unicodedata.category(char) == "So":
        return "fonts-noto-color-emoji"
    return "fonts-noto-core"


def check_coverage(pages: Iterable[tuple[str, str]], fonts: FontSet) -> None:
    """Raise a BohbvisError for the first page whose text has characters no font covers.

    `pages` yields (place, text): place names the slide, e.g. "slide 3 ('결과')".
    """
    for place, text in pages:
        missing = fonts.uncovered(text)
        if not missing:
            continue
        shown = "".join(missing[:8])
        codes = ", ".join(f"U+{ord(c):04X}" for c in missing[:8])
        packages = sorted(dict.fromkeys(package_for(c) for c in missing))
        also = [f"{ALTERNATIVE[p]} instead of {p}" for p in packages if p in ALTERNATIVE]
        raise BohbvisError(
            f"no installed font has glyphs for '{shown}' ({codes}) on {place}; the export would "
            f"draw empty boxes instead.",
            key="fonts",
            allowed=f"text the installed fonts cover (checked against {fonts.source})",
            hint=f"Install a font for this script, e.g. on Debian/Ubuntu: sudo apt-get install "
            f"{' '.join(packages)}{f' (or {chr(44).join(also)})' if also else ''}, then export again.",
        )
