"""The review desk in real headless chromium (issue 11): translation and style
findings are shown apart from the claims, and approving a draft that has only
those needs no acknowledgement; they are recorded with the approval."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_project
from generator.drafts import DraftStore
from generator.review import audit, queries
from tests.chromium import screenshot
from tests.conftest import run_satire
from tests.deskkit import browser_page, serving
from tests.generation_support import only_brief

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "amazon-desantis"
ORIGINAL = "We want Peter to unleash his creative energy on this new galaxy."
TRANSLATED = "« Nous voulons que Peter libère toute son énergie créative sur cette galaxie. »"


@pytest.fixture
def noted(demo_project: Path) -> Path:
    """An offline draft given a translated quote (no endpoint: nothing can judge it) and
    stripped of its pull quote: a translation note and a style note, no claim."""
    only_brief(demo_project, SLUG)
    brief = demo_project / "briefs" / f"{SLUG}.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8")
        + f'quotes:\n  - by: Andy Jassy\n    text: "{ORIGINAL}"\n',
        encoding="utf-8",
    )
    assert run_satire("generate", "--offline", cwd=demo_project).code == 0
    project = load_project(demo_project)
    store = DraftStore(project)
    draft = store.load(SLUG)
    paragraphs = [p for p in draft.body.split("\n\n") if not p.startswith(">")]
    paragraphs.insert(2, f"Andy Jassy l'a dit : {TRANSLATED}")
    store.save_revision(draft.model_copy(update={"body": "\n\n".join(paragraphs)}))
    kinds = [f.kind for f in queries.factcheck(project, store.load(SLUG))]
    assert sorted(kinds) == ["style", "translation"], kinds
    return demo_project


def signed_in(page: Any, port: int) -> str:
    """The desk's base URL: a loopback desk with no account asks no sign-in."""
    base = f"http://127.0.0.1:{port}"
    page.goto(f"{base}/_desk/")
    assert page.url == f"{base}/_desk/"
    return base


def test_desk_shows_translation_and_style_apart_and_approves_them_without_ack(noted: Path) -> None:
    with serving(noted) as served, browser_page() as page:
        base = signed_in(page, served.port)

        row = page.locator(f"tr[data-slug='{SLUG}']")
        assert row.get_by_test_id("findings").inner_text() == "0"  # no claim
        assert row.get_by_test_id("notes").inner_text() == "+2"  # two advisory notes, shown apart

        page.goto(f"{base}/_desk/drafts/{SLUG}")
        assert page.get_by_test_id("findings-count").inner_text() == "0"
        assert page.get_by_test_id("findings").count() == 0
        notes = page.get_by_test_id("notes")
        assert page.get_by_test_id("notes-count").inner_text() == "2"
        translation = notes.locator("[data-kind=translation]")
        # the editor compares at a glance: the draft's words, the brief's original and its speaker
        assert (
            TRANSLATED in translation.inner_text()
            and ORIGINAL in translation.inner_text()
            and "Andy Jassy" in translation.inner_text()
        )
        assert "pull quote" in notes.locator("[data-kind=style]").inner_text()
        # the notes sit in their own panel, not in the fact check's
        assert (
            page.locator("#findings [data-kind]").count() == 0
            and page.locator("#notes [data-kind]").count() == 2
        )
        screenshot(page, "desk-notes.png")

        # no acknowledgement asked: approving just works
        assert page.get_by_test_id("ack").count() == 0
        page.get_by_test_id("approve").click()
        page.wait_for_url(re.compile(r".*done=approve"))
        assert page.get_by_test_id("status").inner_text() == "approved"
        assert not page.console_errors, page.console_errors

    project = load_project(noted)
    [approve] = [e for e in audit.log(project, SLUG) if e["action"] == "approve"]
    assert approve["details"]["acknowledged"] is False and approve["details"]["advisory"] == 2
    assert sorted(f["kind"] for f in approve["details"]["findings"]) == [
        "style",
        "translation",
    ]  # recorded with the approval


def test_a_claim_still_needs_the_acknowledgement(noted: Path) -> None:
    project = load_project(noted)
    store = DraftStore(project)
    draft = store.load(SLUG)
    store.save_revision(
        draft.model_copy(update={"body": draft.body + "\n\nSelon Jeff Bezos, tout va bien."})
    )
    with serving(noted) as served, browser_page() as page:
        base = signed_in(page, served.port)
        page.goto(f"{base}/_desk/drafts/{SLUG}")
        assert (
            page.get_by_test_id("findings-count").inner_text() == "1"
            and page.get_by_test_id("notes-count").inner_text() == "2"
        )
        assert (
            page.get_by_test_id("ack").count() == 1
            and page.get_by_test_id("ack").get_attribute("required") is not None
        )
    assert store.load(SLUG).status == "draft"
