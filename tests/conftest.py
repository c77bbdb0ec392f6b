"""Shared fixtures: the real hpbandster runs copied from shared/fixtures into tests/data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from testdata import ARTIFACTS, FIXTURE_RUNS, HPB, SEED_CSV, assert_snapshot  # noqa: F401


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def demo_run():
    from bohbvis.load import read_run

    return read_run("demo")


@pytest.fixture(scope="session", params=FIXTURE_RUNS)
def fixture_run(request):
    from bohbvis.load import read_run

    return read_run(HPB / request.param)


@pytest.fixture(scope="session")
def runs():
    """Every real run by name: the demo, each fixture run, and the seed's sample rows."""
    from bohbvis.load import read_run

    out = {"demo": read_run("demo"), "seed": read_run(SEED_CSV)}
    out.update({name: read_run(HPB / name) for name in FIXTURE_RUNS})
    return out
