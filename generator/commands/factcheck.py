"""`satire factcheck SLUG [--format json]`: the draft's claims its brief does not back."""

from __future__ import annotations

import json

import click

from generator.commands import App, pass_app


@click.command()
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="json: a list of findings (kind, text, message, field, start, end).")
@pass_app
def factcheck(app: App, slug: str, fmt: str) -> int:
    """Claims in a draft (figures, quotes, people, organizations, dates) that its brief does not back.

    Findings are for the editor to judge, not errors: the exit code is 0 either way.
    """
    from generator import review as rv
    from generator.commands.review import finding_lines
    from generator.drafts import DraftStore

    project = app.project()
    store = DraftStore(project)
    draft = store.load(slug)
    findings = rv.factcheck(project, draft)
    if fmt == "json":
        click.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
        return 0
    for line in finding_lines(project.rel(store.path(slug)), draft, findings):
        click.echo(line)
    click.echo(f"{slug}: {len(findings)} finding(s)" + ("" if findings else ": every figure, quote, name and date is in the brief"), err=True)
    return 0
