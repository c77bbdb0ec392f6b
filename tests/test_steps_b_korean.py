"""Korean slides of budgets, sampling, correlations, loss_accuracy, table and chart (issue 15).

Each kind is built with `using("ko")` on a run with accuracy and on a loss-only run with crashed
evaluations: every sentence it writes (title, takeaway, notes, captions, state, description) is
Korean, every chart title, axis, legend and tooltip title is Korean or an identifier, no run of
English words is left, the particles fit the numbers they follow, and every message these
modules ask for is in the Korean catalog.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import pytest

from bohbvis.i18n import using
from bohbvis.steps import budgets, chart, correlations, loss_accuracy, sampling, table
from bohbvis.steps._base import Chart, Html, Markdown, Table
from bohbvis.steps._metric import ACCURACY, LOSS, metric_for
from bohbvis.steps._rows import base_columns, crashed_note
from bohbvis.steps._sample_types import sample_type_color

from steps_a_helpers import load, opts

MODULES = {m.KIND: m for m in (budgets, sampling, correlations, loss_accuracy, table, chart)}
FILES = {f"steps/{m.__name__.rsplit('.', 1)[-1]}.py" for m in MODULES.values()}
RUNS = ("hpbandster_example_5_mnist", "deepcave_BOHB_run_4")  # accuracy; loss only, 4 crashed
CASES = [
    ("budgets", {}), ("budgets", {"points": False}),
    ("sampling", {}), ("sampling", {"budget_unit": "epochs", "best_by": "accuracy"}),
    ("correlations", {"per_budget": True, "pairs": True}), ("correlations", {"method": "pearson"}),
    ("loss_accuracy", {}), ("loss_accuracy", {"color": "bracket"}),
    ("table", {}), ("table", {"sort": "budget", "follows": "none"}),
    ("chart", {"x": "budget:O", "y": "mean(loss):Q"}), ("chart", {"x": "loss:Q", "y": "budget:Q", "brush": True}),
    ("chart", {"x": "budget:O", "y": "count()"}),
]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Three English words in a row (hyperparameter names hold underscores, so they are one word).
ENGLISH_RUN = re.compile(r"(?<![\w-])[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}){2,}(?![\w-])")
# Names kept in Latin letters in Korean text too (the guide's list, the statistical tests).
LATIN = {"Spearman ρ", "Pearson r", "n", "Cramér's V", "Cramér V"}


def _spec_titles(node, out: list[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("datasets", "data"):
                continue
            if k == "title":
                if isinstance(v, str):
                    out.append(v)
                elif isinstance(v, dict) and isinstance(v.get("text"), str):
                    out.append(v["text"])
            _spec_titles(v, out)
    elif isinstance(node, list):
        for v in node:
            _spec_titles(v, out)


def _texts(slide) -> tuple[list[str], list[str]]:
    """(sentences, labels): what the slide says, and its chart/table titles and headers."""
    sentences, labels = [slide.title, slide.notes], []
    for b in slide.blocks:
        if isinstance(b, Markdown):
            sentences.append(b.text)
        elif isinstance(b, Html):
            sentences.append(html.unescape(re.sub(r"<[^>]+>", "", b.html)))
        elif isinstance(b, Chart):
            sentences += [b.caption, b.state, b.description]
            _spec_titles(b.spec, labels)
        elif isinstance(b, Table):
            sentences += [b.caption, b.empty_text]
            labels += [c.label for c in b.columns]
    return [s for s in sentences if s], [s for s in labels if s]


@lru_cache(maxsize=None)
def _run(name):
    return load(name)


@lru_cache(maxsize=1)
def _my_message_ids() -> frozenset[str]:
    """The message ids these modules ask for (Babel's extraction, as the catalog is made)."""
    from bohbvis.i18n.extract import extract

    return frozenset(m.id if isinstance(m.id, str) else m.id[0] for m in extract()
                     if m.id and any(loc in FILES for loc, _ in m.locations))


def _foreign(run) -> set[str]:
    """Labels and sentences other modules write onto these slides (steps/_rows.py, _sample_types.py):
    converted there, not here, so this test neither needs nor checks them."""
    labels = {c.label for c in base_columns(run, metric_for(run))} | {c.label for c in base_columns(run)}
    labels.add(sample_type_color().to_dict()["title"])
    return labels | {hp.name for hp in run.space} | {crashed_note(run)} - {""}


@pytest.mark.parametrize("name", RUNS)
@pytest.mark.parametrize("kind,values", CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CASES)])
def test_korean_slide_has_no_english_left(name, kind, values):
    run = _run(name)
    if kind == "sampling" and values.get("best_by") == "accuracy" and not run.has_accuracy:
        pytest.skip("a loss-only run cannot rank by accuracy")
    with using("ko") as language:
        slide = MODULES[kind].build(run, opts(kind, **values))
        foreign = _foreign(run)
    assert not language.missing & _my_message_ids(), "messages missing from the Korean catalog"
    sentences, labels = _texts(slide)
    assert HANGUL.search(slide.title), slide.title
    for text in sentences:
        rest = text
        for f in sorted(foreign, key=len, reverse=True):
            rest = rest.replace(f, " ")
        if rest.strip():
            assert HANGUL.search(rest), f"no Hangul in {text!r}"
        assert not ENGLISH_RUN.search(rest), f"English left in {text!r}: {ENGLISH_RUN.search(rest).group(0)!r}"
    for label in labels:
        if label in foreign or label in LATIN or re.fullmatch(r"[\d.,\s–-]*", label):
            continue
        rest = label
        for f in sorted(foreign, key=len, reverse=True):
            rest = rest.replace(f, " ")
        assert HANGUL.search(rest) or not re.search(r"[A-Za-z]{3,}", rest), f"English label {label!r}"


def test_english_build_has_no_hangul():
    run = _run("hpbandster_example_5_mnist")
    for kind, values in CASES:
        sentences, labels = _texts(MODULES[kind].build(run, opts(kind, **values)))
        assert not any(HANGUL.search(s) for s in sentences + labels), kind


def _pair(**kw):
    base = {"low": 27.0, "high": 81.0, "n": 10, "rho": 0.93, "same_winner": True, "winner_rank": 1,
            "median_low": 0.951, "median_high": 0.960, "spread_high": 0.02}
    return {**base, **kw}


def test_budget_verdicts_read_as_korean_with_the_particles_of_their_numbers():
    with using("ko"):
        text = budgets.verdict(_pair(), [_pair()], ACCURACY, 4)
        assert text.startswith("예산 27과 81에서 모두 실행된 설정 10개는 두 예산에서 순위가 거의 같습니다 (Spearman ρ = +0.93). "
                               "최대 예산을 27로 정했어도 같은 1위 설정을 골랐을 가능성이 큽니다.")
        assert "81에서 96.0%로 거의 같습니다" in text
        nine = _pair(low=9.0, rho=0.1, same_winner=False, winner_rank=4, median_low=0.8)
        text = budgets.verdict(nine, [nine], ACCURACY, 4)
        assert "예산 9와 81에서" in text and "최대 예산을 9로 정했다면" in text
        assert "더 큰 예산이 중요합니다" in text and "81에서 10개 중 4위입니다" in text
        assert "예산 81 쪽이 더 좋습니다" in text
        three = _pair(low=3.0, rho=0.6)
        assert "최대 예산을 3으로 정했다면 순위가 어느 정도 달라졌을 것입니다" in budgets.takeaway(three, [three], ACCURACY, 4)
        small = _pair(n=4, rho=0.1)
        assert "(설정이 4개뿐이라" in budgets.verdict(small, [small], ACCURACY, 4)
        assert "설정 수가 적어 참고용입니다." in budgets.takeaway(small, [small], ACCURACY, 4)
        loss = budgets.verdict(_pair(median_low=0.5, median_high=0.6), [], LOSS, 4)
        assert "손실 중앙값은 예산 27에서 0.5, 81에서 0.6으로 예산 81 쪽이 더 나쁩니다" in loss
        assert budgets.verdict(None, [], ACCURACY, 1) == "모든 평가가 같은 예산을 사용해 비교할 더 낮은 예산이 없습니다."


def test_slide_titles_count_and_attach_particles_in_korean():
    mnist, loss_only = _run("hpbandster_example_5_mnist"), _run("deepcave_BOHB_run_4")
    with using("ko"):
        b = budgets.build(mnist, opts("budgets"))
        low = b.numbers["budgets"]["low_budget"]
        assert b.title == f"예산 {low}{'으로' if low == 3 else '로'}도 충분했을까?"
        s = sampling.build(mnist, opts("sampling"))
        n = s.numbers["sampling"]
        assert s.title == f"모델이 도움이 됐을까? 상위 {n['top_k']}개 중 {n['n_bo_top']}개가 BO 제안"
        c = correlations.build(mnist, opts("correlations"))
        assert c.title == f"정확도와 가장 관련이 큰 하이퍼파라미터: {c.numbers['correlations']['strongest']}"
        c = correlations.build(loss_only, opts("correlations"))
        assert c.title.startswith("손실과 가장 관련이 큰 하이퍼파라미터: ")
        t = table.build(loss_only, opts("table"))
        assert t.title == "데이터: 평가 1,768회 (좋은 순)"
        assert "실패한 평가 4회는 손실이 없습니다 (–로 표시)." in t.blocks[1].caption
        la = loss_accuracy.build(loss_only, opts("loss_accuracy"))
        assert la.title.startswith("손실 기준 상위 10%: ")
