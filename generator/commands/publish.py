"""`satire publish [SLUG...]` and `satire unpublish SLUG`: what readers see."""

from __future__ import annotations

import click

from generator.commands import App, echo_err, pass_app


@click.command()
@click.argument("slugs", nargs=-1)
@click.option("--by", help="Who publishes (default: git user.name, else the OS user).")
@click.option("--note", help="A note for the audit log.")
@pass_app
def publish(app: App, slugs: tuple[str, ...], by: str | None, note: str | None) -> int:
    """Approved drafts to published, dated today unless they have a date (no SLUG: every approved draft)."""
    from generator.errors import SatireError
    from generator.review import workflow as rv

    project = app.project()
    if not slugs:
        done, errors = rv.publish_all(project, by=by, note=note)
        for error in errors:
            echo_err(error.message)
        for draft in done:
            click.echo(f"{draft.slug}: published ({draft.date})")
        if not done:
            click.echo(
                "nothing to publish: no approved drafts ('satire review list --status approved')"
            )
        return 2 if errors else 0
    failed = False
    for slug in slugs:  # each is its own move: one bad slug does not stop the others
        try:
            draft = rv.publish(project, slug, by=by, note=note)
        except SatireError as exc:
            echo_err(exc.format_message())
            failed = True
            continue
        click.echo(f"{draft.slug}: published ({draft.date})")
    return 2 if failed else 0


@click.command()
@click.argument("slug")
@click.option("--by", help="Who unpublishes (default: git user.name, else the OS user).")
@click.option("--note", help="A note for the audit log.")
@pass_app
def unpublish(app: App, slug: str, by: str | None, note: str | None) -> int:
    """Published back to approved: gone from the site at the next build."""
    from generator.review import workflow as rv

    rv.unpublish(app.project(), slug, by=by, note=note)
    click.echo(f"{slug}: unpublished (approved; 'satire build' removes it from the site)")
    return 0
