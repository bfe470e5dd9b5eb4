"""The review desk over real HTTP (`satire serve` in a subprocess): what it
refuses (no CSRF token, a foreign Origin or Host, a cross-site POST, nobody
signed in) changes nothing; what it accepts lands in the audit log with the
signed-in account's name."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from generator.config import load_project
from generator.drafts import DraftStore
from generator.review import audit, queries
from tests.conftest import run_satire
from tests.deskkit import PASSWORD, Client, add_account, serving
from tests.fake_openai import FakeOpenAI, Reply
from tests.generation_support import only_brief, point_at

pytestmark = pytest.mark.slow

SLUG = "amazon-desantis"
EDITOR = "Dominique Secrétaire"
APPROVE = f"/_desk/drafts/{SLUG}/approve"
BLOG: list[Path] = []  # the draft file of the test's blog


@pytest.fixture
def blog(demo_project: Path) -> Path:
    """One offline draft, status draft, with no fact-check finding."""
    only_brief(demo_project, SLUG)
    result = run_satire("generate", "--offline", SLUG, cwd=demo_project)
    assert result.code == 0, result.err
    project = load_project(demo_project)
    store = DraftStore(project)
    draft = store.load(SLUG)
    draft.body = "Peter DeSantis prend la tête d'une nouvelle organisation IA chez Amazon.\n\nAndy Jassy l'annonce dans un mémo, et les serveurs applaudissent en silence."
    draft = store.save_revision(draft)  # recorded, as a revision of the writer's
    assert [
        f for f in queries.factcheck(project, draft) if f.blocking
    ] == []  # no claim: approving needs no ack
    add_account(demo_project, EDITOR, "publisher")
    BLOG[:] = [store.path(SLUG)]
    return demo_project


def snapshot(project_dir: Path) -> tuple[bytes, list[dict[str, object]]]:
    """The draft's bytes and the audit log: what a refused request must leave alone."""
    return (project_dir / "drafts" / f"{SLUG}.md").read_bytes(), audit.log(
        load_project(project_dir)
    )


def signed_in(port: int) -> tuple[Client, str]:
    """A client signed in as the editor, and the CSRF token of the draft page."""
    client = Client(port)
    client.sign_in(EDITOR)
    page = client.get(f"/_desk/drafts/{SLUG}")
    assert page.status == 200, page.text
    return client, page.csrf


def form(token: str, **fields: str) -> dict[str, str]:
    """An action's form as the draft page sends it: the token and the revision shown."""
    return {"csrf": token, "revision": str(current_revision()), **fields}


def current_revision() -> int:
    return int(re.search(r"^revision: (\d+)$", BLOG[0].read_text("utf-8"), re.M).group(1))  # type: ignore[union-attr]


def test_post_without_csrf_token_is_refused_and_changes_nothing(blog: Path) -> None:
    before = snapshot(blog)
    with serving(blog) as served:
        client, _ = signed_in(served.port)
        reply = client.post(
            APPROVE, {"note": "ok", "revision": "1"}, origin=f"http://{client.host}"
        )
        assert reply.status == 403
        assert "security token" in reply.text
        wrong = client.post(APPROVE, form("0" * 64), origin=f"http://{client.host}")
        assert wrong.status == 403
    assert snapshot(blog) == before


def test_token_of_another_browser_is_refused(blog: Path) -> None:
    before = snapshot(blog)
    with serving(blog) as served:
        _, token_of_a = signed_in(served.port)
        b, _ = signed_in(served.port)
        assert b.post(APPROVE, form(token_of_a), origin=f"http://{b.host}").status == 403
    assert snapshot(blog) == before


def test_post_with_foreign_origin_is_refused_and_changes_nothing(blog: Path) -> None:
    before = snapshot(blog)
    with serving(blog) as served:
        client, token = signed_in(served.port)
        for origin in (
            "http://evil.example",
            f"http://127.0.0.1:{served.port + 1}",
            "null",
            f"https://127.0.0.1:{served.port}",
        ):
            reply = client.post(APPROVE, form(token), origin=origin)
            assert reply.status == 403, origin
            assert "another origin" in reply.text
    assert snapshot(blog) == before


def test_foreign_host_is_refused_against_dns_rebinding(blog: Path) -> None:
    before = snapshot(blog)
    with serving(blog) as served:
        client, token = signed_in(served.port)
        rebound = f"evil.example:{served.port}"
        page = client.get("/_desk/", host=rebound)
        assert page.status == 403 and "Host" in page.text
        assert "Drafts" not in page.text
        reply = client.post(APPROVE, form(token), host=rebound, origin=f"http://{rebound}")
        assert reply.status == 403
        assert (
            client.get("/_desk/", host=f"127.0.0.1:{served.port + 1}").status == 403
        )  # right name, wrong port
        assert (
            client.get("/_desk/", host=f"localhost:{served.port}").status == 200
        )  # the loopback names still work
    assert snapshot(blog) == before


def test_cross_site_post_is_refused(blog: Path) -> None:
    before = snapshot(blog)
    with serving(blog) as served:
        client, token = signed_in(served.port)
        for site in ("cross-site", "same-site"):
            reply = client.post(APPROVE, form(token), extra={"Sec-Fetch-Site": site})
            assert reply.status == 403, site
    assert snapshot(blog) == before


def test_same_origin_post_with_token_acts_and_logs_the_editor(blog: Path) -> None:
    with serving(blog) as served:
        client, token = signed_in(served.port)
        reply = client.post(
            APPROVE, form(token, note="Bon pour moi"), origin=f"http://{client.host}"
        )
        assert reply.status == 303
        assert reply.headers["location"] == f"/_desk/drafts/{SLUG}?done=approve"
        page = client.get(reply.headers["location"])
        assert "Approved." in page.text and 'data-testid="status">approved<' in page.text
    project = load_project(blog)
    assert DraftStore(project).load(SLUG).status == "approved"
    [entry] = audit.log(project, SLUG)
    assert (entry["action"], entry["who"], entry["note"]) == ("approve", EDITOR, "Bon pour moi")


def test_sign_in_is_asked_before_anything_else(blog: Path) -> None:
    before = snapshot(blog)
    with serving(blog) as served:
        client = Client(served.port)
        origin = f"http://{client.host}"
        first = client.get(f"/_desk/drafts/{SLUG}")
        assert first.status == 303 and first.headers["location"].startswith("/_desk/login?next=")
        form_page = client.get(first.headers["location"])
        token = form_page.csrf
        # a POST to act without a session goes to the sign-in page and changes nothing
        acted = client.post(APPROVE, form(token), origin=origin)
        assert acted.status == 303 and acted.headers["location"].startswith("/_desk/login")
        # the sign-in form itself wants the token, and the right password
        fields = {"name": EDITOR, "password": PASSWORD, "next": f"/_desk/drafts/{SLUG}"}
        assert client.post("/_desk/login", fields, origin=origin).status == 403
        wrong = client.post(
            "/_desk/login", {**fields, "csrf": token, "password": "not it"}, origin=origin
        )
        assert wrong.status == 401 and "Wrong name or password" in wrong.text
        named = client.post("/_desk/login", {**fields, "csrf": token}, origin=origin)
        assert named.status == 303 and named.headers["location"] == f"/_desk/drafts/{SLUG}"
        assert EDITOR in client.get(f"/_desk/drafts/{SLUG}").text
        # an outside address is never where the form sends you
        other = Client(served.port)
        token = other.get("/_desk/login").csrf
        away = other.post(
            "/_desk/login", {**fields, "csrf": token, "next": "//evil.example/"}, origin=origin
        )
        assert away.headers["location"] == "/_desk/"
    assert snapshot(blog) == before


def test_approval_with_findings_needs_acknowledgement(blog: Path) -> None:
    project = load_project(blog)
    store = DraftStore(project)
    draft = store.load(SLUG)
    draft.body += "\n\nSelon nos sources, Jeff Bezos aurait applaudi."
    store.save_revision(draft)
    before = snapshot(blog)
    with serving(blog) as served:
        client, token = signed_in(served.port)
        page = client.get(f"/_desk/drafts/{SLUG}")
        assert 'name="ack"' in page.text and "Jeff Bezos" in page.text
        stale = client.post(
            APPROVE, form(token, ack="yes", revision="2"), origin=f"http://{client.host}"
        )
        assert stale.status == 409 and "at revision 3 now, not revision 2" in stale.text
        refused = client.post(APPROVE, form(token), origin=f"http://{client.host}")
        assert refused.status == 409 and "1 finding" in refused.text
        assert snapshot(blog) == before
        done = client.post(APPROVE, form(token, ack="yes"), origin=f"http://{client.host}")
        assert done.status == 303
    [entry] = audit.log(project, SLUG)
    assert entry["who"] == EDITOR and entry["details"]["acknowledged"] is True
    assert [f["text"] for f in entry["details"]["findings"] if f["blocking"]] == [
        "Jeff Bezos"
    ]  # style notes are logged too


def test_reject_and_revise_need_a_note_and_moves_follow_the_table(blog: Path) -> None:
    before = snapshot(blog)
    with serving(blog) as served:
        client, token = signed_in(served.port)
        origin = f"http://{client.host}"
        for action in ("reject", "revise"):
            reply = client.post(
                f"/_desk/drafts/{SLUG}/{action}", form(token, note="  "), origin=origin
            )
            assert reply.status == 400 and "note" in reply.text
        published = client.post(f"/_desk/drafts/{SLUG}/publish", form(token), origin=origin)
        assert (
            published.status == 409
            and "cannot publish" in published.text
            and "expected &#39;approved&#39;" in published.text
        )
        page = client.get(f"/_desk/drafts/{SLUG}")
        assert (
            'data-action="publish"' not in page.text and 'data-action="approve"' in page.text
        )  # only the open moves are offered
        assert (
            client.post("/_desk/drafts/no-such-draft/approve", form(token), origin=origin).status
            == 404
        )
    assert snapshot(blog) == before
    with serving(blog) as served:
        client, token = signed_in(served.port)
        origin = f"http://{client.host}"
        assert (
            client.post(
                f"/_desk/drafts/{SLUG}/reject", form(token, note="Hors sujet"), origin=origin
            ).status
            == 303
        )
    [entry] = audit.log(load_project(blog), SLUG)
    assert (entry["action"], entry["who"], entry["note"]) == ("reject", EDITOR, "Hors sujet")


def test_failed_revision_is_shown_and_changes_nothing(blog: Path, fake_openai: FakeOpenAI) -> None:
    env = point_at(blog, fake_openai, max_retries=1)
    fake_openai.enqueue(*[Reply(status=500, headers={"retry-after-ms": "1"}) for _ in range(4)])
    before = snapshot(blog)
    with serving(blog, env=env) as served:
        client, token = signed_in(served.port)
        started = client.post(
            f"/_desk/drafts/{SLUG}/revise",
            form(token, note="Plus court"),
            origin=f"http://{client.host}",
        )
        assert started.status == 303 and started.headers["location"].startswith("/_desk/jobs/")
        job_url = started.headers["location"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            state = client.get(job_url + ".json")
            if '"state": "running"' not in state.text:
                break
            time.sleep(0.1)
        assert '"state": "failed"' in state.text, state.text
        page = client.get(job_url)
        assert "The revision failed" in page.text
        assert (
            "sk-test" not in page.text and "sk-test" not in state.text
        )  # the key never reaches the page
    assert snapshot(blog) == before


def test_security_headers_on_every_desk_page(blog: Path) -> None:
    with serving(blog) as served:
        client, _ = signed_in(served.port)
        for path in ("/_desk/", f"/_desk/drafts/{SLUG}", "/_desk/log", "/_desk/nowhere"):
            reply = client.get(path)
            assert "script-src 'self'" in reply.headers["content-security-policy"], path
            assert reply.headers["x-frame-options"] == "DENY"
            assert reply.headers["x-content-type-options"] == "nosniff"
        preview = client.get(f"/_desk/drafts/{SLUG}/preview")
        assert "script-src 'none'" in preview.headers["content-security-policy"]
        assert client.get("/_desk/nowhere").status == 404
        assert len(client.cookies[f"satire_desk_{served.port}"]) >= 32


def test_serve_binds_loopback_and_warns_when_told_otherwise(blog: Path) -> None:
    with serving(blog) as served:
        assert served.url.startswith("http://127.0.0.1:")
        assert not any("warning" in line for line in served.err)
        deadline = time.monotonic() + 5
        while (
            not any("Review desk on" in line for line in served.out) and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert f"Review desk on http://127.0.0.1:{served.port}/_desk/\n" in served.out
    with serving(blog, "--host", "0.0.0.0") as served:
        deadline = (
            time.monotonic() + 10
        )  # stderr is read by another thread: wait for the line itself
        while (
            not any("warning: listening on 0.0.0.0" in line for line in served.err)
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert any("warning: listening on 0.0.0.0" in line for line in served.err), served.err
        client = Client(served.port)
        assert client.get("/_desk/login").status == 200
        assert (
            client.get("/_desk/login", host=f"evil.example:{served.port}").status == 403
        )  # names still checked
