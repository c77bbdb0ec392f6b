"""hpbandster's json_result_logger folders: configs.json + results.json (+ configspace.json)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import BohbvisError
from ..model.assemble import assemble
from ..model.run import Run
from ..model.space import is_config_column, infer_space, read_configspace
from ._metric import accuracy_getter

NAME = "hpbandster"
DESCRIPTION = "a folder with hpbandster's configs.json and results.json (+ configspace.json)"


def sniff(path: Path) -> bool:
    folder = path if path.is_dir() else path.parent
    return (folder / "results.json").is_file() or (path.is_dir() and (folder / "configs.json").is_file())


def _lines(path: Path):
    """Yield (line number, parsed JSON) for every non-blank line; errors name file and line."""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as e:
        raise BohbvisError(f"cannot open the file ({e.strerror}).", file=path) from None
    with fh:
        for n, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                yield n, json.loads(text)
            except json.JSONDecodeError as e:
                raise BohbvisError(
                    f"not a valid JSON line ({e.msg}).", file=path, line=n, column=e.colno
                ) from None
            except UnicodeDecodeError:
                raise BohbvisError("not UTF-8 text.", file=path, line=n) from None


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

    rows, infos, config_values, missing, non_finite = [], [], [], set(), []
    first_error: str | None = None
    t0 = math.inf
    for n, rec in _lines(results_path):
        if not isinstance(rec, list) or len(rec) != 5:
            raise BohbvisError(
                "expected [config_id, budget, time_stamps, result, exception].",
                file=results_path, line=n,
            )
        cid, budget, stamps, result, exc = rec
        if first_error is None and isinstance(exc, str) and exc.strip():
            first_error = f"{results_path.name}:{n}: {_last_line(exc)}"
        cid = _config_id(cid, results_path, n)
        if not isinstance(budget, (int, float)) or isinstance(budget, bool) or not budget > 0:
            raise BohbvisError(f"budget must be a positive number, got {budget!r}.", file=results_path, line=n)
        stamps = stamps if isinstance(stamps, dict) else {}
        loss, info, status = math.nan, None, "crashed"
        if result is not None:
            if not isinstance(result, dict) or "loss" not in result:
                raise BohbvisError(
                    "result must be null (a crashed run) or an object with 'loss'.",
                    file=results_path, line=n,
                )
            loss = result["loss"]
            if not isinstance(loss, (int, float)) or isinstance(loss, bool):
                raise BohbvisError(
                    f"loss is {loss!r}; a finished run needs a number (a crashed run has result null).",
                    file=results_path, line=n,
                )
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
        rows.append(
            {
                "config_id": f"{cid[0]}-{cid[1]}-{cid[2]}",
                "bracket": cid[0],
                "_first_round": cid[1],
                "_order": cid[2],
                "_model_based": model_based,
                "budget": float(budget),
                "status": status,
                "loss": float(loss),
                "started": stamps.get("started", math.nan),
                "finished": stamps.get("finished", math.nan),
            }
        )
        config_values.append(config)
        infos.append(info)
        t0 = min(t0, stamps.get("submitted", stamps.get("started", math.inf)) or math.inf)
    if not rows:
        raise BohbvisError("has no evaluations: a run needs at least one result line.", file=results_path)

    raw = pd.DataFrame(rows)
    for col in ("started", "finished"):
        raw[col] = pd.to_numeric(raw[col], errors="coerce") - (t0 if math.isfinite(t0) else 0.0)
    get_acc, metric_name = accuracy_getter(infos, metric, file=results_path)
    raw["accuracy"] = [get_acc(i) for i in infos]
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
