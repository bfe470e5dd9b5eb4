"""`satire intake [SOURCE...]`: news (feeds, article URLs) to briefs."""

from __future__ import annotations

import click

from generator.commands import App, echo_err, pass_app


@click.command()
@click.argument("sources", nargs=-1)
@click.option(
    "--feed", "feed", metavar="NAME", help="Only this feed of intake.feeds (by name or URL)."
)
@click.option(
    "--limit", type=click.IntRange(min=1), help="Take in at most N new articles this run."
)
@click.option(
    "--dry-run", is_flag=True, help="Print what would be written; write nothing, remember nothing."
)
@click.option(
    "--offline", is_flag=True, help="Extract without an LLM (extractive summary, facts and quotes)."
)
@click.option(
    "--again",
    is_flag=True,
    help="Take stories in even when intake has met them before (a brief, a discard, a skip).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help="Articles fetched and extracted at once (default: 4).",
)
@pass_app
def intake(
    app: App,
    sources: tuple[str, ...],
    feed: str | None,
    limit: int | None,
    dry_run: bool,
    offline: bool,
    jobs: int | None,
    again: bool,
) -> int:
    """Turn feeds and article URLs (default: every feed in intake.feeds) into briefs.

    Exits 1 when something failed, or when an article URL given here became no brief
    (already seen, skipped or failed: the line above the summary says which)."""
    from generator.intake import run_intake

    report = run_intake(
        app.project(),
        sources,
        feed=feed,
        limit=limit,
        dry_run=dry_run,
        offline=offline,
        jobs=jobs,
        echo=echo_err,
        again=again,
    )
    click.echo(report.line())
    return 0 if report.ok else 1
