"""Ray Tune 2.x experiment folders (TuneBOHB + HyperBandForBOHB): experiment_state-*.json and one
folder per trial with params.json and result.json (JSON lines). Ray is never imported and no
pickle is ever read (HyperBand's max_t and eta live only in Ray's pickles).

What Ray Tune does not store, and how it is recovered:
- HyperBand's max_t and reduction factor: `--max-t`, `--eta`, or inferred (max_t = the largest
  training_iteration reached; eta = the factor whose rungs hold every iteration a trial stopped at);
- a trial's bracket: HyperBandForBOHB's fill rule in trial-creation order (the experiment tag's
  counter): bracket s = s_max … 0 takes ceil(s_max_1/(s+1)·η^s) trials, then the next one;
- budgets: training_iteration; a trial's evaluations are its results at the rungs of its bracket
  (r0 = int(max_t·η^-s), then ×η up to max_t) — where it paused;
- sample types: not stored; new configurations are shown as random.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import BohbvisError
from ..i18n.lazy import tr_lazy
from ..model.assemble import assemble
from ..model.recovery import Recovery
from ..model.run import Run
from ..model.space import infer_space
from ._metric import choose_key
from .hpbandster import _config_columns
from .options import ReaderOptions

NAME = "ray"
DESCRIPTION = "a Ray Tune experiment folder (experiment_state-*.json + one folder per trial with result.json)"
OPTIONS = ("--mode", "--max-t", "--eta")
TIME_ATTR = "training_iteration"
# Keys Ray adds to every result: never the metric.
RAY_KEYS = {"timestamp", "training_iteration", "time_this_iter_s", "time_total_s", "pid", "time_since_restore",
            "iterations_since_restore", "done", "node_ip", "hostname", "date", "trial_id", "checkpoint_dir_name",
            "should_checkpoint", "episodes_total", "timesteps_total", "timesteps_since_restore", "experiment_tag"}


def sniff(path: Path) -> bool:
    return path.is_dir() and any(path.glob("experiment_state-*.json"))


def _json_file(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise BohbvisError(f"cannot read the file ({e}).", file=path) from None
    except json.JSONDecodeError as e:
        raise BohbvisError(f"not valid JSON ({e.msg}).", file=path, line=e.lineno, column=e.colno) from None


def _trials(folder: Path) -> list[dict]:
    states = sorted(folder.glob("experiment_state-*.json"))
    if not states:
        raise BohbvisError("is not a Ray Tune experiment folder: no experiment_state-*.json.", file=folder)
    state_path = states[-1]  # the newest snapshot (names carry the start time)
    state = _json_file(state_path)
    data = state.get("trial_data") if isinstance(state, dict) else None
    if not isinstance(data, list):
        raise BohbvisError("expected Ray Tune's experiment state with 'trial_data'.", file=state_path)
    out = []
    for i, pair in enumerate(data):
        try:
            t = json.loads(pair[0] if isinstance(pair, list) else pair)
        except (json.JSONDecodeError, TypeError, IndexError):
            raise BohbvisError(f"trial_data[{i}] is not a trial's JSON state.", file=state_path) from None
        tag = str(t.get("experiment_tag", ""))
        counter = int(tag.split("_", 1)[0]) if tag.split("_", 1)[0].isdigit() else i + 1
        logdir = folder / str(t.get("relative_logdir", ""))
        results = []
        result_path = logdir / "result.json"
        if result_path.is_file():
            for n, line in enumerate(result_path.read_text(encoding="utf-8").splitlines(), start=1):
                if line.strip():
                    try:
                        results.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise BohbvisError(f"not a valid JSON line ({e.msg}).", file=result_path, line=n) from None
        config = t.get("evaluated_params") or t.get("config")
        if not isinstance(config, dict) or "_type" in config:
            p = logdir / "params.json"
            config = _json_file(p) if p.is_file() else (results[-1].get("config", {}) if results else {})
        out.append({"trial_id": str(t.get("trial_id", i)), "status": str(t.get("status", "")), "order": counter,
                    "results": results, "config": config, "error": (logdir / "error.txt").is_file()})
    if not out or not any(t["results"] for t in out):
        failed = sum(1 for t in out if t["error"] or t["status"] == "ERROR")
        why = (f"all {failed} trial(s) failed before reporting (see error.txt in their folders)" if failed
               else "result.json is missing or empty in every trial folder")
        raise BohbvisError(f"has no trials with results: {why}.", file=folder,
                           allowed="an experiment folder after at least one reported result")
    return sorted(out, key=lambda t: (t["order"], t["trial_id"]))


def rungs(max_t: float, eta: float, s: int) -> list[float]:
    """HyperBand's _Bracket: r0 = int(max_t·η^-s), then r ← int(min(r·η, max_t)) per halving."""
    r = int(max_t * eta ** (-s))
    out = [r]
    for _ in range(s):
        r = int(min(r * eta, max_t))
        out.append(r)
    return out


def s_max_1(max_t: float, eta: float) -> int:
    return int(np.round(np.log(max_t) / np.log(eta))) + 1


def fill(n_trials: int, max_t: float, eta: float) -> list[tuple[int, int]]:
    """(bracket id, s) for each trial in creation order: HyperBandForBOHB.on_trial_add, largest
    bracket first; a band holds s_max_1 brackets; a bracket whose r0 rounds to 0 is skipped."""
    n_s = s_max_1(max_t, eta)
    out: list[tuple[int, int]] = []
    band = 0
    while len(out) < n_trials:
        for s in range(n_s - 1, -1, -1):
            if int(max_t * eta ** (-s)) == 0:
                continue
            out += [(band * n_s + (n_s - 1 - s), s)] * int(np.ceil(n_s / (s + 1) * eta**s))
        band += 1
    return out[:n_trials]


def infer_eta(max_t: float, lasts: list[float | None]) -> float | None:
    """The reduction factor under which most trials stopped at a rung of the bracket the fill rule
    gives them (a trial may overshoot a pause by an iteration, so not all need to); ties go to 3,
    HyperBandForBOHB's default, then to the smaller factor."""
    best = None
    for eta in (3, 2, 4, 5, 6, 7, 8, 9, 10):
        score = sum(1 for last, (_, s) in zip(lasts, fill(len(lasts), max_t, eta))
                    if last is not None and last in rungs(max_t, eta, s))
        if best is None or score > best[0]:
            best = (score, float(eta))
    return best[1] if best and best[0] > 0 else None


def read(path: Path, metric: str | None = None, options: ReaderOptions | None = None) -> Run:
    options = options or ReaderOptions()
    folder = path if path.is_dir() else path.parent
    trials = _trials(folder)
    keys = sorted({k for t in trials for r in t["results"] for k, v in r.items()
                   if k not in RAY_KEYS and isinstance(v, (int, float)) and not isinstance(v, bool)})
    if metric is None:
        metric = "loss" if "loss" in keys else next((k for k in keys if "loss" in k.lower()), None) or choose_key(keys)
        if metric is None:
            raise BohbvisError("cannot tell which reported number is the metric.", file=folder, key="--metric",
                               allowed=", ".join(keys) or "(no numbers reported)")
    else:
        if metric not in keys:
            raise BohbvisError(f"metric '{metric}' is not reported by any trial.", file=folder, key="--metric",
                               allowed=", ".join(keys))
    mode = options.mode or ("max" if any(w in metric.lower() for w in ("acc", "score", "reward", "auc")) else "min")
    acc_key = metric if mode == "max" and "acc" in metric.lower() else choose_key(keys)

    lasts = [float(t["results"][-1][TIME_ATTR]) if t["results"] and TIME_ATTR in t["results"][-1] else None
             for t in trials]
    max_t = float(options.max_t) if options.max_t else max(x for x in lasts if x is not None)
    eta = float(options.eta) if options.eta else infer_eta(max_t, lasts)
    # Where each setting came from is a parenthesis of its own (a flag, or how it was inferred).
    notes = [tr_lazy("HyperBand's settings are not stored (only pickled): max_t {max_t} {max_t_source}, η {eta} "
                     "{eta_source}; metric '{metric}', mode {mode} {mode_source}.", max_t=_n(max_t),
                     max_t_source="(--max-t)" if options.max_t else tr_lazy("(largest iteration)"),
                     eta=_n(eta) if eta else "?",
                     eta_source="(--eta)" if options.eta else tr_lazy("(where trials stopped)"),
                     metric=metric, mode=mode, mode_source="(--mode)" if options.mode else tr_lazy("(from its name)"))]
    if eta is None:
        raise BohbvisError("cannot infer HyperBand's reduction factor from where the trials stopped.", file=folder,
                           key="--eta", hint="give --eta (and --max-t) as set in HyperBandForBOHB")
    n_s = s_max_1(max_t, eta)
    order = fill(len(trials), max_t, eta)

    t0 = min((r.get("timestamp", math.inf) - r.get("time_this_iter_s", 0) for t in trials for r in t["results"][:1]),
             default=0.0)
    rows, configs = [], []
    for t, (bracket, s) in zip(trials, order):
        ladder = rungs(max_t, eta, s)
        by_iter = {float(r[TIME_ATTR]): r for r in t["results"] if TIME_ATTR in r}
        its = sorted(by_iter)
        reached = [b for b in ladder if any(i >= b for i in its)]
        evals = []
        for b in dict.fromkeys(reached):
            it = next(i for i in its if i >= b)
            evals.append((b, by_iter[it], False))
        crashed = t["status"] == "ERROR" or t["error"]
        if crashed:
            nxt = next((b for b in ladder if b not in reached), None)
            evals.append((nxt if nxt is not None else max_t, None, True))
        elif its and (not reached or its[-1] > reached[-1]) and (by_iter[its[-1]].get("done") or not reached):
            # Ended off the ladder by itself (a stop criterion); a trial that merely ran an iteration
            # past its pause (Ray pauses asynchronously) keeps its rung evaluations only.
            evals.append((its[-1], by_iter[its[-1]], False))
        for b, r, bad in evals:
            value = r.get(metric) if r else None
            ok = not bad and isinstance(value, (int, float)) and math.isfinite(value)
            acc = r.get(acc_key) if r and acc_key else None
            rows.append({"config_id": t["trial_id"], "bracket": bracket, "_order": t["order"], "_first_round": 0,
                         "_model_based": False, "budget": float(b), "status": "ok" if ok else "crashed",
                         "loss": (value if mode == "min" else -value) if ok else math.nan,
                         "accuracy": float(acc) if isinstance(acc, (int, float)) and math.isfinite(acc) else math.nan,
                         "started": (r.get("timestamp", math.nan) - r.get("time_total_s", 0) - t0) if r else math.nan,
                         "finished": (r.get("timestamp", math.nan) - t0) if r else math.nan})
            configs.append(t["config"])
    raw = pd.DataFrame(rows)
    if raw["accuracy"].max() > 1.0:
        raw["accuracy"] = raw["accuracy"] / 100.0 if raw["accuracy"].max() <= 100 else math.nan
    has_acc = raw["accuracy"].notna().any()
    raw = pd.concat([raw, _config_columns(configs)], axis=1)
    if not (raw["status"] == "ok").any():
        raise BohbvisError(f"no trial reported a finite '{metric}'.", file=folder, key="--metric", allowed=", ".join(keys))
    if mode == "max":
        notes.append(tr_lazy("The experiment maximized '{metric}'; bohbvis's loss is its negative.", metric=metric))
    if len(trials) % sum(int(np.ceil(n_s / (s + 1) * eta**s)) for s in range(n_s) if int(max_t * eta ** (-s))):
        notes.append(tr_lazy("The last band is incomplete: its brackets hold fewer trials than HyperBand's plan; with "
                             "concurrent trials Ray may also overfill the last bracket, which the fill rule cannot see."))
    # Ray's status can be stale (HyperBand leaves stopped trials PAUSED): results decide, not status.
    warnings = []
    recovery = Recovery(
        brackets=tr_lazy("not stored: HyperBandForBOHB's fill rule in trial-creation order (bracket s = s_max … 0 "
                         "takes ceil(s_max_1/(s+1)·η^s) trials)"),
        budgets=tr_lazy("{attr}; a trial's evaluations are its results at its bracket's rungs int(max_t·η^-s)·η^k "
                        "(where it paused)", attr=TIME_ATTR),
        sample_types=tr_lazy("not stored (TuneBOHB does not record whether a configuration came from its model): "
                             "shown as random"),
        settings=(tr_lazy("max_t {max_t}, reduction factor {eta}: given", max_t=_n(max_t), eta=_n(eta))
                  if options.max_t and options.eta else
                  tr_lazy("max_t {max_t}, reduction factor {eta}: inferred (they live only in Ray's pickles)",
                          max_t=_n(max_t), eta=_n(eta))),
    )
    return assemble(raw, infer_space(raw), source=str(folder), format=NAME,
                    metric=(acc_key if has_acc else None), warnings=warnings, eta=eta, recovery=recovery, notes=notes)


def _n(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:g}"
