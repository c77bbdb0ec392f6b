"""Shared fixtures: the real hpbandster runs copied from shared/fixtures into tests/data/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
HPB = DATA / "hpbandster"
FIXTURE_RUNS = sorted(p.name for p in HPB.iterdir() if p.is_dir())
SEED_CSV = DATA / "seed_sample_rows.csv"
SNAPSHOTS = Path(__file__).parent / "snapshots"
# Files CI keeps (screenshots, exported pages): one folder, outside the package.
ARTIFACTS = Path(os.environ.get("BOHBVIS_ARTIFACTS", Path(__file__).parent.parent / "artifacts"))


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


def assert_snapshot(name: str, obj) -> None:
    """Compare a JSON-able object with tests/snapshots/<name>.json.

    BOHBVIS_UPDATE_SNAPSHOTS=1 rewrites the golden file (then review the diff before committing).
    """
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    if os.environ.get("BOHBVIS_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        if os.environ.get("CI") == "true" and not path.exists():
            pytest.fail(f"snapshot {path} is missing: run the tests locally and commit it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), (
        f"snapshot {name} changed; rerun with BOHBVIS_UPDATE_SNAPSHOTS=1 if the change is intended"
    )
