"""A one-shot build on two cores: a forked child process builds the steps that need scikit-learn
(or, in a story without any, scipy.stats) and then helps with the others, which this process
builds meanwhile.

Why a process and not a thread: what those steps cost is importing scikit-learn (about 1 s) and
fitting forests through scikit-learn's Python layer (or importing scipy.stats), and all of it holds
the GIL — measured, a thread fitting the importance forests next to the other steps saves nothing.
A forked child shares the run already read (copy-on-write) and sends back the finished slides
(pickled); the deck is the same bytes either way (the same code on the same data;
tests/test_parallel_build.py compares the two).

Only for a cold, one-shot build (`bohbvis build` / `export`, `make_deck(parallel=True)`): a warm
process rebuilding a deck takes its views from the view cache instead. Anything unusual falls
back to building those steps here: no `os.fork` (Windows), one core, a child that fails or whose
answer does not unpickle. BOHBVIS_PARALLEL=0 builds everything in this process.
"""

from __future__ import annotations

import os
import pickle
import time
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


# Quick kinds, always built here (markdown and title read the story's own text, and a markdown
# slide does not pickle).
STAY_KINDS = frozenset({"title", "markdown", "overview", "glossary"})
# Step numbers in the work queue, 2 bytes each: written before anyone reads, they must fit in a
# pipe's buffer (16 KB on macOS, 64 KB on Linux). A longer story is built in one process.
MAX_QUEUED = 2_000
# Seconds the parent waits for a silent child before building its steps itself (at least; ten
# times the parent's own share of the work when that is longer: t-SNE on 10⁵ rows is slow).
PATIENCE = 120.0
PATIENCE_FACTOR = 10


def prebuild(story, run, steps_module):
    """Build every step of the story on two processes; a Prebuilt steps module with the results (or
    `steps_module` itself when a child cannot help).

    The child starts with the `child_kinds` steps; every other step (but the STAY_KINDS ones) waits
    in a shared queue — a pipe holding each step's number, read two bytes at a time by both
    processes, so each step is taken exactly once, by whichever process is free first. That
    balances the two however busy the machine is."""
    specs = list(story.steps)
    theirs = child_kinds({s.options.kind for s in specs})
    child_specs = [s for s in specs if s.options.kind in theirs]
    queued = [s for s in specs if s.options.kind not in theirs and s.options.kind not in STAY_KINDS]
    if (not child_specs or len(child_specs) == len(specs) or len(queued) > MAX_QUEUED or not hasattr(os, "fork")
            or _cores() < 2 or os.environ.get("BOHBVIS_PARALLEL") == "0"):
        return steps_module
    if theirs is SKLEARN_KINDS and any(s.options.kind in SCIPY_KINDS for s in specs):
        # Both processes need scipy.stats (scikit-learn imports it too): imported once, before
        # the fork, rather than twice after it (0.4–0.6 s of CPU each time).
        import scipy.stats  # noqa: F401
    by_index = {s.options.index: s for s in specs}
    queue, filler = os.pipe()
    os.write(filler, b"".join(s.options.index.to_bytes(2, "big") for s in queued))
    os.close(filler)  # drained, the queue reads as empty (EOF) in both processes
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # Python ≥ 3.12 warns about fork in a process with threads
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: build, send, and leave without running any of the parent's exit code
        os.close(read_end)
        _child(write_end, queue, run, child_specs, by_index, steps_module)
    os.close(write_end)
    built: dict[int, tuple[str, object]] = {}
    started = time.monotonic()
    try:
        for spec in specs:
            if spec.options.kind in STAY_KINDS:
                built[spec.options.index] = _outcome(steps_module, run, spec.options)
        while (index := _take(queue)) is not None:
            built[index] = _outcome(steps_module, run, by_index[index].options)
        _announce([s for s in specs if s.options.index not in built])  # the progress line: what is left
        # A child that stops answering (a library's lock held at the fork, say) must not hang the
        # build: past a generous wait it is stopped and its steps are built here.
        answer = _read_all(read_end, patience=max(PATIENCE, PATIENCE_FACTOR * (time.monotonic() - started)))
        if answer is None:
            _stop(pid)
            pid = None
    except BaseException:
        if pid is not None:
            _stop(pid)
        raise
    finally:
        os.close(read_end)
        os.close(queue)
    from_child: dict = {}
    if pid is not None and _reap(pid) and answer:
        try:
            from_child = pickle.loads(answer)
        except Exception:  # noqa: BLE001 — an answer that does not load: build those steps here
            from_child = {}
    for spec in specs:
        index = spec.options.index
        if index not in built:
            got = _unpickled(from_child.get(index))
            built[index] = got if got is not None else _outcome(steps_module, run, spec.options)
    return Prebuilt(steps_module, built)


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _take(queue: int) -> int | None:
    """The next step number from the shared queue, None when it is empty."""
    item = os.read(queue, 2)
    return int.from_bytes(item, "big") if len(item) == 2 else None


def _unpickled(data: bytes | None):
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 — built here instead
        return None


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


def _child(write_end: int, queue: int, run, specs, by_index, steps_module) -> None:
    import sys

    status = 1
    try:
        from .steps import ON_BUILD

        ON_BUILD.set(None)  # the parent's progress line is not the child's to draw
        # Fresh stdout/stderr objects: a lock the parent's progress thread held at the fork
        # (it redraws stderr) would otherwise stay held here forever, and a warning would hang.
        sys.stdout = open(os.dup(1), "w", encoding=getattr(sys.stdout, "encoding", None) or "utf-8", errors="replace")
        sys.stderr = open(os.dup(2), "w", encoding=getattr(sys.stderr, "encoding", None) or "utf-8", errors="replace")
        results: dict[int, bytes | None] = {}

        def build(spec) -> None:
            try:  # each slide pickled alone: one that cannot be is built again by the parent, not all
                results[spec.options.index] = pickle.dumps(_outcome(steps_module, run, spec.options),
                                                           protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 — the parent builds this step again and shows the error itself
                results[spec.options.index] = None

        for spec in specs:
            build(spec)
        while (index := _take(queue)) is not None:
            build(by_index[index])
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


def _read_all(fd: int, patience: float) -> bytes | None:
    """Everything the child writes, or None when it has been silent for `patience` seconds."""
    import select

    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], patience)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


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
