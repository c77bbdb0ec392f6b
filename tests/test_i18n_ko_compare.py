"""Korean decks for the runs' comparison and the advice: the `compare` and `next_experiment` slides,
the advice's reasons, warnings and budget sentences (analysis/advice*), empty slides and
`bohbvis advise --lang ko` — built with `using("ko")` on the demo, demo-next and every fixture run,
and read the way a Korean reader would: Hangul everywhere, no English sentence left, particles that
fit the number before them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bohbvis import steps
from bohbvis.analysis import advice as adv
from bohbvis.i18n import using
from bohbvis.load import demo_path, read_run
from bohbvis.options import StepOptions
from bohbvis.steps import compare as compare_step
from testdata import FIXTURE_RUNS, HPB

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Three or more Latin words in a row (identifiers are removed first): an English sentence left over.
ENGLISH = re.compile(r"(?<![\w\-.`])[A-Za-z]{2,}(?:[ ]+[A-Za-z]{2,}){2,}(?![\w\-])")
# Words Korean text keeps in Latin letters (KO_GUIDE: BOHB, Hyperband, eta …), and the file formats.
KEPT_LATIN = {"BOHB", "Hyperband", "BO", "eta", "hpbandster", "incumbent", "ConfigSpace", "JSON", "YAML",
              "configspace.json", "bohbvis", "advise", "p"}
# How each last digit is read (영 일 이 삼 사 오 육 칠 팔 구): does it end in a consonant, in ㄹ?
# (A last 0 is 십/백/천/만 …: a consonant, never ㄹ.)
BATCHIM = set("013678")
RIEUL = set("178")
PARTICLES = {("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("으로", "로")}
AFTER_NUMBER = re.compile(r"(\d%?)(은|는|이|가|을|를|과|와|으로|로)(?=[\s.,:;)(]|$)")


def runs():
    return {"first": read_run(demo_path()), "second": read_run(demo_path("demo-next"))}


def visible_texts(slide) -> list[str]:
    """Every string of a slide a reader sees: title, notes, blocks, the charts' titles and texts."""
    out = [slide.title, slide.notes]
    for b in slide.blocks:
        for key in ("text", "html", "caption", "state", "description"):
            v = getattr(b, key, None)
            if v:
                out.append(re.sub(r"<[^>]+>", " ", str(v)).replace("&amp;", "&"))
        if getattr(b, "spec", None):
            out += _spec_titles(b.spec)
        for c in getattr(b, "columns", ()) or ():
            out.append(c.label)
    return [t for t in out if t]


def _spec_titles(spec, key="") -> list[str]:
    if isinstance(spec, dict):
        return [t for k, v in spec.items() if k not in ("data", "datasets", "$schema", "config")
                for t in _spec_titles(v, k)]
    if isinstance(spec, list):
        return [t for v in spec for t in _spec_titles(v, key)]
    return [spec] if isinstance(spec, str) and key in ("title", "text") else []


def english_left(text: str, identifiers: set[str]) -> list[str]:
    for word in sorted(identifiers | KEPT_LATIN, key=len, reverse=True):
        text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", " · ", text)
    return ENGLISH.findall(text)


def wrong_particles(text: str) -> list[str]:
    """Particles after a number that do not fit how it is read ('81은', '3으로', '2는', '7로', '5%로')."""
    bad = []
    for m in AFTER_NUMBER.finditer(text):
        word, particle = m.groups()
        if word.endswith("%"):  # 퍼센트: a vowel
            consonant, rieul = False, False
        else:
            consonant, rieul = word[-1] in BATCHIM, word[-1] in RIEUL
        for with_c, without in PARTICLES:
            if particle in (with_c, without):
                if (with_c, without) == ("으로", "로"):
                    want = "으로" if consonant and not rieul else "로"
                else:
                    want = with_c if consonant else without
                if particle != want:
                    bad.append(text[max(0, m.start() - 20):m.end() + 5])
    return bad


def identifiers(*rs) -> set[str]:
    names = {"first", "second"}
    for r in rs:
        for hp in r.space:
            names.add(hp.name)
            names.update(str(c) for c in hp.choices or ())
    return names


def check_korean(texts: list[str], ids: set[str]) -> None:
    joined = "\n".join(texts)
    assert HANGUL.search(joined)
    for t in texts:
        left = english_left(t, ids)
        assert not left, f"English left in {t!r}: {left}"
        assert not wrong_particles(t), wrong_particles(t)


STRIP_BOX_TITLES = {"evaluations", "lower quartile", "median accuracy", "median loss", "upper quartile"}
SHOWS = ("changes", "best", "trajectory", "iterations", "budgets")


@pytest.mark.parametrize("show", SHOWS)
def test_every_compare_view_is_korean(show):
    rs = runs()
    with using("ko"):
        slide = compare_step.build_runs(rs, StepOptions(kind="compare", index=4, values={"show": show}))
    texts = visible_texts(slide)
    check_korean(texts, identifiers(*rs.values()))
    # Titles, captions and chart titles each speak Korean, not only the slide as a whole.
    assert HANGUL.search(slide.title), slide.title
    for b in slide.blocks:
        for key in ("caption", "state"):
            if getattr(b, key, ""):
                assert HANGUL.search(getattr(b, key)), getattr(b, key)
        if getattr(b, "spec", None):
            # The budgets view draws with the `budgets` step's strip_box, whose own tooltip titles
            # its module translates (they are English until that module's catalog lands).
            theirs = STRIP_BOX_TITLES if show == "budgets" else set()
            assert all(HANGUL.search(t) for t in _spec_titles(b.spec) if not t.isdigit() and t not in theirs), \
                _spec_titles(b.spec)


def test_the_verdict_reads_in_korean_word_order():
    rs = runs()
    with using("ko"):
        slide = compare_step.build_runs(rs, StepOptions(kind="compare", index=4, values={}))
    verdict = slide.numbers["compare"]["verdict"]
    # The run names carry no particle (they are Latin); the Korean noun after them does.
    assert verdict.startswith("second 실행은 first 실행 이후")
    # "best loss 0.0901 → 0.0817": the old value with 에서, the new one with (으)로.
    c = slide.numbers["compare"]
    first, second = f"{c['first']['best_value']:.3g}", f"{c['second']['best_value']:.3g}"
    assert f"최적 손실은 {first}에서 {second}로" in verdict
    html = "".join(b.html for b in slide.blocks if hasattr(b, "html"))
    assert "최적 손실" in html and "사용한 계산량" in html and "따름" in html
    # English is as it was.
    en = compare_step.build_runs(rs, StepOptions(kind="compare", index=4, values={}))
    assert en.numbers["compare"]["verdict"].startswith("second followed the advice computed after first")


@pytest.mark.parametrize("folder", [demo_path(), demo_path("demo-next"), *(HPB / n for n in FIXTURE_RUNS)],
                         ids=["demo", "demo-next", *FIXTURE_RUNS])
def test_the_next_experiment_slide_is_korean(folder):
    run = read_run(folder)
    with using("ko"):
        slide = steps.build(run, StepOptions(kind="next_experiment", index=3))
        a = adv.advise(run)
    texts = visible_texts(slide)
    check_korean(texts, identifiers(run))
    # Every reason, warning and the budget sentence is Korean (they are what the slide is for).
    for h in a.hyperparameters:
        assert HANGUL.search(h.reason), h.reason
    for w in a.warnings:
        name, _, rest = w.partition(": ")
        assert name in {h.name for h in a.hyperparameters} and HANGUL.search(rest), w
    assert HANGUL.search(a.budget.reason) and HANGUL.search(a.summary)
    # The legend's actions are Korean, and the data's actions use the same words.
    spec = next(b.spec for b in slide.blocks if getattr(b, "spec", None))
    domains = [e["scale"]["domain"] for e in _find(spec, "color") if isinstance(e, dict) and "scale" in e]
    assert domains and all(d == ["유지", "좁힘", "넓힘", "선택지 제외", "제거"] for d in domains)


def _find(spec, key):
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == key:
                yield v
            yield from _find(v, key)
    elif isinstance(spec, list):
        for v in spec:
            yield from _find(v, key)


def test_a_widened_bound_and_its_warning_in_korean():
    """MNIST (the space inferred from the values used): a crowded lower bound, a removed child."""
    run = read_run(HPB / "hpbandster_example_5_mnist")
    with using("ko"):
        a = adv.advise(run)
    layers = a.hp("num_conv_layers")
    assert layers.warning == ("num_conv_layers: 상위 4개 중 4개가 하한 1에서 범위의 5% 이내에 있습니다(선형 척도) — "
                              "최적값이 경계 너머에 있을 수 있습니다.")
    f3 = a.hp("num_filters_3")
    assert f3.action == "remove" and f3.reason.endswith("새 범위가 이를 제외하므로 제거합니다.")
    assert "최대 예산을 3으로 줄일 수 있습니다." in a.budget.reason  # 3 삼: 으로
    assert "설정 84개 대신 40개를 샘플링합니다." in a.budget.reason


def test_too_few_evaluations_say_so_in_korean(tmp_path):
    from test_advice import _write_run

    space = [{"type": "uniform_float", "name": "x", "lower": 0.0, "upper": 1.0, "default_value": 0.5}]
    rows = [({"x": 0.9 + 0.01 * i}, 3.0, 0.1 * i) for i in range(4)]
    run = read_run(_write_run(tmp_path / "few", rows, space))
    with using("ko"):
        a = adv.advise(run)
    assert a.too_few and a.summary.startswith("최대 예산에 도달한 설정이 4개뿐이라")
    assert "(최소 6개 필요)" in a.summary and a.hp("x").reason.endswith("판단할 수 없으므로 유지합니다.")


def test_empty_slides_say_why_in_korean(tmp_path):
    """--allow-empty on a run whose every evaluation crashed: each slide says so in Korean; the
    error without it stays English (errors are not translated)."""
    import shutil

    from bohbvis import api
    from bohbvis.errors import BohbvisError

    run = tmp_path / "run"
    shutil.copytree(Path(__file__).parent / "bad_inputs" / "empty-all-crashed-allowed" / "run", run)
    story = tmp_path / "s.yaml"
    story.write_text("title: t\nlang: ko\ndata: run\nsteps:\n  - kind: best\n  - kind: next_experiment\n"
                     "  - kind: budgets\n    title: '{{ best.loss }}'\n", encoding="utf-8")
    deck = api.make_deck(story, allow_empty=True)
    assert [s.title for s in deck.slides] == ["최적 설정", "다음 실험", "예산"]
    for s in deck.slides:
        text = s.blocks[0].text.replace("\\", "")  # the reason is markdown-escaped (it quotes a log)
        assert text.startswith("**이 슬라이드에는 보여 줄 것이 없습니다.**") and "실패(crash)한 평가 66회" in text
        assert "CUDA out of memory" in text  # the run's own error, quoted as it is
    with pytest.raises(BohbvisError) as e:
        api.make_deck(story)
    assert "nothing to show" in str(e.value) and not HANGUL.search(str(e.value))


def test_every_message_of_these_modules_has_a_korean_translation_with_the_same_placeholders():
    """Each branch's sentence (even those no shipped run reaches) is translated, keeps every
    placeholder of the English, and attaches particles the renderer knows."""
    from bohbvis.i18n import _catalog
    from bohbvis.i18n.extract import extract

    mine = ("steps/compare.py", "steps/_compare_views.py", "steps/_runs.py", "steps/next_experiment.py",
            "analysis/advice.py", "analysis/_advice_budget.py", "analysis/_advice_ranges.py",
            "analysis/_advice_types.py", "analysis/ranking.py", "analysis/compare.py", "_empty.py",
            "_advice_view.py")
    ko = _catalog.load("ko").messages
    field = re.compile(r"\{([A-Za-z_]\w*)(?:\|([^{}:|]+))?(?::[^{}]*)?\}")
    seen = 0
    for m in extract():
        if not m.id or not any(loc.replace("\\", "/").endswith(mine) for loc, _ in m.locations):
            continue
        seen += 1
        msgid = m.id if isinstance(m.id, str) else m.id[1]
        found = ko.get(m.id if isinstance(m.id, str) else m.id[0])
        assert found, f"no Korean for {msgid!r}"
        forms = (found,) if isinstance(found, str) else found
        for text in forms:
            assert {f[0] for f in field.findall(text)} == {f[0] for f in field.findall(msgid)}, (msgid, text)
            assert {p for _, p in field.findall(text) if p} <= {"은", "는", "이", "가", "을", "를", "와", "과",
                                                                   "으로", "로", "이다"}, text
            if re.search(r"[A-Za-z]{3,}", field.sub("", msgid).replace("eta", "")):
                assert HANGUL.search(text), (msgid, text)
    assert seen > 150


def test_bohbvis_advise_speaks_korean_with_lang_and_english_without():
    env_py = [sys.executable, "-m", "bohbvis", "advise", "demo"]
    ko = subprocess.run([*env_py, "--lang", "ko"], capture_output=True, text=True, env=_env())
    assert ko.returncode == 0, ko.stderr
    assert "다음 실행의 탐색 공간" in ko.stdout and "하이퍼파라미터" in ko.stdout and "경계:" in ko.stdout
    assert "Search space for the next run" not in ko.stdout
    en = subprocess.run(env_py, capture_output=True, text=True, env=_env())
    assert "Search space for the next run" in en.stdout and not HANGUL.search(en.stdout)
    bad = subprocess.run([*env_py, "--lang", "xx"], capture_output=True, text=True, env=_env())
    assert bad.returncode != 0 and "--lang 'xx'" in bad.stderr and "Traceback" not in bad.stderr


def _env():
    import os
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", ""), "COLUMNS": "200"}


def test_three_runs_with_different_spaces_compare_in_korean():
    """demo → MNIST → run 4: hyperparameters added and removed, the budgets not followed, one run
    worse than the one before — every pair's table and the verdict in Korean."""
    rs = {"demo": read_run(demo_path()), "mnist": read_run(HPB / "hpbandster_example_5_mnist"),
          "run4": read_run(HPB / "deepcave_BOHB_run_4")}
    with using("ko"):
        slide = compare_step.build_runs(rs, StepOptions(kind="compare", index=0, values={}))
    check_korean(visible_texts(slide), identifiers(*rs.values()) | set(rs))
    assert slide.title == "demo → run4: 달라진 점"
    assert slide.numbers["compare"]["verdict"].startswith(
        "mnist 실행은 demo 실행 이후의 권고를 하이퍼파라미터 8개 중 0개에서 따랐고, 예산은 따르지 않았습니다.")
    second = slide.numbers["compare"]["pairs"][1]["verdict"]
    assert "만큼 나빠졌고, 계산량은 이전의" in second
    html = "".join(b.html for b in slide.blocks if hasattr(b, "html"))
    assert html.count("<table") == 2 and "추가" in html and "제거됨" in html and "악화" in html
