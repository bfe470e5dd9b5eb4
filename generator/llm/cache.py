"""The response cache and the per-call log, in `.satire/state.db`.

`CachedBackend` wraps a backend: a request whose key (messages, model,
parameters) is in `llm_cache` is answered from it with no network; every call,
cached or not, failed or not, is one row of `llm_calls` with what it cost (a
failed call's paid attempts included). An entry is written in one statement
after a complete, usable answer, so a killed run leaves either a whole entry or
none. The cache stores and returns answers; what a caller learns from one (the
fact check's claim findings) is handed back with `record`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from generator.errors import SatireError
from generator.infra import clock, state
from generator.llm import Backend, CallFailed, Completion, Request, Usage

T = TypeVar("T")


class CachedBackend:
    """A backend with the response cache and the call log around it."""

    def __init__(
        self, inner: Backend, state_dir: Path, *, run_id: str | None = None, read_cache: bool = True
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.read_cache = read_cache
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self._conn: sqlite3.Connection = state.connect(state_dir)
        self._lock = threading.Lock()

    def cache_key(self, request: Request[Any]) -> str | None:
        return self.inner.cache_key(request)

    def cost_bound(self, request: Request[Any]) -> float:
        key = self.inner.cache_key(request)
        if self.read_cache and key is not None and self.lookup(key, request) is not None:
            return 0.0
        return self.inner.cost_bound(request)

    def lookup(self, key: str, request: Request[T]) -> Completion[T] | None:
        """The cached answer to `request`, parsed again by its parser (None: none usable)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT response FROM llm_cache WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        try:
            return Completion.from_json(row["response"], request.parse)
        except (ValueError, TypeError, KeyError):
            return None  # an entry this version cannot read, or no longer accepts: ask again

    def complete(self, request: Request[T]) -> Completion[T]:
        key = self.inner.cache_key(request)
        if self.read_cache and key is not None:
            hit = self.lookup(key, request)
            if hit is not None:
                # the tokens stay (they say what the answer was worth); nothing was spent
                hit = replace(
                    hit,
                    cached=True,
                    usage=replace(hit.usage, cost_usd=0.0, latency_ms=0, requests=0),
                )
                hit.call_id = self._log(request, hit.model, hit.usage, cached=True, outcome="ok")
                return hit
        started = time.monotonic()
        try:
            completion = self.inner.complete(request)
        except SatireError as exc:
            spent = exc.usage if isinstance(exc, CallFailed) else Usage()
            if not spent.latency_ms:
                spent = replace(spent, latency_ms=int((time.monotonic() - started) * 1000))
            self._log(
                request,
                self.model,
                spent,
                cached=False,
                outcome=f"{type(exc).__name__}: {exc.format_message()}",
            )
            raise
        if key is not None:
            with self._lock:
                self._conn.execute(
                    "INSERT OR REPLACE INTO llm_cache (key, response, created_at) VALUES (?, ?, ?)",
                    (key, completion.to_json(), clock.stamp()),
                )
        completion.call_id = self._log(
            request, completion.model, completion.usage, cached=False, outcome="ok"
        )
        return completion

    def record(self, completion: Completion[Any], *, findings: int) -> None:
        if completion.call_id is None:
            return
        with self._lock:
            self._conn.execute(
                "UPDATE llm_calls SET findings = ? WHERE id = ?", (findings, completion.call_id)
            )

    def _log(
        self, request: Request[Any], model: str, usage: Usage, *, cached: bool, outcome: str
    ) -> int | None:
        """One row of the call log; its id."""
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO llm_calls (run_id, at, item, backend, model, tokens_in, tokens_out, latency_ms, cost_usd, cached, outcome, kind, style, language)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.run_id, clock.stamp(), request.item, self.name, model, usage.tokens_in, usage.tokens_out,
                    usage.latency_ms, usage.cost_usd, int(cached), outcome[:500], request.kind, request.style,
                    request.language,
                ),
            )  # fmt: skip
            return cursor.lastrowid

    def close(self) -> None:
        self._conn.close()
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()
