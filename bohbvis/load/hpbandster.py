"""hpbandster's json_result_logger folders: configs.json + results.json (+ configspace.json)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import BohbvisError
from ..model.assemble import assemble
from ..model.run import Run
from ..model.space import is_config_column, infer_space, read_configspace
from ._metric import InfoColumns

NAME = "hpbandster"
DESCRIPTION = "a folder with hpbandster's configs.json and results.json (+ configspace.json)"


def sniff(path: Path) -> bool:
    folder = path if path.is_dir() else path.parent
    return (folder / "results.json").is_file() or (path.is_dir() and (folder / "configs.json").is_file())


# Reading costs about 1.7 kB of memory per evaluation (measured: 90,000 evaluations, a 33 MB log,
# 264 MB peak RSS for read_run, 110 MB of it the imports), so logs above 200 MB (about 550,000
# evaluations, some 1 GB) are refused with a message instead of running for minutes. A machine
# with the memory can raise the limit: BOHBVIS_MAX_LOG_MB=1000.
MAX_LOG_BYTES = 200_000_000


def _size(n: float) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB"


def _max_log_bytes() -> int:
    text = os.environ.get("BOHBVIS_MAX_LOG_MB", "").strip()
    return int(float(text) * 1e6) if text.replace(".", "", 1).isdigit() else MAX_LOG_BYTES


MAX_DIGITS = 400  # a JSON number longer than this is a damaged line, not a loss


class _NumberTooLong(ValueError):
    pass


def _parse_int(text: str):
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _NumberTooLong(len(text.lstrip("-")))
    return int(text)


def _parse_float(text: str):
    if len(text) > MAX_DIGITS + 20:
        raise _NumberTooLong(len(text))
    return float(text)


_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_float=_parse_float)


def _encoding_problem(head: bytes) -> tuple[str, str] | None:
    """(what the file is, what to do) when its first bytes say it is not UTF-8 JSON lines."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (head[:1] in (b"[", b"{") and head[1:2] == b"\0") \
            or (head[:1] == b"\0" and head[1:2] in (b"[", b"{")):
        return "is UTF-16 text; hpbandster writes UTF-8.", "Save the file as UTF-8."
    if head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"(\xb5/\xfd")):
        return "is a compressed archive, not hpbandster's JSON lines.", "Unpack it first."
    if b"\0" in head:
        return "is a binary file, not hpbandster's JSON lines (text).", "Point --data at the run's log folder."
    return None


def _lines(path: Path, incomplete: list[int] | None = None):
    """Yield (line number, parsed JSON) for every non-blank line; errors name file and line.

    The file is read line by line (never whole), so memory follows the run, not the file. A last
    line without its newline that is not valid JSON is one hpbandster was still writing (the run
    is live, or was killed): it is left out and its number added to `incomplete`."""
    try:
        size = path.stat().st_size
        fh = path.open("rb")
    except OSError as e:
        raise BohbvisError(f"cannot open the file ({e.strerror}).", file=path) from None
    limit = _max_log_bytes()
    if size > limit:
        fh.close()
        about = (f" (about {limit / 365 / 1000:,.0f} thousand evaluations, some {limit / 365 * 1700 / 1e9:.1f} GB "
                 "of memory)") if limit >= 10e6 else ""
        raise BohbvisError(f"is {_size(size)}; bohbvis reads logs of at most {_size(limit)}{about}.", file=path,
                           hint="Set BOHBVIS_MAX_LOG_MB to read more on a machine with the memory, or split the log.")
    with fh:
        problem = _encoding_problem(fh.read(4096))
        if problem:
            raise BohbvisError(problem[0], file=path, line=1, hint=problem[1])
        fh.seek(0)
        for n, raw in enumerate(fh, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise BohbvisError(f"not UTF-8 text (byte {e.start + 1} of the line is 0x{raw[e.start]:02x}).",
                                   file=path, line=n, column=e.start + 1,
                                   hint="hpbandster writes UTF-8; was the file re-saved as Latin-1 or damaged?") from None
            if n == 1:
                text = text.lstrip("\ufeff")  # a UTF-8 byte-order mark some editors add
            if not text.strip():
                continue
            if "\0" in text:
                raise BohbvisError("holds NUL bytes: a binary or damaged file, not JSON lines.", file=path, line=n)
            try:
                yield n, _DECODER.decode(text.rstrip("\r\n"))
            except json.JSONDecodeError as e:
                if incomplete is not None and not raw.endswith(b"\n"):
                    incomplete.append(n)
                    return
                raise BohbvisError(
                    f"not a valid JSON line ({e.msg}).", file=path, line=n, column=e.colno
                ) from None
            except _NumberTooLong as e:
                raise BohbvisError(f"a number on this line has {e.args[0]:,} digits; a loss, budget or time "
                                   f"has at most {MAX_DIGITS}.", file=path, line=n) from None
            except RecursionError:
                raise BohbvisError("the JSON on this line nests too deeply to read.", file=path, line=n) from None


def _number(value: Any, what: str, path: Path, n: int) -> float:
    """A JSON number as a float; an integer too large for a float is an error naming the key."""
    try:
        return float(value)
    except OverflowError:
        raise BohbvisError(f"is an integer of {len(str(value))} digits, too large for a number bohbvis "
                           "can compute with (at most about 1.8e308).", file=path, line=n, key=what) from None


def _stamp(stamps: dict, key: str, path: Path, n: int) -> float:
    v = stamps.get(key)
    if v is None:
        return math.nan
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        raise BohbvisError(f"is {v!r}; hpbandster writes seconds as a number.", file=path,
                           line=n, key=f"time_stamps.{key}", allowed="a number like 1795719455.68, or null")
    return _number(v, f"time_stamps.{key}", path, n)


def _config_id(value: Any, path: Path, n: int) -> tuple[int, int, int]:
    if (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return tuple(value)  # type: ignore[return-value]
    raise BohbvisError(
        f"config_id must be a list of three integers [iteration, stage, index], got {value!r}.",
        file=path, line=n,
    )


def read(path: Path, metric: str | None = None) -> Run:
    if path.is_file() and path.name not in ("results.json", "configs.json"):
        raise BohbvisError("is a file; the hpbandster format is a folder holding configs.json and results.json.",
                           file=path, key="--format", hint="Give the run's folder, or leave --format out to "
                           "let bohbvis tell the format from the path.")
    folder = path if path.is_dir() else path.parent
    configs_path, results_path = folder / "configs.json", folder / "results.json"
    for p in (configs_path, results_path):
        if not p.is_file():
            raise BohbvisError(
                f"missing {p.name}: an hpbandster run folder holds configs.json and results.json.",
                file=p,
            )
    configs: dict[tuple, tuple[dict, Any]] = {}
    for n, rec in _lines(configs_path):
        if not isinstance(rec, list) or len(rec) < 2 or not isinstance(rec[1], dict):
            raise BohbvisError(
                "expected [config_id, config, config_info].", file=configs_path, line=n
            )
        info = rec[2] if len(rec) > 2 and isinstance(rec[2], dict) else {}
        configs[_config_id(rec[0], configs_path, n)] = (rec[1], info.get("model_based_pick"))

    # Column lists, not a dict per row: a million evaluations stay within a few hundred MB.
    cols: dict[str, list] = {k: [] for k in ("config_id", "bracket", "_first_round", "_order", "_model_based",
                                              "budget", "status", "loss", "started", "finished")}
    infos, config_values, missing, non_finite = InfoColumns(metric), [], set(), []
    first_error: str | None = None
    t0 = math.inf
    incomplete: list[int] = []
    for n, rec in _lines(results_path, incomplete):
        if not isinstance(rec, list) or len(rec) != 5:
            raise BohbvisError(
                "expected [config_id, budget, time_stamps, result, exception].",
                file=results_path, line=n,
            )
        cid, budget, stamps, result, exc = rec
        if first_error is None and isinstance(exc, str) and exc.strip():
            first_error = f"{results_path.name}:{n}: {_last_line(exc)}"
        cid = _config_id(cid, results_path, n)
        if not isinstance(budget, (int, float)) or isinstance(budget, bool):
            raise BohbvisError(f"budget must be a positive number, got {budget!r}.", file=results_path, line=n,
                               key="budget")
        budget = _number(budget, "budget", results_path, n)
        if not (budget > 0 and math.isfinite(budget)):
            raise BohbvisError(f"budget must be a positive number, got {budget!r}.", file=results_path, line=n,
                               key="budget")
        if stamps is not None and not isinstance(stamps, dict):
            raise BohbvisError(f"time_stamps is {stamps!r}; hpbandster writes an object.", file=results_path,
                               line=n, key="time_stamps", allowed='{"submitted": …, "started": …, "finished": …} or null')
        stamps = stamps or {}
        submitted, started, finished = (_stamp(stamps, k, results_path, n) for k in ("submitted", "started", "finished"))
        loss, info, status = math.nan, None, "crashed"
        if result is not None:
            if not isinstance(result, dict) or "loss" not in result:
                raise BohbvisError(
                    "result must be null (a crashed run) or an object with 'loss'.",
                    file=results_path, line=n, key="result",
                )
            loss = result["loss"]
            if not isinstance(loss, (int, float)) or isinstance(loss, bool):
                raise BohbvisError(
                    f"loss is {loss!r}; a finished run needs a number (a crashed run has result null).",
                    file=results_path, line=n, key="result.loss",
                )
            loss = _number(loss, "result.loss", results_path, n)
            info = result.get("info")
            if math.isfinite(loss):
                status = "ok"
            else:
                # Real workers report NaN/inf for runs that failed (DeepCAVE's logs say state
                # CRASHED beside them): such an evaluation is a crash, and the user is told where.
                non_finite.append(n)
                loss = math.nan
        if cid not in configs:
            missing.add(cid)
        config, model_based = configs.get(cid, ({}, None))
        for key, value in (("config_id", f"{cid[0]}-{cid[1]}-{cid[2]}"), ("bracket", cid[0]),
                           ("_first_round", cid[1]), ("_order", cid[2]), ("_model_based", model_based),
                           ("budget", budget), ("status", status), ("loss", loss), ("started", started),
                           ("finished", finished)):
            cols[key].append(value)
        config_values.append(config)
        infos.add(info)
        first = submitted if math.isfinite(submitted) else started
        if math.isfinite(first):
            t0 = min(t0, first)
    if not cols["config_id"]:
        raise BohbvisError("has no evaluations: a run needs at least one result line.", file=results_path)

    raw = pd.DataFrame(cols)
    del cols
    for col in ("started", "finished"):
        raw[col] = raw[col].astype("float64") - (t0 if math.isfinite(t0) else 0.0)
    raw["accuracy"], metric_name = infos.accuracy(metric, file=results_path)
    del infos
    raw = pd.concat([raw, _config_columns(config_values)], axis=1)

    warnings = []
    if missing:
        shown = ", ".join(f"[{a}, {b}, {c}]" for a, b, c in sorted(missing)[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        warnings.append(
            f"{results_path}: {len(missing)} configuration id(s) have results but no line in "
            f"configs.json ({shown}{more}); their results are kept, with no hyperparameter values "
            "and sample type 'random' unless promoted."
        )
    if incomplete:
        warnings.append(f"{results_path}: line {incomplete[0]} is incomplete (hpbandster was still writing it, "
                        "or the run was stopped); that evaluation is left out.")
    if non_finite:
        shown = ", ".join(str(n) for n in non_finite[:8]) + (" …" if len(non_finite) > 8 else "")
        warnings.append(
            f"{results_path}: {len(non_finite)} result(s) have a NaN or infinite loss (lines {shown}); "
            "they are counted as crashed evaluations."
        )
    space_path = folder / "configspace.json"
    if space_path.is_file():
        space = read_configspace(space_path)
        known = {hp.column for hp in space}
        extra = [c for c in raw.columns if is_config_column(c) and c not in known]
        if extra:
            space = space + infer_space(raw[extra])
    else:
        space = infer_space(raw)
    if first_error is None and non_finite:
        first_error = f"{results_path.name}:{non_finite[0]}: the loss is NaN or infinite"
    return assemble(raw, space, source=str(folder), format=NAME, metric=metric_name, warnings=warnings,
                    first_error=first_error)


def _last_line(exception: str) -> str:
    """The line of a Python traceback that says what went wrong (its last non-blank line)."""
    lines = [line.strip() for line in exception.strip().splitlines() if line.strip()]
    text = lines[-1] if lines else exception.strip()
    return text if len(text) <= 300 else text[:299] + "…"


def _config_columns(configs: list[dict]) -> pd.DataFrame:
    """One column per hyperparameter, typed from the JSON values themselves, so an integer
    hyperparameter stays an integer even where a conditional leaves it absent."""
    df = pd.DataFrame(configs, dtype=object)
    out = {}
    for name in df.columns:
        values = [v for v in df[name] if v is not None and v == v]
        col = df[name].where(df[name].notna(), None)
        if values and all(isinstance(v, bool) for v in values):
            out[f"config_{name}"] = col.astype("boolean")
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            out[f"config_{name}"] = col.astype("Int64")
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            out[f"config_{name}"] = col.astype("float64")
        else:
            out[f"config_{name}"] = col.map(lambda v: v if v is None else str(v)).astype("string")
    return pd.DataFrame(out, index=range(len(configs)))
