"""The seen-store: every story intake took in (or skipped for good), in the
project's SQLite state, so that no story is taken in twice and no known
article is fetched again.

A story is known by its keys: each URL form it was met under (canonicalized:
tracking parameters, fragment and trailing slash dropped), its feed GUID, and,
for the same story from another feed, a near-duplicate title or text. A story is
recorded in one transaction when its brief is written, so a killed run leaves
the store as it was before or after that story, never half.

A page skipped (thin, not HTML) or failed is remembered with its reason, and
fetched again on later runs until it has been tried MAX_ATTEMPTS times; `--again`
takes any story in again. `explain` says what became of a story already met.

Feeds' HTTP validators (ETag, Last-Modified) live here too, for conditional GET.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from generator.infra import clock

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref|ref_src|src|cmpid|guccounter|guce_referrer\w*|_hsenc|_hsmi|ncid|sr_share|yclid|at_\w+)$",
    re.I,
)
TITLE_SIMILAR = 0.8  # Jaccard of title words at or above which two titles name one story
TEXT_SIMILAR = 0.6  # estimated Jaccard of 5-word shingles at or above which two texts are one story
SKETCH_SIZE = 64
RECENT = 2000  # stories compared for near-duplicates
MAX_ATTEMPTS = 3  # times a skipped or failed page is fetched before it is left alone
RETRIED = ("skipped:", "failed:")  # outcomes tried again (a brief, or a discarded one, is never)


def canonical_url(url: str) -> str:
    """One form per story URL: lower-case scheme and host, no default port,
    no fragment, no tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in {("http", 80), ("https", 443)}
        else f"{host}:{port}"
    )
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]
    )
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", plain)


def title_key(title: str) -> str:
    """The title's words, lower-case and unaccented, for near-duplicate titles."""
    return " ".join(_words(title))


def title_similarity(a: str, b: str) -> float:
    sa, sb = set(a.split()), set(b.split())
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def sketch(text: str) -> str:
    """A bottom-k sketch of the text's 5-word shingles (hex hashes, space-separated)."""
    words = _words(text)
    shingles = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
    hashes = sorted({hashlib.blake2b(s.encode(), digest_size=8).hexdigest() for s in shingles})
    return " ".join(hashes[:SKETCH_SIZE])


def sketch_similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two texts from their sketches."""
    sa, sb = set(a.split()), set(b.split())
    if not sa or not sb:
        return 0.0
    union = sorted(sa | sb)[:SKETCH_SIZE]
    both = sum(1 for h in union if h in sa and h in sb)
    return both / len(union)


@dataclass(frozen=True)
class Known:
    """Why a story counts as seen: the key or similarity that matched, and the story's URL;
    for a stored story, what became of it."""

    why: str
    url: str
    outcome: str = "taken in this run"
    brief: str | None = None
    seen_at: str = ""
    attempts: int = 0


@dataclass
class _Claim:
    """A story a worker of this run is taking in (not recorded yet)."""

    keys: set[str]
    url: str
    title_key: str
    sketch: str


class SeenStore:
    """The store over a state connection; methods are safe across threads."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._lock = threading.Lock()
        self._claims: list[_Claim] = []

    # -- looking up ------------------------------------------------------------

    def match(
        self,
        *,
        urls: Iterable[str] = (),
        guid: str | None = None,
        title: str | None = None,
        text: str | None = None,
    ) -> Known | None:
        """The first reason this story is already known (stored, or claimed in this run), or None."""
        with self._lock:
            return self._match(urls, guid, title, text)

    def explain(self, urls: Iterable[str]) -> Known | None:
        """The stored story a URL names, even one that will be tried again."""
        with self._lock:
            for url in urls:
                row = self._story_of(f"url:{canonical_url(url)}")
                if row:
                    return self._known("same URL", row)
        return None

    def claim(
        self,
        *,
        urls: Iterable[str] = (),
        guid: str | None = None,
        title: str | None = None,
        text: str | None = None,
        again: bool = False,
    ) -> Known | None:
        """Like `match`, but when the story is new, hold it for this run so that a
        concurrent worker meeting the same story sees it; `release` lets go.
        `again`: only this run's claims count, not the stories stored."""
        urls = list(urls)
        with self._lock:
            known = self._match(urls, guid, title, text, stored=not again)
            if known is None:
                keys = {f"url:{canonical_url(u)}" for u in urls} | (
                    {f"guid:{guid}"} if guid else set()
                )
                self._claims.append(
                    _Claim(
                        keys,
                        urls[0] if urls else "",
                        title_key(title) if title else "",
                        sketch(text) if text else "",
                    )
                )
            return known

    def release(self, urls: Iterable[str]) -> None:
        keys = {f"url:{canonical_url(u)}" for u in urls}
        with self._lock:
            self._claims = [c for c in self._claims if not (c.keys & keys)]

    def _match(
        self,
        urls: Iterable[str],
        guid: str | None,
        title: str | None,
        text: str | None,
        *,
        stored: bool = True,
    ) -> Known | None:
        keys = [f"url:{canonical_url(u)}" for u in urls] + ([f"guid:{guid}"] if guid else [])
        for key in keys:
            row = self._story_of(key) if stored else None
            if row and not _retried(row):
                return self._known("same GUID" if key.startswith("guid:") else "same URL", row)
            for claim in self._claims:
                if key in claim.keys:
                    return Known("same GUID" if key.startswith("guid:") else "same URL", claim.url)
        if not (title or text):
            return None
        tkey = title_key(title) if title else ""
        mark = sketch(text) if text else ""
        rows = (
            self.conn.execute(
                "SELECT url, title_key, sketch, outcome, brief, seen_at FROM intake_stories"
                " WHERE brief IS NOT NULL ORDER BY id DESC LIMIT ?",
                (RECENT,),
            ).fetchall()
            if stored
            else []
        )
        candidates: list[tuple[str, str, str, sqlite3.Row | None]] = [
            (c.url, c.title_key, c.sketch, None) for c in self._claims
        ] + [(r["url"], r["title_key"], r["sketch"], r) for r in rows]
        for url, other_title, other_sketch, row in candidates:
            why = None
            if (
                tkey
                and len(tkey.split()) >= 4
                and title_similarity(tkey, other_title) >= TITLE_SIMILAR
            ):
                why = "same title"
            elif mark and other_sketch and sketch_similarity(mark, other_sketch) >= TEXT_SIMILAR:
                why = "same text"
            if why:
                return self._known(why, row) if row is not None else Known(why, url)
        return None

    def _story_of(self, key: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT s.url, s.outcome, s.brief, s.seen_at,"
            " (SELECT COUNT(*) FROM intake_stories t WHERE t.url = s.url AND t.brief IS NULL)"
            " AS attempts FROM intake_keys k JOIN intake_stories s ON s.id = k.story WHERE k.key = ?",
            (key,),
        ).fetchone()
        return row

    @staticmethod
    def _known(why: str, row: sqlite3.Row) -> Known:
        keys = row.keys()
        return Known(
            why,
            row["url"],
            outcome=row["outcome"],
            brief=row["brief"],
            seen_at=row["seen_at"],
            attempts=row["attempts"] if "attempts" in keys else 0,
        )

    # -- recording ---------------------------------------------------------------

    def record(
        self,
        *,
        url: str,
        urls: Iterable[str] = (),
        guid: str | None,
        feed: str | None,
        title: str,
        text: str,
        brief: str | None,
        outcome: str,
    ) -> None:
        """Remember a story under every key it was met by, in one transaction."""
        canonical = canonical_url(url)
        keys = {f"url:{canonical}", *(f"url:{canonical_url(u)}" for u in urls)}
        if guid:
            keys.add(f"guid:{guid}")
        now = clock.stamp()
        with self._lock:
            self._claims = [c for c in self._claims if not (c.keys & keys)]
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = self.conn.execute(
                    "INSERT INTO intake_stories (url, feed, title, title_key, sketch, brief, outcome, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        canonical,
                        feed,
                        title,
                        title_key(title),
                        sketch(text) if text else "",
                        brief,
                        outcome,
                        now,
                    ),
                )
                for key in sorted(keys):
                    self.conn.execute(
                        "INSERT OR REPLACE INTO intake_keys (key, story) VALUES (?, ?)",
                        (key, cursor.lastrowid),
                    )
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    # -- feeds' validators for conditional GET -----------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) remembered for a feed."""
        with self._lock:
            row = self.conn.execute(
                "SELECT etag, last_modified FROM intake_http WHERE url = ?", (url,)
            ).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def remember_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if not etag and not last_modified:
            return
        now = clock.stamp()
        with self._lock:
            self.conn.execute(
                "INSERT OR REPLACE INTO intake_http (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?)",
                (url, etag, last_modified, now),
            )


def _retried(row: sqlite3.Row) -> bool:
    """A skipped or failed page with attempts left: not seen yet, for all that it was met."""
    return str(row["outcome"]).startswith(RETRIED) and int(row["attempts"]) < MAX_ATTEMPTS
