"""The desk's view of HTTP: a parsed `Request`, a `Response`, and the WSGI
adapter that turns one into the other. Kept to what the desk uses: forms
(urlencoded), cookies, a few headers; bodies over `MAX_BODY` are refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, unquote

MAX_BODY = 256 * 1024  # a note or a name, never a file upload

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass
class Request:
    """One request, already read: method, path, query, headers (lower-case names), body."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    server: tuple[str, int] = ("127.0.0.1", 80)  # the address the server listens on

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    @property
    def cookies(self) -> dict[str, str]:
        raw = self.header("cookie")
        if not raw:
            return {}
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except CookieError:
            return {}
        return {name: unquote(morsel.value) for name, morsel in jar.items()}

    @property
    def form(self) -> dict[str, str]:
        """An urlencoded form body: the first value of each field."""
        kind = (self.header("content-type") or "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            return {}
        fields = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {name: values[0] for name, values in fields.items()}


@dataclass
class Response:
    """Status, headers and body; `cookies` become Set-Cookie headers."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"))

    @classmethod
    def text(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data).encode("utf-8"), "application/json")

    @classmethod
    def redirect(cls, location: str, status: int = 303) -> Response:
        return cls(status, b"", "text/plain; charset=utf-8", {"Location": location})

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        path: str,
        max_age: int | None = None,
        http_only: bool = True,
    ) -> None:
        parts = [f"{name}={quote(value, safe='')}", f"Path={path}", "SameSite=Strict"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        if http_only:
            parts.append("HttpOnly")
        self.cookies.append("; ".join(parts))

    def header_list(self) -> list[tuple[str, str]]:
        headers = [("Content-Type", self.content_type), ("Content-Length", str(len(self.body)))]
        headers += list(self.headers.items())
        headers += [("Set-Cookie", cookie) for cookie in self.cookies]
        return headers

    @property
    def status_line(self) -> str:
        try:
            return f"{self.status} {HTTPStatus(self.status).phrase}"
        except ValueError:
            return f"{self.status} Unknown"


def request_from_environ(environ: Mapping[str, Any]) -> Request | Response:
    """A Request from a WSGI environ, or a ready 413/400 response."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return Response.text("bad Content-Length", 400)
    if length > MAX_BODY:
        return Response.text("request body too large", 413)
    body = environ["wsgi.input"].read(length) if length else b""
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    try:  # PEP 3333 hands the path over as latin-1-decoded bytes
        path = path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        pass  # a server that decoded it as UTF-8 already
    query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
    try:
        server = (
            str(environ.get("SERVER_NAME", "127.0.0.1")),
            int(environ.get("SERVER_PORT") or 80),
        )
    except ValueError:
        return Response.text("bad SERVER_PORT", 500)
    return Request(
        str(environ.get("REQUEST_METHOD", "GET")).upper(), path, query, headers, body, server
    )


def wsgi(handle: Callable[[Request], Response]) -> WSGIApp:
    """A WSGI application around a `Request -> Response` handler."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = request_from_environ(environ)
        response = request if isinstance(request, Response) else handle(request)
        start_response(response.status_line, response.header_list())
        return [response.body] if environ.get("REQUEST_METHOD") != "HEAD" else [b""]

    return application


@dataclass(frozen=True)
class Session:
    """The browser's session id and the CSRF token its forms carry."""

    id: str
    token: str
