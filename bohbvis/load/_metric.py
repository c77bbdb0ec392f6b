"""Find the accuracy in hpbandster's free-form `info` (a dict, a bare number, or nothing)."""

from __future__ import annotations

import math
from typing import Any, Callable

from ..errors import BohbvisError


def _dig(info: Any, path: str):
    cur = info
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


def _number(v) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    return math.nan


def _keys(infos: list) -> list[str]:
    keys: set[str] = set()
    for i in infos:
        if isinstance(i, dict):
            keys.update(str(k) for k, v in i.items() if isinstance(v, (int, float)) and not isinstance(v, bool))
    return sorted(keys)


def choose_key(keys: list[str]) -> str | None:
    """A key containing "acc": validation first (what hpbandster's loss usually is), then test."""
    accs = [k for k in keys if "acc" in k.lower()]
    for prefer in ("val", "test"):
        for k in accs:
            if prefer in k.lower():
                return k
    return accs[0] if accs else None


def accuracy_getter(
    infos: list, metric: str | None, *, file
) -> tuple[Callable[[Any], float], str | None]:
    """Return (info -> accuracy in 0..1 or NaN, the name of the metric used or None)."""
    keys = _keys(infos)
    if metric is None:
        key = choose_key(keys)
        if key is None:
            return (lambda _i: math.nan), None
        metric = key
    if metric == "info":
        get = lambda i: _number(i)  # noqa: E731 — info is a bare number
    else:
        get = lambda i: _number(_dig(i, metric))  # noqa: E731
    values = [get(i) for i in infos if i is not None]
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        allowed = ", ".join(["info (a bare number)"] + keys) if keys else "info (a bare number)"
        raise BohbvisError(
            f"metric '{metric}' is not a number in any result's info.", file=file,
            key="--metric", allowed=allowed,
        )
    # Accuracy in percent (0..100) is normalised to a fraction, as the deck formats it.
    scale = 100.0 if max(finite) > 1.0 and max(finite) <= 100.0 else 1.0
    return (lambda i: get(i) / scale), metric


class InfoColumns:
    """hpbandster's `info` of every result, kept as one float column per numeric top-level key
    (8 bytes a value) instead of a dict per result: a million results fit in tens of MB.

    Whole infos are kept only when the metric needs them (a dotted path into nested dicts)."""

    def __init__(self, metric: str | None) -> None:
        from array import array

        self._array = array
        self.n = 0
        self.columns: dict[str, Any] = {}
        self.bare = array("d")  # info given as a bare number
        keep_whole = metric is not None and metric != "info" and "." in metric
        self.whole: list | None = [] if keep_whole else None

    def add(self, info: Any) -> None:
        if self.whole is not None:
            self.whole.append(info)
        self.bare.append(_as_float(info))
        if isinstance(info, dict):
            for key, value in info.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    col = self.columns.get(key)
                    if col is None:
                        col = self.columns[key] = self._array("d", [math.nan]) * self.n
                    elif len(col) < self.n:
                        col.extend([math.nan] * (self.n - len(col)))
                    col.append(_as_float(value))
        self.n += 1

    def _column(self, key: str):
        col = self.columns[key]
        if len(col) < self.n:
            col.extend([math.nan] * (self.n - len(col)))
        return col

    def accuracy(self, metric: str | None, *, file) -> tuple[Any, str | None]:
        """(accuracy per result in 0..1, NaN where absent; the metric used or None) — the same
        rules as `accuracy_getter`."""
        import numpy as np

        keys = sorted(str(k) for k in self.columns)
        if metric is None:
            metric = choose_key(keys)
            if metric is None:
                return np.full(self.n, np.nan), None
        if metric == "info":
            values = np.frombuffer(self.bare, dtype="float64").copy() if self.n else np.array([], dtype="float64")
        elif metric in self.columns:  # a top-level key (even one with a dot in it)
            values = np.frombuffer(self._column(metric), dtype="float64").copy()
        elif self.whole is not None:
            values = np.array([_number(_dig(i, metric)) for i in self.whole], dtype="float64")
        else:
            values = np.full(self.n, np.nan)
        values[~np.isfinite(values)] = np.nan
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            allowed = ", ".join(["info (a bare number)"] + keys) if keys else "info (a bare number)"
            raise BohbvisError(
                f"metric '{metric}' is not a number in any result's info.", file=file,
                key="--metric", allowed=allowed,
            )
        # Accuracy in percent (0..100) is normalised to a fraction, as the deck formats it.
        if finite.max() > 1.0 and finite.max() <= 100.0:
            values = values / 100.0
        return values, metric


def _as_float(v: Any) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        try:
            return float(v)
        except OverflowError:
            return math.nan
    return math.nan
