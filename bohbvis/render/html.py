"""The deck as ONE self-contained HTML file: slides, CSS, data, the Vega bundle and the runtime.

Nothing is fetched at view time (a Content-Security-Policy forbids it too): the Vega/Vega-Lite/
vega-embed bundle is inlined once for the whole deck, chart data is collected once in a deck-level
JSON (Altair names its datasets by content hash, so charts drawn from the same table share one
copy; the evaluation rows that charts and tables repeat go once into a shared, column-wise table
they reference, see _shared.py), and every inline JSON is escaped for <script>. Same deck in → byte-identical file out.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import numbers
import re
from typing import Any, Mapping

from .. import __version__
from ..steps._base import CARRIED, DESIGN_HEIGHT, DESIGN_WIDTH, Chart, Table
from ..i18n import tr
from ..steps._html import esc
from ..steps._rows import value_labels
from ._shared import share
from ._bundle import vega_bundle  # noqa: F401  (re-exported: tests and export use it)
from .slide_html import asset, css_for_style_tag, slide_html
from .theme import Theme, deck_theme, plain

SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
RUNTIME_PARTS = ("deck.js", "charts.js", "links.js", "speaker.js")

# Inline scripts and styles only; Vega needs eval for its expression language; images from data:.
CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
       "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'")

def help_rows() -> tuple[tuple[str, str], ...]:
    """The help overlay (`?`): keys and what they do, in the deck's language."""
    return (
        ("→ ↓ Space N PgDn", tr("next (fragment or slide)")), (tr("← ↑ P PgUp Shift+Space"), tr("previous")),
        ("Home / End", tr("first / last slide")), (tr("O or Esc"), tr("overview (click a slide to go there)")),
        ("G", tr("go to a slide by number")), ("S", tr("speaker view: notes, timer, next slide")), ("F", tr("fullscreen")),
        (tr("B or ."), tr("black screen")),
        ("?", tr("this help")),
    )


HELP = help_rows()  # in English (the source language): what tests and docs read


def render_html(deck) -> str:
    """The whole deck as one HTML string (see the module docstring)."""
    from ..i18n import Language, activate

    with activate(getattr(deck, "language", None) or Language()):
        return _render_html(deck)


def _render_html(deck) -> str:
    theme = deck_theme(deck)
    data = deck_data(deck, theme)
    slides = "".join(slide_html(s, index=i) for i, s in enumerate(deck.slides))
    rows = "".join(f"<tr><td><kbd>{esc(k)}</kbd></td><td>{esc(v)}</td></tr>" for k, v in help_rows())
    shortcuts = esc(tr("Keyboard shortcuts"))
    role = esc(tr("slide deck"))
    needs_js = esc(tr("This deck needs JavaScript for navigation and charts."))
    runtime = "\n".join(asset(name) for name in RUNTIME_PARTS)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(deck.lang or "en")}" class="bohbvis">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="bohbvis {esc(__version__)}">\n'
        f"<title>{esc(deck.title)}</title>\n"
        f"<style>\n{asset('deck.css')}\n{asset('speaker.css')}\n</style>\n"
        f'<style id="bohbvis-theme" data-theme="{esc(theme.name)}">\n{css_for_style_tag(theme.css)}\n</style>\n'
        "</head>\n<body>\n"
        f'<div class="deck" role="region" aria-roledescription="{role}" aria-label="{esc(deck.title)}">\n'
        f'<div class="slides">\n{slides}</div>\n</div>\n'
        '<div class="progress" aria-hidden="true"><span></span></div>\n'
        '<div class="slide-number" aria-live="polite"></div>\n'
        f'<div class="help-overlay" hidden><div class="help-card" role="dialog" aria-label="{shortcuts}">'
        f"<h2>{shortcuts}</h2><table>{rows}</table></div></div>\n"
        '<div class="blackout" aria-hidden="true"></div>\n'
        f"<noscript><p>{needs_js}</p></noscript>\n"
        f'<script type="application/json" id="bohbvis-data">{script_json(data)}</script>\n'
        f"<script>{script_text(vega_bundle())}</script>\n"
        f'<script>(function () {{\n"use strict";\n{script_text(runtime)}\nstart();\n}})();</script>\n'
        "</body>\n</html>\n"
    )


# --- the deck-level data the runtime reads -----------------------------------------------------


def deck_data(deck, theme: Theme) -> dict:
    datasets: dict[str, Any] = {}
    charts: dict[str, dict] = {}
    tables: dict[str, dict] = {}
    chart_ids = {c.id for s in deck.slides for c in s.charts}
    for index, slide in enumerate(deck.slides):
        for chart in slide.charts:
            if chart.id in charts:
                raise ValueError(f"two charts share the id {chart.id!r} (slides {charts[chart.id]['slide'] + 1} and {index + 1})")
            charts[chart.id] = _chart_data(chart, index, datasets)
        for table in slide.tables:
            if table.id in tables:
                raise ValueError(f"two tables share the id {table.id!r}")
            tables[table.id] = _table_data(table, chart_ids, index)
    # The evaluations the views repeat go once into a shared table; views keep references.
    evaluations = share(datasets, tables)
    return {
        "title": deck.title,
        "design": {"slideWidth": SLIDE_WIDTH, "slideHeight": SLIDE_HEIGHT,
                   "contentWidth": DESIGN_WIDTH, "contentHeight": DESIGN_HEIGHT},
        "vegaConfig": plain(theme.vega_config),
        "datasets": datasets,
        "charts": charts,
        "tables": tables,
        **({"evaluations": evaluations} if evaluations else {}),
        **({"messages": messages} if (messages := js_messages()) else {}),
        **({"numberLocale": locale} if (locale := number_locale()) else {}),
        **({"valueLabels": labels} if (labels := value_labels()) else {}),
        **({"formatLocale": fl} if (fl := format_locale()) else {}),
    }


def format_locale() -> dict | None:
    """Vega's number format locale (d3-format) for the deck's language, from Babel's symbols;
    None where they are Vega's default (English, Korean: '.' and ',')."""
    from ..i18n import current

    decimal, group = current().symbols()
    if (decimal, group) == (".", ","):
        return None
    return {"decimal": decimal, "thousands": group, "grouping": [3], "currency": ["", ""]}


def number_locale() -> str | None:
    """The BCP 47 tag the runtime groups digits with (Intl), None for English (its default)."""
    from ..i18n import current

    language = current()
    return None if language.is_source else language.code.replace("_", "-")


_JS_MESSAGE = re.compile(r"""\btr\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]""")


def js_messages() -> dict[str, str]:
    """The translations of the runtime's own messages (its `tr("…")` calls), in the build's
    language; nothing in English, whose text is the message id."""
    from ..i18n import current

    language = current()
    if language.is_source:
        return {}
    out = {}
    for name in RUNTIME_PARTS:
        for msgid in _JS_MESSAGE.findall(asset(name)):
            msgid = json.loads(f'"{msgid}"')
            found = language.lookup(msgid)
            if isinstance(found, str):
                out[msgid] = found
    return dict(sorted(out.items()))


def _chart_data(chart: Chart, slide: int, datasets: dict[str, Any]) -> dict:
    spec = jsonable(chart.spec)
    own = spec.pop("datasets", None) or {}
    names = []
    for name in sorted(own):
        values = own[name]
        final = name
        if name in datasets and datasets[name] != values:
            # Altair names datasets by content, so a clash means a hand-written spec: keep both.
            final = f"{name}-{_digest(values)}"
            _rename_data(spec, name, final)
        datasets.setdefault(final, values)
        names.append(final)
    return {
        "spec": spec,
        "datasets": sorted(names),
        "links": [{"param": link.param, "key": link.key, "carry": bool(link.carry)} for link in chart.links],
        "receive": chart.receive,
        "slide": slide,
    }


def _table_data(table: Table, charts_on: set[str], slide: int) -> dict:
    unknown = [c for c in table.follows if c not in charts_on and c != CARRIED]
    if unknown:
        raise ValueError(f"table {table.id!r} follows charts that are not in the deck: {', '.join(unknown)}")
    return {
        "id": table.id,
        "columns": [{"key": c.key, "label": c.label, "format": c.format} for c in table.columns],
        "rows": jsonable(list(table.rows)),
        "key": table.key,
        "follows": list(table.follows),  # chart ids, or "carried": the deck's carried selection
        "slide": slide,
        "sort": table.sort,
        "empty_text": table.empty_text,
        "filterable": table.filterable,
    }


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:12]


def _rename_data(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and data.get("name") == old:
            data["name"] = new
        for value in node.values():
            _rename_data(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _rename_data(value, old, new)


def jsonable(obj: Any) -> Any:
    """Plain JSON values: numpy/pandas scalars unwrapped, NaN/NA/NaT/inf → null, dates as ISO text."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if getattr(obj, "ndim", 0) > 0 and hasattr(obj, "tolist"):  # numpy arrays, pandas series
        return jsonable(obj.tolist())
    if getattr(obj, "ndim", None) == 0 and callable(getattr(obj, "item", None)):  # numpy scalars
        return jsonable(obj.item())
    try:
        if obj != obj:  # NaT and other missing markers are not equal to themselves
            return None
    except (TypeError, ValueError):
        return None  # pandas.NA refuses comparisons: it is a missing value
    if isinstance(obj, (_dt.date, _dt.datetime)) or hasattr(obj, "isoformat"):
        return obj.isoformat()
    if isinstance(obj, numbers.Number):
        return jsonable(float(obj))
    return str(obj)


# --- escaping for inline <script> ------------------------------------------------------------

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(obj: Any) -> str:
    """JSON that can sit inside <script>: no `</script>`, `<!--`, or JS line separators survive."""
    text = json.dumps(jsonable(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def script_text(js: str) -> str:
    """JavaScript inlined in <script>: `</script` and `<!--` would end or confuse the element."""
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.I).replace("<!--", "<\\!--")
