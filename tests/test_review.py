"""Editorial review: the status table walked move by move, the audit log (who,
what, revision, note, acknowledged findings; append-only; consistent after a
SIGKILL mid-command), publish dates, diffs, and the CLI's messages and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import sqlite3
from pathlib import Path

import pytest

from generator.config import Project, load_project
from generator.drafts import STATUSES, DraftStore
from generator.errors import SatireError, TransitionError
from generator.infra import state
from generator.review import approval, audit, queries
from generator.review import workflow as rv
from tests.conftest import run_satire
from tests.reviewkit import FAITHFUL, STRAYING, make_draft


@pytest.fixture
def project(demo_project: Path) -> Project:
    return load_project(demo_project)


def status_of(project: Project, slug: str = "amazon-desantis") -> str:
    return DraftStore(project).load(slug).status


# -- the status table -------------------------------------------------------------


def test_every_allowed_move_in_turn(project: Project) -> None:
    make_draft(project)
    slug = "amazon-desantis"
    assert rv.approve(project, slug, by="ed").status == "approved"
    assert rv.publish(project, slug, by="ed").status == "published"
    assert rv.unpublish(project, slug, by="ed").status == "approved"
    assert rv.reject(project, slug, by="ed", note="on second thought").status == "rejected"
    make_draft(project, "second")
    assert rv.reject(project, "second", by="ed", note="no").status == "rejected"
    assert status_of(project) == "rejected" and status_of(project, "second") == "rejected"
    # (revise, from draft, approved and rejected: test_review_revise.py)
    moves = [
        (e["action"], e["details"]["from"], e["details"]["to"], e["revision"])
        for e in audit.log(project, slug)
    ]
    assert moves == [
        ("approve", "draft", "approved", 1),
        ("publish", "approved", "published", 1),
        ("unpublish", "published", "approved", 1),
        ("reject", "approved", "rejected", 1),
    ]


# The status machine as the editors' guide states it, written out here so that
# a wrong table in generator/review/workflow.py fails: action -> (from, to).
EXPECTED_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": (("draft",), "approved"),
    "reject": (("draft", "approved"), "rejected"),
    "revise": (("draft", "approved", "rejected"), "draft"),
    "publish": (("approved",), "published"),
    "unpublish": (("published",), "approved"),
}


def test_every_move_in_the_table_is_exercised_and_every_other_refused(project: Project) -> None:
    assert set(STATUSES) == {"draft", "approved", "rejected", "published"}
    make_draft(
        project, body=FAITHFUL + "\n\n" + FAITHFUL
    )  # long enough for the offline writer to revise
    store = DraftStore(project)
    actions = {
        "approve": lambda: rv.approve(project, "amazon-desantis", by="ed"),
        "reject": lambda: rv.reject(project, "amazon-desantis", by="ed", note="why"),
        "publish": lambda: rv.publish(project, "amazon-desantis", by="ed"),
        "unpublish": lambda: rv.unpublish(project, "amazon-desantis", by="ed"),
        "revise": lambda: rv.revise(
            project, "amazon-desantis", by="ed", note="shorter", offline=True
        ),
    }
    assert set(actions) == set(EXPECTED_MOVES) == set(rv.ACTIONS)  # a new action needs its row here
    for status in STATUSES:
        for action, call in actions.items():
            sources, target = EXPECTED_MOVES[action]
            moved = store.load("amazon-desantis").model_copy(update={"status": status})
            if status in ("approved", "published"):  # as an editor's yes to this very text
                moved = approval.seal(moved, "ed")
            store.save(moved)
            store.remove_published("amazon-desantis")  # no copy online from an earlier turn
            if status in sources:
                assert call().status == target
                assert status_of(project) == target
            else:
                with pytest.raises(TransitionError) as info:
                    call()
                expected = " or ".join(repr(s) for s in sources)
                assert (
                    info.value.message
                    == f"cannot {action} 'amazon-desantis': status is {status!r}, expected {expected}"
                )
                assert status_of(project) == status  # untouched


def test_forbidden_move_on_the_cli_is_one_line_exit_2(project: Project) -> None:
    make_draft(project, status="published")
    before = DraftStore(project).path("amazon-desantis").read_text()
    result = run_satire("review", "approve", "amazon-desantis", "--by", "ed", cwd=project.root)
    assert result.code == 2
    assert result.err_lines == [
        "cannot approve 'amazon-desantis': status is 'published', expected 'draft'"
    ]
    assert DraftStore(project).path("amazon-desantis").read_text() == before
    assert audit.log(project) == []


def test_unknown_slug_suggests_the_near_one(project: Project) -> None:
    make_draft(project)
    result = run_satire("review", "approve", "amazon-desantys", cwd=project.root)
    assert result.code == 2
    assert result.err_lines == [
        "no draft 'amazon-desantys' in drafts/ (did you mean \"amazon-desantis\"?)"
    ]


# -- approval acknowledges the fact check ------------------------------------------------


def test_approve_with_findings_needs_ack_and_logs_them(project: Project) -> None:
    make_draft(project, body=STRAYING)
    result = run_satire("review", "approve", "amazon-desantis", "--by", "Alice", cwd=project.root)
    assert result.code == 2
    assert len(result.err_lines) == 1 and "--ack" in result.err and "finding(s)" in result.err
    assert status_of(project) == "draft"

    result = run_satire(
        "review",
        "approve",
        "amazon-desantis",
        "--by",
        "Alice",
        "--note",
        "the jokes are ours",
        "--ack",
        cwd=project.root,
    )
    assert result.code == 0, result.err
    assert status_of(project) == "approved"
    (entry,) = audit.log(project, "amazon-desantis")
    assert (entry["who"], entry["action"], entry["revision"], entry["note"]) == (
        "Alice",
        "approve",
        1,
        "the jokes are ours",
    )
    assert entry["details"]["acknowledged"] is True
    logged = {(f["kind"], f["text"]) for f in entry["details"]["findings"]}
    assert {
        ("person", "Sarah Chen"),
        ("number", "300"),
        ("quote", "« Amazon a toujours eu un coup d'avance »"),
    } <= logged
    out = run_satire("review", "log", cwd=project.root).out
    assert (
        "Alice  approve  amazon-desantis r1  draft -> approved  acknowledged" in out
        and '"the jokes are ours"' in out
    )


def test_approve_a_faithful_draft_needs_no_ack(project: Project) -> None:
    make_draft(project)
    assert rv.approve(project, "amazon-desantis", by="ed").status == "approved"
    assert audit.log(project)[0]["details"]["acknowledged"] is False


def test_reject_requires_a_note(project: Project) -> None:
    make_draft(project)
    result = run_satire("review", "reject", "amazon-desantis", cwd=project.root)
    assert result.code == 2 and "--note" in result.err
    with pytest.raises(SatireError, match="say why"):
        rv.reject(project, "amazon-desantis", note="  ")
    assert status_of(project) == "draft"


# -- who -----------------------------------------------------------------------------------


def test_editor_is_by_else_git_user_else_os_user(project: Project, isolated_env: Path) -> None:
    import getpass

    make_draft(project)
    make_draft(project, "second")
    make_draft(project, "third")
    assert (
        run_satire("review", "approve", "amazon-desantis", "--by", "Zoé", cwd=project.root).code
        == 0
    )
    assert (
        run_satire("review", "approve", "second", cwd=project.root).code == 0
    )  # no git identity in this HOME
    (isolated_env / ".gitconfig").write_text("[user]\n\tname = Grace Editor\n")
    assert run_satire("review", "approve", "third", cwd=project.root).code == 0
    assert [e["who"] for e in audit.log(project)] == ["Zoé", getpass.getuser(), "Grace Editor"]


# -- publish and unpublish ----------------------------------------------------------------------


def test_publish_stamps_today_unless_dated_and_unpublish_keeps_the_date(project: Project) -> None:
    make_draft(project, status="approved")
    make_draft(project, "dated", status="approved", date=dt.date(2025, 12, 4))
    result = run_satire("publish", "amazon-desantis", "dated", "--by", "ed", cwd=project.root)
    assert result.code == 0, result.err
    today = dt.datetime.now(dt.UTC).date()  # the demo site's timezone is UTC
    assert DraftStore(project).load("amazon-desantis").date == today
    assert DraftStore(project).load("dated").date == dt.date(2025, 12, 4)
    assert [e["details"]["date"] for e in audit.log(project)] == [today.isoformat(), "2025-12-04"]

    result = run_satire("unpublish", "amazon-desantis", cwd=project.root)
    assert result.code == 0
    draft = DraftStore(project).load("amazon-desantis")
    assert (draft.status, draft.date) == ("approved", today)


def test_publish_without_slug_publishes_every_approved_draft(project: Project) -> None:
    make_draft(project, "one", status="approved")
    make_draft(project, "two", status="approved")
    make_draft(project, "three")  # a draft stays a draft
    result = run_satire("publish", cwd=project.root)
    assert result.code == 0
    assert [status_of(project, s) for s in ("one", "two", "three")] == [
        "published",
        "published",
        "draft",
    ]
    assert run_satire("publish", cwd=project.root).out.startswith("nothing to publish")
    # an unreadable draft is reported (file:line:col) and the others are still published
    make_draft(project, "four", status="approved")
    (project.drafts_dir / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nbody\n")
    result = run_satire("publish", cwd=project.root)
    assert result.code == 2 and status_of(project, "four") == "published"
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith("drafts/broken.md:")


def test_publish_goes_on_after_a_bad_slug(project: Project) -> None:
    make_draft(project, "one")
    make_draft(project, "two", status="approved")
    result = run_satire("publish", "one", "two", cwd=project.root)
    assert result.code == 2
    assert result.err_lines == ["cannot publish 'one': status is 'draft', expected 'approved'"]
    assert status_of(project, "two") == "published"


# -- the listing ---------------------------------------------------------------------------------


def test_review_list_shows_status_style_language_and_flags(project: Project) -> None:
    make_draft(project)
    make_draft(project, "straying", body=STRAYING, status="approved")
    result = run_satire("review", "list", cwd=project.root)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split()[:6] == ["SLUG", "STATUS", "REV", "LANG", "STYLE", "FLAGS"]
    assert lines[1].split()[:6] == ["amazon-desantis", "draft", "1", "fr", "geek-puns", "0"]
    assert (
        lines[2].split()[:5] == ["straying", "approved", "1", "fr", "geek-puns"]
        and int(lines[2].split()[5]) >= 3
    )
    only = run_satire(
        "review", "list", "--status", "approved", "--format", "json", cwd=project.root
    )
    rows = json.loads(only.out)
    assert [r["slug"] for r in rows] == ["straying"]
    assert rows[0]["findings"] >= 3 and rows[0]["language"] == "fr" and rows[0]["revision"] == 1


def test_review_list_says_when_the_brief_is_gone(project: Project) -> None:
    make_draft(project)
    (project.root / "briefs" / "amazon-desantis.yaml").unlink()
    result = run_satire("review", "list", cwd=project.root)
    assert result.code == 0
    assert "?" in result.out.splitlines()[1].split()
    assert (
        "fact check not run" in result.err and "briefs/amazon-desantis.yaml not found" in result.err
    )


def test_review_show_prints_the_draft_and_its_report(project: Project) -> None:
    make_draft(project, body=STRAYING)
    result = run_satire("review", "show", "amazon-desantis", cwd=project.root)
    assert result.code == 0
    assert "Sarah Chen" in result.out and "status:    draft" in result.out
    assert STRAYING in result.out  # not a terminal: the body as written, no escapes
    assert "Fact check: 3 finding(s)" in result.out
    # each finding points at its line and column in the file
    text = DraftStore(project).path("amazon-desantis").read_text().splitlines()
    findings = [
        f
        for f in queries.factcheck(project, DraftStore(project).load("amazon-desantis"))
        if f.blocking
    ]
    claims_part = result.out.split("Translation and style:")[
        0
    ]  # style notes are listed apart, after the claims
    shown = re.findall(
        r"^  drafts/amazon-desantis\.md:(\d+):(\d+): (\w+): (.*)$", claims_part, re.M
    )
    assert len(shown) == len(findings) == 3
    for (row, col, kind, rest), finding in zip(shown, findings, strict=True):
        assert kind == finding.kind and rest.startswith(f"{finding.text}: {finding.message[:20]}")
        assert text[int(row) - 1][int(col) - 1 :].startswith(finding.text)


# -- diffs -------------------------------------------------------------------------------------------


def test_diff_defaults_to_the_last_two_revisions(project: Project) -> None:
    make_draft(project, body="Première version : 27 ans chez Amazon.")
    make_draft(project, body="Deuxième version : huit années chez AWS.")
    make_draft(project, body="Troisième version : 27 ans et des puces.")
    result = run_satire("review", "diff", "amazon-desantis", cwd=project.root)
    assert result.code == 0
    assert (
        "--- amazon-desantis revision 2" in result.out
        and "+++ amazon-desantis revision 3" in result.out
    )
    assert "-Deuxième version : huit années chez AWS." in result.out
    assert "+Troisième version : 27 ans et des puces." in result.out
    assert "\x1b[" not in result.out  # not a terminal: no color
    explicit = run_satire(
        "review", "diff", "amazon-desantis", "1", "3", "--color", cwd=project.root
    )
    assert (
        "\x1b[31m-Première version" in explicit.out and "\x1b[32m+Troisième version" in explicit.out
    )


def test_diff_with_one_revision_says_so(project: Project) -> None:
    make_draft(project)
    result = run_satire("review", "diff", "amazon-desantis", cwd=project.root)
    assert result.code == 2
    assert result.err_lines == [
        "'amazon-desantis' has 1 revision(s) (1): nothing to compare yet; 'satire review revise amazon-desantis --note TEXT' makes another"
    ]
    missing = run_satire("review", "diff", "amazon-desantis", "1", "7", cwd=project.root)
    assert missing.code == 2 and missing.err_lines == [
        "'amazon-desantis' has no revision 7 (revisions: 1)"
    ]


# -- the audit log ----------------------------------------------------------------------------------------


def test_nothing_deletes_from_the_audit_log(project: Project) -> None:
    make_draft(project)
    rv.approve(project, "amazon-desantis", by="ed")
    conn = state.connect(project.state_dir)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit_log SET who = 'someone else'")
    conn.close()
    assert [e["who"] for e in audit.log(project)] == ["ed"]


def test_log_for_one_slug_and_empty_log(project: Project) -> None:
    assert run_satire("review", "log", cwd=project.root).out.strip() == "the audit log is empty"
    make_draft(project)
    make_draft(project, "other")
    rv.approve(project, "amazon-desantis", by="ed")
    rv.reject(project, "other", by="ed", note="off topic")
    result = run_satire("review", "log", "other", "--format", "json", cwd=project.root)
    (entry,) = json.loads(result.out)
    assert (entry["action"], entry["note"], entry["who"]) == ("reject", "off topic", "ed")
    assert dt.datetime.fromisoformat(entry["at"]).tzinfo is not None


@pytest.mark.parametrize("point", ["after-intent", "mid-write", "after-draft"])
def test_audit_log_and_draft_agree_after_a_kill_mid_command(project: Project, point: str) -> None:
    make_draft(project)
    before = DraftStore(project).path("amazon-desantis").read_bytes()
    result = run_satire(
        "review",
        "approve",
        "amazon-desantis",
        "--by",
        "ed",
        env={audit.CRASH_ENV: point},
        cwd=project.root,
    )
    assert (
        result.code == -signal.SIGKILL
    )  # really killed: before, inside ("mid-write": half the bytes out) or after the draft's write
    drafts_dir = project.root / "drafts"
    assert [p.name for p in drafts_dir.iterdir() if not p.name.startswith(".")] == [
        "amazon-desantis.md"
    ]  # at most a hidden temp file beside it
    if point != "after-draft":
        assert (drafts_dir / "amazon-desantis.md").read_bytes() == before  # the old draft, whole
    status = status_of(project)
    log = audit.log(project, "amazon-desantis")  # the next run reconciles
    if point != "after-draft":  # the draft was never written: no move, no entry
        assert status == "draft" and log == []
    else:  # the draft was written: its entry is recorded on recovery
        assert status == "approved"
        assert [(e["action"], e["who"], e["details"]["to"]) for e in log] == [
            ("approve", "ed", "approved")
        ]
        assert "recovered" in log[0]["details"]
    # and work goes on from a consistent state, with nothing left pending
    assert run_satire("review", "log", cwd=project.root).code == 0
    conn = state.connect(project.state_dir)
    assert conn.execute("SELECT COUNT(*) FROM audit_pending").fetchone()[0] == 0
    conn.close()
    if status == "draft":
        rv.approve(project, "amazon-desantis", by="ed")
    rv.publish(project, "amazon-desantis", by="ed")
    assert [e["action"] for e in audit.log(project)] == ["approve", "publish"]


def test_a_pending_move_whose_draft_changed_since_is_logged_as_uncertain(project: Project) -> None:
    make_draft(project)
    result = run_satire(
        "review",
        "approve",
        "amazon-desantis",
        "--by",
        "ed",
        env={audit.CRASH_ENV: "after-intent"},
        cwd=project.root,
    )
    assert result.code == -signal.SIGKILL
    make_draft(
        project, body="Une réécriture par generate --force : 27 ans chez Amazon."
    )  # someone else wrote it meanwhile
    (entry,) = audit.log(project)
    assert "unknown" in entry["details"]["recovered"]


def test_diff_is_colored_on_a_terminal(project: Project) -> None:
    from tests.conftest import on_a_terminal

    make_draft(project, body="Avant : 27 ans chez Amazon.")
    make_draft(project, body="Après : huit années chez AWS.")
    text = on_a_terminal(project.root, "review", "diff", "amazon-desantis")
    assert (
        "\x1b[31m-Avant : 27 ans chez Amazon." in text
        and "\x1b[32m+Après : huit années chez AWS." in text
    )


def test_review_show_without_its_brief_still_shows_the_draft(project: Project) -> None:
    make_draft(project)
    (project.root / "briefs" / "amazon-desantis.yaml").unlink()
    result = run_satire("review", "show", "amazon-desantis", cwd=project.root)
    assert result.code == 2
    assert (
        "Peter DeSantis n'est pas un stagiaire" in result.out
        and "Fact check: not run" in result.out
    )
    assert result.err_lines == [
        "drafts/amazon-desantis.md: brief: briefs/amazon-desantis.yaml not found; restore it or fix the draft's 'brief' field"
    ]
