"""What the site is made of: posts (a published draft, ready for the theme),
the terms that group them (categories, tags), and pages (one output file each).

URLs are paths relative to the site root ("posts/slug/"); the theme prefixes
them with `root` (the path of `url` in satire.yaml) or the absolute base URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar

from generator.brief import Image
from generator.drafts import Draft, SourceRef
from generator.site.cache import Bodies
from generator.site.images import Picture
from generator.site.markup import safe_url


@dataclass(eq=False)
class Term:
    """A category or a tag, and the posts that carry it (newest first)."""

    kind: str  # "category" or "tag"
    name: str
    slug: str
    posts: list[Post] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.kind}/{self.slug}/"


NO_PICTURES: Mapping[str, Picture] = MappingProxyType({})


@dataclass(eq=False)
class Post:
    """One post as the theme sees it. `body_html` is sanitized already.

    A list page (index, archive, a term's pages) is keyed on its posts as the
    properties below show them, all but the body and the neighbours (`keys.py`):
    an edit of a body, or a neighbour's new title, leaves those pages alone.
    Reading the body, the whole draft or a neighbour counts in `unlisted_reads`,
    so that a page whose render reads one is keyed on whole posts.
    """

    _draft: Draft  # (through `draft`, which counts the read)
    file: str  # the draft's path, for messages
    digest: str  # sha256 of the draft file: a post's content identity
    date: dt.date
    scheduled: bool = False  # dated in the future (shown only with --drafts)
    minutes: int = 1
    body_key: str = ""  # the sanitized body's key in `bodies`
    bodies: Bodies | None = None
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    translations: list[Post] = field(default_factory=list)
    older: Post | None = None  # (through `previous`, which counts the read)
    newer: Post | None = None  # (through `next`, likewise)
    # (kept lean: ten thousand posts live in memory during a build)
    body_images: tuple[str, ...] = ()  # image addresses its Markdown names
    pictures: Mapping[str, Picture] = field(
        default_factory=lambda: NO_PICTURES
    )  # shared until set; its local images (hero, body) by path under static/
    card: str | None = None  # its social card's site path, e.g. "cards/slug.0123abcdef.png"
    media_key: str = ""  # changes when its pictures or card do
    key: str = ""  # its part of a page's key, once made (keys.py)
    listed_key: str = ""  # the same, as lists show it (without its body and neighbours)
    # reads of a post's body, whole draft or neighbours, in this process (one
    # thread renders pages): a list page's render that made none shows none
    unlisted_reads: ClassVar[int] = 0

    @property
    def previous(self) -> Post | None:
        """The older post in the same language."""
        Post.unlisted_reads += 1
        return self.older

    @property
    def next(self) -> Post | None:
        """The newer post in the same language."""
        Post.unlisted_reads += 1
        return self.newer

    @property
    def draft(self) -> Draft:
        """The whole draft (its revision, provenance, approval...)."""
        Post.unlisted_reads += 1
        return self._draft

    @property
    def slug(self) -> str:
        return self._draft.slug

    @property
    def title(self) -> str:
        return self._draft.title

    @property
    def dek(self) -> str:
        return self._draft.dek

    @property
    def language(self) -> str:
        return self._draft.language

    @property
    def status(self) -> str:
        return self._draft.status

    @property
    def is_draft(self) -> bool:
        """Shown only in a --drafts build: not published, or not yet due."""
        return self._draft.status != "published" or self.scheduled

    @property
    def source(self) -> SourceRef:
        return self._draft.source

    @property
    def body_html(self) -> str:
        """The sanitized body, fetched when a page needs it (10,000 bodies need not sit in memory)."""
        Post.unlisted_reads += 1
        return self.bodies.get(self.body_key) if self.bodies is not None else ""

    @property
    def source_url(self) -> str:
        """The source link as it appears in pages (illegal characters percent-encoded)."""
        return safe_url(self._draft.source.url)

    @property
    def image(self) -> Image | None:
        return self._draft.image

    @property
    def url(self) -> str:
        return f"posts/{self.slug}/"


@dataclass(eq=False)
class Page:
    """One output file: the template that renders it and how to make its context.

    Contexts are made on demand (for the page's key, then again to render),
    so ten thousand of them never sit in memory at once.
    """

    path: str  # relative to the site root, e.g. "posts/slug/index.html"
    template: str
    make: Callable[[], dict[str, Any]]
    language: str  # of the chrome
    post: Post | None = None  # set on post pages: they get the labelling check

    @property
    def context(self) -> dict[str, Any]:
        return self.make()
