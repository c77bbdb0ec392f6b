"""The Vega + Vega-Lite + vega-embed bundle, made once per vl-convert version and reused.

`vl_convert.javascript_bundle()` rebuilds the ≈0.9 MB bundle from its sources on every call
(1.5–5 s, the largest part of a build), yet it only changes when vl-convert does. So the first
build writes it to the user's cache directory and every later build reads the file back:

    $BOHBVIS_CACHE_DIR            (tests, CI, or a user who wants it elsewhere), else
    $XDG_CACHE_HOME/bohbvis       else  ~/.cache/bohbvis

The file is named by the vl-convert version, written atomically (temp file + rename, so two
builds at once never read half a file) and starts with a header that repeats the version and the
SHA-256 of the body; a file whose header does not match is ignored and rewritten. A cache
directory that cannot be written is not an error: the bundle is then made in memory, as before.
Reading the file needs no `import vl_convert` at all (the version comes from the package's
metadata), which keeps vl-convert's own import out of a warm build.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "vl-convert-python"
_HEADER = "// bohbvis vega bundle; vl-convert {version}; sha256 {digest}\n"


def cache_dir() -> Path:
    """Where bohbvis keeps files it can always make again (see the module docstring)."""
    explicit = os.environ.get("BOHBVIS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "bohbvis"


def vl_convert_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # e.g. a vendored build: ask the module itself
        import vl_convert

        return str(vl_convert.__version__)


def bundle_path(version: str | None = None) -> Path:
    version = version or vl_convert_version()
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in version)
    return cache_dir() / f"vega-bundle-{safe}.js"


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The bundle's text: from the cache file when it is valid, else made (and cached) now."""
    version = vl_convert_version()
    path = bundle_path(version)
    cached = _read(path, version)
    if cached is not None:
        return cached
    import vl_convert

    text = vl_convert.javascript_bundle()
    _write(path, version, text)
    return text


def _read(path: Path, version: str) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head, sep, body = raw.partition(b"\n")
    if not sep:
        return None
    digest = hashlib.sha256(body).hexdigest()
    if head + sep != _HEADER.format(version=version, digest=digest).encode():
        return None  # another version, or a damaged file: make it again
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _write(path: Path, version: str, text: str) -> None:
    body = text.encode("utf-8")
    data = _HEADER.format(version=version, digest=hashlib.sha256(body).hexdigest()).encode() + body
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return  # read-only home, full disk…: the deck still builds, just without the cache
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
