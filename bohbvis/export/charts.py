"""Charts without a browser: Vega-Lite specs drawn by vl-convert (vector SVG/PDF, PNG).

The theme's Vega config is merged under each spec's own config (the same precedence as
vega-embed in the HTML deck: the spec wins), then every font key is forced to one installed
family (see fonts.py for why a single family).
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping

from ..steps._base import DESIGN_HEIGHT, DESIGN_WIDTH, Chart

# Inline data only: an export never reaches the network.
NO_URLS: list[str] = []
# Keys holding rows, not styling: never rewritten.
_DATA_KEYS = frozenset({"data", "datasets", "values"})
# `--charts` PNGs are for papers: 2x the CSS size (about 144 dpi at the chart's design size).
CHART_PNG_SCALE = 2.0


def _is_font_key(key: str) -> bool:
    return key == "font" or (key.endswith("Font") and key[0].islower())


def _force_fonts(node: Any, family: str) -> Any:
    if isinstance(node, Mapping):
        return {
            k: (family if _is_font_key(k) and isinstance(v, str) else v if k in _DATA_KEYS else _force_fonts(v, family))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_force_fonts(v, family) for v in node]
    return node


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, Mapping) and isinstance(out.get(k), Mapping) else v
    return out


def export_spec(spec: Mapping[str, Any], theme_config: Mapping[str, Any] | None, family: str) -> dict[str, Any]:
    """The spec vl-convert draws: theme config under the spec's, fonts forced to `family`."""
    # A shallow copy is enough: _force_fonts rebuilds every mapping and list but the data
    # (which nothing here changes), so the deck's spec is never modified (deepcopy: 60 ms).
    out = dict(spec)
    config = _deep_merge(dict(theme_config or {}), dict(out.get("config") or {}))
    config["font"] = family
    out["config"] = config
    # "container" sizes need a browser's box; the export draws at the design size instead.
    if out.get("width") == "container":
        out["width"] = DESIGN_WIDTH - 100
    if out.get("height") == "container":
        out["height"] = DESIGN_HEIGHT - 100
    return _force_fonts(out, family)


def spec_text(charts: Iterable[Chart]) -> str:
    """Every string in the charts' specs (data included): a superset of what they will show,
    used to pick a chart font that covers it all before anything is drawn."""
    return "".join(json.dumps(c.spec, ensure_ascii=False, sort_keys=True, default=str) for c in charts)


def _json(spec: Mapping[str, Any]) -> str | Mapping[str, Any]:
    """vl-convert takes a spec as a dict or as JSON text; JSON text is ~30 % faster (measured:
    0.65 s against 0.95 s for the advisor deck's charts): one C-speed dump, no Python-object
    conversion in the binding. A spec JSON cannot hold (NaN) goes as the dict."""
    try:
        return json.dumps(spec, ensure_ascii=False, allow_nan=False, default=str)
    except ValueError:
        return spec


def _locale() -> dict:
    """vl-convert's number locale for the deck's language (as the deck's charts use it)."""
    from ..render.html import format_locale

    found = format_locale()
    return {"format_locale": found} if found else {}


def chart_svg(spec: Mapping[str, Any]) -> str:
    import vl_convert as vlc

    return canonical_ids(vlc.vegalite_to_svg(_json(spec), allowed_base_urls=NO_URLS, **_locale()))


_ID_USE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def canonical_ids(svg: str) -> str:
    """Vega numbers clip paths and gradients with a counter that runs on across charts
    (clip8 here, clip12 for the same chart drawn later): renumbered per SVG in order of
    appearance, the same chart always gives the same bytes."""
    names: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        old = match.group(2)
        if old not in names:
            names[old] = f"{re.sub(r'[0-9_]+$', '', old) or 'id'}{len(names) + 1}"
        return match.group(1) + names[old]

    return _ID_USE.sub(rename, svg)


def chart_pdf(spec: Mapping[str, Any]) -> bytes:
    """vl-convert's own PDF of a chart (the benchmark's yardstick)."""
    import vl_convert as vlc

    return vlc.vegalite_to_pdf(_json(spec), allowed_base_urls=NO_URLS, **_locale())


def chart_png(spec: Mapping[str, Any], scale: float = CHART_PNG_SCALE) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(_json(spec), scale=scale, allowed_base_urls=NO_URLS, **_locale())


_SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)


def svg_text(svg: str) -> str:
    """The text an SVG chart shows (for the font coverage check)."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", t)) for t in _SVG_TEXT.findall(svg))


# --- fitting a chart into its box on the page --------------------------------------------------

MIN_PLOT = 120  # px: a plot area never shrinks below this; past it the whole SVG is scaled
_MULTI_VIEW = ("concat", "hconcat", "vconcat", "facet", "repeat")


def svg_size(svg: str) -> tuple[float, float]:
    m = re.search(r"<svg\b[^>]*>", svg)
    head = m.group(0) if m else ""
    w = re.search(r'\bwidth="([\d.]+)"', head)
    h = re.search(r'\bheight="([\d.]+)"', head)
    return (float(w.group(1)) if w else 0.0, float(h.group(1)) if h else 0.0)


def refit(spec: dict[str, Any], svg: str, area: tuple[float, float] | None) -> tuple[dict[str, Any], str] | None:
    """The chart drawn again with a plot area small enough for `area` (CSS px), or None when
    it fits already or cannot be re-sized.

    Like the deck, which re-sizes a chart's view to its box: the plot area shrinks by what
    overflows, so labels and legends keep their type size. What is still too big after that
    (concatenated or faceted views, a plot that would get smaller than MIN_PLOT) the page
    scales down as a whole (`object-fit: scale-down`). Charts smaller than their area stay
    as designed (a slim heatmap is not blown up).
    """
    width, height = svg_size(svg)
    if area is None or (width <= area[0] + 0.5 and height <= area[1] + 0.5):
        return None
    if any(k in spec for k in _MULTI_VIEW):
        return None
    resized = dict(spec)
    for key, over in (("width", width - area[0]), ("height", height - area[1])):
        if isinstance(spec.get(key), (int, float)) and over > 0.5:
            resized[key] = max(MIN_PLOT, round(spec[key] - over))
    if resized == spec:
        return None
    return resized, chart_svg(resized)


# --- the SVG as WeasyPrint draws it fastest (same picture) -------------------------------------

_LEAF = re.compile(r"<(?:path|line|rect|circle)\b[^>]*/>")
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_CIRCLE = re.compile(r"M([\d.]+),0A\1,\1,0,1,1,-\1,0A\1,\1,0,1,1,\1,0")
_TRANSLATE = re.compile(r"translate\(([-\d.e]+),([-\d.e]+)\)")
_A11Y = re.compile(r'\s(?:aria-label|aria-roledescription|aria-hidden|role|pointer-events)="[^"]*"')


def page_svg(svg: str) -> str:
    """The chart SVG rewritten so WeasyPrint draws it 4x faster and 6x smaller, same picture.

    Vega draws each scatter point as a path with `opacity`: WeasyPrint turns every such
    element into its own transparency group (one PDF XObject per point). On a shape painted
    with only a fill or only a stroke, `opacity` equals `fill-opacity`/`stroke-opacity`, which
    need no group. Vega's circle symbol (two arcs, translated) becomes a `<circle>`, which
    needs no arc-to-curve conversion nor transform. Accessibility attributes are dropped
    (the PDF is not tagged; the `--charts` SVG files keep them).
    """
    svg = _A11Y.sub("", svg)
    root_group = re.search(r"<g\b[^>]*>", svg)
    # Unset `fill` means none only under Vega's root group `fill="none"`.
    unset_fill_is_none = bool(root_group and 'fill="none"' in root_group.group(0))
    svg = svg.replace(' opacity="1"', "")  # the default: no group either way, just bytes
    return _LEAF.sub(lambda m: _rewrite_leaf(m.group(0), unset_fill_is_none), svg)


def _rewrite_leaf(tag: str, unset_fill_is_none: bool) -> str:
    attrs = dict(_ATTR.findall(tag))
    opacity = attrs.get("opacity")
    if opacity is not None and unset_fill_is_none:
        fill = attrs.get("fill", "none") not in ("none", "transparent")
        stroke = attrs.get("stroke", "none") not in ("none", "transparent")
        if fill != stroke:  # exactly one painted: the group opacity is that paint's opacity
            key = "fill-opacity" if fill else "stroke-opacity"
            combined = float(opacity) * float(attrs.get(key, 1))
            tag = re.sub(rf'\s{key}="[^"]*"', "", tag)
            tag = tag.replace(f' opacity="{opacity}"', f' {key}="{combined:g}"', 1)
    circle = _CIRCLE.fullmatch(attrs.get("d", ""))
    move = _TRANSLATE.fullmatch(attrs.get("transform", ""))
    if circle and move:
        tag = re.sub(r'\s(?:d|transform)="[^"]*"', "", tag)
        tag = tag.replace("<path", f'<circle cx="{move.group(1)}" cy="{move.group(2)}" r="{circle.group(1)}"', 1)
    return tag


def safe_name(chart_id: str) -> str:
    """A file name from a chart id (ids are deck-unique; only unsafe characters change)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", chart_id).strip(".-")
    return name or "chart"


def chart_files(charts: Iterable[tuple[Chart, dict[str, Any]]], svgs: Mapping[str, str]) -> dict[str, bytes]:
    """{file name: bytes}: every chart alone, at its designed size, as .svg, .pdf and .png,
    named after its id.

    The PDF is the SVG drawn by WeasyPrint like the deck's pages (vl-convert's own PDFs
    order their objects differently on every run: not reproducible byte for byte)."""
    from .pdf import svg_pdf

    files: dict[str, bytes] = {}
    used: set[str] = set()
    for chart, spec in charts:
        stem = safe_name(chart.id)
        n = 2
        while stem in used:  # two ids differing only in unsafe characters
            stem = f"{safe_name(chart.id)}-{n}"
            n += 1
        used.add(stem)
        svg = svgs.get(chart.id) or chart_svg(spec)
        files[f"{stem}.svg"] = svg.encode("utf-8")
        files[f"{stem}.pdf"] = svg_pdf(page_svg(svg))
        files[f"{stem}.png"] = chart_png(spec)
    return files
