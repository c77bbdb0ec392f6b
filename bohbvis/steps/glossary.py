"""Step kind `glossary`: the words a BOHB deck uses, each defined with this run's own numbers.

For a newcomer (Sangwoo) the other slides say "η", "incumbent", "ρ" and "p" in passing; this slide
defines them once, where the story puts it. Every example is computed from the run (η, the budget
ladder, s_max, the incumbent, the first bracket's rounds), never typed in. Terms that make no sense
for the run (η for a single-budget table) are left out and the slide says nothing about them.

Numbers (`{{ glossary.<name> }}`): terms (the keys shown, in order).
"""

from __future__ import annotations

from ..analysis.ranking import incumbent, rule_for
from ..model import format as fmt
from ..model.run import Run
from ..options import Choice, ListOf, StepOptions
from ._base import Html, Slide, UserText
from ._html import esc
from ._units import best_by_option, budget_text, budget_unit_option

TERMS = ("budget", "round", "eta", "bracket", "s_max", "random", "BO", "promoted", "incumbent", "rho", "p")

KIND = "glossary"
DESCRIPTION = "The words the deck uses (budget, round, η, bracket, s_max, BO, incumbent, ρ, p), defined with the run's numbers."
OPTIONS = {
    "terms": ListOf(doc="Which terms to define, in this order (default: all of them).",
                    item=Choice(choices=TERMS), default=None),
    "budget_unit": budget_unit_option(),
    "best_by": best_by_option(),
}


def definitions(run: Run, unit: str | None, best_by: str) -> dict[str, tuple[str, str]]:
    """term -> (the word as written, its definition with the run's numbers)."""
    out: dict[str, tuple[str, str]] = {}
    ladder = " → ".join(fmt.budget(b) for b in run.budgets)
    out["budget"] = ("budget", f"How much training one evaluation gets{f' ({unit})' if unit else ''}; "
                               f"this run used {ladder}.")
    eta = fmt.budget(run.eta) if run.eta else None
    multi = next((b for b in run.brackets if len(b.rounds) > 1), None)
    if eta and multi is not None:
        first, second = multi.rounds[0], multi.rounds[1]
        out["round"] = ("round", f"Configurations evaluated together on one budget; the best move on. Bracket "
                                 f"{multi.bracket}: {first.n} at {budget_text(first.budget, unit)}, then "
                                 f"{second.n} at {budget_text(second.budget, unit)}.")
        out["eta"] = ("η (eta)", f"The halving factor: each round keeps the best 1/{eta} and gives them {eta}× "
                                 f"the budget. Here η = {eta}.")
    out["bracket"] = ("bracket", f"One successive-halving tournament from a starting budget up to the largest; "
                                 f"this run had {len(run.brackets):,}.")
    if run.plan is not None and run.plan.s_max:
        out["s_max"] = ("s_max", f"How many times the budget can grow by η from the smallest to the largest "
                                 f"({fmt.budget(run.min_budget)} to {fmt.budget(run.max_budget)}): {run.plan.s_max}, "
                                 f"so {run.plan.s_max + 1} kinds of bracket.")
    types = run.table["sample_type"].value_counts()
    n_new = int(types.get("random", 0)) + int(types.get("BO", 0))
    out["random"] = ("random", f"A configuration drawn uniformly from the search space ({int(types.get('random', 0)):,} "
                               f"of the {n_new:,} new configurations here).")
    out["BO"] = ("BO (model-based)", "A configuration proposed by BOHB's model, which compares where good and bad "
                                     f"results lie so far ({int(types.get('BO', 0)):,} of the {n_new:,} here).")
    out["promoted"] = ("promoted", f"A configuration that won its round and is run again on the next budget "
                                   f"({int(types.get('promoted', 0)):,} such re-runs here).")
    rule = rule_for(run, best_by)
    inc = incumbent(run, rule)
    if inc is not None:
        what = "lowest loss" if rule.field == "loss" else f"highest {rule.field}"
        shown = fmt.pct(inc["accuracy"]) + " accuracy" if run.has_accuracy else "loss " + fmt.num(inc["loss"])
        out["incumbent"] = ("incumbent", f"The best configuration so far: {what} at the largest budget. Here "
                                         f"{inc['sample_id']}, {shown} at {budget_text(inc['budget'], unit)}.")
    out["rho"] = ("ρ (Spearman's rho)", "How alike two rankings are, from −1 (reversed) through 0 (unrelated) "
                                        "to +1 (the same order).")
    out["p"] = ("p (p value)", "How often a difference this large would appear by chance alone; below 0.05 is "
                               "usually taken as real. Each slide names its test.")
    return out


def build(run: Run, options: StepOptions) -> Slide:
    unit = options.get("budget_unit")
    defs = definitions(run, unit, options.get("best_by", "loss"))
    wanted = options.get("terms") or list(TERMS)
    shown = [t for t in wanted if t in defs]
    rows = "".join(f"<tr><th scope=\"row\">{esc(defs[t][0])}</th><td>{esc(defs[t][1])}</td></tr>" for t in shown)
    html = f'<table class="facts glossary"><tbody>{rows}</tbody></table>'
    return Slide(kind=KIND, title=options.title or "The words on these slides", blocks=(UserText(), Html(html)),
                 notes="Come back to this slide whenever a word on a later slide is unclear.",
                 numbers={KIND: {"terms": shown}})
