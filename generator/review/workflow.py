"""Editorial review: the status machine and one function per editor's action
(approve, reject, revise, publish, unpublish).

Statuses live in each draft's front matter; `MOVES` is the one table of what
may follow what:

    approve    draft                      -> approved   (bound to the text: approval.py)
    reject     draft, approved            -> rejected   (with a note saying why)
    revise     draft, approved, rejected  -> draft      (a new revision, by the LLM)
    publish    approved                   -> published  (dated today unless dated)
    unpublish  published                  -> approved   (off the site at the next build)

Hand edits, recorded edits and restores are revisions too (edits.py). Every
review action first records an edit made by hand in the file
(`edits.record_pending`; publishing refuses it instead), then moves under the review lock with its audit entry (audit.py). Every action
returns the updated `Draft` or raises `TransitionError` / `SatireError` with a
one-line message (exit 2 on the CLI).

Publishing needs a draft whose text is the one approved (`approval.stands`) and
keeps a copy of it as published (`drafts/.published/SLUG.md`): the site shows
that copy while a later edit is in review. Unpublishing takes the copy down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from generator.drafts import Draft, DraftStore, Status
from generator.errors import InputError, SatireError, TransitionError
from generator.review import approval
from generator.review.audit import change_draft, editor_name
from generator.review.edits import last_editor, record_pending
from generator.review.queries import factcheck, load_brief_of

if TYPE_CHECKING:
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
__all__ = [
    "ACTIONS",
    "MOVES",
    "StaleRevision",
    "approve",
    "check_move",
    "check_revision",
    "publish",
    "publish_all",
    "reject",
    "revise",
    "unpublish",
]


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
    """draft -> approved, bound to its text (`approved` in its front matter). With
    claim findings (number, quote, person, organization, date), only when `ack`;
    translation and style findings never block. All are logged. With
    `review.second_editor`, not by the draft's last editor."""
    record_pending(project, slug, by=by)
    who = editor_name(by, project.root)

    def change(draft: Draft, details: dict[str, Any]) -> Draft:
        if project.config.review.second_editor:
            last = last_editor(project, slug)
            if last is not None and last[0].casefold() == who.casefold():
                raise SatireError(
                    f"cannot approve {slug!r}: {who} made its last edit (revision {last[1]}), "
                    "and review.second_editor asks another editor to approve it"
                )
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
        sealed = approval.seal(draft.model_copy(update={"status": "approved"}), who)
        assert sealed.approved is not None
        details["digest"] = sealed.approved.digest
        return sealed

    return _move(project, "approve", slug, by, note, change, expect=revision)


def reject(
    project: Project,
    slug: str,
    *,
    by: str | None = None,
    note: str | None = None,
    revision: int | None = None,
) -> Draft:
    """draft or approved -> rejected; the note says why (required). A rejection
    withdraws the draft's approval (a restore cannot bring it back approved)."""
    if not (note and note.strip()):
        raise SatireError(f"cannot reject {slug!r}: say why with --note TEXT")
    record_pending(project, slug, by=by)
    return _move(
        project,
        "reject",
        slug,
        by,
        note,
        lambda d, _: d.model_copy(update={"status": "rejected", "approved": None}),
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
    """approved -> published, dated today (in the site's timezone) unless it has a
    date; only while its text is the one approved (a hand edit in the file is
    refused, and left there unrecorded). Keeps the copy readers see."""
    store = DraftStore(project)

    def change(draft: Draft, details: dict[str, Any]) -> Draft:
        date = draft.date or today or project.today()
        details["date"] = date.isoformat()
        return draft.model_copy(update={"status": "published", "date": date})

    return _move(
        project,
        "publish",
        slug,
        by,
        note,
        change,
        guard=_approved_as_is,
        then=store.save_published,  # after the draft: a crash between leaves it published
        expect=revision,
    )


def publish_all(
    project: Project,
    *,
    by: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
) -> tuple[list[Draft], list[InputError]]:
    """Every approved draft, published; and the drafts that could not be read or
    published (say, edited since their approval)."""
    store = DraftStore(project)
    drafts, errors = store.load_all()
    done: list[Draft] = []
    for d in drafts:
        if d.status != "approved":
            continue
        try:
            done.append(publish(project, d.slug, by=by, note=note, today=today))
        except SatireError as exc:
            file = project.rel(store.path(d.slug))
            errors.append(InputError(file, 1, 1, "status", exc.format_message()))
    return done, errors


def unpublish(
    project: Project,
    slug: str,
    *,
    by: str | None = None,
    note: str | None = None,
    revision: int | None = None,
) -> Draft:
    """published -> approved: gone from the site at the next build (its date is
    kept). A post whose draft is in review while its published copy is online:
    the copy is taken down, the draft stays as it is."""
    store = DraftStore(project)

    def take_down(draft: Draft, details: dict[str, Any]) -> Draft:
        # the copy goes first: a crash before the draft is written leaves the
        # post published as it was, never online under another status
        check_revision("unpublish", draft, revision)
        store.remove_published(slug)
        details.update({"from": draft.status, "to": draft.status, "online": "taken down"})
        return draft

    if store.load(slug).status != "published" and store.published_path(slug).is_file():
        return change_draft(project, "unpublish", slug, by, note, take_down)

    def change(draft: Draft, details: dict[str, Any]) -> Draft:
        store.remove_published(slug)
        return draft.model_copy(update={"status": "approved"})

    return _move(project, "unpublish", slug, by, note, change, expect=revision)


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
    from generator.write import compose
    from generator.write.backend import get_backend

    record_pending(project, slug, by=by)
    store = DraftStore(project)
    current = store.load(slug)
    check_revision("revise", current, revision)
    check_move("revise", slug, current.status)  # fail before spending a call
    brief = load_brief_of(project, current)
    backend = get_backend(project, offline=offline, model=model)
    rewritten = compose.revise(
        project, current, brief, note, backend, self_check_rounds=self_check_rounds
    )

    def change(draft: Draft, details: dict[str, Any]) -> Draft:
        if draft.revision != current.revision:
            raise SatireError(
                f"cannot revise {slug!r}: it changed to revision {draft.revision} while being revised; run again"
            )
        details["from_revision"] = current.revision
        return rewritten.model_copy(
            update={"status": "draft", "slug": slug, "approved": draft.approved}
        )

    return _move(project, "revise", slug, by, note, change, new_revision=True)


# -- one move ----------------------------------------------------------------------


def _move(
    project: Project,
    action: str,
    slug: str,
    by: str | None,
    note: str | None,
    change: Callable[[Draft, dict[str, Any]], Draft],
    *,
    new_revision: bool = False,
    guard: Callable[[Draft], None] | None = None,
    then: Callable[[Draft], object] | None = None,
    expect: int | None = None,
) -> Draft:
    """Check the move (after `guard`), change and write the draft, log it.
    `expect`: the revision the editor saw; any other is refused (StaleRevision),
    checked under the review lock, so no move lands on text nobody saw."""

    def step(draft: Draft, details: dict[str, Any]) -> Draft:
        check_revision(action, draft, expect)
        if guard is not None:
            guard(draft)
        target = check_move(action, slug, draft.status)
        details.update({"from": draft.status, "to": target})
        return change(draft, details)

    return change_draft(project, action, slug, by, note, step, new_revision=new_revision, then=then)


def _approved_as_is(draft: Draft) -> None:
    """Publishing needs the text an editor approved."""
    if draft.status not in approval.LIVE:
        return  # the status table says what is wrong
    sealed = draft.approved
    if sealed is None:
        if draft.status == "approved":
            raise SatireError(
                f"cannot publish {draft.slug!r}: no editor's approval is recorded for its text "
                f"(status set by hand?); have it reviewed: 'satire review record {draft.slug}', then approve it"
            )
        return  # not approved at all: the status table says so
    if not approval.matches(draft):
        raise SatireError(
            f"cannot publish {draft.slug!r}: its text changed since revision {sealed.revision} "
            f"was approved by {sealed.by}; approve the edit ('satire review approve {draft.slug}') "
            f"or bring the approved text back ('satire review restore {draft.slug}')"
        )
