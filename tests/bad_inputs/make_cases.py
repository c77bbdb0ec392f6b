"""Write the bad-input corpus: one small folder per case, with its input files and case.json.

    python tests/bad_inputs/make_cases.py      # rewrites every case folder (review the diff)

case.json: {"class": …, "args": [CLI arguments, paths relative to the case folder], "exit": 2,
"expect": [fragments the message must contain], "setup": {…}, "limits": {…}, "deck": […]}
(see tests/test_bad_inputs.py for what each key means). Runs are cut from the shipped demo run
(brackets 1–4 of a real BOHB run), then damaged or renamed the way real tools and users do.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
DEMO = ROOT / "bohbvis" / "load" / "demo_run"
sys.path.insert(0, str(HERE.parent))

from hostile_runs import HOSTILE_NAMES, HOSTILE_VALUES, renamed_space  # noqa: E402

KEEP = {1, 2, 3, 4}  # brackets of the demo run kept in the small runs (66 evaluations)


def demo_lines(name: str) -> list[str]:
    return [line for line in (DEMO / name).read_text(encoding="utf-8").splitlines()
            if json.loads(line)[0][0] in KEEP]


def small_run(folder: Path, *, results=None, configs=None, space: str | bytes | None = "demo",
              rename: dict | None = None, values: dict | None = None) -> Path:
    """A small real run; `results`/`configs`: a function lines -> text or bytes, to damage them."""
    folder.mkdir(parents=True, exist_ok=True)
    rename, values = rename or {}, values or {}
    cfg = []
    for line in demo_lines("configs.json"):
        cid, c, info = json.loads(line)
        c = {rename.get(k, k): values.get(v, v) if isinstance(v, str) else v for k, v in c.items()}
        cfg.append(json.dumps([cid, c, info], ensure_ascii=False))
    res = demo_lines("results.json")
    for name, lines, fn in (("configs.json", cfg, configs), ("results.json", res, results)):
        data = fn(lines) if fn else "\n".join(lines) + "\n"
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if space == "demo":
        doc = renamed_space(rename, values)
        (folder / "configspace.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    elif space is not None:
        (folder / "configspace.json").write_bytes(space if isinstance(space, bytes) else space.encode("utf-8"))
    return folder


def edit_line(i: int, fn):
    """Damage results line i (0-based): fn(parsed record) -> record or raw text."""
    def apply(lines):
        out = list(lines)
        rec = fn(json.loads(out[i]))
        out[i] = rec if isinstance(rec, str) else json.dumps(rec)
        return "\n".join(out) + "\n"
    return apply


def space_edit(fn) -> str:
    doc = json.loads((DEMO / "configspace.json").read_text(encoding="utf-8"))
    fn(doc)
    return json.dumps(doc, indent=2)


CASES: dict[str, dict] = {}


def case(name: str, cls: str, args: list[str], expect: list[str], *, exit: int = 2, build=None, **extra):
    CASES[name] = {"class": cls, "args": args, "expect": expect, "exit": exit, "build": build, **extra}


BUILD = ["build", "-d", "run", "-o", "deck.html"]
SEED_HEADER = "Sample Id,Budget,Sample type,Learning rate,Optimizer,Loss,Accuracy"
SEED_ROWS = ["0-0-0,1,random,0.01,adam,0.9,0.61", "0-0-1,1,random,0.001,sgd,1.2,0.42",
             "0-0-2,1,random,0.05,adam,0.7,0.70", "0-1-0,3,samples,0.05,adam,0.5,0.80"]
TIDY_HEADER = "sample_id,config_id,bracket,round,trial,budget,sample_type,status,loss,accuracy"
TIDY_ROWS = ["0-0-0,c0,0,0,0,1,random,ok,0.9,0.6", "0-0-1,c1,0,0,1,1,random,ok,0.8,0.7",
             "0-1-0,c1,0,1,0,3,promoted,ok,0.5,0.8"]


def text_file(name: str, text: str | bytes):
    return lambda d: (d / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def kept_folder(path: Path) -> None:
    """A folder in the case (git keeps no empty folder, so it holds a .keep file)."""
    path.mkdir()
    (path / ".keep").write_text("git keeps no empty folder: this file keeps the case's folder in the clone\n")


def story_file(text: str, name: str = "story.yaml"):
    return text_file(name, text)


# --- names real tools write: each builds a correct deck ---------------------------------------------

NAME_SETS = {
    "names-autosklearn-colons": {"activation": "classifier:random_forest:max_depth",
                                 "optimizer": "preprocessor:pca:keep_variance"},
    "names-dots-and-brackets": {"learning_rate": "config_reg.alpha", "hidden_size": "layers[0].units",
                                "batch_size": "opt.params['bs']"},
    "names-spaces-quotes": {"learning_rate": "learning rate", "optimizer": "opt 'name' \"q\"",
                            "momentum": "it's \\ back"},
    "names-leading-digits-dashes": {"hidden_size": "1st-layer-units", "batch_size": "2", "weight_decay": "-wd"},
    "names-non-ascii": {"learning_rate": "학습률", "momentum": "mömentum Σ", "scheduler": "😀 sched"},
    "names-line-separators": {"learning_rate": "lr\u2028rate", "optimizer": "opt\u2029x", "activation": "act\ttab"},
    "names-html-and-script": HOSTILE_NAMES,
}
for name, mapping in NAME_SETS.items():
    case(name, "names", BUILD, ["wrote deck.html"], exit=0,
         build=lambda d, m=mapping, n=name: small_run(d / "run", rename=m,
                                                      values=HOSTILE_VALUES if "html" in n else None),
         deck=["Later rounds"], deck_absent=["<script>alert", "<img src=x", "<svg onload"])
case("names-no-configspace-colons", "names", BUILD, ["wrote deck.html"], exit=0,
     build=lambda d: small_run(d / "run", rename=NAME_SETS["names-autosklearn-colons"], space=None))
case("names-seed-csv-html-columns", "names", ["build", "-d", "seed.csv", "-o", "deck.html"], ["wrote deck.html"],
     exit=0, build=text_file("seed.csv", "\n".join(
         [SEED_HEADER + ',"config_<img src=x onerror=alert(1)>","config_a:b.c[0]"']
         + [r + f",{i},{'xy'[i % 2]}" for i, r in enumerate(SEED_ROWS)]) + "\n"),
     deck_absent=["<img src=x"])
case("names-tidy-csv-weird-columns", "names", ["build", "-d", "tidy.csv", "-o", "deck.html"], ["wrote deck.html"],
     exit=0, build=text_file("tidy.csv", "\n".join(
         [TIDY_HEADER + ',config_x.y,"config_k:v w"'] + [r + f",{i}.5,{'ab'[i % 2]}" for i, r in enumerate(TIDY_ROWS)]) + "\n"))

# --- decoding and parsing: hpbandster logs ---------------------------------------------------------

case("decoding-results-binary", "decoding", BUILD, ["results.json:1", "binary file"],
     build=lambda d: small_run(d / "run", results=lambda ls: bytes(range(256)) * 4))
case("decoding-results-latin1", "decoding", BUILD, ["results.json:2", "not UTF-8 text", "Latin-1"],
     build=lambda d: small_run(d / "run", results=lambda ls: ("\n".join(ls[:1] + [ls[1].replace("null]", '"caf\u00e9"]')] + ls[2:]) + "\n").encode("latin-1")))
case("decoding-results-utf16", "decoding", BUILD, ["results.json:1", "UTF-16"],
     build=lambda d: small_run(d / "run", results=lambda ls: ("\n".join(ls) + "\n").encode("utf-16")))
case("decoding-results-gzip", "decoding", BUILD, ["results.json:1", "compressed"],
     build=lambda d: small_run(d / "run", results=lambda ls: gzip.compress(("\n".join(ls) + "\n").encode(), mtime=0)))
case("decoding-results-damaged-line", "decoding", BUILD, ["results.json:20:41", "not a valid JSON line"],
     build=lambda d: small_run(d / "run", results=lambda ls: "\n".join(ls[:19] + [ls[19][:40]] + ls[20:]) + "\n"))
case("decoding-results-live-run-last-line", "decoding", BUILD, ["results.json: line 66 is incomplete", "wrote deck.html"],
     exit=0, build=lambda d: small_run(d / "run", results=lambda ls: "\n".join(ls[:-1] + [ls[-1][:40]])))
case("strict-live-run-last-line", "strict", [*BUILD, "--strict"], ["results.json: line 66 is incomplete", "--strict"],
     build=lambda d: small_run(d / "run", results=lambda ls: "\n".join(ls[:-1] + [ls[-1][:40]])))
case("decoding-results-object-line", "decoding", BUILD, ["results.json:3", "expected [config_id, budget"],
     build=lambda d: small_run(d / "run", results=edit_line(2, lambda r: {"config_id": r[0]})))
case("decoding-results-config-id-short", "decoding", BUILD, ["results.json:4", "config_id must be a list of three"],
     build=lambda d: small_run(d / "run", results=edit_line(3, lambda r: [r[0][:2], *r[1:]])))
case("decoding-results-budget-negative", "decoding", BUILD, ["results.json:5", "budget", "positive"],
     build=lambda d: small_run(d / "run", results=edit_line(4, lambda r: [r[0], -3, *r[2:]])))
case("decoding-results-budget-string", "decoding", BUILD, ["results.json:5", "budget", "'27'"],
     build=lambda d: small_run(d / "run", results=edit_line(4, lambda r: [r[0], "27", *r[2:]])))
case("decoding-results-loss-string", "decoding", BUILD, ["results.json:6", "result.loss", "'0.5'"],
     build=lambda d: small_run(d / "run", results=edit_line(5, lambda r: [*r[:3], {**r[3], "loss": "0.5"}, r[4]])))
case("decoding-results-loss-5000-digits", "decoding", BUILD, ["results.json:7", "5,000 digits"],
     build=lambda d: small_run(d / "run", results=edit_line(6, lambda r: json.dumps([*r[:3], {"loss": 0.5}, None]).replace("0.5", "1" * 5000))))
case("decoding-results-loss-int-too-big", "decoding", BUILD, ["results.json:8", "result.loss", "too large"],
     build=lambda d: small_run(d / "run", results=edit_line(7, lambda r: json.dumps([*r[:3], {"loss": 0.5}, None]).replace("0.5", "9" * 350))))
case("decoding-results-huge-finite-loss", "decoding", BUILD, ["wrote deck.html"], exit=0,
     build=lambda d: small_run(d / "run", results=edit_line(7, lambda r: [*r[:3], {**r[3], "loss": 1.5e308}, r[4]])))
case("decoding-results-stamps-strings", "decoding", BUILD, ["results.json:9", "time_stamps.submitted", "a number"],
     build=lambda d: small_run(d / "run", results=edit_line(8, lambda r: [r[0], r[1], {k: str(v) for k, v in r[2].items()}, *r[3:]])))
case("decoding-results-stamps-list", "decoding", BUILD, ["results.json:10", "time_stamps"],
     build=lambda d: small_run(d / "run", results=edit_line(9, lambda r: [r[0], r[1], [1, 2, 3], *r[3:]])))
case("decoding-results-no-loss-key", "decoding", BUILD, ["results.json:11", "'loss'"],
     build=lambda d: small_run(d / "run", results=edit_line(10, lambda r: [*r[:3], {"info": {}}, r[4]])))
case("decoding-results-deep-nesting", "decoding", BUILD, ["results.json:12"],
     build=lambda d: small_run(d / "run", results=edit_line(11, lambda r: "[" * 100_000 + "]" * 100_000)))
case("decoding-results-nul-bytes", "decoding", BUILD, ["results.json:31", "NUL"],
     build=lambda d: small_run(d / "run", results=lambda ls: ("\n".join(ls[:30] + ["\0" * 30] + ls[30:]) + "\n")))
case("decoding-results-too-large", "decoding", BUILD, ["results.json", "is 23 kB", "at most 15 kB", "BOHBVIS_MAX_LOG_MB"],
     build=lambda d: small_run(d / "run"), env={"BOHBVIS_MAX_LOG_MB": "0.015"})
case("decoding-results-empty", "decoding", BUILD, ["results.json", "has no evaluations"],
     build=lambda d: small_run(d / "run", results=lambda ls: ""))
case("decoding-configs-bad-json", "decoding", BUILD, ["configs.json:3", "not a valid JSON line"],
     build=lambda d: small_run(d / "run", configs=lambda ls: "\n".join(ls[:2] + ["[[1, 0, 2], {oops}]"] + ls[3:])))
case("decoding-configs-wrong-shape", "decoding", BUILD, ["configs.json:1", "expected [config_id, config, config_info]"],
     build=lambda d: small_run(d / "run", configs=lambda ls: "\n".join(['[[1, 0, 0], "lr=0.1"]'] + ls[1:])))
case("decoding-space-bounds-strings", "decoding", BUILD, ["configspace.json", "hyperparameters[3].lower", "'0.0001'"],
     build=lambda d: small_run(d / "run", space=space_edit(lambda doc: doc["hyperparameters"][3].update(lower="0.0001"))))
case("decoding-space-choices-not-list", "decoding", BUILD, ["configspace.json", "hyperparameters[0].choices", "not a list"],
     build=lambda d: small_run(d / "run", space=space_edit(lambda doc: doc["hyperparameters"][0].update(choices="relu,tanh"))))
case("decoding-space-hp-not-object", "decoding", BUILD, ["configspace.json", "hyperparameters[2]", "not an object"],
     build=lambda d: small_run(d / "run", space=space_edit(lambda doc: doc["hyperparameters"].__setitem__(2, "hidden_size"))))
case("decoding-space-not-json", "decoding", BUILD, ["configspace.json:1", "not valid JSON"],
     build=lambda d: small_run(d / "run", space="hyperparameters:\n  - lr\n"))
case("decoding-space-unknown-type", "decoding", BUILD, ["configspace.json", "hyperparameters[1]", "cannot read"],
     build=lambda d: small_run(d / "run", space=space_edit(lambda doc: doc["hyperparameters"][1].update(type="weird_int"))))
case("decoding-space-no-list", "decoding", BUILD, ["configspace.json", "'hyperparameters' list"],
     build=lambda d: small_run(d / "run", space='{"hyperparameters": {"lr": 1}}'))
case("decoding-format-hpbandster-on-csv", "decoding", ["build", "-d", "seed.csv", "--format", "hpbandster", "-o", "deck.html"],
     ["seed.csv", "--format", "a folder holding configs.json"], build=text_file("seed.csv", SEED_HEADER + "\n" + "\n".join(SEED_ROWS) + "\n"))
case("decoding-folder-of-the-wrong-kind", "decoding", ["build", "-d", "photos", "-o", "deck.html"],
     ["photos", "no results.json"], build=lambda d: ((d / "photos").mkdir(), (d / "photos" / "a.txt").write_text("x")))
case("decoding-unknown-format", "decoding", ["build", "-d", "run", "--format", "hpbandstr", "-o", "deck.html"],
     ["--format", "unknown format 'hpbandstr'", "hpbandster"], build=lambda d: small_run(d / "run"))
case("decoding-metric-not-in-info", "decoding", ["build", "-d", "run", "--metric", "val_acc", "-o", "deck.html"],
     ["--metric", "'val_acc'", "validation_accuracy"], build=lambda d: small_run(d / "run"))
case("decoding-no-such-data", "decoding", ["build", "-d", "missing_run", "-o", "deck.html"],
     ["missing_run", "no such file or folder"])

# --- the other tools' storage (Optuna, SMAC3, Ray Tune): damaged the same way -----------------------

DATA = HERE.parent / "data"


def copy_smac(d: Path, runhistory: str | None = None) -> None:
    out = d / "smac" / "0"
    out.mkdir(parents=True)
    for f in (DATA / "smac3" / "sgd-digits" / "0").glob("*.json"):
        if f.name != "runhistory.json":
            shutil.copy(f, out / f.name)
    (out / "runhistory.json").write_text(runhistory, encoding="utf-8")


case("readers-optuna-db-not-sqlite", "readers", ["build", "-d", "study.db", "-o", "deck.html"], ["study.db", "not a run"],
     build=text_file("study.db", b"SQLite format 2\0 this is not a database"))
case("readers-optuna-journal-cut", "readers", ["build", "-d", "journal.log", "-o", "deck.html"],
     ["journal.log:3", "not an Optuna journal operation"],
     build=text_file("journal.log", (DATA / "optuna" / "journal.log").read_bytes()[:500]))
case("readers-smac3-runhistory-broken", "readers", ["build", "-d", "smac", "-o", "deck.html"],
     ["runhistory.json:2:1", "not valid JSON"], build=lambda d: copy_smac(d, '{"data": [[1, 2\n'))
case("readers-format-hpbandster-on-smac3", "readers", ["build", "-d", "smac/0", "--format", "hpbandster", "-o", "deck.html"],
     ["configs.json", "missing", "looks like a smac3 run"], build=lambda d: copy_smac(d, '{"data": []}\n'))
case("readers-format-optuna-on-hpbandster", "readers", ["build", "-d", "run", "--format", "optuna", "-o", "deck.html"],
     ["run", "is a folder", "Optuna storage"], build=lambda d: small_run(d / "run"))
case("readers-format-smac3-on-csv", "readers", ["build", "-d", "t.csv", "--format", "smac3", "-o", "deck.html"],
     ["t.csv", "not a SMAC3 run folder"], build=text_file("t.csv", SEED_HEADER + "\n" + "\n".join(SEED_ROWS) + "\n"))

# --- tables (CSV, Parquet) -----------------------------------------------------------------------

case("csv-empty-file", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv", "empty"], build=text_file("t.csv", ""))
case("csv-header-only", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv", "no rows"],
     build=text_file("t.csv", SEED_HEADER + "\n"))
case("csv-seed-bad-loss", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv:4", "sample_loss", "'n/a?'"],
     build=text_file("t.csv", "\n".join([SEED_HEADER, SEED_ROWS[0], SEED_ROWS[1], SEED_ROWS[2].replace("0.7,", "n/a?,"), SEED_ROWS[3]]) + "\n"))
case("csv-seed-unknown-sample-type", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv:3", "sample_type", "'smbo'"],
     build=text_file("t.csv", "\n".join([SEED_HEADER, SEED_ROWS[0], SEED_ROWS[1].replace("random", "smbo")]) + "\n"))
case("csv-seed-bad-sample-id", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv:2", "sample_id", "'first'"],
     build=text_file("t.csv", "\n".join([SEED_HEADER, SEED_ROWS[0].replace("0-0-0", "first")]) + "\n"))
case("csv-tidy-unknown-status", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv:3", "status", "'done'"],
     build=text_file("t.csv", "\n".join([TIDY_HEADER, TIDY_ROWS[0], TIDY_ROWS[1].replace(",ok,", ",done,")]) + "\n"))
case("csv-tidy-missing-column", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv", "missing column 'budget'"],
     build=text_file("t.csv", "sample_id,config_id,bracket,status,loss\n0-0-0,c0,0,ok,0.5\n"))
case("csv-tidy-negative-budget", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv:2", "budget", "positive"],
     build=text_file("t.csv", "\n".join([TIDY_HEADER, TIDY_ROWS[0].replace(",0,0,0,1,", ",0,0,0,-1,")]) + "\n"))
case("csv-not-recognised", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv", "does not recognise"],
     build=text_file("t.csv", "a,b\n1,2\n"))
case("csv-latin1", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv:2:", "UTF-8"],
     build=text_file("t.csv", ("\n".join([SEED_HEADER, SEED_ROWS[0].replace("adam", "ad\u00e9m")]) + "\n").encode("latin-1")))
case("csv-unbalanced-quotes", "csv", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv"],
     build=text_file("t.csv", SEED_HEADER + '\n0-0-0,1,random,"0.01,adam,0.9,0.6\n' + "x" * 10 + "\n"))
case("csv-parquet-garbage", "csv", ["build", "-d", "t.parquet", "-o", "deck.html"], ["t.parquet", "Parquet"],
     build=text_file("t.parquet", b"PAR1 this is not parquet PAR1"))

# --- stories -------------------------------------------------------------------------------------

BOMB = "".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi"))
case("story-alias-bomb", "story", ["build", "story.yaml", "-o", "deck.html"], ["story.yaml", "billion laughs", "200,000"],
     build=story_file('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + BOMB + "title: x\nsteps: *i\n"))
case("story-too-large", "story", ["build", "story.yaml", "-o", "deck.html"], ["story.yaml", "at most 512,000 bytes"],
     generate={"story.yaml": {"big_story": 600_000}})
case("story-too-many-steps", "story", ["validate", "story.yaml"], ["story.yaml", "steps", "601 steps", "at most 500"],
     build=story_file("title: many\nsteps:\n" + "  - {kind: markdown, text: hi}\n" * 601))
case("story-too-deep", "story", ["validate", "story.yaml"], ["story.yaml", "deep"],
     build=story_file("title: x\nsteps: " + "[" * 3000 + "]" * 3000 + "\n"))
case("story-tab-indent", "story", ["validate", "story.yaml"], ["story.yaml:3", "YAML syntax error"],
     build=story_file("title: x\nsteps:\n\t- kind: title\n"))
case("story-unknown-kind", "story", ["validate", "story.yaml"], ["story.yaml:3", "steps[0].kind", "brackets"],
     build=story_file("title: x\nsteps:\n  - kind: braket\n"))
case("story-unknown-key", "story", ["validate", "story.yaml"], ["story.yaml:4", "steps[0]", "notes"],
     build=story_file("title: x\nsteps:\n  - kind: markdown\n    nots: hi\n    text: hi\n"))
case("story-not-utf8", "story", ["validate", "story.yaml"], ["story.yaml:1:11", "UTF-8"],
     build=story_file(b"title: caf\xe9\nsteps:\n  - kind: title\n"))
case("story-is-a-list", "story", ["validate", "story.yaml"], ["story.yaml"],
     build=story_file("- kind: title\n- kind: overview\n"))
case("story-empty", "story", ["validate", "story.yaml"], ["story.yaml"], build=story_file(""))
case("story-duplicate-key", "story", ["validate", "story.yaml"], ["story.yaml:2", "title"],
     build=story_file("title: x\ntitle: y\nsteps:\n  - kind: title\n"))
case("story-template-unknown-name", "story", ["build", "story.yaml", "-o", "deck.html"],
     ["story.yaml:4", "run.n_evals", "n_evaluations"],
     build=story_file("title: x\nsteps:\n  - kind: markdown\n    text: \"{{ run.n_evals }} evaluations\"\n"))
case("story-template-syntax", "story", ["validate", "story.yaml"], ["story.yaml:4", "{{"],
     build=story_file("title: x\nsteps:\n  - kind: markdown\n    text: \"{{ run.n_evaluations \"\n"))
case("story-data-missing", "story", ["build", "story.yaml", "-o", "deck.html"], ["story.yaml", "data", "no_such_run", "no such file or folder"],
     build=story_file("title: x\ndata: no_such_run\nsteps:\n  - kind: title\n"))
case("story-theme-missing", "story", ["build", "story.yaml", "-o", "deck.html"], ["theme", "nothere.css"],
     build=story_file("title: x\ntheme: nothere.css\nsteps:\n  - kind: title\n"))
case("story-chart-data-url", "story", ["validate", "story.yaml"], ["story.yaml", "spec.data.url", "offline"],
     build=story_file("title: x\nsteps:\n  - kind: chart\n    spec:\n      data: {url: 'https://example.org/d.csv'}\n      mark: point\n"))
case("story-chart-image-url", "story", ["validate", "story.yaml"], ["story.yaml", "spec.encoding.url.value", "http://example.org/x.png"],
     build=story_file("title: x\nsteps:\n  - kind: chart\n    spec:\n      mark: image\n      encoding:\n        url: {value: 'http://example.org/x.png'}\n"))
case("story-chart-javascript-href", "story", ["validate", "story.yaml"], ["story.yaml", "spec.encoding.href.value", "javascript:"],
     build=story_file("title: x\nsteps:\n  - kind: chart\n    spec:\n      mark: point\n      encoding:\n        href: {value: 'javascript:alert(1)'}\n"))
case("story-chart-unknown-colon-column", "story", ["build", "story.yaml", "-d", "run", "-o", "deck.html"],
     ["story.yaml:4", "steps[0].x", "no column 'classifier:max_depht'"],
     build=lambda d: (story_file("title: x\nsteps:\n  - kind: chart\n    x: 'classifier:max_depht'\n    y: loss:Q\n")(d),
                      small_run(d / "run", rename={"hidden_size": "classifier:max_depth"})))
case("story-folder-not-file", "story", ["validate", "stories"], ["stories", "is a folder"],
     build=lambda d: kept_folder(d / "stories"))

# --- outputs -------------------------------------------------------------------------------------

case("output-under-a-file", "output", ["build", "-o", "notes.txt/deck.html"], ["notes.txt is a file, not a folder"],
     build=text_file("notes.txt", "my notes\n"))
case("output-existing-folder", "output", ["build", "-o", "deck.html"], ["deck.html", "is a folder"],
     build=lambda d: kept_folder(d / "deck.html"))
case("output-fifo", "output", ["build", "-o", "deck.html"], ["deck.html", "named pipe"], setup={"fifo": "deck.html"})
case("output-symlink", "output", ["build", "-o", "deck.html"], ["deck.html", "symbolic link"],
     build=text_file("real.html", "keep"), setup={"symlink": ["deck.html", "real.html"]})
case("output-dev-full", "output", ["build", "-o", "/dev/full"], ["/dev/full", "is a device"])
case("output-build-pdf", "output", ["build", "-o", "deck.pdf"], ["deck.pdf", "bohbvis export -o deck.pdf"])
case("output-convert-folder", "output", ["convert", "demo", "-o", "run.csv"], ["run.csv", "is a folder"],
     build=lambda d: kept_folder(d / "run.csv"))
case("output-convert-bad-suffix", "output", ["convert", "demo", "-o", "run.xlsx"], ["run.xlsx", ".csv, .parquet"])
case("output-export-under-a-file", "output", ["export", "-o", "notes.txt/deck.pdf"], ["notes.txt is a file, not a folder"],
     build=text_file("notes.txt", "my notes\n"))
case("output-export-html", "output", ["export", "-o", "deck.html"], ["cannot tell which format", "bohbvis build"])

# --- runs with nothing to show -----------------------------------------------------------------------

def crashed(lines):
    out = []
    for i, line in enumerate(lines):
        r = json.loads(line)
        out.append(json.dumps([r[0], r[1], r[2], None,
                               "Traceback (most recent call last):\n  File \"worker.py\", line 41, in compute\n"
                               f"    model.fit(x)\nRuntimeError: CUDA out of memory (tried 2.0 GiB, job {i})\n"]))
    return "\n".join(out) + "\n"


def all_nan(lines):
    return "\n".join(json.dumps([*json.loads(line)[:3], {"loss": float("nan"), "info": {}}, None]) for line in lines) + "\n"


case("empty-all-crashed", "empty", BUILD, ["nothing to show", "all 66 evaluations crashed",
                                           "results.json:1: RuntimeError: CUDA out of memory (tried 2.0 GiB, job 0)", "--allow-empty"],
     build=lambda d: small_run(d / "run", results=crashed))
case("empty-all-nan", "empty", BUILD, ["nothing to show", "all 66 evaluations crashed", "NaN"],
     build=lambda d: small_run(d / "run", results=all_nan))
case("empty-all-crashed-allowed", "empty", [*BUILD, "--allow-empty"], ["wrote deck.html"], exit=0,
     build=lambda d: small_run(d / "run", results=crashed),
     deck=["Nothing to show on this slide", "CUDA out of memory"])
case("empty-one-of-two-runs", "empty", ["build", "story.yaml", "-o", "deck.html"],
     ["nothing to show", "all 66 evaluations crashed", "CUDA out of memory"],
     build=lambda d: (story_file("title: two runs\ndata: {first: demo, second: run}\nsteps:\n  - kind: title\n")(d),
                      small_run(d / "run", results=crashed)))
case("strict-two-runs", "strict", ["build", "story.yaml", "-o", "deck.html", "--strict"],
     ["deviates from Hyperband's plan", "--strict"],
     build=lambda d: (story_file("title: two runs\ndata: {first: demo, second: run}\nsteps:\n  - kind: title\n")(d),
                      small_run(d / "run")))
case("empty-seed-csv-no-losses", "empty", ["build", "-d", "t.csv", "-o", "deck.html"], ["t.csv", "nothing to show", "all 2 evaluations"],
     build=text_file("t.csv", "\n".join([SEED_HEADER, "0-0-0,1,random,0.01,adam,,", "0-0-1,1,random,0.02,sgd,,"]) + "\n"))

# --- --strict ----------------------------------------------------------------------------------------

case("strict-nan-losses", "strict", [*BUILD, "--strict"], ["results.json", "NaN or infinite loss", "--strict"],
     build=lambda d: small_run(d / "run", results=edit_line(3, lambda r: [*r[:3], {"loss": float("nan"), "info": {}}, None])))
case("strict-missing-configs", "strict", [*BUILD, "--strict"], ["configs.json", "no line", "--strict"],
     build=lambda d: small_run(d / "run", configs=lambda ls: "\n".join(ls[1:]) + "\n"))
case("strict-plan-deviation", "strict", [*BUILD, "--strict"], ["deviates from Hyperband's plan", "--strict"],
     build=lambda d: small_run(d / "run"))
case("strict-inspect", "strict", ["inspect", "run", "--strict"], ["deviates from Hyperband's plan"],
     build=lambda d: small_run(d / "run"))
case("strict-clean-demo-passes", "strict", ["build", "-o", "deck.html", "--strict"], ["wrote deck.html"], exit=0)

# --- text that would leak a path or run code ----------------------------------------------------------

case("text-relative-link", "text", ["build", "story.yaml", "-o", "deck.html"], ["wrote deck.html"], exit=0,
     build=story_file("title: x\nsteps:\n  - kind: markdown\n    text: 'See [my notes](notes/run.md) and [x](javascript:alert(1))'\n"),
     deck=["link-omitted", "notes/run.md"], deck_absent=["href=\"notes/run.md", "href=\"javascript:"])


def main() -> None:
    for old in HERE.iterdir():
        if old.is_dir() and (old / "case.json").exists():
            shutil.rmtree(old)
    for name, spec in CASES.items():
        d = HERE / name
        d.mkdir()
        build = spec.pop("build")
        if build:
            build(d)
        (d / "case.json").write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    main()
