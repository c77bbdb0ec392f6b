"""Small HTML helpers for steps that generate markup (always escaped)."""

from __future__ import annotations

import html
from typing import Any, Iterable


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def table(headers: Iterable[str], rows: Iterable[Iterable[Any]], css_class: str = "facts") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{esc(css_class)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def stat(label: str, value: Any, css_class: str = "stat") -> str:
    return f'<div class="{esc(css_class)}"><div class="value">{esc(value)}</div><div class="label">{esc(label)}</div></div>'
