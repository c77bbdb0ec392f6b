"""How long the views trajectory, learning_curves, parallel, timeline and importance take to build
at 10^5 evaluations, and how much data each puts in the deck.

    python benchmarks/bench_views.py [--size 100000]

Targets (checked here, not by tests): each slide builds in under 10 s and carries under 2 MB of
JSON (charts + tables) at 10^5 evaluations — the data is aggregated or sampled in Python first.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from synth import write_big_run  # noqa: E402

KINDS = ("trajectory", "learning_curves", "parallel", "timeline", "importance")
TARGET_SECONDS = 10.0
TARGET_BYTES = 2_000_000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--source", type=Path, default=None, help="hpbandster folder to replay (default: the demo run)")
    args = ap.parse_args()
    from bohbvis.load import demo_path, read_run
    from bohbvis.options import StepOptions
    from bohbvis.steps import get

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        run = read_run(write_big_run(args.source or demo_path(), Path(tmp) / "run", args.size))
        print(f"{run.n_evaluations:,} evaluations")
        for i, kind in enumerate(KINDS):
            module = get(kind)
            t0 = time.perf_counter()
            slide = module.build(run, StepOptions(kind=kind, index=i))
            seconds = time.perf_counter() - t0
            size = len(json.dumps([c.spec for c in slide.charts] + [list(t.rows) for t in slide.tables],
                                  default=str))
            ok = seconds < TARGET_SECONDS and size < TARGET_BYTES
            failed |= not ok
            print(f"{kind:16s} {seconds:6.2f} s  {size / 1e6:5.2f} MB  {'ok' if ok else 'OVER TARGET'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
