"""`satire brief list|show|confirm|discard`: the editor's gate for intake briefs.
Thin: parse, call one function of `generator.intake.confirm`, print."""

from __future__ import annotations

import json
import re
import sys

import click

from generator.commands import App, echo_err, pass_app

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """Fetched text as it may reach a terminal or a tab-separated line: no escape sequences, tabs or line breaks."""
    return _CONTROL.sub(" ", text)


@click.group()
def brief() -> None:
    """Briefs: list them, confirm intake briefs for writing, or discard them."""


@brief.command("list")
@click.option(
    "--unconfirmed", is_flag=True, help="Only briefs waiting for an editor's confirmation."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_app
def brief_list(app: App, unconfirmed: bool, fmt: str) -> int:
    """Briefs, whether an editor confirmed them, and whether they have a draft."""
    from generator.intake import confirm

    rows, errors = confirm.listing(app.project(), unconfirmed=unconfirmed)
    for error in errors:
        echo_err(error.message)
    code = 2 if errors else 0
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return code
    if not rows:
        click.echo(
            "no brief waits for confirmation"
            if unconfirmed
            else "no briefs: write one in briefs/, or take news in with 'satire intake'"
        )
        return code
    cells = [
        (
            r.slug,
            "yes" if r.confirmed else "no",
            r.draft or "-",
            plain((r.feed or "intake") if r.intake else "hand"),
            str(r.facts),
            str(r.quotes),
            plain(r.title),
        )
        for r in rows
    ]
    if not sys.stdout.isatty():  # for scripts: one tab-separated line per brief
        for line in cells:
            click.echo("\t".join(line))
        return code
    table = [("SLUG", "CONFIRMED", "DRAFT", "FROM", "FACTS", "QUOTES", "TITLE"), *cells]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]) - 1)]
    for line in table:
        click.echo(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=False))
            + "  "
            + line[-1]
        )
    waiting = sum(1 for r in rows if not r.confirmed)
    if waiting:
        click.echo(
            f"\n{waiting} waiting: 'satire brief confirm SLUG' to write them, 'satire brief discard SLUG' to drop them"
        )
    return code


@brief.command("show")
@click.argument("slug")
@pass_app
def brief_show(app: App, slug: str) -> int:
    """A brief's facts and quotes, numbered, each beside the article sentence that backs it."""
    from generator.intake import confirm

    project = app.project()
    found = confirm.find(project, slug)
    assert found.path is not None
    facts, quotes = confirm.items(found)
    click.echo(click.style(plain(found.title), bold=True))
    click.echo(
        f"{project.rel(found.path)}: {'confirmed' if found.confirmed else 'waiting for confirmation'}; {plain(found.source.publisher)}: {plain(found.source.url)}"
    )
    for heading, shown in (("Facts", facts), ("Quotes", quotes)):
        click.echo(f"\n{heading}:")
        for item in shown:
            words = f"“{item.text}” — {item.by}" if item.by else item.text
            click.echo(f"  {item.index + 1}. {plain(words)}")
            click.echo(
                f"     evidence: {plain(item.sentence)}"
                if item.sentence
                else "     evidence: none (not from the article)"
            )
        if not shown:
            click.echo("  none")
    if not found.confirmed:
        click.echo(
            f"\nconfirm with 'satire brief confirm {found.effective_slug}' (--drop-fact N / --drop-quote N drop items first)"
        )
    return 0


@brief.command("confirm")
@click.argument("slugs", nargs=-1, required=True, metavar="SLUG...")
@click.option(
    "--drop-fact",
    "drop_facts",
    type=click.IntRange(min=1),
    multiple=True,
    metavar="N",
    help="Drop the Nth fact (and its evidence) first; with one SLUG. Repeatable.",
)
@click.option(
    "--drop-quote",
    "drop_quotes",
    type=click.IntRange(min=1),
    multiple=True,
    metavar="N",
    help="Drop the Nth quote (and its evidence) first; with one SLUG. Repeatable.",
)
@click.option("--by", help="Who confirms (default: git user.name, else the OS user).")
@pass_app
def brief_confirm(
    app: App,
    slugs: tuple[str, ...],
    drop_facts: tuple[int, ...],
    drop_quotes: tuple[int, ...],
    by: str | None,
) -> int:
    """Accept intake briefs for writing: 'satire generate' writes them from now on."""
    from generator.errors import SatireError
    from generator.intake import confirm

    if (drop_facts or drop_quotes) and len(slugs) > 1:
        raise SatireError("--drop-fact and --drop-quote apply to one brief: name one SLUG")
    project = app.project()
    code = 0
    for slug in slugs:
        try:
            edit = confirm.confirm(
                project,
                slug,
                by=by,
                drop_facts=[n - 1 for n in drop_facts],
                drop_quotes=[n - 1 for n in drop_quotes],
            )
        except SatireError as exc:
            echo_err(exc.format_message())
            code = 2
            continue
        dropped = len(edit.dropped_facts) + len(edit.dropped_quotes)
        note = (
            f", {len(edit.dropped_facts)} fact(s) and {len(edit.dropped_quotes)} quote(s) dropped"
            if dropped
            else ""
        )
        click.echo(
            f"{edit.slug}: {'confirmed' if edit.confirmed else 'already confirmed'}{note} ({edit.path})"
        )
    return code


@brief.command("discard")
@click.argument("slugs", nargs=-1, required=True, metavar="SLUG...")
@click.option("--by", help="Who discards (default: git user.name, else the OS user).")
@click.option("--note", help="Why (kept in the audit log).")
@pass_app
def brief_discard(app: App, slugs: tuple[str, ...], by: str | None, note: str | None) -> int:
    """Drop briefs: removed from briefs/ (a copy kept in .satire/discarded/); the story is not taken in again."""
    from generator.errors import SatireError
    from generator.intake import confirm

    project = app.project()
    code = 0
    for slug in slugs:
        try:
            copy = confirm.discard(project, slug, by=by, note=note)
        except SatireError as exc:
            echo_err(exc.format_message())
            code = 2
            continue
        click.echo(f"{slug}: discarded (a copy is kept at {project.rel(copy)})")
    return code
