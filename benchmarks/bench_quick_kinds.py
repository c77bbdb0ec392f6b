"""How long the quick (Altair-bound) step kinds take to build in a warm process, per kind.

    PYTHONPATH=$PWD python benchmarks/bench_quick_kinds.py [advisor newcomer ...]

Each story's steps of these kinds are built once (imports, the run's cached columns), then five
times; the best of five is printed, for all of them and per kind. What these kinds cost is mostly
Altair's (copies of the chart tree, DataFrame -> rows); see bohbvis/steps/_spec.py for how the
kinds keep it down.
"""

from __future__ import annotations

import sys
import time

KINDS = ("principle", "brackets", "best", "trajectory", "loss_accuracy")
ROUNDS = 5


def best_of(run, steps, build) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        t = time.perf_counter()
        for s in steps:
            build(run, s.options)
        best = min(best, time.perf_counter() - t)
    return best


def main(stories: list[str]) -> int:
    from bohbvis.load import read_run
    from bohbvis.steps import build
    from bohbvis.story import load_story

    for name in stories or ["advisor", "newcomer"]:
        story = load_story(name)
        run = read_run(story.data_path())
        steps = [s for s in story.steps if s.options.kind in KINDS]
        for s in steps:
            build(run, s.options)
        print(f"{name}: all {len(steps)} steps {best_of(run, steps, build) * 1000:.1f} ms")
        for kind in KINDS:
            of_kind = [s for s in steps if s.options.kind == kind]
            if of_kind:
                print(f"  {kind:14s} {best_of(run, of_kind, build) * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
