"""`bohbvis init`: a starter story chosen from the run, ready to edit.

Only the steps that say something about this run: no budgets or bracket steps for a run with one
budget (there is no successive halving to show), correlations and the embedding only with two
or more hyperparameters, the sampling step only when the run has both random and model-based
picks, and text that quotes the metric the run has (accuracy, or the loss when it records none).
Every step carries a comment saying what it shows; the first line points editors at the story
schema (written next to the story) so they complete and check keys.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .grammar import kind_names

SCHEMA_FILE = "bohbvis.schema.json"


@dataclass(frozen=True)
class StarterStep:
    comment: str  # one line above the step: what the slide shows and how to change it
    lines: tuple[str, ...]  # the step's YAML, first line "- kind: …"


def starter_story(run, *, data: str | Path = "demo", story_path: str | Path | None = None,
                  metric: str | None = None) -> str:
    """The story's YAML text for `run`. `data` is how the user named the run; it is written
    relative to `story_path` (the file the story will be saved as), so the story finds it."""
    multi_budget = len(run.budgets) >= 2
    n_hp = len(run.space)
    origins = set(run.table["sample_type"].dropna().astype(str))
    acc = run.has_accuracy
    m = "accuracy" if acc else "loss"
    best_value = "{{ best.accuracy | pct }}" if acc else "{{ best.loss | num }}"
    steps = [
        StarterStep("The title slide: the deck's title, subtitle and author, and one line of facts about the run.",
                    ("- kind: title",)),
        StarterStep("What was optimized: the budgets, eta, the brackets and the hyperparameter space.",
                    ("- kind: overview",
                     "notes: |",
                     "  {{ run.n_evaluations }} evaluations of {{ run.n_configs }} configurations; "
                     "{{ run.n_crashed }} crashed and are left out of every metric view.")),
    ]
    if multi_budget:
        steps += [
            StarterStep("How BOHB worked on this run: brackets × rounds beside Hyperband's plan "
                        "(`brackets: all` draws every bracket).",
                        ("- kind: principle",
                         "notes: |",
                         "  Each row is one successive-halving run: the best 1/{{ run.eta }} moves on to a larger budget.")),
            StarterStep(f"View A: the {m} per round, one line per bracket; click a line to list its evaluations.",
                        ("- kind: brackets",
                         "agg: mean                 # or max: the best per round",
                         "text: \"Best {{ brackets.metric }} at the largest budget: bracket {{ brackets.best_bracket }}.\"")),
        ]
    steps.append(StarterStep(
        "View B: loss against accuracy of every evaluation; brush dots to see where they came from."
        if acc else "View B: the loss of every evaluation against its budget (the run records no accuracy).",
        ("- kind: loss_accuracy",)))
    if {"random", "BO"} <= origins:
        steps.append(StarterStep("Did the model (BO) pick better configurations than random sampling?",
                                 ("- kind: sampling",
                                  "notes: |",
                                  "  {{ sampling.verdict }}")))
    steps.append(StarterStep(f"The best configurations by {m} at the largest budget, the incumbent on the space's ranges.",
                             ("- kind: best",
                              "k: 5",
                              f"text: \"The incumbent reached {best_value} at budget {{{{ best.budget | budget }}}}.\"")))
    if n_hp >= 2:
        steps += [
            StarterStep("View C: a 2-D map of the configurations (method: pca, tsne or mds); brush to list them.",
                        ("- kind: embedding",
                         "method: pca",)),
            StarterStep(f"View D: how each hyperparameter goes with the {m} (Spearman's ρ; η for choices).",
                        ("- kind: correlations",
                         "notes: |",
                         "  {{ correlations.strongest }} goes most with {{ correlations.metric }}.")),
        ]
    if multi_budget:
        steps.append(StarterStep("Do low budgets rank configurations like high ones? (the next run's budgets)",
                                 ("- kind: budgets",
                                  "notes: |",
                                  "  {{ budgets.verdict }}")))
    if "next_experiment" in kind_names():
        steps.append(StarterStep("What to change in the next run: the advised space and budgets, each change with "
                                 "its reason (`bohbvis advise` writes them as ConfigSpace JSON).",
                                 ("- kind: next_experiment",)))
    steps.append(StarterStep("Every evaluation in a sortable table that follows the selections made on earlier slides.",
                             ("- kind: table",)))
    return _yaml(run, steps, data=data, story_path=story_path, metric=metric)


def _yaml(run, steps: list[StarterStep], *, data, story_path, metric) -> str:
    name = _run_name(run, data)
    budgets = "one budget" if len(run.budgets) == 1 else f"{len(run.budgets)} budgets"
    measure = "accuracy" if run.has_accuracy else "loss (the run records no accuracy)"
    out = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        f"# A starter story for {name}: {run.n_evaluations} evaluations, {budgets}, "
        f"{len(run.space)} hyperparameter{'s' if len(run.space) != 1 else ''}, shown by {measure}.",
        "# Edit the text, reorder or delete steps; `bohbvis watch` shows every change as you save.",
        "# Text quotes numbers computed from the run: {{ run.n_evaluations }}, {{ best.loss | num }},",
        "# {{ <kind>.<name> }} — `bohbvis schema --markdown` lists every kind, option and number.",
        f"title: {_quote('What BOHB found in ' + name)}",
        "subtitle: A BOHB run, explained with its own numbers",
        f"data: {_quote(_data_text(data, story_path))}",
    ]
    if metric:
        out.append(f"metric: {_quote(metric)}             # the key in hpbandster's info holding the accuracy")
    out += ["theme: light              # or dark, or a .css file (docs/themes.md)", "steps:"]
    for step in steps:
        out.append(f"  # {step.comment}")
        first, *rest = step.lines
        out.append(f"  {first}")
        out += [f"    {line}" for line in rest]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def schema_text() -> str:
    """The JSON Schema the first line names (written next to the story: it is derived, so
    `bohbvis init` rewrites it, and `bohbvis schema > bohbvis.schema.json` gives the same)."""
    import json

    from .schema import json_schema

    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _run_name(run, data) -> str:
    if str(data) == "demo":
        return "the demo run"
    p = Path(str(data))
    return p.stem if p.suffix else p.name or str(data)


def _data_text(data, story_path) -> str:
    if str(data) == "demo":
        return "demo"
    p = Path(str(data)).resolve()
    base = Path(story_path).resolve().parent if story_path else Path.cwd()
    try:
        rel = Path(os.path.relpath(p, base)).as_posix()
    except ValueError:  # another drive on Windows
        return p.as_posix()
    # Next to the story or a folder or two up: relative (the pair can move together); else absolute.
    return rel if not rel.startswith("../../../") else p.as_posix()


def _quote(text: str) -> str:
    """A YAML scalar for any text: plain when safe, double-quoted (JSON escapes) otherwise."""
    import json
    import re

    if re.fullmatch(r"[A-Za-z0-9_./ -]+", text) and not text[0] in "-. " and text.strip() == text \
            and text.lower() not in ("true", "false", "null", "yes", "no", "on", "off", "~"):
        return text
    return json.dumps(text, ensure_ascii=False)
