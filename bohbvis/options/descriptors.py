"""Option descriptors: each validates itself and describes itself as JSON Schema.

Like mkdocs' config_options: an error names what is allowed ("one of: mean, max"). The story
grammar (deck keys, common step keys) and every step kind's OPTIONS are made of these, so one
source gives both validation and `bohbvis schema`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..errors import did_you_mean

_MISSING = object()


class OptionError(ValueError):
    def __init__(self, message: str, allowed: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message, self.allowed, self.hint = message, allowed, hint


@dataclass(frozen=True)
class Option:
    doc: str = ""
    default: Any = None
    required: bool = False

    def validate(self, value: Any) -> Any:
        return value

    def schema(self) -> dict:
        return {}

    def json_schema(self) -> dict:
        s = {"description": self.doc} if self.doc else {}
        s.update(self.schema())
        if self.default is not None:
            s["default"] = self.default
        return s


@dataclass(frozen=True)
class Str(Option):
    def validate(self, value):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise OptionError(f"expected text, got {_kind(value)}.", allowed="a string")
        return str(value)

    def schema(self):
        # A YAML author writing `subtitle: 2024` means text; validate() accepts numbers too.
        return {"type": ["string", "number"]}


@dataclass(frozen=True)
class Markdown(Str):
    """Markdown text; may quote computed numbers as {{ name.attr | filter }}."""


@dataclass(frozen=True)
class Bool(Option):
    def validate(self, value):
        if not isinstance(value, bool):
            raise OptionError(f"expected true or false, got {_kind(value)}.", allowed="true, false")
        return value

    def schema(self):
        return {"type": "boolean"}


@dataclass(frozen=True)
class Int(Option):
    min: int | None = None
    max: int | None = None

    def validate(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionError(f"expected a whole number, got {_kind(value)}.", allowed=self._range())
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise OptionError(f"{value} is out of range.", allowed=self._range())
        return value

    def _range(self) -> str:
        lo = "" if self.min is None else str(self.min)
        hi = "" if self.max is None else str(self.max)
        return f"a whole number from {lo or '-∞'} to {hi or '∞'}"

    def schema(self):
        s: dict = {"type": "integer"}
        if self.min is not None:
            s["minimum"] = self.min
        if self.max is not None:
            s["maximum"] = self.max
        return s


@dataclass(frozen=True)
class Float(Option):
    min: float | None = None
    max: float | None = None

    def validate(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise OptionError(f"expected a number, got {_kind(value)}.", allowed="a number")
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise OptionError(f"{value} is out of range.", allowed=f"a number from {self.min} to {self.max}")
        return float(value)

    def schema(self):
        s: dict = {"type": "number"}
        if self.min is not None:
            s["minimum"] = self.min
        if self.max is not None:
            s["maximum"] = self.max
        return s


@dataclass(frozen=True)
class Choice(Option):
    choices: Sequence[Any] = ()

    def validate(self, value):
        if value not in self.choices or isinstance(value, bool) != isinstance(self.choices[0], bool):
            raise OptionError(
                f"{value!r} is not allowed.",
                allowed=", ".join(str(c) for c in self.choices),
                hint=did_you_mean(value, self.choices),
            )
        return value

    def schema(self):
        return {"enum": list(self.choices)}


@dataclass(frozen=True)
class ListOf(Option):
    item: Option = Str()

    def validate(self, value):
        if not isinstance(value, list):
            raise OptionError(f"expected a list, got {_kind(value)}.", allowed="a YAML list")
        out = []
        for i, v in enumerate(value):
            try:
                out.append(self.item.validate(v))
            except OptionError as e:
                raise OptionError(f"item {i}: {e.message}", e.allowed, e.hint) from None
        return out

    def schema(self):
        return {"type": "array", "items": self.item.json_schema()}


@dataclass(frozen=True)
class Mapping(Option):
    """A free-form mapping (e.g. a Vega-Lite spec); the step checks its inside."""

    def validate(self, value):
        if not isinstance(value, dict):
            raise OptionError(f"expected a mapping, got {_kind(value)}.", allowed="a YAML mapping")
        return value

    def schema(self):
        return {"type": "object"}


@dataclass(frozen=True)
class OneOf(Option):
    """The first alternative that accepts the value wins (e.g. a bool or a number)."""

    alternatives: tuple[Option, ...] = ()

    def validate(self, value):
        allowed = []
        for alt in self.alternatives:
            try:
                return alt.validate(value)
            except OptionError as e:
                allowed.append(e.allowed or "")
        raise OptionError(f"{value!r} is not allowed.", allowed=" or ".join(a for a in allowed if a))

    def schema(self):
        return {"anyOf": [a.json_schema() for a in self.alternatives]}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
