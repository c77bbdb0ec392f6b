"""The in-process timing the small benchmarks share: best of `repeat` runs."""

from __future__ import annotations

import time


def best_of(fn, repeat: int, warmup: bool = False) -> float:
    """The fastest of `repeat` calls of `fn`, in seconds (after one untimed call if `warmup`)."""
    if warmup:
        fn()  # imports (scipy) and caches are not what is measured
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
