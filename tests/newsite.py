"""A news site for intake tests: stdlib `http.server` on 127.0.0.1 serving
feeds and article pages the tests write, with the boilerplate real news pages
carry (navigation, cookie banner, related stories, comments, footer).

    site = NewsSite()
    site.page("/2025/12/story-a/", article_html("Title", ["para", ...]))
    site.feed("/feed/", rss([...items...]))
    ... site.url("/feed/") ...
    assert site.hits("/2025/12/story-a/") == 1

Every request is logged (`.log`: path and headers); feeds answer 304 to a
matching If-None-Match or If-Modified-Since. `Route` fields script the rest:
status, headers, delay, redirects, gzip, a body bigger than it says.
"""

from __future__ import annotations

import gzip as gzip_lib
import html
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

LAST_MODIFIED = "Mon, 01 Dec 2025 08:00:00 GMT"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None  # feeds: answer 304 when the client sends it back
    gzip: bool = False
    no_length: bool = False  # stream without Content-Length (the size cap must still hold)
    claim_length: int | None = (
        None  # announce this Content-Length, send the body, then hold the connection
    )


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    status: int


class NewsSite:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Hit] = []
        self.latency = 0.0
        self.max_open = 0  # the most requests it held open at once
        self._open = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True
        self.host = host
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def page(self, path: str, text: str, **kw: Any) -> None:
        self.routes[path] = Route(body=text.encode("utf-8"), **kw)

    def feed(
        self,
        path: str,
        xml: str,
        *,
        etag: str | None = '"v1"',
        content_type: str = "application/rss+xml; charset=utf-8",
        **kw: Any,
    ) -> None:
        self.routes[path] = Route(
            body=xml.encode("utf-8"),
            etag=etag,
            content_type=content_type,
            headers={"Last-Modified": LAST_MODIFIED},
            **kw,
        )

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        self.routes[path] = Route(status=status, headers={"Location": target})

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for h in self.log if h.path.split("?")[0] == path)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                headers = {k.lower(): v for k, v in self.headers.items()}
                if route is None:
                    route = Route(status=404, body=b"<html><body><h1>Not found</h1></body></html>")
                status = route.status
                if route.etag and "if-none-match" in headers:
                    status = (
                        304 if headers["if-none-match"] == route.etag else status
                    )  # If-None-Match wins (RFC 9110)
                elif route.etag and headers.get("if-modified-since") == LAST_MODIFIED:
                    status = 304
                with site._lock:
                    site.log.append(Hit(self.path, headers, status))
                    site._open += 1
                    site.max_open = max(site.max_open, site._open)
                try:
                    if route.delay or site.latency:
                        time.sleep(route.delay or site.latency)
                finally:
                    with site._lock:
                        site._open -= 1
                body = b"" if status == 304 else route.body
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", route.content_type)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if route.etag:
                        self.send_header("ETag", route.etag)
                    if route.gzip and body:
                        body = gzip_lib.compress(body)
                        self.send_header("Content-Encoding", "gzip")
                    if route.claim_length is not None:
                        self.send_header("Content-Length", str(route.claim_length))
                        self.end_headers()
                        self.wfile.write(body)
                        self.wfile.flush()
                        time.sleep(5)
                        self.close_connection = True
                        return
                    if route.no_length:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for start in range(0, len(body), 65536):
                            self.wfile.write(body[start : start + 65536])
                        self.close_connection = True
                        return
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


# -- pages and feeds ------------------------------------------------------------------

NAV = """<header class="site-header"><a href="/" class="logo">Tech Daily</a>
<nav><ul><li><a href="/startups/">Startups</a></li><li><a href="/ai/">AI</a></li><li><a href="/hardware/">Hardware</a></li><li><a href="/newsletters/">Newsletters</a></li>
<li><a href="/events/">Events</a></li></ul></nav></header>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience and for advertising.
By clicking Accept you agree to our use of cookies, partners and analytics providers.</p><button>Accept all</button><button>Manage preferences</button></div>"""

RELATED = """<aside class="related-stories"><h3>Related stories</h3><ul>
<li><a href="/2025/11/other-1/">Quantum startup Qubitly raises 300 million dollars to build a 9,000-qubit machine by 2031</a></li>
<li><a href="/2025/11/other-2/">“We never sleep,” says CEO Marta Quill of the sleepless robot company that hired 4,500 engineers</a></li>
<li><a href="/2025/11/other-3/">Analysts expect 42 percent growth in smart fridges by 2029, according to Fridgewatch</a></li></ul></aside>"""

FOOTER = """<footer class="site-footer"><p>© 2025 Tech Daily Media Inc. All rights reserved. 1200 Market Street, Suite 400, San Francisco.</p>
<ul><li><a href="/privacy/">Privacy policy</a></li><li><a href="/terms/">Terms of service</a></li><li><a href="/contact/">Contact us</a></li></ul></footer>"""

DEFAULT_COMMENTS = [
    (
        "bytebuster99",
        "“This is the worst idea since 2012,” my uncle said. I agree with him and 7,000 others.",
    ),
    ("anon", "First! Also, Apple will buy them for 12 billion dollars next week, mark my words."),
]


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    lang: str = "en",
    site_name: str = "Tech Daily",
    author: str = "Jane Writer",
    date: str = "2025-12-03",
    canonical: str | None = None,
    comments: list[tuple[str, str]] | None = None,
    tags: list[str] | None = None,
) -> str:
    """A news article page with realistic boilerplate around the story."""
    esc = html.escape
    body = "\n".join(f"<p>{esc(p, quote=False)}</p>" for p in paragraphs)
    shown = DEFAULT_COMMENTS if comments is None else comments
    comment_html = "\n".join(
        f'<li class="comment"><div class="comment-author">{esc(who)}</div><div class="comment-body"><p>{esc(text, quote=False)}</p></div></li>'
        for who, text in shown
    )
    canonical_tag = f'<link rel="canonical" href="{esc(canonical)}">' if canonical else ""
    tag_meta = "".join(f'<meta property="article:tag" content="{esc(t)}">' for t in tags or [])
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)} | {esc(site_name)}</title>
{canonical_tag}
<meta property="og:title" content="{esc(title)}"><meta property="og:site_name" content="{esc(site_name)}">
<meta property="og:type" content="article"><meta name="author" content="{esc(author)}">
<meta property="article:published_time" content="{date}T09:00:00Z">{tag_meta}
<meta property="og:image" content="https://cdn.example.com/img/hero.jpg">
</head><body>
{NAV}
<main><article class="post">
<h1 class="entry-title">{esc(title)}</h1>
<div class="byline">By <a href="/author/jane/">{esc(author)}</a> · <time datetime="{date}">{date}</time></div>
<div class="share"><a href="#">Share on X</a> <a href="#">Share on LinkedIn</a> <a href="#">Copy link</a></div>
<div class="entry-content">
{body}
</div>
</article>
{RELATED}
<section id="comments" class="comments-area"><h2 class="comments-title">Comments</h2><ol class="comment-list">
{comment_html}
</ol></section>
</main>
{FOOTER}
</body></html>"""


def rss(items: list[dict[str, Any]], *, title: str = "Tech Daily", version: str = "2.0") -> str:
    """An RSS document; each item: title, link, guid, description, date (RFC 822), categories."""
    esc = html.escape
    out = []
    for item in items:
        cats = "".join(f"<category>{esc(c)}</category>" for c in item.get("categories", []))
        guid = f'<guid isPermaLink="false">{esc(item["guid"])}</guid>' if item.get("guid") else ""
        out.append(
            f"<item><title>{esc(item['title'])}</title><link>{esc(item['link'])}</link>{guid}"
            f"<description>{esc(item.get('description', ''))}</description><pubDate>{item.get('date', 'Wed, 03 Dec 2025 09:00:00 +0000')}</pubDate>{cats}</item>"
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="{version}"><channel><title>{esc(title)}</title><link>http://example.invalid/</link><description>News</description>
{"".join(out)}
</channel></rss>"""


def atom(entries: list[dict[str, Any]], *, title: str = "Other Wire") -> str:
    esc = html.escape
    out = []
    for entry in entries:
        cats = "".join(f'<category term="{esc(c)}"/>' for c in entry.get("categories", []))
        out.append(
            f'<entry><title>{esc(entry["title"])}</title><link rel="alternate" href="{esc(entry["link"])}"/>'
            f"<id>{esc(entry.get('guid') or entry['link'])}</id><updated>{entry.get('date', '2025-12-03T09:00:00Z')}</updated>"
            f"<summary>{esc(entry.get('description', ''))}</summary>{cats}</entry>"
        )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{esc(title)}</title><id>urn:other-wire</id><updated>2025-12-03T09:00:00Z</updated>
{"".join(out)}
</feed>"""


@pytest.fixture
def news_site() -> Iterator[NewsSite]:
    site = NewsSite()
    try:
        yield site
    finally:
        site.close()
