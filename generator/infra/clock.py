"""The one clock: every record that says when (audit log, call log, run log,
seen-store, caches, stamps in file names) takes its time from `now()`, in UTC,
so the records agree with each other and a test can set the time in one place.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def now() -> dt.datetime:
    """The current time, in UTC, to the second (what records keep)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def stamp() -> str:
    """`now()` as ISO 8601 text, e.g. 2026-12-03T07:39:31+00:00 (the state database's format)."""
    return now().isoformat()


def today(zone: ZoneInfo) -> dt.date:
    """Today's date in `zone` (where a site lives: what dates a post, and from which day
    a post dated ahead is shown)."""
    return now().astimezone(zone).date()
