"""The git target: the site committed to `branch` of `repository` (GitHub or
GitLab Pages), one commit per deploy, pushed only when something changed.

Each deploy works in a scratch clone under `.satire/` holding only the branch's
last commit (a shallow fetch), makes the tree equal to the site (plus a
`.nojekyll`, so GitHub Pages serves it as is), commits and pushes. Credentials
are git's own (ssh keys, a credential helper); git never prompts (cron would
hang), and a URL's user:password part is masked in every line we print.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator.deploy.manifest import DeployReport, Echo, SiteFile, checksums, compare, list_changes
from generator.errors import SatireError, WorkFailed

NOJEKYLL = ".nojekyll"
USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def masked(text: str) -> str:
    """`text` with any URL's user:password@ replaced by ***@."""
    return USERINFO.sub("***@", text)


class GitTarget:
    def __init__(self, repository: str, branch: str, root: Path, state_dir: Path) -> None:
        local = not re.match(
            r"^([a-z+]+://|[^/]*:)", repository
        )  # a URL or host:path is remote; anything else a folder
        self.repository = str((root / repository).resolve()) if local else repository
        self.branch = branch
        self.state_dir = state_dir
        self.name = f"git {masked(repository)} {branch}"

    def git(self, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        return subprocess.run(
            ["git", "-C", str(work), *args],
            capture_output=True,
            text=True,
            errors="replace",
            env=env,
            check=False,
        )

    def must(self, work: Path, *args: str) -> str:
        proc = self.git(work, *args)
        if proc.returncode != 0:
            problem = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
            verb = next(a for a in args if not a.startswith("-") and "=" not in a)
            raise WorkFailed(
                f"{self.name}: git {verb} failed: {masked(problem)}"
            )  # recent git masks URLs itself; older ones may not
        return proc.stdout

    def publish(
        self, site: Path, files: list[SiteFile], *, dry_run: bool, delete: bool, echo: Echo
    ) -> DeployReport:
        if shutil.which("git") is None:
            raise SatireError(
                "git is not installed: install it (Debian/Ubuntu: apt-get install git), or choose another deploy.target"
            )
        report = DeployReport(self.name, dry_run=dry_run)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="deploy-git-", dir=self.state_dir) as scratch:
            work = Path(scratch)
            self.checkout(work)
            changes = compare(files, checksums(work, skip=(".git", NOJEKYLL)))
            report.record(changes, delete=delete)
            if dry_run:
                list_changes(changes, delete=delete, echo=echo)
                return report.finish()
            for f in changes.uploads:
                target = work / f.rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(f.path, target)
            for rel in report.deletes:
                (work / rel).unlink()
            (work / NOJEKYLL).touch()
            self.must(work, "add", "--all")
            if self.must(work, "status", "--porcelain"):
                message = f"satire deploy: {report.uploaded} uploaded, {report.deleted} deleted"
                self.must(work, *self.identity(work), "commit", "--quiet", "--message", message)
                self.must(
                    work, "push", "--quiet", self.repository, f"HEAD:refs/heads/{self.branch}"
                )
        return report.finish()

    def checkout(self, work: Path) -> None:
        """An empty repository in `work` on `branch`, holding the branch's last
        commit when the repository has that branch."""
        self.must(work, "init", "--quiet", "--initial-branch", self.branch)
        heads = self.must(
            work, "ls-remote", "--heads", self.repository, f"refs/heads/{self.branch}"
        )
        if heads.strip():
            self.must(
                work,
                "fetch",
                "--quiet",
                "--depth",
                "1",
                self.repository,
                f"refs/heads/{self.branch}",
            )
            self.must(work, "reset", "--quiet", "--hard", "FETCH_HEAD")

    def identity(self, work: Path) -> list[str]:
        """A committer name and e-mail when git has none configured (a fresh CI machine)."""
        if self.git(work, "config", "user.email").stdout.strip():
            return []
        return ["-c", "user.name=satire", "-c", "user.email=satire@localhost"]
