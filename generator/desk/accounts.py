"""Desk accounts, roles, sessions and sign-in throttling, kept in the project's
SQLite state (`.satire/state.db`, migration 6).

- Roles are ranked: a writer edits, revises and confirms briefs; an editor also
  approves, rejects and discards briefs; a publisher also publishes and
  unpublishes; an admin also manages accounts. `NEEDS` is the one table of
  which role each action needs; `allowed` is the one check.
- Passwords are hashed with scrypt (memory-hard, a random salt per account);
  only the hash is stored, and nothing here ever prints or logs a password.
- Sessions are server-side: the cookie holds a random id, the database only its
  sha256, with an expiry. A sign-in always makes a new id (no session fixation).
- Failed sign-ins are counted per account name (known or not: the same answer)
  and per client address; past `MAX_PER_ACCOUNT` / `MAX_PER_ADDRESS` failures in
  `WINDOW` seconds, sign-ins are refused until the window has passed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.errors import SatireError
from generator.infra import clock, state

if TYPE_CHECKING:
    from generator.config import Project

ROLES = ("writer", "editor", "publisher", "admin")
RANK = {role: rank for rank, role in enumerate(ROLES)}
# action -> the least role that may take it (the desk checks every request against this)
NEEDS: dict[str, str] = {
    "edit": "writer",
    "revise": "writer",
    "confirm": "writer",
    "drop": "writer",
    "approve": "editor",
    "reject": "editor",
    "discard": "editor",
    "publish": "publisher",
    "unpublish": "publisher",
    "accounts": "admin",
}
MAX_NAME = 80
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
# scrypt: 2**14 x 8 x 128 bytes = 16 MiB per hash, about 50 ms on a laptop
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
WINDOW = 15 * 60.0
MAX_PER_ACCOUNT = 5
MAX_PER_ADDRESS = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Account:
    """One desk account (never with its password or hash)."""

    name: str
    role: str
    created_at: str


def allowed(role: str, action: str) -> bool:
    """Whether `role` may take `action` (an unknown action or role: no)."""
    need = NEEDS.get(action)
    return need is not None and role in RANK and RANK[role] >= RANK[need]


def check_name(name: str) -> str:
    """An account name as stored: 1 to 80 characters, no control character, no
    space at either end; else SatireError saying so."""
    if not name or _CONTROL.search(name) or name != name.strip() or len(name) > MAX_NAME:
        raise SatireError(
            f"account name {name!r}: 1 to {MAX_NAME} characters, no control character and no space at either end"
        )
    return name


def check_role(role: str) -> str:
    if role not in RANK:
        raise SatireError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise SatireError(f"the password is too short: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise SatireError(f"the password is too long: at most {MAX_PASSWORD} characters")
    return password


# -- password hashes ---------------------------------------------------------------


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash` (base64), with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash (constant-time comparison)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# a hash of no one's password, checked against when the account does not exist,
# so that an unknown name takes as long to refuse as a wrong password
_DUMMY = hash_password(secrets.token_urlsafe(16))


def session_key(session_id: str) -> str:
    """What the database keeps of a session id: its sha256."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


# -- the store ------------------------------------------------------------------------


class Accounts:
    """Accounts, sessions, throttling and the CSRF secret of one project."""

    def __init__(self, project: Project) -> None:
        self.project = project

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = state.connect(self.project.state_dir)
        try:
            yield conn
        finally:
            conn.close()

    # -- accounts ----------------------------------------------------------------

    def any(self) -> bool:
        with self._db() as conn:
            return conn.execute("SELECT 1 FROM desk_accounts LIMIT 1").fetchone() is not None

    def get(self, name: str) -> Account | None:
        with self._db() as conn:
            row = conn.execute(
                "SELECT name, role, created_at FROM desk_accounts WHERE name = ?", (name,)
            ).fetchone()
        return Account(row["name"], row["role"], row["created_at"]) if row else None

    def list(self) -> list[Account]:
        with self._db() as conn:
            rows = conn.execute(
                "SELECT name, role, created_at FROM desk_accounts ORDER BY name"
            ).fetchall()
        return [Account(r["name"], r["role"], r["created_at"]) for r in rows]

    def add(self, name: str, role: str, password: str) -> Account:
        check_name(name)
        check_role(role)
        hashed = hash_password(check_password(password))
        now = clock.stamp()
        with self._db() as conn:
            try:
                conn.execute(
                    "INSERT INTO desk_accounts (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    (name, role, hashed, now, now),
                )
            except sqlite3.IntegrityError:
                raise SatireError(
                    f"an account named {name!r} exists already: change its password with 'satire editors passwd', or remove it first"
                ) from None
        return Account(name, role, now)

    def set_password(self, name: str, password: str) -> None:
        """A new password; the account's sessions end (whoever held them signs in again)."""
        hashed = hash_password(check_password(password))
        with self._db() as conn:
            conn.execute("BEGIN IMMEDIATE")
            done = conn.execute(
                "UPDATE desk_accounts SET password_hash = ?, updated_at = ? WHERE name = ?",
                (hashed, clock.stamp(), name),
            ).rowcount
            conn.execute("DELETE FROM desk_sessions WHERE account = ?", (name,))
            conn.execute("COMMIT")
        if not done:
            raise SatireError(f"no account named {name!r} ('satire editors list' shows them)")

    def remove(self, name: str) -> None:
        """The account and its sessions are gone; the audit log keeps its name."""
        with self._db() as conn:
            conn.execute("BEGIN IMMEDIATE")
            done = conn.execute("DELETE FROM desk_accounts WHERE name = ?", (name,)).rowcount
            conn.execute("DELETE FROM desk_sessions WHERE account = ?", (name,))
            conn.execute("COMMIT")
        if not done:
            raise SatireError(f"no account named {name!r} ('satire editors list' shows them)")

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account when the password is right; None otherwise (unknown or wrong
        alike, in about the same time)."""
        with self._db() as conn:
            row = conn.execute(
                "SELECT name, role, created_at, password_hash FROM desk_accounts WHERE name = ?",
                (name,),
            ).fetchone()
        if row is None:
            verify_password(password, _DUMMY)
            return None
        if not verify_password(password, row["password_hash"]):
            return None
        return Account(row["name"], row["role"], row["created_at"])

    # -- sessions -------------------------------------------------------------------

    def open_session(self, session_id: str, account: str, hours: float) -> None:
        """A session for `account` under `session_id` (a fresh random id, which only
        the cookie holds: the database keeps its sha256)."""
        now = time.time()
        with self._db() as conn:
            conn.execute("DELETE FROM desk_sessions WHERE expires_at <= ?", (now,))
            conn.execute(
                "INSERT INTO desk_sessions (id_sha, account, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (session_key(session_id), account, now, now + hours * 3600),
            )

    def session_account(self, session_id: str) -> Account | None:
        """The account a live session belongs to; None for an unknown, expired or
        orphaned one."""
        if not session_id:
            return None
        with self._db() as conn:
            row = conn.execute(
                "SELECT a.name, a.role, a.created_at FROM desk_sessions s JOIN desk_accounts a ON a.name = s.account "
                "WHERE s.id_sha = ? AND s.expires_at > ?",
                (session_key(session_id), time.time()),
            ).fetchone()
        return Account(row["name"], row["role"], row["created_at"]) if row else None

    def close_session(self, session_id: str) -> None:
        with self._db() as conn:
            conn.execute("DELETE FROM desk_sessions WHERE id_sha = ?", (session_key(session_id),))

    # -- throttling -------------------------------------------------------------------

    @staticmethod
    def throttle_keys(name: str, address: str) -> tuple[str, str]:
        return f"account:{name.strip().lower()}", f"address:{address}"

    def throttled(self, name: str, address: str) -> float:
        """Seconds until a sign-in as `name` from `address` is taken again; 0: now."""
        account_key, address_key = self.throttle_keys(name, address)
        now = time.time()
        wait = 0.0
        with self._db() as conn:
            for key, limit in ((account_key, MAX_PER_ACCOUNT), (address_key, MAX_PER_ADDRESS)):
                rows = conn.execute(
                    "SELECT at FROM desk_login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                    (key, now - WINDOW, limit),
                ).fetchall()
                if len(rows) >= limit:
                    wait = max(wait, rows[-1]["at"] + WINDOW - now)
        return wait

    def failed(self, name: str, address: str) -> None:
        now = time.time()
        with self._db() as conn:
            conn.execute("DELETE FROM desk_login_failures WHERE at <= ?", (now - WINDOW,))
            conn.executemany(
                "INSERT INTO desk_login_failures (key, at) VALUES (?, ?)",
                [(key, now) for key in self.throttle_keys(name, address)],
            )

    def succeeded(self, name: str) -> None:
        """A right password clears the account's count (the address's stays)."""
        with self._db() as conn:
            conn.execute(
                "DELETE FROM desk_login_failures WHERE key = ?",
                (self.throttle_keys(name, "")[0],),
            )

    # -- the CSRF secret ---------------------------------------------------------------

    def secret(self) -> bytes:
        """The project's desk secret (made once): CSRF tokens are HMACs under it, so
        they survive a restart and agree between processes."""
        with self._db() as conn:
            row = conn.execute("SELECT secret FROM desk_secret WHERE id = 1").fetchone()
            if row is None:
                conn.execute(
                    "INSERT OR IGNORE INTO desk_secret (id, secret) VALUES (1, ?)",
                    (secrets.token_bytes(32),),
                )
                row = conn.execute("SELECT secret FROM desk_secret WHERE id = 1").fetchone()
        return bytes(row["secret"])
