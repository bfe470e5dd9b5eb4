"""Relative links (`site.relative_urls`): a rendered page's addresses under the
site's root made relative to the page, so the built site works opened from disk
(file://) or copied under any path.

Templates write `{{ root }}path`; here each `href`, `src` and `srcset` in a tag
that starts with the root becomes `../` per folder level plus the path, and a
link to a folder names its `index.html` (from disk no server finds it). Absolute
URLs (canonical, alternates, feeds, the sitemap, social cards) are left alone.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<[A-Za-z][^>]*>")
_ATTR = re.compile(r'(\s)(href|src|srcset)="([^"]*)"')

# Not rewritten: a 404 page is served at whatever address was asked for, so
# only root-relative links work from it; XML and text files are read by
# machines that want absolute or root-relative addresses.
KEPT = ("404.html",)


def wanted(path: str) -> bool:
    """Whether the page at `path` gets relative links."""
    return path.endswith(".html") and path not in KEPT


def relative(html: str, path: str, root: str) -> str:
    """`html` of the page at `path` (from the site root, e.g. "2025/12/x/index.html")
    with the addresses that start with `root` ("/" or "/blog/") relative to it."""
    up = "../" * path.count("/")

    def address(url: str, link: bool) -> str:
        if not url.startswith(root) or url.startswith("//"):
            return url
        rest = url[len(root) :]
        if link:
            end = len(rest)
            for mark in ("?", "#"):
                found = rest.find(mark)
                if found >= 0:
                    end = min(end, found)
            if end == 0 or rest[end - 1] == "/":
                rest = rest[:end] + "index.html" + rest[end:]
        return up + rest if up or rest else "./"

    def attribute(match: re.Match[str]) -> str:
        space, name, value = match.groups()
        if name == "srcset":
            value = ", ".join(address(candidate.strip(), False) for candidate in value.split(","))
        else:
            value = address(value, name == "href")
        return f'{space}{name}="{value}"'

    return _TAG.sub(lambda tag: _ATTR.sub(attribute, tag.group(0)), html)
