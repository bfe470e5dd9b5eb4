"""The review desk in real headless chromium, against the real `satire serve`
and the fake Chat Completions server: an editor signs in, reads a draft and
its findings, has it revised, approves it with acknowledgement, publishes it,
and finds it on the rebuilt site. Screenshots land in tests/artifacts/."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from generator.config import load_project
from generator.drafts import DraftStore
from generator.review import audit
from generator.review import workflow as review
from tests.chromium import screenshot
from tests.conftest import run_satire
from tests.deskkit import add_account, browser_page, browser_sign_in, serving
from tests.fake_openai import FakeOpenAI, Reply, article
from tests.generation_support import only_brief, point_at

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "amazon-desantis"
EDITOR = "Camille Relectrice"
FIRST_BODY = """Amazon confie son IA à Peter DeSantis, 27 ans de maison : chez AWS, on ne change pas une équipe qui boote.

Selon nos sources, Jeff Bezos aurait validé l'idée depuis son yacht, et le budget atteindrait 12 milliards de dollars.

« Nous allons inventer en investissant », aurait glissé Andy Jassy dans son mémo.

> Certains innovent, d'autres appuient sur copier-coller.

Bref, chez Amazon, l'avenir reste en bêta."""
REVISED_BODY = """Amazon confie son IA à Peter DeSantis, 27 ans de maison : chez AWS, on ne change pas une équipe qui boote.

Le budget atteindrait 12 milliards de dollars, de quoi acheter beaucoup de puces et un peu d'audace.

> Certains innovent, d'autres appuient sur copier-coller.

Bref, chez Amazon, l'avenir reste en bêta."""
NOTE = "Retire Jeff Bezos et la citation inventée : ils ne sont pas dans le brief."


def _content(title: str, body: str) -> str:
    return json.dumps(
        article(
            title,
            body=body,
            dek="Le cloud se réorganise, les puns aussi.",
            pull_quote="Certains innovent, d'autres appuient sur copier-coller.",
        )
    )


@pytest.fixture
def newsroom(demo_project: Path, fake_openai: FakeOpenAI) -> tuple[Path, dict[str, str]]:
    """One draft written through the fake server, with three planted claims;
    the other demo briefs written offline and spread over the statuses."""
    env = point_at(
        demo_project, fake_openai, self_check_rounds=0
    )  # the planted claims stay for the editor to see
    fake_openai.enqueue(Reply(content=_content("Amazon met l'IA en mode DeSantis", FIRST_BODY)))
    result = run_satire("generate", SLUG, cwd=demo_project, env=env)
    assert result.code == 0, result.err
    assert run_satire("generate", "--offline", cwd=demo_project).code == 0
    project = load_project(demo_project)
    review.approve(project, "iphone-air", by="Sam", ack=True)
    review.approve(project, "sora-app", by="Sam", ack=True)
    review.publish(project, "sora-app", by="Sam")
    review.reject(project, "microsoft-copilot-app", by="Sam", note="Trop proche de la dépêche")
    add_account(demo_project, EDITOR, "publisher")
    return demo_project, env


def test_editor_reviews_revises_approves_and_publishes(
    newsroom: tuple[Path, dict[str, str]], fake_openai: FakeOpenAI
) -> None:
    project_dir, env = newsroom
    with serving(project_dir, env=env) as served, browser_page() as page:
        base = f"http://127.0.0.1:{served.port}"

        # first visit: the desk asks to sign in
        page.goto(f"{base}/_desk/")
        assert "/_desk/login" in page.url
        browser_sign_in(page, base, EDITOR)
        assert page.get_by_test_id("editor-name").inner_text() == EDITOR

        # the list: title, status, style, language, revision, findings
        row = page.locator(f"tr[data-slug='{SLUG}']")
        assert "Amazon met l'IA en mode DeSantis" in row.inner_text()
        assert row.get_by_test_id("status").inner_text() == "draft"
        assert row.get_by_test_id("findings").inner_text() == "3"
        assert "geek-puns" in row.inner_text() and "fr" in row.inner_text().lower()
        screenshot(page, "desk-list.png")
        assert page.locator("tbody tr").count() == 6
        # each filter is a page of its own: wait for it, then read it (waiting assertions,
        # as a one-shot read may land while the next page is still being parsed)
        page.locator("[data-status-filter=approved]").click()
        page.wait_for_url(f"{base}/_desk/?status=approved")
        expect(page.locator("tbody tr")).to_have_count(1)
        expect(page.locator("tbody tr")).to_have_attribute("data-slug", "iphone-air")
        page.locator("[data-status-filter=draft]").click()
        page.wait_for_url(f"{base}/_desk/?status=draft")
        expect(page.locator(f"tr[data-slug='{SLUG}']")).to_have_count(1)
        expect(page.get_by_test_id("status")).not_to_have_count(0)
        assert all(s.inner_text() == "draft" for s in page.get_by_test_id("status").all())

        # the draft: the post as the site shows it, findings marked, the brief beside
        page.get_by_role("link", name="Amazon met l'IA en mode DeSantis").click()
        page.wait_for_url(f"{base}/_desk/drafts/{SLUG}")
        assert page.get_by_test_id("findings-count").inner_text() == "3"
        findings = page.get_by_test_id("findings").inner_text()
        assert (
            "Jeff Bezos" in findings
            and "12 milliards de dollars" in findings
            and "Nous allons inventer" in findings
        )
        preview = page.frame_locator("iframe.preview")
        marks = preview.locator("mark.satire-finding")
        marks.first.wait_for()
        marked = " | ".join(marks.all_inner_texts())
        assert "Jeff Bezos" in marked and "12" in marked
        assert preview.locator("h1").first.inner_text().startswith("Amazon met l")
        assert (
            "Peter DeSantis travaille chez Amazon depuis 27 ans."
            in page.get_by_test_id("brief").inner_text()
        )
        # a finding in the list scrolls the preview to its mark
        page.get_by_test_id("findings").get_by_role("link", name="Jeff Bezos").click()
        frame = page.frame(name="preview")
        assert frame is not None
        frame.wait_for_url(re.compile(r".*/preview#finding-0$"))
        assert preview.locator("#finding-0").inner_text() == "Jeff Bezos"
        assert (
            preview.locator("#finding-0").evaluate("m => getComputedStyle(m).borderBottomStyle")
            == "solid"
        )  # the desk's marks, not the browser's
        screenshot(page, "desk-draft.png")

        # revise with a note: progress while the writer works, then the new revision and the diff
        # the writer answers once the progress has been seen: a fixed delay raced the
        # job page on a busy machine (the job could end before the page showed it)
        writer_may_answer = threading.Event()
        fake_openai.enqueue(
            Reply(
                content=_content("Amazon met l'IA en mode DeSantis", REVISED_BODY),
                hold=writer_may_answer,
            )
        )
        page.get_by_label("Ask the writer for a revision").fill(NOTE)
        page.get_by_test_id("revise").click()
        page.wait_for_url(re.compile(r".*/_desk/jobs/.*"))
        assert page.get_by_test_id("job").is_visible()
        assert "gpt-4o-mini is revising" in page.locator("[data-job-phase]").inner_text()
        page.wait_for_function(
            "() => document.querySelector('[data-job-seconds]').textContent !== '0'"
        )  # progress, live
        screenshot(page, "desk-revising.png")
        writer_may_answer.set()
        page.wait_for_url(re.compile(rf".*/_desk/drafts/{SLUG}\?.*done=revise.*"), timeout=30_000)
        assert page.get_by_test_id("revision").inner_text() == "2"
        page.frame_locator("iframe.preview").locator("h1").first.wait_for()
        diff = page.get_by_test_id("diff")
        assert "Jeff Bezos" in diff.locator(".diff-removed").all_inner_texts()[
            -1
        ] or "Jeff Bezos" in " ".join(diff.locator(".diff-removed").all_inner_texts())
        assert "de quoi acheter beaucoup de puces" in " ".join(
            diff.locator(".diff-added").all_inner_texts()
        )
        assert page.get_by_test_id("findings-count").inner_text() == "1"
        sent = fake_openai.requests[-1]
        assert any(NOTE in str(m.get("content")) for m in sent.messages), (
            "the note reached the writer"
        )
        assert any("Jeff Bezos" in str(m.get("content")) for m in sent.messages), (
            "the current draft reached the writer"
        )
        page.evaluate("() => window.scrollTo(0, 0)")
        screenshot(page, "desk-diff.png")

        # approve: with a finding left, only with acknowledgement
        page.get_by_test_id("ack").check()
        page.get_by_label("Note").fill("Le chiffre est une blague assumée.")
        page.get_by_test_id("approve").click()
        page.wait_for_url(re.compile(r".*done=approve"))
        assert page.get_by_test_id("status").inner_text() == "approved"

        # publish, and the post is on the rebuilt site
        page.get_by_test_id("publish").click()
        page.wait_for_url(re.compile(r".*done=publish"))
        assert page.get_by_test_id("status").inner_text() == "published"
        # the preview reloads itself when the watcher's own rebuild of the publish lands,
        # maybe while it is read: assertions that wait hold across that reload (a read of
        # the page mid-reload failed now and then on a busy machine)
        page.goto(f"{base}/posts/{SLUG}/")
        expect(page.locator("h1").first).to_have_text(re.compile(r"^Amazon met l"))
        expect(page.locator("[data-satire=disclaimer]").first).to_be_attached()
        expect(page.locator("body")).to_contain_text("de quoi acheter beaucoup de puces")
        page.goto(f"{base}/")
        expect(page.get_by_role("link", name=re.compile("Amazon met l")).first).to_be_visible()

        # the desk's own audit page shows the steps with the editor's name
        page.goto(f"{base}/_desk/log")
        log_text = page.get_by_test_id("audit-log").inner_text()
        assert log_text.count(EDITOR) >= 3
        assert not page.console_errors, page.console_errors

    project = load_project(project_dir)
    steps = [(e["action"], e["who"]) for e in audit.log(project, SLUG)]
    assert steps == [("revise", EDITOR), ("approve", EDITOR), ("publish", EDITOR)]
    approve = next(e for e in audit.log(project, SLUG) if e["action"] == "approve")
    assert (
        approve["details"]["acknowledged"] is True
        and approve["note"] == "Le chiffre est une blague assumée."
    )
    assert DraftStore(project).load(SLUG).status == "published"


def test_draft_content_runs_no_script_in_the_desk(demo_project: Path) -> None:
    """A draft full of script, event-handler and javascript: payloads runs none of them."""
    only_brief(demo_project, SLUG)
    assert run_satire("generate", "--offline", SLUG, cwd=demo_project).code == 0
    project = load_project(demo_project)
    store = DraftStore(project)
    draft = store.load(SLUG)
    evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
    draft.body += f'\n\n{evil}\n\n[clic](javascript:window.__pwned=3)\n\n<svg onload="window.__pwned=4"></svg>'
    draft = draft.model_copy(
        update={"title": f"Titre {evil}", "dek": f"Chapeau {evil}", "body": draft.body}
    )
    store.save_revision(draft)  # as written: a revision, not a hand edit of the file
    add_account(demo_project, EDITOR, "writer")
    with serving(demo_project) as served, browser_page() as page:
        base = f"http://127.0.0.1:{served.port}"
        browser_sign_in(page, base, EDITOR)
        for path in ("/_desk/", f"/_desk/drafts/{SLUG}", f"/_desk/drafts/{SLUG}/preview"):
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__pwned") is None, path
            for frame in page.frames:
                assert frame.evaluate("window.__pwned") is None, (path, frame.url)
        page.goto(f"{base}/_desk/drafts/{SLUG}")
        assert (
            "<script>" in page.get_by_test_id("draft-title").inner_text()
        )  # shown as text, not run
