"""Hand edits are revisions: an editor's own text (`edit_text`: the desk's Edit,
`satire review edit`), an edit made directly in the file (`record`), and an
earlier revision brought back (`restore`). Each is a new revision with who,
when and the diff in the audit log; the fact check runs on it and it goes back
to review (status draft), unless a restore brings back the very text approved.

`edit_state` tells what the file holds: "clean", "edited, not yet recorded" (the
file differs from the revision it names: someone changed it by hand) or "edited
since approval" (its text is not the one its last approval was given to).

An edit is made on a revision (`base_revision`): when the draft has moved on
since, `StaleEdit` refuses it with the diff between the two, and the caller
keeps the text that was typed. A draft's last editor (`last_editor`) cannot
approve it when `review.second_editor` is on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from generator.drafts import Draft, DraftStore, parse_draft
from generator.errors import SatireError
from generator.review import approval
from generator.review.audit import change_draft, log
from generator.review.queries import factcheck, text_diff

if TYPE_CHECKING:
    from generator.config import Project

EditState = Literal["clean", "edited, not yet recorded", "edited since approval"]
CLEAN: EditState = "clean"
UNRECORDED: EditState = "edited, not yet recorded"
SINCE_APPROVAL: EditState = "edited since approval"
TEXT_ACTIONS = ("edit", "record", "restore", "revise")  # audit actions that change a draft's text
# what an editor's text may not change: the draft's identity, its history and its review
KEPT = ("slug", "brief", "revision", "provenance", "approved")


class StaleEdit(SatireError):
    """An edit made on a revision that is no longer the current one. `diff` holds
    the unified diff from that revision to the current text; `text` the edit."""

    def __init__(self, slug: str, base: int, current: int, diff: list[str], text: str) -> None:
        self.slug, self.base_revision, self.current_revision = slug, base, current
        self.diff, self.text = diff, text
        super().__init__(
            f"cannot save {slug!r}: it changed since revision {base} (now revision {current}); "
            "nothing was saved, the text is kept: compare it with the change below and edit again"
        )


def edit_state(project: Project, draft: Draft) -> EditState:
    """Whether the draft's file holds what was recorded and approved."""
    content = approval.digest(draft)
    if _unrecorded(DraftStore(project), draft, content):
        return UNRECORDED
    if draft.approved is not None and draft.approved.digest != content:
        return SINCE_APPROVAL
    if draft.status in approval.LIVE and draft.approved is None:
        return SINCE_APPROVAL  # approved or published by hand: no editor approved this text
    return CLEAN


def edit_text(
    project: Project,
    slug: str,
    new_text: str,
    *,
    by: str | None,
    base_revision: int,
    note: str | None = None,
) -> Draft:
    """Save an editor's text of the whole draft file (front matter and Markdown) as
    a new revision made on `base_revision`: fact-checked, back to review. The
    fields that are the draft's history (slug, brief, revision, provenance,
    approved) are kept from the draft whatever the text says. Text equal to the
    draft's: nothing recorded, the draft is returned as it is."""
    record_pending(project, slug, by=by)
    return _save(project, "edit", slug, new_text, by=by, base=base_revision, note=note)


def record(project: Project, slug: str, *, by: str | None, note: str | None = None) -> Draft | None:
    """Record the file as it stands (edited by hand) as a new revision, back to
    review. None when there is nothing to record."""
    store = DraftStore(project)
    draft = store.load(slug)
    state = edit_state(project, draft)
    if state == CLEAN or (state == SINCE_APPROVAL and draft.status not in approval.LIVE):
        return None  # recorded already (a revision under review is no hand edit)
    text = store.path(slug).read_text(encoding="utf-8")
    return _save(project, "record", slug, text, by=by, base=draft.revision, note=note, force=True)


def record_pending(
    project: Project, slug: str, *, by: str | None, strict: bool = False
) -> Draft | None:
    """Before any review action: a hand edit of the file becomes a revision first
    (attributed to whoever acts), so that no action builds on or hides it.
    `strict` (before replacing the text): so does a draft that claims an
    approval its text does not have (say, edited on a clone without the
    revisions, where an edit cannot be told from a recorded revision)."""
    store = DraftStore(project)
    draft = store.load(slug)
    content = approval.digest(draft)
    claims = draft.status in approval.LIVE and not approval.stands(draft, content)
    if not _unrecorded(store, draft, content) and not (claims and strict):
        return None
    return record(project, slug, by=by)


def restore(project: Project, slug: str, rev: int | None = None, *, by: str | None) -> Draft:
    """Bring back revision `rev`'s text (default: the last approved) as a new
    revision. The text approved comes back approved (published when that very text
    is online); any other goes to review. A hand edit is recorded first."""
    store = DraftStore(project)
    record_pending(project, slug, by=by, strict=True)
    draft = store.load(slug)
    copy, _ = approval.online_copy(store, slug)
    if rev is None:
        old = _approved_text(store, draft, copy)
        rev = old.revision
    else:
        old = parse_draft(store.revision_text(slug, rev), f"{slug} revision {rev}")

    def change(current: Draft, details: dict[str, Any]) -> Draft | None:
        sealed = current.approved or (copy.approved if copy is not None else None)
        restored = old.model_copy(
            update={
                "slug": slug,
                "date": current.date,
                "revision": current.revision,
                "approved": sealed,
                "status": "draft",
            }
        )
        content = approval.digest(restored)
        if content == approval.digest(current) and current.status != "draft":
            return None  # the text is already there, and not in review
        if sealed is not None and sealed.digest == content:
            online = (
                copy is not None and copy.approved is not None and copy.approved.digest == content
            )
            restored = restored.model_copy(update={"status": "published" if online else "approved"})
        else:
            _check(project, restored, details)
        details.update(
            {
                "from": current.status,
                "to": restored.status,
                "restored_revision": rev,
                "diff": _diff(current, restored),
            }
        )
        return restored

    return change_draft(project, "restore", slug, by, None, change, new_revision=True)


def last_editor(project: Project, slug: str) -> tuple[str, int | None] | None:
    """Who last changed the draft's text through the review (and the revision they
    made), or None when no one has (as written by `satire generate`)."""
    for entry in reversed(log(project, slug)):
        if entry["action"] in TEXT_ACTIONS:
            return str(entry["who"]), entry["revision"]
    return None


# -- the steps ------------------------------------------------------------------------


def _save(
    project: Project,
    action: str,
    slug: str,
    new_text: str,
    *,
    by: str | None,
    base: int,
    note: str | None,
    force: bool = False,
) -> Draft:
    """A new revision with the text's content, made on revision `base`."""
    store = DraftStore(project)
    edited = parse_draft(new_text, project.rel(store.path(slug)))

    def change(current: Draft, details: dict[str, Any]) -> Draft | None:
        if current.revision != base:
            raise StaleEdit(slug, base, current.revision, _stale_diff(store, slug, base), new_text)
        updated = edited.model_copy(
            update={**{k: getattr(current, k) for k in KEPT}, "status": "draft"}
        )
        updated.body = edited.body
        if not force and _same(updated, current):
            return None
        details.update({"from": current.status, "to": "draft", "from_revision": current.revision})
        if action == "record":
            # the file holds the edit already: the diff is from the revision it was made on
            recorded = store.revision_text(slug, base) if base in store.revisions(slug) else ""
            before = parse_draft(recorded, f"{slug} revision {base}") if recorded else None
            details["diff"] = _diff(before, updated) if before is not None else []
        else:
            details["diff"] = _diff(current, updated)
        _check(project, updated, details)
        return updated

    # a recorded file is the new revision itself: nothing it replaces needs keeping
    return change_draft(
        project, action, slug, by, note, change, new_revision=True, keep_replaced=not force
    )


def _check(project: Project, draft: Draft, details: dict[str, Any]) -> None:
    """The fact check of a new text, for the log; a check that cannot run (say, the
    brief is gone) does not stop the edit, and says why."""
    try:
        findings = factcheck(project, draft)
    except SatireError as exc:
        details["factcheck"] = exc.format_message().splitlines()[0]
        return
    details["findings"] = [f.to_dict() for f in findings]


def _unrecorded(store: DraftStore, draft: Draft, content: str) -> bool:
    """The file's text differs from the revision it says it is (only known where
    the revisions are kept: not on a fresh clone)."""
    if draft.revision not in store.revisions(draft.slug):
        return False
    snapshot = store.revision_text(draft.slug, draft.revision)
    recorded = parse_draft(snapshot, f"{draft.slug} revision {draft.revision}")
    return approval.digest(recorded) != content


def _same(a: Draft, b: Draft) -> bool:
    """Same text as far as an editor can change it (status and history aside)."""
    keep = {"status": "draft", "revision": 0}
    return a.model_copy(update=keep).to_text() == b.model_copy(update=keep).to_text()


def _diff(before: Draft | None, after: Draft) -> list[str]:
    """The unified diff of an editor's change, status and revision aside."""
    keep = {"status": "draft", "revision": after.revision}
    a = before.model_copy(update=keep).to_text() if before is not None else ""
    return text_diff(a, after.model_copy(update=keep).to_text(), "before", "after")


def _stale_diff(store: DraftStore, slug: str, base: int) -> list[str]:
    """From revision `base` (as recorded) to the draft as it stands."""
    current = store.path(slug).read_text(encoding="utf-8")
    if base in store.revisions(slug):
        before = store.revision_text(slug, base)
        name = f"{slug} revision {base}"
    else:
        before, name = "", f"{slug} revision {base} (not kept here)"
    return text_diff(before, current, name, f"{slug} now")


def _approved_text(store: DraftStore, draft: Draft, copy: Draft | None) -> Draft:
    """The last approved text: its revision's snapshot, else the published copy."""
    sealed = draft.approved or (copy.approved if copy is not None else None)
    if sealed is None:
        known = ", ".join(map(str, store.revisions(draft.slug))) or "none"
        raise SatireError(
            f"{draft.slug!r} has no approved text to restore; name a revision: "
            f"'satire review restore {draft.slug} REV' (revisions: {known})"
        )
    if sealed.revision in store.revisions(draft.slug):
        old = parse_draft(
            store.revision_text(draft.slug, sealed.revision),
            f"{draft.slug} revision {sealed.revision}",
        )
        if approval.digest(old) == sealed.digest:
            return old
    if copy is not None and copy.approved is not None and copy.approved.digest == sealed.digest:
        return copy
    raise SatireError(
        f"the text of {draft.slug!r} approved at revision {sealed.revision} is not kept here "
        f"(no revision snapshot, no published copy); name a revision: "
        f"'satire review restore {draft.slug} REV'"
    )
