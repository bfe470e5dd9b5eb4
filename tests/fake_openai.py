"""A fake Chat Completions server for tests: stdlib `http.server` on
127.0.0.1, spoken to by the real `openai` client over HTTP.

    def test_x(fake_openai):
        fake_openai.enqueue(Reply(status=429, headers={"retry-after-ms": "1"}), Reply())
        ... OPENAI_BASE_URL=fake_openai.base_url ...
        assert len(fake_openai.requests) == 2

Scripted replies are used in arrival order; when none is left, `default`
answers (after `latency` seconds): a valid article, except to a self-check
request (the writer asked to fix the fact check's findings), which gets the
current draft back unchanged, like a writer that never fixes anything, to a
translation verdict request, which gets "same meaning", and to an intake
extraction, which gets the article's title as its summary and nothing else. `fenced(received, label)`
reads the data a prompt fenced under a label, so a script can answer per request. Each received
request is kept in `.requests` (JSON body and headers); `.max_concurrency` is
the most requests it held open at once. `reject_formats` makes it answer 400
to a `response_format` of those types, as servers without structured output do.

Other servers it can play: `reasoning = True` answers like OpenAI's reasoning
models (o-series, gpt-5), with OpenAI's exact 400 bodies, to `max_tokens` and
to a temperature other than 1; `reject_formats_422` answers 422 with a
validator's `detail` body (no OpenAI `error` object) to those formats;
`strict_path = True` answers 404 to any path but /v1/chat/completions, as
OpenAI does to a base URL with one /v1 too many.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


def article(
    title: str = "A fake post",
    *,
    body: str | None = None,
    pull_quote: str = "A line worth repeating.",
    dek: str = "A fake dek.",
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """A valid article as the model would return it."""
    body = body or "\n\n".join(
        [
            "First paragraph of a fake post, long enough to read as one.",
            "Second paragraph, with the facts a real model would weave in.",
            f"> {pull_quote}",
            "Third paragraph, where the angle lands with a pun or two.",
            "Closer: the last line, punning as it should be.",
        ]
    )
    return {
        "title": title,
        "dek": dek,
        "body": body,
        "pull_quote": pull_quote,
        "tags": tags or ["fake"],
    }


@dataclass
class Reply:
    """One scripted answer. `content=None` means a valid article; `raw` replaces the whole HTTP body."""

    status: int = 200
    content: str | None = None
    finish_reason: str = "stop"
    refusal: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    raw: bytes | None = None
    error_message: str = "scripted error"
    error_body: dict[str, Any] | None = None  # the whole JSON error body, instead of OpenAI's shape
    prompt_tokens: int = 100
    completion_tokens: int = 200
    # the answer waits until this is set (60 s at most): a test that watches a call in
    # progress says when it ends, instead of racing a fixed delay
    hold: threading.Event | None = None


@dataclass
class Received:
    body: dict[str, Any]
    headers: dict[str, str]
    path: str

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    @property
    def response_format(self) -> str | None:
        fmt = self.body.get("response_format")
        return fmt.get("type") if isinstance(fmt, dict) else None


class FakeOpenAI:
    """The server and its script."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: deque[Reply] = deque()
        self.latency = 0.0
        self.reject_formats: set[str] = set()
        self.reject_formats_422: set[str] = set()
        self.reasoning = False
        self.strict_path = False
        self.default: Callable[[Received], Reply] = default_reply
        self.max_concurrency = 0
        self._open = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- serving -------------------------------------------------------------

    def _next(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            scripted = self.script.popleft() if self.script else None
        if self.strict_path and received.path != "/v1/chat/completions":
            return Reply(
                status=404,
                error_message=f"Invalid URL (POST {received.path})",
            )
        if self.reasoning and "max_tokens" in received.body:
            return Reply(status=400, error_body=MAX_TOKENS_REFUSED)
        if self.reasoning and received.body.get("temperature", 1) != 1:
            return Reply(status=400, error_body=temperature_refused(received.body["temperature"]))
        if received.response_format in self.reject_formats:
            return Reply(
                status=400,
                error_message=f"response_format {received.response_format!r} is not supported by this server",
            )
        if received.response_format in self.reject_formats_422:
            return Reply(
                status=422,
                error_body={
                    "detail": [
                        {
                            "type": "literal_error",
                            "loc": ["body", "response_format", "type"],
                            "msg": "Input should be 'text' or 'json_object'",
                            "input": received.response_format,
                        }
                    ]
                },
            )
        return scripted or self.default(received)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = (
                True  # headers and body go out in two writes: without this, delayed ACKs add 40 ms
            )

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(
                    404, {"error": {"message": "not found", "type": "invalid_request_error"}}
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                received = Received(
                    body=body,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    path=self.path,
                )
                with fake._lock:
                    fake._open += 1
                    fake.max_concurrency = max(fake.max_concurrency, fake._open)
                try:
                    reply = fake._next(received)
                    wait = reply.delay or fake.latency
                    if wait:
                        time.sleep(wait)
                    if reply.hold is not None:
                        reply.hold.wait(timeout=60)
                    if reply.raw is not None:
                        self._send_bytes(reply.status, reply.raw, reply.headers)
                    elif reply.error_body is not None:
                        self._send(reply.status, reply.error_body, reply.headers)
                    elif reply.status != 200:
                        kind = (
                            "rate_limit_error"
                            if reply.status == 429
                            else "invalid_request_error"
                            if reply.status < 500
                            else "server_error"
                        )
                        self._send(
                            reply.status,
                            {
                                "error": {
                                    "message": reply.error_message,
                                    "type": kind,
                                    "param": None,
                                    "code": None,
                                }
                            },
                            reply.headers,
                        )
                    else:
                        self._send(200, _completion(received, reply), reply.headers)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)
                finally:
                    with fake._lock:
                        fake._open -= 1

            def _send(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                self._send_bytes(status, json.dumps(payload).encode(), headers)

            def _send_bytes(
                self, status: int, data: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()

        return Handler


# OpenAI's answers to a reasoning model asked with `max_tokens` or a temperature, word for word.
MAX_TOKENS_REFUSED: dict[str, Any] = {
    "error": {
        "message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        "type": "invalid_request_error",
        "param": "max_tokens",
        "code": "unsupported_parameter",
    }
}


def temperature_refused(value: float) -> dict[str, Any]:
    return {
        "error": {
            "message": f"Unsupported value: 'temperature' does not support {value} with this model. Only the default (1) value is supported.",
            "type": "invalid_request_error",
            "param": "temperature",
            "code": "unsupported_value",
        }
    }


def fenced(received: Received, label: str) -> Any:
    """The JSON a prompt fenced under a label starting with `label` ("UNTRUSTED current draft: ..."), or None."""
    for message in received.messages:
        content = str(message.get("content", ""))
        at = content.find(f"UNTRUSTED {label}")
        if at < 0:
            continue
        fence_start = content.find("\n", at) + 1
        fence = content[fence_start : content.find("\n", fence_start)]
        end = content.find("\n" + fence, fence_start + len(fence))
        return json.loads(content[fence_start + len(fence) + 1 : end])
    return None


def is_self_check(received: Received) -> bool:
    return fenced(received, "fact-check findings") is not None


def is_verdict_request(received: Received) -> bool:
    return fenced(received, "the two quotes") is not None


def is_intake_request(received: Received) -> bool:
    return fenced(received, "article: the news story") is not None


def default_reply(received: Received) -> Reply:
    if is_intake_request(received):  # an extraction that proposes the article's title, and no more
        story = fenced(received, "article: the news story")
        return Reply(
            content=json.dumps(
                {
                    "summary": str(story.get("title", "")),
                    **{key: [] for key in ("facts", "quotes", "people", "angles")},
                }
            )
        )
    if is_verdict_request(received):
        return Reply(
            content=json.dumps({"same": True, "reason": "same meaning"}), completion_tokens=20
        )
    if is_self_check(received):
        return Reply(content=json.dumps(fenced(received, "current draft")))
    return Reply(content=json.dumps(article(_title_of(received))))


def _title_of(received: Received) -> str:
    """The brief's title from the request, so each draft can be told apart."""
    for message in received.messages:
        content = str(message.get("content", ""))
        marker = '"title": "'
        at = content.find(marker)
        if message.get("role") == "user" and at >= 0:
            end = content.find('"', at + len(marker))
            return "Fake: " + content[at + len(marker) : end]
    return "A fake post"


def _completion(received: Received, reply: Reply) -> dict[str, Any]:
    content = reply.content
    if content is None and reply.refusal is None:
        content = json.dumps(article(_title_of(received)))
    return {
        "id": f"chatcmpl-fake-{len(received.body)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": received.body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": reply.refusal},
                "finish_reason": reply.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake Chat Completions server on 127.0.0.1."""
    server = FakeOpenAI()
    try:
        yield server
    finally:
        server.close()
