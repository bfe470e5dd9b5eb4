"""Work that outlasts a request: a revision being written by the LLM.

A job runs in a daemon thread; the page that started it polls its state.
One job per draft at a time, so two editors cannot revise the same draft
over each other. Jobs are kept in memory: the draft and the audit log, not
the job, are the record.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

State = Literal["running", "done", "failed"]
KEEP = 200  # finished jobs remembered, for pages that poll late


@dataclass
class Job:
    """One piece of background work on one draft."""

    id: str
    slug: str
    what: str
    by: str
    note: str
    revision: int | None = None  # the revision the editor asked to revise
    state: State = "running"
    phase: str = "starting"
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result: Any = None
    error: str | None = None

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "slug": self.slug,
            "what": self.what,
            "state": self.state,
            "phase": self.phase,
            "seconds": round(self.seconds, 1),
            "error": self.error,
        }


class Jobs:
    """The running and recently finished jobs of one desk."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self, slug: str) -> Job | None:
        with self._lock:
            return next(
                (j for j in self._jobs.values() if j.slug == slug and j.state == "running"), None
            )

    def start(
        self,
        slug: str,
        what: str,
        by: str,
        note: str,
        work: Callable[[Job], Any],
        *,
        phase: str = "starting",
        revision: int | None = None,
    ) -> Job | None:
        """Run `work(job)` in the background; None if `slug` already has a running job.
        `phase` says what is happening, for the page that follows the job."""
        with self._lock:
            if any(j.slug == slug and j.state == "running" for j in self._jobs.values()):
                return None
            job = Job(
                secrets.token_urlsafe(12), slug, what, by, note, revision=revision, phase=phase
            )
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(
            target=self._run, args=(job, work), name=f"desk-{what}-{slug}", daemon=True
        ).start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], Any]) -> None:
        try:
            job.result = work(job)
            job.state = "done"
        except Exception as exc:  # shown to the editor; the thread must not die silently
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            job.error = str(message).splitlines()[0] if str(message) else type(exc).__name__
            job.state = "failed"
        finally:
            job.finished = time.monotonic()
            job.phase = job.state

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.state != "running"]
        for job in sorted(finished, key=lambda j: j.started)[: max(0, len(finished) - KEEP)]:
            del self._jobs[job.id]
