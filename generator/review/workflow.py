"""Editorial review: the status machine, the audit log, and one function per
editor's action (approve, reject, revise, publish, unpublish), plus the
listing, fact-check, diff and log queries the CLI and the review desk share.

Statuses live in each draft's front matter; `MOVES` is the one table of what
may follow what:

    approve    draft                      -> approved
    reject     draft, approved            -> rejected   (with a note saying why)
    revise     draft, approved, rejected  -> draft      (a new revision, by the LLM)
    publish    approved                   -> published  (dated today unless dated)
    unpublish  published                  -> approved   (off the site at the next build)

Every action returns the updated `Draft` or raises `TransitionError` /
`SatireError` with a one-line message (exit 2 on the CLI).

The audit log (SQLite `audit_log`, append-only by trigger) and the draft file
must agree even if the process dies between writing one and the other. Order:
(1) the intended entry goes into `audit_pending` with the sha256 of the draft
file before and after the move; (2) the draft is written atomically; (3) one
transaction appends the entry to `audit_log` and clears the pending row. The
next review command (or query) reconciles leftovers under the same lock: a
draft that reads as the move wrote it gets its entry (marked `recovered`), a
draft still as it was gets none, and a draft changed since by something else
gets the entry marked as uncertain. So the log never claims a move that did
not happen, nor misses one that did. Editors' actions on other files (confirming
or discarding a brief) go through `logged_write`, by the same steps.
"""

from __future__ import annotations

import datetime as dt
import difflib
import getpass
import hashlib
import json
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.drafts import STATUSES, Draft, DraftStore, Status
from generator.errors import InputError, SatireError, TransitionError
from generator.infra import state
from generator.infra.fsutil import (
    CRASH_ENV as CRASH_ENV,
)  # re-exported: "after-intent" and "after-draft" are here
from generator.infra.fsutil import crash_point, project_lock

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.check.factcheck import Examination, Finding
    from generator.config import Project

# action -> (the statuses it may start from, the status it leads to)
MOVES: dict[str, tuple[tuple[Status, ...], Status]] = {
    "approve": (("draft",), "approved"),
    "reject": (("draft", "approved"), "rejected"),
    "revise": (("draft", "approved", "rejected"), "draft"),
    "publish": (("approved",), "published"),
    "unpublish": (("published",), "approved"),
}
ACTIONS = tuple(MOVES)
LOCK = "review"
ABSENT = "absent"  # audit_pending.after_sha of a move that removes its file (a discarded brief)


def check_move(action: str, slug: str, status: Status) -> Status:
    """The status `action` leads to from `status`, or TransitionError."""
    sources, target = MOVES[action]
    if status not in sources:
        expected = " or ".join(repr(s) for s in sources)
        raise TransitionError(
            f"cannot {action} {slug!r}: status is {status!r}, expected {expected}"
        )
    return target


class StaleRevision(SatireError):
    """A move made on a revision of a draft that is no longer its current one."""


def check_revision(action: str, draft: Draft, expect: int | None) -> None:
    """StaleRevision unless the draft is still at `expect` (None: not checked)."""
    if expect is not None and draft.revision != expect:
        raise StaleRevision(
            f"cannot {action} {draft.slug!r}: it is at revision {draft.revision} now, not revision {expect} as you saw it; here it is as it stands"
        )


def editor_name(by: str | None, root: Path | None = None) -> str:
    """Who acts: `by`, else git's user.name, else the OS user."""
    if by and by.strip():
        return by.strip()
    try:
        proc = subprocess.run(
            ["git", "config", "user.name"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


# -- the actions -------------------------------------------------------------------


def approve(
    project: Project,
    slug: str,
    *,
    by: str | None = None,
    note: str | None = None,
    ack: bool = False,
    revision: int | None = None,
) -> Draft:
    """draft -> approved. With claim findings (number, quote, person, organization,
    date), only when `ack`; translation and style findings never block. All are logged."""

    def change(draft: Draft, details: dict[str, Any]) -> Draft:
        findings = factcheck(project, draft)
        claims = [f for f in findings if f.blocking]
        if claims and not ack:
            raise SatireError(
                f"cannot approve {slug!r}: the fact check has {len(claims)} finding(s) of claims the brief does not back; "
                f"read them with 'satire factcheck {slug}', then approve with --ack to accept them"
            )
        details["findings"] = [f.to_dict() for f in findings]
        details["acknowledged"] = bool(claims)
        details["advisory"] = len(findings) - len(claims)
        return draft.model_copy(update={"status": "approved"})

    return _move(project, "approve", slug, by, note, change, expect=revision)


def reject(
    project: Project,
    slug: str,
    *,
    by: str | None = None,
    note: str | None = None,
    revision: int | None = None,
) -> Draft:
    """draft or approved -> rejected; the note says why (required)."""
    if not (note and note.strip()):
        raise SatireError(f"cannot reject {slug!r}: say why with --note TEXT")
    return _move(
        project,
        "reject",
        slug,
        by,
        note,
        lambda d, _: d.model_copy(update={"status": "rejected"}),
        expect=revision,
    )


def publish(
    project: Project,
    slug: str,
    *,
    by: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
    revision: int | None = None,
) -> Draft:
    """approved -> published, dated today (in the site's timezone) unless it has a date."""

    def change(draft: Draft, details: dict[str, Any]) -> Draft:
        date = draft.date or today or _today(project)
        details["date"] = date.isoformat()
        return draft.model_copy(update={"status": "published", "date": date})

    return _move(project, "publish", slug, by, note, change, expect=revision)


def publish_all(
    project: Project,
    *,
    by: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> tuple[list[Draft], list[InputError]]:
    """Every approved draft, published; and the drafts that could not be read."""
    drafts, errors = DraftStore(project).load_all()
    return [
        publish(project, d.slug, by=by, note=note, today=today)
        for d in drafts
        if d.status == "approved"
    ], errors


def unpublish(
    project: Project,
    slug: str,
    *,
    by: str | None = None,
    note: str | None = None,
    revision: int | None = None,
) -> Draft:
    """published -> approved: gone from the site at the next build (its date is kept)."""
    return _move(
        project,
        "unpublish",
        slug,
        by,
        note,
        lambda d, _: d.model_copy(update={"status": "approved"}),
        expect=revision,
    )


def revise(
    project: Project,
    slug: str,
    *,
    note: str,
    by: str | None = None,
    offline: bool = False,
    model: str | None = None,
    self_check_rounds: int | None = None,
    revision: int | None = None,
) -> Draft:
    """The LLM rewrites the draft following `note` and its brief (then checks itself,
    see `compose.self_check`): a new revision, back to draft."""
    if not note.strip():
        raise SatireError(f"cannot revise {slug!r}: say what to change with --note TEXT")
    from generator import llm
    from generator.write import compose

    store = DraftStore(project)
    current = store.load(slug)
    check_revision("revise", current, revision)
    check_move("revise", slug, current.status)  # fail before spending a call
    brief = load_brief_of(project, current)
    backend = llm.get_backend(project, offline=offline, model=model)
    rewritten = compose.revise(
        project, current, brief, note, backend, self_check_rounds=self_check_rounds
    )

    def change(draft: Draft, details: dict[str, Any]) -> Draft:
        if draft.revision != current.revision:
            raise SatireError(
                f"cannot revise {slug!r}: it changed to revision {draft.revision} while being revised; run again"
            )
        details["from_revision"] = current.revision
        return rewritten.model_copy(update={"status": "draft", "slug": slug})

    return _move(project, "revise", slug, by, note, change, new_revision=True)


def logged_write(
    project: Project,
    action: str,
    slug: str,
    path: Path,
    after: str | None,
    write: Callable[[], object],
    *,
    by: str | None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An editor's action on a file other than a draft (e.g. confirming a brief):
    `write()` makes `path` read `after` (None: removes it), and the entry is logged
    with the same crash safety as a review move (the module docstring). The entry."""
    entry = _entry(
        project, action, slug, by, None, note, {**(details or {}), "file": project.rel(path)}
    )
    with project_lock(project.state_dir, LOCK), _db(project) as conn:
        _write_and_log(
            conn, slug, _sha_of(path), ABSENT if after is None else _sha(after), entry, write
        )
    return entry


# -- queries ------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRow:
    """One line of `review list`: a draft and how its fact check stands."""

    slug: str
    title: str
    status: Status
    style: str
    language: str
    revision: int
    date: str | None
    findings: int | None  # claim findings; None when the fact check could not run
    problem: str | None  # why it could not
    advisory: int = 0  # translation and style findings (never block)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def listing(project: Project, status: str | None = None) -> tuple[list[DraftRow], list[InputError]]:
    """Every draft (or those with `status`), with its fact-check count; and unreadable drafts."""
    if status is not None and status not in STATUSES:
        raise SatireError(f"unknown status {status!r} (statuses: {', '.join(STATUSES)})")
    reconcile(project)
    drafts, errors = DraftStore(project).load_all()
    rows: list[DraftRow] = []
    for d in drafts:
        if status and d.status != status:
            continue
        count: int | None
        problem: str | None = None
        advisory = 0
        try:
            found = factcheck(project, d)
            count = sum(f.blocking for f in found)
            advisory = len(found) - count
        except SatireError as exc:
            count, problem = None, exc.format_message().splitlines()[0]
        rows.append(
            DraftRow(
                d.slug,
                d.title,
                d.status,
                d.style,
                d.language,
                d.revision,
                d.date.isoformat() if d.date else None,
                count,
                problem,
                advisory,
            )
        )
    return rows, errors


def load_brief_of(project: Project, draft: Draft) -> Brief:
    """The brief a draft was written from (its `brief` path, relative to the project)."""
    from generator.brief import load_brief

    path = project.root / draft.brief
    if not path.is_file():
        raise SatireError(
            f"drafts/{draft.slug}.md: brief: {draft.brief} not found; restore it or fix the draft's 'brief' field"
        )
    return load_brief(path, draft.brief)


def factcheck(project: Project, draft: Draft) -> list[Finding]:
    """The draft's findings: claims its brief does not back, then translation and style notes."""
    return examine(project, draft).findings


def examine(project: Project, draft: Draft) -> Examination:
    """The whole fact check of a draft: claims (translated quotes judged by the LLM
    when `factcheck.verify_translations` is on), then the style's own rules."""
    from generator.check import factcheck as fc
    from generator.check import stylecheck
    from generator.styles import load_style
    from generator.write import translations

    brief = load_brief_of(project, draft)
    try:
        style = load_style(project, draft.style)
    except SatireError:
        style = None  # an unknown or broken style: no style checks, the claims still are
    verifier = (
        translations.verifier_for(project, brief, style, item=draft.slug)
        if style is not None
        else None
    )
    try:
        result = fc.examine(brief, draft, verifier=verifier)
    finally:
        if verifier is not None:
            verifier.close()
    if style is not None:
        result.findings.extend(stylecheck.check(style, draft))
    return result


def log(project: Project, slug: str | None = None) -> list[dict[str, Any]]:
    """Audit entries, oldest first, as dicts (details decoded from JSON)."""
    reconcile(project)
    with _db(project) as conn:
        where, params = ("WHERE slug = ?", (slug,)) if slug is not None else ("", ())
        rows = conn.execute(f"SELECT * FROM audit_log {where} ORDER BY id", params).fetchall()
    return [{**dict(r), "details": json.loads(r["details"]) if r["details"] else {}} for r in rows]


def diff(
    project: Project, slug: str, rev_a: int | None = None, rev_b: int | None = None
) -> tuple[int, int, list[str]]:
    """(a, b, unified diff lines) between two revisions (default: the last two)."""
    store = DraftStore(project)
    store.load(slug)  # a clear error for an unknown slug
    known = store.revisions(slug)
    if rev_a is None:
        if len(known) < 2:
            raise SatireError(
                f"{slug!r} has {len(known)} revision(s) ({', '.join(map(str, known)) or 'none'}): nothing to compare yet; 'satire review revise {slug} --note TEXT' makes another"
            )
        rev_a, rev_b = known[-2], known[-1]
    elif rev_b is None:
        rev_b = known[-1] if known else rev_a
    a_text, b_text = store.revision_text(slug, rev_a), store.revision_text(slug, rev_b)
    lines = difflib.unified_diff(
        a_text.splitlines(keepends=True),
        b_text.splitlines(keepends=True),
        fromfile=f"{slug} revision {rev_a}",
        tofile=f"{slug} revision {rev_b}",
    )
    return rev_a, rev_b, list(lines)


# -- moves, the log, and recovery ---------------------------------------------------------


def _move(
    project: Project,
    action: str,
    slug: str,
    by: str | None,
    note: str | None,
    change: Callable[[Draft, dict[str, Any]], Draft],
    *,
    new_revision: bool = False,
    expect: int | None = None,
) -> Draft:
    """Check, change and write one draft, and log it (see the module docstring).
    `expect`: the revision the editor saw; any other is refused (StaleRevision)."""
    store = DraftStore(project)
    who = editor_name(by, project.root)
    with project_lock(project.state_dir, LOCK), _db(project) as conn:
        _reconcile(conn, store)
        draft = store.load(slug)
        check_revision(action, draft, expect)
        target = check_move(action, slug, draft.status)
        details: dict[str, Any] = {"from": draft.status, "to": target}
        updated = change(draft, details)
        if new_revision:
            updated = updated.model_copy(update={"revision": store.next_revision(slug)})
        entry = _entry(project, action, slug, who, updated.revision, note, details)

        def write() -> None:
            nonlocal updated
            if new_revision:
                updated = store.save_revision(updated)
            else:
                store.save(updated)

        _write_and_log(conn, slug, _sha_of(store.path(slug)), _sha(updated.to_text()), entry, write)
    return updated


def _write_and_log(
    conn: sqlite3.Connection,
    slug: str,
    before_sha: str | None,
    after_sha: str,
    entry: dict[str, Any],
    write: Callable[[], object],
) -> None:
    """Steps (1) to (3) of the module docstring: the intent, the write, the entry."""
    pending = conn.execute(
        "INSERT INTO audit_pending (slug, before_sha, after_sha, entry) VALUES (?, ?, ?, ?)",
        (slug, before_sha, after_sha, json.dumps(entry)),
    ).lastrowid
    crash_point("after-intent")
    write()
    crash_point("after-draft")
    conn.execute("BEGIN IMMEDIATE")
    _append(conn, entry)
    conn.execute("DELETE FROM audit_pending WHERE id = ?", (pending,))
    conn.execute("COMMIT")


def reconcile(project: Project) -> int:
    """Settle moves a crash left half-done; returns how many were found."""
    with _db(project) as conn:
        if conn.execute("SELECT COUNT(*) FROM audit_pending").fetchone()[0] == 0:
            return 0
        with project_lock(project.state_dir, LOCK):
            return _reconcile(conn, DraftStore(project))


def _reconcile(conn: sqlite3.Connection, store: DraftStore) -> int:
    rows = conn.execute("SELECT * FROM audit_pending ORDER BY id").fetchall()
    for row in rows:
        entry = json.loads(row["entry"])
        file = entry["details"].get("file")  # set by logged_write: a file other than the draft
        now = _sha_of(store.project.root / file if file else store.path(row["slug"]))
        conn.execute("BEGIN IMMEDIATE")
        if now == row["after_sha"] or (now is None and row["after_sha"] == ABSENT):
            entry["details"]["recovered"] = (
                "interrupted after the draft was written; logged on recovery"
            )
            _append(conn, entry)
        elif now != row["before_sha"]:
            entry["details"]["recovered"] = (
                "interrupted, and the draft has changed since: whether this move took effect is unknown"
            )
            _append(conn, entry)
        # else: the draft is as it was before the move, which never happened: nothing to log
        conn.execute("DELETE FROM audit_pending WHERE id = ?", (row["id"],))
        conn.execute("COMMIT")
    return len(rows)


def _entry(
    project: Project,
    action: str,
    slug: str,
    by: str | None,
    revision: int | None,
    note: str | None,
    details: dict[str, Any],
) -> dict[str, Any]:
    return {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "who": editor_name(by, project.root),
        "action": action,
        "slug": slug,
        "revision": revision,
        "note": note.strip() if note and note.strip() else None,
        "details": details,
    }


def _append(conn: sqlite3.Connection, entry: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO audit_log (at, who, action, slug, revision, note, details) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            entry["at"],
            entry["who"],
            entry["action"],
            entry["slug"],
            entry["revision"],
            entry["note"],
            json.dumps(entry["details"], ensure_ascii=False),
        ),
    )


@contextmanager
def _db(project: Project) -> Iterator[sqlite3.Connection]:
    conn = state.connect(project.state_dir)
    try:
        yield conn
    finally:
        conn.close()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha_of(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _today(project: Project) -> dt.date:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(project.config.site.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return dt.datetime.now(zone).date()
