"""The audit log: who changed which draft (or brief), when, and how; kept in
agreement with the files even if the process dies between writing one and the
other.

The log is SQLite `audit_log`, append-only by trigger. Order of every change:
(1) the intended entry goes into `audit_pending` with the sha256 of the file
before and after the change; (2) the file is written atomically; (3) one
transaction appends the entry to `audit_log` and clears the pending row. The
next review command (or query) reconciles leftovers under the same lock: a
file that reads as the change wrote it gets its entry (marked `recovered`), a
file still as it was gets none, and a file changed since by something else
gets the entry marked as uncertain. So the log never claims a change that did
not happen, nor misses one that did.

`change_draft` is the one way a draft is changed by an editor's action (the
status moves of `workflow`, the hand edits of `edits`); `logged_write` does the
same for other files (confirming or discarding a brief).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.drafts import Draft, DraftStore
from generator.infra import state
from generator.infra.fsutil import (
    CRASH_ENV as CRASH_ENV,
)  # re-exported: "after-intent" and "after-draft" are here
from generator.infra.fsutil import crash_point, project_lock

if TYPE_CHECKING:
    from generator.config import Project

LOCK = "review"
ABSENT = "absent"  # audit_pending.after_sha of a change that removes its file (a discarded brief)

# change(draft as read under the lock, the entry's details to fill) -> the draft to
# write, or None to write and log nothing
Change = Callable[[Draft, dict[str, Any]], Draft | None]


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


def change_draft(
    project: Project,
    action: str,
    slug: str,
    by: str | None,
    note: str | None,
    change: Change,
    *,
    new_revision: bool = False,
    keep_replaced: bool = True,
    then: Callable[[Draft], object] | None = None,
) -> Draft:
    """Read, change, write and log one draft under the review lock (the module
    docstring). A new revision first keeps the text it replaces as a revision
    when none is kept here (`keep_replaced`; off when the new revision is that
    very text). `then(updated)` runs after the draft is written and before its
    entry is logged (e.g. the published copy). The draft as written."""
    store = DraftStore(project)
    who = editor_name(by, project.root)
    with project_lock(project.state_dir, LOCK), _db(project) as conn:
        _reconcile(conn, store)
        draft = store.load(slug)
        details: dict[str, Any] = {}
        changed = change(draft, details)
        if changed is None:
            return draft
        updated = changed
        if new_revision:
            if keep_replaced:
                store.keep(draft)  # the text replaced stays a revision, even on a fresh clone
            updated = updated.model_copy(update={"revision": store.next_revision(slug)})
        entry = _entry(project, action, slug, who, updated.revision, note, details)

        def write() -> None:
            nonlocal updated
            if new_revision:
                updated = store.save_revision(updated)
            else:
                store.save(updated)
            if then is not None:
                then(updated)

        _write_and_log(conn, slug, _sha_of(store.path(slug)), _sha(updated.to_text()), entry, write)
    return updated


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


def log(project: Project, slug: str | None = None) -> list[dict[str, Any]]:
    """Audit entries, oldest first, as dicts (details decoded from JSON)."""
    reconcile(project)
    with _db(project) as conn:
        where, params = ("WHERE slug = ?", (slug,)) if slug is not None else ("", ())
        rows = conn.execute(f"SELECT * FROM audit_log {where} ORDER BY id", params).fetchall()
    return [{**dict(r), "details": json.loads(r["details"]) if r["details"] else {}} for r in rows]


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
    """Settle changes a crash left half-done; returns how many were found."""
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
