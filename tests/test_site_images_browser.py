"""Images in real headless Chromium: a post page with a photo hero and body
images served slowly (as from a far CDN) shifts nothing while it loads, its
hero is fetched at once and first, and the browser picks a WebP width."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import launched, screenshot
from tests.conftest import run_satire
from tests.imagekit import image_blog

pytestmark = pytest.mark.browser

OBSERVE_SHIFTS = """
window.__shift = 0; window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) { window.__shift += entry.value; window.__shifts.push(entry.value); }
  }
}).observe({type: "layout-shift", buffered: true});
"""


class SlowImages(SimpleHTTPRequestHandler):
    """A static host whose images arrive after the page has been laid out."""

    def do_GET(self) -> None:
        if self.path.startswith("/images/"):
            time.sleep(0.4)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(demo_project: Path) -> Iterator[str]:
    image_blog(demo_project)
    result = run_satire("build", cwd=demo_project)
    assert result.code == 0, result.err
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SlowImages, directory=str(demo_project / "site"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
)
def test_post_page_has_no_layout_shift_and_an_eager_hero(
    served: str, viewport: dict[str, int]
) -> None:
    with launched() as browser:
        page = browser.new_page(viewport=viewport)
        page.add_init_script(OBSERVE_SHIFTS)
        page.goto(served + "posts/photo/", wait_until="load")
        # predicates as functions: a bare expression is polled through eval, which the page's CSP forbids
        page.wait_for_function(
            "() => Array.from(document.images).filter(i => i.loading !== 'lazy').every(i => i.complete && i.naturalWidth > 0)"
        )
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_function(
            "() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
        )
        page.wait_for_timeout(300)
        shifts = page.evaluate("window.__shifts")
        assert page.evaluate("window.__shift") == 0, shifts
        hero = page.evaluate(
            "(() => { const i = document.querySelector('.hero img'); return {loading: i.loading, priority: i.fetchPriority, src: i.currentSrc, w: i.naturalWidth}; })()"
        )
        assert hero["loading"] != "lazy" and hero["priority"] == "high"
        assert hero["src"].endswith(".webp") and hero["w"] > 0
        body = page.evaluate(
            "Array.from(document.querySelectorAll('.post-body img')).map(i => i.loading)"
        )
        assert body and set(body) == {"lazy"}
        screenshot(page, f"images-post-{viewport['width']}.png")
        page.close()
