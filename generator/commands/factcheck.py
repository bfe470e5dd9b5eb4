"""`satire factcheck SLUG [--format json]`: the draft's claims its brief does not back."""

from __future__ import annotations

import json

import click

from generator.commands import App, pass_app


@click.command()
@click.argument("slug")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: a list of findings (kind, text, message, field, start, end, backing, blocking), then the translations verified (kind 'verified').",
)
@pass_app
def factcheck(app: App, slug: str, fmt: str) -> int:
    """Claims in a draft (figures, quotes, people, organizations, dates) that its brief
    does not back; then, apart, translated quotes to compare and the style's own rules.

    Findings are for the editor to judge, not errors: the exit code is 0 either way.
    """
    from generator.commands.review import finding_lines
    from generator.drafts import DraftStore
    from generator.review import queries

    project = app.project()
    store = DraftStore(project)
    draft = store.load(slug)
    result = queries.examine(project, draft)
    if fmt == "json":
        entries = [f.to_dict() for f in result.claims + result.advisory] + [
            v.to_dict() for v in result.verified
        ]
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return 0
    file = project.rel(store.path(slug))
    for line in finding_lines(file, draft, result.claims):
        click.echo(line)
    if result.advisory:
        click.echo("-- translation and style (advisory: approving needs no --ack for these) --")
        for line in finding_lines(file, draft, result.advisory):
            click.echo(line)
    for verified in result.verified:
        click.echo(f"{file}: verified: {verified.text}: {verified.to_dict()['message']}")
    claims = len(result.claims)
    summary = f"{slug}: {claims} finding(s)" + (
        "" if claims else ": every figure, quote, name and date is in the brief"
    )
    if result.advisory:
        summary += f"; {len(result.advisory)} translation/style note(s)"
    click.echo(summary, err=True)
    return 0
