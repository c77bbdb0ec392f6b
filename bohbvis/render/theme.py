"""Themes: one CSS file of custom properties styles both the slides and the charts.

A theme is a `.css` file whose `:root { … }` block sets the variables below (plus any extra CSS
rules). The Vega config for every chart is derived here from the same variables, so the HTML
deck, the charts and the exported pages can never disagree on colors or fonts.

    :root {
      --bg: #ffffff; --fg: #1d232b; --accent: #0b63c4; --muted: #59636e;
      --font-body: "Liberation Sans", Arial, sans-serif; --font-mono: "DejaVu Sans Mono", monospace;
      --category-1: #0072b2; … --category-8: #666666;
      --sequential-low: #deebf7; --sequential-high: #08306b;
    }

Optional: --surface (cards, table header), --grid (chart grid lines), --diverging-low/-mid/-high.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import BohbvisError, did_you_mean

REQUIRED = (
    "bg", "fg", "accent", "muted", "font-body", "font-mono",
    *(f"category-{i}" for i in range(1, 9)),
    "sequential-low", "sequential-high",
)
COLOR_VARIABLES = tuple(v for v in REQUIRED if not v.startswith("font-")) + (
    "surface", "grid", "diverging-low", "diverging-mid", "diverging-high",
)

# Chart type sizes for a 1280×720 slide (the deck scales them with the slide, like the text).
LABEL_SIZE = 15
TITLE_SIZE = 17
CHART_TITLE_SIZE = 20
MARK_TEXT_SIZE = 13  # text marks (labels inside charts); no chart text is drawn under 12 px


@dataclass(frozen=True)
class Theme:
    name: str
    css: str  # the theme file as written (inlined after deck.css)
    variables: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # "bg" -> "#fff"
    vega_config: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = None


def load_theme(name_or_path: str | Path, base_dir: str | Path | None = None) -> Theme:
    """A built-in theme by name (`light`, `dark`) or a theme file, relative to `base_dir`."""
    from ..builtin import builtin_themes

    builtins = builtin_themes()
    text = str(name_or_path)
    if text in builtins:
        return parse_theme(builtins[text].read_text(encoding="utf-8"), name=text, file=builtins[text])
    looks_like_path = isinstance(name_or_path, Path) or text.endswith(".css") or "/" in text or "\\" in text
    if not looks_like_path:
        raise BohbvisError(
            f"unknown theme '{text}'.", key="theme", allowed=", ".join(builtins) + " or a path to a .css file",
            hint=did_you_mean(text, builtins),
        )
    path = Path(text).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    if not path.is_file():
        raise BohbvisError(
            f"theme file '{path}' does not exist.", key="theme",
            allowed=", ".join(builtins) + " or a path to a .css file (relative to the story)",
        )
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BohbvisError(f"cannot read the theme file: {exc}.", file=path) from None
    return parse_theme(source, name=path.stem, file=path)


def parse_theme(css: str, *, name: str, file: str | Path | None = None) -> Theme:
    variables = _root_variables(css, file)
    missing = [v for v in REQUIRED if v not in variables]
    if missing:
        raise BohbvisError(
            "the theme's `:root { … }` block does not set " + ", ".join(f"--{m}" for m in missing) + ".",
            file=file, line=_first_root_line(css),
            allowed="every one of " + ", ".join(f"--{v}" for v in REQUIRED),
        )
    return Theme(
        name=name,
        css=css,
        variables=MappingProxyType(dict(variables)),
        vega_config=vega_config(variables),
        path=Path(file) if file else None,
    )


# --- parsing -------------------------------------------------------------------------------------

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_FUNC_COLOR = re.compile(r"(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\([^()]*\)", re.I)
_NAMED = re.compile(r"[a-zA-Z]+")


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _blank_comments(css: str, file) -> str:
    """Comments replaced by spaces (same length, so positions keep their line numbers)."""
    start = css.find("/*")
    while start != -1:
        end = css.find("*/", start + 2)
        if end == -1:
            raise BohbvisError("a comment opened with /* is never closed.", file=file, line=_line_of(css, start),
                               allowed="/* … */")
        css = css[:start] + re.sub(r"[^\n]", " ", css[start:end + 2]) + css[end + 2:]
        start = css.find("/*", end + 2)
    return css


def _root_variables(css: str, file) -> dict[str, str]:
    clean = _blank_comments(css, file)
    depth, opened = 0, []
    for i, ch in enumerate(clean):
        if ch == "{":
            depth += 1
            opened.append(i)
        elif ch == "}":
            if depth == 0:
                raise BohbvisError("a '}' closes a block that was never opened.", file=file, line=_line_of(css, i))
            depth -= 1
            opened.pop()
    if depth:
        raise BohbvisError("a '{' is never closed.", file=file, line=_line_of(css, opened[-1]))

    variables: dict[str, str] = {}
    for block in re.finditer(r"(^|[}\s;])\s*:root\s*\{([^{}]*)\}", clean):
        body_start = block.start(2)
        for decl in re.finditer(r"[^;]+", block.group(2)):
            text = decl.group(0)
            if not text.strip():
                continue
            line = _line_of(css, body_start + decl.start() + (len(text) - len(text.lstrip())))
            name, colon, value = text.partition(":")
            name, value = name.strip(), value.strip()
            if not colon or not value:
                raise BohbvisError(f"'{text.strip()}' is not a declaration.", file=file, line=line,
                                   allowed="--name: value;")
            if not name.startswith("--"):
                continue  # ordinary properties on :root are fine (they style the page)
            key = name[2:]
            if key in COLOR_VARIABLES and not _is_color(value):
                raise BohbvisError(f"{name}: '{value}' is not a color.", file=file, line=line,
                                   allowed="#rgb, #rrggbb, rgb(…), hsl(…) or a CSS color name")
            variables[key] = value
    return variables


def _first_root_line(css: str) -> int | None:
    m = re.search(r":root\s*\{", css)
    return _line_of(css, m.start()) if m else None


def _is_color(value: str) -> bool:
    return any(p.fullmatch(value) for p in (_HEX, _FUNC_COLOR, _NAMED))


# --- colors (for contrast checks and derived colors) ---------------------------------------------


def hex_rgb(value: str) -> tuple[float, float, float] | None:
    """'#0b63c4' -> (11, 99, 196); None for colors that are not hex."""
    if not _HEX.fullmatch(value.strip()):
        return None
    h = value.strip()[1:]
    if len(h) in (3, 4):
        h = "".join(c * 2 for c in h[:3])
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two hex colors (1..21)."""
    def luminance(c: str) -> float:
        rgb = hex_rgb(c)
        if rgb is None:
            raise ValueError(f"not a hex color: {c}")
        lin = [(v / 255) / 12.92 if v / 255 <= 0.03928 else (((v / 255) + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def mix(a: str, b: str, share_of_b: float) -> str:
    """A hex color between a and b (falls back to a when either is not hex)."""
    ra, rb = hex_rgb(a), hex_rgb(b)
    if ra is None or rb is None:
        return a
    return "#" + "".join(f"{round(x + (y - x) * share_of_b):02x}" for x, y in zip(ra, rb))


# --- fonts for the deck's language ---------------------------------------------------------------

# Families that draw the script of a language, tried before the theme's own: a Korean deck's
# Hangul must not be left to whatever font the browser (or pango, or vl-convert) falls back to,
# because each falls back differently and chart labels are then measured with another font than
# the one that draws them. Latin text in these fonts reads fine, so they lead the whole stack.
LANGUAGE_FONTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "ko": ("Noto Sans KR", "NanumGothic", "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans CJK KR", "NanumBarunGothic"),
})


def _families(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _unquoted(family: str) -> str:
    return family.strip("'\"").casefold()


_GENERIC = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-sans-serif",
                      "ui-serif", "ui-monospace", "-apple-system", "blinkmacsystemfont"})


def font_stack(value: str, lang: str | None, *, own_first: bool = False) -> str:
    """The theme's font list with the families for `lang`'s script (each family once): first,
    or with `own_first` after the theme's named families (before the generic ones), so a
    theme's own font keeps the Latin text and the named Hangul fonts take what it lacks."""
    primary = (lang or "").replace("_", "-").split("-")[0].lower()
    lead = LANGUAGE_FONTS.get(primary)
    if not lead:
        return value
    own = _families(value)
    script = [f'"{f}"' for f in lead]
    taken = {_unquoted(f) for f in script}
    rest = [f for f in own if _unquoted(f) not in taken]
    if not own_first:
        return ", ".join(script + rest)
    named = [f for f in rest if _unquoted(f) not in _GENERIC]
    generic = [f for f in rest if _unquoted(f) in _GENERIC]
    return ", ".join(named + script + generic)


def for_language(theme: Theme, lang: str | None) -> Theme:
    """The theme as a deck in `lang` uses it: a Korean deck's body font (the slides' CSS
    variable and every chart's Vega font) names Hangul families — first for the built-in
    themes, after the families a theme file of the user's names (its choice is kept where
    its fonts have the glyphs). Other languages: the theme as it is."""
    from ..builtin import builtin_themes

    builtin = theme.path is None or theme.path in builtin_themes().values()
    value = theme.variables.get("font-body", "")
    stack = font_stack(value, lang, own_first=not builtin)
    if stack == value:
        return theme
    variables = {**theme.variables, "font-body": stack}
    css = (theme.css + f"\n/* lang {lang}: fonts for its script (bohbvis.render.theme.LANGUAGE_FONTS) */\n"
           f":root {{ --font-body: {stack}; }}\n")
    return Theme(name=theme.name, css=css, variables=MappingProxyType(variables),
                 vega_config=vega_config(variables), path=theme.path)


def deck_theme(deck) -> Theme:
    """The theme a built deck is drawn with: its story's theme, in the deck's language."""
    return for_language(load_theme(deck.theme, deck.theme_base), getattr(deck, "lang", None))


# --- the Vega config -----------------------------------------------------------------------------


def vega_config(v: Mapping[str, str]) -> Mapping[str, Any]:
    """Chart styling derived from the theme variables (a Vega-Lite `config`)."""
    font = v["font-body"]
    fg, muted, bg = v["fg"], v["muted"], v["bg"]
    grid = v.get("grid") or mix(bg, fg, 0.12)
    domain = mix(bg, fg, 0.45)
    axis = {
        "domainColor": domain, "tickColor": domain, "gridColor": grid,
        "labelColor": muted, "titleColor": fg, "labelFont": font, "titleFont": font,
        "labelFontSize": LABEL_SIZE, "titleFontSize": TITLE_SIZE, "titleFontWeight": 600,
        "titlePadding": 10, "labelPadding": 6,
    }
    text_style = {"labelColor": fg, "titleColor": fg, "labelFont": font, "titleFont": font,
                  "labelFontSize": LABEL_SIZE, "titleFontSize": TITLE_SIZE, "titleFontWeight": 600}
    categories = [v[f"category-{i}"] for i in range(1, 9)]
    ramp = [v["sequential-low"], v["sequential-high"]]
    diverging = [v.get("diverging-low", categories[0]), v.get("diverging-mid", bg),
                 v.get("diverging-high", categories[3])]
    config = {
        "background": bg,
        "font": font,
        "padding": 8,
        "view": {"stroke": None},
        "title": {"color": fg, "subtitleColor": muted, "font": font, "subtitleFont": font,
                  "fontSize": CHART_TITLE_SIZE, "subtitleFontSize": LABEL_SIZE, "fontWeight": 600,
                  "anchor": "start", "offset": 12},
        "axis": axis,
        "legend": {**text_style, "symbolStrokeWidth": 2, "rowPadding": 6},
        "header": text_style,
        "mark": {"color": v["accent"]},
        # Rules and ticks (arrows, whiskers, range tracks) in the axis color, visible on either background.
        "rule": {"color": domain}, "tick": {"color": domain},
        # Vega's default mark text is 11 px: below the deck's floor of 12 px at 1280×720.
        "text": {"color": fg, "font": font, "fontSize": MARK_TEXT_SIZE},
        "range": {"category": categories, "ramp": ramp, "heatmap": ramp, "diverging": diverging},
    }
    return MappingProxyType(config)


def plain(config: Any) -> Any:
    """A MappingProxy tree as plain dicts (for json.dumps)."""
    if isinstance(config, Mapping):
        return {k: plain(x) for k, x in config.items()}
    if isinstance(config, (list, tuple)):
        return [plain(x) for x in config]
    return config
