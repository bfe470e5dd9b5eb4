"""The built site in real headless Chromium (Debian's), driven by playwright:
what a reader sees, a clean console, hostile payloads that run nothing, and
live reload under `satire serve`."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import ARTIFACTS, launched
from tests.conftest import REPO, run_satire
from tests.sitekit import hostile_draft, make_draft, save

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as browser:
        yield browser


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def http_root() -> Iterator[Any]:
    """Serve a folder on 127.0.0.1 the way a static host would."""
    servers: list[ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def open_page(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.goto(url, wait_until="load")
    return page, problems


def test_post_page_shows_labels_with_a_clean_console(
    browser: Any, http_root: Any, demo_project: Path
) -> None:
    save(
        demo_project,
        make_draft("amazon-ia", translations={"en": "amazon-ai"}),
        make_draft("amazon-ai", language="en"),
        make_draft("plus-ancien", date=dt.date(2025, 11, 1)),
    )
    assert run_satire("build", cwd=demo_project).code == 0
    base = http_root(demo_project / "site")
    page, problems = open_page(browser, base + "posts/amazon-ia/")
    assert page.locator("h1.post-title").inner_text() == "Titre de amazon-ia"
    assert page.locator("[data-satire=credit]").is_visible()
    assert (
        re.sub(r"\s+", " ", page.locator("[data-satire=credit]").inner_text())
        == "Crédits image : Carlos Gil / Unsplash"
    )
    assert (
        page.locator("[data-satire=source]").is_visible()
        and "TechCrunch" in page.locator("[data-satire=source]").inner_text()
    )
    assert (
        page.locator("[data-satire=source] a").get_attribute("href")
        == "https://techcrunch.com/2025/12/03/amazon-ia/"
    )
    disclaimer = page.locator("[data-satire=disclaimer]")
    assert disclaimer.is_visible() and "satire" in disclaimer.inner_text()
    assert page.locator("[data-satire=disclaimer] a").get_attribute("href") == "/about/"
    assert page.locator(".hero img").evaluate("img => img.complete && img.naturalWidth > 0")
    quote = page.locator(".post-body blockquote")
    assert (
        quote.evaluate("q => getComputedStyle(q).borderLeftStyle") == "solid"
    )  # the stylesheet loaded and styles the pull quote
    assert page.locator("a[rel=prev]").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "post-page.png"), full_page=True)
    assert (ARTIFACTS / "post-page.png").stat().st_size > 10_000
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    assert (
        page.evaluate("getComputedStyle(document.body).backgroundColor") != light
    )  # dark-mode aware
    page.screenshot(path=str(ARTIFACTS / "post-page-dark.png"))
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 380, "height": 800})
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )  # no sideways scroll on a phone
    page.screenshot(path=str(ARTIFACTS / "post-page-mobile.png"))
    for path in (
        "",
        "archive/",
        "about/",
        "category/hardware/",
        "tag/aws/",
        "posts/amazon-ai/",
        "no-such-page.html",
    ):
        other, more = open_page(browser, base + path)
        problems += [p for p in more if not (path == "no-such-page.html" and "404" in p)]
        other.close()
    page.close()
    assert problems == []


@pytest.mark.slow
def test_hostile_payloads_run_nothing(browser: Any, http_root: Any, demo_project: Path) -> None:
    save(
        demo_project,
        hostile_draft("piege"),
        hostile_draft("trap", language="en"),
        make_draft("normal"),
    )
    result = run_satire("build", "--drafts", cwd=demo_project)
    assert result.code == 0, result.err
    base = http_root(demo_project / "site")
    urls = [base + p for p in ("posts/piege/", "posts/trap/", "", "archive/", "atom.xml")]
    urls += [
        base + str(p.relative_to(demo_project / "site").parent) + "/"
        for p in (demo_project / "site").glob("*/*/index.html")
        if p.parent.parent.name in ("tag", "category")
    ]
    for url in urls:
        page, _ = open_page(browser, url)
        page.mouse.move(10, 10)
        page.evaluate(
            "document.addEventListener('click', e => e.preventDefault(), true)"
        )  # stay on the page; handlers still fire
        for link in page.locator("main a").all()[:40]:
            link.hover()
            link.dispatch_event("click")
        time.sleep(0.05)
        assert page.evaluate("typeof window.__pwned") == "undefined", url
        dangerous = page.evaluate(
            """() => [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
                .filter(a => a.name.startsWith('on') || /^\\s*(javascript|data):/i.test(a.value))
                .map(a => el.tagName + ' ' + a.name + '=' + a.value))"""
        )
        assert dangerous == [], (url, dangerous)
        if url.endswith("/posts/piege/"):
            assert (
                page.evaluate(
                    "document.querySelectorAll('main script, main iframe, main object, main svg, main style').length"
                )
                == 0
            )
            text = page.locator("main").inner_text()
            assert "{{ 7*7 }}" in text and "49" not in text.replace("2025", "")
            assert "<script>window.__pwned=1</script> Titre" in page.locator("h1").inner_text()
        page.close()


def wait_until(check: Any, timeout: float = 15) -> None:
    """Poll `check` (the page's CSP forbids the eval that wait_for_function needs)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # the page is reloading right now
            pass
        time.sleep(0.1)
    raise AssertionError("the page did not change in time")


def _serve(project: Path) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert match, line + (proc.stderr.read() if proc.stderr and proc.poll() is not None else "")
    return proc, match.group(0)


@pytest.mark.slow
def test_serve_live_reloads_and_shows_build_errors(browser: Any, demo_project: Path) -> None:
    save(demo_project, make_draft("vivant"))
    proc, base = _serve(demo_project)
    try:
        page, problems = open_page(browser, base + "posts/vivant/")
        assert page.locator("h1").inner_text() == "Titre de vivant"
        save(demo_project, make_draft("vivant", title="Titre modifié en direct"))
        wait_until(lambda: page.locator("h1").inner_text() == "Titre modifié en direct")
        # a broken template: the last good page stays, with the error shown on it
        (demo_project / "templates").mkdir()
        (demo_project / "templates/post.html").write_text(
            '{% extends "base.html" %}{% block content %}{{ broken(</h1>{% endblock %}'
        )
        wait_until(lambda: page.locator("#satire-build-error").count() == 1)
        assert "templates/post.html" in page.locator("#satire-build-error").inner_text()
        assert page.locator("h1").inner_text() == "Titre modifié en direct"
        shutil.rmtree(demo_project / "templates")
        wait_until(lambda: page.locator("#satire-build-error").count() == 0)
        # the event stream is cut each time the page reloads itself: expected
        assert [p for p in problems if not p.endswith("/_livereload")] == []
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not (demo_project / "site").exists()  # the preview builds elsewhere
