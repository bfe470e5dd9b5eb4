"""The desk's guard: which requests it answers, and from where.

- Host: only the names it is served under. A page on evil.example whose name
  an attacker re-points at 127.0.0.1 (DNS rebinding) still sends
  `Host: evil.example`, so it is refused. IP literals cannot be rebound, so a
  desk bound to every interface (`--host 0.0.0.0`) accepts any of them. The
  host of `notify.desk_url` is accepted too, and so is whatever host a trusted
  proxy forwards (it chose the virtual host already).
- Origin: a request that carries one must come from the origin it is served
  at (scheme and host); `Origin: null` and cross-site `Sec-Fetch-Site` are refused.
- CSRF: each browser holds a random id in a cookie, and every POST must carry
  HMAC(secret, id) in its `csrf` field (or `X-CSRF-Token` header). The secret
  lives in the project's state (`accounts.Accounts.secret`), and the id changes
  at sign-in and sign-out, so a token is good for one browser and one session.
- Proxies: `X-Forwarded-For/-Proto/-Host` and the single sign-on header are
  believed only from an address in `desk.trusted_proxies` (`TrustedProxies`);
  from anyone else they are never read.

Who is signed in, and what their role allows, is `app.py`'s and `accounts.py`'s.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
from collections.abc import Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Request

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD = frozenset({"", "0.0.0.0", "::"})
SAFE_METHODS = frozenset({"GET", "HEAD"})
BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{32,64}")


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def split_host(value: str) -> tuple[str, int | None] | None:
    """'127.0.0.1:8000' -> ('127.0.0.1', 8000); '[::1]:80' -> ('::1', 80); None if malformed."""
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?", value.strip())
    if not match:
        return None
    name = match.group(1).strip("[]").lower().rstrip(".")
    return name, int(match.group(2)) if match.group(2) else None


class Guard:
    """Host and Origin checks for one desk served at (host, port)."""

    def __init__(self, host: str, port: int, *, public: str | None = None) -> None:
        self.port = port
        self.bound = host.strip("[]").lower()
        self.everywhere = self.bound in WILDCARD
        self.names = {self.bound} - WILDCARD
        if is_loopback(self.bound) or self.everywhere:
            self.names |= LOOPBACK_NAMES
        if self.everywhere:
            self.names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self.public = split_host(public) if public else None  # notify.desk_url's host[:port]

    def host_allowed(self, value: str | None, *, scheme: str = "http") -> bool:
        parsed = split_host(value or "")
        if parsed is None:
            return False
        name, port = parsed
        if self.public is not None and name == self.public[0]:
            default = 443 if scheme == "https" else 80
            if (port or default) == (self.public[1] or default):
                return True
        if (port if port is not None else 80) != self.port:
            return False
        return name in self.names or (self.everywhere and _is_ip(name))

    def refusal(self, request: Request, *, proxied: bool = False) -> str | None:
        """Why this request must be refused, or None. `proxied`: it came through a
        trusted proxy, whose forwarded host is taken as it is. CSRF is checked apart."""
        host = request.headers.get("Host")
        if not proxied and not self.host_allowed(host, scheme=request.scheme):
            return f"this desk answers only to its own address, not to Host {host or '(none)'!r}"
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() != f"{request.scheme}://{(host or '').lower()}":
            return f"requests from another origin ({origin}) are refused"
        fetch_site = request.headers.get("Sec-Fetch-Site")
        if request.method not in SAFE_METHODS and fetch_site not in (None, "same-origin", "none"):
            return f"a {fetch_site} {request.method} is refused"
        return None


# -- the browser's id and its CSRF token ------------------------------------------------


def browser_id(value: str | None) -> str | None:
    """The id a cookie holds, when it is well formed."""
    return value if value and BROWSER_ID.fullmatch(value) else None


def new_browser_id() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(secret: bytes, browser: str) -> str:
    return hmac.new(secret, browser.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, browser: str | None, sent: str) -> bool:
    """Whether `sent` is the token of this browser (no id yet: never)."""
    return browser is not None and hmac.compare_digest(
        sent.encode(), csrf_token(secret, browser).encode()
    )


# -- trusted proxies ------------------------------------------------------------------------


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(items: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(item, strict=False) for item in items]


def trusted(address: str | None, proxies: list[Network]) -> bool:
    """Whether the peer `address` is one of the trusted proxies."""
    try:
        peer = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return False
    return any(peer in net for net in proxies)


class TrustedProxies:
    """WSGI middleware: from a trusted proxy, the forwarded client address, scheme
    and host are applied (werkzeug's ProxyFix, one hop) and `satire.proxied` is
    set, which the desk requires before it reads the single sign-on header; from
    anyone else, neither happens, so forwarded headers change nothing."""

    def __init__(self, app: Any, proxies: list[Network]) -> None:
        self.app = app
        self.proxies = proxies
        self.fixed = ProxyFix(app, x_for=1, x_proto=1, x_host=1)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:  # the address served, before a proxy's forwarded host replaces it
            environ["satire.listen"] = (
                str(environ.get("SERVER_NAME", "127.0.0.1")),
                int(environ.get("SERVER_PORT") or 80),
            )
        except ValueError:
            environ["satire.listen"] = (str(environ.get("SERVER_NAME")), 80)
        if trusted(environ.get("REMOTE_ADDR"), self.proxies):
            environ["satire.proxied"] = True
            return self.fixed(environ, start_response)
        environ["satire.proxied"] = False  # its X-Forwarded-* and sign-on header go unread
        return self.app(environ, start_response)
