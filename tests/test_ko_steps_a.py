"""Korean slides of the step kinds principle, brackets, overview, title and glossary, and the
sentences a reader writes about the run (deviations, recovery notes, conditions): every string
these modules put on a slide is Korean, particles follow the word before them, English is unchanged."""

from __future__ import annotations

import copy
import json
import pickle
import re

import pytest

import bohbvis.i18n as i18n
from bohbvis import steps
from bohbvis.i18n.lazy import LazyText, localized
from bohbvis.load import read_run
from bohbvis.model.summary import summary
from bohbvis.steps import glossary, overview, principle, title
from bohbvis.steps._base import Chart, Html, Markdown, Table
from bohbvis.steps._rows import base_columns, crashed_note
from bohbvis.steps._metric import metric_for
from bohbvis.steps._sample_types import SAMPLE_TYPE_TITLE

from steps_a_helpers import RUN_NAMES, load, opts
from testdata import HPB

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Three lowercase English words in a row: a sentence the catalog did not translate.
ENGLISH_RUN = re.compile(r"\b[a-z]{2,}(?:[ ,'’]+[a-z]{2,}){2,}\b")
KINDS = ("principle", "brackets", "overview", "title", "glossary")
DATA = HPB.parent


def _other_runs():
    """The other tools' fixture runs, whose readers recover brackets and write recovery notes."""
    from bohbvis.load.options import ReaderOptions

    return {
        "ray": lambda: read_run(DATA / "ray" / "sgd-digits"),
        "smac3": lambda: read_run(DATA / "smac3" / "sgd-digits"),
        "optuna": lambda: read_run(DATA / "optuna" / "study.db", options=ReaderOptions(study="sgd-digits")),
    }


def _spec_strings(spec, out: list[str]) -> None:
    """Every title (chart, axis, legend, tooltip), binding name/label and text mark label in a spec."""
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k in ("title", "name") and isinstance(v, str) and not re.fullmatch(r"[a-z_]+|view_\w+|s\d+-.*", v):
                out.append(v)
            elif k == "title" and isinstance(v, dict) and isinstance(v.get("text"), str):
                out.append(v["text"])
            elif k == "labels" and isinstance(v, list):
                out += [str(x) for x in v]
            if k != "datasets":
                _spec_strings(v, out)
    elif isinstance(spec, list):
        for x in spec:
            _spec_strings(x, out)


def _texts(slide) -> dict[str, list[str]]:
    """What a slide shows, by where: title, text (HTML/markdown), chart words, data labels, notes."""
    out: dict[str, list[str]] = {"title": [slide.title] if slide.title else [], "text": [], "chart": [],
                                 "labels": [], "notes": [slide.notes] if slide.notes else []}
    for b in slide.blocks:
        if isinstance(b, Html):
            out["text"].append(re.sub(r"<[^>]+>", " ", b.html).replace("&#x27;", "'").replace("&quot;", '"'))
        elif isinstance(b, Markdown):
            out["text"].append(b.text)
        elif isinstance(b, Chart):
            out["chart"] += [x for x in (b.caption, b.state, b.description) if x]
            _spec_strings(dict(b.spec), out["chart"])
            for rows in (b.spec.get("datasets") or {}).values():
                for col in ("bracket", "bracket_label", "text", "starts", "label"):
                    out["labels"] += sorted({str(r[col]) for r in rows if col in r})
        elif isinstance(b, Table):
            out["chart"] += [c.label for c in b.columns] + [x for x in (b.caption, b.empty_text) if x]
    return out


def _foreign(run) -> list[str]:
    """Strings on these slides that other modules write (steps/_rows, _sample_types, _sampling,
    converted by their own owners): left out of this file's English check, never of its Hangul check."""
    metric = metric_for(run)
    return sorted({crashed_note(run), SAMPLE_TYPE_TITLE, *(c.label for c in base_columns(run, metric))}
                  - {""}, key=len, reverse=True)


def _data_words(run) -> list[str]:
    """The run's own words (hyperparameter names and choices, file and format names): data, not text."""
    words = [run.format, str(run.metric or ""), str(run.source)]
    for hp in run.space:
        words.append(hp.name)
        words += [str(c) for c in hp.choices or ()]
    return sorted({w for w in words if w}, key=len, reverse=True)


def _english_left(text: str, run) -> list[str]:
    for w in _foreign(run) + _data_words(run):
        text = text.replace(w, " ")
    text = re.sub(r"[`'\"“”]\S+?[`'\"“”]", " ", text)  # quoted names ('loss', “accuracy”)
    return ENGLISH_RUN.findall(text)


def _build(kind, run, **values):
    with i18n.using("ko"):
        return steps.build(run, opts(kind, **values))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", RUN_NAMES)
def test_korean_slides_have_hangul_and_no_english_sentence(kind, name):
    run = load(name)
    slide = _build(kind, run)
    texts = _texts(slide)
    for where in ("title", "notes", "text"):
        for t in texts[where]:
            assert HANGUL.search(t), (kind, where, t)
    for t in texts["chart"] + texts["labels"]:
        if re.search(r"[A-Za-z]{3,}", t) and t not in _foreign(run):
            assert HANGUL.search(t) or not _english_left(t, run), (kind, t)
    for where, items in texts.items():
        for t in items:
            assert not _english_left(t, run), (kind, where, t, _english_left(t, run))


@pytest.mark.parametrize("reader", sorted(_other_runs()))
def test_overview_of_other_tools_runs_says_recovery_and_deviations_in_korean(reader):
    run = _other_runs()[reader]()
    slide = _build("overview", run)
    texts = _texts(slide)
    html = " ".join(texts["text"])
    assert not run.recovery.all_recorded
    assert "저장되지 않아 복원한 정보" in html
    assert "복원한 정보(도구가 저장하지 않음)" in slide.notes
    for where, items in texts.items():
        for t in items:
            assert not _english_left(t, run), (reader, where, _english_left(t, run))
    # The Run still says it in English wherever it is data: inspect, --strict, JSON.
    s = summary(run)
    assert all(not HANGUL.search(v) for v in s["recovery"].values())
    assert all(not HANGUL.search(d) for d in s["deviations"])
    json.dumps(s)


def test_deviations_are_english_in_the_run_and_korean_on_the_slide_with_the_right_particles():
    run = read_run(HPB / "deepcave_BOHB_run_4")  # loaded outside any language: the build decides
    assert "Bracket 12 is truncated: it ran 2 of its 3 rounds (budgets 9, 27, 81)." in run.deviations
    notes = _build("overview", run).notes
    # 10 십 → 은, 11 십일 → 은, 12 십이 → 는, 13 십삼 → 은; -1 일 → 은
    assert "브래킷 10은 중간에 끊겼습니다. 라운드 5개(예산 1, 3, 9, 27, 81) 중 4개만 돌았습니다." in notes
    assert "브래킷 12는 중간에 끊겼습니다." in notes and "브래킷 13은 중간에 끊겼습니다." in notes
    assert "브래킷 -1은 웜 스타트입니다." in notes
    assert "브래킷 15, 라운드 0(예산 1): 평가 2회로, Hyperband 계획 81회보다 적습니다(중간에 끊김)." in notes
    with i18n.using("ko"):
        loaded_in_korean = read_run(HPB / "deepcave_BOHB_run_4")
    assert list(loaded_in_korean.deviations) == list(run.deviations)  # English whatever the language at load


def test_conditions_are_written_in_the_decks_language():
    run = read_run(HPB / "deepcave_BOHB_run_4")
    cond = next(hp.condition for hp in run.space if hp.condition)
    assert cond == "when lr_scheduler is CosineWithRestarts"
    with i18n.using("ko"):
        assert localized(cond) == "lr_scheduler 값이 CosineWithRestarts일 때"
    html = _texts(_build("overview", run))["text"][0]
    assert "lr_scheduler 값이 CosineWithRestarts일 때" in html


def test_lazy_texts_keep_their_message_through_pickle_deepcopy_and_json():
    from bohbvis.i18n.lazy import tr_lazy

    t = tr_lazy("Bracket {bracket} starts at budget {budget}, which no planned bracket starts at.",
                bracket="3", budget="9")
    assert t == "Bracket 3 starts at budget 9, which no planned bracket starts at."
    for copied in (pickle.loads(pickle.dumps(t)), copy.deepcopy(t)):
        assert isinstance(copied, LazyText) and copied == t
        with i18n.using("ko"):
            assert copied.localized() == "브래킷 3은 예산 9에서 시작하는데, 계획된 브래킷 중 이 예산에서 시작하는 것은 없습니다."
    assert json.loads(json.dumps({"d": t})) == {"d": str(t)}
    assert localized("plain text") == "plain text" and localized(None) is None


def test_brackets_takeaways_particles_follow_the_numbers():
    run = load("demo") if "demo" in RUN_NAMES else load(RUN_NAMES[0])
    slide = _build("brackets", run)
    text = _texts(slide)["text"][0]
    n = slide.numbers["brackets"]
    metric = metric_for(run)
    with i18n.using("ko"):
        last = metric.fmt(n["last_round_mean"])
    assert f"라운드 평균 {'정확도는' if run.has_accuracy else '손실은'} " in text
    # "96.7%로" (퍼센트), "0.43으로" (삼): the particle is chosen from how the number is read
    assert re.search(re.escape(last) + ("으로" if last[-1] in "0136789" and not last.endswith("%") else "로"), text)
    loss = _build("brackets", run, metric="loss", agg="max")
    assert any(t.startswith("라운드별 최소 손실을 보여 줍니다.") for t in _texts(loss)["chart"])


def test_principle_teaching_fragments_are_korean_one_per_round():
    run = load(RUN_NAMES[0])
    with i18n.using("ko"):
        slide = steps.build(run, opts("principle", fragments=True, budget_unit="에폭"))
    md = next(b for b in slide.blocks if isinstance(b, Markdown))
    items = [line for line in md.text.splitlines() if line.startswith("- ")]
    feat = slide.numbers["principle"]["featured"]
    assert md.fragments and len(items) == len(feat)
    assert items[0].startswith(f"- **{feat[0]['budget']} 에폭:** 브래킷 ")
    assert all(HANGUL.search(i) for i in items)
    assert items[-1].endswith("최대 예산으로 올라갑니다.")
    # The chart's fragment parameter is still there for the deck to step through.
    assert principle.FRAGMENT_PARAM in json.dumps(next(b for b in slide.blocks if isinstance(b, Chart)).spec)


# KO_GUIDE.md's glossary: the glossary slide and every other slide use these words.
GLOSSARY = {"budget": "예산", "round": "라운드", "bracket": "브래킷", "random": "무작위", "BO": "BO (BO 모델 제안)",
            "promoted": "승격", "incumbent": "최적 설정 (incumbent)"}


def test_glossary_terms_are_the_catalogs_glossary():
    run = load(RUN_NAMES[0])
    with i18n.using("ko"):
        defs = glossary.definitions(run, None, "loss")
    for term, word in GLOSSARY.items():
        assert defs[term][0] == word, term
    assert "Successive Halving (연속 절반 감소)" in defs["bracket"][1]
    assert all(HANGUL.search(text) for _, text in defs.values())


def test_title_fact_line_in_korean():
    run = load(RUN_NAMES[0])
    with i18n.using("ko"):
        facts = title.fact_line(run)
    parts = facts.split(" · ")
    assert parts[0] == "BOHB 실행" and parts[1] == f"평가 {run.n_evaluations:,}회"
    assert parts[2] == f"브래킷 {len(run.brackets)}개"
    if run.n_crashed:
        assert parts[-1] == f"실패 {run.n_crashed}회"


def test_english_is_what_it_was():
    run = load(RUN_NAMES[0])
    o = overview.build(run, opts("overview"))
    assert o.title == f"The run: {run.n_evaluations:,} evaluations, {len(run.space)} hyperparameters"
    assert not HANGUL.search(o.notes + "".join(b.html for b in o.blocks if isinstance(b, Html)))
    p = principle.build(run, opts("principle"))
    assert p.title == f"How BOHB spent its budget: {len(run.brackets)} brackets"
    assert title.fact_line(run).startswith(f"BOHB run · {run.n_evaluations:,} evaluations · ")


def test_many_brackets_grouped_and_thinned_in_korean():
    from types import SimpleNamespace

    import pandas as pd

    from bohbvis.steps import brackets

    many = SimpleNamespace(brackets=[SimpleNamespace(bracket=i) for i in range(100)])
    with i18n.using("ko"):
        groups = principle.bracket_groups(many)
        rounds = pd.DataFrame({"bracket": range(100), "round": 0, "mean": 0.5})
        _, note = brackets.drawn_brackets(rounds, 7)
    assert groups[0] == "브래킷 0–2" and groups[99] == "브래킷 99–99"
    assert note.startswith("선: 전체 브래킷 100개 중 실행 전체에서 고르게 뽑은 40개 (최적 브래킷 포함).")
