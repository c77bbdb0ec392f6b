"""Step kind `next_experiment`: the search space and budgets to use next, beside the ones used.

Computed by bohbvis.analysis.advice (the same advice `bohbvis advise` writes as ConfigSpace JSON):
per hyperparameter, the original range (grey track), the advised one (a coloured bar; it may reach
beyond the track where a range is widened) and the top configurations (dots), on the
hyperparameter's own scale; below, every change with its reason, then the budget ladder with the
compute it saves under Hyperband's plan.

Numbers (`next_experiment.<name>`): summary, k, n_at_max_budget, too_few, n_changed, n_warnings,
warnings, rule_text, hyperparameters (list of {name, type, action, original, new, reason, …}),
by_name ({name: the same}), budget {min_budget, max_budget, eta, new_min_budget, new_max_budget,
new_eta, old_compute, new_compute, saved, reason, …}, saved (share of compute saved).
"""

from __future__ import annotations


import pandas as pd

from ..analysis import advice as adv
from ..model import format as fmt
from ..model.run import Run
from ..options import Choice, Float, Int, StepOptions
from ._base import Chart, Html, Slide, UserText
from ._heavy import heavy_numbers
from ._spec import vega_lite
from ._html import esc
from ._rows import plain
from ._sampling import MAX_POINTS, sample_points
from ..i18n import tr, trn

KIND = "next_experiment"
DESCRIPTION = "Advice for the next run: a narrowed or widened search space and budget ladder, each change with its reason."
OPTIONS = {
    "by": Choice(doc="Which configurations are best: by loss (hpbandster's incumbent rule) or by accuracy.",
                 default="loss", choices=("loss", "accuracy")),
    "top": Int(doc="How many top configurations at the largest budget the advice rests on "
                   "(default: the best 15 %, at least 3, at most half).", default=None, min=1, max=500),
    "quantile": Float(doc="The share of configurations at the largest budget that count as top.",
                      default=adv.TOP_QUANTILE, min=0.01, max=0.5),
}

ACTIONS = ("keep", "narrow", "widen", "drop choices", "remove")
ACTION_COLORS = ("#9e9e9e", "#1f77b4", "#e6550d", "#756bb1", "#d62728")
ROW_HEIGHT = 30  # a 12 px choice label above its squares, clear of the row above
CHART_WIDTH = 900
DOMAIN = [-0.32, 1.32]  # the 0..1 track, with room for a widened bound (WIDEN = 0.25) and dots


HEAVY_IMPORTS = ("scipy.stats",)  # the choices' hypergeometric test, the budgets' ρ (bohbvis/steps/_heavy.py)


def advice_for(run: Run, options: StepOptions) -> adv.Advice:
    """The heavy numbers: the advice itself (bohbvis/analysis/advice.py)."""
    return adv.advise(run, by=options.get("by", "loss"), k=options.get("top"),
                      quantile=options.get("quantile", adv.TOP_QUANTILE))


analyze = advice_for


def _top_drawn(run: Run, a: adv.Advice):
    """The top configurations drawn as dots: all of them, or on a big run a fixed-seed sample, so the
    chart stays within MAX_POINTS dots (one per configuration and hyperparameter); and the note saying so."""
    top = run.table[run.table["config_id"].isin(a.top_ids)].drop_duplicates("config_id")
    drawn = sample_points(top, max(1, MAX_POINTS // max(1, len(a.hyperparameters))), what=tr("top configurations"))
    return drawn.frame, drawn.note


def _frames(run: Run, a: adv.Advice, top: pd.DataFrame):
    tracks, bars, dots, ticks = [], [], [], []
    for h in a.hyperparameters:
        hp = h.original
        tip = {"hp": h.name, "action": adv.action_text(h.action), "original": hp.describe_range(), "new": h.describe_range(),
               "reason": h.reason}
        tracks.append({**tip, "x": 0.0, "x2": 1.0})
        if h.is_numeric and hp.lower is not None and hp.upper is not None and hp.upper > hp.lower:
            if h.action != "remove":
                bars.append({**tip, "x": round(adv.to_unit(hp, h.lower), 5), "x2": round(adv.to_unit(hp, h.upper), 5)})
            for v in top[hp.column].dropna() if hp.column in top else ():
                dots.append({"hp": h.name, "x": round(adv.to_unit(hp, float(v)), 5), "value": fmt.value(plain(v))})
        elif hp.choices:
            n = len(hp.choices)
            slots = {str(c): (i + 0.5) / n for i, c in enumerate(hp.choices)}
            shown = {str(c): fmt.value(c) for c in (*hp.choices, *(h.choices or ()))}  # True -> yes
            for c in h.choices or ():  # an ordinal widened by a value beyond its ends
                if str(c) not in slots:
                    below = h.choices.index(c) < h.choices.index(next(x for x in h.choices if str(x) in slots))
                    slots[str(c)] = -0.5 / n if below else 1 + 0.5 / n
            kept = {str(c) for c in h.choices or ()} if h.action != "remove" else set()
            for c, x in slots.items():
                ev = next((e for e in h.evidence if str(e.choice) == c), None)
                label = (f"{shown.get(c, c)} {ev.n_top}/{ev.n_all}" if ev is not None
                         else tr("{choice} (new)", choice=shown.get(c, c)))
                ticks.append({**tip, "x": round(x, 5), "choice": label, "kept": "kept" if c in kept else "dropped"})
            for v in top[hp.column].dropna() if hp.column in top else ():
                x = slots.get(str(plain(v)))
                if x is not None:
                    dots.append({"hp": h.name, "x": round(x, 5), "value": fmt.value(plain(v))})
    return tuple(pd.DataFrame(f) for f in (tracks, bars, dots, ticks))


def _chart(run: Run, a: adv.Advice, top: pd.DataFrame) -> dict:
    import altair as alt

    names = [h.name for h in a.hyperparameters]
    tracks, bars, dots, ticks = _frames(run, a, top)
    x = alt.X("x:Q", scale=alt.Scale(domain=DOMAIN, nice=False), axis=None)
    y = alt.Y("hp:N", sort=names, title=None, axis=alt.Axis(ticks=False, domain=False, labelFontSize=12))
    color = alt.Color("action:N", scale=alt.Scale(domain=[adv.action_text(a) for a in ACTIONS], range=list(ACTION_COLORS)),
                      legend=alt.Legend(orient="right", title=tr("change")))
    tip = [alt.Tooltip("hp:N", title=tr("hyperparameter")), alt.Tooltip("original:N", title=tr("was")),
           alt.Tooltip("new:N", title=tr("advised")), alt.Tooltip("reason:N", title=tr("why"))]
    layers = [alt.Chart(tracks).mark_rule(strokeWidth=9, opacity=0.18, color="#777")
              .encode(x=x, x2="x2:Q", y=y, tooltip=tip)]
    if len(bars):
        layers.append(alt.Chart(bars).mark_rule(strokeWidth=4).encode(x=x, x2="x2:Q", y=y, color=color, tooltip=tip))
    if len(ticks):
        layers.append(alt.Chart(ticks).mark_point(shape="square", size=60, filled=True)
                      .encode(x=x, y=y, color=alt.condition("datum.kept == 'kept'", color, alt.value("#ddd")),
                              tooltip=tip + [alt.Tooltip("choice:N", title=tr("choice (top/all)"))]))
        layers.append(alt.Chart(ticks).mark_text(baseline="bottom", dy=-6, fontSize=12, fillOpacity=0.75)
                      .encode(x=x, y=y, text="choice:N"))
    if len(dots):
        layers.append(alt.Chart(dots).mark_circle(size=36, color="black", opacity=0.55)
                      .encode(x=x, y=y, tooltip=[alt.Tooltip("hp:N", title=tr("hyperparameter")),
                                                 alt.Tooltip("value:N", title=tr("top configuration's value"))]))
    height = max(80, ROW_HEIGHT * len(names))
    spec = alt.LayerChart(  # one constructor call: a fluent .properties() deep-copies every layer
        layer=layers, width=CHART_WIDTH, height=height,
        title=alt.Title(tr("Original range (grey) and advised range (colour); dots: the top configurations"),
                        anchor="start", fontSize=13),
        view=alt.ViewBackground(stroke=None))
    return vega_lite(spec)


def numbers(a: adv.Advice) -> dict:
    d = a.to_dict()
    d["by_name"] = {h["name"]: h for h in d["hyperparameters"]}
    d["saved"] = d["budget"]["saved"]
    return d


def _budget_html(b: adv.BudgetAdvice) -> str:
    def ladder(bs):
        return "–".join(fmt.budget(x) for x in bs) if bs else "–"

    if b.old_compute is None:
        return f'<p style="font-size:0.9rem">{esc(b.reason)}</p>'
    same = tuple(b.old_budgets) == tuple(b.new_budgets)
    params = dict(old=ladder(b.old_budgets), eta=fmt.budget(b.eta), new=ladder(b.new_budgets),
                  new_eta=fmt.budget(b.new_eta), new_compute=fmt.integer(b.new_compute),
                  old_compute=fmt.integer(b.old_compute), saved=fmt.pct(b.saved or 0.0, 0))
    if same:
        head = trn("Budgets {old} (eta {eta}) → unchanged: {new_compute} instead of {old_compute} budget units for "
                   "{n} iteration, {saved} saved.",
                   "Budgets {old} (eta {eta}) → unchanged: {new_compute} instead of {old_compute} budget units for "
                   "{n} iterations, {saved} saved.", b.n_iterations, **params)
    else:
        head = trn("Budgets {old} (eta {eta}) → {new} (eta {new_eta}): {new_compute} instead of {old_compute} "
                   "budget units for {n} iteration, {saved} saved.",
                   "Budgets {old} (eta {eta}) → {new} (eta {new_eta}): {new_compute} instead of {old_compute} "
                   "budget units for {n} iterations, {saved} saved.", b.n_iterations, **params)
    return f'<p style="font-size:0.9rem;margin:0"><strong>{esc(head)}</strong></p>'


def _reasons_html(a: adv.Advice) -> str:
    """Every change and its reason, beside the original range (two columns); the hyperparameters
    kept as they were are named in one line (their reasons go to the notes: fewer words on the slide)."""
    items = []
    kept = [h.name for h in a.hyperparameters if h.action == "keep"]
    for h in a.hyperparameters:
        if h.action == "keep":
            continue
        change = f"{h.original.describe_range()} → {h.describe_range()}"
        # The warning without its "name: " (the row names the hyperparameter already).
        warn = f' <span style="color:#e6550d">⚠ {esc(h.warning.split(": ", 1)[-1])}</span>' if h.warning else ""
        items.append(f"<div><strong>{esc(h.name)}</strong> <em>{esc(change)}</em>: {esc(h.reason)}{warn}</div>")
    if kept:
        # The sentence escaped whole, then its label (the text before the colon) in bold: the
        # catalog's text never lands in the HTML unescaped.
        line = esc(tr("Kept as they were: {names} (reasons in the notes).", names=tr(", ").join(kept)))
        label, colon, rest = line.partition(":")
        items.append(f"<div><strong>{label}</strong>{colon}{rest}</div>" if colon else f"<div>{line}</div>")
    return ('<div class="advice-reasons" style="display:grid;grid-template-columns:1fr 1fr;gap:0.25rem 1.5rem;'
            f'font-size:0.8rem;line-height:1.25">{"".join(items)}</div>')


def _kept_notes(a: adv.Advice) -> str:
    return " ".join(tr("{name} kept: {reason}", name=h.name, reason=h.reason)
                    for h in a.hyperparameters if h.action == "keep")


def build(run: Run, options: StepOptions) -> Slide:
    a = heavy_numbers(options, lambda: analyze(run, options))
    n = numbers(a)
    caption = " ".join((a.rule.describe(), tr("Each hyperparameter on its own scale (log where log); "
                                              "choices as squares with their top/all counts (grey: dropped).")))
    if a.space_inferred:
        caption += " " + tr("The original bounds were inferred from the values the run used (no configspace.json).")
    top, sampled = _top_drawn(run, a)
    if sampled:
        caption += " " + sampled
    blocks = [UserText(),
              Chart(id=f"s{options.index}-next", spec=_chart(run, a, top), caption=caption,
                    state=tr("Static: hover a row in the deck for its reason.")),
              Html(_reasons_html(a)),
              Html(_budget_html(a.budget))]
    title = options.title or (tr("Next run: widen where the best sit at the edge") if a.warnings
                              else tr("Next run: a search space from this one's best"))
    notes = " ".join(x for x in (
        a.summary, tr("Every change has its reason on the slide."), _kept_notes(a),
        tr("Budgets: {reason}", reason=a.budget.reason),
        tr("`bohbvis advise` writes this space as ConfigSpace JSON or YAML for the next BOHB run.")) if x)
    return Slide(kind=KIND, title=title, blocks=tuple(blocks), notes=notes, numbers={KIND: n})
