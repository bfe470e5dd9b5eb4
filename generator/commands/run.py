"""`satire run [--dry-run] [--offline]`: the unattended pipeline, for cron."""

from __future__ import annotations

import click

from generator.commands import App, echo_err, pass_app


@click.command("run")
@click.option(
    "--dry-run", is_flag=True, help="Say what each step would do; write, send and upload nothing."
)
@click.option("--offline", is_flag=True, help="Write drafts with the offline writer: no LLM.")
@pass_app
def run(app: App, dry_run: bool, offline: bool) -> int:
    """One unattended pass: intake, generate (confirmed briefs), fact check, build, deploy, notify.

    Never approves or publishes: only published posts reach the site. One run
    at a time per project (a second one exits at once, exit 1). Exit 1 when a
    step failed; the other steps are still done.
    """
    from generator import pipeline

    done = pipeline.run(app.project(), dry_run=dry_run, offline=offline, echo=echo_err)
    click.echo(done.line())
    return 0 if done.ok else 1
