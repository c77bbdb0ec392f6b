"""`bohbvis inspect` as rich tables (the --json form is model.summary)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .model.format import budget, num, pct


def print_summary(s: dict) -> None:
    c = Console(highlight=False)
    c.print(f"[bold]{s['source']}[/] ({s['format']})", markup=True)
    facts = Table(show_header=False, box=None)
    facts.add_row("evaluations", f"{s['n_evaluations']:,} ({s['n_crashed']} crashed)")
    facts.add_row("configurations", f"{s['n_configs']:,}")
    facts.add_row("budgets", ", ".join(budget(b) for b in s["budgets"]) + f"  (eta {s['eta']})")
    facts.add_row("brackets", str(len(s["brackets"])))
    facts.add_row("metric", s["metric"] or "none (loss only)")
    b = s["best"]
    if b:
        facts.add_row("best", f"{b['sample_id']} (config {b['config_id']}) at budget {budget(b['budget'])}: "
                      f"loss {num(b['loss'])}" + (f", accuracy {pct(b['accuracy'])}" if b["accuracy"] is not None else ""))
    c.print(facts)
    br = Table(title="Brackets: evaluations per round (budget)")
    br.add_column("bracket", justify="right")
    br.add_column("rounds")
    for x in s["brackets"]:
        br.add_row(str(x["bracket"]), "  ".join(f"{r['n']}@{budget(r['budget'])}" for r in x["rounds"]))
    c.print(br)
    hp = Table(title="Hyperparameters")
    for col in ("name", "type", "range / choices", "log"):
        hp.add_column(col)
    for h in s["hyperparameters"]:
        rng = f"[{num(h['lower'])}, {num(h['upper'])}]" if "lower" in h else ", ".join(map(str, h.get("choices", [])))
        hp.add_row(h["name"], h["type"], rng, "yes" if h.get("log") else "")
    c.print(hp)
    rec = s.get("recovery") or {}
    if any(v != "recorded in the run's files" for v in rec.values()):
        rt = Table(title="Recovered (not stored by the tool)", show_header=False)
        for k in ("brackets", "budgets", "sample_types", "settings"):
            rt.add_row(k.replace("_", " "), rec.get(k, ""))
        c.print(rt)
    for d in s["deviations"]:
        c.print(f"[yellow]deviation:[/] {d}", markup=True)
