"""`satire check [BRIEF...]`: validate config and briefs."""

from __future__ import annotations

import click

from generator.commands import App, echo_err, gather_briefs, pass_app


@click.command()
@click.argument("briefs", nargs=-1)
@pass_app
def check(app: App, briefs: tuple[str, ...]) -> int:
    """Validate satire.yaml and briefs (default: all in briefs/)."""
    project = app.project()
    good, errors = gather_briefs(project, briefs)
    for error in errors:
        echo_err(error.message)
    bad = len({e.file for e in errors})
    click.echo(f"{len(good)} brief(s) OK" + (f", {bad} with errors" if bad else ""))
    return 2 if errors else 0
