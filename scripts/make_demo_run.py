#!/usr/bin/env python
"""Generate the demo BOHB run shipped in ``bohbvis/load/demo_run/``.

This is a *real* BOHB run made with hpbandster 0.7.4: a one-hidden-layer MLP
(written in numpy) is trained on scikit-learn's ``load_digits`` (bundled with
sklearn, no download) for ``budget`` epochs, and BOHB tunes eight
hyperparameters of it.  The loss handed to BOHB is the validation
cross-entropy; runs that diverge (non-finite loss) raise, so hpbandster logs
them as crashed runs (``result`` null, traceback in ``exception``).

Outputs written into ``--out``:

* ``configs.json`` / ``results.json`` -- hpbandster's ``json_result_logger``
* ``configspace.json``                -- ConfigSpace's JSON writer

Regenerate with::

    pip install hpbandster scikit-learn
    python scripts/make_demo_run.py --out bohbvis/load/demo_run

The second shipped run (``demo-next``) searches the space ``bohbvis advise`` advised after the first,
with its own seed::

    bohbvis advise demo -o /tmp/next-space.json
    python scripts/make_demo_run.py --configspace /tmp/next-space.json --seed 2025 \
        --out bohbvis/load/demo_run_next

All sampling is seeded (numpy's global RNG, used by BOHB's KDE sampler; the
ConfigSpace RNG; the data split; the MLP initialisation, which is derived from
the config and the budget).  With the default single worker the sequence of
sampled configurations and the losses are reproducible; only the time stamps
differ between runs.

Tested with: Python 3.11, hpbandster 0.7.4, ConfigSpace 1.2.2, Pyro4 4.82,
serpent 1.43, numpy 2.x, scikit-learn 1.x.
"""

import argparse
import json
import logging
import os
import sys
import time
import warnings
import zlib

# The MLP is tiny (64-16..64-10); multi-threaded BLAS only adds overhead and
# run-to-run float jitter.  Must be set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import ConfigSpace as CS  # noqa: E402
from ConfigSpace import (  # noqa: E402
    CategoricalHyperparameter,
    InCondition,
    OrdinalHyperparameter,
    UniformFloatHyperparameter,
)
from ConfigSpace.read_and_write import json as cs_json  # noqa: E402
import serpent  # noqa: E402
import hpbandster.core.nameserver as hpns  # noqa: E402
import hpbandster.core.result as hpres  # noqa: E402
from hpbandster.core.worker import Worker  # noqa: E402
from hpbandster.optimizers import BOHB  # noqa: E402
import hpbandster.optimizers.bohb as hp_bohb_module  # noqa: E402
from hpbandster.optimizers.config_generators.bohb import BOHB as CG_BOHB  # noqa: E402
from hpbandster.core.base_config_generator import base_config_generator  # noqa: E402

SEED = 2024
ETA = 3
MIN_BUDGET = 1
MAX_BUDGET = 81
N_ITERATIONS = 15  # 3 full Hyperband cycles of 5 brackets = 561 evaluations

# ConfigSpace 1.x deprecates the 0.x accessors (get_hyperparameters(),
# get_dictionary(), ...) that hpbandster 0.7.4 still calls; they work, the
# warnings are just noise here.
warnings.filterwarnings("ignore", category=DeprecationWarning)
# statsmodels' KDE (used by BOHB) warns about a future numpy RNG default and
# divides by zero when all "good" configs share one categorical value; both
# are upstream behaviour that BOHB copes with.
warnings.filterwarnings("ignore", category=FutureWarning, module="pandas|statsmodels")
warnings.filterwarnings("ignore", category=RuntimeWarning, module="statsmodels")


# --------------------------------------------------------------------------
# Compatibility patches for hpbandster 0.7.4 + ConfigSpace 1.x + numpy 2
# --------------------------------------------------------------------------


def _to_builtin(value):
    """numpy scalar -> the equivalent plain Python scalar (others unchanged)."""
    return value.item() if isinstance(value, np.generic) else value


# Patch 1 (serpent): Pyro4 serialises every call between the master's
# dispatcher and the workers with serpent, which cannot encode numpy scalars
# (np.str_/np.int64/np.bool_ raise; np.float64 is written as the literal
# "np.float64(1.0)" that the other side cannot parse).  hpbandster itself
# ships numpy values: the budgets are np.float64 and ConfigSpace 1.x configs
# hold np.str_/np.int64/np.bool_.  Serialise any numpy scalar as its Python
# equivalent.  (Without this the run dies and then hangs on Pyro threads.)
serpent.register_class(
    np.generic,
    lambda obj, serializer, out, level: serializer._serialize(obj.item(), out, level),
)


class OrdinalBOHB(CG_BOHB):
    """hpbandster's BOHB config generator, patched for this script.

    Patch 2 (ordinals): hpbandster 0.7.4 refuses OrdinalHyperparameters
    ("This version on BOHB does not support ordinal hyperparameters").  Its
    KDE works on ConfigSpace's vector representation, where an ordinal is the
    index into its sequence -- exactly what statsmodels' ordered-discrete
    kernel ('o') models.  So we set the KDE types up ourselves: 'u' for
    categoricals, 'o' for ordinals, 'c' for floats; the sampling code of the
    parent class treats every non-continuous entry as an integer in
    [0, n_values), which is right for both.

    Patch 3 (plain types): ConfigSpace 1.x returns numpy scalars in config
    dicts; json_result_logger's json.dumps() fails on them (``int64 is not
    JSON serializable``).  get_config() converts them to plain Python.
    """

    def __init__(self, configspace, min_points_in_model=None, top_n_percent=15,
                 num_samples=64, random_fraction=1 / 3, bandwidth_factor=3,
                 min_bandwidth=1e-3, **kwargs):
        # Same as CG_BOHB.__init__ minus the RuntimeError on ordinals.
        base_config_generator.__init__(self, **kwargs)
        self.top_n_percent = top_n_percent
        self.configspace = configspace
        self.bw_factor = bandwidth_factor
        self.min_bandwidth = min_bandwidth
        hps = list(configspace.values())
        self.min_points_in_model = max(min_points_in_model or 0, len(hps) + 1)
        self.num_samples = num_samples
        self.random_fraction = random_fraction

        self.kde_vartypes = ""
        self.vartypes = []
        for h in hps:
            if isinstance(h, CS.OrdinalHyperparameter):
                self.kde_vartypes += "o"
                self.vartypes.append(len(h.sequence))
            elif isinstance(h, CS.CategoricalHyperparameter):
                self.kde_vartypes += "u"
                self.vartypes.append(len(h.choices))
            else:
                self.kde_vartypes += "c"
                self.vartypes.append(0)
        self.vartypes = np.array(self.vartypes, dtype=int)

        self.cat_probs = []
        self.configs = dict()
        self.losses = dict()
        self.good_config_rankings = dict()
        self.kde_models = dict()

    def get_config(self, budget):
        sample, info = super().get_config(budget)
        sample = {k: _to_builtin(v) for k, v in sample.items()}
        info = {k: _to_builtin(v) for k, v in info.items()}
        return sample, info


# hpbandster.optimizers.BOHB instantiates the config generator by this
# module-level name; point it at the patched class.
hp_bohb_module.CG_BOHB = OrdinalBOHB


# --------------------------------------------------------------------------
# Search space
# --------------------------------------------------------------------------


def make_configspace(seed=SEED):
    cs = CS.ConfigurationSpace(seed=seed)
    optimizer = CategoricalHyperparameter("optimizer", ["adam", "sgd", "rms"])
    scheduler = CategoricalHyperparameter("scheduler", [True, False])
    activation = CategoricalHyperparameter("activation", ["relu", "lrelu", "tanh"])
    batch_size = OrdinalHyperparameter("batch_size", [8, 16, 32])
    hidden_size = OrdinalHyperparameter("hidden_size", [16, 32, 64])
    momentum = UniformFloatHyperparameter("momentum", 0.0, 1.0, default_value=0.9)
    learning_rate = UniformFloatHyperparameter(
        "learning_rate", 1e-4, 1e-1, default_value=1e-2, log=True)
    weight_decay = UniformFloatHyperparameter("weight_decay", 0.0, 1e-3, default_value=0.0)
    cs.add([optimizer, scheduler, activation, batch_size, hidden_size,
            momentum, learning_rate, weight_decay])
    # momentum only matters for SGD (heavy ball) and RMSprop (momentum buffer).
    cs.add(InCondition(momentum, optimizer, ["sgd", "rms"]))
    return cs


# --------------------------------------------------------------------------
# Learning task: numpy MLP on sklearn's digits
# --------------------------------------------------------------------------


def load_data(seed=SEED):
    """Fixed, stratified 60/20/20 split of the 1797 digits, standardised."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = X.astype(np.float32)
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, test_size=0.4, random_state=seed, stratify=y)
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest, y_rest, test_size=0.5, random_state=seed, stratify=y_rest)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0] = 1.0
    norm = lambda a: (a - mean) / std  # noqa: E731
    return {
        "train": (norm(X_train), y_train),
        "validation": (norm(X_val), y_val),
        "test": (norm(X_test), y_test),
    }


# An epoch whose mean training cross-entropy is non-finite, or more than ten
# times that of guessing uniformly (10 * ln 10 ~ 23), counts as diverged.  In
# float32, SGD with a high learning rate overflows to NaN; RMSprop with a
# high learning rate and momentum instead blows the logits up to losses of
# 1e3..1e7 that stay finite -- that is divergence just the same.
DIVERGENCE_LOSS = 10 * np.log(10)


class TrainingDiverged(ArithmeticError):
    pass


def _act(name, z):
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "lrelu":
        return np.where(z > 0, z, 0.01 * z)
    return np.tanh(z)


def _act_grad(name, z, a):
    if name == "relu":
        return (z > 0).astype(z.dtype)
    if name == "lrelu":
        return np.where(z > 0, 1.0, 0.01).astype(z.dtype)
    return 1.0 - a * a


def _forward(params, X, activation):
    W1, b1, W2, b2 = params
    z = X @ W1 + b1
    a = _act(activation, z)
    logits = a @ W2 + b2
    return z, a, logits


def _cross_entropy(logits, y):
    """Mean cross-entropy and accuracy from logits (numerically stable)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(len(y)), y].mean()
    acc = (logits.argmax(axis=1) == y).mean()
    return float(loss) + 0.0, float(acc)  # + 0.0: no -0.0 in the logs


def config_seed(config, budget):
    """Stable (not hash()-salted) seed derived from config and budget."""
    key = json.dumps(config, sort_keys=True) + "|%g" % budget
    return zlib.crc32(key.encode())


def train_mlp(config, epochs, data, seed):
    X, y = data["train"]
    n, d = X.shape
    k = 10
    h = int(config["hidden_size"])
    bs = int(config["batch_size"])
    act = config["activation"]
    opt = config["optimizer"]
    lr0 = float(config["learning_rate"])
    wd = float(config["weight_decay"])
    mom = float(config.get("momentum", 0.0))
    cosine = bool(config["scheduler"])

    rng = np.random.RandomState(seed)
    gain = 2.0 if act in ("relu", "lrelu") else 1.0  # He vs. Xavier/LeCun init
    params = [
        rng.randn(d, h) * np.sqrt(gain / d), np.zeros(h),
        rng.randn(h, k) * np.sqrt(1.0 / h), np.zeros(k),
    ]
    # float32 like a deep-learning framework: overflow -> inf/NaN is what
    # makes badly diverging configurations crash.
    params = [p_.astype(np.float32) for p_ in params]
    state1 = [np.zeros_like(p) for p in params]  # momentum / Adam m / RMS v
    state2 = [np.zeros_like(p) for p in params]  # Adam v / RMS momentum buffer
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    alpha = 0.99  # RMSprop smoothing
    onehot = np.eye(k, dtype=np.float32)[y]
    steps_per_epoch = int(np.ceil(n / bs))
    total_steps = epochs * steps_per_epoch
    step = 0

    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs):
            perm = rng.permutation(n)
            epoch_loss = 0.0
            for start in range(0, n, bs):
                idx = perm[start:start + bs]
                xb, yb = X[idx], onehot[idx]
                z, a, logits = _forward(params, xb, act)
                shifted = logits - logits.max(axis=1, keepdims=True)
                e = np.exp(shifted)
                sum_e = e.sum(axis=1, keepdims=True)
                p = e / sum_e
                # cross-entropy via log-softmax (finite unless logits are inf/NaN)
                epoch_loss -= float((shifted - np.log(sum_e))[yb.astype(bool)].sum())
                # backward
                g_logits = (p - yb) / len(idx)
                gW2 = a.T @ g_logits
                gb2 = g_logits.sum(axis=0)
                g_z = (g_logits @ params[2].T) * _act_grad(act, z, a)
                gW1 = xb.T @ g_z
                gb1 = g_z.sum(axis=0)
                grads = [gW1 + wd * params[0], gb1, gW2 + wd * params[2], gb2]

                lr = lr0 * 0.5 * (1 + np.cos(np.pi * step / total_steps)) if cosine else lr0
                step += 1
                for i, (prm, g) in enumerate(zip(params, grads)):
                    if opt == "sgd":
                        state1[i] = mom * state1[i] + g
                        prm -= lr * state1[i]
                    elif opt == "rms":
                        state1[i] = alpha * state1[i] + (1 - alpha) * g * g
                        upd = g / (np.sqrt(state1[i]) + eps)
                        state2[i] = mom * state2[i] + upd
                        prm -= lr * state2[i]
                    else:  # adam
                        state1[i] = beta1 * state1[i] + (1 - beta1) * g
                        state2[i] = beta2 * state2[i] + (1 - beta2) * g * g
                        m_hat = state1[i] / (1 - beta1 ** step)
                        v_hat = state2[i] / (1 - beta2 ** step)
                        prm -= lr * m_hat / (np.sqrt(v_hat) + eps)
            epoch_loss /= n
            if not (np.isfinite(epoch_loss) and epoch_loss <= DIVERGENCE_LOSS
                    and all(np.isfinite(p_).all() for p_ in params)):
                raise TrainingDiverged(
                    "training diverged in epoch %d/%d: mean train loss %r" % (epoch + 1, epochs, epoch_loss))
    return params


def evaluate(config, budget, data):
    epochs = int(round(budget))
    params = train_mlp(config, epochs, data, config_seed(config, budget))
    out = {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for split in ("train", "validation", "test"):
            X, y = data[split]
            out[split] = _cross_entropy(_forward(params, X, config["activation"])[2], y)
    if not all(np.isfinite(v[0]) for v in out.values()):
        raise TrainingDiverged("non-finite loss after training: %r" % (out,))
    return {
        "loss": out["validation"][0],
        "info": {
            "validation_accuracy": out["validation"][1],
            "test_accuracy": out["test"][1],
            "train_accuracy": out["train"][1],
            "train_loss": out["train"][0],
            "test_loss": out["test"][0],
            "epochs": epochs,
        },
    }


class DigitsMLPWorker(Worker):
    def __init__(self, *args, data, **kwargs):
        super().__init__(*args, **kwargs)
        self.data = data

    def compute(self, config, budget, **kwargs):
        return evaluate(config, budget, self.data)


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="bohbvis/load/demo_run",
                        help="output folder (existing log files are overwritten)")
    parser.add_argument("--n-iterations", type=int, default=N_ITERATIONS)
    parser.add_argument("--workers", type=int, default=1,
                        help="in-process worker threads (>1 makes the order non-deterministic)")
    parser.add_argument("--seed", type=int, default=SEED,
                        help="seeds BOHB's sampling (the data split stays the same: one task for every run)")
    parser.add_argument("--configspace", default=None,
                        help="search in this ConfigSpace JSON instead (e.g. `bohbvis advise demo -o space.json`); "
                             "its `bohbvis.budget` entry, when present, sets the budgets")
    parser.add_argument("--min-budget", type=float, default=None)
    parser.add_argument("--max-budget", type=float, default=None)
    parser.add_argument("--eta", type=float, default=None)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    np.random.seed(args.seed)  # BOHB's config generator samples from np.random
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)

    budget = {}
    if args.configspace:
        with open(args.configspace) as fh:
            doc = json.load(fh)
        budget = (doc.get("bohbvis") or {}).get("budget") or {}
        cs = cs_json.read(json.dumps(doc))
        cs.seed(args.seed)
    else:
        cs = make_configspace(args.seed)
    eta = args.eta or budget.get("eta") or ETA
    min_budget = args.min_budget or budget.get("min_budget") or MIN_BUDGET
    max_budget = args.max_budget or budget.get("max_budget") or MAX_BUDGET
    with open(os.path.join(out, "configspace.json"), "w") as fh:
        fh.write(cs_json.write(cs))
        fh.write("\n")
    data = load_data(SEED)  # the same task (split) whatever --seed says

    run_id = "bohbvis_demo"
    ns = hpns.NameServer(run_id=run_id, host="127.0.0.1", port=0)  # port 0: a free port
    ns_host, ns_port = ns.start()
    workers = []
    for i in range(args.workers):
        w = DigitsMLPWorker(run_id=run_id, nameserver=ns_host, nameserver_port=ns_port,
                            host="127.0.0.1", id=i, data=data)
        w.run(background=True)
        workers.append(w)

    result_logger = hpres.json_result_logger(directory=out, overwrite=True)
    bohb = BOHB(configspace=cs, run_id=run_id, eta=eta,
                min_budget=min_budget, max_budget=max_budget,
                nameserver=ns_host, nameserver_port=ns_port, host="127.0.0.1",
                result_logger=result_logger, ping_interval=10)
    t0 = time.time()
    try:
        res = bohb.run(n_iterations=args.n_iterations, min_n_workers=args.workers)
    finally:
        bohb.shutdown(shutdown_workers=True)
        ns.shutdown()
    wall = time.time() - t0

    runs = res.get_all_runs()
    crashed = sum(r.loss is None for r in runs)
    inc = res.get_incumbent_id()
    inc_runs = res.get_runs_by_id(inc)
    best = inc_runs[-1]
    print("wall time %.1f s, %d evaluations (%d crashed), %d iterations" % (
        wall, len(runs), crashed, args.n_iterations))
    print("incumbent %s: loss %.4f, validation accuracy %.4f, test accuracy %.4f (budget %g)" % (
        inc, best.loss, best.info["validation_accuracy"], best.info["test_accuracy"], best.budget))
    print("config:", res.get_id2config_mapping()[inc]["config"])
    print("logs written to", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
