"""The hyperparameter space: read from ConfigSpace JSON, or inferred from the values a run used."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, asdict
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..errors import BohbvisError
from ..i18n import tr
from ..i18n.lazy import tr_lazy

HPType = Literal["float", "int", "categorical", "ordinal", "bool"]

# ConfigSpace JSON type names -> our five kinds.
_CS_TYPES: dict[str, HPType] = {
    "uniform_float": "float",
    "normal_float": "float",
    "beta_float": "float",
    "uniform_int": "int",
    "normal_int": "int",
    "beta_int": "int",
    "categorical": "categorical",
    "ordinal": "ordinal",
    "constant": "categorical",
}


@dataclass(frozen=True)
class Hyperparameter:
    name: str
    type: HPType
    lower: float | None = None
    upper: float | None = None
    log: bool = False
    choices: tuple | None = None
    condition: str | None = None  # e.g. "optimizer in ['sgd', 'rms']": the value may be absent
    inferred: bool = False  # True when no configspace.json described it

    @property
    def column(self) -> str:
        return f"config_{self.name}"

    @property
    def is_numeric(self) -> bool:
        return self.type in ("float", "int")

    def describe_range(self) -> str:
        if self.is_numeric:
            lo, hi = _fmt(self.lower), _fmt(self.upper)
            bounds = f"[{lo}, {hi}]"
            return tr("{range} (log)", range=bounds) if self.log else bounds
        return ", ".join(str(c) for c in self.choices or ())

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["choices"] = list(self.choices) if self.choices is not None else None
        return {k: v for k, v in d.items() if v is not None}


def is_config_column(name: str) -> bool:
    """`config_<name>` columns hold hyperparameters; `config_id` is the configuration's id."""
    return name.startswith("config_") and name != "config_id"


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    if float(x).is_integer() and abs(x) < 1e6:
        return str(int(x))
    return f"{x:.3g}"


def read_configspace(path: Path) -> tuple[Hyperparameter, ...]:
    """Parse ConfigSpace's JSON (format 0.2–0.4); conditions mark children as conditional."""
    try:
        if path.stat().st_size > 50_000_000:
            raise BohbvisError(f"is {path.stat().st_size:,} bytes; a configspace.json is at most 50 MB.", file=path)
        text = path.read_text(encoding="utf-8-sig")
        doc = json.loads(text)
    except (OSError, UnicodeDecodeError) as e:
        raise BohbvisError(f"cannot read the file ({e}).", file=path) from None
    except json.JSONDecodeError as e:
        raise BohbvisError(
            f"not valid JSON ({e.msg}).", file=path, line=e.lineno, column=e.colno
        ) from None
    except (ValueError, RecursionError) as e:  # a 5,000-digit number, nesting deeper than Python's stack
        raise BohbvisError(f"cannot read the JSON ({str(e).splitlines()[0][:120]}).", file=path) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("hyperparameters"), list):
        raise BohbvisError(
            "expected a ConfigSpace JSON object with a 'hyperparameters' list.", file=path
        )
    conditions: dict[str, str] = {}
    if not isinstance(doc.get("conditions") or [], list):
        raise BohbvisError(f"'conditions' is {json.dumps(doc['conditions'])[:60]}, not a list.", file=path,
                           key="conditions", allowed="a JSON list of ConfigSpace conditions")
    for c in doc.get("conditions") or []:
        if isinstance(c, dict) and isinstance(c.get("child"), str):
            conditions[c["child"]] = _condition_text(c)
    out = []
    for i, hp in enumerate(doc["hyperparameters"]):
        _check_cs_hyperparameter(hp, i, path, text)
        kind = _CS_TYPES.get(str(hp.get("type")))
        if kind is None or "name" not in hp:
            raise BohbvisError(
                f"hyperparameters[{i}] has type {hp.get('type')!r}, which bohbvis cannot read.",
                file=path,
                allowed=", ".join(sorted(_CS_TYPES)),
            )
        name = str(hp["name"])
        if hp.get("type") == "constant":
            choices = (hp.get("value"),)
        elif kind == "ordinal":
            choices = tuple(hp.get("sequence") or ())
        else:
            choices = tuple(hp["choices"]) if "choices" in hp else None
        if kind == "categorical" and choices and all(isinstance(c, bool) for c in choices):
            kind = "bool"
        out.append(
            Hyperparameter(
                name=name,
                type=kind,
                lower=hp.get("lower"),
                upper=hp.get("upper"),
                log=bool(hp.get("log", False)),
                choices=choices,
                condition=conditions.get(name),
            )
        )
    return tuple(out)


def _check_cs_hyperparameter(hp: Any, i: int, path: Path, text: str) -> None:
    """One clear error for a hyperparameter entry of the wrong shape (ConfigSpace writes numbers
    as numbers and choices as lists): its key, and the line its name is on."""
    key = f"hyperparameters[{i}]"
    if not isinstance(hp, dict):
        raise BohbvisError(f"is {type(hp).__name__} {json.dumps(hp)[:60]}, not an object.", file=path, key=key,
                           allowed='an object like {"name": "lr", "type": "uniform_float", "lower": 0.001, "upper": 1}')
    line = None
    if isinstance(hp.get("name"), str):
        quoted = json.dumps(hp["name"], ensure_ascii=False)
        line = next((n for n, t in enumerate(text.splitlines(), 1) if quoted in t or json.dumps(hp["name"]) in t), None)
    if not isinstance(hp.get("name"), str) or not hp["name"]:
        raise BohbvisError(f"'name' is {hp.get('name')!r}, not a name.", file=path, line=line, key=f"{key}.name",
                           allowed="a non-empty string")
    for bound in ("lower", "upper"):
        v = hp.get(bound)
        if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v)):
            raise BohbvisError(f"'{bound}' is {v!r}; a bound must be a finite number.", file=path, line=line,
                               key=f"{key}.{bound}", allowed="a JSON number like 0.001 (not in quotes)")
    for seq in ("choices", "sequence"):
        if seq in hp and not isinstance(hp[seq], list):
            raise BohbvisError(f"'{seq}' is {type(hp[seq]).__name__} {json.dumps(hp[seq])[:60]}, not a list.",
                               file=path, line=line, key=f"{key}.{seq}", allowed='a JSON list like ["adam", "sgd"]')
        if isinstance(hp.get(seq), list) and any(isinstance(c, (dict, list)) for c in hp[seq]):
            raise BohbvisError(f"'{seq}' holds a list or object; choices are single values.", file=path,
                               line=line, key=f"{key}.{seq}", allowed="numbers, text, true/false")
    if "log" in hp and not isinstance(hp["log"], bool) and hp["log"] is not None:
        raise BohbvisError(f"'log' is {hp['log']!r}.", file=path, line=line, key=f"{key}.log", allowed="true, false")


# ConfigSpace's condition types in words (a slide says "when optimizer is sgd or rms", never
# Python's "optimizer in ['sgd', 'rms']"). Lazy texts (i18n/lazy.py): the overview slide writes
# them in the deck's language, `inspect` in English.
def _word(v) -> str:
    if isinstance(v, bool):
        return tr_lazy("yes") if v else tr_lazy("no")
    return str(v)


def _condition_text(c: dict) -> str:
    parent = str(c.get("parent"))
    if "values" in c:
        raw = c["values"] if isinstance(c["values"], list) else [c["values"]]
        values = [_word(v) for v in raw]
        if len(values) == 1:
            return tr_lazy("when {parent} is {value}", parent=parent, value=values[0])
        return tr_lazy("when {parent} is {values} or {last}", parent=parent, values=", ".join(values[:-1]),
                       last=values[-1])
    if "value" in c:
        kind = str(c.get("type", "EQ")).upper()
        value = _word(c["value"])
        if kind in ("EQ", "IN"):
            return tr_lazy("when {parent} is {value}", parent=parent, value=value)
        if kind == "NEQ":
            return tr_lazy("when {parent} is not {value}", parent=parent, value=value)
        if kind == "GT":
            return tr_lazy("when {parent} is above {value}", parent=parent, value=value)
        if kind == "LT":
            return tr_lazy("when {parent} is below {value}", parent=parent, value=value)
        return tr_lazy("when {parent} {relation} {value}", parent=parent, relation=kind.lower(), value=value)
    return str(c.get("type", "condition"))


def infer_space(table: pd.DataFrame, known: dict[str, dict] | None = None) -> tuple[Hyperparameter, ...]:
    """Describe each `config_*` column from the values it holds (no configspace.json)."""
    known = known or {}
    out = []
    for col in [c for c in table.columns if is_config_column(c)]:
        name = col[len("config_") :]
        values = table[col].dropna()
        conditional = len(values) < len(table[col])
        cond = tr_lazy("value absent in some configurations") if conditional else None
        if name in known:
            out.append(Hyperparameter(name=name, inferred=True, condition=cond, **_complete(known[name], values)))
            continue
        out.append(_infer_one(name, values, cond))
    return tuple(out)


def _complete(spec: dict, values: pd.Series) -> dict:
    spec = dict(spec)
    if spec["type"] in ("float", "int") and "lower" not in spec and len(values):
        spec["lower"], spec["upper"] = float(values.min()), float(values.max())
    if spec["type"] in ("categorical", "ordinal", "bool") and "choices" not in spec:
        spec["choices"] = tuple(sorted(values.unique().tolist(), key=_sort_key))
    return spec


def _infer_one(name: str, values: pd.Series, cond: str | None) -> Hyperparameter:
    if len(values) and (values.dtype == "boolean" or all(isinstance(v, bool) for v in values.unique().tolist())):
        return Hyperparameter(name, "bool", choices=(False, True), condition=cond, inferred=True)
    numeric = pd.to_numeric(values, errors="coerce")
    if len(values) and numeric.notna().all():
        lo, hi = float(numeric.min()), float(numeric.max())
        # Readers keep integer hyperparameters as (nullable) integer columns, so the dtype tells.
        is_int = values.dtype.kind in "iu"
        log = _looks_log(numeric, lo, hi)
        if is_int:
            lo, hi = int(lo), int(hi)
        return Hyperparameter(name, "int" if is_int else "float", lower=lo, upper=hi, log=log,
                              condition=cond, inferred=True)
    choices = tuple(sorted(values.astype(str).unique().tolist()))
    return Hyperparameter(name, "categorical", choices=choices, condition=cond, inferred=True)


def _looks_log(values: pd.Series, lo: float, hi: float) -> bool:
    """A positive range over two or more decades whose values crowd neither end on a log axis.

    Sampled uniformly on a log scale, about half the values fall below the geometric midpoint;
    sampled linearly, only a few do (sqrt(lo * hi) / hi of them).
    """
    if not (lo > 0 and hi / lo >= 100) or len(values) < 4:
        return False
    return float((values < math.sqrt(lo * hi)).mean()) >= 0.25


def _sort_key(v):
    return (0, v, "") if isinstance(v, (int, float)) and not isinstance(v, bool) else (1, 0, str(v))

