"""Site out: `deploy(project) -> DeployReport` puts the built site on the
`deploy:` target, changed files only.

Top to bottom: refuse a site that must not reach readers (no build marker, a
`--drafts` build, a site older than its inputs), scan the site (manifest.py),
then hand it to one `Target` (s3.py, rsync.py, git.py), each of which compares
it with what it holds, uploads in the order readers need (assets, pages, then
indexes, feeds and the sitemap), deletes last, and reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from generator.config import Project
from generator.deploy.manifest import DeployReport, Echo, SiteFile, scan
from generator.errors import SatireError, shown
from generator.infra.fsutil import project_lock
from generator.site.marker import newest_input_mtime, read_marker

__all__ = ["DeployReport", "Target", "check_site", "deploy"]


class Target(Protocol):
    name: str

    def publish(
        self, site: Path, files: list[SiteFile], *, dry_run: bool, delete: bool, echo: Echo
    ) -> DeployReport:
        """Make the target hold `files` (all of `site`); in a dry run, only say what that takes."""
        ...


def deploy(
    project: Project, /, *, dry_run: bool = False, delete: bool = True, echo: Echo
) -> DeployReport:
    """Upload the built site to the configured target; `echo` gets the dry
    run's listing and the summary line. Raises SatireError when the site must
    not or cannot be deployed; failed uploads are in `report.errors` (`ok` False)."""
    target = make_target(project)
    # the build's lock: no build rewrites the site while it goes out
    with project_lock(project.state_dir, "build"):
        check_site(project)
        site = project.site_dir
        report = target.publish(site, scan(site), dry_run=dry_run, delete=delete, echo=echo)
    for error in report.errors:
        echo(error)
    echo(report.summary())
    return report


def make_target(project: Project) -> Target:
    settings = project.config.deploy
    if settings.target == "s3":
        from generator.deploy.s3 import S3Target

        return S3Target(settings)
    if settings.target == "rsync":
        from generator.deploy.rsync import RsyncTarget

        assert settings.destination is not None  # the config requires it
        return RsyncTarget(settings.destination, project.root)
    if settings.target == "git":
        from generator.deploy.git import GitTarget

        assert settings.repository is not None  # the config requires it
        return GitTarget(settings.repository, settings.branch, project.root, project.state_dir)
    raise SatireError(
        f"{shown(project.root / 'satire.yaml')}: deploy.target is not set: add a deploy: section (s3, rsync or git; see Publishing in satire's documentation)"
    )


def check_site(project: Project) -> None:
    """Refuse, in one line, a site that is not a reviewed build of the current inputs."""
    site = shown(project.site_dir)
    if not project.site_dir.is_dir():
        raise SatireError(f"{site}: not built yet: run 'satire build' first")
    marker = read_marker(project.site_dir)
    if marker is None:
        raise SatireError(f"{site}: no build marker (.satire-build.json): run 'satire build' first")
    if marker.drafts:
        raise SatireError(
            f"{site}: built with --drafts (it shows unreviewed posts): run 'satire build' without --drafts, then deploy"
        )
    if newest_input_mtime(project) > marker.newest_input_mtime:
        raise SatireError(
            f"{site}: older than its inputs (drafts, briefs, templates, static or satire.yaml changed since {marker.built_at}): build first ('satire build')"
        )
