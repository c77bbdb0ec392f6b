"""`bohbvis advise` as rich tables: every hyperparameter was → advised with its reason, then the budget."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .analysis.advice import action_text
from .i18n import tr
from .model.format import budget, integer, pct

_STYLE = {"keep": "dim", "narrow": "cyan", "widen": "bold yellow", "drop choices": "magenta", "remove": "red"}


def print_advice(a) -> None:
    c = Console(highlight=False)
    c.print(f"[bold]{a.source}[/]: {a.rule.describe()}", markup=True)
    c.print(a.summary, markup=False)
    if a.space_inferred:
        note = tr("the run has no configspace.json: its bounds were inferred from the values it used, so a bound "
                  "the top configurations crowd may not be the real one.")
        label = tr("note:")
        c.print(f"[yellow]{escape(label)}[/] {escape(note)}", markup=True)
    t = Table(title=tr("Search space for the next run"))
    for col in (tr("hyperparameter"), tr("was"), tr("advised"), tr("change"), tr("why")):
        t.add_column(col, overflow="fold")
    for h in a.hyperparameters:
        t.add_row(h.name, h.original.describe_range(), h.describe_range(),
                  f"[{_STYLE.get(h.action, '')}]{escape(action_text(h.action))}[/]", h.reason)
    c.print(t)
    boundary = tr("boundary:")
    for w in a.warnings:
        c.print(f"[yellow]{escape(boundary)}[/] {escape(w)}", markup=True, soft_wrap=True)
    b = a.budget
    if b.old_compute is not None:
        ladder = lambda bs: "–".join(budget(x) for x in bs)  # noqa: E731
        line = tr("{old} → {new} (eta {eta} → {new_eta}); planned compute {old_compute} → {new_compute} ({saved} saved)",
                  old=ladder(b.old_budgets), new=ladder(b.new_budgets), eta=budget(b.eta), new_eta=budget(b.new_eta),
                  old_compute=integer(b.old_compute), new_compute=integer(b.new_compute), saved=pct(b.saved or 0.0, 0))
        head = tr("budgets")
        c.print(f"[bold]{escape(head)}[/] {escape(line)}", markup=True)
    c.print(b.reason, markup=False, soft_wrap=True)
