"""A plain (non-editable) install carries the built-in stories, themes, deck assets and demo run."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    (whl,) = out.glob("bohbvis-*.whl")
    return whl


def test_wheel_has_builtin_stories_themes_assets_and_demo(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for story in (ROOT / "stories").glob("*.yaml"):
        assert f"bohbvis/_builtin/stories/{story.name}" in names
    for theme in (ROOT / "themes").glob("*.css"):
        assert f"bohbvis/_builtin/themes/{theme.name}" in names
    for asset in (ROOT / "bohbvis/render/assets").iterdir():
        assert f"bohbvis/render/assets/{asset.name}" in names
    for log in ("configs.json", "results.json", "configspace.json"):
        assert f"bohbvis/load/demo_run/{log}" in names
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "bohbvis = bohbvis.cli:main" in entry
