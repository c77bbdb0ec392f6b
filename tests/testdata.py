"""Paths to the real test data and the snapshot helper, importable from any test module
(`from testdata import HPB, assert_snapshot`; `conftest` is ambiguous with tests/browser/)."""

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
