"""`satire run`: one unattended pass for cron or a systemd timer.

The steps, in order, each skipped with a line when it is not configured:

    intake     news to briefs (when `intake.feeds` is configured)
    generate   confirmed briefs to drafts (unconfirmed briefs wait for an editor)
    factcheck  the new drafts' claims against their briefs
    build      the static site: published posts only
    deploy     the built site to the `deploy:` target (when configured)
    notify     one message per channel: the drafts waiting for review, the
               intake briefs waiting for confirmation, and the steps that
               failed (last, so that it can say so)

A step that fails does not stop the others; the run then exits 1. Nothing is
approved or published by a run: only an editor moves a draft to the site.

One run at a time per project: a second run finds `.satire/run.lock` held and
exits at once with one line (exit 1), so a slow run is never overlapped by the
next cron tick. Each run is recorded in `.satire/state.db` (`pipeline_runs`,
`pipeline_steps`): what each step did, how long it took, and its cost from the
LLM call log. A run killed mid-way is marked `interrupted` by the next one,
which picks up where it stopped: drafts already written are unchanged briefs
with a draft (skipped), and drafts already announced are not announced again.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.config import Project
from generator.deploy import notify
from generator.errors import SatireError, WorkFailed
from generator.infra import clock, state
from generator.infra.fsutil import crash_point, project_lock

LOCK = "run"
Status = Literal["ok", "failed", "skipped"]


@dataclass
class StepResult:
    """What one step did: `summary` for its line and the record, `short` for the run's summary line."""

    status: Status
    summary: str
    short: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    cost_usd: float = 0.0


def ok(summary: str, short: str = "", **details: Any) -> StepResult:
    return StepResult("ok", summary, short or summary, details)


def failed(summary: str, short: str = "", **details: Any) -> StepResult:
    return StepResult("failed", summary, short or "failed", details)


def skipped(why: str) -> StepResult:
    return StepResult("skipped", why, "skipped")


@dataclass
class Run:
    """One pass: its options, and what the steps hand to those after them."""

    project: Project
    id: str
    dry_run: bool
    offline: bool
    echo: Callable[[str], None]
    waiting: list[notify.Waiting] = field(
        default_factory=list
    )  # new drafts for the editors, fact-checked
    briefs: list[notify.Unconfirmed] = field(
        default_factory=list
    )  # intake briefs waiting for an editor's confirmation
    steps: dict[str, StepResult] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(step.status != "failed" for step in self.steps.values())

    @property
    def cost_usd(self) -> float:
        return sum(step.cost_usd for step in self.steps.values())

    def failures(self) -> list[str]:
        return [
            f"{name}: {step.summary}"
            for name, step in self.steps.items()
            if step.status == "failed"
        ]

    def line(self) -> str:
        """The one summary line."""
        steps = ", ".join(f"{name} {step.short}" for name, step in self.steps.items())
        verdict = "dry run" if self.dry_run else ("ok" if self.ok else "FAILED")
        return f"run {self.id}: {verdict} in {self.seconds:.1f} s, ${self.cost_usd:.4f}: {steps}"


# -- the steps -------------------------------------------------------------------------


def intake_step(run: Run) -> StepResult:
    """News to briefs, when feeds are configured (`satire intake` with no source;
    it takes the intake lock itself, so a cron `satire intake` cannot overlap)."""
    if not run.project.config.intake.feeds:
        return skipped("no intake.feeds in satire.yaml")
    from generator.intake import run_intake

    report = run_intake(
        run.project, dry_run=run.dry_run, offline=run.offline, echo=run.echo, run_id=run.id
    )
    summary = report.line().removeprefix("intake: ")
    details = {"new": [run.project.rel(path) for path in report.new], "failed": report.failed}
    if not report.ok:
        return failed(summary, f"{len(report.new)} new, {len(report.failed)} failed", **details)
    return ok(summary, f"{len(report.new)} new", **details)


def generate_step(run: Run) -> StepResult:
    """Drafts for the confirmed briefs that have none or whose brief changed."""
    from generator.brief import brief_paths, confirmation_gate, load_briefs
    from generator.errors import shown
    from generator.styles import style_files
    from generator.write import batch
    from generator.write.backend import get_backend

    project = run.project
    briefs, errors = load_briefs(brief_paths(project.briefs_dir), set(style_files(project)), shown)
    for error in errors:
        run.echo(error.message)
    _, unconfirmed = confirmation_gate(briefs)
    run.briefs = [
        notify.Unconfirmed.of(brief) for brief in unconfirmed if brief.intake is not None
    ]  # a hand-written one's editor knows
    with project_lock(
        project.state_dir, "generate"
    ):  # a 'satire generate' at the same time would write the same drafts
        # batch.plan's gate leaves unconfirmed briefs for an editor, as `satire generate` does
        jobs, report = batch.plan(
            project, briefs, style=None, languages=None, force=False, say=run.echo
        )
        if run.dry_run:
            for job in jobs:
                run.echo(f"generate: dry run: would write {job.label}")
            waiting = f", {report.waiting} waiting for confirmation" if report.waiting else ""
            return ok(
                f"would write {len(jobs)} draft(s), {report.skipped} unchanged{waiting}",
                f"would write {len(jobs)}",
            )
        backend = get_backend(project, offline=run.offline, run_id=run.id)
        batch.run(
            project,
            jobs,
            backend,
            report,
            concurrency=project.config.llm.concurrency,
            max_cost=project.config.llm.max_cost_usd,
            say=run.echo,
        )
    summary = report.line().removeprefix("generate: ")
    details = {
        "written": report.written,
        "failed": report.failed,
        "unconfirmed": report.waiting,
        "bad_briefs": len(errors),
    }
    if report.failed or report.not_started or errors:
        bad = f"{len(errors)} brief(s) with errors, " if errors else ""
        return failed(
            bad + summary,
            f"{len(report.written)} written, {len(report.failed) + len(errors)} failed",
            **details,
        )
    return ok(summary, f"{len(report.written)} written", **details)


def factcheck_step(run: Run) -> StepResult:
    """The fact check of every draft waiting for review (notify tells the
    editors about those it has not announced yet, with their findings)."""
    from generator.drafts import DraftStore
    from generator.review import queries

    project = run.project
    drafts, errors = DraftStore(project).load_all()
    for error in errors:
        run.echo(error.message)
    chosen = [d for d in drafts if d.status == "draft"]
    problems = []
    for draft in chosen:
        findings: int | None
        try:
            findings = len(queries.factcheck(project, draft))
        except SatireError as exc:
            findings = None
            problems.append(draft.slug)
            run.echo(f"factcheck: {draft.slug}: {exc.format_message()}")
        run.waiting.append(notify.Waiting(draft.slug, draft.revision, draft.title, findings))
    total = sum(w.findings or 0 for w in run.waiting)
    details = {"drafts": {w.slug: w.findings for w in run.waiting}}
    summary = f"{len(chosen)} draft(s) checked, {total} finding(s)"
    if problems or errors:
        return failed(
            f"{summary}; could not check {', '.join(problems + [e.file for e in errors])}",
            f"{len(problems) + len(errors)} failed",
            **details,
        )
    return ok(summary, f"{len(chosen)} checked ({total} findings)", **details)


def build_step(run: Run) -> StepResult:
    """The site, with published posts only (never drafts)."""
    from generator.site.build import build

    if run.dry_run:
        return skipped("dry run: the site is not rebuilt")
    report = build(run.project, drafts=False)
    for error in report.errors:
        run.echo(error.message)
    for notice in report.notices:
        run.echo(notice)
    summary = f"{report.posts} post(s), {report.pages} page(s): {len(report.written)} written, {len(report.removed)} removed"
    if report.errors:
        return failed(
            f"{summary}; {len(report.errors)} draft(s) left out because of errors",
            f"{report.posts} post(s), errors",
        )
    return ok(
        summary, f"{report.posts} post(s)", written=len(report.written), removed=len(report.removed)
    )


def deploy_step(run: Run) -> StepResult:
    """The built site online, when `deploy:` is configured (published posts only:
    the build step above never builds drafts, and deploy refuses a drafts build)."""
    if run.project.config.deploy.target is None:
        return skipped("no deploy.target in satire.yaml")
    if run.steps["build"].status == "failed":
        return skipped("the build failed: the site online is left as it is")
    from generator.deploy import deploy

    lines: list[str] = []
    report = deploy(run.project, dry_run=run.dry_run, echo=lines.append)
    summary = report.summary()
    for line in lines:
        if line != summary:  # the step's own line says it
            run.echo(line)
    details = {
        "uploaded": report.uploaded,
        "deleted": report.deleted,
        "unchanged": report.unchanged,
        "bytes": report.bytes,
    }
    if not report.ok:
        return failed(summary, f"{len(report.errors)} failed", **details)
    return ok(summary, f"{report.uploaded} uploaded, {report.deleted} deleted", **details)


def notify_step(run: Run) -> StepResult:
    """One message per channel: the new drafts, the new briefs to confirm and the failed steps."""
    config = run.project.config.notify
    if not notify.channels(config):
        return skipped("no notify.webhook_url_env or notify.email.to in satire.yaml")
    outcome = notify.announce(
        run.project,
        run.waiting,
        run.failures(),
        briefs=run.briefs,
        run_id=run.id,
        dry_run=run.dry_run,
        echo=run.echo,
    )
    failures = " and the failed steps" if run.failures() else ""
    said = [
        f"{channel} ({len(slugs)} draft(s), {len(outcome.briefs[channel])} brief(s) to confirm{failures})"
        for channel, slugs in outcome.sent.items()
    ]
    parts = [("would send by " if run.dry_run else "sent by ") + ", ".join(said)] if said else []
    parts += list(outcome.failed.values())
    summary = "; ".join(parts) or "nothing new to announce"
    details = {"sent": outcome.sent, "briefs": outcome.briefs, "failed": list(outcome.failed)}
    if not outcome.ok:
        return failed(summary, f"{', '.join(outcome.failed)} failed", **details)
    return ok(summary, "sent" if said else "nothing new", **details)


STEPS: list[tuple[str, Callable[[Run], StepResult]]] = [
    ("intake", intake_step),
    ("generate", generate_step),
    ("factcheck", factcheck_step),
    ("build", build_step),
    ("deploy", deploy_step),
    ("notify", notify_step),
]


# -- the run -------------------------------------------------------------------------------


def run(
    project: Project, *, dry_run: bool = False, offline: bool = False, echo: Callable[[str], None]
) -> Run:
    """Every step in order under the project's run lock; the Run says what each did."""
    try:
        lock = project_lock(project.state_dir, LOCK, wait=False)
        lock.__enter__()
    except SatireError:
        raise WorkFailed(
            f"another 'satire run' is running on this project ({project.rel(project.state_dir / (LOCK + '.lock'))} is held): nothing done"
        ) from None
    try:
        return _run_locked(project, dry_run=dry_run, offline=offline, echo=echo)
    finally:
        lock.__exit__(None, None, None)


def _run_locked(
    project: Project, *, dry_run: bool, offline: bool, echo: Callable[[str], None]
) -> Run:
    current = Run(project, uuid.uuid4().hex[:12], dry_run, offline, echo)
    started = time.monotonic()
    with closing(state.connect(project.state_dir)) as conn:
        for row in conn.execute(
            "SELECT id, started_at FROM pipeline_runs WHERE status = 'running'"
        ).fetchall():
            echo(
                f"run {row['id']} (started {row['started_at']}) was interrupted; this run picks up its work"
            )
        conn.execute("UPDATE pipeline_runs SET status = 'interrupted' WHERE status = 'running'")
        if not dry_run:
            conn.execute(
                "INSERT INTO pipeline_runs (id, started_at, status, offline) VALUES (?, ?, 'running', ?)",
                (current.id, clock.stamp(), int(offline)),
            )
        for name, step in STEPS:
            calls_before = _last_call(conn)
            step_started = time.monotonic()
            try:
                result = step(current)
            except SatireError as exc:
                result = failed(exc.format_message().replace("\n", "; "))
            except Exception as exc:  # an unattended run does every other step and says what broke
                result = failed(f"internal error: {type(exc).__name__}: {exc}")
            result.seconds = time.monotonic() - step_started
            result.cost_usd = _cost_since(conn, calls_before)
            current.steps[name] = result
            echo(
                f"{name}: {result.status}: {result.summary}"
                if result.status != "ok"
                else f"{name}: {result.summary}"
            )
            if not dry_run:
                conn.execute(
                    "INSERT INTO pipeline_steps (run_id, step, status, summary, seconds, cost_usd, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        current.id,
                        name,
                        result.status,
                        result.summary,
                        round(result.seconds, 3),
                        result.cost_usd,
                        json.dumps(result.details, ensure_ascii=False),
                    ),
                )
            crash_point(f"after-{name}")
        current.seconds = time.monotonic() - started
        if not dry_run:
            conn.execute(
                "UPDATE pipeline_runs SET finished_at = ?, status = ?, seconds = ?, cost_usd = ?, summary = ? WHERE id = ?",
                (
                    clock.stamp(),
                    "ok" if current.ok else "failed",
                    round(current.seconds, 3),
                    current.cost_usd,
                    current.line(),
                    current.id,
                ),
            )
    return current


def _last_call(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM llm_calls").fetchone()[0])


def _cost_since(conn: sqlite3.Connection, after_id: int) -> float:
    """What the LLM calls logged since `after_id` cost (the run holds the project's run lock)."""
    return float(
        conn.execute(
            "SELECT COALESCE(SUM(cost_usd), 0) FROM llm_calls WHERE id > ?", (after_id,)
        ).fetchone()[0]
    )
