"""The front door: after the Quickstart's first line, `site/index.html` opened
from disk shows the styled site and its links lead to pages that exist (the demo
sets `site.relative_urls`); and a site under a sub-path works served there, with
relative links or without, its canonical and feed URLs absolute from `url`."""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from generator.config import load_project
from generator.site.build import build
from generator.site.links import relative
from tests.chromium import launched
from tests.conftest import copy_demo, run_satire
from tests.sitekit import make_draft, save
from tests.test_site_browser import http_root, open_page  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as browser:
        yield browser


def styled(page: Any) -> bool:
    """The theme's stylesheet applies (it sets the site title's weight to 800)."""
    weight = page.locator(".site-title").evaluate("a => getComputedStyle(a).fontWeight")
    return bool(weight == "800")


def addresses(page: Any) -> list[str]:
    """Every link and stylesheet of the page, as the browser resolved them."""
    found: list[str] = page.eval_on_selector_all(
        "a[href], link[rel=stylesheet], link[rel=icon]", "els => els.map(e => e.href)"
    )
    return [url.split("#", 1)[0] for url in found]


@pytest.mark.browser
def test_quickstart_site_opens_from_disk_styled_with_links_that_resolve(
    browser: Any, tmp_path: Path
) -> None:
    root = copy_demo(tmp_path / "demo")  # the demo's satire.yaml as it is
    for args in (("generate",), ("build", "--drafts")):
        result = run_satire(*args, cwd=root)
        assert result.code == 0, result.err
    page, problems = open_page(browser, (root / "site" / "index.html").as_uri())
    assert styled(page)
    for step in ("home", "post"):  # the home page, then a post page reached by its link
        local = [url for url in addresses(page) if url.startswith("file:")]
        assert len(local) > 10
        missing = [url for url in local if not Path(unquote(urlsplit(url).path)).is_file()]
        assert missing == []
        if step == "home":
            page.locator(".card-title a").first.click()
            page.wait_for_load_state("load")
    assert page.url.startswith("file://") and page.url.endswith("/index.html")
    assert styled(page) and page.locator("h1.post-title").is_visible()
    assert page.locator(".hero img").evaluate("img => img.complete && img.naturalWidth > 0")
    page.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.parametrize("relative", [False, True], ids=["root-relative", "relative"])
def test_site_under_a_sub_path(
    browser: Any, http_root: Any, tmp_path: Path, relative: bool
) -> None:
    root = copy_demo(tmp_path / "demo")
    config = yaml.safe_load((root / "satire.yaml").read_text(encoding="utf-8"))
    config["url"] = "https://example.org/blog/"
    config["site"]["relative_urls"] = relative
    (root / "satire.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    save(
        root,
        make_draft("amazon-ia", translations={"en": "amazon-ai"}),
        make_draft("amazon-ai", language="en"),
        make_draft("plus-ancien", date=dt.date(2025, 11, 1)),
    )
    site = tmp_path / "host" / "blog"
    build(load_project(root), out=site, jobs=1)
    base = http_root(tmp_path / "host") + "blog/"

    page, problems = open_page(browser, base)
    assert styled(page)
    for step in ("home", "post"):  # the home page, then a post page reached by its link
        local = {url for url in addresses(page) if url.startswith(base)}
        assert len(local) > 10
        for url in sorted(local):
            with urllib.request.urlopen(url, timeout=10) as answer:
                assert answer.status == 200, url
        if step == "home":
            page.locator(".card-title a").first.click()
            page.wait_for_load_state("load")
    assert styled(page) and page.locator(".hero img").evaluate(
        "img => img.complete && img.naturalWidth > 0"
    )
    page.close()
    assert problems == []

    post = (site / "posts" / "amazon-ia" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/blog/posts/amazon-ia/">' in post
    feed = (site / "atom.xml").read_text(encoding="utf-8")
    assert 'href="https://example.org/blog/posts/amazon-ia/"' in feed
    own = re.findall(r'\s(?:href|src)="(/[^"]*)"', post)
    if relative:
        assert own == []  # nothing root-relative left
        assert 'href="../../theme/style.css"' in post
    else:
        assert own and all(url.startswith("/blog/") for url in own)
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert 'href="/blog/theme/style.css"' in not_found  # served at any address: root-relative


def test_relative_links_cover_srcset_queries_and_fragments_and_leave_the_rest() -> None:
    html = (
        '<img src="/blog/media/a.jpg" srcset="/blog/media/a-480.webp 480w, /blog/media/a-960.webp 960w">'
        '<a href="/blog/tag/x/?p=1#top">t</a> <a href="/blog/">home</a> <a href="#main">skip</a>'
        '<a href="https://example.org/blog/">abs</a> <a href="/elsewhere/">out</a>'
        '<code>href="/blog/x/"</code>'
    )
    assert relative(html, "posts/x/index.html", "/blog/") == (
        '<img src="../../media/a.jpg" srcset="../../media/a-480.webp 480w, ../../media/a-960.webp 960w">'
        '<a href="../../tag/x/index.html?p=1#top">t</a> <a href="../../index.html">home</a> <a href="#main">skip</a>'
        '<a href="https://example.org/blog/">abs</a> <a href="/elsewhere/">out</a>'
        '<code>href="/blog/x/"</code>'
    )
    assert relative('<a href="/">home</a>', "index.html", "/") == '<a href="index.html">home</a>'
