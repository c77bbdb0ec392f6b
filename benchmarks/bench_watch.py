"""How long `bohbvis watch` takes to show a text-only edit, in a warm process.

    PYTHONPATH=. python benchmarks/bench_watch.py [--story advisor] [--data demo] [--repeat 3]

Copies the story to a temporary folder, builds it once (cold: imports, the run, every view),
then edits one slide's text and rebuilds, `--repeat` times, as the preview server does
(bohbvis.watch.Preview.build: make_deck with the run kept, then the HTML). Prints the cold
build, each warm rebuild, and make_deck alone. The issue's target: a text edit ≤ 0.3 s on the
demo run (which needs make_deck's view cache).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--story", default="advisor")
    ap.add_argument("--data", default="demo")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from bohbvis import api
    from bohbvis.story import load_story
    from bohbvis.story.loader import resolve_story_path
    from bohbvis.watch import Preview

    with tempfile.TemporaryDirectory() as tmp:
        story = Path(tmp) / "story.yaml"
        text = resolve_story_path(args.story).read_text(encoding="utf-8")
        story.write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        preview = Preview(story, data=args.data)
        cold = time.perf_counter() - t0
        assert preview.page.ok, preview.page.message
        warm, deck_only = [], []
        for i in range(args.repeat):
            edited = text.replace("title: ", f"title: Edit {i} — ", 1)
            story.write_text(edited, encoding="utf-8")
            page = preview.build()
            assert page.ok, page.message
            warm.append(page.seconds)
            run = preview._run(load_story(story))  # the run the preview keeps
            t = time.perf_counter()
            api.make_deck(story, data=run)
            deck_only.append(time.perf_counter() - t)
    print(f"cold build (story + run + every view + HTML): {cold:.2f} s")
    print("text edit, full rebuild (make_deck + HTML): " + ", ".join(f"{s:.3f}" for s in warm)
          + f" s (median {statistics.median(warm):.3f} s)")
    print("text edit, make_deck alone:                " + ", ".join(f"{s:.3f}" for s in deck_only)
          + f" s (median {statistics.median(deck_only):.3f} s)")


if __name__ == "__main__":
    main()
