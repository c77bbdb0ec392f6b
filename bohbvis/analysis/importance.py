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
test); the decomposition is computed from the leaves' boxes with numpy over a whole forest at once
(no Python loop per node, tree or grid cell), and the forest's trees are grown one by one with the
forest's own seeds (forest_trees: the same trees, without its per-tree overhead).

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


# --- the decomposition of a forest -------------------------------------------------------------
#
# Every tree's leaves are boxes; a feature's grid is cut at every threshold the tree splits it at.
# All trees of a forest are handled at once (numpy over every node / leaf of the forest), so the
# cost is a few dozen array operations per forest, not a Python loop per node, tree or grid cell.


@dataclass(frozen=True)
class Forest:
    lo: np.ndarray  # leaves × features: each leaf's box, inside the bounds (leaves of every tree, tree by tree)
    hi: np.ndarray
    value: np.ndarray  # leaves
    tree: np.ndarray  # leaves: which tree
    starts: np.ndarray  # trees: the first leaf of each tree
    cell_lo: np.ndarray  # leaves × features: the first grid cell (of its tree's grid) the leaf covers
    cell_hi: np.ndarray  # ... and one past its last
    sizes: list[np.ndarray]  # per feature: trees × cells, each cell's width (0 past a tree's last cell)
    bounds: np.ndarray  # features × 2
    volume: np.ndarray  # leaves
    variance: np.ndarray  # trees: the variance of the tree's prediction over the space (uniform)

    @property
    def n_trees(self) -> int:
        return len(self.starts)


def forest_boxes(trees, bounds: np.ndarray) -> Forest:
    """The leaves of fitted sklearn trees (`estimator.tree_`) as boxes (x <= threshold goes left)."""
    counts = np.array([t.node_count for t in trees])
    offset = np.concatenate(([0], np.cumsum(counts)[:-1]))
    which = np.repeat(np.arange(len(trees)), counts)
    feature = np.concatenate([t.feature for t in trees])
    threshold = np.concatenate([t.threshold for t in trees])
    left = np.concatenate([np.where(t.children_left >= 0, t.children_left + o, -1) for t, o in zip(trees, offset)])
    right = np.concatenate([np.where(t.children_right >= 0, t.children_right + o, -1) for t, o in zip(trees, offset)])
    value = np.concatenate([t.value.reshape(t.node_count, -1)[:, 0] for t in trees])
    n_nodes, n_feat = len(feature), len(bounds)

    # Each split's place among the distinct thresholds its tree splits that feature at: the grid
    # edge it is (edge 0 is the lower bound), and each (tree, feature)'s number of cells.
    inner = np.flatnonzero(feature >= 0)
    order = inner[np.lexsort((threshold[inner], feature[inner], which[inner]))]
    edge = np.zeros(n_nodes, dtype=np.intp)
    n_cells = np.ones((len(trees), n_feat), dtype=np.intp)
    if len(order):  # (else every tree is one leaf)
        key = which[order] * n_feat + feature[order]
        new_key = np.r_[True, key[1:] != key[:-1]]
        new_value = new_key | np.r_[True, threshold[order][1:] != threshold[order][:-1]]
        distinct = np.cumsum(new_value) - 1
        first = distinct[new_key]
        edge[order] = distinct - np.repeat(first, np.diff(np.r_[np.flatnonzero(new_key), len(order)])) + 1
        n_cells[which[order][new_key], feature[order][new_key]] += np.diff(np.r_[first, distinct[-1] + 1])
    sizes = []
    for f in range(n_feat):
        size = np.zeros((len(trees), int(n_cells[:, f].max())))
        size[:, 0] = bounds[f, 1] - bounds[f, 0]
        mine = order[feature[order] == f]  # this feature's splits, by tree then threshold
        if len(mine):
            t_of, at = which[mine], edge[mine]
            fresh = np.r_[True, (t_of[1:] != t_of[:-1]) | (at[1:] != at[:-1])]
            t_of, at, thr = t_of[fresh], at[fresh], threshold[mine][fresh]
            edges = np.full((len(trees), size.shape[1] + 1), np.nan)
            edges[np.arange(len(trees)), 0] = bounds[f, 0]
            edges[np.arange(len(trees)), n_cells[:, f]] = bounds[f, 1]
            edges[t_of, at] = thr
            size = np.nan_to_num(np.diff(edges, axis=1), nan=0.0)
        sizes.append(size)

    # Push the boxes (bounds and grid cells) down the trees one level at a time, all trees at once.
    lo = np.empty((n_nodes, n_feat))
    hi = np.empty((n_nodes, n_feat))
    cell_lo = np.zeros((n_nodes, n_feat), dtype=np.intp)
    cell_hi = np.empty((n_nodes, n_feat), dtype=np.intp)
    lo[offset], hi[offset] = bounds[:, 0], bounds[:, 1]
    cell_hi[offset] = n_cells
    level = offset
    while level.size:
        split = level[feature[level] >= 0]
        f, t, e = feature[split], threshold[split], edge[split]
        lc, rc = left[split], right[split]
        for child in (lc, rc):
            lo[child], hi[child] = lo[split], hi[split]
            cell_lo[child], cell_hi[child] = cell_lo[split], cell_hi[split]
        hi[lc, f], cell_hi[lc, f] = t, e
        lo[rc, f], cell_lo[rc, f] = t, e
        level = np.concatenate((lc, rc))
    leaves = np.flatnonzero(feature < 0)  # tree by tree, in node order
    tree = which[leaves]
    lo, hi, value = lo[leaves], hi[leaves], value[leaves]
    volume = np.prod(hi - lo, axis=1)
    starts = np.searchsorted(tree, np.arange(len(trees)))
    total = np.add.reduceat(volume, starts)
    mean = np.add.reduceat(volume * value, starts) / total
    variance = np.add.reduceat(volume * (value - mean[tree]) ** 2, starts) / total
    return Forest(lo=lo, hi=hi, value=value, tree=tree, starts=starts, cell_lo=cell_lo[leaves],
                  cell_hi=cell_hi[leaves], sizes=sizes, bounds=bounds, volume=volume, variance=variance)


def marginal_variances(forest: Forest, features) -> np.ndarray:
    """Per tree: the variance, over the grid of `features`, of its marginal prediction there (the
    mean of the leaves a cell lies in, weighted by each leaf's volume in the other dimensions).

    A leaf covers a box of cells; its sums are added with a difference array (+ at the box's low
    corner, − and + at the others, inclusion–exclusion) and a cumulative sum along each feature,
    so the cost is O(leaves × 2^|features| + cells), never a cells × leaves matrix."""
    features = list(features)
    other = forest.volume / np.prod(forest.hi[:, features] - forest.lo[:, features], axis=1)
    shape = [forest.sizes[f].shape[1] for f in features]
    n_trees = forest.n_trees
    grid = np.prod(shape)
    num = np.zeros(n_trees * grid)
    den = np.zeros(n_trees * grid)
    for corner in itertools.product((0, 1), repeat=len(features)):
        index = forest.tree.copy()
        keep = np.ones(len(index), dtype=bool)
        for j, (f, up) in enumerate(zip(features, corner)):
            c = forest.cell_hi[:, f] if up else forest.cell_lo[:, f]
            keep &= c < shape[j]  # past the last cell: changes no cell
            index = index * shape[j] + np.minimum(c, shape[j] - 1)
        sign = -1.0 if sum(corner) % 2 else 1.0
        num += sign * np.bincount(index[keep], (other * forest.value)[keep], len(num))
        den += sign * np.bincount(index[keep], other[keep], len(den))
    num, den = num.reshape(n_trees, *shape), den.reshape(n_trees, *shape)
    size = np.ones((n_trees, *shape))
    for j, f in enumerate(features):
        num, den = np.cumsum(num, axis=j + 1), np.cumsum(den, axis=j + 1)
        size = size * forest.sizes[f].reshape(n_trees, *[-1 if k == j else 1 for k in range(len(features))])
    num, den, size = num.reshape(n_trees, -1), den.reshape(n_trees, -1), size.reshape(n_trees, -1)
    m = np.where(size > 0, num / np.where(size > 0, den, 1.0), 0.0)
    total = size.sum(axis=1)
    mean = (m * size).sum(axis=1) / total
    return np.maximum(((m - mean[:, None]) ** 2 * size).sum(axis=1) / total, 0.0)


def marginal_at(forest: Forest, features, points: np.ndarray) -> np.ndarray:
    """Each tree's marginal prediction at points over `features` (trees × points)."""
    features = list(features)
    other = forest.volume / np.prod(forest.hi[:, features] - forest.lo[:, features], axis=1)
    inside = np.ones((len(points), len(forest.value)), dtype=bool)
    for j, f in enumerate(features):
        p = points[:, j][:, None]
        lo, hi = forest.lo[:, f][None, :], forest.hi[:, f][None, :]
        inside &= (lo < p) & (p <= hi) | ((p == lo) & (lo == forest.bounds[f, 0]))
    w = inside * other[None, :]
    return (np.add.reduceat(w * forest.value[None, :], forest.starts, axis=1)
            / np.add.reduceat(w, forest.starts, axis=1)).T


def forest_trees(X: np.ndarray, y: np.ndarray, seed: int, n_trees: int = N_TREES, max_depth: int = MAX_DEPTH):
    """The trees (`tree_`) of `RandomForestRegressor(n_estimators=n_trees, max_depth=max_depth,
    min_samples_split=2, min_samples_leaf=1, random_state=seed).fit(X, y)` — the very same trees
    (tests/test_step_importance.py compares every node), grown here one DecisionTreeRegressor at a
    time with the forest's own seeds and bootstrap draws.

    Why not the forest itself: on a few hundred rows, its per-tree cloning (get_params through
    inspect.signature) and input checks take longer than growing the trees, and a story fits 25
    forests. The input is checked once here instead (float32 X, float64 y, as the forest does)."""
    from sklearn.tree import DecisionTreeRegressor

    X32 = np.ascontiguousarray(X, dtype=np.float32)
    y2 = np.ascontiguousarray(y, dtype=np.float64).reshape(-1, 1)
    n = len(X32)
    forest_rng = np.random.RandomState(seed)  # the forest draws one seed per tree, in order
    states = [forest_rng.randint(np.iinfo(np.int32).max) for _ in range(n_trees)]
    trees = []
    for state in states:
        # The forest's bootstrap: n draws with replacement from the tree's seed, as sample weights.
        counts = np.bincount(np.random.RandomState(state).randint(0, n, n), minlength=n).astype(np.float64)
        tree = DecisionTreeRegressor(max_depth=max_depth, min_samples_split=2, min_samples_leaf=1, max_features=1.0,
                                     random_state=state)
        tree._fit(X32, y2, sample_weight=counts, check_input=False)
        trees.append(tree.tree_)
    return trees


def fanova(X: np.ndarray, y: np.ndarray, bounds: np.ndarray, groups: list[np.ndarray], seed: int,
           n_trees: int = N_TREES, max_depth: int = MAX_DEPTH):
    """Per group of columns: (mean, std over trees) of the share of a tree's variance its marginal
    explains — Optuna's `_Fanova.get_importance` — plus the fitted forest's boxes."""
    boxes = forest_boxes(forest_trees(X, y, seed, n_trees, max_depth), bounds)
    varies = boxes.variance > 0
    out = []
    for g in groups:
        fr = marginal_variances(boxes, g)[varies] / boxes.variance[varies]
        out.append((float(fr.mean()) if len(fr) else 0.0, float(fr.std()) if len(fr) else 0.0))
    return out, boxes


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
    forests: list  # every seed's forest (for marginal curves)


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
    per_seed, forests = [], []
    for s in seeds:
        imp, forest = fanova(enc.X, y, enc.bounds, enc.groups, seed=s)
        per_seed.append([m for m, _sd in imp])
        forests.append(forest)
    per_seed = np.array(per_seed)
    return BudgetImportance(budget=float(budget), n=int(len(ok)), n_fit=int(len(fit)), names=enc.names,
                            mean=per_seed.mean(axis=0), std=per_seed.std(axis=0), per_seed=per_seed,
                            left_out=enc.left_out, encoded=enc, forests=forests)


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
    values = np.concatenate([marginal_at(f, g, pts) for f in bi.forests])
    return pd.DataFrame({"x": xs, "mean": values.mean(axis=0), "std": values.std(axis=0)})
