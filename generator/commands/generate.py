"""`satire generate [BRIEF...]`: briefs to drafts."""

from __future__ import annotations

import sys
from typing import Any

import click

from generator.commands import (
    App,
    check_style,
    echo_err,
    gather_briefs,
    pass_app,
    say_if_offline,
    writer_options,
)


@click.command()
@click.argument("briefs", nargs=-1)
@click.option(
    "--style", "-s", help="Humor style for every brief (default: each brief's, then the config's)."
)
@click.option(
    "--lang",
    "langs",
    help="Comma-separated languages, one draft each (e.g. fr,en; default: each brief's).",
)
@click.option(
    "--model", "-m", help="Model name sent to the endpoint (default: llm.model or SATIRE_MODEL)."
)
@writer_options
@click.option(
    "--force",
    is_flag=True,
    help="Regenerate even unchanged briefs, bypassing the response cache; approved or published drafts get a new revision back to draft.",
)
@click.option(
    "--unconfirmed",
    is_flag=True,
    help="Also write intake briefs no editor has confirmed yet (see 'satire brief list').",
)
@click.option(
    "--self-check-rounds",
    type=click.IntRange(0, 5),
    help="Ask the writer at most N times to fix the fact check's claim findings (default: llm.self_check_rounds; 0: off).",
)
@pass_app
def generate(
    app: App,
    briefs: tuple[str, ...],
    style: str | None,
    langs: str | None,
    model: str | None,
    offline: bool,
    concurrency: int | None,
    force: bool,
    max_cost: float | None,
    unconfirmed: bool,
    self_check_rounds: int | None,
) -> int:
    """Turn briefs (default: all in briefs/) into drafts."""
    from generator.config import check_language
    from generator.errors import SatireError
    from generator.infra.fsutil import project_lock
    from generator.write import batch
    from generator.write.backend import get_backend

    project = app.project()
    languages: list[str] | None = None
    if langs:
        try:
            languages = list(
                dict.fromkeys(
                    check_language(part.strip()) for part in langs.split(",") if part.strip()
                )
            )
        except ValueError as exc:
            raise SatireError(f"--lang: {exc}") from None
    if style is not None:
        check_style(project, style)

    try:
        lock = project_lock(project.state_dir, "generate", wait=False)
        lock.__enter__()
    except SatireError:
        echo_err("another 'satire generate' is running on this project: waiting for it to finish…")
        lock = project_lock(project.state_dir, "generate", wait=True)
        lock.__enter__()
    try:
        good, errors = gather_briefs(project, briefs)
        for error in errors:
            echo_err(error.message)
        if not good:
            if not errors:
                echo_err(
                    f"no briefs in {project.rel(project.briefs_dir)}/: write one (see 'satire check')"
                )
            return 2 if errors else 0
        say_if_offline(project, offline)
        backend = get_backend(project, offline=offline, model=model, read_cache=not force)
        jobs, report = batch.plan(
            project,
            good,
            style=style,
            languages=languages,
            force=force,
            say=echo_err,
            unconfirmed=unconfirmed,
        )
        limit = max_cost if max_cost is not None else project.config.llm.max_cost_usd
        with _progress(len(jobs)) as advance:
            batch.run(
                project,
                jobs,
                backend,
                report,
                concurrency=concurrency or project.config.llm.concurrency,
                max_cost=limit,
                say=echo_err,
                advance=advance,
                self_check_rounds=self_check_rounds,
            )
        click.echo(report.line())
        if errors:
            return 2
        return 1 if report.failed or report.not_started else 0
    finally:
        lock.__exit__(None, None, None)


class _progress:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Any = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not sys.stderr.isatty() or self.total < 2:
            return lambda: None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("writing", total=self.total)
        bar = self.bar
        return lambda: bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
