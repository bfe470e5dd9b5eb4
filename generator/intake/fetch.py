"""The one HTTP client for everything satire fetches or posts (intake, images,
notifications): http and https only, a timeout on every request, a size cap
refused before reading past it, at most 5 redirects each checked again (none
for a POST), gzip, a User-Agent naming satire and the blog, a delay between two
requests to one host, robots.txt, conditional GET, and the private-address guard.

The guard resolves the host, refuses the request when any address it resolves
to is not a public one (loopback, private, link-local, cloud metadata, CGNAT,
multicast, reserved...) unless `intake.allow_private` lets it through, and then
connects to the very address it checked, so a DNS answer that changes between
the check and the connection (rebinding) cannot slip past it.

    FetchError              one line naming the URL: why it was not fetched
     ├── Blocked            the guard refused an address
     └── Disallowed         robots.txt disallows the page
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from generator import __version__

if TYPE_CHECKING:
    from generator.config import Project

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
REDIRECTS = {301, 302, 303, 307, 308}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(Exception):
    """A URL that could not be fetched; `str()` is the one line users see."""

    def __init__(
        self, url: str, message: str, *, status: int | None = None, transient: bool = False
    ) -> None:
        self.url = url
        self.reason = message
        self.status = status
        # worth trying again later (a timeout, a 503); the rest (a 404, a page over the cap) will fail the same way
        self.transient = transient or (
            status is not None and (status in {408, 425, 429} or status >= 500)
        )
        super().__init__(f"{url}: {message}")


class Blocked(FetchError):
    """The private-address guard refused the address a URL resolves to."""

    def __init__(self, url: str, host: str, address: Address) -> None:
        self.host = host
        self.address = address
        self.kind = _kind(address)
        super().__init__(
            url,
            f"refused: {host} resolves to {address}, a {self.kind} address (set intake.allow_private to fetch it)",
        )


class Disallowed(FetchError):
    """robots.txt disallows the page for our User-Agent."""


@dataclass
class Fetched:
    """A fetched answer: 200 with a body, or 304 (not modified) without one."""

    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes = b""
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text: the charset the headers name, else the page's own <meta charset>, else UTF-8 (cp1252 if it is not)."""
        charset = None
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"').strip()
        if charset is None:
            meta = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", self.body[:4096], re.I)
            charset = meta.group(1).decode("ascii") if meta else None
        for candidate in (charset, "utf-8"):
            if candidate:
                try:
                    return self.body.decode(candidate)
                except (LookupError, UnicodeDecodeError):
                    continue
        return self.body.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class AddressGuard:
    """Which non-public addresses may be fetched: none, all, or those listed."""

    allow_all: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def from_config(cls, allow_private: bool | list[str]) -> AddressGuard:
        if isinstance(allow_private, bool):
            return cls(allow_all=allow_private)
        hosts: set[str] = set()
        networks: list[Network] = []
        for item in allow_private:
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                hosts.add(item.strip().lower().rstrip("."))
        return cls(hosts=frozenset(hosts), networks=tuple(networks))

    def check(self, url: str, host: str, address: Address) -> None:
        """Raise Blocked unless `address` is public or allowed."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address.is_global and not address.is_multicast:
            return
        if (
            self.allow_all
            or host.lower().rstrip(".") in self.hosts
            or any(address in net for net in self.networks if net.version == address.version)
        ):
            return
        raise Blocked(url, host, address)


def _kind(address: Address) -> str:
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return (
            "link-local (cloud metadata)"
            if str(address) in {"169.254.169.254", "fd00:ec2::254"}
            else "link-local"
        )
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    return "non-public"


def user_agent(site_url: str) -> str:
    """'satire/0.1.0 (+https://blog.example/)': who we are and where to complain."""
    return f"satire/{__version__} (+{site_url})"


class HostClock:
    """Keeps `delay` seconds between two requests to one host, across threads."""

    def __init__(self, delay: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._sleep = sleep

    def wait(self, host: str) -> None:
        if self.delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + self.delay
        if slot > now:
            self._sleep(slot - now)


class Fetcher:
    """GETs with every rule of this module; safe to share between threads."""

    def __init__(
        self,
        *,
        timeout: float,
        max_bytes: int,
        per_host_delay: float,
        allow_private: bool | list[str],
        agent: str,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.guard = AddressGuard.from_config(allow_private)
        self.agent = agent
        self.clock = HostClock(per_host_delay)
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_lock = threading.Lock()
        self._robots_locks: dict[str, threading.Lock] = {}

    @classmethod
    def for_project(cls, project: Project, *, timeout: float | None = None) -> Fetcher:
        """The client with the project's `intake` settings (for intake, images and
        notifications alike); `timeout` replaces `intake.timeout` (`notify.timeout`)."""
        settings = project.config.intake
        return cls(
            timeout=settings.timeout if timeout is None else timeout,
            max_bytes=settings.max_bytes,
            per_host_delay=settings.per_host_delay,
            allow_private=settings.allow_private,
            agent=user_agent(project.config.url),
        )

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        robots: bool = False,
        accept: str = "*/*",
    ) -> Fetched:
        """The answer for `url` after redirects: 2xx or 304; anything else raises FetchError."""
        if robots:
            self.check_robots(url)
        headers = {"User-Agent": self.agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        chain: list[str] = []
        while True:
            response = self._once(current, headers, origin=url)
            if response.status in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        url,
                        f"HTTP {response.status} without a Location header",
                        status=response.status,
                    )
                target = urljoin(current, location.strip())
                if target in chain or target == url:
                    raise FetchError(
                        url, f"redirect loop ({current} -> {target})", status=response.status
                    )
                chain.append(target)
                if len(chain) > MAX_REDIRECTS:
                    raise FetchError(
                        url, f"more than {MAX_REDIRECTS} redirects", status=response.status
                    )
                if robots:
                    self.check_robots(target)
                current = target
                continue
            response.redirects = chain
            if response.status == 304 or 200 <= response.status < 300:
                return response
            raise FetchError(
                url,
                f"HTTP {response.status} {http.client.responses.get(response.status, '')}".rstrip(),
                status=response.status,
            )

    def post(self, url: str, json_body: object) -> Fetched:
        """POST `json_body` as JSON to `url`: a 2xx answer, else FetchError.

        Every rule of `get` holds (guard, timeout, size cap, User-Agent) but one:
        a redirect is not followed, it fails: a POST sent on elsewhere would be
        replayed to a host nobody configured, or turned into a GET by a 303.
        """
        body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
        headers = {
            "User-Agent": self.agent,
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",
            "Content-Type": "application/json; charset=utf-8",
        }
        response = self._once(url, headers, origin=url, method="POST", body=body)
        if 200 <= response.status < 300:
            return response
        if response.status in REDIRECTS:
            raise FetchError(
                url,
                f"HTTP {response.status}: a redirect, not followed for a POST",
                status=response.status,
            )
        raise FetchError(
            url,
            f"HTTP {response.status} {http.client.responses.get(response.status, '')}".rstrip(),
            status=response.status,
        )

    # -- robots.txt --------------------------------------------------------------

    def check_robots(self, url: str) -> None:
        """Raise Disallowed when the site's robots.txt disallows `url` for us."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            origin_lock = self._robots_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one read of robots.txt per site, however many workers ask at once
            if origin not in self._robots:
                self._robots[origin] = self._load_robots(origin)
            parser = self._robots[origin]
        if parser is not None and not parser.can_fetch(self.agent, url):
            raise Disallowed(url, "skipped: robots.txt disallows it")

    def _load_robots(self, origin: str) -> RobotFileParser | None:
        """The parsed robots.txt; None (everything allowed) when there is none."""
        parser = RobotFileParser()
        try:
            response = self.get(origin + "/robots.txt", accept="text/plain")
        except FetchError as exc:
            if exc.status in {401, 403}:
                parser.disallow_all = True  # type: ignore[attr-defined]  # the convention urllib follows too
                return parser
            return None  # no robots.txt (404), or none we could read: nothing is disallowed
        parser.parse(response.text().splitlines())
        return parser

    # -- one request -------------------------------------------------------------

    def _once(
        self,
        url: str,
        headers: dict[str, str],
        *,
        origin: str,
        method: str = "GET",
        body: bytes | None = None,
    ) -> Fetched:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise FetchError(
                origin,
                f"refused: only http and https URLs are fetched (found {scheme or 'no'} scheme in {url})",
            )
        host = parts.hostname
        if not host:
            raise FetchError(origin, f"no host in {url}")
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            raise FetchError(origin, f"bad port in {url}") from None
        address = self._resolve(origin, host, port)
        self.clock.wait(host)
        conn = _connection(scheme, host, port, address, self.timeout)
        deadline = time.monotonic() + self.timeout
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request(method, path, body=body, headers={**headers, "Host": parts.netloc})
            answer = conn.getresponse()
            head = {k.lower(): v for k, v in answer.getheaders()}
            if answer.status in REDIRECTS or answer.status == 304 or not 200 <= answer.status < 300:
                return Fetched(url=url, status=answer.status, headers=head)
            length = head.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise FetchError(
                    origin,
                    f"refused: {int(length)} bytes is more than intake.max_bytes ({self.max_bytes})",
                )
            body = self._read(answer, head.get("content-encoding", "").lower(), origin, deadline)
            return Fetched(url=url, status=answer.status, headers=head, body=body)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(
                origin, f"timed out after {self.timeout:g} s (intake.timeout)", transient=True
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(
                origin, f"could not fetch: {type(exc).__name__}: {exc}".rstrip(": "), transient=True
            ) from None
        finally:
            conn.close()

    def _resolve(self, origin: str, host: str, port: int) -> Address:
        """The address to connect to, after the guard checked every address the host has."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(origin, f"cannot resolve {host}: {exc}", transient=True) from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        if not addresses:
            raise FetchError(origin, f"cannot resolve {host}")
        for address in addresses:
            self.guard.check(origin, host, address)
        return addresses[0]

    def _read(
        self, answer: http.client.HTTPResponse, encoding: str, origin: str, deadline: float
    ) -> bytes:
        """The body, decoded from gzip/deflate, refused as soon as it passes max_bytes."""
        decoder: zlib._Decompress | None = None
        if encoding in {"gzip", "x-gzip"}:
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decoder = zlib.decompressobj()
        out = bytearray()
        while True:
            if time.monotonic() > deadline:
                raise FetchError(
                    origin, f"timed out after {self.timeout:g} s (intake.timeout)", transient=True
                )
            chunk = answer.read1(CHUNK) if hasattr(answer, "read1") else answer.read(CHUNK)
            if not chunk:
                break
            try:
                out += (
                    decoder.decompress(chunk, self.max_bytes + 1 - len(out)) if decoder else chunk
                )
            except zlib.error as exc:
                raise FetchError(origin, f"bad {encoding} body: {exc}") from None
            if len(out) > self.max_bytes:
                raise FetchError(
                    origin, f"refused: larger than intake.max_bytes ({self.max_bytes} bytes)"
                )
        return bytes(out)


def _connection(
    scheme: str, host: str, port: int, address: Address, timeout: float
) -> http.client.HTTPConnection:
    """A connection to the checked `address`, speaking to `host` (Host header, SNI, certificate)."""
    if scheme == "https":
        return _PinnedHTTPS(
            host, port, address=str(address), timeout=timeout, context=ssl.create_default_context()
        )
    return _PinnedHTTP(host, port, address=str(address), timeout=timeout)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._context = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


__all__ = [
    "AddressGuard",
    "Blocked",
    "Disallowed",
    "FetchError",
    "Fetched",
    "Fetcher",
    "user_agent",
]
