"""Faults lose nothing: a full disk (ENOSPC) or a read-only folder (EROFS)
while generate, review, confirm, build and deploy write, and a state database
held by another command. Each fault is injected where the write lands (the
rename or copy every atomic write ends in: tests/faultinject.py) in a real
`satire` process. What a user checks: one line, a non-zero exit, no
half-written draft, revision, brief or page, an audit log that agrees with the
files, and the same command finishing the work once the fault is gone."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import load_project
from generator.infra import state
from generator.review.audit import LOCK, log
from tests.confirmkit import SLUG, add_intake_brief, read
from tests.conftest import REPO, Result, run_satire
from tests.deploykit import edit_post, make_blog, rebuild, site_files
from tests.faultinject import FAULT_ENV

FAULTS = {"ENOSPC": "No space left on device", "EROFS": "Read-only file system"}


def faulty(project: Path, fault: str, where: str, *args: str) -> Result:
    """`satire ARGS` in `project`, each write whose path holds `where` failing with `fault`."""
    env = {**os.environ, "PYTHONPATH": str(REPO), FAULT_ENV: f"{fault}:{where}"}
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    proc = subprocess.run(
        [sys.executable, "-m", "tests.faultinject", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_failure(result: Result, fault: str, notices: int = 0) -> None:
    assert result.code != 0 and "Traceback" not in result.err, result.err
    assert "internal error" not in result.err, result.err
    failures = [line for line in result.err_lines if FAULTS[fault] in line]
    assert failures and len(result.err_lines) == len(failures) + notices, result.err_lines


def leftovers(folder: Path) -> list[str]:
    """Temp files an interrupted write would leave (`.NAME.*.tmp`)."""
    return sorted(p.name for p in folder.rglob("*.tmp"))


def audit(project: Path) -> list[tuple[str, str]]:
    """(action, slug) of every audit log entry, as `satire review log` shows them
    (the query settles any pending entry first)."""
    return [(e["action"], e["slug"]) for e in log(load_project(project))]


def pending(project: Path) -> int:
    conn = sqlite3.connect(project / ".satire/state.db")
    try:
        return int(conn.execute("SELECT COUNT(*) FROM audit_pending").fetchone()[0])
    finally:
        conn.close()


# -- generate -------------------------------------------------------------------------


@pytest.mark.parametrize("fault", list(FAULTS))
def test_generate_on_a_full_or_read_only_disk_writes_no_draft_and_no_revision(
    demo_project: Path, fault: str
) -> None:
    briefs = sorted(p.stem for p in (demo_project / "briefs").glob("*.yaml"))
    result = faulty(demo_project, fault, "/drafts/", "generate")
    # one line per brief, plus the offline writer's notice
    assert_one_line_failure(result, fault, notices=1)
    assert f"0 written, {len(briefs)} failed" in result.out
    drafts = demo_project / "drafts"
    assert not drafts.is_dir() or not any(drafts.iterdir())
    assert not [p for p in (demo_project / ".satire/revisions").rglob("*") if p.is_file()]
    assert leftovers(demo_project) == [] and audit(demo_project) == []

    again = run_satire("generate", cwd=demo_project)
    assert again.code == 0 and f"{len(briefs)} written, 0 failed" in again.out, again.err
    assert sorted(p.stem for p in drafts.glob("*.md")) == briefs
    for slug in briefs:  # the first draft of each is revision 1, as if the fault never was
        revisions = demo_project / ".satire/revisions" / slug
        assert [p.name for p in revisions.iterdir()] == ["0001.md"]
        assert "revision: 1\n" in (drafts / f"{slug}.md").read_text(encoding="utf-8")


# -- review -----------------------------------------------------------------------------


@pytest.fixture
def drafted(demo_project: Path) -> Path:
    assert run_satire("generate", cwd=demo_project).code == 0
    return demo_project


@pytest.mark.parametrize("fault", list(FAULTS))
def test_an_approval_that_cannot_be_written_is_not_logged(drafted: Path, fault: str) -> None:
    draft = drafted / "drafts/sora-app.md"
    before = draft.read_bytes()
    result = faulty(drafted, fault, "/drafts/", "review", "approve", "sora-app", "--by", "Ed")
    assert_one_line_failure(result, fault)
    assert result.err.startswith("drafts/sora-app.md: ")
    assert draft.read_bytes() == before and leftovers(drafted) == []
    assert ("approve", "sora-app") not in audit(drafted) and pending(drafted) == 0

    again = run_satire("review", "approve", "sora-app", "--by", "Ed", cwd=drafted)
    assert again.code == 0, again.err
    assert "status: approved" in draft.read_text(encoding="utf-8")
    assert audit(drafted).count(("approve", "sora-app")) == 1


def test_a_revision_that_cannot_be_written_leaves_the_draft_and_its_history(
    drafted: Path,
) -> None:
    draft = drafted / "drafts/sora-app.md"
    before = draft.read_bytes()
    history = drafted / ".satire/revisions/sora-app"
    result = faulty(
        drafted, "ENOSPC", "/drafts/", "review", "revise", "sora-app", "--note", "Shorter, please"
    )
    assert_one_line_failure(result, "ENOSPC", notices=result.err.count("offline writer"))
    assert draft.read_bytes() == before and [p.name for p in history.iterdir()] == ["0001.md"]
    assert ("revise", "sora-app") not in audit(drafted)
    again = run_satire("review", "revise", "sora-app", "--note", "Shorter, please", cwd=drafted)
    assert again.code == 0, again.err
    assert sorted(p.name for p in history.iterdir()) == ["0001.md", "0002.md"]
    assert audit(drafted).count(("revise", "sora-app")) == 1


# -- confirm ------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_confirmation_that_cannot_be_written_is_not_logged(
    demo_project: Path, fault: str
) -> None:
    brief = add_intake_brief(demo_project)
    before = brief.read_bytes()
    result = faulty(demo_project, fault, "/briefs/", "brief", "confirm", SLUG, "--by", "Ed")
    assert_one_line_failure(result, fault)
    assert brief.read_bytes() == before and leftovers(demo_project) == []
    assert audit(demo_project) == [] and pending(demo_project) == 0

    again = run_satire("brief", "confirm", SLUG, "--by", "Ed", cwd=demo_project)
    assert again.code == 0, again.err
    assert read(brief)["confirmed"] is True
    assert [action for action, _ in audit(demo_project)] == ["confirm"]


# -- build ----------------------------------------------------------------------------------


@pytest.fixture
def blog(demo_project: Path, tmp_path: Path) -> Path:
    make_blog(demo_project, f"deploy:\n  target: rsync\n  destination: {tmp_path / 'www'}/\n")
    rebuild(demo_project)
    return demo_project


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_build_cut_short_by_the_disk_leaves_whole_pages_and_is_finished_next_time(
    blog: Path, tmp_path: Path, fault: str
) -> None:
    old = site_files(blog)
    edit_post(blog, "amazon-ia")
    result = faulty(blog, fault, "/site/", "build")
    assert_one_line_failure(result, fault)
    assert site_files(blog) == old  # not one page moved in: the old site, whole
    refused = run_satire("deploy", cwd=blog)  # a site that is not the current build never goes out
    assert refused.code != 0 and "older than its inputs" in refused.err
    assert not (tmp_path / "www").exists()

    again = run_satire("build", cwd=blog)
    assert again.code == 0, again.err
    assert b"tout nouveau texte" in (blog / "site/posts/amazon-ia/index.html").read_bytes()
    assert not list(blog.glob(".site.*"))  # no stage nor journal left beside the site
    fresh = rebuild(blog)  # nothing left to do: the interrupted build was finished
    assert fresh.written == [] and fresh.removed == []
    assert run_satire("deploy", cwd=blog).code == 0


# -- deploy ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_git_deploy_that_cannot_write_its_work_tree_pushes_nothing(
    demo_project: Path, tmp_path: Path, fault: str
) -> None:
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    make_blog(demo_project, f"deploy:\n  target: git\n  repository: {bare}\n  branch: gh-pages\n")
    rebuild(demo_project)
    result = faulty(demo_project, fault, "/deploy-git-", "deploy")
    assert_one_line_failure(result, fault)
    heads = subprocess.run(
        ["git", "--git-dir", str(bare), "branch", "--list"], capture_output=True, text=True
    )
    assert heads.stdout.strip() == ""  # nothing pushed
    assert not list((demo_project / ".satire").rglob("deploy-git-*"))  # its scratch is gone

    again = run_satire("deploy", cwd=demo_project)
    assert again.code == 0, again.err
    listed = subprocess.run(
        ["git", "--git-dir", str(bare), "ls-tree", "-r", "--name-only", "gh-pages"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert set(listed) == {*site_files(demo_project), ".nojekyll"}


# -- a state database held by another command -------------------------------------------------


def held_by_another(lock: Path, within: float) -> bool:
    """Whether another process takes the flock on `lock` within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if lock.exists():
            with open(lock, "a+") as handle:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return True
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        time.sleep(0.02)
    return False


def approving(project: Path, slug: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "review", "approve", slug, "--by", "Ed"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_review_actions_wait_for_a_busy_state_database_and_lose_no_entry(drafted: Path) -> None:
    """A desk action during `satire run`: another process holds the database's
    write lock for a while; an approval waits for it, and approvals at once lose
    no entry."""
    holder = sqlite3.connect(drafted / ".satire/state.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # what a long write of `satire run` does
    first = approving(drafted, "sora-app")
    try:
        # a review command holds its project lock while it writes: once it does, it is
        # at the database, waiting; keep it waiting a while longer, then let go
        waiting = held_by_another(drafted / f".satire/{LOCK}.lock", within=60)
        time.sleep(1.0)
        assert first.poll() is None  # still waiting, not failed
    finally:
        holder.execute("COMMIT")
        holder.close()
    _, err = first.communicate(timeout=60)
    assert waiting and first.returncode == 0, err

    slugs = ["iphone-air", "amazon-desantis", "nvidia-5000-milliards"]
    procs = [approving(drafted, slug) for slug in slugs]
    outcomes = [proc.communicate(timeout=90) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], outcomes
    for slug in ["sora-app", *slugs]:
        assert "status: approved" in (drafted / f"drafts/{slug}.md").read_text(encoding="utf-8")
    assert sorted(audit(drafted)) == sorted(("approve", s) for s in ["sora-app", *slugs])


def test_a_command_kept_waiting_too_long_says_so_in_one_line_and_changes_nothing(
    drafted: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = drafted / "drafts/sora-app.md"
    before = draft.read_bytes()
    monkeypatch.setattr(state, "BUSY_TIMEOUT", 0.3)
    monkeypatch.chdir(drafted)
    holder = sqlite3.connect(drafted / ".satire/state.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(SystemExit) as stopped:
            main(["review", "approve", "sora-app", "--by", "Ed"])
    finally:
        holder.execute("COMMIT")
        holder.close()
    err = capsys.readouterr().err
    assert stopped.value.code == 1 and len(err.splitlines()) == 1, err
    assert err.startswith(".satire/state.db: busy: ") and "Traceback" not in err
    assert draft.read_bytes() == before and audit(drafted) == [] and pending(drafted) == 0
    with pytest.raises(SystemExit) as done:
        main(["review", "approve", "sora-app", "--by", "Ed"])
    assert done.value.code == 0 and audit(drafted) == [("approve", "sora-app")]
