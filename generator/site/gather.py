"""Gather: the drafts that belong on the site, as linked `Post`s.

Only published posts whose date has come (in the site's timezone) appear,
and only with the text an editor approved (`generator.review.approval`): a post
edited since is shown from its published copy, or left out, with one line
saying so. `--drafts` adds drafts, approved and scheduled posts, marked as such
(an edited one as a draft). Bad drafts are reported (one line each) and left
out; the rest still builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from generator.brief import slugify
from generator.config import Project, check_http_url
from generator.drafts import Draft, DraftStore, parse_draft
from generator.errors import InputError, InputErrors
from generator.infra import state
from generator.review import approval
from generator.site import images, markup, stamp
from generator.site.cache import RenderCache
from generator.site.model import Post, Term
from generator.site.parallel import Workers

SHOWN_WITH_DRAFTS = ("draft", "approved", "published")
PARALLEL_DRAFTS = 150  # drafts to parse before forking workers pays off


@dataclass
class Gathered:
    """Every post on the site (newest first), its terms, and the bad drafts."""

    posts: list[Post]
    categories: list[Term]
    tags: list[Term]
    errors: list[InputError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # posts edited since their approval
    rendered_bodies: int = 0  # bodies rendered while parsing (the render cache lacked them)


def gather(
    project: Project,
    *,
    drafts: bool = False,
    today: dt.date | None = None,
    cache: RenderCache | None = None,
    workers: Workers | None = None,
) -> Gathered:
    """The posts of the site, sorted, with their terms and neighbours linked."""
    today = today or project.today()
    loaded, errors, rendered = load_drafts(project, cache, workers or Workers(1))
    posts: list[Post] = []
    notices: list[str] = []
    store = DraftStore(project)
    for parsed in loaded:  # each checked by `check_draft` when it was parsed
        draft = parsed.draft
        if not approval.stands(draft, parsed.content):
            copy, line = approval.site_view(project, draft, parsed.file, parsed.content)
            if line is not None:
                notices.append(line)
            shown_as_draft = drafts and draft.status in SHOWN_WITH_DRAFTS  # the edit, previewed
            if copy is not None and not shown_as_draft:  # online: readers keep the approved text
                online = make_post(copy, project.rel(store.published_path(copy.slug)), today)
                if not online.scheduled:
                    posts.append(online)
                continue
            if (
                draft.status in approval.LIVE
            ):  # never as approved: a drafts build shows it as a draft
                draft = draft.model_copy(update={"status": "draft"})
        post = make_post(draft, parsed.file, today, parsed)
        if (post.status == "published" and not post.scheduled) or (
            drafts and post.status in SHOWN_WITH_DRAFTS
        ):
            posts.append(post)
    gathered = assemble(posts, errors)
    gathered.rendered_bodies, gathered.notices = rendered, notices
    return gathered


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
        return InputError(
            file, 1, 1, "source.url", f"{exc}: the source link must be the story's http(s) address"
        )
    return None


# Cached drafts are keyed by their bytes and by the Draft schema's field names,
# so a draft written by a newer schema is parsed again, not misread; the number
# versions the cached form itself (5: a line of facts, then the front matter).
_SCHEMA = hashlib.sha256(("5 " + " ".join(sorted(Draft.model_fields))).encode()).hexdigest()[:16]


def load_drafts(
    project: Project, cache: RenderCache | None, workers: Workers
) -> tuple[list[Parsed], list[InputError], int]:
    """Every readable draft with its file, content digest, reading time and body
    key; one error per unreadable draft; how many bodies were rendered.

    Parsing goes through `parse_draft` (as `DraftStore.load` does), over the
    cores when there are many; a draft whose bytes were parsed before comes
    back from the render cache instead. A worker that parses a draft also
    renders its body when the render cache lacks it, while the Markdown is in
    hand (one pass over the cores, no Markdown stored and read back). Work goes
    by chunks, so that memory holds the drafts, not every file's text.

    A draft whose stat data is what the last build recorded is not read at all:
    its digest comes from that record (`Stats`).
    """
    store = DraftStore(project)
    folder = project.rel(store.folder)  # once: resolving each draft's path costs a dozen syscalls
    prefix = "" if folder == "." else f"{folder}/"
    paths = [
        (
            project.rel(Path(entry.path)) if entry.is_symlink() else prefix + entry.name,
            entry.path,  # a str: a Path per draft costs more than the stat
        )
        for entry in store.entries()
    ]
    state_db = (
        str(state.db_path(project.state_dir))
        if cache is not None and cache.conn is not None
        else ""
    )
    loaded: list[Parsed] = []
    errors: list[InputError] = []
    rendered: set[str] = set()
    stats = Stats(cache)

    def begin(
        start: int,
    ) -> tuple[dict[str, Parsed | None], list[tuple[str, str]], Callable[[], list[Outcome]]]:
        """Read a chunk (each changed file once), take what the cache knows, send the rest to parse."""
        chunk: list[tuple[str, str, bytes | None, str]] = []  # (shown path, path, bytes, digest)
        for file, path in paths[start : start + CHUNK]:
            try:
                digest, raw = stats.digest(file, path)
            except OSError as exc:
                errors.append(_unreadable(file, exc))
                continue
            chunk.append((file, path, raw, digest))
        known = cache.get_many(_key(d) for _, _, _, d in chunk) if cache else {}
        ready = {
            digest: _from_cache(known.pop(_key(digest), None), file, digest)
            for file, _, _, digest in chunk
        }
        misses: list[tuple[str, bytes, str]] = []  # new, changed, or cached by an older version
        for file, path, raw, digest in chunk:
            if ready.get(digest) is not None:
                continue
            if raw is None:  # known by its stat data, but the cache lost its parse
                try:
                    digest, raw = stats.read(file, path)
                except OSError as exc:
                    errors.append(_unreadable(file, exc))
                    continue
                ready.setdefault(digest, None)
            misses.append((file, raw, digest))
        results = workers.submit(
            partial(_parse, state_db), [(file, raw) for file, raw, _ in misses], PARALLEL_DRAFTS
        )
        return ready, [(file, digest) for file, _, digest in misses], results

    def finish(
        ready: dict[str, Parsed | None],
        misses: list[tuple[str, str]],
        results: Callable[[], list[Outcome]],
    ) -> None:
        """Take a chunk's parsed drafts and rendered bodies, and cache them."""
        fresh: dict[str, str] = {}
        for (file, digest), (value, body, body_key, html, problems) in zip(
            misses, results(), strict=True
        ):
            errors.extend(InputError(*p) for p in problems)
            if value is None:
                continue
            fresh[_key(digest)] = value
            if html is not None and body_key not in rendered:
                fresh[body_key] = html
                rendered.add(body_key)
            ready[digest] = _from_cache(value, file, digest, body)
        if cache:
            cache.put_many(fresh)
        loaded.extend(parsed for parsed in ready.values() if parsed is not None)

    # one chunk is read while the workers parse the one before
    workers.progress.start("gather", len(paths))
    pending = None
    for start in range(0, len(paths), CHUNK):
        after = begin(start)
        if pending is not None:
            finish(*pending)
            workers.progress.advance("gather", CHUNK)
        pending = after
    if pending is not None:
        finish(*pending)
        workers.progress.advance("gather", len(paths) - (len(paths) - 1) // CHUNK * CHUNK)
    stats.save()
    return loaded, errors, len(rendered)


def _unreadable(file: str, exc: OSError) -> InputError:
    return InputError(file, 1, 1, "(file)", f"cannot read: {exc.strerror or exc}")


class Stats:
    """Each draft's stat data (size, mtime, ctime) and content digest as the last
    build read them, in the render cache: a draft whose stat data is unchanged
    is not read again. As for the build stamp (`stamp.py`), ctime catches an
    edit whose mtime was put back, and a draft changed less than `RACY_NS`
    before the build began is not recorded: its next edit could fall in the
    same clock tick and keep its size."""

    KEY = "draft-stats:1"

    def __init__(self, cache: RenderCache | None) -> None:
        self.cache = cache
        self.started = time.time_ns()
        found = cache.get_many([self.KEY]).get(self.KEY) if cache else None
        self.known: dict[str, list[Any]] = json.loads(found) if found else {}
        self.seen: dict[str, list[Any]] = {}

    def digest(self, file: str, path: str) -> tuple[str, bytes | None]:
        """The draft's digest, and its bytes unless its stat data vouched for it (then None)."""
        now = self.now(os.stat(path))
        old = self.known.get(file)
        if old is not None and old[:3] == now:
            self._record(file, now, str(old[3]))
            return str(old[3]), None
        return self.read(file, path, now)

    def read(self, file: str, path: str, now: list[int] | None = None) -> tuple[str, bytes]:
        """The draft's digest and bytes, read."""
        now = now or self.now(os.stat(path))  # before reading: a later edit moves its times
        with open(path, "rb") as handle:
            raw = handle.read()
        digest = hashlib.sha256(raw).hexdigest()
        self._record(file, now, digest)
        return digest, raw

    @staticmethod
    def now(stat: os.stat_result) -> list[int]:
        return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]

    def _record(self, file: str, now: list[int], digest: str) -> None:
        if max(now[1], now[2]) < self.started - stamp.RACY_NS:
            self.seen[file] = [*now, digest]

    def save(self) -> None:
        if self.cache is not None and self.seen != self.known:
            self.cache.put_many({self.KEY: json.dumps(self.seen)})


CHUNK = 250  # drafts per round of read, parse and cache


def _key(digest: str) -> str:
    return f"draft:{_schema()}:{digest}"


@lru_cache(maxsize=1)
def _schema() -> str:
    """The Draft schema's field names and the body renderer: a cached draft holds its
    body's key, so a new renderer (say, an nh3 fix) must parse drafts again."""
    return hashlib.sha256(f"{_SCHEMA}\0{markup.renderer()}".encode()).hexdigest()[:16]


@dataclass
class Parsed:
    """A draft as read: the model, where it came from, and what the build needs of its body."""

    draft: Draft
    file: str
    digest: str  # sha256 of the file's bytes
    content: str  # sha256 of what its page shows (`approval.digest`)
    minutes: int  # reading time
    body_key: str  # render-cache key of its sanitized HTML
    images: tuple[str, ...]  # image addresses its body names


Problem = tuple[str, int, int, str, str]  # an InputError's parts: they cross process boundaries
Outcome = tuple[
    str | None, str, str, str | None, list[Problem]
]  # cached form, Markdown, body key, body HTML, problems


def _parse(state_db: str, items: Sequence[tuple[str, bytes]]) -> list[Outcome]:
    """Parse drafts into their cached form (approval digest, reading time, body
    key and images on a line, then the front matter as JSON), or problems.
    With a render cache (`state_db`), also render the bodies it lacks (and
    return no Markdown); without one, return the Markdown for the caller to keep."""
    drafts: list[Draft | None] = []
    out: list[Outcome] = []
    for file, raw in items:
        draft, problems = _parse_one(file, raw)
        drafts.append(draft)
        if draft is None:
            out.append((None, "", "", None, problems))
            continue
        key = markup.cache_key(draft.body, draft.language)
        facts = {
            "content": approval.digest(draft),
            "minutes": markup.reading_minutes(draft.body),
            "body_key": key,
            "images": images.body_images(draft.body),
        }
        # one line of facts, then the front matter as JSON: read back straight into a Draft
        value = f"{json.dumps(facts, ensure_ascii=False)}\n{draft.model_dump_json()}"
        out.append((value, "" if state_db else draft.body, key, None, []))
    if not state_db:
        return out
    present = _present(state_db, {key for _, _, key, _, _ in out if key})
    html: dict[str, str] = {}
    for draft, (_, _, key, _, _) in zip(drafts, out, strict=True):
        if draft is not None and key not in present and key not in html:
            html[key] = markup.body_html(draft.body, draft.language)
    return [
        (value, body, key, html.pop(key, None), problems) for value, body, key, _, problems in out
    ]


def _parse_one(file: str, raw: bytes) -> tuple[Draft | None, list[Problem]]:
    try:
        draft = parse_draft(raw.decode("utf-8"), file)
    except UnicodeDecodeError as exc:
        return None, [(file, 1, 1, "(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except InputErrors as exc:
        return None, [(e.file, e.line, e.col, e.field, e.problem) for e in exc.errors]
    except InputError as exc:
        return None, [(exc.file, exc.line, exc.col, exc.field, exc.problem)]
    problem = check_draft(draft, file)  # a draft that fails it is not cached: it is checked again
    if problem is not None:
        return None, [(problem.file, problem.line, problem.col, problem.field, problem.problem)]
    return draft, []


def _present(state_db: str, keys: set[str]) -> set[str]:
    """Which body keys the render cache holds, through this process's own connection."""
    if not keys:
        return set()
    conn = state.connect_worker(state_db)
    try:
        wanted = list(keys)
        marks = ",".join("?" * len(wanted))
        return {
            row[0]
            for row in conn.execute(f"SELECT key FROM render_cache WHERE key IN ({marks})", wanted)
        }
    finally:
        conn.close()


def _from_cache(value: str | None, file: str, digest: str, body: str = "") -> Parsed | None:
    """A draft from its cached form; its body only when given (else it stays in the cache)."""
    if value is None:
        return None
    try:
        facts, _, front = value.partition("\n")
        data = json.loads(facts)
        draft = Draft.model_validate_json(front)
    except (ValueError, KeyError, TypeError):
        return None
    draft.body = body
    return Parsed(
        draft,
        file,
        digest,
        str(data["content"]),
        int(data["minutes"]),
        str(data["body_key"]),
        tuple(str(src) for src in data["images"]),
    )


def markdown_of(project: Project, posts: list[Post]) -> dict[str, str]:
    """The Markdown bodies of posts gathered without them, by post digest, from
    their draft files (only when the render cache lost their HTML)."""
    return {
        post.digest: parse_draft(
            (project.root / post.file).read_text(encoding="utf-8"), post.file
        ).body
        for post in posts
    }


def make_post(draft: Draft, file: str, today: dt.date, read: Parsed | Post | None = None) -> Post:
    """A post of `draft`; `read`: its file as parsed (or a post made of it), which
    holds its digest and what its body gives (the draft's body may be left out)."""
    date = draft.date or draft.provenance.generated_at.date()
    if read is None:
        digest = hashlib.sha256(f"{draft.model_dump_json()}\0{draft.body}".encode()).hexdigest()
        post = Post(_draft=draft, file=file, digest=digest, date=date, scheduled=date > today)
        post.minutes = markup.reading_minutes(draft.body)
        post.body_key = markup.cache_key(draft.body, draft.language)
        post.body_images = tuple(images.body_images(draft.body))
        return post
    post = Post(_draft=draft, file=file, digest=read.digest, date=date, scheduled=date > today)
    post.minutes, post.body_key = read.minutes, read.body_key
    post.body_images = read.images if isinstance(read, Parsed) else read.body_images
    return post


def link(posts: list[Post]) -> None:
    """Previous/next within a language; translations that are on the site."""
    by_slug = {p.slug: p for p in posts}
    newer: dict[str, Post] = {}
    for post in posts:  # newest first
        after = newer.get(post.language)
        if after is not None:
            post.newer, after.older = after, post
        newer[post.language] = post
        post.translations = [
            by_slug[s]
            for lang, s in sorted(post.draft.translations.items())
            if s in by_slug and lang != post.language
        ]


def terms(posts: list[Post], kind: str) -> list[Term]:
    """Categories or tags by slug, each with its posts, sorted by name."""
    found: dict[str, Term] = {}
    slugs: dict[str, str] = {}  # a thousand posts share a few dozen names
    for post in posts:
        names = post.draft.categories if kind == "category" else post.draft.tags
        mine = post.categories if kind == "category" else post.tags
        for name in names:
            slug = slugs.get(name)
            if slug is None:
                slug = slugs[name] = slugify(name)
            term = found.get(slug)
            if term is None:
                term = found[slug] = Term(kind, name, slug)
            if term not in mine:
                mine.append(term)
                term.posts.append(post)
    return sorted(found.values(), key=lambda t: t.name.casefold())
