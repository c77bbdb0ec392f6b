"""Optuna studies (TPE + HyperbandPruner): an RDB URL (`sqlite:///study.db`, `postgresql://…`), an
SQLite file, or a `JournalFileBackend` journal file. Optuna itself is never imported.

What Optuna does not store, and how it is recovered:
- the pruner's settings (min_resource, max_resource, reduction_factor): `--hyperband MIN,MAX,ETA`,
  or inferred as the settings under which every recorded rung (`completed_rung_k` system
  attribute) is the trial's intermediate value at its rung step;
- a trial's bracket: HyperbandPruner recomputes it, and so does bohbvis, with the same rule
  (`crc32(f"{study_name}_{number}") % sum(allocation budgets)`, walked over the brackets);
- budgets: rung k of bracket b is the step min_resource·η^(b+k); an evaluation is a trial's value
  at a rung it reached; a PRUNED trial stopped at its last rung (it is not a crash);
- sample types: the sampler is not stored; trials created before 10 trials had finished are
  shown as random (TPESampler's `n_startup_trials` default), later ones as model-based.
"""

from __future__ import annotations

import binascii
import bisect
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import BohbvisError
from ..i18n.lazy import tr_lazy
from ..model.assemble import assemble
from ..model.recovery import Recovery
from ..model.run import Run
from ..model.space import Hyperparameter
from . import _optuna_storage as storage
from .options import ReaderOptions

NAME = "optuna"
DESCRIPTION = "an Optuna storage: sqlite:///study.db (or another RDB URL), an SQLite file or a JournalFileBackend file"
OPTIONS = ("--study", "--hyperband")
N_STARTUP = 10  # TPESampler's default n_startup_trials
_SQLITE_MAGIC = b"SQLite format 3\x00"


def is_url(source: str) -> bool:
    return "://" in source and source.split("://", 1)[0].replace("+", "").isalnum()


def sniff(path: Path) -> bool:
    """An SQLite file, or a journal file (JSON lines with op_code)."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            if fh.read(16) == _SQLITE_MAGIC:
                return True
    except OSError:
        return False
    return storage.is_journal(path)


def read(source: str | Path, metric: str | None = None, options: ReaderOptions | None = None) -> Run:
    options = options or ReaderOptions()
    text = str(source)
    if is_url(text):
        _, study = storage.rdb_studies(text, text, options.study)
    else:
        path = Path(source)
        if storage.is_journal(path):
            _, study = storage.journal_studies(path, options.study)
        else:
            _, study = storage.rdb_studies(f"sqlite:///{path}", str(path), options.study)
    if metric not in (None, "value"):
        raise BohbvisError(f"metric '{metric}' is not known for an Optuna study.", key="--metric",
                           allowed="value (the study's objective)")
    return build_run(study, source=text, hyperband=options.hyperband)


# --- HyperbandPruner's arithmetic (optuna/pruners/_hyperband.py) -----------------------------------

@dataclass(frozen=True)
class Settings:
    min_resource: float
    max_resource: float
    eta: int
    n_brackets: int

    @property
    def allocation(self) -> list[int]:
        """`_calculate_trial_allocation_budget` for each bracket id."""
        out = []
        for b in range(self.n_brackets):
            s = self.n_brackets - 1 - b
            out.append(math.ceil(self.n_brackets * (self.eta**s) / (s + 1)))
        return out

    def rung_step(self, bracket: int, k: int) -> float:
        return self.min_resource * self.eta ** (bracket + k)


def n_brackets(min_resource: float, max_resource: float, eta: int) -> int:
    return math.floor(math.log(max_resource / min_resource, eta)) + 1


def bracket_id(study_name: str, number: int, allocation: list[int]) -> int:
    """`HyperbandPruner._get_bracket_id`."""
    return _walk(binascii.crc32(f"{study_name}_{number}".encode()), allocation)


def _walk(crc: int, allocation: list[int]) -> int:
    n = crc % sum(allocation)
    for b, budget in enumerate(allocation):
        n -= budget
        if n < 0:
            return b
    raise AssertionError("unreachable")  # pragma: no cover


def _rungs(t: storage.TrialRecord) -> dict[int, float]:
    out = {}
    for key, v in t.system_attrs.items():
        if key.startswith("completed_rung_") and key[len("completed_rung_"):].isdigit():
            out[int(key[len("completed_rung_"):])] = float(v)
    return out


def _first_step_at(steps: list[int], at: float) -> int | None:
    return next((s for s in steps if s >= at - 1e-9), None)


def _consistent(t: storage.TrialRecord, rungs: dict[int, float], b: int, st: Settings,
                steps: list[int] | None = None) -> bool:
    """Every recorded rung k is the intermediate value at the first step >= its rung step; a
    trial that went on without a rung K+1 never reached that rung's step."""
    steps = steps if steps is not None else sorted(t.intermediate)
    for k, v in rungs.items():
        s = _first_step_at(steps, st.rung_step(b, k))
        if s is None or not math.isclose(t.intermediate[s], v, rel_tol=1e-12, abs_tol=1e-12):
            return False
    nxt = st.rung_step(b, max(rungs) + 1)
    if t.state == "COMPLETE" and steps and steps[-1] >= nxt - 1e-9:
        return False
    if t.state == "PRUNED" and steps and _first_step_at(steps, st.rung_step(b, max(rungs))) != steps[-1]:
        return False
    return True


def infer_settings(name: str, trials: list[storage.TrialRecord]) -> list[Settings]:
    """Every (min_resource, eta, n_brackets) under which all recorded rungs fit the pruner's rules."""
    with_rungs = [(t, r, sorted(t.intermediate)) for t in trials if (r := _rungs(t)) and t.intermediate]
    crcs = {t.number: binascii.crc32(f"{name}_{t.number}".encode()) for t, _, _ in with_rungs}
    if not with_rungs:
        return []
    top = max(max(t.intermediate) for t in trials if t.intermediate)
    last_steps = sorted({s[-1] for t, _, s in with_rungs if t.state == "PRUNED"} or {top})
    found = []
    for eta in range(2, 11):
        mins = set()
        for s in last_steps:
            j = 0
            while s / eta**j >= 1:
                if float(s / eta**j).is_integer():
                    mins.add(int(s / eta**j))
                j += 1
        for lo in sorted(mins):
            if lo >= top:
                continue
            base = n_brackets(lo, top, eta)
            for nb in sorted({max(base - 1, 1), base, base + 1}):
                st = Settings(lo, top, eta, nb)
                alloc = st.allocation
                if all(_consistent(t, r, _walk(crcs[t.number], alloc), st, s) for t, r, s in with_rungs):
                    found.append(st)
    return found


# --- the run -------------------------------------------------------------------------------------

def build_run(study: storage.StudyRecord, *, source: str, hyperband: tuple | None = None) -> Run:
    label = source
    if len(study.directions) != 1:
        raise BohbvisError(f"study '{study.name}' has {len(study.directions)} objectives; bohbvis explains "
                           "a single-objective study (HyperbandPruner supports only those).", file=label)
    maximize = study.directions[0] == "MAXIMIZE"
    finished = [t for t in study.trials if t.state in ("COMPLETE", "PRUNED", "FAIL")]
    skipped = len(study.trials) - len(finished)
    if not any(t.state in ("COMPLETE", "PRUNED") for t in finished):
        raise BohbvisError(f"study '{study.name}' has no COMPLETE or PRUNED trial: there is nothing to show.",
                           file=label, allowed="a study with at least one finished trial")

    notes: list[str] = []
    top = max((max(t.intermediate) for t in finished if t.intermediate), default=None)
    if hyperband is not None:
        lo, hi, eta = hyperband
        st = Settings(lo, hi, int(eta), n_brackets(lo, hi, int(eta)))
        given = f"{_n(lo)},{_n(hi)},{int(eta)}"
        settings_text = tr_lazy("given with --hyperband {value}", value=given)
        bad = [t.number for t in finished if (r := _rungs(t)) and not _consistent(
            t, r, bracket_id(study.name, t.number, st.allocation), st)]
        if bad:
            notes.append(tr_lazy("--hyperband {value} does not reproduce the pruner's recorded rungs of {n} trial(s) "
                                 "(e.g. trial {trial}): brackets may be wrong.", value=given,
                                 n=str(len(bad)), trial=str(bad[0])))
    else:
        fits = infer_settings(study.name, finished)
        st = fits[0] if fits else None
        if st is not None:
            settings_text = tr_lazy(
                "not stored by Optuna; inferred from the recorded rungs and steps: min_resource {low}, "
                "reduction_factor {eta}, {n} brackets, max_resource {high} (the largest step)",
                low=_n(st.min_resource), eta=str(st.eta), n=str(st.n_brackets), high=_n(st.max_resource))
            notes.append(tr_lazy("HyperbandPruner's settings are not stored: inferred {low}, {high}, η {eta} from the "
                                 "rungs (set them with --hyperband).", low=_n(st.min_resource),
                                 high=_n(st.max_resource), eta=str(st.eta)))
            if len({(f.min_resource, f.eta, f.n_brackets) for f in fits}) > 1:
                notes.append(tr_lazy("{n} pruner settings fit the recorded rungs equally; the smallest reduction factor "
                                     "and min_resource were taken.", n=str(len(fits))))
        else:
            settings_text = tr_lazy("no HyperbandPruner rungs recorded: one evaluation per trial at its last step")
    if st is not None:
        notes.append(tr_lazy("HyperbandPruner is asynchronous: brackets share trials {allocation}, each rung promotes "
                             "the best 1/{eta} seen so far, so counts differ from the synchronous plan.",
                             allocation=":".join(str(a) for a in st.allocation), eta=str(st.eta)))

    t0 = min((t.start for t in finished if t.start is not None), default=None)
    finish_times = sorted(t.complete for t in study.trials if t.state in ("COMPLETE", "PRUNED") and t.complete)
    rows, configs = [], []
    for t in finished:
        n_before = bisect.bisect_right(finish_times, t.start) if t.start is not None else 0
        model_based = n_before >= N_STARTUP
        start = (t.start - t0).total_seconds() if t.start and t0 else math.nan
        end = (t.complete - t0).total_seconds() if t.complete and t0 else math.nan
        for budget, value, crashed, b in _evaluations(t, study.name, st, top):
            loss = math.nan if crashed or value is None else (-value if maximize else value)
            ok = not crashed and value is not None and math.isfinite(loss)
            rows.append({"config_id": str(t.number), "bracket": b, "_order": t.number, "_first_round": 0,
                         "_model_based": model_based, "budget": float(budget),
                         "status": "ok" if ok else "crashed", "loss": loss if ok else math.nan,
                         "_value": value if ok else math.nan, "started": start, "finished": end})
            configs.append(t.params)
    if not rows:
        raise BohbvisError(f"study '{study.name}' has no evaluation with a value.", file=label)
    raw = pd.DataFrame(rows)
    values = raw["_value"].dropna()
    metric = None
    if maximize and len(values) and values.between(0.0, 1.0).all():
        raw["accuracy"] = raw["_value"]
        metric = "value"
    raw = raw.drop(columns="_value")
    space = _space(study)
    raw = pd.concat([raw, _config_columns(configs, space)], axis=1)
    if maximize:
        notes.insert(0, tr_lazy("The study maximized its objective: loss = −objective, accuracy = objective.")
                     if metric else tr_lazy("The study maximized its objective: loss = −objective."))
    warnings = []
    if skipped:
        warnings.append(f"{label}: {skipped} trial(s) of study '{study.name}' are RUNNING or WAITING; they are left out.")
    recovery = Recovery(
        brackets=(tr_lazy("recomputed with HyperbandPruner's rule {rule} over the brackets' trial allocation",
                          rule='crc32(f"{study_name}_{trial.number}")')
                  if st is not None else tr_lazy("one bracket: the study recorded no rungs")),
        budgets=(tr_lazy("the rung steps min_resource·η^(bracket+k) each trial reached (its intermediate values); "
                         "a PRUNED trial stopped at its last rung")
                 if st is not None else tr_lazy("each trial's last reported step")),
        sample_types=tr_lazy("not stored (the sampler is not saved): trials created before {n} trials had finished "
                             "are shown as random (TPESampler's n_startup_trials), later ones as model-based; rounds "
                             "above a bracket's first are promotions", n=str(N_STARTUP)),
        settings=settings_text,
    )
    return assemble(raw, space, source=label, format=NAME, metric=metric, warnings=warnings,
                    eta=float(st.eta) if st else None, recovery=recovery, notes=notes)


def _evaluations(t: storage.TrialRecord, name: str, st: Settings | None, top):
    """(budget, value, crashed, bracket) for every budget the trial was evaluated at."""
    steps = sorted(t.intermediate)
    final = t.values[0] if t.values else None
    if st is None:
        last = steps[-1] if steps else (top or 1)
        value = final if final is not None else (t.intermediate[steps[-1]] if steps else None)
        yield last, value, t.state == "FAIL", 0
        return
    b = bracket_id(name, t.number, st.allocation)
    rungs = _rungs(t)
    k, used = 0, None
    out = []
    while True:
        s = _first_step_at(steps, st.rung_step(b, k))
        if s is None:
            break
        v = rungs.get(k, t.intermediate[s])
        out.append([st.rung_step(b, k), v, not math.isfinite(v) if v is not None else True])
        used, k = s, k + 1
    if t.state == "COMPLETE":
        if steps and used is not None and steps[-1] == used:
            out[-1][1] = final  # the returned value is the trial's value at its last rung
            out[-1][2] = final is None
        else:
            out.append([steps[-1] if steps else st.max_resource, final, final is None])
    elif t.state == "FAIL":
        nxt = st.rung_step(b, k)
        out.append([min(nxt, st.max_resource) if out else st.rung_step(b, 0), None, True])
    for budget, v, crashed in out:
        yield budget, v, crashed, b


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _space(study: storage.StudyRecord) -> tuple[Hyperparameter, ...]:
    dists: dict[str, dict] = {}
    for t in study.trials:
        for k, d in t.distributions.items():
            dists.setdefault(k, d)
    n_with = {k: sum(1 for t in study.trials if k in t.params and t.state != "RUNNING") for k in dists}
    n_all = sum(1 for t in study.trials if t.state != "RUNNING")
    out = []
    for name, d in dists.items():
        kind, a = d.get("name", ""), d.get("attributes", {})
        cond = tr_lazy("absent in some trials") if n_with[name] < n_all else None
        if kind == "CategoricalDistribution":
            choices = tuple(a.get("choices", ()))
            typ = "bool" if choices and all(isinstance(c, bool) for c in choices) else "categorical"
            out.append(Hyperparameter(name, typ, choices=choices, condition=cond))
        elif kind in ("IntDistribution", "IntUniformDistribution", "IntLogUniformDistribution"):
            out.append(Hyperparameter(name, "int", lower=int(a["low"]), upper=int(a["high"]),
                                      log=bool(a.get("log", kind == "IntLogUniformDistribution")), condition=cond))
        else:
            out.append(Hyperparameter(name, "float", lower=float(a["low"]), upper=float(a["high"]),
                                      log=bool(a.get("log", kind == "LogUniformDistribution")), condition=cond))
    return tuple(sorted(out, key=lambda h: h.name))


def _config_columns(configs: list[dict], space) -> pd.DataFrame:
    out = {}
    for hp in space:
        col = [c.get(hp.name) for c in configs]
        if hp.type == "int":
            out[hp.column] = pd.array(col, dtype="Int64")
        elif hp.type == "float":
            out[hp.column] = pd.array([math.nan if v is None else float(v) for v in col], dtype="float64")
        elif hp.type == "bool":
            out[hp.column] = pd.array(col, dtype="boolean")
        else:
            out[hp.column] = pd.array([None if v is None else str(v) for v in col], dtype="string")
    return pd.DataFrame(out, index=range(len(configs)))
