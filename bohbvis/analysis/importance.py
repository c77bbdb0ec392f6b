"""Which hyperparameters matter: functional ANOVA (fANOVA, Hutter et al. 2014) on random forests.

The surrogate: scikit-learn's RandomForestRegressor (N_TREES trees, max_depth 64, min_samples_leaf 1
— Optuna's FanovaImportanceEvaluator settings), fitted per budget on that budget's evaluations
(at most MAX_FIT, a fixed-seed sample beyond), from the hyperparameters to the metric. Numeric
hyperparameters enter on their own scale, log10 where the space is log (the scale BOHB samples
on); categorical and bool ones one-hot (a group of columns, as Optuna does); ordinal ones as their
position. fANOVA then splits each tree's variance over the space (uniform on those scales): the
importance of a hyperparameter is the share of the variance its marginal explains alone, averaged
over the trees. Shares do not add up to 1: the rest is interactions.

Uncertainty: the forest is fitted with SEEDS seeds; a hyperparameter's importance is the mean over
seeds and its spread the standard deviation over seeds.

Hyperparameters absent in some of a budget's evaluations (conditional ones) or constant there are
left out of that budget's surrogate, and the slide names them. Exactness: `fanova` reproduces
Optuna's FanovaImportanceEvaluator to the last digit on the same encoded data and seed (see the
test); the per-tree decomposition is computed from the leaves' boxes with numpy instead of a
traversal per grid cell.

scikit-learn is imported only when an importance is computed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.run import Run
from ..model.space import Hyperparameter

N_TREES = 24
SEEDS = (0, 1, 2, 3, 4)
MAX_DEPTH = 64
MAX_FIT = 1000
MIN_ROWS = 15  # fewer evaluations at a budget say too little to fit a forest on
SAMPLE_SEED = 0
GRID = 60  # points of a numeric marginal curve


# --- the decomposition of one tree --------------------------------------------------------------


@dataclass(frozen=True)
class TreeBoxes:
    lo: np.ndarray  # leaves × features: each leaf's box, inside the bounds
    hi: np.ndarray
    value: np.ndarray  # leaves
    splits: list[np.ndarray]  # per feature: the sorted distinct thresholds the tree splits it at
    bounds: np.ndarray  # features × 2

    @property
    def volume(self) -> np.ndarray:
        return np.prod(self.hi - self.lo, axis=1)

    @property
    def variance(self) -> float:
        w = self.volume
        mean = np.average(self.value, weights=w)
        return float(np.average((self.value - mean) ** 2, weights=w))


def tree_boxes(tree, bounds: np.ndarray) -> TreeBoxes:
    """The leaves of a fitted sklearn tree as boxes (x <= threshold goes left)."""
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    n_feat = len(bounds)
    lo_all = np.empty((tree.node_count, n_feat))
    hi_all = np.empty((tree.node_count, n_feat))
    lo_all[0], hi_all[0] = bounds[:, 0], bounds[:, 1]
    leaves = []
    for node in range(tree.node_count):  # parents come before children in sklearn's arrays
        f = feature[node]
        if f < 0:
            leaves.append(node)
            continue
        t = threshold[node]
        for child, side in ((left[node], 1), (right[node], 0)):
            lo_all[child], hi_all[child] = lo_all[node], hi_all[node]
            if side:
                hi_all[child, f] = t
            else:
                lo_all[child, f] = t
    leaves = np.array(leaves)
    splits = [np.unique(threshold[feature == f]) for f in range(n_feat)]
    return TreeBoxes(lo=lo_all[leaves], hi=hi_all[leaves], value=tree.value[leaves].reshape(len(leaves), -1)[:, 0],
                     splits=splits, bounds=bounds)


def _cells(t: TreeBoxes, features) -> tuple[np.ndarray, np.ndarray]:
    """The grid over `features` cut at every split: cell midpoints (cells × |features|) and sizes."""
    mids, sizes = [], []
    for f in features:
        edges = np.concatenate(([t.bounds[f, 0]], t.splits[f], [t.bounds[f, 1]]))
        mids.append(0.5 * (edges[1:] + edges[:-1]))
        sizes.append(edges[1:] - edges[:-1])
    mid = np.array(list(itertools.product(*mids)))
    size = np.prod(np.array(list(itertools.product(*sizes))), axis=1)
    return mid, size


def marginal_at(t: TreeBoxes, features, points: np.ndarray) -> np.ndarray:
    """The tree's marginal prediction at points over `features` (points × |features|): the mean of
    the leaves those points fall in, weighted by each leaf's volume in the other dimensions."""
    features = list(features)
    other = t.volume / np.prod(t.hi[:, features] - t.lo[:, features], axis=1)
    inside = np.ones((len(points), len(t.value)), dtype=bool)
    for j, f in enumerate(features):
        p = points[:, j][:, None]
        inside &= (t.lo[:, f][None, :] < p) & (p <= t.hi[:, f][None, :]) | \
                  ((p == t.lo[:, f][None, :]) & (t.lo[:, f][None, :] == t.bounds[f, 0]))
    w = inside * other[None, :]
    return (w @ t.value) / w.sum(axis=1)


def marginal_variance(t: TreeBoxes, features) -> float:
    mid, size = _cells(t, features)
    m = marginal_at(t, features, mid)
    mean = np.average(m, weights=size)
    return float(max(np.average((m - mean) ** 2, weights=size), 0.0))


def fanova(X: np.ndarray, y: np.ndarray, bounds: np.ndarray, groups: list[np.ndarray], seed: int,
           n_trees: int = N_TREES, max_depth: int = MAX_DEPTH):
    """Per group of columns: (mean, std over trees) of the share of a tree's variance its marginal
    explains — Optuna's `_Fanova.get_importance` — plus the fitted trees' boxes."""
    from sklearn.ensemble import RandomForestRegressor

    forest = RandomForestRegressor(n_estimators=n_trees, max_depth=max_depth, min_samples_split=2,
                                   min_samples_leaf=1, random_state=seed)
    forest.fit(X, y)
    trees = [tree_boxes(e.tree_, bounds) for e in forest.estimators_]
    out = []
    for g in groups:
        fr = np.array([marginal_variance(t, g) / t.variance for t in trees if t.variance > 0])
        out.append((float(fr.mean()) if len(fr) else 0.0, float(fr.std()) if len(fr) else 0.0))
    return out, trees


# --- the run's data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Encoded:
    X: np.ndarray
    bounds: np.ndarray
    groups: list[np.ndarray]  # per hyperparameter: its columns
    names: list[str]
    kinds: list[str]  # "linear" | "log" | "onehot" | "ordinal"
    choices: list[list]  # per hyperparameter: choices (onehot/ordinal), else []
    left_out: dict[str, str]  # hyperparameter -> why


def encode(df: pd.DataFrame, space: tuple[Hyperparameter, ...]) -> Encoded:
    cols, bounds, groups, names, kinds, choices, left_out = [], [], [], [], [], [], {}
    for hp in space:
        v = df[hp.column]
        if v.isna().any():
            left_out[hp.name] = "absent in some evaluations (conditional)"
            continue
        if v.astype(str).nunique() < 2:
            left_out[hp.name] = "one value only"
            continue
        start = sum(c.shape[1] for c in cols)
        if hp.is_numeric:
            x = pd.to_numeric(v).to_numpy(dtype=float)
            lo = min(float(x.min()), float(hp.lower) if hp.lower is not None else np.inf)
            hi = max(float(x.max()), float(hp.upper) if hp.upper is not None else -np.inf)
            if hp.log and lo > 0:
                x, lo, hi, kind = np.log10(x), np.log10(lo), np.log10(hi), "log"
            else:
                kind = "linear"
            cols.append(x[:, None])
            bounds.append([lo, hi])
            ch = []
        elif hp.type == "ordinal":
            ch = list(hp.choices or sorted(v.astype(str).unique()))
            index = {str(c): i for i, c in enumerate(ch)}
            cols.append(v.astype(str).map(index).to_numpy(dtype=float)[:, None])
            bounds.append([0.0, float(len(ch) - 1)])
            kind = "ordinal"
        else:
            ch = list(hp.choices or sorted(v.astype(str).unique()))
            text = v.astype(str).to_numpy()
            cols.append(np.stack([(text == str(c)).astype(float) for c in ch], axis=1))
            bounds += [[0.0, 1.0]] * len(ch)
            kind = "onehot"
        width = cols[-1].shape[1]
        groups.append(np.arange(start, start + width))
        names.append(hp.name)
        kinds.append(kind)
        choices.append(ch)
    X = np.concatenate(cols, axis=1) if cols else np.empty((len(df), 0))
    return Encoded(X=X, bounds=np.array(bounds, dtype=float).reshape(-1, 2), groups=groups, names=names,
                   kinds=kinds, choices=choices, left_out=left_out)


@dataclass(frozen=True)
class BudgetImportance:
    budget: float
    n: int  # evaluations at the budget with a value
    n_fit: int  # rows the forests were fitted on
    names: list[str]
    mean: np.ndarray  # per hyperparameter, over seeds
    std: np.ndarray
    per_seed: np.ndarray  # seeds × hyperparameters
    left_out: dict[str, str]
    encoded: Encoded
    trees: list  # every seed's trees (for marginal curves)


def budget_importance(run: Run, field: str, budget: float, seeds=SEEDS) -> BudgetImportance | None:
    ok = run.ok[(run.ok["budget"] == budget) & run.ok[field].notna()]
    if len(ok) < MIN_ROWS or ok[field].nunique() < 2:
        return None
    fit = ok
    if len(ok) > MAX_FIT:
        rng = np.random.default_rng(SAMPLE_SEED)
        fit = ok.iloc[np.sort(rng.choice(len(ok), size=MAX_FIT, replace=False))]
    enc = encode(fit, run.space)
    if not enc.groups:
        return None
    y = fit[field].to_numpy(dtype=float)
    per_seed, trees = [], []
    for s in seeds:
        imp, t = fanova(enc.X, y, enc.bounds, enc.groups, seed=s)
        per_seed.append([m for m, _sd in imp])
        trees += t
    per_seed = np.array(per_seed)
    return BudgetImportance(budget=float(budget), n=int(len(ok)), n_fit=int(len(fit)), names=enc.names,
                            mean=per_seed.mean(axis=0), std=per_seed.std(axis=0), per_seed=per_seed,
                            left_out=enc.left_out, encoded=enc, trees=trees)


def marginal_curve(bi: BudgetImportance, name: str) -> pd.DataFrame:
    """The surrogate's marginal prediction across one hyperparameter: x (its own units; the
    choice for categorical ones), mean and std over every tree of every seed."""
    k = bi.names.index(name)
    enc = bi.encoded
    g = enc.groups[k]
    kind = enc.kinds[k]
    if kind == "onehot":
        pts = np.eye(len(g))
        xs = [str(c) for c in enc.choices[k]]
    elif kind == "ordinal":
        pts = np.arange(len(enc.choices[k]), dtype=float)[:, None]
        xs = [str(c) for c in enc.choices[k]]
    else:
        lo, hi = enc.bounds[g[0]]
        pts = np.linspace(lo, hi, GRID)[:, None]
        xs = list(10 ** pts[:, 0] if kind == "log" else pts[:, 0])
    values = np.array([marginal_at(t, g, pts) for t in bi.trees])
    return pd.DataFrame({"x": xs, "mean": values.mean(axis=0), "std": values.std(axis=0)})
