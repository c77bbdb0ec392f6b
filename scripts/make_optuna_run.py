#!/usr/bin/env python
"""Record the small real Optuna runs in ``tests/data/optuna/``.

A linear classifier (scikit-learn's ``SGDClassifier``) is trained on scikit-learn's bundled
``load_digits`` one epoch per step (``partial_fit``); Optuna's ``TPESampler`` tunes five
hyperparameters and its ``HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)``
stops trials at the rungs 1, 3, 9 (and 27) epochs. The objective is the validation accuracy
(``direction="maximize"``, as in Optuna's own HyperbandPruner example). Trainings that overflow
(large constant step sizes on unscaled pixels) raise in scikit-learn; Optuna records them as FAIL.

Outputs written into ``--out``:

* ``study.db``     -- Optuna's RDB storage (SQLite) with two studies: ``sgd-digits`` (the
  Hyperband run, 90 trials) and ``random-digits`` (12 trials, RandomSampler, no pruner), so the
  reader's "several studies, which one?" path is real too.
* ``journal.log``  -- ``JournalFileBackend`` storage with one study, ``sgd-digits-journal``
  (45 trials, same objective, another seed).

Regenerate (about 3.5 minutes on 2 shared cores)::

    pip install optuna scikit-learn
    python scripts/make_optuna_run.py --out tests/data/optuna

Seeds are fixed (TPE's seed, the data split, SGD's random_state), so a new run gives the same
trials; only the time stamps differ. Tested with Python 3.11, optuna 5.0, scikit-learn 1.x.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import optuna
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

MAX_EPOCHS = 27


def make_objective(seed: int):
    X, y = load_digits(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.3, random_state=seed)
    classes = np.unique(y)

    def objective(trial: optuna.Trial) -> float:
        alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
        eta0 = trial.suggest_float("eta0", 1e-4, 10.0, log=True)
        learning_rate = trial.suggest_categorical("learning_rate", ["constant", "invscaling", "adaptive"])
        loss = trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"])
        batch = trial.suggest_int("batch_size", 16, 256, log=True)
        clf = SGDClassifier(alpha=alpha, eta0=eta0, learning_rate=learning_rate, loss=loss,
                            random_state=trial.number)
        rng = np.random.default_rng(trial.number)
        score = 0.0
        for epoch in range(1, MAX_EPOCHS + 1):
            order = rng.permutation(len(X_train))
            for start in range(0, len(order), batch):
                idx = order[start:start + batch]
                clf.partial_fit(X_train[idx], y_train[idx], classes=classes)
            score = float(clf.score(X_valid, y_valid))
            trial.report(score, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return score

    return objective


def hyperband() -> optuna.pruners.HyperbandPruner:
    return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--out", type=Path, default=Path("tests/data/optuna"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore")  # sklearn's ConvergenceWarning for one-epoch partial fits

    db = args.out / "study.db"
    db.unlink(missing_ok=True)
    storage = f"sqlite:///{db}"
    study = optuna.create_study(study_name="sgd-digits", storage=storage, direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=0), pruner=hyperband())
    study.optimize(make_objective(0), n_trials=90, catch=(ValueError,))
    other = optuna.create_study(study_name="random-digits", storage=storage, direction="maximize",
                                sampler=optuna.samplers.RandomSampler(seed=1),
                                pruner=optuna.pruners.NopPruner())
    other.optimize(make_objective(1), n_trials=12, catch=(ValueError,))

    journal = args.out / "journal.log"
    journal.unlink(missing_ok=True)
    from optuna.storages.journal import JournalFileBackend, JournalStorage

    jstorage = JournalStorage(JournalFileBackend(str(journal)))
    jstudy = optuna.create_study(study_name="sgd-digits-journal", storage=jstorage, direction="maximize",
                                 sampler=optuna.samplers.TPESampler(seed=2), pruner=hyperband())
    jstudy.optimize(make_objective(2), n_trials=45, catch=(ValueError,))
    for s in (study, other, jstudy):
        states = [t.state.name for t in s.trials]
        print(s.study_name, {k: states.count(k) for k in sorted(set(states))}, "best", s.best_value)


if __name__ == "__main__":
    main()
