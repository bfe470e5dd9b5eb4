"""`satire images pull [SLUG...]`: briefs' remote images brought into static/images/.
Thin: parse, call `generator.intake.images_pull`, print."""

from __future__ import annotations

import click

from generator.commands import App, echo_err, pass_app


@click.group()
def images() -> None:
    """Images: bring briefs' remote images into the project."""


@images.command("pull")
@click.argument("slugs", nargs=-1, metavar="[SLUG...]")
@click.option(
    "--dry-run", is_flag=True, help="Say which images would be pulled; fetch and write nothing."
)
@pass_app
def images_pull(app: App, slugs: tuple[str, ...], dry_run: bool) -> int:
    """Download briefs' http(s) images into static/images/ and point the briefs at them (no SLUG: every brief with a remote image)."""
    from generator.intake import images_pull as pulling
    from generator.intake.confirm import load_all

    project = app.project()
    briefs, errors = load_all(project)
    chosen, unknown = pulling.select(briefs, slugs)
    if not slugs:  # a broken brief named by no one does not stop the ones named
        for error in errors:
            echo_err(error.message)
    for name in unknown:
        known = ", ".join(sorted(b.effective_slug for b in briefs)) or "none"
        echo_err(f"no brief {name!r} in {project.rel(project.briefs_dir)}/ (briefs: {known})")

    def say(outcome: pulling.Pull) -> None:
        if outcome.status == "failed":
            echo_err(outcome.error)
        elif outcome.status == "would-pull":
            click.echo(f"{outcome.slug}: would pull {outcome.url}")
        else:
            click.echo(
                f"{outcome.slug}: pulled {outcome.url} -> {outcome.path} ({outcome.size} bytes)"
            )

    report = pulling.pull(project, chosen, dry_run=dry_run, echo=say)
    if slugs:
        for slug in report.no_image:
            click.echo(f"{slug}: no image")
    first = f"{len(report.planned)} to pull" if dry_run else f"{len(report.pulled)} pulled"
    click.echo(f"{first}, {len(report.local)} already local, {len(report.failed)} failed")
    if unknown or (errors and not slugs):
        return 2
    return 0 if report.ok else 1
