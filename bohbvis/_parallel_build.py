"""A one-shot build on two cores: a forked helper process imports scipy.stats / scikit-learn and
computes the story's heavy numbers (bohbvis/steps/_heavy.py: fANOVA forests, the embedding, the
statistical tests) while this process reads the run and draws every chart.

Why this split: in a cold build, importing those libraries (about 1 s) and fitting the forests
are most of the work that is not drawing, and all of it holds the GIL (a thread saves nothing).
Drawing needs Altair, the numbers never do: so the helper never imports Altair, this process
never imports scipy or scikit-learn, and the helper starts right after the story is read — before
the run is — so its imports overlap this process's (Altair, the run). It gets the run through a
pipe (pickled; a run handed in as an object is shared by the fork instead) and sends back each
step's numbers as soon as they are ready; the deck is the same bytes either way (the same
functions on the same data; tests/test_parallel_build.py compares the two).

Only for a cold, one-shot build (`bohbvis build` / `export`, `make_deck(parallel=True)`): a warm
process rebuilding a deck takes its views from the view cache instead. Anything unusual falls
back to computing the numbers here: no `os.fork` (Windows), one core, a helper that fails, stays
silent or sends what does not unpickle. BOHBVIS_PARALLEL=0 builds everything in this process.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
import time
import warnings

# Seconds this process waits for a silent helper before computing its numbers itself (at least;
# ten times this process's own share of the work when that is longer: t-SNE on 10⁵ rows is slow).
PATIENCE = 120.0
PATIENCE_FACTOR = 10
# Runs larger than this are not pickled to the helper: it is forked again once the run is read and
# shares it (copy-on-write) — the libraries' import is then a small part of the numbers' time.
MAX_SENT_ROWS = 200_000
_LENGTH = struct.Struct(">Q")


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


class Helper:
    """The forked process computing the heavy steps' numbers: `start` it once the story is loaded,
    then `prebuild` once the run is read, or `stop` it (a no-op after prebuild)."""

    def __init__(self, story, pid: int, to_child: int, from_child: int, specs: list, shares_run: bool) -> None:
        self.story = story
        self.pid, self.to_child, self.from_child = pid, to_child, from_child
        self.specs = specs  # the heavy steps, in the order the helper computes them
        self.shares_run = shares_run
        self.sender: threading.Thread | None = None  # writing the run to the helper

    @classmethod
    def start(cls, story, run=None) -> Helper | None:
        """Fork the helper for the story's heavy steps (None when there are none or it cannot help).
        `run`: the run, when already in memory (shared by the fork, never pickled)."""
        from .steps import get
        from .steps._heavy import is_heavy

        if not hasattr(os, "fork") or _cores() < 2 or os.environ.get("BOHBVIS_PARALLEL") == "0":
            return None
        specs = [s for s in story.steps if is_heavy(get(s.options.kind))]
        if not specs or len(specs) == len(story.steps):
            return None
        specs.sort(key=lambda s: _order(get(s.options.kind), s.options))
        down_r, down_w = os.pipe()  # the run -> the helper
        up_r, up_w = os.pipe()  # the numbers -> this process
        with warnings.catch_warnings():  # Python ≥ 3.12 warns about fork in a process with threads
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the helper: compute, send, and leave without running any of the parent's exit code
            os.close(down_w)
            os.close(up_r)
            _child(down_r, up_w, specs, run)
        os.close(down_r)
        os.close(up_w)
        return cls(story, pid, down_w, up_r, specs, shares_run=run is not None)

    def prebuild(self, run, steps_module):
        """Build every step of the story: the light ones here at once, the heavy ones as their
        numbers arrive (computed here when the helper does not send them). A Prebuilt steps module."""
        from .steps._heavy import given

        if not self.shares_run and len(run.table) > MAX_SENT_ROWS:
            self.stop()  # too big to pickle: a helper forked now shares it
            again = Helper.start(self.story, run)
            return again.prebuild(run, steps_module) if again is not None else steps_module
        started = time.monotonic()
        built: dict[int, tuple[str, object]] = {}
        heavy = {s.options.index: s for s in self.specs}
        try:
            if not self.shares_run:
                # Written from a thread (the write waits, without the GIL, until the helper has
                # imported its libraries and reads): this process draws meanwhile.
                self.sender = threading.Thread(target=_send, args=(self.to_child, _pickled(run)), daemon=True)
                self.sender.start()
            else:
                os.close(self.to_child)
            self.to_child = None  # closed, or the sender's to close
            for spec in self.story.steps:
                if spec.options.index not in heavy:
                    built[spec.options.index] = _outcome(steps_module, run, spec.options)
            patience = max(PATIENCE, PATIENCE_FACTOR * (time.monotonic() - started))
            for index, outcome in _answers(self.from_child, patience):
                if index in heavy and index not in built:
                    with given(index, outcome):
                        built[index] = _outcome(steps_module, run, heavy[index].options)
        finally:
            self.stop()
        for spec in self.specs:  # what the helper did not send: computed here
            if spec.options.index not in built:
                built[spec.options.index] = _outcome(steps_module, run, spec.options)
        return Prebuilt(steps_module, built)

    def stop(self) -> None:
        """Make sure the helper is gone (stopped if it still works) and close the pipes."""
        if self.pid is not None:
            _stop(self.pid)
            self.pid = None
        if self.sender is not None:  # the helper is gone: its end of the pipe is closed, the write ends
            self.sender.join()
            self.sender = None
        for attr in ("to_child", "from_child"):
            fd = getattr(self, attr)
            if fd is not None:
                os.close(fd)
                setattr(self, attr, None)


def _order(module, options) -> tuple:
    """The helper's order: the quick scipy-only numbers first, then the scikit-learn ones, the
    slowest last — this process draws every other slide while the slowest is computed, and only
    that one is left to draw when its numbers arrive."""
    cost = getattr(module, "numbers_cost", None)
    return ("sklearn" in module.HEAVY_IMPORTS, cost(options) if cost else 0.0)


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _outcome(steps_module, run, options) -> tuple[str, object]:
    from .errors import BohbvisError

    try:
        return ("slide", steps_module.build(run, options))
    except BohbvisError as e:
        return ("error", e)


# --- the helper's side --------------------------------------------------------------------------


def _child(down: int, up: int, specs, run) -> None:
    import importlib
    import sys

    status = 1
    try:
        from .steps import get
        from .steps._heavy import outcome_of

        # Fresh stdout/stderr objects: a lock the parent's progress thread held at the fork
        # (it redraws stderr) would otherwise stay held here forever, and a warning would hang.
        sys.stdout = open(os.dup(1), "w", encoding=getattr(sys.stdout, "encoding", None) or "utf-8", errors="replace")
        sys.stderr = open(os.dup(2), "w", encoding=getattr(sys.stderr, "encoding", None) or "utf-8", errors="replace")
        for name in sorted({m for s in specs for m in getattr(get(s.options.kind), "HEAVY_IMPORTS", ())}):
            importlib.import_module(name)  # while the parent imports Altair and reads the run
        if run is None:
            run = _receive_run(down)
        os.close(down)
        if run is not None:
            for spec in specs:
                outcome = outcome_of(run, spec.options, get(spec.options.kind).analyze)
                try:  # each step's numbers alone: one that does not pickle is computed by the parent
                    data = pickle.dumps((spec.options.index, outcome), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001
                    continue
                _write_all(up, _LENGTH.pack(len(data)) + data)
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


def _pickled(run) -> bytes:
    """The run as bytes, pickled here (in the thread that uses it: its lazily computed parts change)."""
    try:
        return pickle.dumps(run, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 — nothing sent: the helper stops, the numbers are computed here
        return b""


def _send(fd: int, data: bytes) -> None:
    """Write `data` into the pipe, then close it (the helper reads to the end)."""
    try:
        with open(fd, "wb") as pipe:
            pipe.write(data)
    except OSError:
        pass  # the helper is gone: the numbers are computed here


def _receive_run(fd: int):
    try:
        with open(fd, "rb", closefd=False) as pipe:
            return pickle.load(pipe)
    except Exception:  # noqa: BLE001 — nothing (the parent stopped early) or a broken pickle
        return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# --- reading the helper's answers -----------------------------------------------------------------


def _answers(fd: int, patience: float):
    """(step index, outcome) as the helper sends them, until it is done, or silent for `patience`
    seconds (a library's lock held at the fork), or what it sends does not unpickle."""
    buffer = b""
    while True:
        while len(buffer) >= _LENGTH.size and len(buffer) >= _LENGTH.size + _LENGTH.unpack_from(buffer)[0]:
            size = _LENGTH.unpack_from(buffer)[0]
            data, buffer = buffer[_LENGTH.size:_LENGTH.size + size], buffer[_LENGTH.size + size:]
            try:
                yield pickle.loads(data)
            except Exception:  # noqa: BLE001 — the rest is computed here
                return
        chunk = _read(fd, patience)
        if not chunk:
            return
        buffer += chunk


def _read(fd: int, patience: float) -> bytes:
    import select

    ready, _, _ = select.select([fd], [], [], patience)
    return os.read(fd, 1 << 20) if ready else b""


def _stop(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass
