"""`Metered`: a backend that adds up what the calls made through it spent,
answers from the cache excluded and failed calls included (a call that failed
after paid but unusable answers still cost their tokens). A batch wraps its
backend in one per job, so the job's summary and budget see every paid call,
whether the job ends with a draft or not."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from generator.llm import Backend, CallFailed, Completion, Request, Usage

T = TypeVar("T")


class Metered:
    """`inner`, with `usage`: the sum of what was spent through it."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.usage = Usage()
        self.cached = True  # every answer came from the cache (or none was asked)
        self._lock = threading.Lock()

    def complete(self, request: Request[T]) -> Completion[T]:
        try:
            completion = self.inner.complete(request)
        except CallFailed as exc:
            self._add(exc.usage, cached=False)
            raise
        self._add(Usage() if completion.cached else completion.usage, cached=completion.cached)
        return completion

    def _add(self, usage: Usage, *, cached: bool) -> None:
        with self._lock:
            self.usage = self.usage + usage
            self.cached = self.cached and cached

    def cache_key(self, request: Request[Any]) -> str | None:
        return self.inner.cache_key(request)

    def cost_bound(self, request: Request[Any]) -> float:
        return self.inner.cost_bound(request)

    def record(self, completion: Completion[Any], *, findings: int) -> None:
        self.inner.record(completion, findings=findings)
