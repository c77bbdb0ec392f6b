#!/usr/bin/env python
"""Record the small real Ray Tune run in ``tests/data/ray/``.

Ray Tune's BOHB (``TuneBOHB`` searcher + ``HyperBandForBOHB`` scheduler, max_t 9, reduction
factor 3, so brackets start at 1, 3 and 9 iterations) tunes scikit-learn's ``SGDClassifier`` on
the bundled ``load_digits`` data; one training iteration is one epoch (``partial_fit``) and each
reports the validation ``accuracy`` and ``loss`` (1 - accuracy). Two CPUs, so two trials at a time.

Output: ``--out/sgd-digits/`` (the experiment folder: ``experiment_state-*.json``, one folder per
trial with ``params.json``, ``result.json``, ``progress.csv``; Ray's own pickles stay so the tests can compare with Ray's API, but bohbvis never
reads them). TensorBoard event logs are deleted.

Regenerate (about 5 minutes on 2 shared cores, mostly Ray start-up and trial scheduling)::

    pip install "ray[tune]" hpbandster ConfigSpace scikit-learn
    python scripts/make_ray_run.py --out tests/data/ray

Tested with Python 3.11, ray 2.60, hpbandster 0.7.4, ConfigSpace 1.2.
"""

from __future__ import annotations

import argparse
import os
import shutil
import warnings
from pathlib import Path

import numpy as np


def trainable(config):
    from ray import tune
    from sklearn.datasets import load_digits
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import train_test_split

    warnings.filterwarnings("ignore")
    X, y = load_digits(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.3, random_state=0)
    clf = SGDClassifier(alpha=config["alpha"], eta0=config["eta0"], learning_rate=config["learning_rate"],
                        loss="log_loss", random_state=0)
    rng = np.random.default_rng(0)
    batch = int(config["batch_size"])
    for _ in range(9):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            clf.partial_fit(X_train[idx], y_train[idx], classes=np.unique(y))
        acc = float(clf.score(X_valid, y_valid))
        tune.report({"accuracy": acc, "loss": 1.0 - acc})


def main() -> None:
    import ConfigSpace as CS
    import ray
    from ray import tune
    from ray.tune.schedulers.hb_bohb import HyperBandForBOHB
    from ray.tune.search.bohb import TuneBOHB

    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("tests/data/ray"))
    ap.add_argument("--trials", type=int, default=34)
    args = ap.parse_args()
    out = args.out.resolve()
    shutil.rmtree(out / "sgd-digits", ignore_errors=True)
    cs = CS.ConfigurationSpace(seed=0)
    cs.add([
        CS.UniformFloatHyperparameter("alpha", 1e-6, 1e-1, log=True),
        CS.UniformFloatHyperparameter("eta0", 1e-4, 1.0, log=True),
        CS.CategoricalHyperparameter("learning_rate", ["constant", "invscaling", "adaptive"]),
        CS.UniformIntegerHyperparameter("batch_size", 16, 256, log=True),
    ])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    tuner = tune.Tuner(
        trainable,
        tune_config=tune.TuneConfig(
            num_samples=args.trials,
            search_alg=TuneBOHB(space=cs, seed=0, metric="accuracy", mode="max"),
            scheduler=HyperBandForBOHB(time_attr="training_iteration", max_t=9, reduction_factor=3,
                                       metric="accuracy", mode="max"),
        ),
        run_config=tune.RunConfig(name="sgd-digits", storage_path=str(out), verbose=0),
    )
    grid = tuner.fit()
    best = grid.get_best_result(metric="accuracy", mode="max")
    print("trials", len(grid), "best", best.metrics["accuracy"], best.config)
    folder = out / "sgd-digits"
    for p in list(folder.rglob("*")):
        if p.is_file() and p.name.startswith("events.out"):
            p.unlink()
    ray.shutdown()


if __name__ == "__main__":
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
    main()
