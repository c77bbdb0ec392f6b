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
from ..i18n import tr

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
    out["budget"] = (tr("budget"), tr("How much training one evaluation gets ({unit}); this run used {ladder}.",
                                      unit=unit, ladder=ladder) if unit else
                     tr("How much training one evaluation gets; this run used {ladder}.", ladder=ladder))
    eta = fmt.budget(run.eta) if run.eta else None
    multi = next((b for b in run.brackets if len(b.rounds) > 1), None)
    if eta and multi is not None:
        first, second = multi.rounds[0], multi.rounds[1]
        out["round"] = (tr("round"), tr(
            "Configurations evaluated together on one budget; the best move on. Bracket {bracket}: {first} at "
            "{first_budget}, then {second} at {second_budget}.", bracket=str(multi.bracket), first=first.n,
            first_budget=budget_text(first.budget, unit), second=second.n, second_budget=budget_text(second.budget, unit)))
        out["eta"] = (tr("η (eta)"), tr("The halving factor: each round keeps the best 1/{eta} and gives them {eta}× "
                                       "the budget. Here η = {eta}.", eta=eta))
    out["bracket"] = (tr("bracket"), tr("One successive-halving tournament from a starting budget up to the largest; "
                                        "this run had {n}.", n=len(run.brackets)))
    if run.plan is not None and run.plan.s_max:
        out["s_max"] = ("s_max", tr("How many times the budget can grow by η from the smallest to the largest ({low} to "
                                    "{high}): {s_max}, so {kinds} kinds of bracket.", low=fmt.budget(run.min_budget),
                                    high=fmt.budget(run.max_budget), s_max=run.plan.s_max, kinds=run.plan.s_max + 1))
    types = run.table["sample_type"].value_counts()
    n_new = int(types.get("random", 0)) + int(types.get("BO", 0))
    out["random"] = (tr("random"), tr("A configuration drawn uniformly from the search space ({n} of the {total} new "
                                      "configurations here).", n=int(types.get("random", 0)), total=n_new))
    out["BO"] = (tr("BO (model-based)"), tr("A configuration proposed by BOHB's model, which compares where good and "
                                            "bad results lie so far ({n} of the {total} here).",
                                            n=int(types.get("BO", 0)), total=n_new))
    out["promoted"] = (tr("promoted"), tr("A configuration that won its round and is run again on the next budget ({n} "
                                          "such re-runs here).", n=int(types.get("promoted", 0))))
    rule = rule_for(run, best_by)
    inc = incumbent(run, rule)
    if inc is not None:
        out["incumbent"] = (tr("incumbent"), _incumbent_text(run, rule.field, inc, unit))
    out["rho"] = (tr("ρ (Spearman's rho)"), tr("How alike two rankings are, from −1 (reversed) through 0 (unrelated) "
                                              "to +1 (the same order)."))
    out["p"] = (tr("p (p value)"), tr("How often a difference this large would appear by chance alone; below 0.05 is "
                                      "usually taken as real. Each slide names its test."))
    return out


def _incumbent_text(run: Run, rule_field: str, inc: dict, unit: str | None) -> str:
    """One sentence per (what ranks, what is shown): the rule and the incumbent's own number."""
    budget = budget_text(inc["budget"], unit)
    if run.has_accuracy:
        params = dict(sample=inc["sample_id"], value=fmt.pct(inc["accuracy"]), budget=budget)
        if rule_field == "loss":
            return tr("The best configuration so far: lowest loss at the largest budget. Here {sample}, {value} "
                      "accuracy at {budget}.", **params)
        return tr("The best configuration so far: highest accuracy at the largest budget. Here {sample}, {value} "
                  "accuracy at {budget}.", **params)
    params = dict(sample=inc["sample_id"], value=fmt.num(inc["loss"]), budget=budget)
    if rule_field == "loss":
        return tr("The best configuration so far: lowest loss at the largest budget. Here {sample}, loss {value} at "
                  "{budget}.", **params)
    return tr("The best configuration so far: highest accuracy at the largest budget. Here {sample}, loss {value} at "
              "{budget}.", **params)


def build(run: Run, options: StepOptions) -> Slide:
    unit = options.get("budget_unit")
    defs = definitions(run, unit, options.get("best_by", "loss"))
    wanted = options.get("terms") or list(TERMS)
    shown = [t for t in wanted if t in defs]
    rows = "".join(f"<tr><th scope=\"row\">{esc(defs[t][0])}</th><td>{esc(defs[t][1])}</td></tr>" for t in shown)
    html = f'<table class="facts glossary"><tbody>{rows}</tbody></table>'
    return Slide(kind=KIND, title=options.title or tr("The words on these slides"), blocks=(UserText(), Html(html)),
                 notes=tr("Come back to this slide whenever a word on a later slide is unclear."),
                 numbers={KIND: {"terms": shown}})
