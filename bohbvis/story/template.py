"""A tiny, safe template language for story text: `{{ name.attr | filter }}` and nothing else.

No Jinja and no eval: a story is data, so it may only *quote* numbers computed from the run.
Text outside `{{ … }}` is left exactly as written; `\\{{` writes a literal `{{`.

    {{ run.n_evaluations }}          -> "1,768"
    {{ best.accuracy | pct }}        -> "97.1%"
    {{ best.accuracy | pct(2) }}     -> "97.12%"   (pct and num take a digits argument)
    {{ run.budgets | budget }}       -> "1, 3, 9, 27, 81"   (a list: each item, comma separated)
    {{ brackets.n_brackets }}        -> a number the `brackets` step computed

Errors carry the character offset of the offending `{{` so the caller can point at the story's
file, line and column. An unknown name is an error, never an empty string.
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import did_you_mean
from ..model.format import FILTERS

# Filters that accept a number of digits: pct(2), num(4).
_DIGIT_FILTERS = ("pct", "num")

_OPEN = re.compile(r"\\?\{\{")
_EXPR = re.compile(
    r"\s*(?P<path>[A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|\d+))*)\s*"
    r"(?:\|\s*(?P<filter>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\(\s*(?P<arg>\d+)\s*\)\s*)?)?$"
)
SYNTAX = "{{ name.attr }} or {{ name.attr | filter }} with filters " + ", ".join(FILTERS)


class TemplateError(ValueError):
    """A problem at `offset` (a character index into the template text)."""

    def __init__(self, message: str, offset: int, allowed: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message, self.offset, self.allowed, self.hint = message, offset, allowed, hint


@dataclass(frozen=True)
class Field:
    """One `{{ … }}` in the text."""

    start: int  # offset of "{{"
    end: int  # offset just after "}}"
    path: tuple[str, ...]
    filter: str | None
    digits: int | None

    @property
    def source(self) -> str:
        return "{{ " + ".".join(self.path) + (f" | {self.filter}" if self.filter else "") + " }}"


def parse(text: str) -> list[str | Field]:
    """The text as literal pieces and Fields; raises TemplateError for malformed `{{ … }}`."""
    out: list[str | Field] = []
    pos = 0
    literal: list[str] = []
    for m in _OPEN.finditer(text):
        if m.start() < pos:  # inside a field we already consumed
            continue
        literal.append(text[pos:m.start()])
        if m.group().startswith("\\"):  # escaped: a literal "{{"
            literal.append("{{")
            pos = m.end()
            continue
        close = text.find("}}", m.end())
        if close < 0:
            raise TemplateError("'{{' is never closed with '}}'.", m.start(), allowed=SYNTAX,
                                hint="Write \\{{ for a literal '{{'.")
        inner = text[m.end():close]
        e = _EXPR.match(inner)
        if not e or "\n" in inner:
            raise TemplateError(f"cannot read '{{{{{inner}}}}}'.", m.start(), allowed=SYNTAX)
        name, arg = e.group("filter"), e.group("arg")
        if name is not None and name not in FILTERS:
            raise TemplateError(f"unknown filter '{name}'.", m.start(), allowed=", ".join(FILTERS),
                                hint=did_you_mean(name, FILTERS))
        if arg is not None and name not in _DIGIT_FILTERS:
            raise TemplateError(f"the filter '{name}' takes no argument.", m.start(),
                                allowed="digits only for " + ", ".join(_DIGIT_FILTERS))
        if literal:
            out.append("".join(literal))
            literal = []
        out.append(Field(m.start(), close + 2, tuple(e.group("path").split(".")), name,
                         int(arg) if arg is not None else None))
        pos = close + 2
    literal.append(text[pos:])
    if "".join(literal):
        out.append("".join(literal))
    return out


def fields(text: str) -> list[Field]:
    return [p for p in parse(text) if isinstance(p, Field)]


def render(text: str, context: Mapping[str, Any], missing: Mapping[str, str] | None = None) -> str:
    """Fill every field from `context`. `missing` maps a root name whose value is None to the
    sentence explaining why (e.g. "best": "the run has no best configuration …")."""
    pieces = []
    for part in parse(text):
        if isinstance(part, str):
            pieces.append(part)
        else:
            pieces.append(_format(lookup(part, context, missing or {}), part))
    return "".join(pieces)


def lookup(field: Field, context: Mapping[str, Any], missing: Mapping[str, str]) -> Any:
    value: Any = context
    for depth, name in enumerate(field.path):
        here = ".".join(field.path[:depth]) or None
        if value is None and here in missing:
            raise TemplateError(f"{field.source}: {missing[here]}", field.start)
        if isinstance(value, Mapping):
            if name not in value:
                raise _unknown(field, depth, list(value))
            value = value[name]
        elif isinstance(value, (list, tuple)) and name.isdigit():
            if int(name) >= len(value):
                raise TemplateError(f"{field.source}: '{here}' has only {len(value)} items.", field.start,
                                    allowed=f"an index from 0 to {len(value) - 1}")
            value = value[int(name)]
        else:
            if value is None:
                what = "empty for this run"
            elif isinstance(value, (list, tuple)):
                what = "a list: use an index such as .0"
            else:
                what = "a single value"
            raise TemplateError(f"{field.source}: '{here}' is {what}, it has no '{name}'.", field.start)
    if value is None and ".".join(field.path) in missing:
        raise TemplateError(f"{field.source}: {missing['.'.join(field.path)]}", field.start)
    return value


def _unknown(field: Field, depth: int, names: list) -> TemplateError:
    name = field.path[depth]
    where = ".".join(field.path[:depth])
    what = f"'{name}'" if not where else f"'{name}' in '{where}'"
    return TemplateError(
        f"{field.source}: unknown name {what}.",
        field.start,
        allowed=", ".join(str(n) for n in names) or "(nothing: this step computes no numbers)",
        hint=did_you_mean(name, names),
    )


def _format(value: Any, field: Field) -> str:
    if isinstance(value, Mapping):
        raise TemplateError(f"{field.source} is a group of values, not one value.", field.start,
                            allowed=", ".join(f"{'.'.join(field.path)}.{k}" for k in value))
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, (Mapping, list, tuple)) for v in value):
            raise TemplateError(f"{field.source} is a list of groups, not a value.", field.start,
                                hint="Quote one item and one of its names, e.g. " + ".".join(field.path) + ".0.<name>.")
        return ", ".join(_format_one(v, field) for v in value)
    return _format_one(value, field)


def _format_one(value: Any, field: Field) -> str:
    if field.filter is not None:
        fn = FILTERS[field.filter]
        try:
            return fn(value, field.digits) if field.digits is not None else fn(value)
        except (TypeError, ValueError):
            raise TemplateError(f"{field.source}: the filter '{field.filter}' needs a number, got {value!r}.",
                                field.start, allowed="value (for text)") from None
    # Without a filter: whole numbers with thousands separators, other numbers to 3 digits.
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return FILTERS["value"](value)
    if isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and float(value).is_integer()):
        return FILTERS["int"](value)
    return FILTERS["value"](value)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """0-based (line, column) of a character offset within `text`."""
    before = text[:offset]
    line = before.count("\n")
    return line, offset - (before.rfind("\n") + 1)
