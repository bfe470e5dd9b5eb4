"""The desk for a team, over real HTTP against `satire desk` (waitress) and, for
what depends on the client's address or the clock, through its WSGI app: accounts and
`satire editors`, sign-in throttling, session fixation, expiry and sign-out,
roles enforced on forged requests, single sign-on from trusted proxies only,
stale revisions, two approvals at once, and no password anywhere but a hash."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from werkzeug.test import Client as WSGIClient

from generator.config import load_project
from generator.desk import Desk, accounts
from generator.desk.server import mounted
from generator.drafts import DraftStore
from generator.review import audit
from tests.conftest import REPO, run_satire
from tests.deskkit import PASSWORD, Client, InProcess, add_account, make_project, serving

pytestmark = pytest.mark.slow

PEOPLE = {"Wren": "writer", "Ed": "editor", "Pia": "publisher", "Ada": "admin"}


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    """One project with four accounts and four drafts, and `satire desk` on it."""
    project = make_project(tmp_path_factory.mktemp("team") / "blog")
    for name, role in PEOPLE.items():
        add_account(project, name, role)
    add_account(project, "Brutus", "editor")  # the one the brute-force test locks out
    with serving(project, command="desk") as served:
        yield project, served


def signed(port: int, name: str) -> Client:
    client = Client(port)
    client.sign_in(name)
    return client


def log_of(project: Path, slug: str) -> list[tuple[str, str]]:
    return [(e["action"], e["who"]) for e in audit.log(load_project(project), slug)]


def status(project: Path, slug: str) -> str:
    return DraftStore(load_project(project)).load(slug).status


# -- accounts on the command line ----------------------------------------------------------


def test_editors_commands_take_the_password_from_stdin_never_as_an_argument(
    tmp_path: Path,
) -> None:
    project = tmp_path / "p"
    assert run_satire("init", str(project)).code == 0
    secret = "s3cret-passphrase-of-ada"
    added = run_satire("editors", "add", "Ada", "--role", "admin", cwd=project, input=secret + "\n")
    assert added.code == 0 and added.out == "added Ada (admin)\n", added.err
    again = run_satire("editors", "add", "ada", "--role", "writer", cwd=project, input="x" * 12)
    assert again.code == 2 and again.err.count("\n") == 1 and "exists already" in again.err
    short = run_satire("editors", "add", "Bo", "--role", "writer", cwd=project, input="short\n")
    assert short.code == 2 and "too short" in short.err
    role = run_satire("editors", "add", "Bo", "--role", "king", cwd=project, input=secret)
    assert role.code == 2 and "king" in role.err
    as_argument = run_satire(
        "editors", "add", "Bo", "--role", "writer", "--password", secret, cwd=project
    )
    assert as_argument.code == 2  # there is no such option
    listed = run_satire("editors", "list", cwd=project)
    assert listed.code == 0 and listed.out.startswith("Ada  admin")
    changed = run_satire("editors", "passwd", "Ada", cwd=project, input="another-long-one\n")
    assert changed.code == 0, changed.err
    store = accounts.Accounts(load_project(project))
    assert store.authenticate("Ada", "another-long-one") is not None
    assert store.authenticate("Ada", secret) is None
    assert run_satire("editors", "remove", "Ada", cwd=project).code == 0
    gone = run_satire("editors", "remove", "Ada", cwd=project)
    assert gone.code == 2 and "no account named 'Ada'" in gone.err
    for result in (added, again, short, role, listed, changed):
        assert secret not in result.out + result.err
    database = (project / ".satire" / "state.db").read_bytes()
    assert secret.encode() not in database and b"another-long-one" not in database


def typed_on_a_terminal(cwd: Path, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run `satire ARGS` on a pty, typing each answer after each prompt; the exit
    code and everything the terminal showed."""
    import os
    import pty
    import select
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    shown = b""
    pending = list(answers)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
            # click shows "Password for Ada:", then getpass its " " once the terminal
            # stops echoing (and drops what was typed before): answer after both
            if pending and shown.endswith(b": "):
                os.write(leader, pending.pop(0).encode() + b"\r")
        elif proc.poll() is not None:
            break
    os.close(leader)
    return proc.wait(timeout=10), shown.decode("utf-8", "replace")


def test_editors_add_asks_the_password_twice_on_a_terminal_and_never_echoes_it(
    tmp_path: Path,
) -> None:
    project = tmp_path / "p"
    assert run_satire("init", str(project)).code == 0
    secret = "typed-on-a-terminal-1"
    code, shown = typed_on_a_terminal(
        project, ["editors", "add", "Ada", "--role", "admin"], [secret, secret + "x"]
    )
    assert code == 2 and "the two passwords differ" in shown
    assert accounts.Accounts(load_project(project)).get("Ada") is None
    code, shown = typed_on_a_terminal(
        project, ["editors", "add", "Ada", "--role", "admin"], [secret, secret]
    )
    assert code == 0 and "Password for Ada:" in shown and "added Ada (admin)" in shown
    assert secret not in shown  # not echoed
    assert accounts.Accounts(load_project(project)).authenticate("Ada", secret) is not None


def test_desk_refuses_a_non_loopback_address_while_no_account_exists(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_satire("init", str(project)).code == 0
    refused = run_satire("desk", "--host", "0.0.0.0", "--port", "0", cwd=project)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "refusing to listen on 0.0.0.0" in refused.err and "satire editors add" in refused.err
    add_account(project, "Ada", "admin")
    with serving(project, "--host", "0.0.0.0", command="desk") as served:
        assert Client(served.port).get("/_desk/").headers["location"].startswith("/_desk/login")


# -- signing in ---------------------------------------------------------------------------------


def test_brute_force_is_throttled_alike_for_known_and_unknown_accounts(
    team: tuple[Path, Any],
) -> None:
    _, served = team
    answers = {}
    for name in ("Brutus", "Nobody"):
        client = Client(served.port)
        token = client.get("/_desk/login").csrf
        origin = f"http://{client.host}"
        tries = [
            client.post(
                "/_desk/login",
                {"csrf": token, "name": name, "password": f"guess-{n}"},
                origin=origin,
            )
            for n in range(accounts.MAX_PER_ACCOUNT + 1)
        ]
        assert [t.status for t in tries] == [401] * accounts.MAX_PER_ACCOUNT + [429], name
        wrong, throttled = tries[0], tries[-1]
        # while throttled, even the right password is turned away
        right = client.post(
            "/_desk/login", {"csrf": token, "name": name, "password": PASSWORD}, origin=origin
        )
        assert right.status == 429
        answers[name] = (error_of(wrong.text), error_of(throttled.text))
    assert answers["Brutus"] == answers["Nobody"]  # never tells whether an account exists
    assert answers["Brutus"][0] == "Wrong name or password."
    assert answers["Brutus"][1].startswith("Too many failed sign-ins")
    signed(served.port, "Pia")  # other accounts are not locked out


def error_of(page: str) -> str:
    start = page.index('data-testid="error">') + len('data-testid="error">')
    return page[start : page.index("<", start)]


def test_failed_sign_ins_are_throttled_per_client_address(tmp_path: Path) -> None:
    project = make_project(tmp_path / "blog", slugs=[])
    add_account(project, "Ed", "editor")
    app = mounted(Desk(load_project(project)).wsgi)
    attacker = WSGIClient(app, use_cookies=True)
    base = {"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:80"}
    token = attacker.get("/_desk/login", environ_base=base).get_data(as_text=True)
    token = token.split('name="csrf" value="')[1][:64]
    codes = [
        attacker.post(
            "/_desk/login",
            data={"csrf": token, "name": f"user{n}", "password": "nope-nope"},
            environ_base=base,
        ).status_code
        for n in range(accounts.MAX_PER_ADDRESS + 1)
    ]
    assert codes == [401] * accounts.MAX_PER_ADDRESS + [429]


def test_sign_in_makes_a_new_session_id_and_sign_out_ends_it(team: tuple[Path, Any]) -> None:
    _, served = team
    client = Client(served.port)
    cookie = f"satire_desk_{served.port}"
    token = client.get("/_desk/login").csrf
    planted = client.cookies[cookie]  # what an attacker could have set in the victim's browser
    reply = client.post(
        "/_desk/login",
        {"csrf": token, "name": "Ed", "password": PASSWORD},
        origin=f"http://{client.host}",
    )
    assert reply.status == 303
    set_cookie = reply.headers["set-cookie"]
    assert (
        "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Path=/_desk/" in set_cookie
    )
    session = client.cookies[cookie]
    assert session != planted
    fixated = Client(served.port)
    fixated.cookies[cookie] = planted
    assert fixated.get("/_desk/").status == 303  # the planted id signs no one in
    assert client.get("/_desk/").status == 200
    out = client.post(
        "/_desk/logout", {"csrf": client.get("/_desk/").csrf}, origin=f"http://{client.host}"
    )
    assert out.status == 303 and out.headers["location"] == "/_desk/login"
    replay = Client(served.port)
    replay.cookies[cookie] = session
    assert replay.get("/_desk/").headers["location"].startswith("/_desk/login")


def test_a_forged_or_expired_session_cookie_gets_the_login_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path / "blog", slugs=[], desk={"session_hours": 1})
    add_account(project, "Ed", "editor")
    app = mounted(Desk(load_project(project)).wsgi)
    cookie = "satire_desk_80"  # the in-process desk is served at port 80
    forged = InProcess(app)
    forged.cookies[cookie] = "A" * 43
    assert forged.get("/_desk/").headers["location"].startswith("/_desk/login")
    client = InProcess(app)
    client.sign_in("Ed")
    assert client.get("/_desk/").status == 200
    # an hour and a second later, by the sessions' own clock (a wall-clock wait
    # would race the sign-in itself on a busy machine)
    later = time.time() + 3601
    monkeypatch.setattr(accounts, "time", SimpleNamespace(time=lambda: later))
    expired = client.get("/_desk/log")
    assert expired.status == 303 and expired.headers["location"].startswith("/_desk/login")
    assert "Sign in" in client.get(expired.headers["location"]).text


def test_sign_in_wants_the_token_and_the_origin(team: tuple[Path, Any]) -> None:
    _, served = team
    client = Client(served.port)
    token = client.get("/_desk/login").csrf
    fields = {"name": "Ed", "password": PASSWORD}
    assert client.post("/_desk/login", fields, origin=f"http://{client.host}").status == 403
    assert (
        client.post("/_desk/login", {**fields, "csrf": token}, origin="http://evil.example").status
        == 403
    )
    signed_in = signed(served.port, "Ed")
    assert signed_in.post("/_desk/logout", {}, origin=f"http://{client.host}").status == 403
    assert signed_in.get("/_desk/").status == 200  # a forged sign-out did nothing


# -- roles ---------------------------------------------------------------------------------------


def test_each_role_is_refused_what_it_may_not_do_when_posted_by_hand(
    team: tuple[Path, Any],
) -> None:
    project, served = team
    slug = "sora-app"
    forbidden = {
        "Wren": ["approve", "reject", "publish", "unpublish"],
        "Ed": ["publish", "unpublish"],
    }
    before = (DraftStore(load_project(project)).path(slug).read_bytes(), log_of(project, slug))
    for name, actions in forbidden.items():
        client = signed(served.port, name)
        page = client.get(f"/_desk/drafts/{slug}")
        for action in actions:
            assert f'data-action="{action}"' not in page.text  # not offered
            reply = client.post(
                f"/_desk/drafts/{slug}/{action}",
                {"csrf": page.csrf, "revision": page.revision, "note": "forged", "ack": "yes"},
                origin=f"http://{client.host}",
            )
            assert reply.status == 403, (name, action)
            assert f"{name} is a {PEOPLE[name]}; to {action} takes a role of" in reply.text
        accounts_page = client.get("/_desk/accounts")
        assert accounts_page.status == 403
    assert (
        DraftStore(load_project(project)).path(slug).read_bytes(),
        log_of(project, slug),
    ) == before
    pia = signed(served.port, "Pia")
    assert pia.get("/_desk/accounts").status == 403
    ada = signed(served.port, "Ada")
    listing = ada.get("/_desk/accounts")
    assert listing.status == 200 and all(f'data-account="{n}"' in listing.text for n in PEOPLE)
    assert PASSWORD not in listing.text and "scrypt$" not in listing.text


def test_roles_that_may_act_do_and_the_log_names_the_account(team: tuple[Path, Any]) -> None:
    project, served = team
    slug = "iphone-air"
    ed, pia = signed(served.port, "Ed"), signed(served.port, "Pia")
    assert ed.act(slug, "approve", {"ack": "yes"}).status == 303
    assert pia.act(slug, "publish").status == 303
    assert status(project, slug) == "published"
    assert log_of(project, slug) == [("approve", "Ed"), ("publish", "Pia")]


def test_satire_desk_serves_the_site_assets_its_previews_link_to(team: tuple[Path, Any]) -> None:
    _, served = team
    client = Client(served.port)
    preview = signed(served.port, "Ed").get("/_desk/drafts/iphone-air/preview").text
    css = re.search(r'href="(/theme/[^"]+\.css)"', preview)
    assert css, "the preview links the theme's stylesheet"
    sheet = client.get(css.group(1))
    assert sheet.status == 200 and sheet.headers["content-type"].startswith("text/css")
    assert (
        client.get("/satire.yaml").status == 404
        and client.get("/drafts/iphone-air.md").status == 404
    )
    assert client.get("/").headers["location"] == "/_desk/"


# -- concurrency ---------------------------------------------------------------------------------


def test_an_action_on_a_stale_revision_is_refused_with_one_line(team: tuple[Path, Any]) -> None:
    project, served = team
    slug = "microsoft-copilot-app"
    ed = signed(served.port, "Ed")
    page = ed.get(f"/_desk/drafts/{slug}")
    shown = page.revision
    store = DraftStore(load_project(project))
    store.save_revision(store.load(slug))  # someone else's new revision lands meanwhile
    reply = ed.post(
        f"/_desk/drafts/{slug}/approve",
        {"csrf": page.csrf, "revision": shown, "seen": seen_of(page.text), "ack": "yes"},
        origin=f"http://{ed.host}",
    )
    assert reply.status == 409
    now = int(shown) + 1
    assert f"it is at revision {now} now, not revision {shown} as you saw it" in reply.text
    assert f'data-testid="revision">{now}<' in reply.text  # the page shows the current one
    assert status(project, slug) == "draft" and log_of(project, slug) == []
    # a hand edit of the file after the page was shown is not approved unseen either
    page = ed.get(f"/_desk/drafts/{slug}")
    path = store.path(slug)
    path.write_text(path.read_text("utf-8") + "\nUne phrase que personne n'a relue.\n", "utf-8")
    unseen = ed.post(
        f"/_desk/drafts/{slug}/approve",
        {"csrf": page.csrf, "revision": page.revision, "seen": seen_of(page.text), "ack": "yes"},
        origin=f"http://{ed.host}",
    )
    assert unseen.status == 409 and "as you saw it" in unseen.text
    assert status(project, slug) == "draft"
    assert [a for a, _ in log_of(project, slug)] == [
        "record"
    ]  # recorded, in Ed's name, not approved


def seen_of(page: str) -> str:
    return page.split('name="seen" value="')[1][:64]


def test_two_approvals_at_once_give_one_approval_and_one_refusal(team: tuple[Path, Any]) -> None:
    project, served = team
    slug = "amazon-desantis"
    clients = [signed(served.port, "Ed"), signed(served.port, "Ada")]
    pages = [c.get(f"/_desk/drafts/{slug}") for c in clients]
    go = threading.Barrier(2)
    replies: list[Any] = [None, None]

    def approve(i: int) -> None:
        go.wait()
        replies[i] = clients[i].post(
            f"/_desk/drafts/{slug}/approve",
            {"csrf": pages[i].csrf, "revision": pages[i].revision, "ack": "yes"},
            origin=f"http://{clients[i].host}",
        )

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status for r in replies)
    assert codes == [303, 409], codes
    refused = next(r for r in replies if r.status == 409)
    assert "cannot approve" in refused.text and "status is &#39;approved&#39;" in refused.text
    assert [a for a, _ in log_of(project, slug)] == ["approve"]


# -- single sign-on behind a proxy -----------------------------------------------------------------


def test_trusted_header_is_honoured_only_from_trusted_proxies(tmp_path: Path) -> None:
    project = make_project(
        tmp_path / "blog",
        slugs=[],
        desk={"trusted_proxies": ["10.0.0.0/8"], "trusted_header": "Remote-User"},
    )
    add_account(project, "Ed", "editor")
    app = mounted(Desk(load_project(project)).wsgi)

    def get(address: str, **headers: str) -> Any:
        environ = {"REMOTE_ADDR": address, "HTTP_HOST": "127.0.0.1:80"}
        environ.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
        return WSGIClient(app).get("/_desk/", environ_base=environ)

    # from anyone else, the header is ignored: the login page
    stranger = get("203.0.113.9", remote_user="Ed")
    assert stranger.status_code == 303 and stranger.headers["Location"].startswith("/_desk/login")
    loopback = get("127.0.0.1", remote_user="Ed")
    assert loopback.status_code == 303
    # from the proxy: signed in as the account named, with its role
    proxied = get(
        "10.1.2.3",
        remote_user="Ed",
        x_forwarded_host="desk.example.org",
        x_forwarded_proto="https",
        x_forwarded_for="198.51.100.7",
    )
    assert proxied.status_code == 200, proxied.get_data(as_text=True)
    page = proxied.get_data(as_text=True)
    assert 'data-testid="editor-name">Ed<' in page and 'data-testid="role">editor<' in page
    assert "Secure" in proxied.headers["Set-Cookie"]  # https as the proxy says
    unknown = get("10.1.2.3", remote_user="Mallory", x_forwarded_host="desk.example.org")
    assert unknown.status_code == 403 and "'Mallory' has no desk account" in unknown.get_data(
        as_text=True
    )
    # the desk itself reads the header only when the proxy check let it through
    inner = Desk(load_project(project)).app.test_client()
    direct = inner.get("/", headers={"Remote-User": "Ed"}, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert direct.status_code == 303
    # forwarded host and scheme from a stranger are not believed: its Host is checked
    spoofed = get("203.0.113.9", x_forwarded_host="127.0.0.1:80", remote_user="Ed")
    assert spoofed.status_code == 303
    foreign = WSGIClient(app).get(
        "/_desk/", headers={"Host": "desk.example.org"}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert foreign.status_code == 403


def test_a_desk_with_no_account_answers_only_on_this_machine(tmp_path: Path) -> None:
    project = make_project(tmp_path / "blog", slugs=[])
    app = mounted(Desk(load_project(project)).wsgi)
    here = WSGIClient(app).get(
        "/_desk/", environ_base={"REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:80"}
    )
    assert here.status_code == 200  # no sign-in: as easy as on one's own machine
    away = WSGIClient(app).get(
        "/_desk/", environ_base={"REMOTE_ADDR": "192.0.2.4", "HTTP_HOST": "127.0.0.1:80"}
    )
    assert away.status_code == 403 and "no accounts yet" in away.get_data(as_text=True)


# -- secrets --------------------------------------------------------------------------------------


def test_no_password_or_hash_in_any_output_or_the_audit_log(team: tuple[Path, Any]) -> None:
    project, served = team
    client = signed(served.port, "Ada")
    client.get("/_desk/log")
    state = load_project(project)
    with accounts.Accounts(state)._db() as conn:
        hashes = [r[0] for r in conn.execute("SELECT password_hash FROM desk_accounts")]
    assert hashes and all(h.startswith("scrypt$") for h in hashes)
    salts_and_digests = [part for h in hashes for part in h.split("$")[4:]]
    pages = [client.get(p).text for p in ("/_desk/", "/_desk/log", "/_desk/accounts")]
    listed = run_satire("editors", "list", cwd=project)
    logged = [str(e) for e in audit.log(state)]
    texts = [*pages, listed.out, listed.err, *served.out, *served.err, *logged]
    for text in texts:
        assert PASSWORD not in text
        assert not any(part in text for part in salts_and_digests)
    assert PASSWORD.encode() not in (project / ".satire" / "state.db").read_bytes()
