"""The story text template: {{ name.attr | filter }} only, unknown names are errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bohbvis.story.template import TemplateError, fields, line_col, parse, render

CTX = {
    "run": {"n_evaluations": 1768, "budgets": [1.0, 3.0, 9.0, 27.0, 81.0], "eta": 3, "plan": None,
            "brackets": [{"bracket": 0}], "source": "runs/x"},
    "best": {"accuracy": np.float64(0.97123), "loss": 0.0291, "config": {"optimizer": "adam", "momentum": None}},
    "sampling": {"share_bo": 0.625},
}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{{ run.n_evaluations }} evaluations", "1,768 evaluations"),
        ("{{run.n_evaluations|int}}", "1,768"),
        ("best {{ best.accuracy | pct }}", "best 97.1%"),
        ("best {{ best.accuracy | pct(2) }}", "best 97.12%"),
        ("{{ best.loss }} / {{ best.loss | num(2) }}", "0.0291 / 0.029"),
        ("budgets {{ run.budgets | budget }}", "budgets 1, 3, 9, 27, 81"),
        ("first {{ run.budgets.0 | budget }}, bracket {{ run.brackets.0.bracket }}", "first 1, bracket 0"),
        ("{{ best.config.optimizer }} / {{ best.config.momentum }}", "adam / –"),
        ("{{ sampling.share_bo | pct(0) }} BO", "62% BO"),
        ("eta = {{ run.eta }}", "eta = 3"),
        ("no fields: { } }} {x}", "no fields: { } }} {x}"),
        ("literal \\{{ run.eta }}", "literal {{ run.eta }}"),
        ("multi\nline {{ run.eta }}\n", "multi\nline 3\n"),
    ],
)
def test_render(text, expected):
    assert render(text, CTX) == expected


@pytest.mark.parametrize(
    "text, offset, words, allowed, hint",
    [
        ("x {{ run.n_evals }}", 2, "unknown name 'n_evals' in 'run'", "n_evaluations", "Did you mean 'n_evaluations'?"),
        ("{{ rnu.eta }}", 0, "unknown name 'rnu'", "run, best, sampling", "Did you mean 'run'?"),
        ("{{ run.plan.s_max }}", 0, "'run.plan' is empty for this run", None, None),
        ("{{ run.budgets.9 }}", 0, "has only 5 items", "an index from 0 to 4", None),
        ("{{ run.budgets.first }}", 0, "is a list", None, None),
        ("{{ run }}", 0, "group of values", "run.n_evaluations", None),
        ("{{ run.brackets }}", 0, "list of groups", None,
         "Quote one item and one of its names, e.g. run.brackets.0.<name>."),
        ("{{ run.source | pct }}", 0, "needs a number", None, None),
    ],
)
def test_render_errors(text, offset, words, allowed, hint):
    with pytest.raises(TemplateError) as info:
        render(text, CTX)
    e = info.value
    assert e.offset == offset and words in e.message
    if allowed:
        assert allowed in e.allowed
    assert e.hint == hint


def test_missing_root_explains_itself():
    with pytest.raises(TemplateError) as info:
        render("ok {{ best.accuracy | pct }}", {"run": {}, "best": None}, {"best": "the run has no best."})
    assert info.value.message == "{{ best.accuracy | pct }}: the run has no best." and info.value.offset == 3


@pytest.mark.parametrize(
    "text, offset, words",
    [
        ("a {{ run.eta", 2, "never closed"),
        ("{{ run.eta | pc }}", 0, "unknown filter 'pc'"),
        ("{{ run.eta | int(2) }}", 0, "takes no argument"),
        ("{{ 1 + 1 }}", 0, "cannot read"),
        ("{{ run.eta | pct | num }}", 0, "cannot read"),
        ("{{ run['eta'] }}", 0, "cannot read"),
        ("{{ __import__('os') }}", 0, "cannot read"),
        ("ok\n  {{ run.\neta }}", 5, "cannot read"),
    ],
)
def test_syntax_errors(text, offset, words):
    with pytest.raises(TemplateError) as info:
        parse(text)
    assert info.value.offset == offset and words in info.value.message


def test_fields_and_positions():
    text = "a\nbb {{ run.eta }} {{ best.loss | num(2) }}"
    f1, f2 = fields(text)
    assert (f1.path, f1.filter, f1.digits) == (("run", "eta"), None, None)
    assert (f2.path, f2.filter, f2.digits) == (("best", "loss"), "num", 2)
    assert line_col(text, f1.start) == (1, 3) and line_col(text, f2.start) == (1, 17)
    assert text[f1.start:f1.end] == "{{ run.eta }}"


def test_nan_and_inf_render_as_missing_or_text():
    assert render("{{ x.a }}|{{ x.a | pct }}", {"x": {"a": math.nan}}) == "–|–"
