"""How long the advice for the next run takes, on the demo and on a big synthetic run.

    python benchmarks/bench_advice.py [--evaluations 30000] [--repeat 3] [--target 2.0]

Times `bohbvis.analysis.advice.advise` (the top configurations, every hyperparameter's rule, the
budget ladder with Hyperband's planned compute) on the shipped demo run and on a run of
--evaluations evaluations made by replaying the demo's iterations (benchmarks/synth.py). Prints
each time (the fastest of --repeat, after a warm-up) and exits 1 when the big run takes longer
than --target seconds. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_of  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--evaluations", type=int, default=30_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--target", type=float, default=2.0, help="largest allowed seconds on the big run")
    args = ap.parse_args()

    sys.path.insert(0, str(Path(__file__).parent))
    from synth import write_big_run

    from bohbvis.analysis.advice import advise
    from bohbvis.load import demo_path, read_run

    demo = read_run(demo_path())
    with tempfile.TemporaryDirectory() as tmp:
        big = read_run(write_big_run(demo_path(), Path(tmp) / "big", args.evaluations))
    t_demo = best_of(lambda: advise(demo), args.repeat, warmup=True)
    t_big = best_of(lambda: advise(big), args.repeat, warmup=True)
    print(f"advise: demo ({demo.n_evaluations:,} evaluations) {t_demo * 1000:.0f} ms; "
          f"big ({big.n_evaluations:,} evaluations) {t_big * 1000:.0f} ms (target {args.target:.1f} s)")
    return 0 if t_big <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
