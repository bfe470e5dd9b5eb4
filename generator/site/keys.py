"""What a page depends on, as one hash: a page whose key and file did not
change since the last build is neither rendered nor written again.

A key covers the page's own context (posts by content digest, with their
neighbours and translations; on a list page that shows no more, posts as their
properties show them), plus one fingerprint for what every page shares: the
config, the theme's files, the catalogues, this package's code, the set of
categories. Over-covering only costs a render; the writer still compares bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.site import markup
from generator.site.model import Page, Post, Term

# covered by the fingerprint; "body" by the post's digest and markup.VERSION
SHARED = ("site", "root", "drafts_mode", "categories", "about_url", "csp", "body")
_CODE = Path(__file__).resolve().parent


def fingerprint(
    config_json: str, theme_fingerprint: str, drafts: bool, categories: list[Term]
) -> str:
    """What every page of a build shares."""
    digest = hashlib.sha256()
    for path in sorted(_CODE.glob("*.py")):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    digest.update(
        f"{markup.renderer()}\0{_libraries()}\0{config_json}\0{theme_fingerprint}\0{drafts}\0".encode()
    )
    digest.update(json.dumps([_encode(t) for t in categories]).encode())
    return digest.hexdigest()


def _libraries() -> str:
    from importlib.metadata import version

    return " ".join(f"{name}-{version(name)}" for name in ("jinja2", "babel", "markupsafe"))


# The key of a list page whose last render read no post's body, whole draft or
# neighbours (`Post.unlisted_reads`): its posts are keyed as their properties show
# them, so that an edit of a body (approved again) leaves the archive, the index
# and the terms' pages alone. A theme that shows more on a list page gets that
# page keyed on whole posts.
LISTED = "listed:"


def page_key(
    page: Page, shared: str, context: dict[str, Any] | None = None, *, whole: bool = True
) -> str:
    """The page's key; `context`: the page's, when already made; `whole`: whether
    rendering it reads a post's body, whole draft or neighbours (post pages always do)."""
    listed = not whole and page.post is None
    # a post page's context is a function of its post (digest, neighbours,
    # translations) and of what the fingerprint covers: no need to build it
    own = (
        _post(page.post)
        if page.post is not None
        else (_LISTED if listed else _WHOLE).encode(
            {k: v for k, v in (context or page.make()).items() if k not in SHARED}
        )
    )
    digest = hashlib.sha256(f"{shared}\0{page.path}\0{page.template}\0{own}".encode()).hexdigest()
    return LISTED + digest if listed else digest


def key_like(old: str, page: Page, shared: str) -> str:
    """The page's key now, made as its key `old` (from the last build) was."""
    return page_key(page, shared, whole=not old.startswith(LISTED))


def _near(post: Post | None) -> list[str] | None:
    return None if post is None else [post.slug, post.title, post.language]


def _post(post: Post) -> str:
    """A post's part of a key: what lists show of it (`_listed`), its file's
    digest (its body, its whole draft) and its neighbours. A post appears on many
    pages (its own, lists, feeds, its terms'): this is hashed once per build, once
    its media are known (after media.prepare sets `media_key`); nothing changes a
    post after that."""
    known = post.key
    if not known:
        text = _PLAIN.encode([_listed(post), post.digest, _near(post.older), _near(post.newer)])
        known = post.key = hashlib.sha256(text.encode()).hexdigest()
    return known


def _listed(post: Post) -> str:
    """A post's part of a list page's key: what `Post`'s properties show, but
    its body and its neighbours (nor its draft's revision, provenance or approval)."""
    known = post.listed_key
    if not known:
        source, image = post.source, post.image
        known = post.listed_key = hashlib.sha256(
            _PLAIN.encode([
                "listed", post.slug, post.title, post.dek, post.language, post.status, post.scheduled,
                post.date.isoformat(), post.minutes, post.file, [source.publisher, source.url, source.title],
                image and [image.src, image.alt, image.credit, image.credit_url],
                [t.name for t in post.categories], [t.name for t in post.tags], list(post.body_images),
                [_near(t) for t in post.translations], post.media_key,
            ]).encode()
        ).hexdigest()  # fmt: skip
    return known


def _encode_listed(value: Any) -> Any:
    return _listed(value) if isinstance(value, Post) else _encode(value)


def _encode(value: Any) -> Any:  # (a JSON encoder's `default`)
    if isinstance(value, Post):
        return _post(value)
    if isinstance(value, Term):
        return ["term", value.kind, value.name, value.slug, len(value.posts)]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"page context value of type {type(value).__name__} has no key encoding")


# made once: a post's parts; a list page's own context, with posts whole or as lists show them
_PLAIN = json.JSONEncoder(ensure_ascii=False)
_WHOLE = json.JSONEncoder(default=_encode, sort_keys=True, ensure_ascii=False)
_LISTED = json.JSONEncoder(default=_encode_listed, sort_keys=True, ensure_ascii=False)
