"""How long reading a run takes at 10^4–10^6 evaluations, and its peak memory.

    python benchmarks/bench_load.py [--sizes 10000 100000 1000000]

Targets (checked here, not by tests): 10^5 evaluations read in under 5 s, 10^6 in under 60 s.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from synth import write_big_run  # noqa: E402

TARGETS = {100_000: 5.0, 1_000_000: 60.0}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--source", type=Path, default=None, help="hpbandster folder to replay (default: the demo run)")
    args = ap.parse_args()
    from bohbvis.load import demo_path

    src = args.source or demo_path()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = write_big_run(src, Path(tmp) / f"run{n}", n)
            code = (
                "import time,resource;t=time.perf_counter();"
                "from bohbvis.load import read_run;"
                f"r=read_run({str(folder)!r});"
                "print(r.n_evaluations, time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
            )
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            rows, secs, mb = out.split()
            target = TARGETS.get(n)
            ok = target is None or float(secs) <= target
            failed |= not ok
            print(f"{int(rows):>9,} evaluations: read in {float(secs):6.2f} s, peak {float(mb):7.0f} MB"
                  + (f"  (target ≤ {target:.0f} s: {'ok' if ok else 'MISSED'})" if target else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
