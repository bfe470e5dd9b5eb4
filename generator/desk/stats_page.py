"""The desk's Stats page (`/_desk/stats`): the figures of `satire stats`, per
style, model and language, for a period chosen by `?since=YYYY-MM-DD`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from generator.measure import stats

if TYPE_CHECKING:
    from generator.config import Project


def context(project: Project, since: str) -> dict[str, Any]:
    """What stats.html shows; a malformed `since` is said, not fatal."""
    error = ""
    day: dt.date | None = None
    if since:
        try:
            day = dt.date.fromisoformat(since)
        except ValueError:
            error = f"“{since}” is not a date (YYYY-MM-DD): showing all time."
    data = stats.compute(project, day)
    sections = [("All drafts", {"all": data["total"]})] + [
        (f"By {g}", data[f"by_{g}"]) for g in stats.GROUPS
    ]
    return {
        "data": data,
        "sections": sections,
        "columns": stats.COLUMNS,
        "cell": stats.cell,
        "since": day.isoformat() if day else "",
        "error": error,
    }
