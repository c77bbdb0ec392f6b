"""SMAC3 2.x run folders (`smac3_output/NAME/SEED/`): runhistory.json, scenario.json,
intensifier.json and configspace.json, read as JSON (SMAC3 itself is never imported).

What SMAC3 does not store, and how it is recovered:
- a configuration's bracket: the Hyperband bracket whose first budget equals the configuration's
  smallest budget (bracket s starts at min_budget·η^s); SMAC3 fills each bracket with
  ceil(η^s·(s_max+1)/(s+1)) new configurations, so the k-th group of that many configurations (by
  first start time) is the k-th repetition of the bracket; repetitions are numbered in start order,
  as hpbandster numbers its iterations;
- sample types: `config_origins` ("Initial Design: …", "Random Search" = random; the acquisition
  function maximizer's local or sorted random search = model-based).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import BohbvisError
from ..i18n.lazy import tr_lazy
from ..model.assemble import assemble
from ..model.hyperband import close
from ..model.recovery import Recovery
from ..model.run import Run
from ..model.space import infer_space, read_configspace
from .hpbandster import _config_columns

NAME = "smac3"
DESCRIPTION = "a SMAC3 run folder (smac3_output/NAME/SEED/ with runhistory.json, scenario.json, configspace.json)"
STATUS = {0: "RUNNING", 1: "SUCCESS", 2: "CRASHED", 3: "TIMEOUT", 4: "MEMORYOUT"}
RANDOM_ORIGINS = ("Initial Design", "Initial design", "Random Search")


def run_folder(path: Path) -> Path | None:
    """The folder holding runhistory.json: the path itself, or its only seed folder."""
    folder = path if path.is_dir() else path.parent
    if (folder / "runhistory.json").is_file():
        return folder
    if folder.is_dir():
        found = sorted(p.parent for p in folder.glob("*/runhistory.json"))
        if len(found) == 1:
            return found[0]
    return None


def sniff(path: Path) -> bool:
    """A run folder, or an output folder holding one or more seed folders (read() asks which)."""
    return run_folder(path) is not None or (path.is_dir() and any(path.glob("*/runhistory.json")))


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise BohbvisError(f"cannot read the file ({e.strerror}).", file=path) from None
    except json.JSONDecodeError as e:
        raise BohbvisError(f"not valid JSON ({e.msg}).", file=path, line=e.lineno, column=e.colno) from None
    except UnicodeDecodeError:
        raise BohbvisError("not UTF-8 text.", file=path) from None


def is_model_based(origin: str | None) -> bool:
    """SMAC3's Configuration.origin: initial designs and interleaved random configurations are
    random; the acquisition maximizer's picks (local search, random search sorted by EI) are BO."""
    if not origin:
        return False
    if origin.startswith(RANDOM_ORIGINS) or origin == "Acquisition Function Maximizer: Random Search":
        return False
    return True


def read(path: Path, metric: str | None = None) -> Run:
    folder = run_folder(path)
    if folder is None:
        found = sorted(str(p.parent.relative_to(path)) for p in path.glob("*/runhistory.json")) if path.is_dir() else []
        raise BohbvisError("is not a SMAC3 run folder: no runhistory.json" + (
            f"; it holds {len(found)} runs, give one of them" if found else "") + ".", file=path,
            allowed=", ".join(found) if found else "smac3_output/NAME/SEED/ (with runhistory.json)")
    rh_path = folder / "runhistory.json"
    rh = _json(rh_path)
    if not isinstance(rh, dict) or not isinstance(rh.get("data"), list) or not isinstance(rh.get("configs"), dict):
        raise BohbvisError("expected SMAC3's runhistory with 'data' and 'configs'.", file=rh_path)
    scenario = _json(folder / "scenario.json") if (folder / "scenario.json").is_file() else {}
    intensifier = ((scenario.get("_meta") or {}).get("intensifier") or {})
    origins = rh.get("config_origins") or {}

    per: dict[tuple[str, float], dict] = {}  # (config id, budget) -> SMAC's averaged cost
    running = 0
    for i, d in enumerate(rh["data"]):
        if isinstance(d, list):  # SMAC3 < 2.0.2 wrote rows as lists
            keys = ("config_id", "instance", "seed", "budget", "cost", "time", "status", "starttime", "endtime",
                    "additional_info")
            d = dict(zip(keys, d))
        if not isinstance(d, dict) or "config_id" not in d or "cost" not in d:
            raise BohbvisError(f"data[{i}] is not a SMAC3 trial.", file=rh_path, key=f"data[{i}]")
        status = STATUS.get(d.get("status"), "UNKNOWN")
        if status == "RUNNING":
            running += 1
            continue
        if isinstance(d["cost"], list):
            raise BohbvisError("this run has several objectives; bohbvis explains one cost.", file=rh_path,
                               key=f"data[{i}].cost")
        budget = d.get("budget")
        if budget is None:
            raise BohbvisError("trials have no budget: this is not a multi-fidelity (Hyperband) run.",
                               file=rh_path, key=f"data[{i}].budget",
                               allowed="a run of SMAC3's MultiFidelityFacade or a Hyperband/SuccessiveHalving intensifier")
        key = (str(d["config_id"]), float(budget))
        cell = per.setdefault(key, {"costs": [], "crashed": 0, "start": math.inf, "end": -math.inf})
        if status == "SUCCESS" and isinstance(d["cost"], (int, float)) and math.isfinite(d["cost"]):
            cell["costs"].append(float(d["cost"]))
        else:
            cell["crashed"] += 1
        cell["start"] = min(cell["start"], d.get("starttime") or math.inf)
        cell["end"] = max(cell["end"], d.get("endtime") or -math.inf)
    if not per:
        raise BohbvisError("has no finished trials.", file=rh_path)
    if not any(c["costs"] for c in per.values()):
        raise BohbvisError(f"all {sum(c['crashed'] for c in per.values())} trials crashed (status CRASHED, TIMEOUT "
                           "or MEMORYOUT): there is no cost to show.", file=rh_path)

    eta = intensifier.get("eta")
    lo, hi = scenario.get("min_budget"), scenario.get("max_budget")
    budgets = sorted({b for _, b in per})
    lo = float(lo) if lo is not None else budgets[0]
    hi = float(hi) if hi is not None else budgets[-1]
    if eta is None:
        eta = round(budgets[1] / budgets[0]) if len(budgets) > 1 else 3
    s_max = int(math.floor(math.log(hi / lo) / math.log(eta) + 1e-9))
    first: dict[str, tuple[float, float]] = {}  # config -> (smallest budget, its start)
    for (cid, b), c in per.items():
        if cid not in first or b < first[cid][0]:
            first[cid] = (b, c["start"])
    # Bracket type s: its first budget is max_budget·η^(s - s_max) (SMAC3's budgets_in_stage).
    kind_of, unmatched = {}, []
    for cid, (b, _) in first.items():
        s = next((s for s in range(s_max + 1) if close(b, hi * float(eta) ** (s - s_max))), None)
        if s is None:
            unmatched.append(cid)
        kind_of[cid] = s
    # Repetitions of a bracket type: groups of n0 new configurations in order of first start.
    instance: dict[str, tuple] = {}
    for s in sorted({k for k in kind_of.values() if k is not None}):
        max_iter = s_max - s
        n0 = math.ceil((eta**max_iter) * (s_max + 1) / (max_iter + 1))
        members = sorted((c for c, k in kind_of.items() if k == s), key=lambda c: (first[c][1], int(c) if c.isdigit() else c))
        for j, cid in enumerate(members):
            instance[cid] = (s, j // n0)
    starts: dict[tuple, float] = {}
    for cid, inst in instance.items():
        starts[inst] = min(starts.get(inst, math.inf), first[cid][1])
    order = {inst: i for i, inst in enumerate(sorted(starts, key=lambda k: (starts[k], k)))}
    for cid in unmatched:
        instance[cid] = ("other", first[cid][0])
        order.setdefault(instance[cid], len(order))

    t0 = min((c["start"] for c in per.values() if math.isfinite(c["start"])), default=0.0)
    rows, configs = [], []
    for (cid, b), c in sorted(per.items(), key=lambda kv: (kv[1]["start"], kv[0])):
        ok = bool(c["costs"])
        rows.append({
            "config_id": cid, "bracket": order[instance[cid]], "_order": first[cid][1], "budget": b,
            "_model_based": is_model_based(origins.get(cid)), "_first_round": 0,
            "status": "ok" if ok else "crashed",
            "loss": sum(c["costs"]) / len(c["costs"]) if ok else math.nan,
            "started": c["start"] - t0 if math.isfinite(c["start"]) else math.nan,
            "finished": c["end"] - t0 if math.isfinite(c["end"]) else math.nan,
        })
        configs.append(rh["configs"].get(cid, {}))
    raw = pd.DataFrame(rows)
    raw = pd.concat([raw, _config_columns(configs)], axis=1)
    space_path = folder / "configspace.json"
    space = read_configspace(space_path) if space_path.is_file() else infer_space(raw)

    notes = []
    if unmatched:
        notes.append(tr_lazy("{n} configuration(s) start at a budget no Hyperband bracket starts at; each such group "
                             "is shown as its own bracket.", n=str(len(unmatched))))
    fills = ", ".join(str(math.ceil(eta ** (s_max - s) * (s_max + 1) / (s_max - s + 1))) for s in range(s_max + 1))
    notes.append(tr_lazy("SMAC3 fills bracket s with ceil(η^s·(s_max+1)/(s+1)) configurations ({fills} new ones from "
                         "the lowest budget up), so its first rounds can hold more than hpbandster's plan.", fills=fills))
    warnings = []
    if running:
        warnings.append(f"{rh_path}: {running} trial(s) are still RUNNING; they are left out.")
    no_origin = sum(1 for cid in first if cid not in origins)
    if no_origin:
        warnings.append(f"{rh_path}: {no_origin} configuration(s) have no config_origins entry; shown as random.")
    recovery = Recovery(
        brackets=tr_lazy("not stored: a configuration's bracket is the one whose first budget equals its smallest "
                         "budget; repetitions are groups of the bracket's size in start order"),
        budgets=tr_lazy("recorded (runhistory.json's budget per trial; several seeds or instances are averaged, as "
                        "SMAC3 does)"),
        sample_types=tr_lazy("config_origins: initial design and random search = random, acquisition maximizer = BO"),
        settings=(tr_lazy("scenario.json: min_budget {low}, max_budget {high}; eta {eta} from the intensifier",
                          low=_n(lo), high=_n(hi), eta=_n(eta))
                  if intensifier.get("eta") is not None else
                  tr_lazy("eta {eta} inferred from the budgets", eta=_n(eta))),
    )
    return assemble(raw, space, source=str(folder), format=NAME, metric=None, warnings=warnings,
                    eta=float(eta), recovery=recovery, notes=notes)


def _n(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"
