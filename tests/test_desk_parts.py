"""The desk's own pieces, without a server: findings marked in a rendered
page, the word-level diff layout, the Host/Origin rules, roles and passwords."""

from __future__ import annotations

import difflib
import re

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from generator.check.marks import mark_findings
from generator.desk import accounts
from generator.desk.diffs import front_matter_end, layout
from generator.desk.security import Guard, is_loopback, split_host

PAGE = """<!doctype html><html><head><title>50 milliards</title>
<script type="application/ld+json">{"headline": "50 milliards"}</script></head>
<body><h1>Amazon &amp; les 50&nbsp;milliards</h1>
<p>Il a dit «&#160;Nous <em>sommes</em> ravis&#8239;» et 150 milliards, puis 50 milliards.</p>
<p><a href="/x" title="Jeff Bezos">Jeff Bezos</a></p></body></html>"""


def test_marks_wrap_each_occurrence_in_visible_text_only() -> None:
    marked = mark_findings(PAGE, ["50 milliards", "«Nous sommes ravis »", "Jeff Bezos", "absent"])
    html = marked.html
    assert marked.located == {0, 1, 2}
    assert (
        "<title>50 milliards</title>" in html and '{"headline": "50 milliards"}' in html
    )  # head and scripts untouched
    assert html.count('data-finding="0"') == 2  # "150 milliards" is not "50 milliards"
    assert (
        '<mark class="satire-finding" data-finding="0" id="finding-0">50&nbsp;milliards</mark>'
        in html
    )
    assert (
        '<em><mark class="satire-finding" data-finding="1">sommes</mark></em>' in html
    )  # split per text run: still well formed
    assert (
        'title="Jeff Bezos"' in html
        and '<mark class="satire-finding" data-finding="2" id="finding-2">Jeff Bezos</mark></a>'
        in html
    )
    assert html.replace("</mark>", "").count("<mark") == html.count("</mark>")


def test_marks_leave_the_page_byte_identical_apart_from_the_marks() -> None:
    marked = mark_findings(PAGE, ["Nous sommes ravis", "Amazon & les"])
    assert (
        re.sub(
            r'<mark class="satire-finding" data-finding="\d+"( id="finding-\d+")?>|</mark>',
            "",
            marked.html,
        )
        == PAGE
    )


def test_marks_follow_markdown_quotes_and_typography() -> None:
    page = "<body><p>Il cite “l'avenir est en bêta” avec un sourire\u202f!</p></body>"
    marked = mark_findings(page, ['"l\'avenir est en **bêta**"', "sourire !"])
    assert marked.located == {0, 1}


def test_diff_layout_marks_changed_words_and_keeps_front_matter_apart() -> None:
    old_text = "---\ntitle: A\nrevision: 1\n---\n\nLe chat dort sur le clavier.\n\nligne 2\n"
    new_text = (
        "---\ntitle: A\nrevision: 2\n---\n\nLe chien dort sous le clavier.\n\nligne 2\nnouvelle\n"
    )
    assert front_matter_end(old_text) == 4 and front_matter_end("no front matter") == 0
    unified = difflib.unified_diff(
        old_text.splitlines(keepends=True), new_text.splitlines(keepends=True), "a", "b", n=1
    )
    diff = layout(unified, old_front=4, new_front=4)
    assert (diff.added, diff.removed) == (3, 2)
    assert diff.front_keys == ["revision"]
    changed = [line for line in diff.body if line.kind in ("added", "removed")]
    assert [line.kind for line in changed] == ["removed", "added", "added"]
    assert [text for text, hit in changed[0].pieces if hit] == ["chat", "sur"]
    assert [text for text, hit in changed[1].pieces if hit] == ["chien", "sous"]
    assert changed[2].pieces == [("nouvelle", False)]
    assert not any("revision" in line.text for line in diff.body)
    assert layout([]).empty


def _request(method: str = "GET", scheme: str = "http", **headers: str) -> Request:
    named = {k.replace("_", "-"): v for k, v in headers.items()}
    environ = EnvironBuilder(
        "/_desk/", base_url=f"{scheme}://127.0.0.1:8000/", method=method, headers=named
    ).get_environ()
    if "host" in named:
        environ["HTTP_HOST"] = named["host"]
    return Request(environ)


def test_guard_accepts_only_the_served_host_and_origin() -> None:
    guard = Guard("127.0.0.1", 8000)
    assert guard.refusal(_request(host="127.0.0.1:8000")) is None
    assert guard.refusal(_request(host="localhost:8000")) is None
    assert guard.refusal(_request(host="[::1]:8000")) is None
    assert (
        guard.refusal(_request("POST", host="127.0.0.1:8000", origin="http://127.0.0.1:8000"))
        is None
    )
    for host in (
        "evil.example:8000",
        "127.0.0.1:8001",
        "127.0.0.1",
        "",
        "127.0.0.1:8000@evil",
        "localhost.evil.example:8000",
    ):
        assert guard.refusal(_request(host=host)) is not None, host
    assert (
        guard.refusal(_request("POST", host="127.0.0.1:8000", origin="http://localhost:8000"))
        is not None
    )  # not this Host's origin
    assert (
        guard.refusal(_request("POST", host="127.0.0.1:8000", sec_fetch_site="cross-site"))
        is not None
    )
    wide = Guard("0.0.0.0", 8000)
    assert (
        wide.refusal(_request(host="192.168.1.20:8000")) is None
    )  # an IP literal cannot be rebound
    assert wide.refusal(_request(host="rebind.evil.example:8000")) is not None


def test_small_rules() -> None:
    assert (
        is_loopback("127.0.0.1")
        and is_loopback("::1")
        and is_loopback("localhost")
        and is_loopback("127.3.4.5")
    )
    assert (
        not is_loopback("0.0.0.0")
        and not is_loopback("192.168.1.2")
        and not is_loopback("example.com")
    )
    assert split_host("[::1]:80") == ("::1", 80) and split_host("a:b:c") is None


def test_roles_are_ranked_and_each_action_needs_its_role() -> None:
    table = {
        "writer": {"edit", "revise", "confirm", "drop"},
        "editor": {"edit", "revise", "confirm", "drop", "approve", "reject", "discard"},
        "publisher": {"edit", "revise", "confirm", "drop", "approve", "reject", "discard"}
        | {"publish", "unpublish"},
    }
    table["admin"] = table["publisher"] | {"accounts"}
    for role, may in table.items():
        assert {a for a in accounts.NEEDS if accounts.allowed(role, a)} == may, role
    assert not accounts.allowed("root", "approve") and not accounts.allowed("admin", "rm")


def test_password_hash_is_salted_scrypt_and_verifies_only_the_password() -> None:
    one, two = accounts.hash_password("hunter2hunter2"), accounts.hash_password("hunter2hunter2")
    assert one.startswith("scrypt$") and one != two  # a salt of its own
    assert "hunter2" not in one
    assert accounts.verify_password("hunter2hunter2", one)
    assert not accounts.verify_password("hunter2hunter3", one)
    assert not accounts.verify_password("hunter2hunter2", "plain")
