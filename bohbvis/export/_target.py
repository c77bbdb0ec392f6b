"""What `-o` asks for (a PDF, a folder of PNGs, numbered PNGs next to a name) and how files land
there atomically: everything is written to a temporary name first and renamed, so an
interrupted export never leaves a half-written file."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .._output import _umask, check_file_target, check_folder_target, file_mode, write_atomic
from ..errors import BohbvisError

ALLOWED = ".pdf (one vector PDF), .png (numbered PNGs: slide.png -> slide-01.png, …), or a folder (slides/ -> slides/slide-01.png, …)"
DEFAULT_STEM = "slide"


@dataclass(frozen=True)
class Target:
    kind: str  # "pdf" | "png"
    path: Path  # the PDF file, or the folder the PNGs go into
    stem: str = DEFAULT_STEM  # PNG names: f"{stem}-{n:02d}.png"

    def png_names(self, count: int, suffixes: tuple[str, ...] | None = None) -> list[str]:
        """`slide-01.png` … (more digits past 99 so names still sort). `suffixes` tell pages of
        one slide apart when speaker notes run over onto a second page: `slide-03-2.png`."""
        digits = max(2, len(str(count)))
        suffixes = suffixes or ("",) * count
        return [f"{self.stem}-{n:0{digits}d}{s}.png" for n, s in zip(range(1, count + 1), suffixes)]


def resolve_target(output: str | Path) -> Target:
    text = str(output)
    path = Path(output)
    suffix = path.suffix.lower()
    if text.endswith(("/", os.sep)) or path.is_dir() or (not suffix and not path.exists()):
        return Target("png", check_folder_target(path))
    if suffix == ".pdf":
        return Target("pdf", check_file_target(path))
    if suffix == ".png":
        check_file_target(path.parent / f"{path.stem or DEFAULT_STEM}-01.png")
        return Target("png", check_folder_target(path.parent), stem=path.stem or DEFAULT_STEM)
    raise BohbvisError(
        f"cannot tell which format to export from '{output}' (suffix '{path.suffix}').",
        key="-o/--output",
        allowed=ALLOWED,
        hint="HTML decks are written by `bohbvis build`.",
    )


def write_file_atomic(path: Path, data: bytes) -> Path:
    """Write next to the target and rename (bohbvis._output: regular files only, the usual mode)."""
    return write_atomic(path, data)


def publish_files(folder: Path, files: Mapping[str, bytes], stale: re.Pattern[str] | None = None) -> list[Path]:
    """Write every file into a temporary folder first, then move them all into `folder`.

    A failure while writing leaves `folder` untouched. A new folder appears with all its files
    at once (one rename). In an existing folder each file is replaced by a rename, and files
    matching `stale` that this export did not write (slide-12.png from an earlier, longer
    deck) are removed, so the folder shows exactly this deck.
    """
    check_folder_target(folder)
    for name in files:
        check_file_target(folder / name)  # a folder or a device named like a page is not replaced
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name or 'export'}.", dir=folder.parent))
    except OSError as e:
        raise BohbvisError(f"cannot write the folder ({e.strerror or e}).", file=folder, key="-o/--output") from None
    try:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700; it may become the folder
        for name, data in files.items():
            (staging / name).write_bytes(data)
            os.chmod(staging / name, file_mode())
        if not folder.exists():
            os.replace(staging, folder)
        else:
            for name in files:
                os.replace(staging / name, folder / name)
            if stale is not None:
                for old in folder.iterdir():
                    if old.name not in files and stale.fullmatch(old.name) and old.is_file():
                        old.unlink()
    except OSError as e:
        raise BohbvisError(f"cannot write the folder ({e.strerror or e}).", file=folder, key="-o/--output") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in files]


def numbered_pattern(stem: str) -> re.Pattern[str]:
    """Names this exporter gives PNG pages of `stem` (used to clear stale pages)."""
    return re.compile(re.escape(stem) + r"-\d{2,}(-\d+)?\.png")
