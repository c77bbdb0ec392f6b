"""Synthetic hpbandster logs of any size, made by replaying a real run's lines with new ids.

Used by the benchmarks (never by timed tests): the reader and the steps see real-shaped data.
"""

from __future__ import annotations

import json
from pathlib import Path


def write_big_run(src: Path, dst: Path, n_evaluations: int) -> Path:
    """Copy `src` (an hpbandster folder) into `dst`, repeating its iterations until it holds
    at least `n_evaluations` results; iteration numbers are shifted so ids stay unique."""
    dst.mkdir(parents=True, exist_ok=True)
    configs = [json.loads(line) for line in (src / "configs.json").open()]
    results = [json.loads(line) for line in (src / "results.json").open()]
    span = max(r[0][0] for r in results) + 1
    reps = -(-n_evaluations // len(results))
    with (dst / "configs.json").open("w") as fc, (dst / "results.json").open("w") as fr:
        for k in range(reps):
            for c in configs:
                if c[0][0] < 0:
                    continue  # warm-start lines are not repeated
                fc.write(json.dumps([[c[0][0] + k * span, c[0][1], c[0][2]], *c[1:]]) + "\n")
            for r in results:
                if r[0][0] < 0:
                    continue
                fr.write(json.dumps([[r[0][0] + k * span, r[0][1], r[0][2]], *r[1:]]) + "\n")
    if (src / "configspace.json").exists():
        (dst / "configspace.json").write_text((src / "configspace.json").read_text())
    return dst
