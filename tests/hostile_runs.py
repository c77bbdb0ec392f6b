"""Runs whose hyperparameter names and values are what real tools write (and what an attacker
would): written as real hpbandster logs (configs.json, results.json, configspace.json) from the
shipped demo run, with every name and categorical value replaced."""

from __future__ import annotations

import json
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "bohbvis" / "load" / "demo_run"

# Demo name -> a name real tools (auto-sklearn, Optuna, Ray Tune, sklearn pipelines) write.
REAL_NAMES = {
    "activation": "classifier:random_forest:max_depth",
    "batch_size": "train_loop_config/batch size",
    "hidden_size": "1st-layer.units[0]",
    "learning_rate": "config_reg.alpha",
    "optimizer": "opt 'name' \"q\"",
    "scheduler": "größe\u2028lr",
    "weight_decay": "<b>wd</b>",
    "momentum": "mömentum:Σ",
}

# Script payloads, for the deck's "runs no code it did not write" tests.
PAYLOAD = "</script><script>alert(1)</script><!--"
HOSTILE_NAMES = {
    "activation": "act</script><script>alert('n1')</script>",
    "batch_size": "bs<!--",
    "hidden_size": "<img src=x onerror=alert('n3')>",
    "learning_rate": "lr\u2028\u2029'\"`${alert(4)}`",
    "optimizer": "javascript:alert('n5')",
    "scheduler": "sch<svg onload=alert(6)>",
    "weight_decay": "wd&lt;script&gt;",
    "momentum": "mom{{ 7*7 }}",
}
HOSTILE_VALUES = {
    "relu": "<img src=x onerror=alert('v1')>",
    "lrelu": "</script><script>alert('v2')</script>",
    "tanh": "javascript:alert('v3')",
    "adam": "ad\u2028am<!--",
    "sgd": "<a href=\"javascript:alert('v5')\">x</a>",
    "rms": "r${alert(6)}",
}


def renamed_space(names: dict[str, str], values: dict[str, str] | None = None) -> dict:
    """The demo run's configspace.json with hyperparameters renamed and categorical values replaced
    (choices, defaults and the conditions that name them)."""
    values = values or {}
    space = json.loads((DEMO / "configspace.json").read_text(encoding="utf-8"))
    for hp in space["hyperparameters"]:
        hp["name"] = names.get(hp["name"], hp["name"])
        if "choices" in hp:
            hp["choices"] = [values.get(c, c) if isinstance(c, str) else c for c in hp["choices"]]
        if isinstance(hp.get("default_value"), str):
            hp["default_value"] = values.get(hp["default_value"], hp["default_value"])
    for cond in space.get("conditions", []):
        for k in ("child", "parent"):
            if k in cond:
                cond[k] = names.get(cond[k], cond[k])
        for k in ("value", "values"):
            if isinstance(cond.get(k), str):
                cond[k] = values.get(cond[k], cond[k])
            elif isinstance(cond.get(k), list):
                cond[k] = [values.get(v, v) if isinstance(v, str) else v for v in cond[k]]
    return space


def write_run(folder: Path, names: dict[str, str], values: dict[str, str] | None = None,
              *, drop_space: bool = False) -> Path:
    """The demo run with every hyperparameter renamed (and categorical values replaced)."""
    values = values or {}
    folder.mkdir(parents=True, exist_ok=True)

    def rename_config(cfg: dict) -> dict:
        return {names.get(k, k): values.get(v, v) if isinstance(v, str) else v for k, v in cfg.items()}

    lines = []
    for line in (DEMO / "configs.json").read_text(encoding="utf-8").splitlines():
        cid, cfg, info = json.loads(line)
        lines.append(json.dumps([cid, rename_config(cfg), info], ensure_ascii=False))
    (folder / "configs.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "results.json").write_bytes((DEMO / "results.json").read_bytes())
    if not drop_space:
        space = renamed_space(names, values)
        (folder / "configspace.json").write_text(json.dumps(space, indent=2, ensure_ascii=False),
                                                 encoding="utf-8")
    return folder
