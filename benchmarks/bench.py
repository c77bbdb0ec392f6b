"""bohbvis's speed, in one run: whole processes, medians after a warm-up, a table and a JSON file.

    python benchmarks/bench.py            # everything (10⁶ evaluations included: ~20-30 min on 2 cores)
    python benchmarks/bench.py --quick    # a smoke run (< 2 min): 3 repeats, one warm-up in all,
                                          # export of advisor only, 575 and 10⁴ evaluations once, PCA only,
                                          # each chart's cold vl-convert process once
    python benchmarks/bench.py --sizes 575 10000 100000 --repeat 5 --json bench.json

What is measured (each a fresh `python` process unless said otherwise; median of --repeat runs
after one warm-up run, so a cold disk or an unwritten Vega bundle cache never counts):

- the import floor of each story: `python -c "import altair, pandas, vl_convert"` plus exactly the
  heavy libraries that story's build imports (scipy.stats for its statistics, sklearn when it embeds
  or fits a surrogate — found by building it once and looking at sys.modules), the least its build
  can take;
- `bohbvis build` and `bohbvis export -o deck.pdf` of both shipped stories on the demo run;
- vl-convert's own `vegalite_to_pdf` of the same charts, summed, two ways: cold (each chart in its
  own fresh `python -c` process that imports vl_convert and converts it: what the issue's baseline,
  3.7 s for 7 charts, measured; the export target is checked against this) and warm (all in one
  process after a warm-up: the conversions alone, shown for honesty); and the deck's size against
  the Vega bundle and its data;
- synthetic runs with real Hyperband structure (benchmarks/synth.py: the demo run's brackets
  replayed with new ids, cut at exactly N results) at 575, 10⁴, 10⁵, 10⁶ evaluations: build time,
  peak RSS, deck size and time per step kind (advisor story; built in one process, through the
  Python API, so every step kind can be timed: the CLI's second process is not used there), and
  each embedding method;
- a rebuild after a text-only edit through the Python API in a warm process (the view cache).

Big sizes repeat less (10⁵: 3 runs, 10⁶: 1 run; stated in the table). Timings depend on the
machine and on what else runs on it: compare ratios from one run, never numbers across machines.
Not a test: nothing here fails the suite; the exit code is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]  # this checkout's bohbvis, not an installed one
from synth import write_big_run  # noqa: E402

SIZES = (575, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (575, 10_000)
STORIES = ("advisor", "newcomer")
EMBEDDINGS = ("pca", "tsne", "mds")
FLOOR = "import altair, pandas, vl_convert"
# Libraries a step imports only when a story needs it: a story's floor adds the ones its build imports.
HEAVY = ("scipy.stats", "sklearn")


# One chart's PDF in a fresh process (the spec's file as argv[1]): vl-convert's own cost, cold.
COLD_PDF = ("import sys, vl_convert as vlc; "
            "vlc.vegalite_to_pdf(open(sys.argv[1], encoding='utf-8').read(), allowed_base_urls=[])")


def floor_command(needs: list[str]) -> str:
    return FLOOR + "".join(f", {m}" for m in needs)


# --- running things ---------------------------------------------------------------------------


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    # 10⁶ evaluations are a 370 MB results.json, over the reader's default size limit (200 MB).
    e.setdefault("BOHBVIS_MAX_LOG_MB", "2000")
    return e


WARMUP = True  # --quick: only the first measurement warms up (it writes the Vega bundle cache)


def timed(cmd: list[str], repeat: int, warmup: bool | None = None) -> dict:
    """Wall time of a whole process: median (and all runs) of `repeat`, after one warm-up."""
    if WARMUP if warmup is None else warmup:
        subprocess.run(cmd, check=True, capture_output=True, env=env(), cwd=ROOT)
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env(), cwd=ROOT)
        runs.append(time.perf_counter() - t)
    return {"median": statistics.median(runs), "runs": runs}


def child(args: list[str]) -> dict:
    """Run this script's --child mode in a fresh process; its JSON answer."""
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args], check=True,
                         capture_output=True, text=True, env=env(), cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def child_or_error(args: list[str]) -> dict:
    try:
        return child(args)
    except subprocess.CalledProcessError as e:  # a failure is a result too: reported, not fatal
        return {"error": (e.stderr or "").strip().splitlines()[-1:] or ["failed"]}


def children(args: list[str], repeat: int, warmup: bool) -> dict:
    """`child` `repeat` times (after a warm-up): medians of the wall time, the last answer's details."""
    try:
        if warmup:
            child(args)
    except subprocess.CalledProcessError as e:
        return {"error": (e.stderr or "").strip().splitlines()[-1:] or ["failed"]}
    answers = []
    for _ in range(repeat):
        t = time.perf_counter()
        answer = child_or_error(args)
        if "error" in answer:
            return answer
        answer["wall"] = time.perf_counter() - t
        answers.append(answer)
    last = answers[-1]
    last["wall_runs"] = [a["wall"] for a in answers]
    last["wall"] = statistics.median(last["wall_runs"])
    last["rss_mb"] = max(a["rss_mb"] for a in answers)
    return last


# --- what a child process does (in-process measurements) -------------------------------------------


def child_main(argv: list[str]) -> None:
    import resource

    mode, rest = argv[0], argv[1:]
    if mode == "needs":  # needs STORY: which HEAVY libraries building the story on the demo imports
        from bohbvis import api
        from bohbvis.render.html import render_html

        render_html(api.make_deck(rest[0]))
        print(json.dumps({"needs": [m for m in HEAVY if m in sys.modules]}))
        return
    if mode == "build":  # build STORY DATA OUT: the CLI's work, with time per step kind
        story, data, out = rest
        from bohbvis import api, steps

        per_kind: dict[str, float] = {}
        real = steps.build

        def build(run, options):
            t = time.perf_counter()
            try:
                return real(run, options)
            finally:
                per_kind[options.kind] = per_kind.get(options.kind, 0.0) + time.perf_counter() - t

        steps.build = build
        if story.startswith("{"):
            story = json.loads(story)
        api.write_html(api.make_deck(story, data=None if data == "-" else data), out)
        answer = {"per_kind": per_kind, "bytes": Path(out).stat().st_size}
    elif mode == "vlconvert":  # vlconvert STORY REPEAT COLD_REPEAT: vl-convert's own PDF time for the deck's charts
        story, repeat, cold_repeat = rest[0], int(rest[1]), int(rest[2])
        import vl_convert as vlc

        from bohbvis import api
        from bohbvis.export import charts, fonts
        from bohbvis.render.theme import load_theme

        deck = api.make_deck(story)
        theme = load_theme(deck.theme, deck.theme_base)
        every = [c for s in deck.slides for c in s.charts]
        family = fonts.chart_family(charts.spec_text(every), fonts.font_set(),
                                    fonts.css_families(theme.vega_config.get("font")))
        specs = [json.dumps(charts.export_spec(c.spec, theme.vega_config, family)) for c in every]

        def once() -> float:
            t = time.perf_counter()
            for spec in specs:
                vlc.vegalite_to_pdf(spec, allowed_base_urls=[])
            return time.perf_counter() - t

        once()  # warm-up: vl-convert starts its JavaScript runtime on first use
        runs = [once() for _ in range(repeat)]
        answer = {"median": statistics.median(runs), "runs": runs, "n_charts": len(specs)}
        # Cold: each chart in a fresh process that imports vl_convert and converts it once — what
        # one chart costs on its own (interpreter, import, JavaScript runtime start, conversion),
        # the way the baseline (3.7 s for 7 charts) was measured. Median per chart, summed.
        with tempfile.TemporaryDirectory() as tmp:
            per_chart = []
            for i, spec in enumerate(specs):
                path = Path(tmp) / f"chart-{i}.json"
                path.write_text(spec, encoding="utf-8")
                cmd = [sys.executable, "-c", COLD_PDF, str(path)]
                per_chart.append(timed(cmd, cold_repeat, warmup=i == 0)["median"])
        answer["cold"] = {"sum": sum(per_chart), "per_chart": per_chart, "repeat": cold_repeat}
    elif mode == "rebuild":  # rebuild STORY REPEAT: a text-only edit, rebuilt in a warm process
        story, repeat = rest[0], int(rest[1])
        from ruamel.yaml import YAML

        from bohbvis import api
        from bohbvis.story import load_story

        path = load_story(story).path
        doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        if doc.get("data", "demo") != "demo":
            doc["data"] = str((path.parent / doc["data"]).resolve())
        run = api.load(doc.get("data", "demo"))
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "deck.html"
            api.write_html(api.make_deck(doc, data=run), out)  # the first build fills the cache
            runs = []
            for i in range(repeat):
                doc["steps"][-1]["text"] = f"Edited {i}: {{{{ run.n_evaluations }}}} evaluations."
                doc["steps"][0]["notes"] = f"New notes {i}."
                t = time.perf_counter()
                api.write_html(api.make_deck(doc, data=run), out)
                runs.append(time.perf_counter() - t)
        answer = {"median": statistics.median(runs), "runs": runs}
    else:
        raise SystemExit(f"unknown child mode {mode}")
    answer["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(answer))


# --- the benchmark ------------------------------------------------------------------------------


def deck_parts(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="bohbvis-data">(.*?)</script>', html, re.S).group(1)
    from bohbvis.render._bundle import vega_bundle

    return {"deck": len(html.encode()), "bundle": len(vega_bundle().encode()), "data": len(data.encode())}


def synth_run(root: Path, n: int) -> Path:
    folder = root / f"run-{n}"
    if not (folder / "results.json").exists():
        from bohbvis.load import demo_path

        write_big_run(demo_path(), folder, n)
        cut_results(folder, n)
    return folder


def cut_results(folder: Path, n: int) -> None:
    """Exactly n results: the run stopped in the middle of its last bracket, as real runs do."""
    path = folder / "results.json"
    with path.open() as fh:
        lines = [line for _, line in zip(range(n), fh)]
    path.write_text("".join(lines))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="demo + 575 and 10⁴ evaluations, 3 repeats (< 2 min)")
    ap.add_argument("--sizes", type=int, nargs="+", default=None, help="synthetic run sizes (evaluations)")
    ap.add_argument("--repeat", type=int, default=None, help="runs per measurement (default 5, --quick 3)")
    ap.add_argument("--runs-dir", type=Path, default=None, help="keep the synthetic runs here (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "bench.json", help="where to write the results")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_main(args.child)
        return 0
    repeat = args.repeat or (3 if args.quick else 5)
    sizes = tuple(args.sizes or (QUICK_SIZES if args.quick else SIZES))
    py = sys.executable
    res: dict = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                             "load_before": os.getloadavg()[0]},
                 "repeat": repeat, "quick": args.quick}
    started = time.perf_counter()

    # The Vega bundle cache is written by the warm-up run of the first build below.
    global WARMUP
    needs = {story: child(["needs", story])["needs"] for story in STORIES}
    res["floor"] = {story: timed([py, "-c", floor_command(needs[story])], repeat, warmup=True) | {
        "command": floor_command(needs[story])} for story in STORIES}
    res["floor"]["base"] = timed([py, "-c", FLOOR], repeat) | {"command": FLOOR}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        res["demo"] = {}
        for story in STORIES:
            out_html, out_pdf = tmp / f"{story}.html", tmp / f"{story}.pdf"
            r = {"build": timed([py, "-m", "bohbvis", "build", story, "-o", str(out_html)], repeat,
                                warmup=True if story == STORIES[0] else None)}
            WARMUP = not args.quick  # the bundle cache is written now
            r["size"] = deck_parts(out_html)
            if not args.quick or story == "advisor":
                r["export"] = timed([py, "-m", "bohbvis", "export", story, "-o", str(out_pdf)], repeat)
                # (--quick: each chart's cold process once, after one warm-up for the first chart)
                r["vl_convert_pdf"] = child(["vlconvert", story, str(repeat), str(1 if args.quick else repeat)])
            res["demo"][story] = r
        res["rebuild"] = child(["rebuild", "advisor", str(max(repeat, 5))])

        runs_root = args.runs_dir or tmp / "runs"
        res["synthetic"] = {}
        for n in sizes:
            folder = synth_run(runs_root, n)
            reps = 1 if args.quick else repeat if n <= 10_000 else (3 if n <= 100_000 else 1)
            out = tmp / f"synth-{n}.html"
            r = children(["build", "advisor", str(folder), str(out)], reps, warmup=WARMUP and n <= 10_000)
            r["repeat"] = reps
            r["embedding"] = {}
            for method in EMBEDDINGS if not args.quick else ("pca",) if n <= 575 else ():
                story = json.dumps({"title": "map", "data": "demo", "steps": [{"kind": "embedding", "method": method}]})
                e = children(["build", story, str(folder), str(tmp / "emb.html")], 1, warmup=False)
                r["embedding"][method] = e if "error" in e else {
                    "wall": e["wall"], "step": e["per_kind"].get("embedding"), "rss_mb": e["rss_mb"]}
            res["synthetic"][str(n)] = r
            args.json.write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")  # partial results survive
            print(f"  … {n:,} evaluations done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    res["seconds"] = time.perf_counter() - started
    res["machine"]["load_after"] = os.getloadavg()[0]
    res["targets"] = targets(res)
    args.json.write_text(json.dumps(res, indent=1, sort_keys=True) + "\n")
    print(report(res))
    print(f"\n(JSON: {args.json}; {res['seconds']:.0f} s in all)")
    return 0 if all(t["met"] for t in res["targets"] if t["met"] is not None) else 1


def targets(res: dict) -> list[dict]:
    floor = res["floor"]["advisor"]["median"]
    adv = res["demo"]["advisor"]
    out = []

    def add(what, value, limit, unit="×", note=""):
        out.append({"target": what, "value": value, "limit": limit, "unit": unit, "note": note,
                    "met": None if value is None else value <= limit})

    add("build (advisor, demo) / import floor", adv["build"]["median"] / floor, 1.5)
    new = res["demo"].get("newcomer")
    if new:
        add("build (newcomer, demo) / its import floor", new["build"]["median"] / res["floor"]["newcomer"]["median"], 1.5)
    if "export" in adv:
        vlc = adv["vl_convert_pdf"]
        add("export PDF (advisor, demo) / vl-convert's own PDFs, each chart cold (fresh process)",
            adv["export"]["median"] / vlc["cold"]["sum"], 3.0)
        out.append({"target": "export PDF (advisor, demo) / vl-convert's own PDFs, warm (one process; shown, "
                              "not the target)", "value": adv["export"]["median"] / vlc["median"], "limit": None,
                    "unit": "×", "note": "", "met": None})
    s = adv["size"]
    add("deck / (bundle + its data) (advisor, demo)", s["deck"] / (s["bundle"] + s["data"]), 1.25)
    add("deck size (advisor, demo)", s["deck"] / 1e6, 1.4, " MB")
    add("rebuild after a text-only edit (warm, cache hit)", res["rebuild"]["median"], 0.3, " s")
    syn = res["synthetic"]
    if "100000" in syn and "error" not in syn["100000"]:
        big = syn["100000"]
        add("10⁵ build / demo build", big["wall"] / adv["build"]["median"], 10.0)
        add("10⁵ deck size", big["bytes"] / 1e6, 5.0, " MB")
        add("10⁵ peak RSS", big["rss_mb"] / 1e3, 1.5, " GB")
        tsne = big["embedding"].get("tsne")
        if tsne and tsne.get("step"):
            add("10⁵ t-SNE step", tsne["step"], 60.0, " s")
    if "1000000" in syn and "error" not in syn["1000000"]:
        add("10⁶ deck size", syn["1000000"]["bytes"] / 1e6, 5.0, " MB",
            note=f"build {syn['1000000']['wall']:.0f} s, peak RSS {syn['1000000']['rss_mb'] / 1e3:.2f} GB")
    return out


def report(res: dict) -> str:
    m = res["machine"]
    lines = [f"machine: {m['cpus']} cores, {m['platform']}, Python {m['python']}, load {m['load_before']:.1f} → {m['load_after']:.1f}",
             f"medians of {res['repeat']} runs after a warm-up (big synthetic runs: fewer, see 'runs')", "",
             "| what | time | |", "|---|---|---|"]
    f = res["floor"]
    for name in (*STORIES, "base"):
        lines.append(f"| import floor ({name}) `{f[name]['command']}` | {f[name]['median']:.2f} s | |")
    for story, r in res["demo"].items():
        s = r["size"]
        lines.append(f"| `bohbvis build {story}` (demo) | {r['build']['median']:.2f} s | deck {s['deck'] / 1e6:.2f} MB "
                     f"(bundle {s['bundle'] / 1e6:.2f} MB + data {s['data'] / 1e6:.2f} MB) |")
        if "export" in r:
            v = r["vl_convert_pdf"]
            lines.append(f"| `bohbvis export {story} -o deck.pdf` (demo) | {r['export']['median']:.2f} s | "
                         f"vl-convert's own PDFs of its {v['n_charts']} charts: {v['cold']['sum']:.2f} s cold "
                         f"(one fresh process per chart, summed), {v['median']:.2f} s warm (one process) |")
    lines.append(f"| rebuild after a text-only edit (API, warm) | {res['rebuild']['median']:.3f} s | |")
    lines += ["", "| evaluations | build | runs | peak RSS | deck | slowest steps | embedding step: pca / tsne / mds |",
              "|---|---|---|---|---|---|---|"]
    for n, r in sorted(res["synthetic"].items(), key=lambda kv: int(kv[0])):
        if "error" in r:
            lines.append(f"| {int(n):,} | failed: {' '.join(r['error'])} | | | | | |")
            continue
        slow = sorted(r["per_kind"].items(), key=lambda kv: -kv[1])[:3]
        emb = " / ".join(f"{r['embedding'][k]['step']:.1f} s" if r["embedding"].get(k, {}).get("step") else "–"
                         for k in EMBEDDINGS)
        lines.append(f"| {int(n):,} | {r['wall']:.1f} s | {r['repeat']} | {r['rss_mb']:.0f} MB | {r['bytes'] / 1e6:.2f} MB | "
                     + ", ".join(f"{k} {v:.1f} s" for k, v in slow) + f" | {emb} |")
    lines += ["", "| target | measured | limit | |", "|---|---|---|---|"]
    for t in res["targets"]:
        if t["limit"] is None:  # shown for honesty, no target of its own
            lines.append(f"| {t['target']} | {t['value']:.2f}{t['unit']} | – | |")
            continue
        lines.append(f"| {t['target']} | {t['value']:.2f}{t['unit']} | ≤ {t['limit']:g}{t['unit']} | "
                     f"{'met' if t['met'] else 'NOT met'}{(' — ' + t['note']) if t['note'] else ''} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
