"""The desk's guards on each path that reaches them and on each condition they
combine, through the desk's WSGI app in this process (fast, and the client's
address can be anything): the CSRF token and the Origin check on every route
that changes something, roles through single sign-on and on the brief pages,
stale revisions on every move of a draft and on a hand save, session and
cookie rules, sign-in throttling, the trust of proxy headers, the desk with no
account, the sanitized previews, and approvals bound to the text approved.
Each test is named by a mutation in tests/mutations/desk_paths.py."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_project
from generator.desk import Desk, accounts
from generator.desk.server import check_address, mounted
from generator.drafts import DraftStore
from generator.errors import SatireError
from generator.review import audit, edits
from generator.review import workflow as review
from tests.confirmkit import SLUG as BRIEF
from tests.confirmkit import add_intake_brief, form_of
from tests.deskkit import InProcess, Reply, add_account, make_project

SLUG = "sora-app"
DRAFT = f"/_desk/drafts/{SLUG}"
PEOPLE = {"Wren": "writer", "Ed": "editor", "Pia": "publisher", "Ada": "admin"}
PROXY = "10.1.2.3"  # in desk.trusted_proxies below
STRANGER = "203.0.113.9"
HOSTILE = (
    "Un paragraphe.\n\n<script>alert('script')</script>\n\n"
    '<img src="x.png" alt="x" onerror="alert(\'handler\')">\n\n'
    "[cliquez](javascript:alert('url'))\n"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One offline draft, an intake brief waiting, an account per role, a trusted proxy."""
    project = make_project(
        tmp_path_factory.mktemp("guards") / "blog",
        slugs=[SLUG],
        desk={"trusted_proxies": ["10.0.0.0/8"], "trusted_header": "Remote-User"},
    )
    add_intake_brief(project, only=False)
    for name, role in PEOPLE.items():
        add_account(project, name, role)
    return project


@pytest.fixture
def blog(template: Path, tmp_path: Path) -> Path:
    """A copy of the template for this test alone (its drafts, log and accounts)."""
    return Path(shutil.copytree(template, tmp_path / "blog"))


def app_of(project: Path) -> Any:
    """The WSGI app `satire desk` serves, as it serves it."""
    return mounted(Desk(load_project(project)).wsgi)


def signed(app: Any, name: str, address: str = "127.0.0.1") -> InProcess:
    client = InProcess(app, address)
    client.sign_in(name)
    return client


def store(project: Path) -> DraftStore:
    return DraftStore(load_project(project))


def snapshot(project: Path) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was: the draft, its revisions
    and published copy, the brief, the audit log, the discarded briefs."""
    drafts = store(project)
    brief = project / "briefs" / f"{BRIEF}.yaml"
    return (
        drafts.path(SLUG).read_bytes(),
        drafts.revisions(SLUG),
        drafts.published_path(SLUG).is_file(),
        brief.read_bytes() if brief.exists() else None,
        audit.log(load_project(project)),
        (project / ".satire" / "discarded").exists(),
    )


def approved(project: Path) -> None:
    review.approve(load_project(project), SLUG, by="Ed", ack=True)


def published(project: Path) -> None:
    approved(project)
    review.publish(load_project(project), SLUG, by="Pia")


def another_revision(project: Path) -> int:
    """Someone else's new revision of the draft lands; its number."""
    drafts = store(project)
    return drafts.save_revision(drafts.load(SLUG)).revision


def draft_form(client: InProcess, **fields: str) -> dict[str, str]:
    page = client.get(DRAFT)
    return {"csrf": page.csrf, "revision": page.revision, **fields}


def edit_form(client: InProcess, text: str) -> dict[str, str]:
    page = client.get(f"{DRAFT}/edit")
    base = re.search(r'name="base_revision" value="(\d+)"', page.text)
    assert base, "no base revision in the edit page"
    return {"csrf": page.csrf, "base_revision": base.group(1), "text": text}


def brief_form(client: InProcess) -> dict[str, str]:
    page = client.get(f"/_desk/briefs/{BRIEF}")
    return {"csrf": page.csrf, **form_of(page.text)}


def draft_text(project: Path) -> str:
    return store(project).path(SLUG).read_text("utf-8")


# -- CSRF token and Origin, on every route that changes something ------------------------------

# route -> (what the draft must be for the move to be open, its URL, its form)
Form = Callable[[InProcess, Path], dict[str, str]]
ROUTES: dict[str, tuple[Callable[[Path], None] | None, str, Form]] = {
    "approve": (None, f"{DRAFT}/approve", lambda c, _: draft_form(c, ack="yes")),
    "reject": (None, f"{DRAFT}/reject", lambda c, _: draft_form(c, note="Trop long.")),
    "revise": (None, f"{DRAFT}/revise", lambda c, _: draft_form(c, note="Plus court.")),
    "publish": (approved, f"{DRAFT}/publish", lambda c, _: draft_form(c)),
    "unpublish": (published, f"{DRAFT}/unpublish", lambda c, _: draft_form(c)),
    "edit-save": (None, f"{DRAFT}/edit", lambda c, p: edit_form(c, draft_text(p) + "\nAjout.\n")),
    "edit-preview": (None, f"{DRAFT}/edit/preview", lambda c, p: edit_form(c, draft_text(p))),
    "brief-confirm": (None, f"/_desk/briefs/{BRIEF}/confirm", lambda c, _: brief_form(c)),
    "brief-drop": (None, f"/_desk/briefs/{BRIEF}/drop", lambda c, _: brief_form(c)),
    "brief-discard": (None, f"/_desk/briefs/{BRIEF}/discard", lambda c, _: brief_form(c)),
    "logout": (None, "/_desk/logout", lambda c, _: {"csrf": c.get("/_desk/").csrf}),
}


def still_signed_in(client: InProcess) -> bool:
    return client.get("/_desk/").status == 200


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_that_changes_something_wants_the_token_and_the_origin(
    blog: Path, route: str
) -> None:
    ready, url, make_form = ROUTES[route]
    if ready is not None:
        ready(blog)
    ada = signed(app_of(blog), "Ada")
    form = make_form(ada, blog)
    same_origin = f"http://{ada.host}"
    before = snapshot(blog)
    missing = ada.post(url, {k: v for k, v in form.items() if k != "csrf"}, origin=same_origin)
    assert missing.status == 403 and "security token" in missing.text
    foreign = ada.post(url, form, origin="http://evil.example")
    assert foreign.status == 403 and "another origin" in foreign.text
    assert snapshot(blog) == before and still_signed_in(ada)
    # the same form, with its token and from the desk's own page, is taken
    taken = ada.post(url, form, origin=same_origin)
    assert taken.status in (200, 303), taken.text


def test_a_null_or_same_site_origin_is_refused(blog: Path) -> None:
    ada = signed(app_of(blog), "Ada")
    form = draft_form(ada, ack="yes")
    before = snapshot(blog)
    # a sandboxed frame or a data: page sends Origin: null
    assert ada.post(f"{DRAFT}/approve", form, origin="null").status == 403
    # a page of a sibling host (another port, a subdomain) is same-site, not same-origin
    sibling = ada.post(f"{DRAFT}/approve", form, extra={"Sec-Fetch-Site": "same-site"})
    assert sibling.status == 403 and "same-site POST is refused" in sibling.text
    assert snapshot(blog) == before


def test_a_token_from_before_sign_in_or_after_sign_out_is_refused(blog: Path) -> None:
    app = app_of(blog)
    ed = InProcess(app)
    before_sign_in = ed.get("/_desk/login").csrf
    ed.sign_in("Ed")
    page = ed.get(DRAFT)
    form = {"revision": page.revision, "ack": "yes"}
    origin = f"http://{ed.host}"
    assert (
        ed.post(f"{DRAFT}/approve", {**form, "csrf": before_sign_in}, origin=origin).status == 403
    )
    signed_in = page.csrf
    assert ed.post("/_desk/logout", {"csrf": signed_in}, origin=origin).status == 303
    # signed out, the session's token no longer signs the login form either
    refused = ed.post(
        "/_desk/login", {"csrf": signed_in, "name": "Ed", "password": "x" * 9}, origin=origin
    )
    assert refused.status == 403 and "security token" in refused.text
    assert store(blog).load(SLUG).status == "draft"


# -- roles ------------------------------------------------------------------------------------


def test_a_writer_may_not_discard_a_brief_posted_by_hand(blog: Path) -> None:
    wren = signed(app_of(blog), "Wren")
    form = brief_form(wren)
    before = snapshot(blog)
    reply = wren.post(f"/_desk/briefs/{BRIEF}/discard", form, origin=f"http://{wren.host}")
    assert reply.status == 403 and "Wren is a writer; to discard takes a role of editor" in (
        reply.text
    )
    assert snapshot(blog) == before
    # a writer confirms: the role check does not refuse everything on the brief pages
    kept = wren.post(f"/_desk/briefs/{BRIEF}/confirm", form, origin=f"http://{wren.host}")
    assert kept.status == 303


def test_an_account_signed_on_by_a_trusted_proxy_keeps_its_role(blog: Path) -> None:
    app = app_of(blog)
    approved_by = {}
    for name, action, allowed in (("Wren", "approve", False), ("Ed", "approve", True)):
        client = InProcess(app, PROXY, **{"Remote-User": name})
        reply = client.post(
            f"{DRAFT}/{action}", draft_form(client, ack="yes"), origin=f"http://{client.host}"
        )
        approved_by[name] = reply.status
        if not allowed:
            assert f"{name} is a {PEOPLE[name]}; to {action} takes a role of" in reply.text
    assert approved_by == {"Wren": 403, "Ed": 303}
    pia = InProcess(app, PROXY, **{"Remote-User": "Pia"})
    assert pia.get("/_desk/accounts").status == 403
    assert [(e["action"], e["who"]) for e in audit.log(load_project(blog), SLUG)] == [
        ("approve", "Ed")
    ]


# -- stale revisions: every move of a draft, and a hand save ------------------------------------

MOVES: dict[str, tuple[Callable[[Path], None] | None, dict[str, str]]] = {
    "approve": (None, {"ack": "yes"}),
    "reject": (None, {"note": "Trop long."}),
    "revise": (None, {"note": "Plus court."}),
    "publish": (approved, {}),
    "unpublish": (published, {}),
}


@pytest.mark.parametrize("action", MOVES)
def test_every_move_on_a_stale_revision_is_refused(blog: Path, action: str) -> None:
    ready, fields = MOVES[action]
    if ready is not None:
        ready(blog)
    ada = signed(app_of(blog), "Ada")
    form = draft_form(ada, **fields)
    now = another_revision(blog)
    before = snapshot(blog)
    reply = ada.post(f"{DRAFT}/{action}", form, origin=f"http://{ada.host}")
    assert reply.status == 409, reply.text
    assert f"it is at revision {now} now, not revision {form['revision']} as you saw it" in (
        reply.text
    )
    assert snapshot(blog) == before


def test_unpublishing_a_post_in_review_on_a_stale_revision_is_refused(blog: Path) -> None:
    published(blog)
    drafts = store(blog)
    path = drafts.path(SLUG)
    path.write_text(draft_text(blog) + "\nUne correction.\n", "utf-8")
    edits.record(load_project(blog), SLUG, by="Ed")  # in review again, its copy online
    ada = signed(app_of(blog), "Ada")
    form = draft_form(ada)
    another_revision(blog)
    before = snapshot(blog)
    reply = ada.post(f"{DRAFT}/unpublish", form, origin=f"http://{ada.host}")
    assert reply.status == 409 and "as you saw it" in reply.text
    assert snapshot(blog) == before and drafts.published_path(SLUG).is_file()


@pytest.mark.parametrize("action", ["confirm", "drop", "discard"])
def test_every_brief_move_on_a_brief_changed_since_it_was_shown_is_refused(
    blog: Path, action: str
) -> None:
    ada = signed(app_of(blog), "Ada")
    form = brief_form(ada)
    brief = blog / "briefs" / f"{BRIEF}.yaml"
    brief.write_text(brief.read_text("utf-8") + "# a note added by hand\n", "utf-8")
    before = snapshot(blog)
    reply = ada.post(f"/_desk/briefs/{BRIEF}/{action}", form, origin=f"http://{ada.host}")
    assert reply.status == 409 and "changed since" in reply.text
    assert snapshot(blog) == before


def test_a_stale_save_is_refused_and_keeps_every_typed_character(blog: Path) -> None:
    wren = signed(app_of(blog), "Wren")
    typed = draft_text(blog) + "\nUne phrase tapée à la main, qui ne doit pas se perdre.\n"
    form = edit_form(wren, typed)
    now = another_revision(blog)
    before = snapshot(blog)
    reply = wren.post(f"{DRAFT}/edit", form, origin=f"http://{wren.host}")
    assert reply.status == 409 and "Not saved: this draft changed while you were editing" in (
        reply.text
    )
    assert snapshot(blog) == before
    textarea = re.search(r'data-testid="edit-text">(.*?)</textarea>', reply.text, re.S)
    assert textarea and "Une phrase tapée à la main, qui ne doit pas se perdre." in textarea.group(
        1
    )
    assert f'name="base_revision" value="{now}"' in reply.text  # saving again is on the new one


# -- sessions and cookies ------------------------------------------------------------------------


def test_cookies_are_secure_exactly_when_the_desk_is_reached_over_https(blog: Path) -> None:
    app = app_of(blog)
    plain = InProcess(app)
    assert "Secure" not in plain.get("/_desk/login").headers["set-cookie"]
    token = plain.get("/_desk/login").csrf
    signed_in = plain.post(
        "/_desk/login",
        {"csrf": token, "name": "Ed", "password": "correct horse battery staple"},
        origin=f"http://{plain.host}",
    )
    assert signed_in.status == 303 and "Secure" not in signed_in.headers["set-cookie"]
    # behind a trusted proxy that says https, the session's cookie is Secure too
    https = InProcess(app, PROXY, **{"X-Forwarded-Proto": "https"})
    token = https.get("/_desk/login").csrf
    behind = https.post(
        "/_desk/login",
        {"csrf": token, "name": "Ed", "password": "correct horse battery staple"},
        origin=f"https://{https.host}",
    )
    assert behind.status == 303 and "Secure" in behind.headers["set-cookie"]


def test_a_new_password_ends_the_accounts_open_sessions(blog: Path) -> None:
    app = app_of(blog)
    ed, pia = signed(app, "Ed"), signed(app, "Pia")
    accounts.Accounts(load_project(blog)).set_password("Ed", "a-brand-new-password")
    assert ed.get("/_desk/").headers["location"].startswith("/_desk/login")
    assert still_signed_in(pia)  # only that account's sessions


def test_a_removed_account_is_signed_out_of_every_open_session(blog: Path) -> None:
    app = app_of(blog)
    ed, pia = signed(app, "Ed"), signed(app, "Pia")
    accounts.Accounts(load_project(blog)).remove("Ed")
    assert ed.get("/_desk/").headers["location"].startswith("/_desk/login")
    assert still_signed_in(pia)  # only that account's sessions


# -- sign-in throttling ---------------------------------------------------------------------------


def fail(client: InProcess, name: str) -> Reply:
    token = client.get("/_desk/login").csrf
    return client.post(
        "/_desk/login",
        {"csrf": token, "name": name, "password": "wrong-guess"},
        origin=f"http://{client.host}",
    )


def test_a_name_counts_its_failures_whatever_its_case(blog: Path) -> None:
    client = InProcess(app_of(blog))
    spellings = ["Ed", "ED", "ed", "eD", " Ed "]
    assert [fail(client, name).status for name in spellings] == [401] * accounts.MAX_PER_ACCOUNT
    assert fail(client, "ED").status == 429


def test_forwarded_addresses_from_a_stranger_do_not_reset_the_count_per_address(
    blog: Path,
) -> None:
    app = app_of(blog)
    codes = [
        fail(InProcess(app, STRANGER, **{"X-Forwarded-For": f"198.51.100.{n}"}), f"user{n}").status
        for n in range(accounts.MAX_PER_ADDRESS + 1)
    ]
    assert codes == [401] * accounts.MAX_PER_ADDRESS + [429]


# -- a desk with no account: this machine only -----------------------------------------------


def test_a_desk_with_no_account_answers_no_other_machine_whatever_it_claims(blog: Path) -> None:
    drafts = load_project(blog)
    for name in PEOPLE:
        accounts.Accounts(drafts).remove(name)
    app = app_of(blog)
    assert InProcess(app, "::1").get("/_desk/").status == 200
    assert InProcess(app, "127.0.0.2").get("/_desk/").status == 200
    for peer, claims in (
        ("2001:db8::7", {}),
        ("192.0.2.4", {"X-Forwarded-For": "127.0.0.1"}),
        ("192.0.2.4", {"Remote-User": "local"}),
    ):
        away = InProcess(app, peer, **claims).get("/_desk/")
        assert away.status == 403 and "no accounts yet" in away.text, (peer, claims)
    for host in ("::", "192.168.1.20", "desk.example.org"):
        with pytest.raises(SatireError, match=f"refusing to listen on {re.escape(host)}"):
            check_address(drafts, host)
    check_address(drafts, "::1")


# -- the previews: sanitized, and no script runs ---------------------------------------------


def previews(blog: Path) -> dict[str, Reply]:
    drafts = store(blog)
    draft = drafts.load(SLUG)
    draft.body = HOSTILE
    drafts.save_revision(draft)
    ed = signed(app_of(blog), "Ed")
    typed = edit_form(ed, draft_text(blog))
    return {
        "draft": ed.get(f"{DRAFT}/preview"),
        "typed": ed.post(f"{DRAFT}/edit/preview", typed, origin=f"http://{ed.host}"),
    }


@pytest.mark.parametrize("path", ["draft", "typed"])
def test_previews_show_hostile_markdown_inert(blog: Path, path: str) -> None:
    reply = previews(blog)[path]
    assert reply.status == 200 and "Un paragraphe." in reply.text
    assert "alert('script')</script>" not in reply.text
    assert "onerror" not in reply.text
    assert "javascript:" not in reply.text
    assert "script-src 'none'" in reply.headers["content-security-policy"]


# -- approvals bound to the text -----------------------------------------------------------------


def test_a_hand_edit_after_a_desk_approval_is_not_published_from_the_desk(blog: Path) -> None:
    app = app_of(blog)
    ed, pia = signed(app, "Ed"), signed(app, "Pia")
    assert ed.act(SLUG, "approve", {"ack": "yes"}).status == 303
    path = store(blog).path(SLUG)
    path.write_text(draft_text(blog) + "\nUne phrase que personne n'a approuvée.\n", "utf-8")
    before = snapshot(blog)
    reply = pia.act(SLUG, "publish")
    assert reply.status == 409 and "its text changed since revision" in reply.text
    assert snapshot(blog) == before and not store(blog).published_path(SLUG).is_file()
