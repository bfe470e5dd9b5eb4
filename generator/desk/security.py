"""The desk's guard: which requests it answers, and who is asking.

- Host: only the names it is served under. A page on evil.example whose name
  an attacker re-points at 127.0.0.1 (DNS rebinding) still sends
  `Host: evil.example`, so it is refused. IP literals cannot be rebound, so a
  desk bound to every interface (`--host 0.0.0.0`) accepts any of them.
- Origin: a request that carries one must come from the origin it is served
  at; `Origin: null` and cross-site `Sec-Fetch-Site` are refused.
- CSRF: each browser gets a random session cookie, and every POST must carry
  HMAC(secret, session) in its `csrf` field (or `X-CSRF-Token` header). The
  secret lives in memory only, so a restarted desk asks for a reload.
- Editor: the name, asked once and kept in a cookie, is who the audit log
  records.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import socket

from generator.desk.http import Request

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD = frozenset({"", "0.0.0.0", "::"})
SAFE_METHODS = frozenset({"GET", "HEAD"})
EDITOR_COOKIE = "satire_editor"
MAX_EDITOR = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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


def clean_editor(name: str) -> str | None:
    """An editor's name as the audit log will hold it, or None if unusable."""
    name = " ".join(_CONTROL.sub(" ", name).split())
    return name if 0 < len(name) <= MAX_EDITOR else None


class Guard:
    """Host, Origin and CSRF checks for one desk served at (host, port)."""

    def __init__(self, host: str, port: int) -> None:
        self.port = port
        self.bound = host.strip("[]").lower()
        self.everywhere = self.bound in WILDCARD
        self.names = {self.bound} - WILDCARD
        if is_loopback(self.bound) or self.everywhere:
            self.names |= LOOPBACK_NAMES
        if self.everywhere:
            self.names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        self._secret = secrets.token_bytes(32)
        self.session_cookie = (
            f"satire_desk_{port}"  # cookies ignore ports: two desks must not share one
        )

    # -- where the request comes from -------------------------------------------

    def host_allowed(self, value: str | None) -> bool:
        parsed = split_host(value or "")
        if parsed is None:
            return False
        name, port = parsed
        if (port if port is not None else 80) != self.port:
            return False
        return name in self.names or (self.everywhere and _is_ip(name))

    def refusal(self, request: Request) -> str | None:
        """Why this request must be refused, or None. CSRF is checked apart (it needs the session)."""
        host = request.header("host")
        if not self.host_allowed(host):
            return f"this desk answers only to its own address, not to Host {host or '(none)'!r}"
        origin = request.header("origin")
        if origin is not None and origin.lower() != f"http://{(host or '').lower()}":
            return f"requests from another origin ({origin}) are refused"
        fetch_site = request.header("sec-fetch-site")
        if request.method not in SAFE_METHODS and fetch_site not in (None, "same-origin", "none"):
            return f"a {fetch_site} {request.method} is refused"
        return None

    # -- sessions and CSRF tokens ----------------------------------------------

    def session(self, request: Request) -> tuple[str, bool]:
        """The browser's session id, and whether it is new (to be set as a cookie)."""
        current = request.cookies.get(self.session_cookie, "")
        if re.fullmatch(r"[A-Za-z0-9_-]{32,64}", current):
            return current, False
        return secrets.token_urlsafe(32), True

    def token(self, session: str) -> str:
        return hmac.new(self._secret, session.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, request: Request, session: str, fresh: bool) -> bool:
        sent = request.form.get("csrf") or request.header("x-csrf-token") or ""
        return not fresh and hmac.compare_digest(sent.encode(), self.token(session).encode())

    # -- who is editing --------------------------------------------------------

    @staticmethod
    def editor(request: Request) -> str | None:
        return clean_editor(request.cookies.get(EDITOR_COOKIE, ""))
