#!/usr/bin/env python
"""Record the small real SMAC3 run in ``tests/data/smac3/``.

SMAC3's multi-fidelity facade (random forest + Hyperband intensifier, eta 3, budgets 1 to 27
epochs) tunes scikit-learn's ``SGDClassifier`` on the bundled ``load_digits`` data, trained for
``budget`` epochs (``partial_fit``). The cost is the validation error (1 - accuracy). Trainings
that overflow raise in scikit-learn, and SMAC3 records them as CRASHED.

Output: ``--out/sgd-digits/0/`` with SMAC3's ``runhistory.json``, ``intensifier.json``,
``scenario.json``, ``configspace.json`` and ``optimization.json``.

Regenerate (about 4 minutes on 2 shared cores)::

    pip install smac scikit-learn
    python scripts/make_smac3_run.py --out tests/data/smac3

Seeds are fixed (scenario seed 0, the data split, SGD's random_state), so a new run samples the
same configurations; only the time stamps differ. Tested with Python 3.11, smac 2.4, ConfigSpace 1.2.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
from ConfigSpace import Categorical, ConfigurationSpace, Float, Integer
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

X, Y = load_digits(return_X_y=True)
X_TRAIN, X_VALID, Y_TRAIN, Y_VALID = train_test_split(X, Y, test_size=0.3, random_state=0)


def train(config, seed: int = 0, budget: float = 27) -> float:
    warnings.filterwarnings("ignore")
    clf = SGDClassifier(alpha=config["alpha"], eta0=config["eta0"], learning_rate=config["learning_rate"],
                        loss=config["loss"], random_state=seed)
    rng = np.random.default_rng(seed)
    batch = int(config["batch_size"])
    for _ in range(int(round(budget))):
        order = rng.permutation(len(X_TRAIN))
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            clf.partial_fit(X_TRAIN[idx], Y_TRAIN[idx], classes=np.unique(Y))
    return 1.0 - float(clf.score(X_VALID, Y_VALID))


def main() -> None:
    from smac import MultiFidelityFacade, Scenario
    from smac.intensifier.hyperband import Hyperband

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("tests/data/smac3"))
    ap.add_argument("--trials", type=int, default=150)
    args = ap.parse_args()
    cs = ConfigurationSpace(seed=0)
    cs.add([
        Float("alpha", (1e-6, 1e-1), log=True),
        Float("eta0", (1e-4, 10.0), log=True),
        Categorical("learning_rate", ["constant", "invscaling", "adaptive"]),
        Categorical("loss", ["hinge", "log_loss", "modified_huber"]),
        Integer("batch_size", (16, 256), log=True),
    ])
    scenario = Scenario(cs, name="sgd-digits", output_directory=args.out, deterministic=True,
                        n_trials=args.trials, min_budget=1, max_budget=27, seed=0)
    intensifier = Hyperband(scenario, eta=3, incumbent_selection="highest_budget")
    smac = MultiFidelityFacade(scenario, train, intensifier=intensifier, overwrite=True, logging_level=40)
    incumbent = smac.optimize()
    print("incumbent", dict(incumbent), "cost", smac.runhistory.get_cost(incumbent))


if __name__ == "__main__":
    main()
