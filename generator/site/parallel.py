"""Work spread over the cores, two ways:

- `Workers`: one pool of forked processes, started on first use and shared by
  a build's phases, for work whose items pickle cheaply (file paths, Markdown);
- `run`: forked processes that inherit the build's data and receive only index
  ranges, for pages (linked posts are cyclic and big to pickle).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

job: dict[str, Any] = {}  # what forked workers inherit (set before forking, cleared after)


class Workers:
    """A pool of `jobs` forked processes, started when first needed."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def map(
        self, work: Callable[[Sequence[T]], list[R]], items: Sequence[T], threshold: int
    ) -> list[R]:
        """`work` over `items` (split into chunks), here when there are fewer than `threshold`."""
        return self.submit(work, items, threshold)()

    def submit(
        self, work: Callable[[Sequence[T]], list[R]], items: Sequence[T], threshold: int
    ) -> Callable[[], list[R]]:
        """Like `map`, but returns at once: call the result for the results. The
        caller works on while the pool does (here, at once, under `threshold`
        while no pool is running: once started, it takes any work)."""
        if self.jobs < 2 or not items or (self._pool is None and len(items) < threshold):
            done = work(items)
            return lambda: done
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("fork")
            )
        size = -(-len(items) // (self.jobs * 4))
        futures = [self._pool.submit(work, items[i : i + size]) for i in range(0, len(items), size)]
        return lambda: [result for future in futures for result in future.result()]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def run(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    jobs: int,
    threshold: int,
    setup: Callable[[], None] | None = None,
) -> list[R]:
    """`work` over `items`, in `jobs` forked processes when there are at least `threshold` items."""
    if setup is not None:
        setup()
    try:
        if jobs < 2 or len(items) < threshold:
            return work(items)
        job.update(items=items, work=work)
        size = -(-len(items) // (jobs * 8))
        spans = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            return [result for part in pool.map(_run_span, spans) for result in part]
    finally:
        job.clear()


def _run_span(span: tuple[int, int]) -> list[Any]:
    work: Callable[[Sequence[Any]], list[Any]] = job["work"]
    result: list[Any] = work(job["items"][span[0] : span[1]])
    return result
