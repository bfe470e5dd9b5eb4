"""What the desk's pages show, gathered from the parts that own it: the review
workflow (`generator.review.workflow`: listing, moves, audit log, diffs), the fact check
(`generator.check.factcheck`) and the site's own post page (`generator.site`).

Nothing here decides a status or writes a draft: actions are handed to
`generator.review.workflow` as they are, with the editor's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.brief import Brief
from generator.check import factcheck
from generator.check.marks import mark_findings
from generator.config import Project
from generator.desk.diffs import DiffLayout, front_matter_end, layout
from generator.drafts import STATUSES, Draft, DraftStore, parse_draft
from generator.errors import SatireError
from generator.review import edits, queries
from generator.review import workflow as review
from generator.review.approval import digest
from generator.review.audit import log as audit_log
from generator.review.listing import listing as list_drafts


@dataclass
class Listing:
    """The list page: rows (filtered), and how many drafts each status holds."""

    rows: list[Any]
    counts: dict[str, int]
    status: str
    errors: list[str] = field(default_factory=list)

    @property
    def slugs(self) -> list[str]:
        return [row.slug for row in self.rows]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# the last listing of each project, with the state of the files it was made from:
# every reader of the list page shares it until a draft, brief, revision or the
# config changes (the fact check of every draft is the page's whole cost)
_LISTINGS: dict[Path, tuple[tuple[tuple[str, int, int], ...], Any]] = {}
_LISTINGS_LOCK = threading.Lock()


def inputs(project: Project) -> tuple[tuple[str, int, int], ...]:
    """Path, mtime (ns) and size of every file a listing reads."""
    found: list[tuple[str, int, int]] = []
    folders = [
        project.drafts_dir,
        project.briefs_dir,
        project.prompts_dir,  # styles: the fact check reads their rules
        project.state_dir / "revisions",
    ]
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                try:
                    stat = path.stat()
                except OSError:  # gone while we looked: the next listing sees it
                    continue
                found.append((str(path), stat.st_mtime_ns, stat.st_size))
    config = project.root / "satire.yaml"
    if config.is_file():
        found.append((str(config), config.stat().st_mtime_ns, config.stat().st_size))
    return tuple(sorted(found))


def all_rows(project: Project) -> Any:
    """The review listing (`generator.review.listing`), made again only when a file it reads has changed."""
    key = project.root.resolve()
    before = inputs(project)
    with _LISTINGS_LOCK:
        cached = _LISTINGS.get(key)
    if cached is not None and cached[0] == before:
        return cached[1]
    made = list_drafts(project)
    if inputs(project) == before:  # nothing changed while it was made: keep it
        with _LISTINGS_LOCK:
            _LISTINGS[key] = (before, made)
    return made


def listing(project: Project, status: str) -> Listing:
    rows, errors = all_rows(project)  # all of them: the filter chips show every count
    counts: dict[str, int] = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    wanted = status if status in STATUSES else ""
    shown = [r for r in rows if not wanted or r.status == wanted]
    return Listing(shown, counts, wanted, [e.message for e in errors])


@dataclass
class Revision:
    """One revision in the history: its number, when and how it was written."""

    number: int
    generated_at: dt.datetime | None
    backend: str
    model: str
    title: str
    asked_by: str | None = None  # the editor whose note it follows (from the audit log)
    note: str | None = None


@dataclass
class DraftView:
    """Everything the draft page shows."""

    draft: Draft
    brief: Brief | None
    brief_error: str
    findings: list[factcheck.Finding]
    revisions: list[Revision]
    diff: DiffLayout | None
    diff_pair: tuple[int, int] | None
    log: list[dict[str, Any]]
    advisory: list[factcheck.Finding] = field(
        default_factory=list
    )  # translation and style notes: shown apart, never block
    verified: list[factcheck.Verified] = field(default_factory=list)
    seen: str = ""  # sha256 of the file as shown: an action on it may record a hand edit first
    edit_state: str = "clean"  # review.edits.edit_state

    @property
    def allowed(self) -> list[str]:
        """The review moves open from the draft's status (review's own table)."""
        return [
            action for action, (sources, _) in review.MOVES.items() if self.draft.status in sources
        ]


def load_draft_brief(project: Project, draft: Draft) -> tuple[Brief | None, str]:
    """The draft's brief, or why it cannot be read."""
    try:
        return queries.load_brief_of(project, draft), ""
    except SatireError as exc:
        return None, exc.format_message().splitlines()[0]


def draft_view(project: Project, slug: str, rev_a: str = "", rev_b: str = "") -> DraftView:
    store = DraftStore(project)
    draft = store.load(slug)
    brief, brief_error = load_draft_brief(project, draft)
    result = queries.examine(project, draft) if brief is not None else factcheck.Examination()
    numbers = store.revisions(slug)
    log = audit(project, slug)
    revisions = [_revision(store, slug, n, log) for n in reversed(numbers)]
    pair = _pair(numbers, rev_a, rev_b)
    diff = None
    if pair:
        fences = [front_matter_end(store.revision_text(slug, n)) for n in pair]
        diff = layout(
            queries.diff(project, slug, *pair)[2], old_front=fences[0], new_front=fences[1]
        )
    return DraftView(
        draft,
        brief,
        brief_error,
        result.claims,
        revisions,
        diff,
        pair,
        log,
        result.advisory,
        result.verified,
        file_sha(store, slug),
        edits.edit_state(project, draft),
    )


def file_sha(store: DraftStore, slug: str) -> str:
    """sha256 of the draft's file as it stands ('' when there is none)."""
    path = store.path(slug)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def record_seen(project: Project, slug: str, revision: int, seen: str, *, by: str) -> int:
    """The revision an action shown on `revision` is to be taken on. When the file
    holds a hand edit not yet recorded, and it is the very file the editor was
    shown (`seen`: its sha256), the edit is recorded now, in `by`'s name, and the
    action goes to that new revision; otherwise `revision` as it was (and a file
    changed since the page was shown is refused as stale by the action)."""
    store = DraftStore(project)
    path = store.path(slug)
    if not seen or not path.is_file():
        return revision
    shown = path.read_text(encoding="utf-8")
    if hashlib.sha256(shown.encode("utf-8")).hexdigest() != seen:
        return revision
    recorded = edits.record_pending(project, slug, by=by)
    if recorded is None:
        return revision
    same = digest(parse_draft(shown, project.rel(path))) == digest(recorded)
    return recorded.revision if same else revision


def _revision(store: DraftStore, slug: str, number: int, log: list[dict[str, Any]]) -> Revision:
    asked = next((e for e in log if e["action"] == "revise" and e["revision"] == number), None)
    who, note = (asked["who"], asked["note"]) if asked else (None, None)
    try:
        old = parse_draft(store.revision_text(slug, number), f"revision {number}")
    except SatireError:
        return Revision(number, None, "?", "?", "(unreadable revision)", who, note)
    return Revision(
        number,
        old.provenance.generated_at,
        old.provenance.backend,
        old.provenance.model,
        old.title,
        who,
        note,
    )


def _pair(numbers: list[int], rev_a: str, rev_b: str) -> tuple[int, int] | None:
    """The two revisions to compare: asked for (when both exist), else the last two."""
    if len(numbers) < 2:
        return None
    if (
        rev_a.isdigit()
        and rev_b.isdigit()
        and int(rev_a) in numbers
        and int(rev_b) in numbers
        and rev_a != rev_b
    ):
        return int(rev_a), int(rev_b)
    return numbers[-2], numbers[-1]


def preview_html(project: Project, slug: str, css_href: str) -> str:
    """The post page as the site will show it, the findings marked in its text."""
    from generator.site.build import render_post_page

    draft = DraftStore(project).load(slug)
    brief, _ = load_draft_brief(project, draft)
    findings = queries.examine(project, draft).claims if brief is not None else []
    page = render_post_page(project, draft)
    marked = mark_findings(page, [f.text for f in findings]).html
    link = f'<link rel="stylesheet" href="{css_href}">'
    head_end = marked.find("</head>")
    return marked[:head_end] + link + marked[head_end:] if head_end >= 0 else link + marked


def act(
    project: Project,
    slug: str,
    action: str,
    *,
    by: str,
    note: str | None,
    ack: bool,
    revision: int | None,
) -> None:
    """One move of the review workflow, as the editor asked it, on the revision
    the editor saw (another one is refused: `review.StaleRevision`)."""
    if action == "approve":
        review.approve(project, slug, by=by, note=note, ack=ack, revision=revision)
    elif action == "reject":
        review.reject(project, slug, by=by, note=note, revision=revision)
    elif action == "publish":
        review.publish(project, slug, by=by, note=note, revision=revision)
    elif action == "unpublish":
        review.unpublish(project, slug, by=by, note=note, revision=revision)
    else:
        raise SatireError(f"unknown action {action!r}")


def revise(project: Project, slug: str, *, by: str, note: str, revision: int | None) -> int:
    """Have the writer revise the draft; the new revision's number."""
    return review.revise(project, slug, by=by, note=note, revision=revision).revision


def audit(project: Project, slug: str | None) -> list[dict[str, Any]]:
    """The audit log (of one draft, or all), newest first."""
    return list(reversed(audit_log(project, slug)))
