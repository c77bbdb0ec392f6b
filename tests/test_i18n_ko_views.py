"""Korean builds of the views embedding, importance, parallel, trajectory, learning_curves, timeline.

Built with `using("ko")` on real runs: the title, notes, captions and the charts' titles (chart,
axis, legend, tooltip) are Korean — no English sentence from these modules is left, only names
from the data (hyperparameters, sample ids, the run's path) — particles follow the word before
them, and the same builds in English carry no Hangul.
"""

from __future__ import annotations

import functools
import re

import pytest

from bohbvis import steps
from bohbvis.i18n import using
from steps_a_helpers import HAVE_DEMO, load, opts, without_accuracy

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Three or more English words in a row: a sentence (or a phrase) the catalog did not translate.
ENGLISH_RUN = re.compile(r"(?<![\w-])[A-Za-z]+(?:[ ,;:]+[A-Za-z]+){2,}(?![\w-])")
# Sentences written by other modules' helpers, still English until those are converted.
OTHER_HELPERS = (
    re.compile(r"Showing (a random sample of|the) [\d,]+ (best )?of [\d,]+ \w+( \(fixed seed \d+\))?"
               r"( to keep the deck small| by \w+)\."),
    re.compile(r"[\d,]+ crashed evaluations? \(no loss\) (are|is) left out\."),
)

RUN = "demo" if HAVE_DEMO else "hpbandster_example_5_mnist"
CASES = [
    ("embedding", RUN, {}), ("embedding", "hpbandster_example_5_mnist", {"method": "tsne", "color": "bracket"}),
    ("embedding", RUN, {"method": "mds", "color": "sample_type", "point": "best"}),
    ("embedding", "deepcave_BOHB_run_1", {}),
    ("importance", RUN, {}), ("importance", "seed", {}),
    ("parallel", RUN, {}), ("parallel", "deepcave_BOHB_run_4", {}),
    ("trajectory", RUN, {}), ("trajectory", "seed", {}), ("trajectory", "noacc", {"x": "budget"}),
    ("learning_curves", RUN, {}), ("learning_curves", "hpbandster_example_5_mnist", {"color": "bracket"}),
    ("timeline", RUN, {}), ("timeline", "seed", {}), ("timeline", "deepcave_BOHB_run_4", {"color": "sample_type"}),
]


def _run(name: str):
    return without_accuracy(load(RUN)) if name == "noacc" else load(name)


def _spec_titles(node, out: list[str]) -> list[str]:
    """Chart, axis, legend and tooltip titles and the text of inline text marks in a Vega-Lite spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "title" and isinstance(value, str):
                out.append(value)
            elif key == "title" and isinstance(value, dict) and isinstance(value.get("text"), str):
                out.append(value["text"])
            elif key == "values" and isinstance(value, list) and value and isinstance(value[0], dict):
                out += [str(row["text"]) for row in value if "text" in row]
            else:
                _spec_titles(value, out)
    elif isinstance(node, list):
        for value in node:
            _spec_titles(value, out)
    return out


def _labels(chart) -> list[str]:
    """Text a chart's own data puts on it: text-mark labels and the rank bands of the legend."""
    out = []
    for rows in (chart.spec.get("datasets") or {}).values():
        for row in rows:
            out += [str(row[k]) for k in ("label", "rank_band") if k in row]
    return sorted(set(out))


def _sentences(slide) -> dict[str, str]:
    """Everything these views write in words, by where it lands."""
    texts = {"title": slide.title, "notes": slide.notes}
    for i, chart in enumerate(slide.charts):
        texts |= {f"chart{i}.caption": chart.caption, f"chart{i}.state": chart.state,
                  f"chart{i}.description": chart.description}
        texts |= {f"chart{i}.title{j}": t for j, t in enumerate(dict.fromkeys(_spec_titles(chart.spec, [])))}
        texts |= {f"chart{i}.label{j}": t for j, t in enumerate(_labels(chart))}
    for i, table in enumerate(slide.tables):
        texts[f"table{i}.caption"] = table.caption
        if table.follows:  # the text an empty linked table shows (an unlinked one is never empty)
            texts[f"table{i}.empty"] = table.empty_text
    for i, block in enumerate(slide.blocks):
        if type(block).__name__ == "Markdown":
            texts[f"block{i}"] = block.text
    return {k: v for k, v in texts.items() if v}


def _without_names(text: str, run) -> str:
    """The text minus what is data, not deck: hyperparameter and feature names, the run's path."""
    for pattern in OTHER_HELPERS:
        text = pattern.sub("", text)
    names = sorted({hp.name for hp in run.space} | {str(run.source)}, key=len, reverse=True)
    for name in names:
        text = text.replace(name, "")
    return text


@pytest.mark.parametrize("kind,name,values", CASES, ids=[f"{k}-{n}-{i}" for i, (k, n, _) in enumerate(CASES)])
def test_korean_build_has_no_english_left(kind, name, values):
    run = _run(name)
    with using("ko") as language:
        slide = steps.build(run, opts(kind, **values))
    mine = {m for m in language.missing if not m.startswith(("Showing ", "{n} crashed"))}
    texts = _sentences(slide)
    assert HANGUL.search(slide.title) and HANGUL.search(slide.notes), (slide.title, slide.notes)
    for key, text in texts.items():
        if key.endswith((".caption", ".description", ".empty", ".state")) or key.startswith("block"):
            assert HANGUL.search(text), (key, text)
        rest = _without_names(text, run)
        assert not ENGLISH_RUN.search(rest), (key, text)
    # Short English labels (tooltip and legend titles) would not show as a run of words: every
    # chart title is Korean, a name from the data, or a number.
    for key, text in texts.items():
        if ".title" in key:
            rest = _without_names(text, run)
            if _other_helper_title(rest):
                continue
            rest = re.sub(r"(?<![A-Za-z])(PC|t-SNE|MDS|PCA|fANOVA|log10|BO|s|min|h|days)(?![A-Za-z])", "", rest)
            rest = re.sub(r"[\d\s.,:%()·→+−#-]", "", rest)
            assert not rest or HANGUL.search(rest), (key, text)
    assert not [m for m in mine if _from_these_modules(m)], sorted(mine)


def _other_helper_title(text: str) -> bool:
    """The sample-type legend's default title (steps/_sample_types.py, converted elsewhere)."""
    from bohbvis.steps._sample_types import SAMPLE_TYPE_TITLE

    return text == SAMPLE_TYPE_TITLE


@functools.lru_cache(maxsize=1)
def _template():
    from bohbvis.i18n.extract import extract

    return extract()


def _from_these_modules(msgid: str) -> bool:
    """A message the catalog lacks is this test's business when these modules wrote it."""
    return any(loc[0].startswith(("steps/embedding", "steps/importance", "steps/parallel", "steps/trajectory",
                                  "steps/learning_curves", "steps/timeline"))
               for m in [_template().get(msgid)] if m for loc in m.locations)


@pytest.mark.parametrize("kind", ["embedding", "importance", "parallel", "trajectory", "learning_curves", "timeline"])
def test_english_build_has_no_hangul(kind):
    slide = steps.build(load(RUN), opts(kind))
    for key, text in _sentences(slide).items():
        assert not HANGUL.search(text), (key, text)


def test_particles_follow_the_word_before_them():
    run = load(RUN)
    with using("ko"):
        tsne = steps.build(load("hpbandster_example_5_mnist"), opts("embedding", method="tsne"))
        mds = steps.build(run, opts("embedding", method="mds"))
        importance = steps.build(run, opts("importance"))
        trajectory = steps.build(run, opts("trajectory"))
    # t-SNE reads 티스니, MDS 엠디에스: both end in a vowel, so 는 (never 은, never "은(는)").
    assert "t-SNE는 하이퍼파라미터가 비슷한 설정을" in tsne.notes
    assert "MDS는 하이퍼파라미터가 비슷한 설정을" in mds.notes
    # A percentage reads 퍼센트: 를, not 을.
    caption = importance.charts[0].caption
    assert re.search(r"분산의 \d+%를 설명합니다", caption), caption
    assert re.search(r"예산의 \d+%를 쓴 뒤", trajectory.charts[0].caption), trajectory.charts[0].caption
    for slide in (tsne, mds, importance, trajectory):
        for text in _sentences(slide).values():
            assert not re.search(r"\((은|는|이|가|을|를)\)", text), text


def test_tiny_run_fallback_sentence_in_korean():
    from steps_a_helpers import rebuilt

    run = load(RUN)
    tiny = rebuilt(run, run.table[run.table["config_id"].isin(run.table["config_id"].unique()[:4])])
    with using("ko"):
        slide = steps.build(tiny, opts("embedding", method="tsne"))
    assert "설정이 4개뿐입니다. t-SNE는 더 많은 설정이 필요하므로 이 지도는 PCA로 그렸습니다." in slide.charts[0].caption


def test_korean_counts_come_after_the_noun():
    run = load(RUN)
    with using("ko"):
        lc = steps.build(run, opts("learning_curves"))
        tl = steps.build(run, opts("timeline"))
    # "N of M rounds" in Korean order: 라운드 M개 중 N개.
    n = lc.numbers["learning_curves"]
    assert f"라운드 {n['n_steps']}개 중 {n['n_holds']}개" in lc.charts[0].caption
    assert tl.title.startswith(f"워커 {tl.numbers['timeline']['workers']}개, ")
