"""Work spread over the cores, two ways:

- `Workers`: one pool of forked processes, started on first use and shared by
  a build's phases, for work whose items pickle cheaply (file paths, Markdown);
- `run`: forked processes that inherit the build's data and receive only index
  ranges, for pages (linked posts are cyclic and big to pickle).

Both report what they finish to a `Progress` (the CLI draws it), chunk by chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # a pool is started only when the work is big enough: no import before
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

job: dict[str, Any] = {}  # what forked workers inherit (set before forking, cleared after)


class Progress:
    """Where a build reports its phases as they go (here: nowhere)."""

    def start(self, phase: str, total: int) -> None:
        """`phase` begins, with `total` items to do."""

    def advance(self, phase: str, done: int) -> None:
        """`done` more items of `phase` are finished."""


class Workers:
    """A pool of `jobs` forked processes, started when first needed."""

    def __init__(self, jobs: int, progress: Progress | None = None) -> None:
        self.jobs = jobs
        self.progress = progress or Progress()
        self._pool: ProcessPoolExecutor | None = None

    def map(
        self,
        work: Callable[[Sequence[T]], list[R]],
        items: Sequence[T],
        threshold: int,
        *,
        phase: str = "",
        parts: int = 4,
    ) -> list[R]:
        """`work` over `items` (split into `parts` chunks per worker), here when
        there are fewer than `threshold`; each chunk done is reported as `phase`."""
        if phase:
            self.progress.start(phase, len(items))
        if self.jobs < 2 or not items or (self._pool is None and len(items) < threshold):
            done = work(items)
            if phase:
                self.progress.advance(phase, len(items))
            return done
        results: list[R] = []
        for size, future in self._chunks(work, items, parts):
            results += future.result()
            if phase:
                self.progress.advance(phase, size)
        return results

    def _chunks(
        self, work: Callable[[Sequence[T]], list[R]], items: Sequence[T], parts: int
    ) -> list[tuple[int, Future[list[R]]]]:
        if self._pool is None:
            self._pool = _pool(self.jobs)
        size = -(-len(items) // (self.jobs * parts))
        return [
            (len(items[i : i + size]), self._pool.submit(work, items[i : i + size]))
            for i in range(0, len(items), size)
        ]

    def submit(
        self, work: Callable[[Sequence[T]], list[R]], items: Sequence[T], threshold: int
    ) -> Callable[[], list[R]]:
        """Like `map`, but returns at once: call the result for the results. The
        caller works on while the pool does (here, at once, under `threshold`
        while no pool is running: once started, it takes any work)."""
        if self.jobs < 2 or not items or (self._pool is None and len(items) < threshold):
            done = work(items)
            return lambda: done
        futures = self._chunks(work, items, 4)
        return lambda: [result for _, future in futures for result in future.result()]

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
    progress: Progress | None = None,
    phase: str = "",
) -> list[R]:
    """`work` over `items`, in `jobs` forked processes when there are at least
    `threshold` items; each span done is reported to `progress` as `phase`."""
    report = progress or Progress()
    report.start(phase, len(items))
    if setup is not None:
        setup()
    try:
        if jobs < 2 or len(items) < threshold:
            done = work(items)
            report.advance(phase, len(items))
            return done
        job.update(items=items, work=work)
        size = -(-len(items) // (jobs * 8))
        spans = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
        results: list[R] = []
        with _pool(jobs) as pool:
            for part in pool.map(_run_span, spans):
                results += part
                report.advance(phase, len(part))
        return results
    finally:
        job.clear()


def _pool(jobs: int) -> ProcessPoolExecutor:
    """`jobs` forked processes (they inherit the build's data)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))


def _run_span(span: tuple[int, int]) -> list[Any]:
    work: Callable[[Sequence[Any]], list[Any]] = job["work"]
    result: list[Any] = work(job["items"][span[0] : span[1]])
    return result
