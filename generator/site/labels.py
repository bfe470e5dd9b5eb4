"""Labelling that survives themes and sharing: the JSON-LD a post page carries,
and the check run on every rendered post page.

The theme marks the labels with `data-satire="disclaimer|source|credit"`; the
check reads the rendered HTML, so a template override that drops a label, or
keeps the marker on an empty element, fails the build.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from generator.site.model import Post

JSONLD_OPEN = '<script type="application/ld+json">'
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[\s\u00a0\u202f]+")


def jsonld(
    post: Post, *, canonical: str, image_url: str | None, publisher: str, site_url: str
) -> dict[str, Any]:
    """schema.org SatiricalArticle: what search engines and share cards read."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "SatiricalArticle",
        "headline": post.title,
        "datePublished": post.date.isoformat(),
        "inLanguage": post.language,
        "url": canonical,
        "mainEntityOfPage": canonical,
        "isBasedOn": post.source_url,
        "author": {"@type": "Organization", "name": publisher},
        "publisher": {"@type": "Organization", "name": publisher, "url": site_url},
        "keywords": post.draft.tags,
        "articleSection": post.draft.categories,
    }
    if post.dek:
        data["description"] = post.dek
    if image_url:
        data["image"] = image_url
    return data


def _element(page: str, marker: str) -> str | None:
    """The inner HTML of the element carrying data-satire="marker"."""
    at = page.find(f'data-satire="{marker}"')
    if at < 0:
        return None
    start = page.rfind("<", 0, at)
    name_match = re.match(r"<([a-zA-Z0-9]+)", page[start:])
    if not name_match:
        return None
    open_end = page.find(">", at)
    close = page.find(f"</{name_match.group(1)}>", open_end)
    return page[open_end + 1 : close if close >= 0 else len(page)]


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, spaces normalized."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


_HREF = re.compile(r'\bhref="([^"]*)"')


def _has_link(fragment: str, url: str) -> bool:
    return any(html.unescape(href) == url for href in _HREF.findall(fragment))


def check_post_page(page: str, post: Post, *, disclaimer: str, about_url: str) -> list[str]:
    """What is missing from a rendered post page's labelling (empty: all there)."""
    problems: list[str] = []
    inner = _element(page, "disclaimer")
    if inner is None or _SPACE.sub(" ", disclaimer).strip() not in text_of(inner):
        problems.append(
            'the satire disclaimer (an element with data-satire="disclaimer" holding the disclaimer text)'
        )
    elif not _has_link(inner, about_url):
        problems.append(f"the disclaimer's link to the about page ({about_url})")
    inner = _element(page, "source")
    if (
        inner is None
        or not _has_link(inner, post.source_url)
        or post.source.publisher not in text_of(inner)
    ):
        problems.append(
            f'the source attribution (an element with data-satire="source" linking to {post.source_url})'
        )
    if post.image and post.image.credit:
        inner = _element(page, "credit")
        if inner is None or _SPACE.sub(" ", post.image.credit).strip() not in text_of(inner):
            problems.append('the image credit (an element with data-satire="credit")')
    if not _jsonld_ok(page, post.source_url):
        problems.append("the SatiricalArticle JSON-LD with isBasedOn the source URL")
    return problems


def _jsonld_blocks(page: str) -> list[str]:
    """The contents of the page's JSON-LD script elements (a string search: the check runs on every post page)."""
    blocks: list[str] = []
    at = page.find(JSONLD_OPEN)
    while at >= 0:
        start = at + len(JSONLD_OPEN)
        end = page.find("</script>", start)
        if end < 0:
            break
        blocks.append(page[start:end])
        at = page.find(JSONLD_OPEN, end)
    return blocks


def _jsonld_ok(page: str, source_url: str) -> bool:
    for block in _jsonld_blocks(page):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        if (
            isinstance(data, dict)
            and data.get("@type") == "SatiricalArticle"
            and data.get("isBasedOn") == source_url
        ):
            return True
    return False
