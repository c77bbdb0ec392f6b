"""The deck file: self-contained, deterministic, data deduplicated, inline JSON safe."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bohbvis.errors import BohbvisError
from bohbvis.render.deck import Deck
from bohbvis.render._shared import expand
from bohbvis.render.html import deck_data, render_html, script_json, vega_bundle
from bohbvis.render.theme import load_theme
from bohbvis.steps._base import Chart, Column, Link, Markdown, Slide, Table

MNIST = Path(__file__).parent / "data" / "hpbandster" / "hpbandster_example_5_mnist"


@pytest.fixture(scope="module")
def run():
    from bohbvis.load import read_run

    return read_run(MNIST)


def scatter(table, x: str, y: str, name: str = "brush") -> dict:
    import altair as alt

    brush = alt.selection_interval(name=name)
    return alt.Chart(table).mark_point().encode(x=f"{x}:Q", y=f"{y}:Q").add_params(brush).properties(width=500, height=400).to_dict()


def make(run, theme="light", title="Deck") -> Deck:
    data = run.table[["sample_id", "loss", "accuracy", "budget"]]
    rows = tuple(data.to_dict("records"))
    slides = (
        Slide(kind="markdown", title="Hello", blocks=(Markdown("- one\n- two", fragments=True),), notes="note"),
        Slide(kind="chart", title="Two charts, one table of data", layout="columns", blocks=(
            Chart(id="a", spec=scatter(data, "loss", "accuracy"), links=(Link("brush"),)),
            Chart(id="b", spec=scatter(data, "budget", "loss")),
        )),
        Slide(kind="table", title="Rows", blocks=(
            Table(id="t", columns=(Column("sample_id", "sample"), Column("loss", "loss", "num")), rows=rows, follows=("a",)),
        )),
    )
    return Deck(title=title, lang="en", theme=theme, theme_base=None, slides=slides, run=run)


def test_same_deck_gives_byte_identical_html_even_in_another_process(run):
    first = render_html(make(run))
    assert render_html(make(run)) == first
    # Another interpreter (another hash seed) must write the very same bytes.
    code = (
        "import hashlib, sys; sys.path.insert(0, 'tests'); import test_render_html as t;"
        "from bohbvis.load import read_run; from bohbvis.render.html import render_html;"
        "print(hashlib.sha256(render_html(t.make(read_run(t.MNIST))).encode()).hexdigest())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert out.stdout.strip() == hashlib.sha256(first.encode()).hexdigest()


def test_one_self_contained_file_with_the_bundle_once(run):
    html = render_html(make(run))
    bundle = vega_bundle()
    assert html.count(bundle) == 1
    assert html.count("window.vegaEmbed=") == 1
    assert len(html) < len(bundle) + 250_000  # two charts + a table, not a bundle per chart
    # ($schema names the Vega-Lite version a spec was written for; nothing loads it.)
    outside_bundle = re.sub(r'"\$schema":"https://vega\.github\.io/schema/[^"]+"', "", html.replace(bundle, ""))
    # Nothing to fetch: no src/href to files or URLs, and a CSP that forbids fetching anyway.
    assert not re.search(r"\s(src|href)=", outside_bundle)
    assert "http://" not in outside_bundle and "https://" not in outside_bundle
    assert "default-src 'none'" in html
    assert html.count("<script") == 3
    assert 'section class="slide layout-stack" data-kind="markdown"' in html


def test_charts_drawn_from_the_same_table_share_one_dataset(run):
    data = deck_data(make(run), load_theme("light"))
    assert len(data["datasets"]) == 1
    (name,) = data["datasets"]
    assert data["charts"]["a"]["datasets"] == data["charts"]["b"]["datasets"] == [name]
    assert "datasets" not in data["charts"]["a"]["spec"]
    assert data["charts"]["a"]["links"] == [{"param": "brush", "key": "sample_id", "carry": False}]
    assert data["charts"]["b"]["slide"] == 1
    assert len(expand(data)["datasets"][name]) == len(run.table)


def test_clashing_dataset_names_are_kept_apart(run):
    def spec(values):
        return {"data": {"name": "d"}, "datasets": {"d": values}, "mark": "point",
                "encoding": {"x": {"field": "v", "type": "quantitative"}}}

    slides = (Slide(kind="chart", title="x", blocks=(Chart(id="one", spec=spec([{"v": 1}])),
                                                      Chart(id="two", spec=spec([{"v": 2}])))),)
    deck = Deck(title="t", lang="en", theme="light", theme_base=None, slides=slides, run=run)
    data = deck_data(deck, load_theme("light"))
    one, two = data["charts"]["one"], data["charts"]["two"]
    assert one["datasets"] == ["d"] and two["datasets"] != ["d"]
    assert two["spec"]["data"]["name"] == two["datasets"][0]
    assert data["datasets"]["d"] == [{"v": 1}] and data["datasets"][two["datasets"][0]] == [{"v": 2}]


def test_inline_json_cannot_close_the_script_element():
    text = script_json({"a": "</script><script>alert(1)</script>", "b": "<!-- \u2028 \u2029 & >", "n": float("nan")})
    assert "</script" not in text.lower() and "<!--" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "<!-- \u2028 \u2029 & >", "n": None}


def test_hostile_story_strings_are_escaped_in_the_html(run):
    evil = '</script><img src=x onerror=alert(1)>"'
    deck = make(run, title=evil)
    slides = (Slide(kind=evil, title=evil, subtitle=evil, notes=evil, blocks=(Markdown(evil),)),) + deck.slides
    from dataclasses import replace

    html = render_html(replace(deck, slides=slides))
    assert "<img" not in html.replace(vega_bundle(), "")
    assert html.count("</script>") == 3  # only our own three script elements close
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;" in html


def test_broken_links_between_blocks_are_reported(run):
    deck = make(run)
    from dataclasses import replace

    twice = replace(deck, slides=deck.slides + (deck.slides[1],))
    with pytest.raises(ValueError, match="two charts share the id 'a'"):
        render_html(twice)
    lost = Slide(kind="table", title="t", blocks=(Table(id="u", columns=(Column("x", "x"),), rows=(), follows=("nope",)),))
    with pytest.raises(ValueError, match="follows charts that are not in the deck: nope"):
        render_html(replace(deck, slides=(lost,)))


def test_unknown_theme_is_a_clear_error(run):
    with pytest.raises(BohbvisError, match="unknown theme 'drak'.*Did you mean 'dark'"):
        render_html(make(run, theme="drak"))


def test_dark_theme_and_theme_file_relative_to_the_story(run, tmp_path):
    html = render_html(make(run, theme="dark"))
    assert 'data-theme="dark"' in html and "--bg: #14181e" in html
    theme = (Path(__file__).parent.parent / "themes" / "light.css").read_text().replace("#0b5cad", "#7a1fa2")
    (tmp_path / "mine.css").write_text(theme + "\n.slide-title { letter-spacing: 0; } /* </style><script>x()</script> */\n")
    from dataclasses import replace

    html = render_html(replace(make(run, theme="mine.css"), theme_base=tmp_path))
    assert 'data-theme="mine"' in html and "#7a1fa2" in html
    assert "</style><script>x()" not in html  # a theme cannot close its <style>
    data = json.loads(re.search(r'id="bohbvis-data">(.*?)</script>', html, re.S).group(1))
    assert data["vegaConfig"]["mark"]["color"] == "#7a1fa2"
