"""The one "best": rank 1 is hpbandster's incumbent, checked against hpbandster's Result API."""

from __future__ import annotations

import pytest

from bohbvis.analysis import ranked_configs, rule_for
from bohbvis.load import read_run
from testdata import FIXTURE_RUNS, HPB


@pytest.mark.parametrize("name", FIXTURE_RUNS)
def test_rank_one_is_hpbandsters_incumbent(name):
    import hpbandster.core.result as hpres

    path = HPB / name
    run = read_run(path)
    res = hpres.logged_results_to_HBS_result(str(path))
    inc = res.get_incumbent_id()
    ranked = ranked_configs(run)
    assert ranked.iloc[0]["config_id"] == "-".join(str(i) for i in inc)
    # one row per configuration, ranks 1..n, never a smaller budget above a larger one
    assert ranked["config_id"].is_unique
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert ranked["budget"].is_monotonic_decreasing


def test_accuracy_rule_ranks_by_accuracy_within_the_largest_budget():
    run = read_run("demo")
    ranked = ranked_configs(run, rule_for(run, "accuracy"))
    top = ranked[ranked["budget"] == run.max_budget]
    assert top["accuracy"].is_monotonic_decreasing
