"""The Vega bundle cache: made once per vl-convert version, reused, rewritten when it does not match."""

from __future__ import annotations

import pytest

from bohbvis.render import _bundle


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BOHBVIS_CACHE_DIR", str(tmp_path / "cache"))
    _bundle.vega_bundle.cache_clear()
    yield tmp_path / "cache"
    _bundle.vega_bundle.cache_clear()


def _no_vl_convert(monkeypatch):
    import vl_convert

    def fail(*a, **k):
        raise AssertionError("the bundle was made again instead of read from the cache")

    monkeypatch.setattr(vl_convert, "javascript_bundle", fail)


def test_first_build_writes_the_bundle_and_later_builds_read_it(cache, monkeypatch):
    import vl_convert

    made = vl_convert.javascript_bundle()
    text = _bundle.vega_bundle()
    assert text == made  # same bytes as vl-convert's own bundle: decks stay byte-identical
    path = _bundle.bundle_path()
    assert path.parent == cache and _bundle.vl_convert_version() in path.name
    assert path.read_bytes().startswith(b"// bohbvis vega bundle; vl-convert ")
    assert list(cache.iterdir()) == [path]  # the temp file was renamed, nothing left behind

    _bundle.vega_bundle.cache_clear()  # a new process: only the file remains
    _no_vl_convert(monkeypatch)
    assert _bundle.vega_bundle() == made


@pytest.mark.parametrize("damage", ["truncated", "other version", "edited body", "empty"])
def test_a_file_that_does_not_match_is_made_again(cache, monkeypatch, damage):
    text = _bundle.vega_bundle()
    path = _bundle.bundle_path()
    raw = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "other version":
        head, _, body = raw.partition(b"\n")
        path.write_bytes(head.replace(_bundle.vl_convert_version().encode(), b"0.0.1") + b"\n" + body)
    elif damage == "edited body":
        path.write_bytes(raw[:-10] + b"alert(1);\n")
    else:
        path.write_bytes(b"")
    _bundle.vega_bundle.cache_clear()
    assert _bundle.vega_bundle() == text
    assert path.read_bytes() == raw  # rewritten whole


def test_the_cache_dir_follows_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.delenv("BOHBVIS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _bundle.cache_dir() == tmp_path / "xdg" / "bohbvis"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: relative paths are invalid
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert _bundle.cache_dir() == tmp_path / "home" / ".cache" / "bohbvis"


def test_an_unwritable_cache_dir_still_builds(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("BOHBVIS_CACHE_DIR", str(blocker / "cache"))
    _bundle.vega_bundle.cache_clear()
    try:
        assert "vegaEmbed" in _bundle.vega_bundle()
    finally:
        _bundle.vega_bundle.cache_clear()
