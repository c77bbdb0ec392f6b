"""A one-shot build on two cores: the steps that need scikit-learn (or, in a story without any,
scipy.stats) are built in a forked child process while this process builds the others.

Why a process and not a thread: what those steps cost is importing scikit-learn (about 1 s) and
fitting forests through scikit-learn's Python layer (or importing scipy.stats), and all of it holds
the GIL — measured, a thread fitting the importance forests next to the other steps saves nothing. A forked child shares the
run already read (copy-on-write) and sends back the finished slides (pickled); the deck is the same
bytes either way (the same code on the same data; tests/test_parallel_build.py compares the two).

Only for a cold, one-shot build (`bohbvis build` / `export`, `make_deck(parallel=True)`): a warm
process rebuilding a deck takes its views from the view cache instead. Anything unusual falls
back to building those steps here: no `os.fork` (Windows), one core, a child that fails or whose
answer does not unpickle. BOHBVIS_PARALLEL=0 builds everything in this process.
"""

from __future__ import annotations

import os
import pickle
import warnings

# Kinds by the heavy library their build imports (a cold build pays the import: scikit-learn ≈ 1 s
# with the scipy.stats it loads, scipy.stats alone ≈ 0.4 s on a quiet 2-core machine).
SKLEARN_KINDS = frozenset({"importance", "embedding"})
SCIPY_KINDS = frozenset({"sampling", "correlations", "budgets", "next_experiment"})


def child_kinds(kinds: set[str]) -> frozenset[str]:
    """The kinds the child builds: the scikit-learn ones when the story has any (their import and
    fits are about what all other steps cost together), else the scipy.stats ones (then the
    other process never imports scipy)."""
    return SKLEARN_KINDS if kinds & SKLEARN_KINDS else SCIPY_KINDS


class Prebuilt:
    """A steps module (like bohbvis.steps._cache.VIEWS) that hands out slides built beforehand:
    `build(run, options)` returns the slide built for that step, or raises the error it raised."""

    def __init__(self, steps_module, built: dict[int, tuple[str, object]]) -> None:
        self._steps = steps_module
        self._built = built

    def build(self, run, options):
        outcome, value = self._built[options.index]
        if outcome == "error":
            raise value
        return value

    def get(self, kind: str):
        return self._steps.get(kind)


def prebuild(story, run, steps_module):
    """Build every step of the story, the `child_kinds` ones in a forked child when that can help;
    a Prebuilt steps module with the results (or `steps_module` itself when nothing is gained)."""
    specs = list(story.steps)
    theirs = child_kinds({s.options.kind for s in specs})
    child_specs = [s for s in specs if s.options.kind in theirs]
    own_specs = [s for s in specs if s.options.kind not in theirs]
    if (not child_specs or not own_specs or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2
            or os.environ.get("BOHBVIS_PARALLEL") == "0"):
        return steps_module
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # Python ≥ 3.12 warns about fork in a process with threads
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: build, send, and leave without running any of the parent's exit code
        os.close(read_end)
        _child(write_end, run, child_specs, steps_module)
    os.close(write_end)
    built: dict[int, tuple[str, object]] = {}
    try:
        for spec in own_specs:
            built[spec.options.index] = _outcome(steps_module, run, spec.options)
        _announce(child_specs)  # the progress line names what is left: the child's steps
        answer = _read_all(read_end)
    except BaseException:
        _stop(pid)
        raise
    finally:
        os.close(read_end)
    ok = _reap(pid) and answer
    from_child = None
    if ok:
        try:
            from_child = pickle.loads(answer)
        except Exception:  # noqa: BLE001 — an answer that does not load: build those steps here
            from_child = None
    for spec in child_specs:
        got = from_child.get(spec.options.index) if from_child else None
        built[spec.options.index] = got if got is not None else _outcome(steps_module, run, spec.options)
    return Prebuilt(steps_module, built)


def _announce(specs) -> None:
    from .steps import ON_BUILD

    hook = ON_BUILD.get()
    if hook is not None:
        for spec in specs:
            hook(spec.options)


def _outcome(steps_module, run, options) -> tuple[str, object]:
    from .errors import BohbvisError

    try:
        return ("slide", steps_module.build(run, options))
    except BohbvisError as e:
        return ("error", e)


def _child(write_end: int, run, specs, steps_module) -> None:
    import sys

    status = 1
    try:
        from .steps import ON_BUILD

        ON_BUILD.set(None)  # the parent's progress line is not the child's to draw
        # Fresh stdout/stderr objects: a lock the parent's progress thread held at the fork
        # (it redraws stderr) would otherwise stay held here forever, and a warning would hang.
        sys.stdout = open(os.dup(1), "w", encoding=getattr(sys.stdout, "encoding", None) or "utf-8", errors="replace")
        sys.stderr = open(os.dup(2), "w", encoding=getattr(sys.stderr, "encoding", None) or "utf-8", errors="replace")
        results = {}
        for spec in specs:
            try:
                results[spec.options.index] = _outcome(steps_module, run, spec.options)
            except Exception:  # noqa: BLE001 — the parent builds this step again and shows the error itself
                results[spec.options.index] = None
        data = pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view):]
        status = 0
    except BaseException:  # noqa: BLE001 — whatever happens, the parent falls back
        status = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(status)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _reap(pid: int) -> bool:
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _stop(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
