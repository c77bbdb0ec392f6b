"""The preview behind `bohbvis watch`, without a browser: what it watches, the run it keeps, the
event stream, escaped error pages, and the server surviving a failing build."""

from __future__ import annotations

import http.client
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from bohbvis.errors import BohbvisError
from bohbvis.watch import EVENTS, Preview, PreviewServer
from testdata import HPB

ROOT = Path(__file__).parent.parent


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(HPB / "hpbandster_example_5_mnist", tmp_path / "run")
    shutil.copy(ROOT / "themes" / "dark.css", tmp_path / "mine.css")
    story = tmp_path / "story.yaml"
    story.write_text("title: T\ndata: run\ntheme: mine.css\nsteps:\n  - kind: markdown\n"
                     "    text: \"{{ run.n_evaluations }} evaluations\"\n", encoding="utf-8")
    return story


def test_watches_story_run_and_theme_and_keeps_the_run_until_its_files_change(project):
    preview = Preview(project)
    assert preview.page.ok, preview.page.message
    folder = project.parent.resolve()
    assert set(preview.watched) == {folder / "story.yaml", folder / "run", folder / "mine.css"}
    assert b"113 evaluations" in preview.page.body
    ((_key, (_signature, run)),) = preview._runs.items()  # one run kept

    project.write_text(project.read_text(encoding="utf-8").replace("}} evaluations", "}} runs"), encoding="utf-8")
    page = preview.build()
    assert page.ok and b"113 runs" in page.body and page.version == 2
    assert next(iter(preview._runs.values()))[1] is run  # a text edit does not read the run again

    results = project.parent / "run" / "results.json"
    lines = results.read_text(encoding="utf-8").splitlines(keepends=True)
    results.write_text("".join(lines[:-1]), encoding="utf-8")  # the run lost its last evaluation
    page = preview.build()
    assert b"112 runs" in page.body
    assert next(iter(preview._runs.values()))[1] is not run


def test_served_page_may_connect_back_and_reloads_on_a_new_build(project):
    page = Preview(project).page.body.decode("utf-8")
    csp = page.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert page.rstrip().endswith("</html>") and f'new EventSource("{EVENTS}")' in page


def test_error_page_is_escaped_and_located(project):
    project.write_text("title: T\ndata: run\nsteps:\n  - kind: markdown\n"
                       "    text: \"{{ run.<script>alert(1)</script> }}\"\n  - kind: nope\n", encoding="utf-8")
    page = Preview(project).page
    body = page.body.decode("utf-8")
    assert not page.ok and "<script>alert(1)" not in body
    assert f"{project}:6:11" in body and "steps[1].kind" in body
    assert "2 problems" in page.message


def test_a_crashing_step_is_shown_and_the_preview_survives(project, monkeypatch):
    from bohbvis import steps

    preview = Preview(project)
    original = steps.get("markdown").build

    def broken(run, options):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(steps.get("markdown"), "build", broken)
    page = preview.build()
    assert not page.ok and b"ZeroDivisionError: boom" in page.body and b"This is a bug in" in page.body
    monkeypatch.setattr(steps.get("markdown"), "build", original)
    assert preview.build().ok


def _events(url_port: int, n: int, timeout: float = 20) -> list[str]:
    conn = http.client.HTTPConnection("127.0.0.1", url_port, timeout=timeout)
    conn.request("GET", EVENTS)
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("Content-Type") == "text/event-stream"
    seen = []
    while len(seen) < n:
        line = response.fp.readline().decode()
        if line.startswith("data: "):
            seen.append(line[6:].strip())
    conn.close()
    return seen


def test_server_streams_build_events_serves_only_loopback_and_stops(project):
    server = PreviewServer(Preview(project), port=0, log=lambda line: None)
    server.start()
    try:
        host, port = server.httpd.server_address
        assert host == "127.0.0.1"
        got: list[str] = []
        reader = threading.Thread(target=lambda: got.extend(_events(port, 2)))
        reader.start()
        time.sleep(0.5)
        server.rebuild()
        reader.join(timeout=30)
        assert got == ["1", "2"]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.status == 200 and b"113 evaluations" in response.read()
        conn.request("GET", "/../../etc/passwd")
        assert conn.getresponse().status == 404
        conn.close()
        with pytest.raises(BohbvisError) as err:
            PreviewServer(server.preview, port=port)
        assert "--port" in str(err.value)
    finally:
        server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
