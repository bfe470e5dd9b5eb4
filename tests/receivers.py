"""Where notifications land in tests: a webhook receiver (stdlib HTTP server)
and an SMTP server (aiosmtpd), both on 127.0.0.1, started by the tests.

    def test_x(webhook, smtp_server):
        ... SATIRE_HOOK=webhook.url ... smtp_port: smtp_server.port ...
        assert len(webhook.posts) == 1 and len(smtp_server.messages) == 1
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

HOOK_SECRET = "T0KEN-hooks-zq8-SECRET-4411"  # planted in the webhook URL's path, as Slack and Discord put theirs


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class WebhookReceiver:
    """Answers every POST with `status`; `gate`, when set up, holds each POST until it is opened."""

    port: int = 0
    status: int = 200
    posts: list[Post] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    gate: threading.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{HOOK_SECRET}"


def _webhook_handler(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            receiver.posts.append(Post(self.path, dict(self.headers), json.loads(raw)))
            receiver.arrived.set()
            if receiver.gate is not None:
                receiver.gate.wait(30)
            self.send_response(receiver.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _webhook_handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    if receiver.gate is not None:
        receiver.gate.set()
    server.shutdown()
    server.server_close()


@dataclass
class SMTPServer:
    port: int
    envelopes: list[Any] = field(default_factory=list)

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]  # type: ignore[misc]


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.server.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    from aiosmtpd.controller import Controller

    server = SMTPServer(port=free_port())
    controller = Controller(_Handler(server), hostname="127.0.0.1", port=server.port)
    controller.start()
    yield server
    controller.stop()
