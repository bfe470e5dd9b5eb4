"""Gather: the drafts that belong on the site, as linked `Post`s.

Only published posts whose date has come (in the site's timezone) appear;
`--drafts` adds drafts, approved and scheduled posts, marked as such. Bad
drafts are reported (one line each) and left out; the rest still builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.brief import slugify
from generator.config import Project, check_http_url
from generator.drafts import Draft, DraftStore, parse_draft
from generator.errors import InputError, InputErrors, SatireError
from generator.site import markup
from generator.site.cache import RenderCache
from generator.site.model import Post, Term
from generator.site.parallel import run

SHOWN_WITH_DRAFTS = ("draft", "approved", "published")
PARALLEL_DRAFTS = 300  # drafts to parse before forking workers pays off


@dataclass
class Gathered:
    """Every post on the site (newest first), its terms, and the bad drafts."""

    posts: list[Post]
    categories: list[Term]
    tags: list[Term]
    errors: list[InputError] = field(default_factory=list)

    def by_language(self, language: str) -> list[Post]:
        return [p for p in self.posts if p.language == language]


def today_in(project: Project) -> dt.date:
    """Today's date where the site lives (site.timezone)."""
    name = project.config.site.timezone
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SatireError(f"satire.yaml: site.timezone: unknown time zone {name!r} (expected e.g. Europe/Paris or UTC)") from None
    return dt.datetime.now(zone).date()


def gather(project: Project, *, drafts: bool = False, today: dt.date | None = None, cache: RenderCache | None = None, jobs: int = 1) -> Gathered:
    """The posts of the site, sorted, with their terms and neighbours linked."""
    today = today or today_in(project)
    loaded, errors = load_drafts(project, cache, jobs)
    posts: list[Post] = []
    for parsed in loaded:
        problem = check_draft(parsed.draft, parsed.file)
        if problem:
            errors.append(problem)
            continue
        post = make_post(parsed.draft, parsed.file, today, parsed.digest)
        post.minutes, post.body_key = parsed.minutes, parsed.body_key
        if (post.status == "published" and not post.scheduled) or (drafts and post.status in SHOWN_WITH_DRAFTS):
            posts.append(post)
    return assemble(posts, errors)


def assemble(posts: list[Post], errors: list[InputError] | None = None) -> Gathered:
    """Sort posts newest first, link neighbours and translations, group by term."""
    posts.sort(key=lambda p: (p.date, p.slug), reverse=True)
    link(posts)
    return Gathered(posts, terms(posts, "category"), terms(posts, "tag"), errors or [])


def check_draft(draft: Draft, file: str) -> InputError | None:
    """What the site needs of a draft beyond its schema: links that are links."""
    try:
        check_http_url(draft.source.url)
    except ValueError as exc:
        return InputError(file, 1, 1, "source.url", f"{exc}: the source link must be the story's http(s) address")
    return None


# Cached drafts are keyed by their bytes and by the Draft schema's field names,
# so a draft written by a newer schema is parsed again, not misread.
_SCHEMA = hashlib.sha256(" ".join(sorted(Draft.model_fields)).encode()).hexdigest()[:16]


def load_drafts(project: Project, cache: RenderCache | None = None, jobs: int = 1) -> tuple[list[Parsed], list[InputError]]:
    """Every readable draft with its file, content digest, reading time and body
    key; one error per unreadable draft.

    Parsing goes through `parse_draft` (as `DraftStore.load` does), over the
    cores when there are many; a draft whose bytes were parsed before comes
    back from the render cache instead. Work goes by chunks, so that memory
    holds the drafts, not every file's text twice over.
    """
    store = DraftStore(project)
    files: list[tuple[str, Path, str]] = []
    for slug in store.slugs():
        path = store.path(slug)
        files.append((project.rel(path), path, hashlib.sha256(path.read_bytes()).hexdigest()))
    loaded: list[Parsed] = []
    errors: list[InputError] = []
    for start in range(0, len(files), CHUNK):
        chunk = files[start : start + CHUNK]
        known = cache.get_many(_key(d) for _, _, d in chunk) if cache else {}
        ready = {digest: _from_cache(known.pop(_key(digest), None), file, digest) for file, _, digest in chunk}
        misses = [f for f in chunk if ready[f[2]] is None]  # new, changed, or cached by an older version
        fresh: dict[str, str] = {}
        for (file, _, digest), (value, problems) in zip(misses, run(_parse, misses, jobs, PARALLEL_DRAFTS), strict=True):
            errors.extend(InputError(*p) for p in problems)
            if value is not None:
                fresh[_key(digest)] = value
                ready[digest] = _from_cache(value, file, digest)
        if cache:
            cache.put_many(fresh)
        loaded.extend(parsed for parsed in ready.values() if parsed is not None)
    return loaded, errors


CHUNK = 1000  # drafts per round of read, parse and cache


def _key(digest: str) -> str:
    return f"draft:{_SCHEMA}:{digest}"


@dataclass
class Parsed:
    """A draft as read: the model, where it came from, and what the build needs of its body."""

    draft: Draft
    file: str
    digest: str  # sha256 of the file's bytes
    minutes: int  # reading time
    body_key: str  # render-cache key of its sanitized HTML


Problem = tuple[str, int, int, str, str]  # an InputError's parts: they cross process boundaries


def _parse(items: Sequence[tuple[str, Path, str]]) -> list[tuple[str | None, list[Problem]]]:
    """Parse drafts into their cached form (JSON), or problems."""
    out: list[tuple[str | None, list[Problem]]] = []
    for file, path, _ in items:
        try:
            draft = parse_draft(path.read_bytes().decode("utf-8"), file)
        except UnicodeDecodeError as exc:
            out.append((None, [(file, 1, 1, "(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]))
            continue
        except InputErrors as exc:
            out.append((None, [(e.file, e.line, e.col, e.field, e.problem) for e in exc.errors]))
            continue
        except InputError as exc:
            out.append((None, [(exc.file, exc.line, exc.col, exc.field, exc.problem)]))
            continue
        except OSError as exc:
            out.append((None, [(file, 1, 1, "(file)", f"cannot read: {exc.strerror or exc}")]))
            continue
        value = {
            "front": draft.model_dump_json(),
            "body": draft.body,
            "minutes": markup.reading_minutes(draft.body),
            "body_key": markup.cache_key(draft.body, draft.language),
        }
        out.append((json.dumps(value, ensure_ascii=False), []))
    return out


def _from_cache(value: str | None, file: str, digest: str) -> Parsed | None:
    if value is None:
        return None
    try:
        data = json.loads(value)
        draft = Draft.model_validate_json(data["front"])
    except (ValueError, KeyError, TypeError):
        return None
    draft.body = data["body"]
    return Parsed(draft, file, digest, int(data["minutes"]), str(data["body_key"]))


def make_post(draft: Draft, file: str, today: dt.date, digest: str | None = None) -> Post:
    date = draft.date or draft.provenance.generated_at.date()
    digest = digest or hashlib.sha256(f"{draft.model_dump_json()}\0{draft.body}".encode()).hexdigest()
    post = Post(draft=draft, file=file, digest=digest, date=date, scheduled=date > today)
    post.minutes, post.body_key = markup.reading_minutes(draft.body), markup.cache_key(draft.body, draft.language)
    return post


def link(posts: list[Post]) -> None:
    """Previous/next within a language; translations that are on the site."""
    by_slug = {p.slug: p for p in posts}
    newer: dict[str, Post] = {}
    for post in posts:  # newest first
        after = newer.get(post.language)
        if after is not None:
            post.next, after.previous = after, post
        newer[post.language] = post
        post.translations = [by_slug[s] for lang, s in sorted(post.draft.translations.items()) if s in by_slug and lang != post.language]


def terms(posts: list[Post], kind: str) -> list[Term]:
    """Categories or tags by slug, each with its posts, sorted by name."""
    found: dict[str, Term] = {}
    for post in posts:
        names = post.draft.categories if kind == "category" else post.draft.tags
        mine = post.categories if kind == "category" else post.tags
        for name in names:
            slug = slugify(name)
            term = found.setdefault(slug, Term(kind, name, slug))
            if term not in mine:
                mine.append(term)
                term.posts.append(post)
    return sorted(found.values(), key=lambda t: t.name.casefold())
