"""The rsync target: a local folder or `user@host:path` (rsync over ssh).

rsync decides what changed by checksum (`--checksum`: a rebuilt file with the
same bytes is not sent), puts every changed file in place at the end of the
transfer (`--delay-updates`) and deletes last (`--delete-after`). Its itemized
output says what it did, which we read back into the same report as the other
targets. ssh runs in batch mode: under cron a password prompt would hang.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from generator.deploy.manifest import Changes, DeployReport, Echo, SiteFile, list_changes
from generator.errors import SatireError, WorkFailed
from generator.site.marker import MARKER

REMOTE = re.compile(
    r"^([^/]*:|rsync://)"
)  # host:path, user@host:path, rsync://: rsync's own rule (a colon before any slash)


class RsyncTarget:
    def __init__(self, destination: str, root: Path) -> None:
        self.remote = bool(REMOTE.match(destination))
        self.destination = destination if self.remote else str((root / destination).resolve())
        self.name = f"rsync {destination}"

    def command(self, site: Path, *, dry_run: bool, delete: bool) -> list[str]:
        command = [
            "rsync",
            "--recursive",
            "--links",
            "--times",
            "--checksum",
            "--delay-updates",
            "--itemize-changes",
            "--8-bit-output",
        ]
        command += ["--exclude", f"/{MARKER}"]
        if delete:
            command.append("--delete-after")
        if dry_run:
            command.append("--dry-run")
        if self.remote and "RSYNC_RSH" not in os.environ:
            command += ["--rsh", "ssh -o BatchMode=yes"]
        destination = self.destination if self.remote else self.destination.rstrip("/") + "/"
        return [*command, f"{site}/", destination]

    def publish(
        self, site: Path, files: list[SiteFile], *, dry_run: bool, delete: bool, echo: Echo
    ) -> DeployReport:
        if shutil.which("rsync") is None:
            raise SatireError(
                "rsync is not installed: install it (Debian/Ubuntu: apt-get install rsync; macOS: brew install rsync), or choose another deploy.target"
            )
        report = DeployReport(self.name, dry_run=dry_run)
        if not self.remote and not dry_run:
            Path(self.destination).mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            self.command(site, dry_run=dry_run, delete=delete),
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )
        if proc.returncode != 0 and not proc.stdout:
            problem = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
            raise WorkFailed(f"{self.name}: rsync failed: {problem}")
        changes = itemized(files, proc.stdout, delete=delete)
        report.record(
            changes, delete=True
        )  # what rsync listed is what it deleted (or kept, under --no-delete: nothing listed)
        if dry_run:
            list_changes(changes, delete=delete, echo=echo)
        if proc.returncode != 0:
            problem = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
            report.errors.append(f"{self.name}: rsync failed (exit {proc.returncode}): {problem}")
        return report.finish()


def itemized(files: list[SiteFile], output: str, *, delete: bool) -> Changes:
    """rsync's itemized changes as Changes: `>f+++++++++ path` a new file sent,
    `>f.st......` a changed one, `*deleting path` a deletion."""
    by_rel = {f.rel: f for f in files}
    sent: list[SiteFile] = []
    new: set[str] = set()
    stale: list[str] = []
    for line in output.splitlines():
        item, _, rel = line.partition(" ")
        if item == "*deleting":
            rel = rel.strip()
            if not rel.endswith("/"):
                stale.append(rel)
        elif len(item) == 11 and item[0] in "<>" and item[1] == "f" and rel in by_rel:
            sent.append(by_rel[rel])
            if item[2:] == "+++++++++":
                new.add(rel)
    sent.sort(key=lambda f: (f.phase, f.rel))
    return Changes(
        uploads=sent, new=new, unchanged=len(files) - len(sent), stale=stale if delete else []
    )
