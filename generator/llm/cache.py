"""The response cache and the per-call log, in `.satire/state.db`.

`CachedBackend` wraps a backend: a request whose key (messages, model,
parameters) is in `llm_cache` is answered from it with no network; every call,
cached or not, failed or not, is one row of `llm_calls` (tokens, latency, cost).
An entry is written in one statement after a complete, validated answer, so a
killed run leaves either a whole entry or none.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
import uuid
from pathlib import Path

from generator import state
from generator.errors import SatireError
from generator.llm import Backend, Completion, Request


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class CachedBackend:
    """A backend with the response cache and the call log around it."""

    def __init__(self, inner: Backend, state_dir: Path, *, run_id: str | None = None, read_cache: bool = True) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.read_cache = read_cache
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self._conn: sqlite3.Connection = state.connect(state_dir)
        self._lock = threading.Lock()

    def cache_key(self, request: Request) -> str | None:
        return self.inner.cache_key(request)

    def cost_bound(self, request: Request) -> float:
        key = self.inner.cache_key(request)
        if self.read_cache and key is not None and self.lookup(key) is not None:
            return 0.0
        return self.inner.cost_bound(request)

    def lookup(self, key: str) -> Completion | None:
        with self._lock:
            row = self._conn.execute("SELECT response FROM llm_cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return Completion.from_json(row["response"])
        except (ValueError, TypeError, KeyError):
            return None  # an entry this version cannot read: ask again

    def complete(self, request: Request) -> Completion:
        key = self.inner.cache_key(request)
        if self.read_cache and key is not None:
            hit = self.lookup(key)
            if hit is not None:
                hit.cached, hit.cost_usd, hit.latency_ms, hit.requests = True, 0.0, 0, 0
                self._log(request, hit, "ok")
                return hit
        started = time.monotonic()
        try:
            completion = self.inner.complete(request)
        except SatireError as exc:
            self._log(request, None, f"{type(exc).__name__}: {exc.format_message()}", int((time.monotonic() - started) * 1000))
            raise
        if key is not None:
            with self._lock:
                self._conn.execute(
                    "INSERT OR REPLACE INTO llm_cache (key, response, created_at) VALUES (?, ?, ?)",
                    (key, completion.to_json(), _now()),
                )
        self._log(request, completion, "ok")
        return completion

    def _log(self, request: Request, completion: Completion | None, outcome: str, latency_ms: int = 0) -> None:
        c = completion
        with self._lock:
            self._conn.execute(
                "INSERT INTO llm_calls (run_id, at, item, backend, model, tokens_in, tokens_out, latency_ms, cost_usd, cached, outcome)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.run_id, _now(), request.item, self.name, c.model if c else self.model,
                    c.tokens_in if c else 0, c.tokens_out if c else 0, c.latency_ms if c else latency_ms,
                    c.cost_usd if c else 0.0, int(bool(c and c.cached)), outcome[:500],
                ),
            )

    def close(self) -> None:
        self._conn.close()
