"""Which pages the site has and what each template receives.

`plan(...)` lists every output file as a `Page` (template + context); nothing
is rendered here. Templates get plain values: posts, terms, URLs (relative to
`root`), the page's meta (canonical URL, alternates, noindex) and the chrome's
language.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import escape

from generator.config import Project
from generator.site import cards, i18n, images
from generator.site.gather import Gathered
from generator.site.labels import jsonld
from generator.site.markup import safe_url
from generator.site.model import Page, Post
from generator.site.typography import for_language

DEFAULT_DISCLAIMER = {
    "fr": "Cet article est une satire : une intelligence artificielle l'a écrit à partir d'une vraie dépêche, en mêlant les faits à la fiction. Ne le citez pas comme une information.",
    "en": "This post is satire: an artificial intelligence wrote it from a real news story, mixing facts with fiction. Do not quote it as news.",
}


@dataclass
class SiteInfo:
    """What every page knows about the site."""

    project: Project
    drafts: bool
    zone: ZoneInfo
    _disclaimers: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return self.project.config.url

    @cached_property
    def root(self) -> str:
        return urlsplit(self.project.config.url).path or "/"

    def absolute(self, rel: str) -> str:
        return self.url + rel

    def image_url(self, post: Post, *, absolute: bool = False) -> str | None:
        if post.image is None:
            return None
        src = safe_url(post.image.src)
        if "://" in src:
            return src
        return self.absolute(src) if absolute else self.root + src

    def disclaimer(self, language: str) -> str:
        known = self._disclaimers.get(language)
        if known is None:  # every page carries it: made once per language
            known = self._disclaimers[language] = self._disclaimer(language)
        return known

    def _disclaimer(self, language: str) -> str:
        own = self.project.config.site.disclaimer
        text = own.get(language) or own.get(i18n.base_language(language))
        if not text:
            text = DEFAULT_DISCLAIMER.get(i18n.base_language(language), DEFAULT_DISCLAIMER["en"])
        return for_language(text, language)

    def moment(self, day: dt.date) -> dt.datetime:
        """A post's date as the start of that day in the site's zone."""
        return dt.datetime.combine(day, dt.time(0, 0), tzinfo=self.zone)

    @cached_property
    def csp(self) -> str:
        """Content-Security-Policy: nothing runs but our own files (and a comments embed)."""
        comments = self.project.config.site.comments
        script, frame, connect = ["'self'"], ["'none'"], ["'self'"]
        if comments.system == "isso" and comments.url:
            host = _origin(comments.url)
            script.append(host)
            connect.append(host)
        elif comments.system == "giscus":
            script.append("https://giscus.app")
            frame = ["https://giscus.app"]
        return (
            f"default-src 'self'; script-src {' '.join(script)}; style-src 'self'; img-src 'self' https: http:; "
            f"connect-src {' '.join(connect)}; frame-src {' '.join(frame)}; object-src 'none'; base-uri 'self'; form-action 'self'"
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def common(
    info: SiteInfo,
    gathered: Gathered,
    language: str,
    rel_url: str,
    title: str | None,
    *,
    description: str | None = None,
    noindex: bool = False,
) -> dict[str, Any]:
    config = info.project.config
    return {
        "site": {
            "title": config.title,
            "description": config.description,
            "url": config.url,
            "author": config.author,
            "language": config.language,
            "comments": config.site.comments,
        },
        "root": info.root,
        "lang": language,
        "drafts_mode": info.drafts,
        "categories": gathered.categories,
        "disclaimer": info.disclaimer(language),
        "about_url": info.root + "about/",
        "csp": info.csp,
        "page": {
            "title": title,
            "description": description or config.description,
            "url": rel_url,
            "canonical": info.absolute(rel_url),
            "noindex": noindex or info.drafts,
            "alternates": [],
            "og_type": "website",
            "image": None,
            "image_width": None,
            "image_height": None,
            "image_alt": None,
            "jsonld": None,
        },
    }


def post_context(info: SiteInfo, gathered: Gathered, post: Post) -> dict[str, Any]:
    """Everything the post template gets, also used by `render_post_page`."""
    context = common(
        info,
        gathered,
        post.language,
        post.url,
        post.title,
        description=post.dek or None,
        noindex=post.is_draft,
    )
    canonical = context["page"]["canonical"]
    image_abs = info.image_url(post, absolute=True)
    card = info.absolute(post.card) if post.card else None
    others = [(post.language, canonical)] + [
        (t.language, info.absolute(t.url)) for t in post.translations
    ]
    context["page"].update(
        og_type="article",
        image=card or image_abs,
        image_width=cards.WIDTH if card else None,
        image_height=cards.HEIGHT if card else None,
        image_alt=f"{post.title} ({cards.band_text(post.language)})"
        if card
        else (post.image.alt if post.image else None),
        alternates=others if post.translations else [],
        jsonld=jsonld(
            post,
            canonical=canonical,
            image_url=image_abs or card,
            publisher=info.project.config.author,
            site_url=info.url,
        ),
    )
    context.update(post=post, image_src=info.image_url(post), body=LazyBody(post, info.root))
    return context


class LazyBody:
    """`{{ body }}` in a post template: the sanitized body, fetched only when rendered."""

    def __init__(self, post: Post, root: str) -> None:
        self.post = post
        self.root = root

    def __html__(self) -> str:
        return images.rewrite_body(self.post.body_html, self.post.pictures, self.root)

    def __str__(self) -> str:
        return self.__html__()


def paginate(posts: list[Post], per_page: int) -> Iterator[tuple[int, int, list[Post]]]:
    """(number, total, posts) for each page; one empty page when there are no posts."""
    total = max(1, -(-len(posts) // per_page))
    for number in range(1, total + 1):
        yield number, total, posts[(number - 1) * per_page : number * per_page]


def listing(
    info: SiteInfo,
    gathered: Gathered,
    base: str,
    template: str,
    posts: list[Post],
    title: str | None,
    extra: dict[str, Any],
) -> Iterator[Page]:
    """A paginated list: BASE/index.html, BASE/page/2/index.html, ..."""
    language = info.project.config.language
    for number, total, chunk in paginate(posts, info.project.config.site.posts_per_page):
        rel = base if number == 1 else f"{base}page/{number}/"
        pagination = {
            "number": number,
            "total": total,
            "previous": None
            if number == 1
            else (base if number == 2 else f"{base}page/{number - 1}/"),
            "next": None if number == total else f"{base}page/{number + 1}/",
        }
        yield Page(
            rel + "index.html",
            template,
            partial(listing_context, info, gathered, rel, title, extra, chunk, pagination),
            language,
        )


def listing_context(
    info: SiteInfo,
    gathered: Gathered,
    rel: str,
    title: str | None,
    extra: dict[str, Any],
    posts: list[Post],
    pagination: dict[str, Any],
) -> dict[str, Any]:
    context = common(info, gathered, info.project.config.language, rel, title)
    context.update(extra, posts=posts, pagination=pagination)
    return context


def archive_groups(posts: list[Post], language: str) -> list[tuple[str, list[Post]]]:
    """Posts grouped by month, newest first: [('décembre 2025', [...]), ...]."""
    groups: dict[tuple[int, int], list[Post]] = {}
    for post in posts:
        groups.setdefault((post.date.year, post.date.month), []).append(post)
    return [
        (i18n.month_year(dt.date(y, m, 1), language), items) for (y, m), items in groups.items()
    ]


def feed_entries(info: SiteInfo, posts: list[Post]) -> list[dict[str, Any]]:
    """The newest published posts as feed entries, each carrying the disclaimer."""
    shown = [p for p in posts if not p.is_draft][: info.project.config.site.feed_items]
    entries = []
    for post in shown:
        moment = info.moment(post.date)
        entries.append(
            {
                "post": post,
                "url": info.absolute(post.url),
                "updated": moment.isoformat(),
                "rfc822": email.utils.format_datetime(moment),
                "disclaimer": info.disclaimer(post.language),
                "content_html": feed_html(info, post),
            }
        )
    return entries


def feed_html(info: SiteInfo, post: Post) -> str:
    """A feed item's HTML: image, body, source line and disclaimer (escaped once more by the feed template)."""
    parts = []
    image = info.image_url(post, absolute=True)
    if image and post.image:
        parts.append(f'<p><img src="{escape(image)}" alt="{escape(post.image.alt)}"></p>')
    parts.append(post.body_html)
    source = escape(post.source.publisher)
    parts.append(f'<p>Source: <a href="{escape(post.source_url)}">{source}</a></p>')
    parts.append(f"<p><em>{escape(info.disclaimer(post.language))}</em></p>")
    return "\n".join(parts)


def archive_context(info: SiteInfo, gathered: Gathered) -> dict[str, Any]:
    language = info.project.config.language
    context = common(info, gathered, language, "archive/", "archive")
    context["groups"] = archive_groups(gathered.posts, language)
    return context


def _fixed(context: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: context


def plan(info: SiteInfo, gathered: Gathered) -> list[Page]:
    """Every page of the site, posts first."""
    config = info.project.config
    language = config.language
    pages = [
        Page(
            p.url + "index.html",
            "post.html",
            partial(post_context, info, gathered, p),
            p.language,
            post=p,
        )
        for p in gathered.posts
    ]
    pages += listing(info, gathered, "", "index.html", gathered.posts, None, {})
    for term in gathered.categories + gathered.tags:
        pages += listing(
            info, gathered, term.url, f"{term.kind}.html", term.posts, term.name, {"term": term}
        )
    pages.append(
        Page(
            "archive/index.html", "archive.html", partial(archive_context, info, gathered), language
        )
    )
    pages.append(
        Page(
            "about/index.html",
            "about.html",
            _fixed(common(info, gathered, language, "about/", "about")),
            language,
        )
    )
    pages.append(
        Page(
            "404.html",
            "404.html",
            _fixed(common(info, gathered, language, "404.html", "404", noindex=True)),
            language,
        )
    )
    latest = feed_entries(info, gathered.posts)
    updated = latest[0]["updated"] if latest else info.moment(dt.date(2000, 1, 1)).isoformat()
    feed = common(info, gathered, language, "atom.xml", None)
    feed.update(
        entries=latest,
        updated=updated,
        rfc822=latest[0]["rfc822"]
        if latest
        else email.utils.format_datetime(info.moment(dt.date(2000, 1, 1))),
    )
    pages.append(Page("atom.xml", "atom.xml", _fixed(feed), language))
    pages.append(Page("rss.xml", "rss.xml", _fixed(dict(feed)), language))
    sitemap = common(info, gathered, language, "sitemap.xml", None)
    sitemap["urls"] = sitemap_urls(info, pages)
    pages.append(Page("sitemap.xml", "sitemap.xml", _fixed(sitemap), language))
    pages.append(
        Page(
            "robots.txt",
            "robots.txt",
            _fixed(common(info, gathered, language, "robots.txt", None)),
            language,
        )
    )
    return pages


def sitemap_urls(info: SiteInfo, pages: list[Page]) -> list[dict[str, Any]]:
    """Indexable HTML pages: posts with their date and language alternates."""
    urls: list[dict[str, Any]] = []
    for page in pages:
        if not page.path.endswith("index.html"):
            continue
        post = page.post
        if post is not None and post.is_draft:
            continue
        alternates = []
        if post is not None and post.translations:
            alternates = [(post.language, info.absolute(post.url))] + [
                (t.language, info.absolute(t.url)) for t in post.translations
            ]
        urls.append(
            {
                "loc": info.absolute(page.path.removesuffix("index.html")),
                "lastmod": post.date.isoformat() if post else None,
                "alternates": alternates,
            }
        )
    return urls
