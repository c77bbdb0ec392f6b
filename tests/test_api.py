"""The Python API: bohbvis.load_run, Story.from_yaml / from_dict, build -> Deck, Deck.save by
suffix, Deck.numbers as plain data, the notebook repr, and show() for one step kind."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import bohbvis
from bohbvis.errors import BohbvisError
from testdata import HPB, SEED_CSV

STORIES = Path(__file__).parent / "data" / "stories"
MNIST = HPB / "hpbandster_example_5_mnist"


@pytest.fixture(scope="module")
def mnist():
    return bohbvis.load_run(MNIST)


@pytest.fixture(scope="module")
def advisor(mnist):
    return bohbvis.build("advisor", data=mnist)


def test_import_bohbvis_is_light():
    """`import bohbvis` does not import pandas or Altair; the API names load on first use."""
    code = ("import sys, bohbvis; assert 'pandas' not in sys.modules and 'altair' not in sys.modules; "
            "bohbvis.load_run; assert 'pandas' in sys.modules; print(bohbvis.__version__)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == bohbvis.__version__
    with pytest.raises(AttributeError):
        bohbvis.no_such_name  # noqa: B018


def test_load_run_reads_each_format(mnist):
    assert mnist.format == "hpbandster" and mnist.n_evaluations == 113
    assert bohbvis.load_run().source == bohbvis.load_run("demo").source
    assert bohbvis.load_run(SEED_CSV).format == "seed-csv"
    with pytest.raises(BohbvisError, match="no such file"):
        bohbvis.load_run("no/such/run")


def test_story_from_yaml_and_from_dict_build_the_same_deck(mnist):
    from_file = bohbvis.Story.from_yaml(STORIES / "good_minimal.yaml")
    assert isinstance(from_file, bohbvis.Story) and len(from_file.steps) == 2
    as_dict = {"title": "A minimal deck", "steps": [
        {"kind": "title"}, {"kind": "markdown", "text": "This run has {{ run.n_evaluations }} evaluations."}]}
    from_dict = bohbvis.Story.from_dict(as_dict)
    a = bohbvis.build(from_file, data=mnist)
    b = bohbvis.build(from_dict, data=mnist)
    c = bohbvis.build(as_dict, data=mnist)  # a plain dict works too
    assert a.html() == b.html() == c.html()
    assert "This run has 113 evaluations." in a.html()
    with pytest.raises(BohbvisError) as err:
        bohbvis.Story.from_dict({"title": "x", "steps": [{"kind": "bracket"}]})
    assert "steps[0].kind" in str(err.value) and "Did you mean 'brackets'?" in str(err.value)


def test_deck_slides_and_numbers_are_plain_data(advisor, mnist):
    assert isinstance(advisor, bohbvis.Deck) and len(advisor) == len(advisor.slides) > 5
    assert [s.kind for s in advisor.slides][:3] == ["title", "overview", "principle"]
    numbers = advisor.numbers
    json.dumps(numbers, allow_nan=False)  # plain JSON-able Python: no numpy, no NaN
    assert numbers["run"]["n_evaluations"] == mnist.n_evaluations
    assert numbers["best"]["accuracy"] == pytest.approx(float(mnist.best["accuracy"]))
    assert numbers["best"]["sample_id"] == mnist.best["sample_id"]
    assert numbers["brackets"]["n_brackets"] == len(mnist.brackets)
    assert type(numbers["brackets"]["n_brackets"]) is int


def test_numbers_are_what_the_text_quotes(mnist):
    deck = bohbvis.build({"title": "t", "steps": [
        {"kind": "brackets", "text": "n={{ brackets.n_brackets }} rising={{ brackets.n_rising }}"}]}, data=mnist)
    n = deck.numbers["brackets"]
    assert f"n={n['n_brackets']} rising={n['n_rising']}" in deck.html()


def test_save_picks_the_format_from_the_name(mnist, tmp_path):
    deck = bohbvis.show(mnist, "overview")
    page = deck.save(tmp_path / "deck.html")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert deck.save(tmp_path / "deck.htm").read_bytes() == page.read_bytes()
    pdf = deck.save(tmp_path / "deck.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    folder = deck.save(tmp_path / "slides/")
    assert [p.name for p in folder.iterdir()] == ["slide-01.png"]
    with Image.open(folder / "slide-01.png") as im:
        assert im.size == (1280, 720)
    deck.save(tmp_path / "one.png", scale=0.5)
    with Image.open(tmp_path / "one-01.png") as im:
        assert im.size == (640, 360)


def test_save_with_an_unknown_suffix_is_one_clear_error_and_writes_nothing(mnist, tmp_path):
    deck = bohbvis.show(mnist, "title")
    with pytest.raises(BohbvisError) as err:
        deck.save(tmp_path / "deck.docx")
    assert "'.docx'" in str(err.value) and ".html" in str(err.value) and ".pdf" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_repr_html_is_a_sandboxed_iframe_holding_the_whole_deck(mnist):
    deck = bohbvis.show(mnist, "brackets", agg="max")
    out = deck._repr_html_()
    assert out.startswith("<iframe ") and out.endswith("></iframe>")
    m = re.search(r'sandbox="([^"]*)"', out)
    assert m and m.group(1) == "allow-scripts"  # no allow-same-origin: the deck cannot reach the notebook
    srcdoc = re.search(r'srcdoc="([^"]*)"', out).group(1)
    assert "<" not in srcdoc and '"' not in srcdoc  # escaped: the attribute cannot end early
    assert html.unescape(srcdoc) == deck.html()
    tag = out[: out.index(" srcdoc=")]
    assert " src=" not in tag  # VS Code loads no iframe src from local files


def test_show_builds_one_step_alone(mnist):
    deck = bohbvis.show(mnist, "brackets", agg="max", title="Brackets of {{ run.n_evaluations }}")
    assert [s.kind for s in deck.slides] == ["brackets"]
    assert deck.slides[0].title == "Brackets of 113"
    assert deck.numbers["brackets"]["agg"] == "max"
    with pytest.raises(BohbvisError) as err:
        bohbvis.show(mnist, "bracket")
    assert "unknown kind 'bracket'" in str(err.value)
    with pytest.raises(BohbvisError) as err:
        bohbvis.show(mnist, "brackets", agg="median")
    assert "steps[0].agg" in str(err.value) and "mean, max" in str(err.value)
    assert bohbvis.show(None, "overview").run.source == bohbvis.load_run("demo").source
