"""`satire stats`: what editors kept, per style, model and language, read from
the two logs the project already has and nothing else:

- the call log (`llm_calls`): every call with its item (the draft's slug), kind
  (write, revise, judge...), style, language, model, tokens, cost, and the claim
  findings of the draft it returned;
- the audit log (`audit_log`): every editor's move (approve, reject, revise,
  publish...) with its revision, and at approval the findings acknowledged.

A move is credited to the style, model and language of the latest draft call
for its slug at or before the move. `eval` runs (run ids `eval-...`) and judge
calls are measurements, not writing: they are left out. Intake's calls (kind
`intake`, item the article's URL) write no draft: their tokens and cost count,
under the style and language of the brief they made, but no move is credited to
them and they are not `written`.

Figures (a ROW): `written` (ok write calls: drafts generated, revisions
excluded), `approved`, `rejected`, `published` (drafts with that move in the
period), `revisions` (editors' revise moves), `claim_findings` (findings of the
drafts as first written), `findings_at_approval`, `acknowledged` (approvals
with --ack), cost and tokens of the calls that were not cached; and the ratios
an editor reads: approval rate at the first revision (approved with no revise
before) and overall, as shares of `written`; revisions per published post;
findings per draft at first revision and at approval; cost and tokens per
published post (all the period's spending, waste included, over what got
published); the median hours from the draft's writing to its approval.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.check.factcheck import CLAIM_KINDS
from generator.infra import state
from generator.review import audit

if TYPE_CHECKING:
    from generator.config import Project

GROUPS = ("style", "model", "language")
MEASURING_RUNS = "eval-%"  # run ids of `satire eval`: measurements, not the blog's writing
UNKNOWN = "unknown"


@dataclass
class Row:
    """The counts of one group (a style, a model, a language, or all)."""

    written: int = 0
    approved: set[str] = field(default_factory=set)
    approved_first: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)
    published: set[str] = field(default_factory=set)
    revisions: int = 0
    revisions_before_publish: int = 0
    claim_findings: int = 0
    checked: int = 0  # write calls whose findings are known
    approvals: int = 0
    findings_at_approval: int = 0
    acknowledged: int = 0
    cost_usd: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    hours_to_approval: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        published = len(self.published)
        return {
            "written": self.written,
            "approved": len(self.approved),
            "rejected": len(self.rejected),
            "published": published,
            "revisions": self.revisions,
            "claim_findings": self.claim_findings,
            "findings_at_approval": self.findings_at_approval,
            "acknowledged": self.acknowledged,
            "cost_usd": round(self.cost_usd, 6),
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "approval_rate_first": _ratio(len(self.approved_first), self.written),
            "approval_rate": _ratio(len(self.approved), self.written),
            "revisions_per_published": _ratio(self.revisions_before_publish, published),
            "findings_per_draft_first": _ratio(self.claim_findings, self.checked),
            "findings_per_draft_at_approval": _ratio(self.findings_at_approval, self.approvals),
            "cost_per_published": None if not published else round(self.cost_usd / published, 6),
            "tokens_per_published": None
            if not published
            else round((self.tokens_in + self.tokens_out) / published, 1),
            "median_hours_to_approval": round(statistics.median(self.hours_to_approval), 3)
            if self.hours_to_approval
            else None,
        }


def _ratio(part: int, whole: int) -> float | None:
    return None if not whole else round(part / whole, 4)


@dataclass(frozen=True)
class Call:
    at: str
    item: str
    kind: str
    style: str
    model: str
    language: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    cached: bool
    ok: bool
    findings: int | None

    def keys(self) -> dict[str, str]:
        return {"style": self.style, "model": self.model, "language": self.language}


NOT_DRAFTS = ("judge", "intake")  # calls that return no draft: a move is never credited to them


def read_calls(project: Project) -> list[Call]:
    """The blog's own calls (not eval's, not the judge's), oldest first."""
    conn = state.connect(project.state_dir)
    try:
        rows = conn.execute(
            "SELECT * FROM llm_calls WHERE run_id NOT LIKE ? AND COALESCE(kind, 'write') != 'judge' ORDER BY at, id",
            (MEASURING_RUNS,),
        ).fetchall()
    finally:
        conn.close()
    return [_call(r) for r in rows]


def _call(r: sqlite3.Row) -> Call:
    return Call(
        at=r["at"], item=r["item"], kind=r["kind"] or "write", style=r["style"] or UNKNOWN, model=r["model"] or UNKNOWN,
        language=r["language"] or UNKNOWN, tokens_in=r["tokens_in"], tokens_out=r["tokens_out"], cost_usd=r["cost_usd"],
        cached=bool(r["cached"]), ok=r["outcome"] == "ok", findings=r["findings"],
    )  # fmt: skip


def compute(project: Project, since: dt.date | None = None) -> dict[str, Any]:
    """The stats as scripts read them: {since, total, by_style, by_model, by_language}."""
    calls = read_calls(project)
    entries = audit.log(project)
    start = since.isoformat() if since else ""
    rows: dict[str, dict[str, Row]] = {g: defaultdict(Row) for g in GROUPS}
    total = Row()

    def rows_of(keys: dict[str, str]) -> list[Row]:
        return [total, *(rows[g][keys[g]] for g in GROUPS)]

    drafts_by_slug: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        if call.ok and call.kind not in NOT_DRAFTS:
            drafts_by_slug[call.item].append(call)
        if call.at < start:
            continue
        for row in rows_of(call.keys()):
            if not call.cached:
                row.cost_usd += call.cost_usd
                row.tokens_in += call.tokens_in
                row.tokens_out += call.tokens_out
            if call.ok and call.kind == "write":
                row.written += 1
                if call.findings is not None:
                    row.checked += 1
                    row.claim_findings += call.findings

    revised: dict[str, int] = defaultdict(int)  # revise moves so far, per slug
    for entry in entries:
        slug, at, action = entry["slug"], entry["at"], entry["action"]
        made_by = _latest(drafts_by_slug.get(slug, []), at)
        keys = made_by.keys() if made_by else dict.fromkeys(GROUPS, UNKNOWN)
        details = entry["details"] or {}
        if action == "revise":
            revised[slug] += 1
        if at < start:
            continue
        for row in rows_of(keys):
            if action == "approve":
                row.approvals += 1
                row.approved.add(slug)
                if not revised[slug]:
                    row.approved_first.add(slug)
                row.findings_at_approval += sum(
                    1 for f in details.get("findings", []) if f.get("kind") in CLAIM_KINDS
                )
                row.acknowledged += bool(details.get("acknowledged"))
                written = _latest(
                    [c for c in drafts_by_slug.get(slug, []) if c.kind == "write"], at
                )
                if written is not None:
                    row.hours_to_approval.append(
                        (_time(at) - _time(written.at)).total_seconds() / 3600
                    )
            elif action == "reject":
                row.rejected.add(slug)
            elif action == "revise":
                row.revisions += 1
            elif action == "publish" and slug not in row.published:
                row.published.add(slug)
                row.revisions_before_publish += revised[slug]
    return {
        "since": start or None,
        "total": total.to_dict(),
        **{
            f"by_{g}": {name: row.to_dict() for name, row in sorted(rows[g].items())}
            for g in GROUPS
        },
    }


def _latest(calls: list[Call], at: str) -> Call | None:
    """The last call made at or before `at` (calls are oldest first)."""
    found = None
    for call in calls:
        if call.at <= at:
            found = call
    return found


def _time(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp)


# -- the terminal table -----------------------------------------------------------------

COLUMNS: list[tuple[str, str, str]] = [
    # (heading, key, format)
    ("written", "written", "d"),
    ("appr.", "approved", "d"),
    ("rej.", "rejected", "d"),
    ("publ.", "published", "d"),
    ("appr@1", "approval_rate_first", "%"),
    ("appr%", "approval_rate", "%"),
    ("rev/pub", "revisions_per_published", ".2f"),
    ("find@1", "findings_per_draft_first", ".2f"),
    ("find@appr", "findings_per_draft_at_approval", ".2f"),
    ("acks", "acknowledged", "d"),
    ("$/pub", "cost_per_published", ".4f"),
    ("tok/pub", "tokens_per_published", ".0f"),
    ("h→appr", "median_hours_to_approval", ".2f"),
]


def cell(value: Any, fmt: str) -> str:
    """One figure as the table and the desk show it ('-' when it has no meaning)."""
    if value is None:
        return "-"
    if fmt == "%":
        return f"{value * 100:.0f}%"
    return format(value, fmt)


def table(data: dict[str, Any]) -> str:
    """The stats as a plain-text table, one section per grouping."""
    lines: list[str] = []
    sections = [("total", {"all": data["total"]})] + [(f"by {g}", data[f"by_{g}"]) for g in GROUPS]
    width = max([12, *(len(name) for _, rows in sections for name in rows)])
    head = f"{'':<{width}} " + " ".join(f"{h:>9}" for h, _, _ in COLUMNS)
    period = f"since {data['since']}" if data["since"] else "all time"
    lines.append(
        f"stats ({period}; rates are shares of drafts written; $ and tokens per published post)"
    )
    for title, rows in sections:
        lines += ["", title, head]
        if not rows:
            lines.append("  (nothing yet)")
        for name, row in rows.items():
            lines.append(
                f"{name:<{width}} "
                + " ".join(f"{cell(row[key], fmt):>9}" for _, key, fmt in COLUMNS)
            )
    return "\n".join(lines)
