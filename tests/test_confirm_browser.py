"""Confirmation in real headless chromium, against the real `satire serve`:
an editor finds the waiting intake brief from the desk's navigation, reads
each fact beside its evidence, unticks one, confirms; the brief on disk is
confirmed without that fact (nor its evidence), and `satire generate`, which
wrote nothing from it before, now writes its draft."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.config import load_project
from generator.review import audit
from tests.chromium import screenshot
from tests.confirmkit import FACTS, SLUG, add_intake_brief, assert_evidence_consistent, read
from tests.conftest import run_satire
from tests.deskkit import add_account, browser_page, browser_sign_in, serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EDITOR = "Camille Relectrice"


def test_editor_unticks_a_fact_and_confirms_then_generate_writes_the_draft(
    demo_project: Path,
) -> None:
    add_intake_brief(demo_project)
    add_account(demo_project, EDITOR, "writer")  # a writer confirms briefs
    draft = demo_project / "drafts" / f"{SLUG}.md"
    before = run_satire("generate", "--offline", cwd=demo_project)
    assert before.code == 0 and f"satire brief confirm {SLUG}" in before.err
    assert not draft.exists()

    with serving(demo_project) as served, browser_page() as page:
        base = f"http://127.0.0.1:{served.port}"
        browser_sign_in(page, base, EDITOR)

        page.get_by_role("link", name="Briefs to confirm").click()
        page.wait_for_url(f"{base}/_desk/briefs")
        page.get_by_role(
            "link", name="Chipmaker Quantix raises $40 million to build optical processors"
        ).click()
        page.wait_for_url(f"{base}/_desk/briefs/{SLUG}")

        facts = page.get_by_test_id("fact")
        assert facts.count() == len(FACTS)
        assert (
            "with participation from Orbit Capital"
            in facts.nth(1).get_by_test_id("evidence").inner_text()
        )
        assert (
            FACTS[3] in facts.nth(3).inner_text()
        )  # shown as text: the <img> in it is not an element
        assert page.locator("main img").count() == 0
        assert (
            page.get_by_test_id("quote").first.locator("mark").inner_text()
            == "Light does not get tired"
        )

        page.get_by_test_id("keep-fact-1").uncheck()
        assert not page.get_by_test_id("keep-fact-1").is_checked()
        screenshot(page, "confirm-brief.png")
        page.get_by_test_id("confirm").click()
        page.wait_for_url(re.compile(r".*/_desk/briefs\?done=confirm.*"))
        assert "Confirmed" in page.get_by_test_id("done").inner_text()
        assert page.get_by_test_id("no-briefs").is_visible()  # nothing waits any more
        assert page.console_errors == []

    data = read(demo_project / "briefs" / f"{SLUG}.yaml")
    assert data["confirmed"] is True
    assert data["facts"] == [FACTS[0], FACTS[2], FACTS[3]]
    assert_evidence_consistent(data)
    [entry] = audit.log(load_project(demo_project))
    assert (entry["action"], entry["who"]) == ("confirm", EDITOR)

    after = run_satire("generate", "--offline", cwd=demo_project)
    assert after.code == 0, after.err
    assert draft.exists()
    assert "Lumen Ventures" not in draft.read_text(
        encoding="utf-8"
    )  # the dropped fact did not reach the writer
