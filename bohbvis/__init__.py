"""bohbvis: explain a BOHB hyperparameter-optimization run as one offline, interactive slide deck.

    import bohbvis
    run = bohbvis.load_run("path/to/run")          # hpbandster logs, a CSV/Parquet table, or "demo"
    deck = bohbvis.build("advisor", data=run)       # a Story, a YAML path, a built-in name, or a dict
    deck.save("deck.html")                          # .pdf, slide.png and slides/ export without a browser
    bohbvis.show(run, "brackets")                   # one step kind alone (a notebook displays it)

The pipeline, one folder each: load → model → analysis → story → steps → render/export → api → cli.
The names above live in `bohbvis.api` and are imported on first use, so `import bohbvis` stays
light (no pandas, no Altair) until one of them is asked for.
"""

from __future__ import annotations

__version__ = "0.1.0"

# name -> (module, attribute) that defines it (imported lazily by __getattr__)
_API = {
    "load_run": ("bohbvis.api", "load_run"),
    "build": ("bohbvis.api", "build_deck"),
    "show": ("bohbvis.api", "show"),
    "Deck": ("bohbvis.api", "Deck"),
    "Story": ("bohbvis.story.model", "Story"),
    "BohbvisError": ("bohbvis.errors", "BohbvisError"),
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        import importlib

        module, attribute = _API[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'bohbvis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
