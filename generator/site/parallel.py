"""Work spread over the cores: forked worker processes that inherit the
build's data and receive only index ranges, so nothing big (or cyclic, like
linked posts) is ever pickled to them."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

job: dict[str, Any] = {}  # what forked workers inherit (set before forking, cleared after)


def run(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int, threshold: int, setup: Callable[[], None] | None = None) -> list[R]:
    """`work` over `items`, in `jobs` forked processes when there are at least `threshold` items."""
    if setup is not None:
        setup()
    try:
        if jobs < 2 or len(items) < threshold:
            return work(items)
        job.update(items=items, work=work)
        size = -(-len(items) // (jobs * 4))
        spans = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return [result for part in pool.map(_run_span, spans) for result in part]
    finally:
        job.clear()


def _run_span(span: tuple[int, int]) -> list[Any]:
    work: Callable[[Sequence[Any]], list[Any]] = job["work"]
    result: list[Any] = work(job["items"][span[0] : span[1]])
    return result
