"""The desk for a team in real headless chromium against `satire desk`, each
person in a browser context of their own, signed in with a password: a writer
edits a draft by hand (with a preview as the site shows it) and saves it, an
editor approves it, a publisher publishes it; a second writer's save on the
older revision is refused with the diff and keeps what they typed; signing
out ends the session. One server and one browser for the module."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_project
from generator.drafts import DraftStore
from generator.review import audit
from tests.chromium import launched, screenshot
from tests.deskkit import PASSWORD, add_account, serving
from tests.test_desk_team import make_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "iphone-air"
ADDED = "Un paragraphe ajouté à la main par Wren, relu et assumé."
CLASH = "Une autre phrase, tapée par Walt pendant ce temps."


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, Any]]:
    project = make_project(tmp_path_factory.mktemp("team-browser") / "blog", slugs=[SLUG])
    for name, role in {
        "Wren": "writer",
        "Walt": "writer",
        "Ed": "editor",
        "Pia": "publisher",
    }.items():
        add_account(project, name, role)
    with serving(project, command="desk") as served, launched() as browser:
        yield project, f"http://127.0.0.1:{served.port}", browser


def person(desk: tuple[Path, str, Any], name: str) -> Any:
    """A new browser context (its own cookies), signed in as `name`."""
    _, base, browser = desk
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{base}/_desk/")
    assert "/_desk/login" in page.url
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/_desk/")
    assert page.get_by_test_id("editor-name").inner_text() == name
    return page


def test_writer_edits_editor_approves_publisher_publishes(desk: tuple[Path, str, Any]) -> None:
    project, base, _ = desk
    # the module's tests share one project and run in any order: count from here
    logged_before = len(audit.log(load_project(project), SLUG))
    wren = person(desk, "Wren")
    wren.goto(f"{base}/_desk/drafts/{SLUG}")
    revision_before = int(wren.get_by_test_id("revision").inner_text())
    assert wren.get_by_test_id("approve").count() == 0  # not offered to a writer
    wren.get_by_test_id("edit").click()
    wren.wait_for_url(f"{base}/_desk/drafts/{SLUG}/edit")
    text = wren.get_by_test_id("edit-text")
    typed = text.input_value() + f"\n{ADDED}\n\n<script>window.__pwned = 1</script>\n"
    text.fill(typed)
    wren.get_by_test_id("edit-preview").click()
    frame = wren.frame_locator("iframe[name=edit-preview]")
    frame.get_by_text(ADDED).wait_for()
    assert "[data-satire=disclaimer]" and frame.locator("[data-satire=disclaimer]").count() >= 1
    preview = wren.frame(name="edit-preview")
    assert preview is not None and preview.evaluate("window.__pwned") is None
    assert frame.locator("script:not([type])").count() == 0  # sanitized as the site does
    screenshot(wren, "desk-edit.png")
    wren.get_by_test_id("save").click()
    wren.wait_for_url(re.compile(r".*done=edit"))
    assert wren.get_by_test_id("revision").inner_text() == str(revision_before + 1)
    assert ADDED in " ".join(wren.get_by_test_id("diff").locator(".diff-added").all_inner_texts())

    ed = person(desk, "Ed")
    ed.goto(f"{base}/_desk/drafts/{SLUG}")
    assert ed.get_by_test_id("publish").count() == 0
    if ed.get_by_test_id("ack").count():
        ed.get_by_test_id("ack").check()
    ed.get_by_test_id("approve").click()
    ed.wait_for_url(re.compile(r".*done=approve"))
    assert ed.get_by_test_id("status").inner_text() == "approved"

    pia = person(desk, "Pia")
    pia.goto(f"{base}/_desk/drafts/{SLUG}")
    pia.get_by_test_id("publish").click()
    pia.wait_for_url(re.compile(r".*done=publish"))
    assert pia.get_by_test_id("status").inner_text() == "published"

    state = load_project(project)
    steps = [(e["action"], e["who"]) for e in audit.log(state, SLUG)[logged_before:]]
    assert steps == [("edit", "Wren"), ("approve", "Ed"), ("publish", "Pia")]
    assert ADDED in DraftStore(state).load(SLUG).body
    for page in (wren, ed, pia):
        page.context.close()


def test_stale_save_is_refused_with_the_diff_and_keeps_the_typed_text(
    desk: tuple[Path, str, Any],
) -> None:
    project, base, _ = desk
    wren, walt = person(desk, "Wren"), person(desk, "Walt")
    for page in (wren, walt):
        page.goto(f"{base}/_desk/drafts/{SLUG}/edit")
    started = walt.get_by_test_id("base-revision").get_attribute("value")
    first = wren.get_by_test_id("edit-text")
    first.fill(first.input_value() + "\nWren a réécrit son paragraphe.\n")
    wren.get_by_test_id("save").click()
    wren.wait_for_url(re.compile(r".*done=edit"))

    second = walt.get_by_test_id("edit-text")
    mine = second.input_value() + f"\n{CLASH}\n"
    second.fill(mine)
    walt.get_by_test_id("save").click()
    walt.wait_for_load_state()
    error = walt.get_by_test_id("error").inner_text()
    assert f"you started from revision {started}" in error and "Not saved" in error
    conflict = walt.get_by_test_id("conflict")
    assert "Wren a réécrit son paragraphe." in " ".join(
        conflict.locator(".diff-added").all_inner_texts()
    )
    assert walt.get_by_test_id("edit-text").input_value() == mine  # nothing typed is lost
    screenshot(walt, "desk-edit-conflict.png")
    body = DraftStore(load_project(project)).load(SLUG).body
    assert CLASH not in body and "Wren a réécrit son paragraphe." in body
    # saving again, knowing the other edit, goes through
    walt.get_by_test_id("save").click()
    walt.wait_for_url(re.compile(r".*done=edit"))
    assert CLASH in DraftStore(load_project(project)).load(SLUG).body
    for page in (wren, walt):
        page.context.close()


def test_sign_out_ends_the_session(desk: tuple[Path, str, Any]) -> None:
    _, base, _ = desk
    ed = person(desk, "Ed")
    cookies = ed.context.cookies()
    ed.get_by_test_id("logout").click()
    ed.wait_for_url(f"{base}/_desk/login")
    ed.goto(f"{base}/_desk/drafts/{SLUG}")
    assert "/_desk/login" in ed.url
    # the old cookie, put back, opens nothing: the session is gone on the server
    ed.context.clear_cookies()
    ed.context.add_cookies(cookies)
    ed.goto(f"{base}/_desk/")
    assert "/_desk/login" in ed.url and ed.get_by_role("button", name="Sign in").is_visible()
    ed.context.close()
