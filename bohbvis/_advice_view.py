"""`bohbvis advise` as rich tables: every hyperparameter was → advised with its reason, then the budget."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .model.format import budget, integer, pct

_STYLE = {"keep": "dim", "narrow": "cyan", "widen": "bold yellow", "drop choices": "magenta", "remove": "red"}


def print_advice(a) -> None:
    c = Console(highlight=False)
    c.print(f"[bold]{a.source}[/]: {a.rule.describe()}", markup=True)
    c.print(a.summary, markup=False)
    if a.space_inferred:
        c.print("[yellow]note:[/] the run has no configspace.json: its bounds were inferred from the values "
                "it used, so a bound the top configurations crowd may not be the real one.", markup=True)
    t = Table(title="Search space for the next run")
    for col in ("hyperparameter", "was", "advised", "change", "why"):
        t.add_column(col, overflow="fold")
    for h in a.hyperparameters:
        t.add_row(h.name, h.original.describe_range(), h.describe_range(),
                  f"[{_STYLE.get(h.action, '')}]{h.action}[/]", h.reason)
    c.print(t)
    for w in a.warnings:
        c.print(f"[yellow]boundary:[/] {w}", markup=True, soft_wrap=True)
    b = a.budget
    if b.old_compute is not None:
        ladder = lambda bs: "–".join(budget(x) for x in bs)  # noqa: E731
        c.print(f"[bold]budgets[/] {ladder(b.old_budgets)} → {ladder(b.new_budgets)} (eta {budget(b.eta)} → "
                f"{budget(b.new_eta)}); planned compute {integer(b.old_compute)} → {integer(b.new_compute)} "
                f"({pct(b.saved or 0.0, 0)} saved)", markup=True)
    c.print(b.reason, markup=False, soft_wrap=True)
