"""`satire deploy [--dry-run] [--no-delete]`: the built site to the `deploy:` target."""

from __future__ import annotations

import click

from generator.commands import App, pass_app


@click.command()
@click.option(
    "--dry-run", is_flag=True, help="List what would be uploaded and deleted; change nothing."
)
@click.option(
    "--no-delete", is_flag=True, help="Keep files on the target that the site no longer has."
)
@pass_app
def deploy(app: App, dry_run: bool, no_delete: bool) -> int:
    """Upload the built site (changed files only); refuses a --drafts build or a stale site."""
    from generator.deploy import deploy as deploy_site

    report = deploy_site(app.project(), dry_run=dry_run, delete=not no_delete, echo=click.echo)
    return 0 if report.ok else 1
