"""Post bodies: Markdown to HTML (stock Python-Markdown instances, reused),
sanitized by an allowlist (nh3), then the language's typography.

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


# Python-Markdown tries every inline pattern on every text node and tests every
# block processor on every block. Most bodies hold no "#", "|", backtick,
# backslash, "<", "&", image or reference definition, so each one goes through an
# instance made without the processors its text cannot trigger, by the library's
# extension API (`deregister` on its registries), kept per set left out and
# reused with `reset()`: the HTML of a fresh stock instance (tests hold it to
# that on samples and random Markdown) in half the time (bench/README.md).

# Block processor -> substrings: left out for a document holding none of them
# (blocks are pieces of the document stripped of line prefixes, which brings no
# two characters together).
BLOCK_NEEDS: dict[str, tuple[str, ...]] = {
    "hashheader": ("#",),
    "setextheader": ("=", "-"),
    "hr": ("-", "_", "*"),
    "quote": (">",),
    "reference": ("]:",),
    "table": ("|",),
}

# Inline pattern -> substrings: left out for a document holding none, once
# whitespace is normalized (inline text is the document cut into blocks and
# stripped of line prefixes; raw HTML aside: it is set apart by new lines).
# Those not listed are always kept.
INLINE_NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("]:",),  # references resolve only against definitions, "[id]: url"
    "link": ("](",),
    "short_reference": ("]:",),
    "image_link": ("![",),
    "image_reference": ("]:",),
    "short_image_ref": ("]:",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": (" \n", "<"),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
}
_RENORMALIZED = re.compile("[\t\r\x02\x03]")  # what the whitespace normalizer changes


def _normalized(text: str) -> str:
    """`text` as Python-Markdown's whitespace normalizer leaves it, as far as triggers go."""
    if not _RENORMALIZED.search(text):
        return text
    text = text.replace("\x02", "").replace("\x03", "")
    return text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)


def _unneeded(needs: dict[str, tuple[str, ...]], text: str) -> tuple[str, ...]:
    """The processors of `needs` that nothing in `text` can trigger."""
    return tuple(name for name, triggers in needs.items() if not any(t in text for t in triggers))


@lru_cache(maxsize=64)
def _markdown(blocks: tuple[str, ...], inline: tuple[str, ...]) -> markdown.Markdown:
    """A stock Markdown instance without the named block processors and inline
    patterns (made on first use: a no-op build never needs one)."""
    import markdown
    from markdown.extensions import Extension

    class Without(Extension):
        def extendMarkdown(self, md: markdown.Markdown) -> None:
            for name in blocks:
                md.parser.blockprocessors.deregister(name, strict=False)
            for name in inline:
                md.inlinePatterns.deregister(name, strict=False)

    return markdown.Markdown(extensions=[*EXTENSIONS, Without()], output_format="html")


def to_html(text: str) -> str:
    """Markdown to HTML with a shared instance (reset between documents)."""
    seen = _normalized(text)
    md = _markdown(_unneeded(BLOCK_NEEDS, seen), _unneeded(INLINE_NEEDS, seen))
    html = md.reset().convert(text)
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
