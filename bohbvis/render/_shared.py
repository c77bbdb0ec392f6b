"""One shared, compact table of the evaluations the deck shows; datasets and tables point into it.

Most of a deck's data is the run's evaluations, once per view: a chart's points, the bracket
view's table, the data panel… each with the same `sample_id`s and many of the same fields. Steps
build those rows independently (and should: each view picks its own fields), so the sharing is
done here, at the render layer, with no step knowing about it:

- every row list (a chart's inline dataset or a Table's rows) whose rows are dicts that all carry
  the same fields and a unique `sample_id` (the Table's `key`) is *shareable*;
- its fields go, column by column, into one shared table keyed by sample_id: a field whose values
  agree with an existing column of that name (same JSON value and type for every sample both
  have) joins it, otherwise it becomes a new column `field~1`, `field~2`… (e.g. a chart's
  jitter, or a table's rounded accuracy, next to the raw one);
- the row list is replaced by a reference: the row positions in the shared table (as runs
  `[start, length]`) and which column each field reads;
- columns are stored as arrays (no field name per row); text columns with few distinct values as
  `levels` + `codes`; a column only a few rows have (the top-5 view) with the runs of rows it covers.

The deck's runtime (links.js: `expandShared`) turns every reference back into the exact rows
before anything reads them; `expand` below is the same in Python (tests, export). Only fields
some view carries are in the shared table: nothing else of the run reaches the deck.
"""

from __future__ import annotations

from typing import Any

REF = "$shared"  # a row list replaced by a reference: {"$shared": {"rows": [...], "fields": {...}}}
_MISSING = object()


class SharedRows:
    def __init__(self, key: str = "sample_id") -> None:
        self.key = key
        self.keys: list[Any] = []
        self.position: dict[Any, int] = {}
        self.columns: dict[str, dict[int, Any]] = {}  # column name -> {row position: value}
        self.variants: dict[str, list[str]] = {}  # field -> its columns, in the order made

    # --- building ---------------------------------------------------------------------------
    def reference(self, rows: Any, key: str | None = None) -> dict | None:
        """A reference replacing `rows`, or None when they are not shareable (kept inline)."""
        key = key or self.key
        if key != self.key or not _shareable(rows, key):
            return None
        positions = [self._position(r[key]) for r in rows]
        fields = {}
        for field in sorted(rows[0]):
            if field == key:
                continue
            values = [r[field] for r in rows]
            fields[field] = self._column(field, positions, values)
        return {REF: {"rows": _runs(positions), "fields": fields}}

    def _position(self, k: Any) -> int:
        at = self.position.get(k)
        if at is None:
            at = self.position[k] = len(self.keys)
            self.keys.append(k)
        return at

    def _column(self, field: str, positions: list[int], values: list[Any]) -> str:
        names = self.variants.setdefault(field, [])
        for name in names:
            column = self.columns[name]
            if all(_same(column.get(p, _MISSING), v) for p, v in zip(positions, values)):
                column.update(zip(positions, values))
                return name
        name = field if not names else f"{field}~{len(names)}"
        while name in self.columns:  # a real field may be called "x~1": never collide with it
            name += "~"
        names.append(name)
        self.columns[name] = dict(zip(positions, values))
        return name

    # --- the deck's JSON ----------------------------------------------------------------------
    def table(self) -> dict | None:
        if not self.keys:
            return None
        return {"key": self.key, "keys": self.keys,
                "columns": {name: _encode(col, len(self.keys)) for name, col in self.columns.items()}}


def share(datasets: dict[str, Any], tables: dict[str, dict]) -> dict | None:
    """Replace every shareable row list in `datasets` and `tables` (in place) by a reference;
    the shared table they point into (None when nothing was shared)."""
    shared = SharedRows()
    for name, rows in datasets.items():
        ref = shared.reference(rows)
        if ref is not None:
            datasets[name] = ref
    for table in tables.values():
        ref = shared.reference(table["rows"], table["key"])
        if ref is not None:
            table["rows"] = ref
    return shared.table()


def expand(data: dict) -> dict:
    """The deck data with every reference turned back into its rows (what links.js does)."""
    table = data.get("evaluations")
    if not table:
        return data
    columns = {name: _decode(col, len(table["keys"])) for name, col in table["columns"].items()}

    def rows_of(value):
        if not (isinstance(value, dict) and REF in value):
            return value
        ref = value[REF]
        out = []
        for start, length in ref["rows"]:
            for i in range(start, start + length):
                row = {table["key"]: table["keys"][i]}
                row.update((field, columns[name][i]) for field, name in ref["fields"].items())
                out.append(dict(sorted(row.items())))
        return out

    out = dict(data)
    out["datasets"] = {name: rows_of(v) for name, v in data["datasets"].items()}
    out["tables"] = {tid: {**t, "rows": rows_of(t["rows"])} for tid, t in data["tables"].items()}
    del out["evaluations"]
    return out


# --- helpers ---------------------------------------------------------------------------------


def _shareable(rows: Any, key: str) -> bool:
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        return False
    fields = rows[0].keys()
    if key not in fields or any(r.keys() != fields for r in rows):
        return False
    keys = [r[key] for r in rows]
    if not all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in keys):
        return False
    return len(set(keys)) == len(keys)


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values *and* of the same type (1, 1.0 and True are three values here)."""
    if a is _MISSING:
        return True
    return type(a) is type(b) and a == b


def _runs(positions: list[int]) -> list[list[int]]:
    """[3, 4, 5, 9] -> [[3, 3], [9, 1]]: consecutive positions as [start, length]."""
    runs: list[list[int]] = []
    for p in positions:
        if runs and runs[-1][0] + runs[-1][1] == p:
            runs[-1][1] += 1
        else:
            runs.append([p, 1])
    return runs


def _encode(column: dict[int, Any], n: int) -> Any:
    """A column as JSON: its values in row order; text with few distinct values as
    {"levels": [...], "codes": [...]}; a column only some rows have (a view of a few
    configurations) as {"at": runs of row positions, "values" (or levels/codes): ...}."""
    positions = sorted(column)
    values = [column[p] for p in positions]
    texts = [v for v in values if v is not None]
    out: Any = values
    if texts and all(isinstance(v, str) for v in texts):
        levels = sorted(set(texts))
        if len(levels) * 2 <= len(texts):
            index = {v: i for i, v in enumerate(levels)}
            out = {"levels": levels, "codes": [None if v is None else index[v] for v in values]}
    if len(positions) == n:
        return out
    return {"at": _runs(positions), **(out if isinstance(out, dict) else {"values": out})}


def _decode(column: Any, n: int) -> list[Any]:
    if isinstance(column, list):
        return column
    if "levels" in column:
        levels = column["levels"]
        values = [None if c is None else levels[c] for c in column["codes"]]
    else:
        values = column["values"]
    if "at" not in column:
        return values
    out: list[Any] = [None] * n
    it = iter(values)
    for start, length in column["at"]:
        for i in range(start, start + length):
            out[i] = next(it)
    return out
