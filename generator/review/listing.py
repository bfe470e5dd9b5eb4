"""`review list`: every draft with its status, fact-check count and edit state."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from generator.drafts import STATUSES, DraftStore, Status
from generator.errors import InputError, SatireError
from generator.review.audit import reconcile
from generator.review.edits import EditState, edit_state
from generator.review.queries import factcheck

if TYPE_CHECKING:
    from generator.config import Project


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
    edit_state: EditState = "clean"  # see generator.review.edits.edit_state

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
                edit_state(project, d),
            )
        )
    return rows, errors
