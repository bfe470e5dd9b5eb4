"""Feeds: telling a feed from a page by its content, reading RSS 0.9x/2.0 and
Atom through feedparser, and the include/exclude filters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)\b", re.I)


def is_feed(body: bytes) -> bool:
    """Whether `body` is an RSS or Atom document (by its root element, not its URL or type)."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    # skip the XML declaration, comments, doctype and processing instructions before the root
    stripped = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S).lstrip()
    match = FEED_ROOT.match(stripped)
    return match is not None


@dataclass
class Entry:
    """One item of a feed."""

    title: str
    link: str
    guid: str | None
    summary: str
    published: dt.date | None  # in UTC; `published_raw` as the feed wrote it, with its offset
    tags: list[str] = field(default_factory=list)
    published_raw: str | None = None


@dataclass
class Feed:
    title: str
    entries: list[Entry]
    problem: str | None  # feedparser's complaint on a malformed feed (it may still give entries)


class MalformedFeed(ValueError):
    """A feed feedparser could not read any entry from."""


def parse_feed(body: bytes, url: str, content_type: str = "application/xml") -> Feed:
    """The feed's entries; MalformedFeed when it is broken and gives none."""
    import feedparser

    parsed: Any = feedparser.parse(
        body,
        response_headers={
            "content-location": url,
            "content-type": content_type or "application/xml",
        },
    )
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed"
    entries: list[Entry] = []
    for item in parsed.get("entries", []):
        link = str(item.get("link") or "").strip()
        if not link:
            continue
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        published = dt.date(*stamp[:3]) if stamp else None
        tags = [
            str(t.get("term") or "").strip()
            for t in item.get("tags", [])
            if str(t.get("term") or "").strip()
        ]
        entries.append(
            Entry(
                title=_plain(str(item.get("title") or "")),
                link=link,
                guid=str(item.get("id") or "").strip() or None,
                summary=_plain(str(item.get("summary") or "")),
                published=published,
                tags=tags,
                published_raw=str(item.get("published") or item.get("updated") or "") or None,
            )
        )
    if problem and not entries:
        raise MalformedFeed(f"malformed feed ({' '.join(problem.split())[:200]})")
    return Feed(
        title=_plain(str(parsed.get("feed", {}).get("title") or "")),
        entries=entries,
        problem=problem,
    )


def _plain(text: str) -> str:
    """Feed text without markup, on one line."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _holds(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I) is not None


def filtered_out(entry: Entry, include: Sequence[str], exclude: Sequence[str]) -> str | None:
    """Why the feed's filters drop `entry` (None: it is kept). Words match whole, case-insensitively."""
    text = f"{entry.title}\n{entry.summary}"
    hit = next((word for word in exclude if _holds(text, word)), None)
    if hit is not None:
        return f"excluded by {hit!r}"
    if include and not any(_holds(text, word) for word in include):
        return "matches no include word"
    return None
