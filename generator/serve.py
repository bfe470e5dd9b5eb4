"""`satire serve`: a local preview with live reload.

The site is built into `.satire/preview/site` (the real `site/` is left
alone) and rebuilt whenever briefs, drafts, templates, prompts, static files or
satire.yaml change (watchfiles). Pages are served with a small script injected
(only here, never in built files) that listens on `/_livereload` (Server-Sent
Events) and reloads when a rebuild lands. When a rebuild fails, the last good
site keeps being served, with the error shown on every page.

Other parts mount their own WSGI applications under a path prefix through
`mounts` (`{"/_desk/": app}`): a request whose path starts with the prefix is
handed to the app with SCRIPT_NAME set to the prefix (without its trailing
slash) and PATH_INFO to the rest, per PEP 3333. `DEFAULT_MOUNTS` names the ones
`satire serve` loads by itself when their module exists.
"""

from __future__ import annotations

import gc
import html
import importlib
import io
import mimetypes
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.config import Project
from generator.errors import SatireError
from generator.infra.root import CONFIG_NAME

StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# prefix -> "module:factory"; factory(project, preview) returns a WSGI app.
DEFAULT_MOUNTS: dict[str, str] = {"/_desk/": "generator.desk:wsgi_app"}
WATCHED = ("briefs", "drafts", "templates", "prompts", "static")
RELOAD_JS = b"""(function () {
  var me = document.currentScript, seen = me.getAttribute("data-version");
  var source = new EventSource(me.getAttribute("data-events"));
  source.onmessage = function (event) { if (event.data !== seen) { location.reload(); } };
})();
"""


class Preview:
    """The preview's state, shared by the server threads and the watcher."""

    def __init__(self, project: Project, *, drafts: bool = False, out: Path | None = None) -> None:
        self.project = project
        self.drafts = drafts
        self.out = out or project.state_dir / "preview" / "site"
        self.version = 0
        self.error: str | None = None
        self.changed = threading.Condition()
        self.stop = threading.Event()

    def rebuild(self) -> bool:
        """Build once; keep the last good site and remember the error on failure."""
        from generator.config import load_project
        from generator.site.build import build

        try:
            self.project = load_project(self.project.root)  # satire.yaml may have changed
            report = build(
                self.project, drafts=self.drafts, out=self.out, jobs=1
            )  # no fork from a threaded server
        except SatireError as exc:
            error: str | None = exc.format_message()
            print(f"build failed: {error}", file=sys.stderr, flush=True)
        except Exception as exc:  # a preview never dies of a bad template or draft
            error = f"internal error: {type(exc).__name__}: {exc}"
            print(f"build failed: {error}", file=sys.stderr, flush=True)
        else:
            problems = [e.message for e in report.errors]
            error = "\n".join(problems) or None
            for warning in report.warnings:
                print(f"warning: {warning}", file=sys.stderr, flush=True)
            for notice in report.notices:
                print(notice, file=sys.stderr, flush=True)
            print(
                f"built {report.posts} post(s): {report.rendered} rendered, {len(report.written)} written, {len(report.removed)} removed in {report.seconds:.2f} s",
                file=sys.stderr,
                flush=True,
            )
        with self.changed:
            self.error = error
            self.version += 1
            self.changed.notify_all()
        return error is None

    def wait_change(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(
                lambda: self.version != seen or self.stop.is_set(), timeout=timeout
            )
            return self.version

    def watch(self) -> None:
        """Rebuild on every change of the project's inputs until `stop` is set."""
        import watchfiles

        while not self.stop.is_set():
            targets = [self.project.root / n for n in WATCHED if (self.project.root / n).is_dir()]
            targets.append(self.project.root / CONFIG_NAME)
            for changes in watchfiles.watch(
                *targets,
                stop_event=self.stop,
                debounce=300,
                step=50,
                rust_timeout=1000,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                if changes:
                    self.rebuild()
                elif set(targets[:-1]) != {
                    self.project.root / n for n in WATCHED if (self.project.root / n).is_dir()
                }:
                    self.rebuild()  # a watched folder appeared or went away, maybe with files in it
                    break  # and watch the new set


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server holding the preview and the mounted applications."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], preview: Preview, mounts: dict[str, WSGIApp] | None = None
    ) -> None:
        super().__init__(address, Handler)
        self.preview = preview
        self.mounts: dict[str, WSGIApp] = dict(
            sorted((mounts or {}).items(), key=lambda kv: -len(kv[0]))
        )
        self.root = urlsplit(preview.project.config.url).path or "/"

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{self.root}"


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the build lines are what the editor wants to see

    def do_GET(self) -> None:
        self.dispatch()

    def do_HEAD(self) -> None:
        self.dispatch()

    def do_POST(self) -> None:
        self.dispatch()

    def do_PUT(self) -> None:
        self.dispatch()

    def do_DELETE(self) -> None:
        self.dispatch()

    def dispatch(self) -> None:
        path = unquote(urlsplit(self.path).path)
        for prefix, app in self.server.mounts.items():
            if path.startswith(prefix) or path == prefix.rstrip("/"):
                self.run_wsgi(app, prefix)
                return
        if self.command not in ("GET", "HEAD"):
            self.send_plain(405, "method not allowed")
        elif path == "/_livereload":
            self.events()
        elif path == "/_livereload.js":
            self.send_bytes(200, "text/javascript; charset=utf-8", RELOAD_JS)
        else:
            self.static(path)

    # -- the built site ---------------------------------------------------------

    def static(self, path: str) -> None:
        root = self.server.root
        if not path.startswith(root):
            if path == "/" or path == root.rstrip("/"):
                self.redirect(root)
            else:
                self.not_found()
            return
        out = self.server.preview.out.resolve()
        target = (out / path[len(root) :]).resolve()
        if not target.is_relative_to(out):
            self.not_found()
            return
        if target.is_dir():
            if not path.endswith("/"):
                self.redirect(path + "/")
                return
            target = target / "index.html"
        if not target.is_file():
            self.not_found()
            return
        self.send_file(200, target)

    def not_found(self) -> None:
        page = self.server.preview.out / "404.html"
        if page.is_file():
            self.send_file(404, page)
        else:
            self.send_plain(404, "not found" + self.error_text())

    def error_text(self) -> str:
        error = self.server.preview.error
        return f"\n\nthe last build failed:\n{error}" if error else ""

    def send_file(self, status: int, path: Path) -> None:
        data = path.read_bytes()
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = self.inject(data)
        if kind.startswith("text/") or kind in (
            "application/xml",
            "application/javascript",
            "image/svg+xml",
        ):
            kind += "; charset=utf-8"
        self.send_bytes(status, kind, data)

    def inject(self, page: bytes) -> bytes:
        """The live-reload script, and the last build's error when it failed."""
        preview = self.server.preview
        snippet = f'<script src="/_livereload.js" data-events="/_livereload" data-version="{preview.version}"></script>'
        if preview.error:
            snippet = (
                f'<div id="satire-build-error" role="alert"><strong>satire build failed</strong>\n{html.escape(preview.error)}</div>'
                + snippet
            )
        marker = page.rfind(b"</body>")
        if marker < 0:
            return page + snippet.encode()
        return page[:marker] + snippet.encode() + page[marker:]

    # -- live reload --------------------------------------------------------------

    def events(self) -> None:
        """Server-Sent Events: the build version now, then at every rebuild."""
        preview = self.server.preview
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not preview.stop.is_set():
                version = preview.version if seen < 0 else preview.wait_change(seen, timeout=15)
                if version != seen:
                    self.wfile.write(f"retry: 500\ndata: {version}\n\n".encode())
                    seen = version
                else:
                    self.wfile.write(b": ping\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    # -- mounted WSGI applications --------------------------------------------------

    def run_wsgi(self, app: WSGIApp, prefix: str) -> None:
        """Hand the request to a WSGI app mounted at `prefix` (PEP 3333)."""
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        script = prefix.rstrip("/")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": script,
            "PATH_INFO": unquote(parts.path)[len(script) :] or "/",
            "QUERY_STRING": parts.query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(length) if length else "",
            "SERVER_NAME": str(self.server.server_address[0]),
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "satire.preview": self.server.preview,
        }
        for key, value in self.headers.items():
            name = "HTTP_" + key.upper().replace("-", "_")
            if name not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[name] = f"{environ[name]},{value}" if name in environ else value
        state: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: tuple[type[BaseException], BaseException, TracebackType] | None = None,
        ) -> Callable[[bytes], object]:
            if exc_info and state.get("sent"):
                raise exc_info[1].with_traceback(exc_info[2])
            state["status"], state["headers"] = status, headers
            return chunks.append

        try:
            result = app(environ, start_response)
            try:
                chunks.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception as exc:
            print(f"{prefix}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            self.send_plain(500, "internal error in the mounted application")
            return
        data = b"".join(chunks)
        code, _, reason = str(state.get("status", "500 Internal Server Error")).partition(" ")
        self.send_response(int(code), reason or None)
        headers = state.get("headers", [])
        for name, value in headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        state["sent"] = True
        if self.command != "HEAD":
            self.wfile.write(data)

    # -- plain responses --------------------------------------------------------

    def send_bytes(self, status: int, kind: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_plain(self, status: int, text: str) -> None:
        self.send_bytes(status, "text/plain; charset=utf-8", text.encode())

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def default_mounts(project: Project, preview: Preview) -> dict[str, WSGIApp]:
    """The DEFAULT_MOUNTS whose module is installed, each made for this project."""
    mounts: dict[str, WSGIApp] = {}
    for prefix, target in DEFAULT_MOUNTS.items():
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        mounts[prefix] = getattr(module, attribute)(project, preview)
    return mounts


def serve(
    project: Project,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    drafts: bool = False,
    mounts: dict[str, WSGIApp] | None = None,
    ready: Callable[[PreviewServer], None] | None = None,
) -> None:
    """Build, serve and rebuild on change until interrupted."""
    gc.enable()  # the `satire` process pauses it; a server's rebuilds leave cyclic garbage
    preview = Preview(project, drafts=drafts)
    preview.rebuild()
    try:
        server = PreviewServer(
            (host, port), preview, default_mounts(project, preview) if mounts is None else mounts
        )
    except OSError as exc:
        raise SatireError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (try --port 0 for a free port)"
        ) from None
    watcher = threading.Thread(target=preview.watch, name="satire-watch", daemon=True)
    watcher.start()
    print(f"Serving {project.config.title!r} on {server.url} (Ctrl-C to stop)", flush=True)
    if ready is not None:
        ready(server)
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        preview.stop.set()
        with preview.changed:
            preview.changed.notify_all()
        server.server_close()
