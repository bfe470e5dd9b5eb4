"""Post bodies: Markdown to HTML (one reused Markdown instance), sanitized by
an allowlist (nh3), then the language's typography.

Whoever wrote the Markdown (an editor's brief or an LLM), no script, style,
event attribute or javascript:/data: URL survives `body_html`.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from generator.site.typography import french_html, is_french

if TYPE_CHECKING:
    import markdown

# Bump when the output of body_html changes for the same input (it keys the cache).
VERSION = "body-5"

TAGS = {
    "p", "br", "hr", "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
    "blockquote", "q", "cite", "ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4", "h5", "h6",
    "code", "pre", "kbd", "samp", "abbr", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_H1 = re.compile(r"<(/?)h1>")
EXTENSIONS = ["sane_lists", "tables"]


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    """The one Markdown instance of this process (made on first use: a no-op build never needs it).

    Stock Python-Markdown through its public API only: reusing one instance,
    `reset()` between documents, gives what a fresh instance gives (tests hold
    it to that) for less than building one per body."""
    import markdown

    return markdown.Markdown(extensions=EXTENSIONS, output_format="html")


def to_html(text: str) -> str:
    """Markdown to HTML with the shared instance (reset between documents)."""
    html = _markdown().reset().convert(text)
    return _H1.sub(r"<\1h2>", html)  # the page's only h1 is the title


def sanitize(html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    import nh3

    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_IMG_NO_ALT = re.compile(r"<img\b(?![^>]*\balt=)")
_A_NO_HREF = re.compile(r'<a\b(?![^>]*\bhref=)([^>]*?) rel="[^"]*"')


def valid_html(html: str) -> str:
    """What the sanitizer leaves that HTML5 refuses: an img needs alt, rel needs href."""
    return _A_NO_HREF.sub(r"<a\1", _IMG_NO_ALT.sub('<img alt=""', html))


def safe_url(url: str) -> str:
    """An http(s) URL with the characters a URL may not hold percent-encoded."""
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def body_html(text: str, language: str) -> str:
    """A post body as safe HTML in its language's typography."""
    html = valid_html(sanitize(to_html(text)))
    return french_html(html) if is_french(language) else html


@lru_cache(maxsize=1)
def renderer() -> str:
    """What makes a body: this module's version and the libraries' (an nh3
    fix must not be hidden by bodies cached before it)."""
    from importlib.metadata import version

    return f"{VERSION} markdown-{version('markdown')} nh3-{version('nh3')}"


def cache_key(text: str, language: str) -> str:
    """The render-cache key of `body_html(text, language)`."""
    lang = "fr" if is_french(language) else "-"
    return hashlib.sha256(f"{renderer()}\0{lang}\0{text}".encode()).hexdigest()


WORD = re.compile(r"\w+")


def reading_minutes(text: str, per_minute: int = 230) -> int:
    """Whole minutes to read `text`, at least one."""
    return max(1, round(len(WORD.findall(text)) / per_minute))
