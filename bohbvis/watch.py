"""`bohbvis watch`: a live preview that follows the story as it is written.

The deck is served on 127.0.0.1 only. `watchfiles` reports changes to the story, the run's files
and the theme; each change rebuilds the deck in this process, so the run is read once and kept
until its files change (and the step views come from make_deck's cache), and the open pages are
told over server-sent events to reload. A reload keeps the URL, and the deck keeps its slide in
the URL hash (`#/3`), so the page comes back on the slide it was on. A story that does not
build is shown as its located errors (file:line:column, key, what is allowed) in the page, and
the server keeps serving: fixing the file brings the deck back.

    preview = Preview("story.yaml")
    server = PreviewServer(preview, port=0)     # port 0: any free port
    server.start(); …; server.stop()
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

from .errors import BohbvisError

HOST = "127.0.0.1"  # never another interface: the preview is for the author's own browser
EVENTS = "/__bohbvis/events"
KEEPALIVE_S = 10.0

# Added to the served page only (the file `bohbvis build` writes stays as it is): its CSP
# forbids every connection, and the preview needs one, back to this server.
RELOAD_SCRIPT = """<script>(function () {
  "use strict";
  var version = %d;
  var source = new EventSource("%s");
  source.addEventListener("build", function (event) {
    if (event.data !== String(version)) { source.close(); location.reload(); }
  });
})();</script>
"""


@dataclass(frozen=True)
class Page:
    version: int  # counts builds; the page reloads when the server's differs from its own
    body: bytes  # the HTML served at /
    ok: bool  # False: the page lists the story's errors
    seconds: float  # how long the build took
    message: str  # one line for the console


class Preview:
    """Builds the preview page (the deck, or the errors) and knows which files it depends on."""

    def __init__(self, story: str | Path | None = None, *, data: str | Path | None = None,
                 theme: str | None = None, format: str | None = None, metric: str | None = None,
                 strict: bool = False, allow_empty: bool = False, options: Any = None) -> None:
        self.story, self.data, self.theme, self.format, self.metric = story, data, theme, format, metric
        self.strict, self.allow_empty, self.options = strict, allow_empty, options  # as `bohbvis build`'s
        self._runs: dict[tuple, Any] = {}  # (source, format, metric) -> (files' signature, Run)
        self._watched: tuple[Path, ...] = ()
        self.version = 0
        self.page = self.build()

    # --- building ------------------------------------------------------------------------------

    def build(self) -> Page:
        from . import api
        from .render.html import render_html

        self.version += 1
        start = time.perf_counter()
        story_obj = None
        try:
            from .story import load_story

            story_obj = load_story(self.story or api.DEFAULT_STORY)
            if _is_multi_run(story_obj) and self.data is None:
                # A story comparing several runs (data: {name: path}): make_deck reads them all.
                deck = api.make_deck(story_obj, format=self.format, metric=self.metric, theme=self.theme,
                                     **self._deck_options(), options=self.options)
            else:
                deck = api.make_deck(story_obj, data=self._run(story_obj), theme=self.theme, **self._deck_options())
            body = _with_reload(render_html(deck), self.version)
            seconds = time.perf_counter() - start
            page = Page(self.version, body.encode("utf-8"), True, seconds,
                        f"built {len(deck.slides)} slides in {seconds:.2f} s")
        except BohbvisError as e:
            seconds = time.perf_counter() - start
            body = error_page(e, self.version, self._story_label())
            n = len(e.problems)
            page = Page(self.version, body.encode("utf-8"), False, seconds,
                        f"{n} problem{'s' if n != 1 else ''}, shown in the page:\n" + "\n".join(f"  {p}" for p in e.problems))
        except Exception as e:  # a bug, not the story's fault: say so, and keep the preview alive
            import traceback

            seconds = time.perf_counter() - start
            trace = traceback.format_exc()
            wrapped = BohbvisError(f"bohbvis failed while building ({type(e).__name__}: {e}). This is a bug in "
                                   "bohbvis, not in the story; please report it with the traceback below.")
            body = error_page(wrapped, self.version, self._story_label(), details=trace)
            page = Page(self.version, body.encode("utf-8"), False, seconds, f"internal error, shown in the page:\n{trace}")
        self._watched = self._files(story_obj)
        self.page = page
        return page

    def _deck_options(self) -> dict:
        return {"strict": self.strict, "allow_empty": self.allow_empty}

    def _run(self, story):
        """The run, read again only when its files changed since the last build."""
        from .load import read_run

        source = self.data if self.data is not None else story.data_path()
        metric = self.metric or story.metric
        key = (str(source), self.format, metric)
        signature = _signature(_data_files(source))
        cached = self._runs.get(key)
        if cached is not None and cached[0] == signature:
            return cached[1]
        run = read_run(source, format=self.format, metric=metric, options=self.options)
        self._runs = {key: (signature, run)}  # one run at a time: an edited `data:` drops the old one
        return run

    # --- what to watch -------------------------------------------------------------------------

    @property
    def watched(self) -> tuple[Path, ...]:
        """The files (and run folders) a change of which rebuilds the deck."""
        return self._watched

    def _story_label(self) -> str:
        return str(self.story or "advisor")

    def _files(self, story) -> tuple[Path, ...]:
        files: list[Path] = []
        story_path = _story_file(self.story)
        if story_path is not None:
            files.append(story_path)
        if story is not None:
            if self.data is not None:
                sources = [self.data]
            elif _is_multi_run(story):
                sources = list(story.data_paths().values())
            else:
                sources = [story.data_path()]
            files += [_source_file(source) for source in sources if not _shipped(source)]
            theme = self.theme or story.theme
            if theme and (theme.endswith(".css") or "/" in theme or "\\" in theme):
                t = Path(theme).expanduser()
                if not t.is_absolute() and story.path is not None:
                    t = story.path.parent / t
                files.append(t)
            files += _catalog_files(story)
        elif self.data is not None and not _shipped(self.data):
            files.append(_source_file(self.data))
        return tuple(dict.fromkeys(p.resolve() for p in files))


def _catalog_files(story) -> list[Path]:
    """The `<lang>.po` files next to the story its deck would read (ko-KR: ko_KR.po, ko.po), there
    or not yet: saving a translation rebuilds the deck in it."""
    from .i18n import SOURCE_LANGUAGE
    from .i18n._catalog import candidates

    lang = getattr(story, "lang", None) or SOURCE_LANGUAGE
    if story.path is None or candidates(lang)[-1] == SOURCE_LANGUAGE:
        return []
    return [story.path.parent / f"{name}.po" for name in candidates(lang)]


def _is_multi_run(story) -> bool:
    """A story whose `data:` names several runs (the comparison stories)."""
    return bool(getattr(story, "is_multi_run", False))


def _story_file(story) -> Path | None:
    from .story.loader import resolve_story_path

    try:
        return resolve_story_path(story or "advisor")
    except BohbvisError:
        p = Path(str(story))
        return p if p.suffix in (".yaml", ".yml") else None  # not there yet: watch for it to appear


def _shipped(source) -> bool:
    """A run shipped inside the package (demo, demo-next): named, never edited, not watched."""
    from . import load

    is_shipped = getattr(load, "is_shipped_run", lambda s: str(s) == "demo")
    return not isinstance(source, Path) and is_shipped(str(source))


def _source_file(source) -> Path:
    """The file or folder a run is read from (an Optuna `sqlite:///study.db` URL: its database)."""
    text = str(source)
    return Path(text[len("sqlite:///"):]) if text.startswith("sqlite:///") else Path(text)


def _data_files(source) -> list[Path]:
    if source is None or _shipped(source):
        return []
    p = _source_file(source)
    if not p.exists():
        return []
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.is_file())
    return [p]


def _signature(files: list[Path]) -> tuple:
    out = []
    for f in files:
        try:
            st = f.stat()
            out.append((str(f), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(f), None, None))
    return tuple(out)


def _with_reload(deck_html: str, version: int) -> str:
    from .render.html import CSP

    page = deck_html.replace(CSP, CSP + "; connect-src 'self'", 1)
    at = page.rfind("</body>")
    script = RELOAD_SCRIPT % (version, EVENTS)
    return page[:at] + script + page[at:] if at >= 0 else page + script


def error_page(error: BohbvisError, version: int, story: str, details: str | None = None) -> str:
    """The story's problems, one per item, each escaped (a message may quote the story's text)."""
    items = "".join(
        "<li><code>{where}</code>{key} {msg}{allowed}{hint}</li>".format(
            where=html.escape(_where(p)),
            key=f" <code>{html.escape(p.key)}</code>:" if p.key else "",
            msg=html.escape(p.message),
            allowed=f"<br><span class=allowed>Allowed: {html.escape(p.allowed)}</span>" if p.allowed else "",
            hint=f" <span class=hint>{html.escape(p.hint)}</span>" if p.hint else "",
        )
        for p in error.problems
    )
    n = len(error.problems)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; connect-src 'self'\">\n"
        f"<title>bohbvis: {n} problem{'s' if n != 1 else ''} in {html.escape(story)}</title>\n"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}"
        "h1{font-size:1.4rem;color:#b00020}li{margin:.6rem 0}code{background:#f3f3f3;padding:0 .2em}"
        ".allowed{color:#555}.hint{color:#0b57d0}</style>\n</head>\n<body>\n"
        f"<h1 class=\"bohbvis-errors\">The deck did not build: {n} problem{'s' if n != 1 else ''}</h1>\n"
        f"<ol class=\"problems\">{items}</ol>\n"
        + (f"<pre class=\"details\">{html.escape(details)}</pre>\n" if details else "") +
        "<p>Fix the file and save it: this page turns back into the deck, on the same slide.</p>\n"
        f"{RELOAD_SCRIPT % (version, EVENTS)}</body>\n</html>\n"
    )


def _where(p) -> str:
    if not p.file:
        return "story"
    where = str(p.file)
    if p.line is not None:
        where += f":{p.line}" + (f":{p.column}" if p.column is not None else "")
    return where


# --- the server -----------------------------------------------------------------------------------


class PreviewServer:
    """Serves `preview.page` at / and build events at EVENTS; `watch()` rebuilds on changes."""

    def __init__(self, preview: Preview, *, port: int = 8000,
                 log: Callable[[str], None] = lambda line: print(line, flush=True)) -> None:
        self.preview, self.log = preview, log
        self.stopping = threading.Event()
        self._changed = threading.Condition()
        try:
            self.httpd = ThreadingHTTPServer((HOST, port), _handler(self))
        except OSError as e:
            raise BohbvisError(f"cannot listen on {HOST}:{port}: {e.strerror or e}.", key="--port",
                               hint="Pass another --port, or --port 0 for any free one.") from None
        self.httpd.daemon_threads = True  # an open event stream never holds up Ctrl+C
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}/"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="bohbvis-watch-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()
        with self._changed:
            self._changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    def rebuild(self) -> Page:
        page = self.preview.build()
        with self._changed:
            self._changed.notify_all()
        self.log(page.message)
        return page

    def wait_for_build(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.preview.page.version != seen or self.stopping.is_set(), timeout)
        return self.preview.page.version

    def watch(self) -> None:
        """Rebuild on every change until stop(); a change of what to watch (a new `data:`) re-arms."""
        import watchfiles

        while not self.stopping.is_set():
            watched = self.preview.watched
            folders = sorted({str(p if p.is_dir() else p.parent) for p in watched if (p if p.is_dir() else p.parent).is_dir()})
            if not folders:
                self.stopping.wait()
                return

            def relevant(_change, path: str, watched=watched) -> bool:
                p = Path(path).resolve()
                return any(p == w or w in p.parents for w in watched)

            for _changes in watchfiles.watch(*folders, watch_filter=relevant, stop_event=self.stopping,
                                             recursive=False, debounce=400, step=50):
                self.rebuild()
                if self.preview.watched != watched:
                    break  # the story points at another run or theme now: watch those


def _handler(server: PreviewServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                page = server.preview.page
                self._send(200, "text/html; charset=utf-8", page.body)
            elif path == EVENTS:
                self._events()
            else:
                self._send(404, "text/plain; charset=utf-8", b"not found: the deck is at /\n")

        def _send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            seen = -1
            try:
                while not server.stopping.is_set():
                    version = server.preview.page.version
                    if version != seen:
                        self.wfile.write(f"event: build\ndata: {version}\n\n".encode())
                        seen = version
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    server.wait_for_build(seen, KEEPALIVE_S)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page went away (reloaded or closed)

        def log_message(self, format: str, *args) -> None:
            pass  # one line per build on the console, not one per request

    return Handler


def serve(story: str | Path | None = None, *, data: str | Path | None = None, port: int = 8000,
          open_browser: bool = False, theme: str | None = None, format: str | None = None,
          metric: str | None = None, strict: bool = False, allow_empty: bool = False, options: Any = None) -> None:
    """Build, serve and rebuild until Ctrl+C (what `bohbvis watch` runs)."""
    preview = Preview(story, data=data, theme=theme, format=format, metric=metric, strict=strict,
                      allow_empty=allow_empty, options=options)
    server = PreviewServer(preview, port=port)
    server.start()
    server.log(preview.page.message)
    server.log(f"serving {server.url} (watching {', '.join(str(p) for p in preview.watched) or 'nothing'}); "
               "Ctrl+C to stop")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.watch()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        server.log("stopped")
