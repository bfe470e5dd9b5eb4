"""Helpers for the deploy tests: a blog with published posts and a deploy:
section, and a small HTTP proxy on 127.0.0.1 that logs what reaches the S3
server and can answer 503 SlowDown (throttling) to chosen requests."""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.config import load_project
from generator.site.build import BuildReport, build
from tests.sitekit import make_draft, save

HASHED_IMAGE = "images/card.0123abcd9f.png"
PLANTED_SECRET = (
    "planted-Secret-9f3a77Zq/kM2+wX"  # a fake AWS secret key: it must never appear anywhere
)


def make_blog(project: Path, deploy_yaml: str) -> Path:
    """The demo project with three published posts, a content-hashed image and `deploy_yaml` in its config."""
    with open(project / "satire.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n" + deploy_yaml)
    (project / "static" / HASHED_IMAGE).parent.mkdir(parents=True, exist_ok=True)
    (project / "static" / HASHED_IMAGE).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    save(
        project,
        make_draft("amazon-ia", date=dt.date(2025, 12, 4)),
        make_draft("iphone-air", date=dt.date(2025, 9, 10), categories=["Mobile"]),
        make_draft("sora", language="en", date=dt.date(2025, 10, 1), tags=["openai"]),
    )
    return project


def rebuild(project: Path, *, drafts: bool = False) -> BuildReport:
    report = build(load_project(project), drafts=drafts)
    assert not report.errors, report.errors
    return report


def edit_post(project: Path, slug: str = "amazon-ia", **changes: object) -> None:
    """Save a post again with `changes` (default: a new body)."""
    changes.setdefault("body", "Un tout nouveau texte, revu et corrigé.\n")
    save(project, make_draft(slug, date=dt.date(2025, 12, 4), **changes))  # type: ignore[arg-type]


def site_files(project: Path) -> dict[str, bytes]:
    site = project / "site"
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.name != ".satire-build.json"
    }


@dataclass
class Seen:
    method: str
    key: str  # the object key (path-style: after the bucket), "" for bucket-level calls
    query: str
    status: int


class FaultProxy:
    """Forwards every request to `upstream`, logging it; the next `faults` PUTs get 503 SlowDown instead."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.log: list[Seen] = []
        self.faults = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: object) -> None:
                pass

            def relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                key = unquote(parts.path).lstrip("/").partition("/")[2]
                with proxy.lock:
                    fault = self.command == "PUT" and proxy.faults > 0
                    if fault:
                        proxy.faults -= 1
                if fault:
                    payload = b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
                    proxy.record(Seen(self.command, key, parts.query, 503))
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                else:
                    upstream = http.client.HTTPConnection(*proxy.upstream, timeout=30)
                    headers = {
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() not in {"connection", "keep-alive", "transfer-encoding"}
                    }
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    status = answer.status
                    proxy.record(Seen(self.command, key, parts.query, status))
                    self.send_response(status)
                    for name, value in answer.getheaders():
                        if name.lower() not in {
                            "connection",
                            "keep-alive",
                            "transfer-encoding",
                            "content-length",
                            "server",
                            "date",
                        }:
                            self.send_header(name, value)
                    length = (
                        answer.getheader("Content-Length")
                        if self.command == "HEAD"
                        else str(len(data))
                    )
                    self.send_header("Content-Length", length or "0")
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                    upstream.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def record(self, seen: Seen) -> None:
        """Log a request before its answer goes back: once the client has its
        answer, the log holds the request (logged after answering, a test that
        reads the log as soon as the deploy returns could miss the last PUT, or
        count it in the next step's window)."""
        with self.lock:
            self.log.append(seen)

    def mark(self) -> int:
        """Where the log stands now: pass to `puts`/`writes` to see only what came after."""
        with self.lock:
            return len(self.log)

    def puts(self, since: int = 0, status: int = 200) -> list[str]:
        """Keys PUT (with that answer) since `since`, in the order they arrived."""
        with self.lock:
            return [
                s.key
                for s in self.log[since:]
                if s.method == "PUT" and s.status == status and s.key
            ]

    def writes(self, since: int = 0) -> list[Seen]:
        """Every request that changes the bucket since `since` (PUT, DELETE, POST ?delete)."""
        with self.lock:
            return [s for s in self.log[since:] if s.method in {"PUT", "DELETE", "POST"}]
