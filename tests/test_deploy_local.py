"""`satire deploy` with rsync (Debian's rsync, to a local folder) and git (to a
local bare repository): first deploy, second (nothing sent), one changed post,
an unpublished post, --no-delete and --dry-run, checked on the target itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_project
from generator.deploy import deploy
from tests.conftest import run_satire
from tests.deploykit import edit_post, make_blog, rebuild, site_files
from tests.sitekit import make_draft, save


def run_deploy(project: Path, **options: Any) -> tuple[Any, list[str]]:
    lines: list[str] = []
    report = deploy(load_project(project), echo=lines.append, **options)
    return report, lines


def unpublish_sora(project: Path) -> None:
    save(project, make_draft("sora", language="en", status="approved"))


# -- rsync ------------------------------------------------------------------------


@pytest.fixture
def rsync_blog(demo_project: Path, tmp_path: Path) -> Path:
    make_blog(demo_project, f"deploy:\n  target: rsync\n  destination: {tmp_path / 'www'}/\n")
    rebuild(demo_project)
    return demo_project


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """path -> (bytes, inode): rsync puts each file it sends in place by a rename, so a new inode means "sent"."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_ino)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_rsync_first_second_and_changed(rsync_blog: Path, tmp_path: Path) -> None:
    www = tmp_path / "www"
    report, lines = run_deploy(rsync_blog)
    files = site_files(rsync_blog)
    assert report.ok and report.uploaded == len(files)
    assert {rel: data for rel, (data, _) in tree(www).items()} == files  # the marker is not sent
    assert lines[-1].startswith(f"rsync {www}/: {len(files)} uploaded, 0 unchanged, 0 deleted")

    first = tree(www)
    report, lines = run_deploy(rsync_blog)
    assert tree(www) == first and report.uploaded == 0 and report.unchanged == len(files)

    edit_post(rsync_blog, "amazon-ia")
    built = rebuild(rsync_blog)
    report, _ = run_deploy(rsync_blog)
    after = tree(www)
    moved = {rel for rel in after if after[rel] != first.get(rel)}
    assert (
        moved == set(built.written)
        and "posts/amazon-ia/index.html" in moved
        and "posts/sora/index.html" not in moved
    )
    assert sorted(report.uploads) == sorted(moved)
    assert {rel: data for rel, (data, _) in after.items()} == site_files(rsync_blog)


def test_rsync_deletes_an_unpublished_post_unless_told_not_to(
    rsync_blog: Path, tmp_path: Path
) -> None:
    www = tmp_path / "www"
    run_deploy(rsync_blog)
    unpublish_sora(rsync_blog)
    rebuild(rsync_blog)
    report, _ = run_deploy(rsync_blog, delete=False)
    assert (www / "posts/sora/index.html").is_file() and report.deleted == 0
    report, lines = run_deploy(rsync_blog, dry_run=True)
    assert (
        "would delete posts/sora/index.html" in lines and (www / "posts/sora/index.html").is_file()
    )
    assert lines[-1].startswith("dry run, nothing changed: ")
    report, _ = run_deploy(rsync_blog)
    assert not (www / "posts/sora").exists() and "posts/sora/index.html" in report.deletes
    assert {rel: data for rel, (data, _) in tree(www).items()} == site_files(rsync_blog)


FAKE_SSH = """#!/bin/sh
# ssh as rsync calls it (ssh [-l USER] HOST COMMAND...), running COMMAND here
echo "$@" >> "$0.log"
while [ "$1" = "-l" ]; do shift 2; done
shift
exec "$@"
"""


def test_rsync_to_user_at_host_goes_through_the_remote_shell(
    demo_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ssh = tmp_path / "fake-ssh"
    ssh.write_text(FAKE_SSH)
    ssh.chmod(0o755)
    monkeypatch.setenv("RSYNC_RSH", str(ssh))
    make_blog(
        demo_project,
        f"deploy:\n  target: rsync\n  destination: deploy@blog-host:{tmp_path / 'remote-www'}/\n",
    )
    rebuild(demo_project)
    report, _ = run_deploy(demo_project)
    assert report.ok and report.uploaded == len(site_files(demo_project))
    assert {rel: data for rel, (data, _) in tree(tmp_path / "remote-www").items()} == site_files(
        demo_project
    )
    assert (tmp_path / "fake-ssh.log").read_text().startswith("-l deploy blog-host rsync --server")
    report, _ = run_deploy(demo_project)
    assert report.uploaded == 0


def test_nothing_is_sent_before_a_build_or_without_its_marker(
    demo_project: Path, tmp_path: Path
) -> None:
    from generator.errors import SatireError

    make_blog(demo_project, f"deploy:\n  target: rsync\n  destination: {tmp_path / 'www'}/\n")
    with pytest.raises(SatireError, match="not built yet"):
        run_deploy(demo_project)
    rebuild(demo_project)
    (
        demo_project / "site/.satire-build.json"
    ).unlink()  # a site from elsewhere, or a build cut short
    with pytest.raises(SatireError, match="no build marker"):
        run_deploy(demo_project)
    assert not (tmp_path / "www").exists()


def test_rsync_missing_is_one_clear_line(rsync_blog: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_satire("deploy", cwd=rsync_blog, env={"PATH": str(empty)})
    assert (
        result.code == 2
        and result.err_lines == [result.err.strip()]
        and "rsync is not installed" in result.err
    )
    assert not (tmp_path / "www").exists()


# -- git --------------------------------------------------------------------------


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    repo = tmp_path / "pages.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    return repo


@pytest.fixture
def git_blog(demo_project: Path, bare: Path) -> Path:
    make_blog(demo_project, f"deploy:\n  target: git\n  repository: {bare}\n  branch: gh-pages\n")
    rebuild(demo_project)
    return demo_project


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_DIR": str(repo)}
    return subprocess.run(
        ["git", *args], check=True, capture_output=True, text=True, env=env
    ).stdout


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "gh-pages").strip())


def files_on_branch(repo: Path) -> dict[str, bytes]:
    names = git(repo, "ls-tree", "-r", "--name-only", "gh-pages").split("\n")
    env = {**os.environ, "GIT_DIR": str(repo)}
    return {
        n: subprocess.run(
            ["git", "show", f"gh-pages:{n}"], check=True, capture_output=True, env=env
        ).stdout
        for n in names
        if n
    }


def test_git_first_second_and_changed(git_blog: Path, bare: Path) -> None:
    report, lines = run_deploy(git_blog)
    files = site_files(git_blog)
    assert report.ok and report.uploaded == len(files)
    assert files_on_branch(bare) == {**files, ".nojekyll": b""}
    assert commits(bare) == 1
    assert lines[-1].startswith(
        f"git {bare} gh-pages: {len(files)} uploaded, 0 unchanged, 0 deleted"
    )

    report, _ = run_deploy(git_blog)
    assert (
        commits(bare) == 1 and report.uploaded == 0 and report.unchanged == len(files)
    )  # nothing changed: no commit, no push

    edit_post(git_blog, "amazon-ia")
    built = rebuild(git_blog)
    report, _ = run_deploy(git_blog)
    assert commits(bare) == 2
    changed = set(git(bare, "diff", "--name-only", "gh-pages~1", "gh-pages").split())
    assert (
        changed == set(built.written)
        and "posts/amazon-ia/index.html" in changed
        and "posts/sora/index.html" not in changed
    )
    assert sorted(report.uploads) == sorted(changed)
    assert files_on_branch(bare) == {**site_files(git_blog), ".nojekyll": b""}


def test_git_deletes_an_unpublished_post_unless_told_not_to(git_blog: Path, bare: Path) -> None:
    run_deploy(git_blog)
    unpublish_sora(git_blog)
    rebuild(git_blog)
    report, lines = run_deploy(git_blog, dry_run=True)
    assert "would delete posts/sora/index.html" in lines and commits(bare) == 1
    report, _ = run_deploy(git_blog, delete=False)
    assert "posts/sora/index.html" in files_on_branch(bare) and report.deleted == 0
    report, _ = run_deploy(git_blog)
    assert (
        "posts/sora/index.html" not in files_on_branch(bare)
        and "posts/sora/index.html" in report.deletes
    )
    assert files_on_branch(bare) == {**site_files(git_blog), ".nojekyll": b""}
    assert not list((git_blog / ".satire").glob("deploy-git-*"))  # the scratch clone is gone


def test_git_unreachable_repository_is_one_line(git_blog: Path, tmp_path: Path) -> None:
    config = (git_blog / "satire.yaml").read_text()
    (git_blog / "satire.yaml").write_text(
        config.replace("repository: ", "repository: https://user:hunter2@127.0.0.1:9/")
    )
    rebuild(git_blog)
    result = run_satire("deploy", cwd=git_blog)
    assert result.code == 1 and len(result.err_lines) == 1 and "git ls-remote failed" in result.err
    assert "hunter2" not in result.out + result.err


# -- the build marker -------------------------------------------------------------


def test_a_drafts_build_cut_short_is_still_refused(
    rsync_blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A --drafts build marks the site before it moves a single draft in: a
    power cut mid-commit never leaves drafts under a marker that says "none"."""
    from generator.errors import SatireError
    from generator.site import write

    save(rsync_blog, make_draft("secret-draft", status="draft"))
    rebuild(rsync_blog)  # a reviewed build of these very inputs: deployable
    real_replace = write.os.replace

    def power_cut(src: str | Path, dst: str | Path) -> None:
        if ".commit-" in str(src) and "secret-draft" in str(dst):
            raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", power_cut)
    with pytest.raises(OSError, match="power cut"):
        rebuild(rsync_blog, drafts=True)
    monkeypatch.undo()
    with pytest.raises(SatireError, match="--drafts"):
        run_deploy(rsync_blog)
    assert not (tmp_path / "www").exists()
