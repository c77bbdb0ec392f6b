"""How BOHB worked on this run: a bracket × round diagram beside Hyperband's plan.

Left view: one row per bracket, one column per rung of the budget ladder; each round is a bar
whose length is the number of configurations evaluated, split by where they came from (random /
BO / promoted from the round below), labelled with n (and Hyperband's planned n when it
differs); dashed arrows carry the survivors to the next round. Right view: for every bracket,
the share of its new configurations drawn at random vs proposed by BO's model (the "BO" in BOHB).

Numbers (`principle.<name>`): eta, s_max, n_brackets, n_cycles (complete Hyperband cycles),
shown (list of bracket ids drawn in detail), featured_bracket, featured (list of rounds:
{round, budget, n, n_random, n_bo, n_promoted, n_advanced, planned_n}), plan (list of
{s, n: [...], r: [...], total_budget}), n_new, n_new_random, n_new_bo, bo_share_new (0..1),
first_bo_bracket (first bracket with a BO proposal, or None), first_bracket,
bo_share_last_cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..errors import BohbvisError
from ..model import format as fmt
from ..model.run import BracketSummary, Run
from ..options import Choice, Int, ListOf, OneOf, StepOptions
from ._base import Chart, Html, Markdown, Slide, UserText
from ._spec import opacity_condition, vega_lite
from ._rows import number
from ._sample_types import SAMPLE_TYPE_ORDER, sample_type_color
from ._html import esc
from ._units import budget_text, budget_unit_option
from ..i18n import tr, trn

if TYPE_CHECKING:  # altair is imported when a chart is drawn: loading a story stays light
    import altair as alt

KIND = "principle"
DESCRIPTION = "How BOHB worked on this run: brackets × rounds (budgets, n, random/BO/promoted) beside Hyperband's plan."
OPTIONS = {
    "budget_unit": budget_unit_option(),
    "brackets": OneOf(
        doc="Which brackets to draw in detail: all; cycle (the last complete Hyperband cycle, "
        "s_max + 1 brackets, the rest summarized); or a list of bracket ids.",
        default="cycle",
        alternatives=(Choice(choices=("all", "cycle")), ListOf(item=Int())),
    ),
}

DETAIL_WIDTH = 640
SHARE_WIDTH = 250
BAR_SPAN = 0.7  # share of a ladder column the longest bar fills


# --- which brackets ---------------------------------------------------------------------------


def cycles(run: Run) -> list[list[BracketSummary]]:
    """Hyperband cycles: brackets 0..s_max, s_max+1..2*s_max+1, … (warm starts, id < 0, excluded)."""
    if run.plan is None:
        return [[b for b in run.brackets]]
    size = run.plan.s_max + 1
    by_cycle: dict[int, list[BracketSummary]] = {}
    for b in run.brackets:
        if b.bracket >= 0:
            by_cycle.setdefault(b.bracket // size, []).append(b)
    return [by_cycle[c] for c in sorted(by_cycle)]


def _complete(cycle: list[BracketSummary], size: int) -> bool:
    return len(cycle) == size and all(
        b.planned is not None and len(b.rounds) == len(b.planned.n) for b in cycle
    )


def chosen_brackets(run: Run, choice) -> list[BracketSummary]:
    if choice == "all":
        return list(run.brackets)
    if isinstance(choice, list):
        by_id = {b.bracket: b for b in run.brackets}
        missing = [i for i in choice if i not in by_id]
        if missing:
            raise BohbvisError(
                f"the run has no bracket {', '.join(str(i) for i in missing)}.",
                key="brackets",
                allowed="all, cycle, or a list of: " + ", ".join(str(i) for i in sorted(by_id)),
            )
        return [by_id[i] for i in sorted(set(choice))]
    all_cycles = cycles(run)
    size = run.plan.s_max + 1 if run.plan else len(run.brackets)
    # The last complete cycle: by then BO's model proposes configurations, which the first
    # cycle (all random while the model has too few observations) cannot show.
    complete = [c for c in all_cycles if _complete(c, size)]
    if complete:
        return complete[-1]
    return all_cycles[0] if all_cycles and all_cycles[0] else list(run.brackets)


# --- data -------------------------------------------------------------------------------------


def _length(n: int, max_n: int) -> float:
    """Bar length in ladder units. The square root keeps a round of 1 visible next to a round
    of 81 (the label gives the exact n); segments inside a bar stay proportional to their counts."""
    return BAR_SPAN * (n / max_n) ** 0.5 if max_n else 0.0


def _max_n(shown: list[BracketSummary]) -> int:
    return max((r.n for b in shown for r in b.rounds), default=1) or 1


def _cells(run: Run, shown: list[BracketSummary]) -> pd.DataFrame:
    """One row per (bracket, round, sample type) with the bar segment's extent in ladder units;
    each round's bar is centred on its rung of the ladder."""
    slot = {b: i for i, b in enumerate(run.budgets)}
    max_n = _max_n(shown)
    rows = []
    for b in shown:
        for r in b.rounds:
            length = _length(r.n, max_n)
            start = slot[r.budget] - length / 2
            parts = dict(zip(SAMPLE_TYPE_ORDER, (r.n_random, r.n_bo, r.n_promoted)))
            planned = r.planned_n
            label = str(r.n) if planned is None or planned == r.n else tr("{n} (plan {planned})", n=r.n, planned=planned)
            x = start
            for stype in SAMPLE_TYPE_ORDER:
                k = parts[stype]
                if not k:
                    continue
                rows.append(
                    {
                        "bracket": bracket_label(b.bracket),
                        "round": r.round,
                        "budget": fmt.budget(r.budget),
                        "sample_type": stype,
                        "count": k,
                        "n": r.n,
                        "planned": planned,
                        "advanced": r.n_advanced,
                        "crashed": r.n_crashed,
                        "x": round(x, 6),
                        "x2": round(x + length * k / r.n, 6),
                        "label": label,
                        "label_x": slot[r.budget],
                        "slot": slot[r.budget],
                    }
                )
                x += length * k / r.n
    return pd.DataFrame(rows)


def _arrows(run: Run, shown: list[BracketSummary]) -> pd.DataFrame:
    slot = {b: i for i, b in enumerate(run.budgets)}
    max_n = _max_n(shown)
    rows = []
    for b in shown:
        for r, nxt in zip(b.rounds, b.rounds[1:]):
            rows.append(
                {
                    "bracket": bracket_label(b.bracket),
                    "x": round(slot[r.budget] + _length(r.n, max_n) / 2 + 0.03, 6),
                    "x2": round(slot[nxt.budget] - _length(nxt.n, max_n) / 2 - 0.03, 6),
                    "advanced": r.n_advanced,
                    "text": tr("best {k} of {n}", k=r.n_advanced, n=r.n),
                    "slot": slot[nxt.budget],
                    "from_budget": fmt.budget(r.budget),
                    "to_budget": fmt.budget(nxt.budget),
                }
            )
    return pd.DataFrame(rows, columns=["bracket", "x", "x2", "advanced", "text", "slot", "from_budget", "to_budget"])


# Above this many brackets the share chart shows groups of consecutive brackets instead: a run
# with thousands of brackets must not put thousands of bars (and rows of data) in the deck.
MAX_SHARE_ROWS = 40


def bracket_label(bracket: int) -> str:
    """A bracket's row label: 'bracket 3' ('브래킷 3'); the id as written in the logs, no grouping."""
    return tr("bracket {bracket}", bracket=str(bracket))


def bracket_groups(run: Run) -> dict[int, str]:
    """Bracket id -> its row label in the share chart ("bracket 3", or "brackets 0–24")."""
    ids = [b.bracket for b in run.brackets]
    if len(ids) <= MAX_SHARE_ROWS:
        return {b: bracket_label(b) for b in ids}
    size = -(-len(ids) // MAX_SHARE_ROWS)
    out = {}
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        label = tr("brackets {first}–{last}", first=str(chunk[0]), last=str(chunk[-1]))
        out.update({b: label for b in chunk})
    return out


def _new_configs(run: Run) -> pd.DataFrame:
    """New configurations (random or BO; promoted ones are not new) per bracket (group) and type."""
    t = run.table[run.table["sample_type"] != "promoted"]
    labels = bracket_groups(run)
    g = (t.assign(bracket_label=t["bracket"].map(labels), first=t["bracket"])
         .groupby(["bracket_label", "sample_type"], sort=False)
         .agg(count=("bracket", "size"), first=("first", "min")).reset_index())
    g["total"] = g.groupby("bracket_label")["count"].transform("sum")
    return g.sort_values(["first", "sample_type"], kind="stable").drop(columns="first")


# --- charts -----------------------------------------------------------------------------------


def _detail_height(shown: list[BracketSummary]) -> int:
    return int(min(300, max(150, 64 * len(shown))))


# The variable param the deck sets to the number of fragments shown (deck.js): with
# `fragments: true` the diagram builds up budget by budget as the presenter steps through.
FRAGMENT_PARAM = "fragment"


def _detail_chart(run: Run, shown: list[BracketSummary], build_up: int | None = None) -> alt.LayerChart:
    """`build_up`: the ladder slot of the first budget the fragments walk through (None: the
    whole diagram at once). Slot first + k is drawn once k fragments are shown; the spec's own
    value shows everything, so a static export is the finished diagram."""
    import altair as alt

    cells = _cells(run, shown)
    order = [bracket_label(b.bracket) for b in shown]
    labels = [fmt.budget(b) for b in run.budgets]
    height = _detail_height(shown)
    font = 13
    # Positions inside each bracket's row are fractions of the row (band), not pixels: the deck
    # shrinks the chart to fit its box and the label must stay above its bar at any size.
    y_label = alt.Y("bracket:N", sort=order, title=None, bandPosition=0.17)
    y_bar = alt.Y("bracket:N", sort=order, title=None, bandPosition=0.5)
    x_scale = alt.Scale(domain=[-0.5, len(run.budgets) - 0.5], nice=False, zero=False)
    y = alt.Y("bracket:N", sort=order, title=None, scale=alt.Scale(paddingInner=0, paddingOuter=0),
              axis=alt.Axis(ticks=False, domain=False))
    label_expr = "[" + ", ".join(repr(l) for l in labels) + "][datum.value]"
    x_axis = alt.Axis(values=list(range(len(labels))), labelExpr=label_expr, grid=False,
                      title=tr("budget of the round"))
    base = alt.Chart(cells)
    bars = base.mark_bar(height=alt.RelativeBandSize(0.36)).encode(
        x=alt.X("x:Q", scale=x_scale, axis=x_axis),
        x2=alt.X2("x2:Q"),
        y=y,
        color=sample_type_color(legend=alt.Legend(orient="right", title=tr("came from"))),
        tooltip=[
            alt.Tooltip("bracket:N", title=tr("bracket")),
            alt.Tooltip("round:O", title=tr("round")),
            alt.Tooltip("budget:N", title=tr("budget")),
            alt.Tooltip("sample_type:N", title=tr("sample type")),
            alt.Tooltip("count:Q", title=tr("of this type")),
            alt.Tooltip("n:Q", title=tr("evaluated in the round")),
            alt.Tooltip("planned:Q", title=tr("Hyperband planned")),
            alt.Tooltip("advanced:Q", title=tr("promoted to the next round")),
            alt.Tooltip("crashed:Q", title=tr("crashed")),
        ],
    )
    text = (
        alt.Chart(cells.drop_duplicates(["bracket", "round"]))
        .mark_text(align="center", baseline="middle", fontSize=font)
        .encode(x=alt.X("label_x:Q", scale=x_scale, axis=x_axis), y=y_label, text=alt.Text("label:N"))
    )
    layers = [bars, text]
    arrows = _arrows(run, shown)
    step = None
    if build_up is not None:
        step = alt.param(name=FRAGMENT_PARAM, value=len(run.budgets))
        seen = f"datum.slot <= {build_up} + {FRAGMENT_PARAM}"
        bars = bars.encode(opacity=opacity_condition(seen, 1.0, 0.06))
        text = text.encode(opacity=opacity_condition(seen, 1.0, 0.0))
        layers = [bars.add_params(step), text]
    if len(arrows):
        rule = (
            alt.Chart(arrows)
            .mark_rule(strokeDash=[4, 3], opacity=0.9)
            .encode(x=alt.X("x:Q", scale=x_scale, axis=x_axis), x2=alt.X2("x2:Q"), y=y_bar,
                    tooltip=[alt.Tooltip("text:N", title=tr("promotion")),
                             alt.Tooltip("from_budget:N", title=tr("from budget")),
                             alt.Tooltip("to_budget:N", title=tr("to budget"))])
        )
        head = (
            alt.Chart(arrows)
            .mark_point(shape="triangle-right", filled=True, size=40, opacity=0.7)
            .encode(x=alt.X("x2:Q", scale=x_scale, axis=x_axis), y=y_bar)
        )
        if step is not None:
            rule = rule.encode(opacity=opacity_condition(seen, 0.9, 0.0))
            head = head.encode(opacity=opacity_condition(seen, 0.7, 0.0))
        layers += [rule, head]
    # No view titles: the caption says what each view shows, and every pixel of height a title
    # takes is taken from the bars when the deck fits the chart to a short box.
    # One constructor call: .properties() on a layer would copy every layer again.
    return alt.LayerChart(layer=layers, width=DETAIL_WIDTH, height=height)


def _share_chart(run: Run, shown: list[BracketSummary]) -> alt.Chart:
    import altair as alt

    data = _new_configs(run)
    labels = bracket_groups(run)
    order = list(dict.fromkeys(labels[b.bracket] for b in run.brackets))
    shown_labels = sorted({labels[b.bracket] for b in shown})
    height = _detail_height(shown)  # same as the detail view: labels thin out, rows do not grow
    return (
        alt.Chart(data)
        .transform_calculate(shown=alt.expr.indexof(shown_labels, alt.datum.bracket_label) >= 0)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", stack="normalize", title=tr("new configurations: random | BO"),
                    axis=alt.Axis(format="%")),
            y=alt.Y("bracket_label:N", sort=order, title=None,
                    axis=alt.Axis(labelFontSize=12 if len(order) > 10 else 13, labelOverlap="greedy")),
            color=sample_type_color(legend=None),
            order=alt.Order("sample_type_rank:Q"),
            opacity=opacity_condition("datum.shown", 1.0, 0.45),
            tooltip=[
                alt.Tooltip("bracket_label:N", title=tr("bracket")),
                alt.Tooltip("sample_type:N", title=tr("sample type")),
                alt.Tooltip("count:Q", title=tr("new configurations")),
                alt.Tooltip("total:Q", title=tr("new in this bracket")),
            ],
        )
        .transform_calculate(sample_type_rank=f"indexof({list(SAMPLE_TYPE_ORDER)!r}, datum.sample_type)")
        .properties(width=SHARE_WIDTH, height=height)
    )


# --- text -------------------------------------------------------------------------------------


def _featured(shown: list[BracketSummary]) -> BracketSummary | None:
    if not shown:
        return None
    return max(shown, key=lambda b: (len(b.rounds), -b.bracket))


def _origin(r) -> str:
    """'9 random, 18 from BO' (list items) for a round's new configurations ('' when it has none)."""
    return tr(", ").join(x for x in (tr("{n} random", n=r.n_random) if r.n_random else "",
                                     tr("{n} from BO", n=r.n_bo) if r.n_bo else "") if x)


def _halving_items(run: Run, b: BracketSummary, unit: str | None = None) -> list[str]:
    """One short line per round of the featured bracket (teaching mode reveals them one by one)."""
    first = b.rounds[0]
    origin = _origin(first)
    def head(budget) -> str:  # "Budget 9" without a unit, "9 epochs" with one
        text = budget_text(budget, unit)
        return text[0].upper() + text[1:]

    if origin:
        items = [tr("**{budget}:** bracket {bracket} starts {n} configurations ({origin}).", budget=head(first.budget),
                    bracket=str(b.bracket), n=first.n, origin=origin)]
    else:
        items = [tr("**{budget}:** bracket {bracket} starts {n} configurations.", budget=head(first.budget),
                    bracket=str(b.bracket), n=first.n)]
    for prev, r in zip(b.rounds, b.rounds[1:]):
        last = r is b.rounds[-1] and r.budget == run.max_budget
        params = dict(budget=head(r.budget), k=prev.n_advanced, n=prev.n)
        items.append(tr("**{budget}:** the best {k} of {n} go on to the full budget.", **params) if last
                     else tr("**{budget}:** the best {k} of {n} go on.", **params))
    return items


def _halving_sentence(run: Run, b: BracketSummary) -> str:
    """The featured bracket in one line (HTML, escaped): n at each budget, and who survived."""
    first = b.rounds[0]
    origin = _origin(first)
    params = dict(n=first.n, budget=fmt.budget(first.budget))
    steps = [tr("{n} configurations at budget {budget} ({origin})", origin=origin, **params) if origin
             else tr("{n} configurations at budget {budget}", **params)]
    # The arrow chain is a list: each step is its own message, the arrows join them in any language.
    steps += [tr("best {k} at {budget}", k=prev.n_advanced, budget=fmt.budget(r.budget))
              for prev, r in zip(b.rounds, b.rounds[1:])]
    eta = fmt.value(number(run.eta))
    if len(b.rounds) > 1:
        head = tr("Successive halving in bracket {bracket}:", bracket=str(b.bracket))
        return (f"<strong>{esc(head)}</strong> " + esc(" → ".join(steps)) + " "
                + esc(tr("(each round keeps 1/{eta}).", eta=eta)))
    head = tr("Bracket {bracket}:", bracket=str(b.bracket))
    return f"<strong>{esc(head)}</strong> " + esc(tr("{first}, one round only.", first=steps[0]))


def _plan_text(run: Run) -> str:
    """Hyperband's plan, for the notes (markdown), with η and s_max said in words."""
    p = run.plan
    if p is None:
        return tr("Only one budget was evaluated, so there was no successive halving to plan.")
    eta = fmt.value(number(p.eta))
    lines = [f"- s = {pb.s}: " + " → ".join(f"{n} × {fmt.budget(r)}" for n, r in zip(pb.n, pb.r))
             for pb in p.brackets]
    return tr(
        "Hyperband's plan (η = {eta}: each round keeps the best 1/{eta} and gives them {eta}× the budget; "
        "s_max = {s_max}: the budget can grow {s_max} times from {low} to {high}; one bracket per starting "
        "budget, s = rounds after the first). Configurations × budget per round:",
        eta=eta, s_max=p.s_max, low=fmt.budget(p.min_budget), high=fmt.budget(p.max_budget),
    ) + "\n\n" + "\n".join(lines)


def _description(run: Run, shown: list[BracketSummary], feat: BracketSummary | None, n: dict) -> str:
    budgets = tr(", ").join(fmt.budget(b) for b in run.budgets)
    parts = [trn("Diagram of {n} bracket, one bar per round, on the budgets {budgets}.",
                 "Diagram of {n} brackets, one bar per round, on the budgets {budgets}.", len(shown), budgets=budgets)]
    if feat is not None and feat.rounds:
        parts.append(tr("Bracket {bracket} goes from {first} configurations at budget {first_budget} to {last} at "
                        "budget {last_budget}.", bracket=str(feat.bracket), first=feat.rounds[0].n,
                        first_budget=fmt.budget(feat.rounds[0].budget), last=feat.rounds[-1].n,
                        last_budget=fmt.budget(feat.rounds[-1].budget)))
    if n["bo_share_new"] is not None:
        parts.append(tr("Beside it, each bracket's new configurations by origin: {share} from BO overall.",
                        share=fmt.pct(n["bo_share_new"], 0)))
    return " ".join(parts)


def numbers(run: Run, shown: list[BracketSummary]) -> dict:
    new = run.table[run.table["sample_type"] != "promoted"]
    n_bo = int((new["sample_type"] == "BO").sum())
    n_rand = int((new["sample_type"] == "random").sum())
    first_bo = new.loc[new["sample_type"] == "BO", "bracket"]
    feat = _featured(shown)
    size = run.plan.s_max + 1 if run.plan else len(run.brackets)
    complete = [c for c in cycles(run) if _complete(c, size)]
    last_ids = {b.bracket for b in complete[-1]} if complete else set()
    last_new = new[new["bracket"].isin(last_ids)]
    plan = []
    if run.plan:
        plan = [
            {"s": pb.s, "n": list(pb.n), "r": [number(r) for r in pb.r],
             "total_budget": number(sum(n * r for n, r in zip(pb.n, pb.r)))}
            for pb in run.plan.brackets
        ]
    return {
        "eta": number(run.eta),
        "s_max": run.plan.s_max if run.plan else None,
        "n_brackets": len(run.brackets),
        "first_bracket": min((b.bracket for b in run.brackets), default=None),
        "n_cycles": len(complete),
        "shown": [b.bracket for b in shown],
        "featured_bracket": feat.bracket if feat else None,
        "featured": [
            {"round": r.round, "budget": number(r.budget), "n": r.n, "n_random": r.n_random, "n_bo": r.n_bo,
             "n_promoted": r.n_promoted, "n_advanced": r.n_advanced, "planned_n": r.planned_n}
            for r in (feat.rounds if feat else ())
        ],
        "plan": plan,
        "n_new": len(new),
        "n_new_random": n_rand,
        "n_new_bo": n_bo,
        "bo_share_new": n_bo / len(new) if len(new) else None,
        "first_bo_bracket": int(first_bo.min()) if len(first_bo) else None,
        "bo_share_last_cycle": float((last_new["sample_type"] == "BO").mean()) if len(last_new) else None,
    }


def _bo_sentence(n: dict) -> str:
    if not n["n_new_bo"]:
        return tr("Every new configuration in this run was drawn at random: BO's model never proposed one.")
    params = dict(bo=fmt.integer(n["n_new_bo"]), total=fmt.integer(n["n_new"]), share=fmt.pct(n["bo_share_new"], 0))
    if n["first_bo_bracket"] is not None and n["first_bo_bracket"] > n["first_bracket"]:
        return tr("BO's model proposed {bo} of {total} new configurations ({share}), from bracket {bracket} on (it "
                  "first needs observations); the rest were random, to keep exploring.",
                  bracket=str(n["first_bo_bracket"]), **params)
    return tr("BO's model proposed {bo} of {total} new configurations ({share}); the rest were random, to keep "
              "exploring.", **params)


def build(run: Run, options: StepOptions) -> Slide:
    import altair as alt

    choice = options.get("brackets", OPTIONS["brackets"].default)
    unit = options.get("budget_unit")
    shown = chosen_brackets(run, choice)
    n = numbers(run, shown)
    feat = _featured(shown)
    build_up = None
    if options.fragments and feat is not None and run.plan is not None and len(feat.rounds) > 1:
        build_up = list(run.budgets).index(feat.rounds[0].budget)
    detail = _detail_chart(run, shown, build_up)
    share = _share_chart(run, shown)
    # One constructor call: .resolve_scale() on the concat would copy both charts again.
    spec = vega_lite(alt.HConcatChart(hconcat=[detail, share], spacing=40,
                                      resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="shared"))))
    rest = len(run.brackets) - len(shown)
    eta = fmt.value(number(run.eta)) if run.eta else "η"
    caption_parts = [
        tr("Left: brackets {ids}; each round keeps the best 1/{eta} for the next, {eta}× larger budget.",
           ids=tr(", ").join(str(i) for i in n["shown"]), eta=eta)]
    if not rest:
        caption_parts.append(tr("Right: where each bracket's new configurations came from."))
    elif len(run.brackets) > MAX_SHARE_ROWS:
        caption_parts.append(tr("Right: where each bracket's new configurations came from (all {n} brackets, in "
                                "groups of consecutive brackets).", n=len(run.brackets)))
    else:
        caption_parts.append(tr("Right: where each bracket's new configurations came from (all {n} brackets).",
                                n=len(run.brackets)))
    caption_parts.append(tr("Bar length grows with √n; labels give n."))
    if run.n_crashed:
        caption_parts.append(trn("{n} crashed evaluation is counted in n.", "{n} crashed evaluations are counted in n.",
                                 run.n_crashed))
    caption = " ".join(caption_parts)
    blocks = [
        UserText(),
        Chart(id=f"s{options.index}-principle", spec=spec, caption=caption,
              state=tr("Static diagram: hover a bar in the deck for its numbers."),
              description=_description(run, shown, feat, n)),
    ]
    if feat is not None and run.plan is not None:
        if options.fragments:
            # Teaching mode: one round per key press, in the list and in the chart (the deck
            # shows the first item with the title and sets the chart's `fragment` param).
            items = _halving_items(run, feat, unit)
            blocks.append(Markdown("\n".join(f"- {item}" for item in items), fragments=True, css_class="small"))
        else:
            blocks.append(Html(f'<p class="takeaway">{_halving_sentence(run, feat)}</p>'))
    else:
        blocks.append(Html(f'<p class="takeaway">{esc(_bo_sentence(n))}</p>'))
    title = options.title or (
        trn("How BOHB spent its budget: {n} bracket", "How BOHB spent its budget: {n} brackets", n["n_brackets"])
        if run.eta else tr("How BOHB spent its budget")
    )
    notes = (
        tr("Successive halving: start many configurations on a small budget, keep the best 1/{eta}, repeat on {eta} "
           "times the budget. Hyperband runs brackets with different starting budgets; BOHB replaces Hyperband's "
           "random sampling with a model (TPE-like kernel density estimates) for most new configurations.", eta=eta)
        + " " + _bo_sentence(n) + "\n\n" + _plan_text(run)
    )
    return Slide(kind=KIND, title=title, blocks=tuple(blocks), notes=notes, numbers={KIND: n})
