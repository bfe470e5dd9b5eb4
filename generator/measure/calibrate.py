"""How far to trust the judge: over the project's history, how often it
prefers the revision editors approved over one of the same draft they
rejected or sent back for revision (each pair asked in both orders).

Pairs come from the audit log (approve: the revision approved; reject: the
revision rejected; revise: `from_revision`, the one sent back); their texts
from the revisions kept under `.satire/revisions/`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from generator.drafts import DraftStore, parse_draft
from generator.errors import SatireError
from generator.measure.judge import Contestant, Judge, self_agreement
from generator.review import audit, queries

if TYPE_CHECKING:
    from generator.config import Project

RUN_PREFIX = "eval-judge-"  # an eval-... run id: stats leaves it out


def history_pairs(project: Project) -> list[tuple[str, int, int]]:
    """(slug, approved revision, a revision editors turned down) from the audit log."""
    approved: dict[str, set[int]] = {}
    declined: dict[str, set[int]] = {}
    for entry in audit.log(project):
        slug, revision, details = entry["slug"], entry["revision"], entry["details"] or {}
        if entry["action"] == "approve" and revision is not None:
            approved.setdefault(slug, set()).add(revision)
        elif entry["action"] == "reject" and revision is not None:
            declined.setdefault(slug, set()).add(revision)
        elif entry["action"] == "revise" and details.get("from_revision") is not None:
            declined.setdefault(slug, set()).add(int(details["from_revision"]))
    return [
        (slug, good, bad)
        for slug in sorted(approved)
        for good in sorted(approved[slug])
        for bad in sorted(declined.get(slug, set()) - approved[slug])
    ]


def judge_agreement(project: Project, model: str, *, offline: bool = False) -> dict[str, Any]:
    """The judge's verdicts on the history's pairs: agreement with editors and with itself."""
    from generator.styles import load_style
    from generator.write.backend import get_backend

    backend = get_backend(
        project, offline=offline, model=model, run_id=RUN_PREFIX + uuid.uuid4().hex[:12]
    )
    judge = Judge(project, backend)
    store = DraftStore(project)
    pairs, skipped = [], []
    agree = ties = 0
    for slug, good, bad in history_pairs(project):
        try:
            kept = parse_draft(store.revision_text(slug, good), f"{slug} revision {good}")
            turned_down = parse_draft(store.revision_text(slug, bad), f"{slug} revision {bad}")
            brief = queries.load_brief_of(project, kept)
        except SatireError as exc:
            skipped.append(f"{slug}: {exc.format_message().splitlines()[0]}")
            continue
        asked = judge.pair(
            brief,
            load_style(project, kept.style),
            kept.language,
            Contestant("approved", kept),
            Contestant("declined", turned_down),
        )
        assert asked is not None  # no budget here
        pairs.append(asked)
        agree += sum(v.winner == "a" for v in asked)
        ties += sum(v.winner == "tie" for v in asked)
    verdicts = 2 * len(pairs)
    return {
        "judge": model,
        "pairs": len(pairs),
        "verdicts": verdicts,
        "prefers_approved": agree,
        "ties": ties,
        "agreement": None if not verdicts else round((agree + ties / 2) / verdicts, 4),
        "self_agreement": self_agreement(pairs),
        "skipped": skipped,
    }
