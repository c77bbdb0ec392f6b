"""Every chart a built-in step makes is valid Vega-Lite.

Builds skip Altair's schema validation (bohbvis/steps/_spec.py: it was a large part of every
build's time), so the validation happens here instead: every step of both shipped stories, the
test stories, each kind with its defaults and each embedding method, on real runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bohbvis import steps
from bohbvis.load import read_run
from bohbvis.options import StepOptions
from bohbvis.story import load_story

from testdata import DATA, HPB

STORIES = ("advisor", "newcomer", str(DATA / "stories" / "good_full.yaml"))
# Each charting kind with its defaults (chart needs an encoding: it comes from good_full.yaml;
# title, markdown, glossary, overview and table draw no chart).
# A kind that compares runs (build_runs) needs a story with several: not built with defaults here.
DEFAULT_KINDS = tuple(k for k in steps.KINDS if k not in ("title", "markdown", "glossary", "chart", "overview", "table")
                      and not hasattr(steps.get(k), "build_runs"))


def _schema_check(spec: dict) -> None:
    from altair.vegalite.v6.schema.core import TopLevelSpec

    # jsonschema walks every inline row (seconds for thousands); the shapes are what is checked.
    light = dict(spec)
    if "datasets" in light:
        light["datasets"] = {k: list(v)[:50] for k, v in light["datasets"].items()}
    TopLevelSpec.from_dict(light)  # raises SchemaValidationError on an invalid spec


def _charts(run, options: StepOptions):
    return steps.build(run, options).charts


@pytest.fixture(scope="module")
def mnist():
    return read_run(HPB / "hpbandster_example_5_mnist")


@pytest.mark.parametrize("story", STORIES, ids=lambda s: Path(s).stem)
def test_every_story_step_makes_valid_vega_lite(story, demo_run, mnist):
    st = load_story(story)
    run = mnist if story.endswith(".yaml") else demo_run
    n = 0
    for spec in st.steps:
        for chart in _charts(run, spec.options):
            _schema_check(chart.spec)
            n += 1
    assert n >= 2  # the stories draw charts; a story that drew none would check nothing


@pytest.mark.parametrize("kind", DEFAULT_KINDS)
def test_every_kind_with_defaults_makes_valid_vega_lite(kind, demo_run):
    st = load_story({"title": "t", "data": "demo", "steps": [{"kind": kind}]})  # defaults filled in
    (charts,) = [_charts(demo_run, s.options) for s in st.steps]
    assert charts, f"{kind} with its defaults draws no chart"
    for chart in charts:
        _schema_check(chart.spec)


@pytest.mark.parametrize("method", ["pca", "tsne", "mds"])
def test_every_embedding_method_makes_valid_vega_lite(method, mnist):
    st = load_story({"title": "t", "data": "demo", "steps": [{"kind": "embedding", "method": method}]})
    for chart in _charts(mnist, st.steps[0].options):
        _schema_check(chart.spec)
