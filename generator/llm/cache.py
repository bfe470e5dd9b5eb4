"""The response cache and the per-call log, in `.satire/state.db`.

`CachedBackend` wraps a backend: a request whose key (messages, model,
parameters) is in `llm_cache` is answered from it with no network; every call,
cached or not, failed or not, is one row of `llm_calls` (tokens, latency, cost).
An entry is written in one statement after a complete, validated answer, so a
killed run leaves either a whole entry or none.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import SatireError
from generator.infra import clock, state
from generator.llm import Backend, Completion, Request
from generator.llm.answer import Answer

if TYPE_CHECKING:
    from generator.write.prompts import Message


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

    def cache_key(self, request: Request) -> str | None:
        return self.inner.cache_key(request)

    def cost_bound(self, request: Request) -> float:
        key = self.inner.cache_key(request)
        if self.read_cache and key is not None and self.lookup(key) is not None:
            return 0.0
        return self.inner.cost_bound(request)

    def lookup(self, key: str) -> Completion | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT response FROM llm_cache WHERE key = ?", (key,)
            ).fetchone()
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
            self._log(
                request,
                None,
                f"{type(exc).__name__}: {exc.format_message()}",
                int((time.monotonic() - started) * 1000),
            )
            raise
        if key is not None:
            with self._lock:
                self._conn.execute(
                    "INSERT OR REPLACE INTO llm_cache (key, response, created_at) VALUES (?, ?, ?)",
                    (key, completion.to_json(), clock.stamp()),
                )
        self._log(request, completion, "ok")
        return completion

    def ask_json(
        self, messages: list[Message], *, item: str, kind: str, max_tokens: int = 400, schema: dict[str, Any] | None = None,
        name: str = "answer", temperature: float | None = None, style: str | None = None, language: str | None = None,
    ) -> Answer:  # fmt: skip
        """A JSON object answer that is not an article (the judge's verdict with
        `kind="judge"`, intake's extraction with `kind="intake"` and a `schema`),
        cached and logged like a draft: one `llm_calls` row for `item`."""
        ask = getattr(self.inner, "ask_json", None)
        if ask is None:
            raise SatireError(
                f"the {self.name} backend cannot answer questions: configure an LLM endpoint (llm.base_url or OPENAI_API_KEY)"
            )
        base = getattr(self.inner, "base_url", None)
        canonical: dict[str, Any] = {
            "kind": kind,
            "backend": self.name,
            "base_url": base,
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
        }
        if (
            schema is not None
        ):  # (the judge's keys stay what they were before schemas, so its cache still answers)
            canonical |= {"schema": schema, "name": name}
        if temperature is not None:
            canonical["temperature"] = temperature
        key = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
        with self._lock:
            row = (
                self._conn.execute(
                    "SELECT response FROM llm_cache WHERE key = ?", (key,)
                ).fetchone()
                if self.read_cache
                else None
            )
        answer: Answer
        if row is not None:
            answer = Answer.from_json(row["response"])
            answer.cached, answer.cost_usd, answer.latency_ms = True, 0.0, 0
        else:
            try:
                answer = ask(
                    messages,
                    schema=schema,
                    name=name,
                    max_tokens=max_tokens,
                    temperature=temperature,
                )
            except SatireError as exc:
                self._write_log(
                    item,
                    kind,
                    style,
                    language,
                    self.model,
                    0,
                    0,
                    0,
                    0.0,
                    False,
                    f"{type(exc).__name__}: {exc.format_message()}",
                    None,
                )
                raise
            with self._lock:
                self._conn.execute(
                    "INSERT OR REPLACE INTO llm_cache (key, response, created_at) VALUES (?, ?, ?)",
                    (key, answer.to_json(), clock.stamp()),
                )
        self._write_log(
            item,
            kind,
            style,
            language,
            answer.model,
            answer.tokens_in,
            answer.tokens_out,
            answer.latency_ms,
            answer.cost_usd,
            answer.cached,
            "ok",
            None,
        )
        return answer

    def _log(
        self, request: Request, completion: Completion | None, outcome: str, latency_ms: int = 0
    ) -> None:
        c = completion
        self._write_log(
            request.item,
            request.kind,
            request.style.name,
            request.language,
            c.model if c else self.model,
            c.tokens_in if c else 0,
            c.tokens_out if c else 0,
            c.latency_ms if c else latency_ms,
            c.cost_usd if c else 0.0,
            bool(c and c.cached),
            outcome,
            claim_findings(request, c) if c else None,
        )

    def _write_log(
        self, item: str, kind: str, style: str | None, language: str | None, model: str,
        tokens_in: int, tokens_out: int, latency_ms: int, cost_usd: float, cached: bool, outcome: str, findings: int | None,
    ) -> None:  # fmt: skip
        with self._lock:
            self._conn.execute(
                "INSERT INTO llm_calls (run_id, at, item, backend, model, tokens_in, tokens_out, latency_ms, cost_usd, cached, outcome, kind, style, language, findings)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.run_id,
                    clock.stamp(),
                    item,
                    self.name,
                    model,
                    tokens_in,
                    tokens_out,
                    latency_ms,
                    cost_usd,
                    int(cached),
                    outcome[:500],
                    kind,
                    style,
                    language,
                    findings,
                ),
            )

    def close(self) -> None:
        self._conn.close()


def claim_findings(request: Request, completion: Completion) -> int | None:
    """How many unbacked claims the draft this call returned holds (logged with
    the call, so stats can report findings at the first revision)."""
    from generator.check.factcheck import CLAIM_KINDS, check
    from generator.drafts import Draft
    from generator.write.compose import tidy_body

    article = completion.article
    if article is None:  # a verdict, not a draft
        return None
    fields: dict[str, Any] = {
        "title": article.title,
        "dek": article.dek,
        "pull_quote": article.pull_quote,
        "body": tidy_body(article),
        "language": request.language,
    }
    try:
        draft = (
            request.draft.model_copy(update=fields)
            if request.draft is not None
            else Draft.model_construct(**fields)
        )
        return sum(1 for finding in check(request.brief, draft) if finding.kind in CLAIM_KINDS)
    except Exception:  # a reader's aid: never let it lose the call's log row
        return None
