"""Writing outputs safely: every file the CLI or the API writes goes through here.

- A file is written to a temporary name in the target's own folder and renamed over the target
  only when it is complete (same folder, so the rename is atomic): a build that is killed, a full
  disk or an error leaves the previous file untouched, and two builds to the same path leave one
  whole deck (the last rename wins).
- Only a regular file is ever replaced: a folder, a device such as /dev/full, a FIFO, a socket or
  a symbolic link at the target is refused with one message, as is a target under a regular file.
- The new file gets the user's usual mode (0666 minus the umask), like any editor or `cp` would
  give it, not the 0600 of `mkstemp`, so a web server or a colleague can read the deck.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import BohbvisError

KEY = "-o/--output"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a new file gets from an ordinary program: 0666 minus the umask."""
    return 0o666 & ~_umask()


def _check_parents(path: Path, key: str) -> None:
    """The nearest existing folder above `path` must be a folder, not a file (`-o notes.txt/deck.html`)."""
    for parent in path.parents:
        if parent.exists():  # follows links: a linked folder is a folder
            if not parent.is_dir():
                raise BohbvisError(f"cannot write here: {parent} is a file, not a folder.", file=path, key=key,
                                   allowed="a path whose folders are folders (missing ones are created)")
            return


def check_file_target(path: str | Path, *, key: str = KEY) -> Path:
    """Refuse, before any work, a target that is not (or cannot become) a regular file."""
    path = Path(path)
    if str(path) in ("", "."):
        raise BohbvisError("no file name given.", key=key)
    _check_parents(path, key)
    try:
        st = path.lstat()
    except FileNotFoundError:
        return path
    except OSError as e:
        raise BohbvisError(f"cannot use this path ({e.strerror}).", file=path, key=key) from None
    if stat.S_ISREG(st.st_mode):
        return path
    what = ("a folder" if stat.S_ISDIR(st.st_mode) else "a symbolic link" if stat.S_ISLNK(st.st_mode)
            else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a named pipe" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "not a regular file")
    raise BohbvisError(f"is {what}; bohbvis only writes or replaces regular files.", file=path, key=key,
                       allowed="a new file name, or an existing regular file to replace")


def check_folder_target(path: str | Path, *, key: str = KEY) -> Path:
    """A folder to write into: missing (it is created) or an existing folder, never a file."""
    path = Path(path)
    _check_parents(path, key)
    if path.exists() and not path.is_dir():
        raise BohbvisError("is a file, not a folder.", file=path, key=key,
                           allowed="a folder (created if missing)")
    return path


def _os_error(e: OSError, path: Path, key: str) -> BohbvisError:
    return BohbvisError(f"cannot write the file ({e.strerror or e}).", file=path, key=key)


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files a killed build left next to `path` (its process is gone): removed, so
    `kill -9` leaves litter only until the next build."""
    try:
        candidates = list(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return
    for tmp in candidates:
        parts = tmp.name[len(path.name) + 2:].split(".")
        if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) == os.getpid():
            continue
        try:
            os.kill(int(parts[0]), 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except (PermissionError, OSError):
            pass  # another user's live process, or cannot tell: leave it


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


@contextmanager
def atomic_path(path: str | Path, *, key: str = KEY) -> Iterator[Path]:
    """A temporary path next to `path` to write to; renamed over `path` when the block ends
    without error, removed otherwise. For writers that want a path (pandas, pyarrow)."""
    path = check_file_target(path, key=key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _os_error(e, path, key) from None
    _remove_stale_temporaries(path)
    tmp = None
    for n in range(100):  # O_EXCL: never reuse a name another build is writing at the same moment
        candidate = path.parent / f".{path.name}.{os.getpid()}.{n}.tmp"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
        except FileExistsError:
            continue
        except OSError as e:
            raise _os_error(e, path, key) from None
        os.close(fd)
        tmp = candidate
        break
    if tmp is None:
        raise BohbvisError("cannot create a temporary file next to the target.", file=path, key=key)
    try:
        yield tmp
        check_file_target(path, key=key)  # nothing else took the name meanwhile (a folder, a link)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise _os_error(e, path, key) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes | str, *, key: str = KEY) -> Path:
    """Write `data` to `path` through a temporary file in the same folder (see the module doc)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    with atomic_path(path, key=key) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename makes it the deck
    return path
