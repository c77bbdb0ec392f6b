"""Advice for the next run (bohbvis.analysis.advice), checked on every fixture run against an
independent computation straight from the hpbandster logs, ConfigSpace itself and hpbandster's own
bracket code — not against bohbvis's model."""

from __future__ import annotations

import io
import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
from ConfigSpace import Configuration, ConfigurationSpace

from bohbvis.analysis import advice as adv
from bohbvis.load import demo_path, read_run
from testdata import FIXTURE_RUNS, HPB

FOLDERS = [demo_path(), *(HPB / name for name in FIXTURE_RUNS)]
IDS = ["demo", *FIXTURE_RUNS]


# --- the independent computation -------------------------------------------------------------


def raw_run(folder):
    """configs {id: config}, and each configuration's loss at the largest budget it reached."""
    configs = {}
    for line in (folder / "configs.json").open():
        cid, config, _info = json.loads(line)
        configs[tuple(cid)] = config
    best = {}
    for line in (folder / "results.json").open():
        cid, budget, _ts, result, _exc = json.loads(line)
        if result is None or result.get("loss") is None or not math.isfinite(result["loss"]):
            continue
        key = tuple(cid)
        old = best.get(key)
        if old is None or budget > old[0] or (budget == old[0] and result["loss"] < old[1]):
            best[key] = (budget, result["loss"])
    return configs, best


def raw_top(folder):
    """The top configurations at the largest budget, by the rule the advice states."""
    configs, best = raw_run(folder)
    top_budget = max(b for b, _ in best.values())
    population = sorted((loss, cid) for cid, (b, loss) in best.items() if b == top_budget)
    n = len(population)
    k = min(max(adv.MIN_TOP, math.ceil(adv.TOP_QUANTILE * n)), n // 2)
    return [configs[cid] for _, cid in population[:k]], n, configs


def raw_space(folder, configs):
    """The original bounds: the run's configspace.json, or the values used when it has none."""
    path = folder / "configspace.json"
    if path.exists():
        doc = json.loads(path.read_text())
        return {h["name"]: h for h in doc["hyperparameters"]}
    out = {}
    for name in {k for c in configs.values() for k in c}:
        vals = [c[name] for c in configs.values() if name in c]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            out[name] = {"name": name, "lower": min(vals), "upper": max(vals)}
    return out


@pytest.fixture(scope="module", params=FOLDERS, ids=IDS)
def case(request):
    folder = request.param
    run = read_run(folder)
    return SimpleNamespace(folder=folder, run=run, advice=adv.advise(run))


def test_the_top_configurations_are_the_ones_the_rule_picks(case):
    top, n, _ = raw_top(case.folder)
    assert case.advice.n_at_max_budget == n
    assert case.advice.k == len(top)
    assert case.advice.too_few == (len(top) < adv.MIN_TOP or n < 2 * adv.MIN_TOP)


def test_configspace_loads_the_json_and_the_yaml(case):
    import warnings

    from ConfigSpace.read_and_write import json as cs_json

    cs = ConfigurationSpace.from_json(io.StringIO(case.advice.to_json()))
    again = ConfigurationSpace.from_yaml(io.StringIO(case.advice.to_yaml()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the reader, deprecated in 1.x
        legacy = cs_json.read(case.advice.to_json())
    assert cs == again == legacy
    kept = [h.name for h in case.advice.hyperparameters if h.action != "remove"]
    assert sorted(cs.keys()) == sorted(kept)
    # Every hyperparameter carries its reason; the conditions are ConfigSpace's.
    for h in cs.values():
        assert h.meta["reason"]
    for h in case.advice.hyperparameters:
        if h.condition is not None and h.action != "remove":
            assert h.name in {c.child.name for c in cs.conditions}
    cs.sample_configuration(5)  # a usable space: it samples


def test_every_top_configuration_lies_in_the_new_space(case):
    cs = ConfigurationSpace.from_json(io.StringIO(case.advice.to_json()))
    top, _, _ = raw_top(case.folder)
    for config in top:
        # Configuration() checks bounds, choices and that exactly the active ones are set.
        Configuration(cs, values=config)


def test_boundary_warnings_exactly_where_the_top_crowd_a_bound(case):
    top, _, configs = raw_top(case.folder)
    bounds = raw_space(case.folder, configs)
    if case.advice.too_few:
        assert not case.advice.warnings
        return
    for h in case.advice.hyperparameters:
        if h.type == "ordinal" and h.n_top >= adv.MIN_TOP:
            # An ordinal's own scale is its index: only its end values lie within 5 % of a bound.
            seq = [str(c) for c in h.original.choices]
            vals = [str(c[h.name]) for c in top if h.name in c]
            half = math.ceil(len(vals) / 2)
            expect = [b for b, end in (("lower", seq[0]), ("upper", seq[-1])) if vals.count(end) >= half]
            if len(seq) >= 3 and len([e for e in h.evidence if not e.dropped]) >= 2:
                assert list(h.crowded) == expect, h.name
                assert (h.warning is not None) == bool(expect), h.name
            continue
        if h.type not in ("float", "int") or h.name not in bounds or h.n_top < adv.MIN_TOP:
            continue
        lo, hi = float(bounds[h.name]["lower"]), float(bounds[h.name]["upper"])
        log = case.run.hyperparameter(h.name).log and lo > 0
        scale = (lambda v: math.log(v)) if log else (lambda v: v)
        vals = [c[h.name] for c in top if h.name in c]
        pos = [(scale(v) - scale(lo)) / (scale(hi) - scale(lo)) for v in vals]
        half = math.ceil(len(pos) / 2)
        expect = [b for b, n in (("lower", sum(p <= 0.05 for p in pos)), ("upper", sum(p >= 0.95 for p in pos)))
                  if n >= half]
        assert list(h.crowded) == expect, h.name
        assert (h.warning is not None) == bool(expect), h.name
        if "upper" in expect and h.upper > hi:
            assert h.action == "widen"
        if not expect:
            assert h.lower >= lo and h.upper <= hi  # no warning: never wider than before


def test_categorical_choices_drop_only_on_evidence(case):
    from scipy.stats import fisher_exact

    top, n, _ = raw_top(case.folder)
    for h in case.advice.hyperparameters:
        for e in h.evidence:
            # Recount from the logs: the same counts, and Fisher's exact test gives the same p.
            assert e.n_top == sum(str(c.get(h.name)) == str(e.choice) for c in top)
            if e.dropped:
                assert e.n_top == 0 and e.p_value < adv.ALPHA
                active_top = sum(h.name in c for c in top)
                n_pop = sum(x.n_all for x in h.evidence)
                table = [[0, active_top], [e.n_all, n_pop - e.n_all - active_top]]
                assert fisher_exact(table, alternative="less").pvalue == pytest.approx(e.p_value)
                assert e.choice not in h.choices
            elif e.n_top == 0:
                assert e.p_value >= adv.ALPHA and e.choice in h.choices


def _hpbandster_cost(min_budget, max_budget, eta, n_iterations):
    """Hyperband's plan by hpbandster's own code: BOHB.__init__'s ladder, get_next_iteration's brackets."""
    from hpbandster.optimizers.bohb import BOHB

    max_sh_iter = -int(np.log(min_budget / max_budget) / np.log(eta)) + 1
    budgets = max_budget * np.power(eta, -np.linspace(max_sh_iter - 1, 0, max_sh_iter))
    fake = SimpleNamespace(max_SH_iter=max_sh_iter, eta=eta, budgets=budgets,
                           config_generator=SimpleNamespace(get_config=None))
    total = 0.0
    for i in range(n_iterations):
        it = BOHB.get_next_iteration(fake, i)
        total += sum(n * b for n, b in zip(it.num_configs, it.budgets))
    return total


def test_compute_saving_equals_hyperbands_arithmetic(case):
    b = case.advice.budget
    if b.eta is None:
        pytest.skip("a single budget")
    old = _hpbandster_cost(b.min_budget, b.max_budget, b.eta, b.n_iterations)
    new = _hpbandster_cost(b.new_min_budget, b.new_max_budget, b.new_eta, b.n_iterations)
    assert b.old_compute == pytest.approx(old)
    assert b.new_compute == pytest.approx(new)
    assert b.saved == pytest.approx(1 - new / old)
    assert b.new_min_budget in b.old_budgets and b.new_max_budget in b.old_budgets
    assert b.new_max_budget >= b.new_min_budget * b.new_eta  # at least two rungs


def test_every_change_has_its_reason(case):
    for h in case.advice.hyperparameters:
        assert h.reason and h.name
    assert case.advice.budget.reason


# --- the rules on runs made to test them ---------------------------------------------------------


def _write_run(folder, rows, space):
    """An hpbandster log folder: rows = [(config dict, budget, loss)]; one configuration per row."""
    folder.mkdir()
    with (folder / "configs.json").open("w") as c, (folder / "results.json").open("w") as r:
        for i, (config, budget, loss) in enumerate(rows):
            cid = [0, 0, i]
            c.write(json.dumps([cid, config, {"model_based_pick": False}]) + "\n")
            ts = {"submitted": float(i), "started": float(i), "finished": i + 0.5}
            r.write(json.dumps([cid, budget, ts, {"loss": loss, "info": {}}, None]) + "\n")
    (folder / "configspace.json").write_text(json.dumps(
        {"name": None, "hyperparameters": space, "conditions": [], "forbiddens": [],
         "python_module_version": "1.2.0", "format_version": 0.4}))
    return folder


def test_an_optimum_at_the_edge_widens_the_range_instead_of_narrowing_it(tmp_path):
    # The case: every top configuration sits at 0.0085–0.0092 against a bound of 0.01.
    rng = np.random.default_rng(0)
    rows = []
    for i in range(40):
        lr = float(np.exp(rng.uniform(np.log(1e-4), np.log(1e-2))))
        rows.append(({"lr": lr, "act": ["relu", "tanh"][i % 2]}, 9.0, 1.0 - lr * 50 + 0.001 * i))
    for i, lr in enumerate([0.0085, 0.0087, 0.0089, 0.0090, 0.0092, 0.0091]):
        rows[i] = ({"lr": lr, "act": "relu"}, 9.0, 0.1 + 0.01 * i)
    space = [{"type": "uniform_float", "name": "lr", "lower": 1e-4, "upper": 1e-2, "default_value": 1e-3, "log": True},
             {"type": "categorical", "name": "act", "choices": ["relu", "tanh"], "default_value": "relu"}]
    run = read_run(_write_run(tmp_path / "edge", rows, space))
    a = adv.advise(run)
    lr = a.hp("lr")
    assert lr.crowded == ("upper",) and lr.action == "widen" and "optimum may lie beyond" in lr.warning
    assert lr.upper == pytest.approx(adv._round_out(math.exp(math.log(1e-2) + 0.25 * math.log(100)), False))
    assert lr.lower > 1e-4  # the other end narrows to the top's span and its margin
    cs = ConfigurationSpace.from_json(io.StringIO(a.to_json()))
    assert cs["lr"].upper > 0.01


def test_a_choice_no_top_configuration_used_is_dropped_only_when_significant(tmp_path):
    space = [{"type": "categorical", "name": "opt", "choices": ["adam", "sgd", "rms"], "default_value": "adam"},
             {"type": "uniform_float", "name": "x", "lower": 0.0, "upper": 1.0, "default_value": 0.5}]
    # 40 configurations: sgd is a third of them but never in the top 6 (p = C(27,6)/C(40,6) ≈ 0.08
    # would not do: 60 configurations, 20 sgd, top 9 → p ≈ 0.021); rms is rare (3) and unused.
    rows = []
    for i in range(60):
        opt = "sgd" if i % 3 == 1 else "adam"
        if i in (2, 5, 8):
            opt = "rms"
        loss = (2.0 if opt == "sgd" else 1.0) + (0.5 if opt == "rms" else 0.0) + i * 0.001
        rows.append(({"opt": opt, "x": (i * 0.37) % 1.0}, 27.0, loss))
    a = adv.advise(read_run(_write_run(tmp_path / "choices", rows, space)))
    opt = a.hp("opt")
    ev = {e.choice: e for e in opt.evidence}
    assert ev["sgd"].dropped and ev["sgd"].p_value < 0.05
    assert not ev["rms"].dropped and ev["rms"].n_top == 0  # unused, but too rare to tell
    assert opt.choices == ("adam", "rms") and opt.action == "drop choices"
    from scipy.stats import fisher_exact

    n_sgd, k = ev["sgd"].n_all, a.k
    table = [[0, k], [n_sgd, a.n_at_max_budget - k - n_sgd]]
    assert ev["sgd"].p_value == pytest.approx(fisher_exact(table, alternative="less").pvalue)
    assert "sgd" not in ConfigurationSpace.from_json(io.StringIO(a.to_json()))["opt"].choices


def test_a_child_whose_condition_cannot_hold_any_more_is_removed():
    run = read_run(HPB / "hpbandster_example_5_mnist")
    a = adv.advise(run)
    layers = a.hp("num_conv_layers")
    f3 = a.hp("num_filters_3")
    # The space was inferred: the condition is read off the data (num_filters_3 only with 3 layers).
    assert f3.condition is not None and f3.condition.parent == "num_conv_layers" and f3.condition.inferred
    if layers.upper < 3:
        assert f3.action == "remove"
        assert "num_filters_3" not in ConfigurationSpace.from_json(io.StringIO(a.to_json()))


def test_conditions_are_kept_in_the_written_space():
    a = adv.advise(read_run(demo_path()))
    cs = ConfigurationSpace.from_json(io.StringIO(a.to_json()))
    (cond,) = [c for c in cs.conditions if c.child.name == "momentum"]
    assert cond.parent.name == "optimizer" and set(cond.values) <= {"sgd", "rms"}


def test_too_few_evaluations_keep_the_space_and_say_so(tmp_path):
    space = [{"type": "uniform_float", "name": "x", "lower": 0.0, "upper": 1.0, "default_value": 0.5}]
    rows = [({"x": 0.9 + 0.01 * i}, 3.0, 0.1 * i) for i in range(4)]
    a = adv.advise(read_run(_write_run(tmp_path / "few", rows, space)))
    assert a.too_few and "too few" in a.summary.lower()
    assert a.hp("x").action == "keep" and (a.hp("x").lower, a.hp("x").upper) == (0.0, 1.0)


def test_the_demo_advice_snapshot():
    from testdata import assert_snapshot

    a = adv.advise(read_run(demo_path()))
    assert_snapshot("advice_demo_configspace", a.to_configspace())
