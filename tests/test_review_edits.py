"""Approvals bind to the text, and hand edits are revisions: a post edited after
its approval never reaches readers from the edited text (in place and on a fresh
clone), the build says so in one line, `review edit` / `record` / `restore`
make revisions, a stale edit is refused with the diff, publish refuses edited
text, and `review.second_editor` keeps an editor from approving their own edit."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import Project, load_project
from generator.drafts import DraftStore
from generator.errors import SatireError
from generator.review import approval, audit, edits, listing
from generator.review import workflow as rv
from tests.conftest import run_satire
from tests.reviewkit import STRAYING, make_draft

SLUG = "amazon-desantis"
EDIT = "Une phrase ajoutée à la main, que personne n'a relue."
PAGE = f"site/posts/{SLUG}/index.html"


@pytest.fixture
def project(demo_project: Path) -> Project:
    return load_project(demo_project)


def published(project: Project) -> None:
    """A post written, approved by ed and published, as the workflow does it."""
    make_draft(project)
    rv.approve(project, SLUG, by="ed")
    rv.publish(project, SLUG, by="ed")


def hand_edit(project: Project, text: str = EDIT) -> str:
    """Add a sentence to the draft's file, as in a text editor; the new file text."""
    path = DraftStore(project).path(SLUG)
    edited = path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n"
    path.write_text(edited, encoding="utf-8")
    return edited


def assert_online_as_approved(root: Path, build_err: str) -> None:
    """The post is on the site with the approved text, and the build said why, once."""
    page = (root / PAGE).read_text(encoding="utf-8")
    assert "27 ans chez Amazon" in page and "ajoutée à la main" not in page
    assert f'href="/posts/{SLUG}/"' in (root / "site/index.html").read_text(encoding="utf-8")
    lines = [line for line in build_err.splitlines() if SLUG in line]
    assert lines == [
        f"drafts/{SLUG}.md: edited since revision 1 was approved by ed: the site keeps the approved text "
        f"(to put the edit online: 'satire review approve {SLUG}' (or 'satire review edit {SLUG}'), "
        f"then 'satire publish {SLUG}'; to bring the approved text back: 'satire review restore {SLUG}')"
    ]


# -- the build shows approved text only -----------------------------------------------------


def test_a_hand_edit_of_a_published_post_never_reaches_the_built_site(project: Project) -> None:
    published(project)
    first = run_satire("build", cwd=project.root)
    assert first.code == 0 and first.err == "", first.err
    edited = hand_edit(project)
    result = run_satire("build", cwd=project.root)
    assert result.code == 0, result.err
    assert_online_as_approved(project.root, result.err)
    assert (project.root / "drafts" / f"{SLUG}.md").read_text(encoding="utf-8") == edited  # kept

    # the published copy edited by hand as well: nothing unapproved is shown at all
    copy = project.root / "drafts/.published" / f"{SLUG}.md"
    copy.write_text(copy.read_text(encoding="utf-8") + f"\n{EDIT}\n", encoding="utf-8")
    result = run_satire("build", cwd=project.root)
    assert result.code == 0, result.err
    assert not (project.root / PAGE).exists()
    assert result.err_lines == [
        f"drafts/.published/{SLUG}.md: edited by hand: it no longer matches its approval; left out of the site "
        f"(publish the post again: 'satire publish {SLUG}', or take it down: 'satire unpublish {SLUG}')"
    ]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_a_fresh_clone_builds_the_approved_text_too(project: Project, tmp_path: Path) -> None:
    published(project)
    (project.root / ".gitignore").write_text("/site/\n/.satire/\n", encoding="utf-8")
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "published")
    hand_edit(project)
    git(project.root, "commit", "-qam", "a sentence, unreviewed")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(project.root), str(clone))
    assert not (clone / ".satire").exists()
    result = run_satire("build", cwd=clone)
    assert result.code == 0, result.err
    assert_online_as_approved(clone, result.err)

    # without the revisions, a way out still keeps the edit (as a revision of the clone)
    restored = run_satire("review", "restore", SLUG, "--by", "ci", cwd=clone)
    assert restored.code == 0, restored.err
    assert "restored as revision 3, status published" in restored.out
    assert EDIT in DraftStore(load_project(clone)).revision_text(SLUG, 2)
    assert run_satire("build", cwd=clone).err == ""


def test_an_approved_draft_edited_by_hand_is_shown_only_as_a_draft(project: Project) -> None:
    make_draft(project)
    rv.approve(project, SLUG, by="ed")
    hand_edit(project)
    result = run_satire("build", "--drafts", cwd=project.root)
    assert result.code == 0, result.err
    page = (project.root / PAGE).read_text(encoding="utf-8")
    assert "ajoutée à la main" in page and "BROUILLON · draft" in page
    assert "left out of the site" in result.err
    assert run_satire("build", cwd=project.root).code == 0
    assert not (project.root / PAGE).exists()


def test_publish_refuses_text_changed_since_its_approval(project: Project) -> None:
    make_draft(project)
    rv.approve(project, SLUG, by="ed")
    edited = hand_edit(project)
    result = run_satire("publish", SLUG, cwd=project.root)
    assert result.code == 2
    assert result.err_lines == [
        f"cannot publish '{SLUG}': its text changed since revision 1 was approved by ed; "
        f"approve the edit ('satire review approve {SLUG}') or bring the approved text back "
        f"('satire review restore {SLUG}')"
    ]
    assert DraftStore(project).path(SLUG).read_text(encoding="utf-8") == edited
    assert not DraftStore(project).published_path(SLUG).exists()
    assert [e["action"] for e in audit.log(project, SLUG)] == ["approve"]


# -- hand edits are revisions ----------------------------------------------------------------


def fake_editor(tmp_path: Path, appended: str | None) -> dict[str, str]:
    """$EDITOR: a script that appends `appended` to the file (None: saves nothing)."""
    script = tmp_path / "editor.py"
    added = "\n\n" + (appended or "")
    action = (
        f"open(sys.argv[1], 'a', encoding='utf-8').write({added!r})"
        if appended is not None
        else "pass"
    )
    script.write_text(f"#!{sys.executable}\nimport sys\n{action}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {"EDITOR": str(script), "VISUAL": ""}


def test_review_edit_records_a_revision_and_runs_the_fact_check(
    project: Project, tmp_path: Path
) -> None:
    published(project)
    claim = "Selon Sarah Chen, 300 ingénieurs applaudissent."
    result = run_satire(
        "review", "edit", SLUG, "--by", "alice", cwd=project.root, env=fake_editor(tmp_path, claim)
    )
    assert result.code == 0, result.err
    assert f"{SLUG}: revision 2 recorded, status draft (back to review)" in result.out
    assert "Fact check: 2 finding(s)" in result.out and "Sarah Chen" in result.out
    draft = DraftStore(project).load(SLUG)
    assert (draft.revision, draft.status) == (2, "draft") and draft.body.endswith(claim)
    entry = audit.log(project, SLUG)[-1]
    assert (entry["who"], entry["action"], entry["revision"]) == ("alice", "edit", 2)
    assert f"+{claim}\n" in entry["details"]["diff"]
    assert {("person", "Sarah Chen"), ("number", "300")} <= {
        (f["kind"], f["text"]) for f in entry["details"]["findings"]
    }
    # the site keeps revision 1 while revision 2 is in review
    assert run_satire("build", cwd=project.root).code == 0
    assert "Sarah Chen" not in (project.root / PAGE).read_text(encoding="utf-8")

    unchanged = run_satire(
        "review", "edit", SLUG, cwd=project.root, env=fake_editor(tmp_path, None)
    )
    assert unchanged.code == 0 and "no change, nothing recorded (revision 2)" in unchanged.out
    assert len(audit.log(project, SLUG)) == 3


def test_review_list_tells_hand_edits_and_record_makes_them_revisions(project: Project) -> None:
    published(project)
    hand_edit(project)

    def state() -> str:
        return listing.listing(project)[0][0].edit_state

    rows = json.loads(run_satire("review", "list", "--format", "json", cwd=project.root).out)
    assert rows[0]["edit_state"] == "edited, not yet recorded"
    assert "edited, not yet recorded" in run_satire("review", "list", cwd=project.root).out
    result = run_satire("review", "record", SLUG, "--by", "bob", cwd=project.root)
    assert result.code == 0, result.err
    assert f"{SLUG}: the edit in the file recorded as revision 2" in result.out
    assert state() == "edited since approval"
    entry = audit.log(project, SLUG)[-1]
    assert (entry["who"], entry["action"], entry["revision"]) == ("bob", "record", 2)
    assert entry["details"]["diff"] and f"+{EDIT}\n" in entry["details"]["diff"]
    assert "ajoutée à la main" in DraftStore(project).revision_text(SLUG, 2)
    assert edits.record(project, SLUG, by="bob") is None  # nothing more to record


def test_a_review_action_on_a_hand_edited_draft_records_the_edit_first(project: Project) -> None:
    make_draft(project)
    hand_edit(project)
    result = run_satire("review", "approve", SLUG, "--by", "carol", cwd=project.root)
    assert result.code == 0, result.err
    assert [(e["action"], e["who"], e["revision"]) for e in audit.log(project, SLUG)] == [
        ("record", "carol", 2),
        ("approve", "carol", 2),
    ]
    draft = DraftStore(project).load(SLUG)
    assert draft.approved is not None and draft.approved.revision == 2
    assert draft.approved.digest == approval.digest(draft)


def test_restore_brings_back_the_approved_text_and_keeps_the_edit(project: Project) -> None:
    published(project)
    hand_edit(project)
    result = run_satire("review", "restore", SLUG, "--by", "dan", cwd=project.root)
    assert result.code == 0, result.err
    assert f"{SLUG}: the approved text restored as revision 3, status published" in result.out
    store = DraftStore(project)
    assert "ajoutée à la main" in store.revision_text(SLUG, 2)  # the edit, kept as a revision
    assert "ajoutée à la main" not in store.path(SLUG).read_text(encoding="utf-8")
    assert [e["action"] for e in audit.log(project, SLUG)][-2:] == ["record", "restore"]
    build = run_satire("build", cwd=project.root)
    assert build.code == 0 and build.err == "", build.err
    assert "27 ans chez Amazon" in (project.root / PAGE).read_text(encoding="utf-8")

    # an explicit revision: the edit back, for review
    back = run_satire("review", "restore", SLUG, "2", cwd=project.root)
    assert back.code == 0 and "revision 2 restored as revision 4, status draft" in back.out
    assert "ajoutée à la main" in store.path(SLUG).read_text(encoding="utf-8")


def test_unpublish_takes_down_a_post_whose_edit_is_in_review(project: Project) -> None:
    published(project)
    text = DraftStore(project).path(SLUG).read_text(encoding="utf-8") + f"\n{EDIT}\n"
    edits.edit_text(project, SLUG, text, by="alice", base_revision=1)
    assert run_satire("build", cwd=project.root).code == 0
    assert (project.root / PAGE).exists()
    result = run_satire("unpublish", SLUG, cwd=project.root)
    assert result.code == 0, result.err
    build = run_satire("build", cwd=project.root)
    assert build.code == 0 and not (project.root / PAGE).exists()
    assert build.err == ""


def test_an_unpublished_post_stays_off_the_site_when_edited(project: Project) -> None:
    published(project)
    assert run_satire("unpublish", SLUG, cwd=project.root).code == 0
    hand_edit(project)
    build = run_satire("build", cwd=project.root)
    assert build.code == 0 and not (project.root / PAGE).exists()
    assert "left out of the site" in build.err


# -- refusals -----------------------------------------------------------------------------------


def test_an_edit_on_a_stale_revision_is_refused_with_the_diff(project: Project) -> None:
    make_draft(project)
    store = DraftStore(project)
    text = store.path(SLUG).read_text(encoding="utf-8")
    first = text.replace("27 ans", "vingt-sept ans")
    second = text.rstrip("\n") + "\n\nLe second éditeur ajoute ceci.\n"
    edits.edit_text(project, SLUG, first, by="alice", base_revision=1)
    with pytest.raises(edits.StaleEdit) as info:
        edits.edit_text(project, SLUG, second, by="bob", base_revision=1)
    stale = info.value
    assert (stale.base_revision, stale.current_revision, stale.text) == (1, 2, second)
    assert any(line.startswith("+") and "vingt-sept ans" in line for line in stale.diff)
    assert any(line.startswith("-") and "27 ans" in line for line in stale.diff)
    assert "changed since revision 1 (now revision 2)" in stale.format_message()
    draft = store.load(SLUG)
    assert draft.revision == 2 and "vingt-sept ans" in draft.body
    assert [e["who"] for e in audit.log(project, SLUG)] == ["alice"]


def test_second_editor_cannot_approve_their_own_edit(project: Project) -> None:
    config = project.root / "satire.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "review:\n  second_editor: true\n", encoding="utf-8"
    )
    project = load_project(project.root)
    make_draft(project)
    text = DraftStore(project).path(SLUG).read_text(encoding="utf-8")
    edits.edit_text(
        project, SLUG, text.replace("27 ans", "vingt-sept ans"), by="alice", base_revision=1
    )
    result = run_satire("review", "approve", SLUG, "--by", "alice", cwd=project.root)
    assert result.code == 2
    assert result.err_lines == [
        f"cannot approve '{SLUG}': alice made its last edit (revision 2), "
        "and review.second_editor asks another editor to approve it"
    ]
    assert DraftStore(project).load(SLUG).status == "draft"
    assert run_satire("review", "approve", SLUG, "--by", "bob", cwd=project.root).code == 0


def test_without_second_editor_the_last_editor_may_approve(project: Project) -> None:
    make_draft(project)
    text = DraftStore(project).path(SLUG).read_text(encoding="utf-8")
    edits.edit_text(
        project, SLUG, text.replace("27 ans", "vingt-sept ans"), by="alice", base_revision=1
    )
    assert rv.approve(project, SLUG, by="alice").status == "approved"


def test_an_edit_cannot_approve_itself(project: Project) -> None:
    published(project)
    store = DraftStore(project)
    forged = store.load(SLUG)
    forged.body = STRAYING
    forged = approval.seal(forged, "mallory")  # status published, a digest that matches
    saved = edits.edit_text(project, SLUG, forged.to_text(), by="mallory", base_revision=1)
    assert saved.status == "draft" and saved.approved is not None
    assert (saved.approved.by, saved.approved.revision) == ("ed", 1)
    assert run_satire("build", cwd=project.root).code == 0
    page = (project.root / PAGE).read_text(encoding="utf-8")
    assert "Sarah Chen" not in page and "27 ans chez Amazon" in page


def test_bad_text_in_review_edit_is_kept_and_said_in_one_line(
    project: Project, tmp_path: Path
) -> None:
    make_draft(project)
    env = fake_editor(tmp_path, "x")
    script = Path(env["EDITOR"])
    script.write_text(
        f"#!{sys.executable}\nimport sys\nopen(sys.argv[1], 'w').write('no front matter')\n",
        encoding="utf-8",
    )
    result = run_satire("review", "edit", SLUG, cwd=project.root, env=env)
    assert result.code == 2
    assert result.err_lines[0].startswith(f"drafts/{SLUG}.md:1:1: (front matter): ")
    kept = [p for p in (project.root / ".satire/edits").iterdir()]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "no front matter"
    assert result.err_lines[-1] == f"your text is kept in {os.path.relpath(kept[0], project.root)}"
    assert DraftStore(project).load(SLUG).revision == 1


def test_an_edit_over_a_hand_edit_not_yet_recorded_is_refused_and_both_are_kept(
    project: Project,
) -> None:
    make_draft(project)
    store = DraftStore(project)
    desk_text = store.path(SLUG).read_text(encoding="utf-8").replace("27 ans", "vingt-sept ans")
    hand_edit(project)  # meanwhile, someone edits the file
    with pytest.raises(edits.StaleEdit) as info:
        edits.edit_text(project, SLUG, desk_text, by="alice", base_revision=1)
    assert any(line.startswith("+") and EDIT in line for line in info.value.diff)
    assert EDIT in store.revision_text(SLUG, 2) and info.value.text == desk_text


def test_the_digest_covers_everything_the_page_shows(project: Project) -> None:
    draft = make_draft(project)
    base = approval.digest(draft)
    shown = {
        "title": "Autre titre",
        "dek": "Autre chapeau",
        "pull_quote": "Autre exergue",
        "language": "en",
        "categories": ["Autre"],
        "tags": ["autre"],
        "source": {"publisher": "X", "url": "https://example.com/y", "title": "z"},
        "image": {"src": "images/a.svg", "alt": "a", "credit": "c", "credit_url": None},
    }
    for name, value in shown.items():
        changed = type(draft).model_validate({**draft.front_matter(), name: value})
        changed.body = draft.body
        assert approval.digest(changed) != base, name
    credit = shown["image"] | {"credit": "Someone else"}  # type: ignore[operator]
    one, other = (
        type(draft).model_validate({**draft.front_matter(), "image": image})
        for image in (shown["image"], credit)
    )
    assert approval.digest(one) != approval.digest(other)
    assert approval.digest(draft.model_copy(update={"body": draft.body + " !"})) != base
    # what the status moves set is not the text: publishing keeps the approval valid
    moved = draft.model_copy(update={"status": "published", "revision": 3})
    assert approval.digest(moved) == base


def test_a_rejection_withdraws_the_approval(project: Project) -> None:
    make_draft(project)
    rv.approve(project, SLUG, by="ed")
    rv.reject(project, SLUG, by="ed", note="on second thought")
    with pytest.raises(SatireError, match="has no approved text to restore"):
        edits.restore(project, SLUG, by="ed")
    assert DraftStore(project).load(SLUG).status == "rejected"


def test_a_new_revision_keeps_the_text_it_replaces_where_no_revision_was_kept(
    project: Project,
) -> None:
    make_draft(project)
    store = DraftStore(project)
    before = store.path(SLUG).read_text(encoding="utf-8")
    for snapshot in (project.state_dir / "revisions" / SLUG).iterdir():
        snapshot.unlink()  # as on a fresh clone: the drafts, no revisions
    edited = edits.edit_text(
        project, SLUG, before.replace("27 ans", "vingt-sept ans"), by="alice", base_revision=1
    )
    assert edited.revision == 2 and store.revisions(SLUG) == [1, 2]
    assert store.revision_text(SLUG, 1) == before
