"""A batch of briefs to drafts, as `satire generate` runs it: plan the jobs
(brief x language), skip what is unchanged or protected, then write with
bounded concurrency under a cost budget, saving each draft as it lands.

A job that fails writes nothing and stops nothing else. Each finished draft is
saved at once (a revision snapshot, then the draft, both atomic), and its
answer is already in the response cache, so a killed batch run again picks up
where it stopped without asking twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.brief import confirmation_gate, waiting_line
from generator.drafts import DraftStore
from generator.errors import SatireError
from generator.write import compose

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.config import Project
    from generator.drafts import Draft
    from generator.llm import Backend


@dataclass
class WriteJob:
    """One draft to write: a brief in one language."""

    brief: Brief
    style: str
    language: str
    slug: str
    translations: dict[str, str]

    @property
    def label(self) -> str:
        return f"{self.slug} ({self.language})"


@dataclass
class BatchReport:
    """What a batch did; `line()` is the closing summary."""

    written: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cached: int = 0
    skipped: int = 0
    kept: int = 0
    waiting: int = 0  # unconfirmed briefs, skipped
    not_started: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    budget_stop: str = ""

    def line(self) -> str:
        parts = [
            f"{len(self.written)} written",
            f"{len(self.failed)} failed" + (f" ({', '.join(self.failed)})" if self.failed else ""),
            f"{self.cached} cached",
            f"{self.skipped} unchanged",
        ]
        if self.kept:
            parts.append(f"{self.kept} kept (approved/published)")
        if self.waiting:
            parts.append(f"{self.waiting} waiting for confirmation")
        if self.not_started:
            parts.append(f"{self.not_started} not started")
        parts += [
            f"tokens {self.tokens_in} in / {self.tokens_out} out",
            f"${self.cost_usd:.4f}",
            f"{self.seconds:.1f} s",
        ]
        return "generate: " + ", ".join(parts)


def plan(
    project: Project,
    briefs: list[Brief],
    *,
    style: str | None,
    languages: list[str] | None,
    force: bool,
    say: Callable[[str], None],
    unconfirmed: bool = False,
) -> tuple[list[WriteJob], BatchReport]:
    """The jobs to run, after skipping unconfirmed briefs (unless `unconfirmed`),
    unchanged and protected drafts."""
    store = DraftStore(project)
    report = BatchReport()
    jobs: list[WriteJob] = []
    ready, waiting = confirmation_gate(briefs)
    if waiting and not unconfirmed:  # nothing from intake is written before an editor confirms it
        say(waiting_line(waiting))
        report.waiting = len(waiting)
        briefs = ready
    for brief in briefs:
        own = brief.language or project.config.language
        langs = languages or [own]
        primary = own if own in langs else langs[0]
        slugs = {
            lang: brief.effective_slug
            if lang == primary
            else f"{brief.effective_slug}-{lang.lower()}"
            for lang in langs
        }
        chosen_style = style or brief.style or project.config.style
        for lang in langs:
            slug = slugs[lang]
            job = WriteJob(
                brief,
                chosen_style,
                lang,
                slug,
                {other: s for other, s in slugs.items() if other != lang},
            )
            if store.exists(slug) and not force:
                try:
                    existing = store.load(slug)
                except SatireError as exc:
                    say(
                        f"{exc.format_message()} (draft unreadable: not overwritten; fix it or use --force)"
                    )
                    report.failed.append(slug)
                    continue
                if (
                    existing.provenance.brief_sha256 == brief.sha256
                    and existing.style == chosen_style
                    and existing.language == lang
                ):
                    report.skipped += 1
                    continue
                if existing.status in ("approved", "published"):
                    say(
                        f"{project.rel(store.path(slug))} is {existing.status}: not overwritten though its brief changed (use --force for a new revision back to draft)"
                    )
                    report.kept += 1
                    continue
            jobs.append(job)
    return jobs, report


class Budget:
    """Stops starting calls that could take spending past `limit` (USD)."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit
        self.spent = 0.0
        self.reserved = 0.0
        self.stopped = False
        self._lock = threading.Lock()

    def reserve(self, bound: float) -> bool:
        with self._lock:
            if self.limit is None:
                return True
            if self.stopped or self.spent + self.reserved + bound > self.limit:
                self.stopped = True
                return False
            self.reserved += bound
            return True

    def settle(self, bound: float, actual: float) -> None:
        with self._lock:
            if self.limit is not None:
                self.reserved -= bound
            self.spent += actual


def run(
    project: Project,
    jobs: list[WriteJob],
    backend: Backend,
    report: BatchReport,
    *,
    concurrency: int,
    max_cost: float | None,
    say: Callable[[str], None],
    advance: Callable[[], None] = lambda: None,
    store: DraftStore | None = None,
    self_check_rounds: int | None = None,
) -> BatchReport:
    """Write every job (at most `concurrency` at once), saving each draft as it
    lands (in `store`: the project's drafts unless another is given, as eval's scratch one).

    Each job may cost its write and up to `self_check_rounds` fix requests (default:
    llm.self_check_rounds): each is reserved against the budget before it is sent."""
    from generator.llm import Request
    from generator.llm.meter import Metered
    from generator.styles import load_style

    store = store or DraftStore(project)
    budget = Budget(max_cost)
    save_lock = threading.Lock()
    started = time.monotonic()
    order = {id(job): n for n, job in enumerate(jobs)}
    rounds = (
        project.config.llm.self_check_rounds if self_check_rounds is None else self_check_rounds
    )
    cursor = {"next": 0}
    cursor_lock = threading.Lock()

    def take() -> WriteJob | None:
        """The next job, or None when all are taken or the budget is spent."""
        with cursor_lock:
            if cursor["next"] >= len(jobs):
                return None
            job = jobs[cursor["next"]]
            bound = 0.0
            if budget.limit is not None:
                chosen = load_style(project, job.style)
                bound = backend.cost_bound(
                    compose.write_request(project, job.brief, chosen, job.language, job.slug)
                )
            if not budget.reserve(bound):
                return None
            cursor["next"] += 1
            job_bounds[id(job)] = bound
            return job

    job_bounds: dict[int, float] = {}

    def afford(reserved: list[float]) -> Callable[[Request[Any]], bool]:
        """A job's self-check rounds go out only while the budget holds them (kept in `reserved`)."""

        def check(request: Request[Any]) -> bool:
            extra = backend.cost_bound(request) if budget.limit is not None else 0.0
            if not budget.reserve(extra):
                return False
            reserved.append(extra)
            return True

        return check

    def worker() -> None:
        while (job := take()) is not None:
            reserved = [job_bounds[id(job)]]
            metered = Metered(backend)  # every paid call of the job, failed ones included
            try:
                draft = compose.write(
                    project,
                    job.brief,
                    job.style,
                    job.language,
                    metered,
                    slug=job.slug,
                    self_check_rounds=rounds,
                    afford=afford(reserved),
                )
            except SatireError as exc:
                budget.settle(sum(reserved), metered.usage.cost_usd)
                say(f"{_where(project, job)}: generation failed: {exc.format_message()}")
                with save_lock:
                    report.failed.append(job.slug)
                    count(metered)
                advance()
                continue
            draft = draft.model_copy(update={"translations": job.translations, "body": draft.body})
            budget.settle(sum(reserved), metered.usage.cost_usd)
            # Saving (two fsyncs) is handed off so this worker can start its next call at once.
            saves.append(saver.submit(save, job, draft, metered))

    def count(metered: Metered) -> None:
        """Add what a job spent to the summary (under save_lock)."""
        report.tokens_in += metered.usage.tokens_in
        report.tokens_out += metered.usage.tokens_out
        report.cost_usd += metered.usage.cost_usd

    def save(job: WriteJob, draft: Draft, metered: Metered) -> None:
        try:
            store.save_revision(draft)  # one slug per job: saves need no lock between them
        except OSError as exc:
            say(f"{_where(project, job)}: could not save the draft: {exc.strerror or exc}")
            with save_lock:
                report.failed.append(job.slug)
                count(metered)
            advance()
            return
        with save_lock:
            report.written.append(job.slug)
            if metered.cached:
                report.cached += 1
            count(metered)
        advance()

    workers = max(1, min(concurrency, len(jobs) or 1))
    saves: list[Future[None]] = []
    with (
        ThreadPoolExecutor(max_workers=2) as saver,
        ThreadPoolExecutor(max_workers=workers) as pool,
    ):
        for future in [pool.submit(worker) for _ in range(workers)]:
            future.result()
        for saved in saves:
            saved.result()
    report.not_started = len(jobs) - cursor["next"]
    if budget.stopped and report.not_started:
        done = len(report.written) + len(report.failed)
        report.budget_stop = (
            f"budget: stopped before exceeding ${max_cost:.4f}: {done} of {len(jobs)} posts done (${budget.spent:.4f} spent), "
            f"{report.not_started} not started (raise --max-cost or llm.max_cost_usd to go on)"
        )
        say(report.budget_stop)
    report.written.sort(key=lambda s: next((order[id(j)] for j in jobs if j.slug == s), 0))
    report.seconds = time.monotonic() - started
    return report


def _where(project: Project, job: WriteJob) -> str:
    path = job.brief.path
    return f"{project.rel(path) if path else job.slug} [{job.language}]"
