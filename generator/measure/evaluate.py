"""`satire eval`: every brief written by every model in every style into a
scratch folder, scored, optionally judged, and reported.

Writing goes through generate's own path (`batch.run` -> `compose.write`: the
same prompts, self-check, response cache, call log and budget), but drafts are
saved in `DIR/drafts/` by a scratch `DraftStore`: never in the project's
`drafts/` nor its revisions, and nothing goes to the audit log. Calls are
logged under a run id `eval-...`, which `satire stats` leaves out; the run's
costs and latencies are read back from the call log, so they add up to it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.drafts import DraftStore
from generator.errors import SatireError
from generator.infra import clock, state
from generator.measure import metrics
from generator.measure.judge import Contestant, Judge, Verdict, ranking, self_agreement
from generator.measure.metrics import EvalEntry
from generator.write import batch

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.config import Project

RUN_PREFIX = "eval-"


class ScratchStore(DraftStore):
    """Drafts and revisions kept under an eval folder, not the project's."""

    def __init__(self, project: Project, folder: Path) -> None:
        super().__init__(project)
        self.folder = folder / "drafts"
        self.revisions_dir = folder / "revisions"


@dataclass
class EvalOutcome:
    """What `run` returns: the results (the shape of results.json) and where they went."""

    results: dict[str, Any]
    entries: list[EvalEntry]
    out: Path
    ok: bool


def scratch_folder(project: Project, out: Path | None) -> Path:
    """The run's folder (default `.satire/eval/TIMESTAMP`), never inside drafts/."""
    folder = (out or project.state_dir / "eval" / clock.now().strftime("%Y%m%d-%H%M%S")).resolve()
    drafts = project.drafts_dir.resolve()
    if folder == drafts or drafts in folder.parents:
        raise SatireError(
            f"--out {folder}: eval never writes into the project's drafts/ ({drafts}); choose another folder"
        )
    return folder


def slug_for(brief: Brief, model: str, style: str) -> str:
    """A file name for one result: brief--model--style, in [a-z0-9-]."""
    safe = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "model"
    return f"{brief.effective_slug}--{safe}--{style}"


def run(
    project: Project,
    briefs: list[Brief],
    *,
    models: list[str],
    styles: list[str] | None,
    language: str | None,
    judge_model: str | None,
    out: Path | None,
    concurrency: int,
    max_cost: float | None,
    offline: bool = False,
    say: Callable[[str], None],
) -> EvalOutcome:
    """Write, score, judge and report; the report is written even when the budget stops the run."""
    from generator.measure import report
    from generator.write.backend import get_backend

    folder = scratch_folder(project, out)
    store = ScratchStore(project, folder)
    run_id = RUN_PREFIX + uuid.uuid4().hex[:12]
    entries: list[EvalEntry] = []
    for model in models:
        for brief in briefs:
            for style in styles or [brief.style or project.config.style]:
                entries.append(
                    EvalEntry(
                        brief,
                        model,
                        style,
                        language or brief.language or project.config.language,
                        "",
                    )
                )
    for entry in entries:
        entry.slug = slug_for(entry.brief, entry.model, entry.style)
    if len({e.slug for e in entries}) != len(entries):
        raise SatireError("two briefs, models or styles of this run share a name: give each once")

    stopped = ""
    ok = True
    for model in models:
        mine = [e for e in entries if e.model == model]
        if stopped:
            for entry in mine:
                entry.problem = "not started: budget"
            continue
        backend = get_backend(project, offline=offline, model=model, run_id=run_id)
        jobs = [batch.WriteJob(e.brief, e.style, e.language, e.slug, {}) for e in mine]
        spent = _spent(project, run_id)
        remaining = None if max_cost is None else max(0.0, max_cost - spent)
        report_ = batch.run(
            project,
            jobs,
            backend,
            batch.BatchReport(),
            concurrency=concurrency,
            max_cost=remaining,
            say=say,
            store=store,
        )
        failed = set(report_.failed)
        for entry in mine:
            if entry.slug in report_.written:
                entry.draft = store.load(entry.slug)
            else:
                entry.problem = "failed" if entry.slug in failed else "not started: budget"
                ok = False
        if report_.budget_stop:
            stopped = f"budget: stopped before exceeding ${max_cost:.4f} while writing with {model}"
            say(stopped)

    _score(project, entries, run_id)
    ranked: dict[str, Any] = {}
    if judge_model and not stopped:
        ranked, stopped = _judge(project, entries, judge_model, run_id, max_cost, offline, say)
    total = _spent(project, run_id)
    results = {
        "run_id": run_id,
        "created_at": clock.stamp(),
        "models": models,
        "styles": sorted({e.style for e in entries}),
        "briefs": [b.effective_slug for b in briefs],
        "judge": judge_model,
        "results": [_result(e) for e in entries],
        **({"ranking": ranked} if judge_model else {}),
        "cost_usd": round(total, 6),
        "stopped": stopped or None,
    }
    report.write(folder, results, entries)
    return EvalOutcome(results, entries, folder, ok and not stopped)


def _result(e: EvalEntry) -> dict[str, Any]:
    return {
        "brief": e.brief.effective_slug,
        "model": e.model,
        "style": e.style,
        "language": e.language,
        "draft": f"drafts/{e.slug}.md" if e.draft else None,
        "metrics": e.metrics,
        "findings": e.findings,
        "problem": e.problem or None,
    }


def _spent(project: Project, run_id: str) -> float:
    """What the run has cost so far, from the call log."""
    return float(_calls(project, run_id).get("", {}).get("cost_usd", 0.0))


def _calls(project: Project, run_id: str) -> dict[str, dict[str, Any]]:
    """Per item of the run (and "" for all): calls, cost, tokens and latency from the call log."""
    conn = state.connect(project.state_dir)
    try:
        rows = conn.execute(
            "SELECT item, COUNT(*) AS calls, SUM(cost_usd) AS cost_usd, SUM(CASE WHEN cached THEN 0 ELSE tokens_in END) AS tokens_in,"
            " SUM(CASE WHEN cached THEN 0 ELSE tokens_out END) AS tokens_out, SUM(latency_ms) AS latency_ms, MAX(cached) AS cached"
            " FROM llm_calls WHERE run_id = ? GROUP BY item",
            (run_id,),
        ).fetchall()
    finally:
        conn.close()
    per = {r["item"]: dict(r) for r in rows}
    per[""] = {"cost_usd": sum(float(r["cost_usd"] or 0) for r in rows)}
    return per


def _score(project: Project, entries: list[EvalEntry], run_id: str) -> None:
    from generator.check.factcheck import check

    calls = _calls(project, run_id)
    written = {e.slug: e.draft for e in entries if e.draft is not None}
    repeated = metrics.repetition(written)
    for e in entries:
        if e.draft is None:
            continue
        findings = check(e.brief, e.draft)
        e.findings = [f.to_dict() for f in findings]
        used = calls.get(e.slug, {})
        e.metrics = {
            **metrics.score(e.draft, findings),
            "cost_usd": round(float(used.get("cost_usd") or 0.0), 6),
            "tokens_in": int(used.get("tokens_in") or 0),
            "tokens_out": int(used.get("tokens_out") or 0),
            "latency_ms": int(used.get("latency_ms") or 0),
            "calls": int(used.get("calls") or 0),
            "cached": bool(used.get("cached")),
            **repeated[e.slug],
        }


def _judge(
    project: Project,
    entries: list[EvalEntry],
    model: str,
    run_id: str,
    max_cost: float | None,
    offline: bool,
    say: Callable[[str], None],
) -> tuple[dict[str, Any], str]:
    """Pairwise verdicts within each brief and style; a ranking of models per style."""
    from generator.styles import load_style
    from generator.write.backend import get_backend

    backend = get_backend(project, offline=offline, model=model, run_id=run_id)
    stopped = ""

    def afford(bound: float) -> bool:
        return max_cost is None or _spent(project, run_id) + bound <= max_cost

    judge = Judge(project, backend, afford=afford)
    by_style: dict[str, Any] = {}
    for style in sorted({e.style for e in entries}):
        verdicts: list[Verdict] = []
        records: list[dict[str, Any]] = []
        pairs: list[list[Verdict]] = []
        chosen = load_style(project, style)
        briefs = {id(e.brief): e.brief for e in entries if e.style == style}
        for brief in briefs.values():
            here = [
                e for e in entries if e.style == style and e.brief is brief and e.draft is not None
            ]
            for i, a in enumerate(here):
                for b in here[i + 1 :]:
                    assert a.draft is not None and b.draft is not None
                    if stopped:
                        continue
                    try:
                        asked = judge.pair(
                            brief,
                            chosen,
                            a.language,
                            Contestant(a.model, a.draft),
                            Contestant(b.model, b.draft),
                        )
                    except SatireError as exc:  # the drafts and their scores are kept; the ranking says how far it got
                        stopped = f"judge {model} failed: {exc.format_message()}"
                        continue
                    if asked is None:
                        stopped = f"budget: stopped judging before exceeding ${max_cost:.4f}"
                        continue
                    pairs.append(asked)
                    verdicts.extend(asked)
                    records.extend({"brief": brief.effective_slug, **v.to_dict()} for v in asked)
        by_style[style] = {
            **ranking(verdicts),
            "self_agreement": self_agreement(pairs),
            "verdicts": records,
        }
    if stopped:
        say(stopped)
    return by_style, stopped
