"""Text that would leak a path, load a file or run code: markdown links, chart specs, U+2028."""

from __future__ import annotations

import pytest

from bohbvis.render.markdown import render_inline, render_markdown
from bohbvis.steps._base import Chart
from bohbvis.steps.chart import spec_problems


@pytest.mark.parametrize("href", ["notes/run.md", "../../secret.md", "/home/yuna/run.md", "run.md#top",
                                  " java%0ascript:alert(1)"])
def test_relative_links_are_text_not_file_links(href):
    html = render_markdown(f"See [my notes]({href}).")
    assert "<a " not in html and 'class="link-omitted"' in html and "my notes" in html


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:x", "file:///etc/passwd",
                                  "data:text/html,<script>alert(1)</script>"])
def test_script_and_file_links_are_never_links(href):
    html = render_markdown(f"[x]({href}) and <{href}>")
    assert "<a " not in html and "href" not in html


@pytest.mark.parametrize("href", ["https://example.org/a?b=1", "http://x.org", "mailto:yuna@example.org", "#slide-3"])
def test_web_mail_and_deck_links_stay_links(href):
    html = render_inline(f"[x]({href})")
    assert f'href="{href.replace("&", "&amp;")}"' in html


@pytest.mark.parametrize("spec, key", [
    ({"mark": "image", "encoding": {"url": {"value": "http://evil.example/x.png"}}}, "spec.encoding.url.value"),
    ({"mark": {"type": "image", "url": "//evil.example/x.png"}}, "spec.mark.url"),
    ({"data": {"values": [{"u": "https://evil.example/i.png"}]}, "mark": "image",
      "encoding": {"url": {"field": "u"}}}, "spec.data.values[0].u"),
    ({"mark": "point", "encoding": {"href": {"value": "javascript:alert(1)"}}}, "spec.encoding.href.value"),
    ({"mark": "point", "transform": [{"calculate": "'java' + 'script:alert(1)'", "as": "h"}],
      "encoding": {"href": {"field": "h"}}}, "spec.transform[0].calculate"),
    ({"data": {"url": "https://evil.example/d.csv"}, "mark": "point"}, "spec.data.url"),
])
def test_chart_specs_that_load_or_run_something_are_refused(spec, key):
    assert key in [p.key for p in spec_problems(spec, "spec")]


def test_chart_spec_with_data_uri_image_and_web_text_is_fine():
    spec = {"mark": "image", "encoding": {"url": {"value": "data:image/png;base64,iVBORw0KGgo="}},
            "title": "see https://example.org"}
    assert not [p for p in spec_problems(spec, "spec") if "offline" in p.message or "javascript" in p.message]


def test_line_separators_never_reach_a_chart_spec():
    spec = {"data": {"values": [{"hp": "lr\u2028rate"}]}, "encoding": {"y": {"field": "hp", "sort": ["lr\u2029rate"]}}}
    chart = Chart(id="c", spec=spec)
    assert chart.spec["data"]["values"][0]["hp"] == "lr rate"
    assert chart.spec["encoding"]["y"]["sort"] == ["lr rate"]
    plain = {"mark": "point"}
    assert Chart(id="d", spec=plain).spec is plain  # nothing to change: not copied
