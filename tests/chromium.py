"""Debian's chromium, driven by playwright: the one way the tests launch a
browser (never `playwright install`). Under CI (any non-empty `CI`; `.ci/run`
exports CI=true) a missing browser fails the test instead of skipping it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = REPO / "tests" / "artifacts"


def chromium_or_skip() -> str:
    """The browser's path; under CI a missing browser fails instead of skipping."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI"):  # any non-empty CI (true, 1, yes...) is CI, as CI services set it
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests must run in CI (apt-get install chromium)"
        )
    pytest.skip(f"{CHROMIUM} is not installed")


@contextmanager
def launched() -> Iterator[Any]:
    """A headless chromium browser, closed on exit."""
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under tests/artifacts/ for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path
