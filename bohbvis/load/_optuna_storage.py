"""Optuna's storages read without Optuna: its RDB schema (SQLite through the standard library,
any other SQLAlchemy URL through SQLAlchemy, imported only then) and its journal file
(`JournalFileBackend`: one JSON operation per line, replayed as Optuna's JournalStorage does).

Both give the same plain records: `StudyRecord` with `TrialRecord`s holding the parameters in
Optuna's external form (a categorical's index already turned into its choice).
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import BohbvisError

# The tables Optuna's RDBStorage creates (schema of optuna >= 2.0; unchanged in 5.0).
TABLES = ("studies", "study_directions", "trials", "trial_params", "trial_values",
          "trial_intermediate_values", "trial_system_attributes", "version_info")
STATES = {0: "RUNNING", 1: "COMPLETE", 2: "PRUNED", 3: "FAIL", 4: "WAITING"}  # journal's TrialState ints
DIRECTIONS = {0: "NOT_SET", 1: "MINIMIZE", 2: "MAXIMIZE"}
_SPECIAL = {"INF_POS": math.inf, "INF_NEG": -math.inf, "NAN": math.nan}


@dataclass
class TrialRecord:
    number: int
    state: str  # RUNNING | COMPLETE | PRUNED | FAIL | WAITING
    values: list[float] | None = None
    params: dict[str, Any] = field(default_factory=dict)  # external representation
    distributions: dict[str, dict] = field(default_factory=dict)  # Optuna's distribution JSON
    intermediate: dict[int, float] = field(default_factory=dict)
    system_attrs: dict[str, Any] = field(default_factory=dict)
    user_attrs: dict[str, Any] = field(default_factory=dict)
    start: datetime | None = None
    complete: datetime | None = None


@dataclass
class StudyRecord:
    name: str
    directions: list[str]
    trials: list[TrialRecord] = field(default_factory=list)


def external(distribution: dict, internal: float) -> Any:
    """Optuna's `to_external_repr`: a categorical stores the index into its choices."""
    name = distribution.get("name", "")
    attrs = distribution.get("attributes", {})
    if name == "CategoricalDistribution":
        return attrs["choices"][int(internal)]
    if name in ("IntDistribution", "IntUniformDistribution", "IntLogUniformDistribution"):
        return int(internal)
    return float(internal)


def _time(v) -> datetime | None:
    if v is None or isinstance(v, datetime):
        return v
    try:
        t = datetime.fromisoformat(str(v))
    except ValueError:
        return None
    return t.astimezone().replace(tzinfo=None) if t.tzinfo else t


# --- RDB ------------------------------------------------------------------------------------------

class _Rdb:
    """A read-only connection answering plain SQL, from sqlite3 or SQLAlchemy."""

    def __init__(self, url: str, label: str):
        self.label = label
        self._sa = None
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///"):])
            if not path.is_file():
                raise BohbvisError("no such SQLite file.", file=path)
            try:
                self._db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
                self._db.execute("select name from sqlite_master").fetchall()
            except sqlite3.DatabaseError as e:
                raise BohbvisError(f"is not an SQLite database ({e}).", file=label) from None
        else:
            try:
                import sqlalchemy
            except ImportError:
                raise BohbvisError("reading this database needs SQLAlchemy and the database's driver.",
                                   file=label, hint="pip install sqlalchemy (and e.g. psycopg2 or pymysql)") from None
            try:
                engine = sqlalchemy.create_engine(url)
                self._sa = (sqlalchemy, engine.connect())
            except Exception as e:  # noqa: BLE001 — driver errors vary; one message names the URL
                raise BohbvisError(f"cannot open the database ({type(e).__name__}: {e}).", file=label) from None

    def rows(self, sql: str, **params) -> list[tuple]:
        try:
            if self._sa is None:
                return self._db.execute(sql, params).fetchall()
            sa, conn = self._sa
            return [tuple(r) for r in conn.execute(sa.text(sql), params)]
        except Exception as e:  # noqa: BLE001
            raise BohbvisError(f"cannot read Optuna's tables ({e}).", file=self.label) from None

    def tables(self) -> set[str]:
        if self._sa is None:
            return {r[0] for r in self.rows("select name from sqlite_master where type='table'")}
        sa, conn = self._sa
        return set(sa.inspect(conn).get_table_names())

    def close(self) -> None:
        (self._db if self._sa is None else self._sa[1]).close()


def rdb_studies(url: str, label: str, want: str | None) -> tuple[list[str], StudyRecord | None]:
    """All study names, and the study `want` (or the only one) read in full."""
    db = _Rdb(url, label)
    try:
        missing = [t for t in TABLES if t not in db.tables()]
        if missing:
            raise BohbvisError(
                f"is not an Optuna storage: it has no table {', '.join(repr(t) for t in missing[:3])}"
                + (" …" if len(missing) > 3 else "") + ".", file=label,
                allowed="a database written by Optuna's RDBStorage (e.g. optuna.create_study(storage='sqlite:///study.db'))",
            )
        names = {int(i): str(n) for i, n in db.rows("select study_id, study_name from studies order by study_id")}
        pick = _pick(list(names.values()), want, label)
        if pick is None:
            return list(names.values()), None
        sid = next(i for i, n in names.items() if n == pick)
        return list(names.values()), _rdb_study(db, sid, pick)
    finally:
        db.close()


def _rdb_study(db: _Rdb, sid: int, name: str) -> StudyRecord:
    dirs = [str(d) for (d,) in db.rows(
        "select direction from study_directions where study_id = :s order by objective", s=sid)]
    trials: dict[int, TrialRecord] = {}
    for tid, number, state, start, complete in db.rows(
            "select trial_id, number, state, datetime_start, datetime_complete from trials "
            "where study_id = :s order by number", s=sid):
        trials[int(tid)] = TrialRecord(number=int(number), state=str(state).upper().split(".")[-1],
                                       start=_time(start), complete=_time(complete))
    sub = "(select trial_id from trials where study_id = :s)"
    for tid, name_, value, dist in db.rows(
            f"select trial_id, param_name, param_value, distribution_json from trial_params where trial_id in {sub}", s=sid):
        d = json.loads(dist)
        trials[int(tid)].distributions[str(name_)] = d
        trials[int(tid)].params[str(name_)] = external(d, value)
    values: dict[int, dict[int, float]] = {}
    for tid, obj, value, kind in db.rows(
            f"select trial_id, objective, value, value_type from trial_values where trial_id in {sub}", s=sid):
        values.setdefault(int(tid), {})[int(obj)] = _SPECIAL.get(str(kind).split(".")[-1], value)
    for tid, vals in values.items():
        trials[tid].values = [vals[k] for k in sorted(vals)]
    for tid, step, value, kind in db.rows(
            f"select trial_id, step, intermediate_value, intermediate_value_type from trial_intermediate_values "
            f"where trial_id in {sub}", s=sid):
        v = _SPECIAL.get(str(kind).split(".")[-1], value)
        trials[int(tid)].intermediate[int(step)] = math.nan if v is None else float(v)
    for table, attr in (("trial_system_attributes", "system_attrs"), ("trial_user_attributes", "user_attrs")):
        if table == "trial_user_attributes" and table not in db.tables():
            continue
        # `select *`: the column "key" is a reserved word in MySQL; Optuna's column order is fixed.
        for _id, tid, key, value in db.rows(f"select * from {table} where trial_id in {sub}", s=sid):
            getattr(trials[int(tid)], attr)[str(key)] = json.loads(value)
    return StudyRecord(name=name, directions=dirs, trials=sorted(trials.values(), key=lambda t: t.number))


def _pick(names: list[str], want: str | None, label: str) -> str | None:
    from ..errors import did_you_mean

    if want is not None:
        if want not in names:
            raise BohbvisError(f"has no study '{want}'.", file=label, key="--study",
                               allowed=", ".join(names) or "(none: the storage holds no study)",
                               hint=did_you_mean(want, names))
        return want
    if not names:
        raise BohbvisError("holds no Optuna study.", file=label)
    if len(names) > 1:
        raise BohbvisError(f"holds {len(names)} studies: choose one with --study.", file=label,
                           key="--study", allowed=", ".join(names))
    return names[0]


# --- journal --------------------------------------------------------------------------------------

def is_journal(path: Path) -> bool:
    """The first line of a JournalFileBackend file is one JSON object with an 'op_code'."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(1 << 16)
        return isinstance(rec := json.loads(first), dict) and "op_code" in rec
    except (OSError, ValueError):
        return False


def journal_studies(path: Path, want: str | None) -> tuple[list[str], StudyRecord | None]:
    """Replay the journal's operations (optuna/storages/journal/_storage.py: later writes to a
    finished trial are ignored, as Optuna ignores them) and return the chosen study."""
    studies: dict[int, StudyRecord] = {}
    next_study = 0
    trials: list[tuple[int, TrialRecord]] = []  # trial_id -> (study_id, trial)
    try:
        fh = path.open(encoding="utf-8")
    except OSError as e:
        raise BohbvisError(f"cannot open the file ({e.strerror}).", file=path) from None
    with fh:
        for n, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                log = json.loads(text)
                op = log["op_code"]
                if op == 0:
                    name = log["study_name"]
                    if all(s.name != name for s in studies.values()):
                        studies[next_study] = StudyRecord(name, [DIRECTIONS[int(d)] for d in log["directions"]])
                        next_study += 1
                elif op == 1:
                    studies.pop(log["study_id"], None)
                elif op == 4:
                    sid = log["study_id"]
                    if sid not in studies:
                        continue
                    dists = {k: json.loads(v) for k, v in (log.get("distributions") or {}).items()}
                    t = TrialRecord(
                        number=len(studies[sid].trials), state=STATES[int(log.get("state", 0))],
                        values=log.get("values"), distributions=dists,
                        params={k: external(dists[k], v) for k, v in (log.get("params") or {}).items()},
                        intermediate={int(k): v for k, v in (log.get("intermediate_values") or {}).items()},
                        system_attrs=dict(log.get("system_attrs") or {}), user_attrs=dict(log.get("user_attrs") or {}),
                        start=_time(log.get("datetime_start")), complete=_time(log.get("datetime_complete")),
                    )
                    if t.values is None and log.get("value") is not None:
                        t.values = [log["value"]]
                    studies[sid].trials.append(t)
                    trials.append((sid, t))
                elif op in (5, 6, 7, 8, 9):
                    tid = log["trial_id"]
                    if not 0 <= tid < len(trials):
                        continue
                    sid, t = trials[tid]
                    if t.state in ("COMPLETE", "PRUNED", "FAIL") or sid not in studies:
                        continue
                    _apply(op, log, t)
            except (ValueError, KeyError, TypeError, IndexError) as e:
                raise BohbvisError(f"not an Optuna journal operation ({type(e).__name__}: {e}).",
                                   file=path, line=n) from None
    names = [s.name for s in studies.values()]
    pick = _pick(names, want, str(path))
    return names, next(s for s in studies.values() if s.name == pick)


def _apply(op: int, log: dict, t: TrialRecord) -> None:
    if op == 5:
        d = json.loads(log["distribution"])
        t.distributions[log["param_name"]] = d
        t.params[log["param_name"]] = external(d, log["param_value_internal"])
    elif op == 6:
        state = STATES[int(log["state"])]
        if state == "RUNNING" and t.state == "RUNNING":
            return  # another worker already popped this trial
        if state == "RUNNING":
            t.start = _time(log.get("datetime_start"))
        if state in ("COMPLETE", "PRUNED", "FAIL"):
            t.complete = _time(log.get("datetime_complete"))
        t.state = state
        if log.get("values") is not None:
            t.values = list(log["values"])
    elif op == 7:
        v = log["intermediate_value"]
        t.intermediate[int(log["step"])] = math.nan if v is None else float(v)
    elif op == 8:
        t.user_attrs.update(log["user_attr"])
    elif op == 9:
        t.system_attrs.update(log["system_attr"])
