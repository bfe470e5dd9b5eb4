"""Gather: the drafts that belong on the site, as linked `Post`s.

Only published posts whose date has come (in the site's timezone) appear;
`--drafts` adds drafts, approved and scheduled posts, marked as such. Bad
drafts are reported (one line each) and left out; the rest still builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.brief import slugify
from generator.config import Project, check_http_url
from generator.drafts import Draft, DraftStore, parse_draft
from generator.errors import InputError, InputErrors, SatireError
from generator.site.cache import RenderCache
from generator.site.model import Post, Term

SHOWN_WITH_DRAFTS = ("draft", "approved", "published")


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


def gather(project: Project, *, drafts: bool = False, today: dt.date | None = None, cache: RenderCache | None = None) -> Gathered:
    """The posts of the site, sorted, with their terms and neighbours linked."""
    today = today or today_in(project)
    loaded, errors = load_drafts(project, cache)
    posts: list[Post] = []
    for draft, file, digest in loaded:
        problem = check_draft(draft, file)
        if problem:
            errors.append(problem)
            continue
        post = make_post(draft, file, today, digest)
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


def load_drafts(project: Project, cache: RenderCache | None = None) -> tuple[list[tuple[Draft, str, str]], list[InputError]]:
    """Every readable draft with its file and content digest; one error per unreadable one.

    Parsing goes through `parse_draft` (as `DraftStore.load` does); a draft
    whose bytes were parsed before comes back from the render cache instead.
    """
    store = DraftStore(project)
    files = []
    for slug in store.slugs():
        path = store.path(slug)
        data = path.read_bytes()
        files.append((project.rel(path), data, hashlib.sha256(data).hexdigest()))
    known = cache.get_many(f"draft:{_SCHEMA}:{d}" for _, _, d in files) if cache else {}
    loaded: list[tuple[Draft, str, str]] = []
    errors: list[InputError] = []
    fresh: dict[str, str] = {}
    for file, data, digest in files:
        key = f"draft:{_SCHEMA}:{digest}"
        draft = _from_cache(known.get(key))
        if draft is None:
            try:
                draft = parse_draft(data.decode("utf-8"), file)
            except UnicodeDecodeError as exc:
                errors.append(InputError(file, 1, 1, "(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
                continue
            except InputErrors as exc:
                errors.extend(exc.errors)
                continue
            except InputError as exc:
                errors.append(exc)
                continue
            front = draft.model_dump_json()
            fresh[key] = f"{len(front)}:{front}{draft.body}"
        loaded.append((draft, file, digest))
    if cache:
        cache.put_many(fresh)
    return loaded, errors


def _from_cache(value: str | None) -> Draft | None:
    if value is None:
        return None
    size, _, rest = value.partition(":")
    try:
        draft = Draft.model_validate_json(rest[: int(size)])
    except ValueError:
        return None
    draft.body = rest[int(size) :]
    return draft


def make_post(draft: Draft, file: str, today: dt.date, digest: str | None = None) -> Post:
    date = draft.date or draft.provenance.generated_at.date()
    digest = digest or hashlib.sha256(f"{draft.model_dump_json()}\0{draft.body}".encode()).hexdigest()
    return Post(draft=draft, file=file, digest=digest, date=date, scheduled=date > today)


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
