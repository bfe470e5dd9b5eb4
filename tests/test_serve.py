"""The preview server: the built site with live reload injected, the last good
site kept after a failed rebuild, and WSGI apps mounted under a prefix."""

from __future__ import annotations

import gc
import http.client
import json
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_project
from generator.serve import Preview, PreviewServer, default_mounts
from tests.sitekit import make_draft, save


def echo_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """A WSGI app that says what it was given."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    seen = {k: environ[k] for k in ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")}
    seen["body"] = body.decode()
    seen["cookie"] = environ.get("HTTP_COOKIE", "")
    seen["has_preview"] = isinstance(environ.get("satire.preview"), Preview)
    start_response("201 Created", [("Content-Type", "application/json"), ("X-Desk", "yes")])
    return [json.dumps(seen).encode()]


def make_desk(project: Any, preview: Preview) -> Any:
    """A factory as DEFAULT_MOUNTS names them: (project, preview) -> WSGI app."""
    return echo_app


@pytest.fixture
def server(demo_project: Path) -> Iterator[PreviewServer]:
    save(demo_project, make_draft("premier"))
    preview = Preview(load_project(demo_project))
    assert preview.rebuild()
    srv = PreviewServer(("127.0.0.1", 0), preview, {"/_desk/": echo_app})
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    preview.stop.set()
    srv.shutdown()
    srv.server_close()


def get(
    srv: PreviewServer,
    path: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def test_pages_get_live_reload_only_when_served(server: PreviewServer) -> None:
    status, headers, body = get(server, "/posts/premier/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b'<script src="/_livereload.js"' in body and body.index(b"_livereload.js") < body.index(
        b"</body>"
    )
    on_disk = (server.preview.out / "posts/premier/index.html").read_bytes()
    assert b"_livereload" not in on_disk
    status, headers, body = get(server, "/_livereload.js")
    assert status == 200 and b"EventSource" in body
    status, headers, body = get(server, "/theme/style.css")
    assert (
        status == 200
        and headers["content-type"].startswith("text/css")
        and b"_livereload" not in body
    )


def test_missing_page_is_404_and_a_bare_folder_redirects(server: PreviewServer) -> None:
    status, _, body = get(server, "/no/such/page/")
    assert status == 404 and b"Page introuvable" in body
    status, headers, _ = get(server, "/posts/premier")
    assert status == 302 and headers["location"] == "/posts/premier/"


def escapes_to_config(server: PreviewServer) -> str:
    """A relative path from the preview root (.satire/preview/site) to the project's satire.yaml."""
    root = server.preview.out.resolve()
    config = (server.preview.project.root / "satire.yaml").resolve()
    ups = len(root.relative_to(config.parent).parts)
    return "../" * ups + "satire.yaml"


@pytest.mark.parametrize("encode", [False, True], ids=["plain", "percent-encoded"])
def test_a_path_escaping_the_preview_root_is_404(server: PreviewServer, encode: bool) -> None:
    escape = escapes_to_config(server)
    assert (
        (server.preview.out / escape).resolve().is_file()
    )  # the file the traversal would reach exists
    path = "/" + (escape.replace(".", "%2e").replace("/", "%2f") if encode else escape)
    status, _, body = get(server, path)
    assert status == 404 and b"Page introuvable" in body and b"posts_per_page" not in body


def test_a_symlink_out_of_the_preview_root_is_not_followed(server: PreviewServer) -> None:
    project = server.preview.project.root
    (server.preview.out / "leak").symlink_to(project, target_is_directory=True)
    (server.preview.out / "leak.yaml").symlink_to(project / "satire.yaml")
    for path in ("/leak/satire.yaml", "/leak.yaml"):
        status, _, body = get(server, path)
        assert status == 404 and b"posts_per_page" not in body, path


def test_failed_rebuild_keeps_last_good_site_and_shows_error(server: PreviewServer) -> None:
    project = server.preview.project
    (project.root / "templates").mkdir()
    (project.root / "templates/post.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ oops( }}{% endblock %}"
    )
    assert not server.preview.rebuild()
    status, _, body = get(server, "/posts/premier/")
    assert status == 200 and b"Titre de premier" in body
    assert b'id="satire-build-error"' in body and b"templates/post.html" in body


def test_rebuild_reads_the_changed_config(server: PreviewServer) -> None:
    config = server.preview.project.root / "satire.yaml"
    config.write_text(config.read_text().replace("Le Satiriste Numérique", "Un Autre Titre"))
    assert server.preview.rebuild()
    assert b"Un Autre Titre" in get(server, "/posts/premier/")[2]
    config.write_text(config.read_text() + "\nnot_a_key: 1\n")
    assert not server.preview.rebuild()
    status, _, body = get(server, "/posts/premier/")
    assert (
        status == 200 and b"Un Autre Titre" in body and b"not_a_key" in body
    )  # last good site, and the error


def test_event_stream_announces_rebuilds(server: PreviewServer) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    conn.request("GET", "/_livereload")
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    first = b""
    while b"data:" not in first:
        first += response.fp.readline()
    version = server.preview.version
    assert f"data: {version}".encode() in first
    threading.Timer(0.2, server.preview.rebuild).start()
    later = b""
    while f"data: {version + 1}".encode() not in later:
        later += response.fp.readline()
    conn.close()


def test_mounted_wsgi_app_gets_its_prefix(server: PreviewServer) -> None:
    status, headers, body = get(
        server,
        "/_desk/drafts/abc?x=1",
        method="POST",
        body=b"note=ok",
        headers={"Cookie": "s=1", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 201 and headers["x-desk"] == "yes"
    seen = json.loads(body)
    assert seen == {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/_desk",
        "PATH_INFO": "/drafts/abc",
        "QUERY_STRING": "x=1",
        "body": "note=ok",
        "cookie": "s=1",
        "has_preview": True,
    }
    status, _, body = get(server, "/_desk")
    assert status == 201 and json.loads(body)["PATH_INFO"] == "/"
    status, _, _ = get(server, "/posts/premier/")
    assert status == 200  # the site is still served beside the mount


def test_default_mounts_load_when_their_module_exists(
    demo_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(demo_project)
    preview = Preview(project)
    monkeypatch.setattr(
        "generator.serve.DEFAULT_MOUNTS",
        {"/_desk/": "tests.test_serve:make_desk", "/_gone/": "generator.no_such_module:app"},
    )
    assert default_mounts(project, preview) == {"/_desk/": echo_app}


def test_serve_cli_binds_loopback_by_default(demo_project: Path) -> None:
    import os
    import re
    import subprocess
    import sys

    from tests.conftest import REPO

    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0"],
        cwd=demo_project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"http://(127\.0\.0\.1):(\d+)/", line)
        assert match, line
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(2)), timeout=10)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Listening(Exception):
    """Raised by a test's `ready`: the server listened, and the test has what it came for."""


def test_servers_turn_the_collector_back_on(demo_project: Path) -> None:
    """The `satire` process pauses the cyclic collector for its one command; a
    server runs for hours and each rebuild leaves the last site's linked posts
    as cyclic garbage, so `serve` and `desk` turn it back on."""
    from generator.desk.server import serve_desk
    from generator.serve import serve

    save(demo_project, make_draft("premier"))
    project = load_project(demo_project)
    seen: dict[str, bool] = {}

    def preview_ready(server: PreviewServer) -> None:
        seen["serve"] = gc.isenabled()
        threading.Thread(target=server.shutdown, daemon=True).start()

    def desk_ready(url: str) -> None:
        seen["desk"] = gc.isenabled()
        raise Listening(url)

    gc.disable()  # as `satire` runs a command
    try:
        serve(project, port=0, ready=preview_ready)
        gc.disable()
        with pytest.raises(Listening):
            serve_desk(project, port=0, ready=desk_ready)
    finally:
        gc.enable()
    assert seen == {"serve": True, "desk": True}
