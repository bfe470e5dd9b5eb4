"""The intake corpus's pages as news sites mark them up.

Each corpus article (tests/corpus/intake/*.yaml) names a `markup`: the shape of
a kind of real news page, written here from scratch (no site's code or text):

- `blog` (default): tests/newsite.py's article page (nav, share bar, comments);
- `wire`: a wire service's story: dateline, JSON-LD NewsArticle with its
  publisher, a timestamp with the New York offset late in the evening;
- `newspaper`: a daily's article: figure and caption, a byline paragraph, a pull
  quote repeating the body, an inline newsletter promotion, "Headline - Site.com";
- `techblog`: a WordPress blog: og:site_name says "WordPress", the JSON-LD
  publisher names the blog; people's names carry hover cards inside paragraphs;
- `business`: a business site: key points list, "Read more:" lines, a UTC stamp;
- `liveblog`: timestamped entries;
- `french`: a French daily: « Lire aussi » boxes, captions, « Headline | Site »;
- `paywall`: a teaser, a paywall box and schema.org isAccessibleForFree false;
- `legacy`: an older regional site laid out in a table, each paragraph a <div>,
  a reprint notice under the story (trafilatura's favor_precision keeps only
  the notice of such a page).

`paragraphs` may hold `[[hover:Name|card text]]` (a hover card after the name).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from tests.newsite import FOOTER, NAV, RELATED, article_html

esc = html.escape


def _para(text: str, tag: str = "p", cls: str = "") -> str:
    body = esc(text, quote=False)
    body = re.sub(
        r"\[\[hover:([^|\]]+)\|([^\]]+)\]\]",
        lambda m: (
            f'<a href="/people/x" class="person-link">{m.group(1)}</a>'
            f'<span class="hovercard" aria-hidden="true"><b>{m.group(1)}</b> {m.group(2)} <button>Follow</button></span>'
        ),
        body,
    )
    attr = f' class="{cls}"' if cls else ""
    return f"<{tag}{attr}>{body}</{tag}>"


def plain(text: str) -> str:
    """A paragraph as a reader sees it (hover cards closed)."""
    return re.sub(r"\[\[hover:([^|\]]+)\|[^\]]+\]\]", r"\1", text)


def _ld(data: dict[str, Any], publisher: str | None, date: str, free: bool = True) -> str:
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": data["title"],
        "datePublished": date,
        "isAccessibleForFree": free,
    }
    if publisher:
        node["publisher"] = {"@type": "Organization", "name": publisher}
    return f'<script type="application/ld+json">{json.dumps(node)}</script>'


def render(data: dict[str, Any]) -> str:
    """The article's page, in its markup."""
    kind = data.get("markup", "blog")
    title, lang = data["title"], data.get("lang", "en")
    site = data.get("site", "Tech Daily")
    date = data.get("published", "2025-12-03T09:00:00Z")
    paras = data["paragraphs"]
    if kind == "blog":
        return article_html(title, [plain(p) for p in paras], lang=lang, site_name=site)
    head = f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
    if kind == "wire":
        body = "\n".join(_para(p) for p in paras)
        return f"""{head}<title>{esc(title)} | {esc(site)}</title>
<meta property="og:title" content="{esc(title)}"><meta property="og:site_name" content="{esc(site)}">
<meta property="article:published_time" content="{date}">{_ld(data, site, date)}
</head><body>{NAV}<main><div class="Page-content"><h1 class="Page-headline">{esc(title)}</h1>
<div class="Page-byline">By <span class="Page-authors">Staff reporters</span></div>
<div class="RichTextStoryBody RichTextBody">{body}</div>
<div class="Page-footnote"><p>Copyright 2025. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.</p></div>
</div></main>{FOOTER}</body></html>"""
    if kind == "newspaper":
        body = []
        for n, p in enumerate(paras):
            body.append(_para(p))
            if n == 1:
                body.append(
                    '<figure class="photo"><img src="/img/a.jpg" alt=""><figcaption>'
                    f"{esc(data.get('caption', 'A photograph of the scene, taken on Monday.'))}"
                    '<span class="credit">Photo: Staff</span></figcaption></figure>'
                )
            if n == 2 and data.get("pull_quote"):
                body.append(
                    f'<blockquote class="pull-quote"><p>“{esc(data["pull_quote"])}”</p></blockquote>'
                )
            if n == 3:
                body.append(
                    '<div class="newsletter-promo"><p>Sign up for the Morning Ledger newsletter and get the day’s most important business stories delivered to your inbox every weekday morning.</p></div>'
                )
        return f"""{head}<title>{esc(title)} - {esc(data.get("domain", "DailyLedger.com"))}</title>
<meta property="og:title" content="{esc(title)} - {esc(data.get("domain", "DailyLedger.com"))}">
<meta property="og:site_name" content="{esc(site)}"><meta property="article:published_time" content="{date}">
</head><body>{NAV}<main><article id="story"><header><h1 itemprop="headline">{esc(title)}</h1>
<p class="byline">By Anna Writer and Ben Reporter</p></header>
<section name="articleBody" class="meteredContent">{"".join(body)}</section></article>{RELATED}</main>{FOOTER}</body></html>"""
    if kind == "techblog":
        body = "\n".join(_para(p) for p in paras)
        return f"""{head}<title>{esc(title)} – {esc(site)}</title>
<meta name="generator" content="WordPress 6.4.2"><meta property="og:site_name" content="WordPress">
<meta property="og:title" content="{esc(title)}"><meta property="article:published_time" content="{date}">
{_ld(data, site, date)}</head><body class="single-post">{NAV}<div id="primary"><main id="main">
<article class="post type-post"><header class="entry-header"><h1 class="entry-title">{esc(title)}</h1>
<div class="entry-meta"><span class="byline">by <a href="/author/sam">Sam Blogger</a></span></div></header>
<div class="entry-content">{body}</div>
<footer class="entry-footer"><span class="cat-links">Posted in News</span></footer></article>{RELATED}</main></div>{FOOTER}</body></html>"""
    if kind == "business":
        points = "".join(f"<li>{esc(k)}</li>" for k in data.get("key_points", []))
        body = "\n".join(
            _para(p)
            + ('<p class="read-more">Read more: Markets wrap for the week</p>' if n == 2 else "")
            for n, p in enumerate(paras)
        )
        return f"""{head}<title>{esc(title)} - {esc(site)}</title>
<meta property="og:title" content="{esc(title)}"><meta property="og:site_name" content="{esc(site)}">
{_ld(data, site, date)}</head><body>{NAV}<main><article><h1>{esc(title)}</h1>
<ul class="abstract key-points">{points}</ul><div class="body-content">{body}</div></article>{RELATED}</main>{FOOTER}</body></html>"""
    if kind == "liveblog":
        entries = "\n".join(
            f'<article class="live-entry" id="e{n}"><time>{14 + n // 2}:{(n * 7) % 60:02d}</time>{_para(p)}</article>'
            for n, p in enumerate(paras)
        )
        return f"""{head}<title>{esc(title)} | {esc(site)}</title>
<meta property="og:title" content="{esc(title)}"><meta property="og:site_name" content="{esc(site)}">
{_ld(data, site, date)}</head><body>{NAV}<main><h1>{esc(title)}</h1><div class="live-blog">{entries}</div>{RELATED}</main>{FOOTER}</body></html>"""
    if kind == "french":
        body = []
        for n, p in enumerate(paras):
            body.append(_para(p, cls="article__paragraph"))
            if n == 1:
                body.append(
                    '<section class="catcher lire-aussi"><span>Lire aussi |</span> <a href="/x">Le numérique, un enjeu de souveraineté pour les années à venir</a></section>'
                )
            if n == 3:
                body.append(
                    '<figure class="article__media"><img src="/img/b.jpg" alt=""><figcaption class="article__legend">Une vue du site, le 2 décembre. STAFF</figcaption></figure>'
                )
        return f"""{head}<title>{esc(title)} | {esc(site)}</title>
<meta property="og:title" content="{esc(title)}"><meta property="og:site_name" content="{esc(site)}">
<meta property="article:published_time" content="{date}">
</head><body>{NAV}<main><article class="article"><h1 class="article__title">{esc(title)}</h1>
<p class="meta__author">Par Claire Journaliste</p><section class="article__content">{"".join(body)}</section></article>{RELATED}</main>{FOOTER}</body></html>"""
    if kind == "paywall":
        teaser = "\n".join(_para(p) for p in paras)
        return f"""{head}<title>{esc(title)} | {esc(site)}</title>
<meta property="og:title" content="{esc(title)}"><meta property="og:site_name" content="{esc(site)}">
{_ld(data, site, date, free=False)}</head><body>{NAV}<main><article><h1>{esc(title)}</h1>
<div class="article-body">{teaser}</div>
<div class="paywall-box"><p>This article is for subscribers only. Subscribe to read the full story, or log in if you are already a subscriber.</p></div>
</article></main>{FOOTER}</body></html>"""
    if kind == "legacy":
        cells = "".join(f"<div>{esc(plain(p), quote=False)}</div>" for p in paras)
        return f"""{head}<title>{esc(title)} - {esc(site)}</title>
<meta property="og:site_name" content="{esc(site)}"><meta property="article:published_time" content="{date}">
</head><body><table width="100%"><tr><td class="nav"><a href="/">Home</a> | <a href="/news">News</a></td></tr>
<tr><td class="content"><h1>{esc(title)}</h1>{cells}</td></tr>
<tr><td><div class="notice"><p>© 2025 {esc(site)}. This story may not be reprinted or redistributed without the written permission of the publisher.</p></div></td></tr></table></body></html>"""
    raise ValueError(f"unknown markup {kind!r}")
