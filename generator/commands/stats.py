"""`satire stats [--since DATE] [--format json] [--judge-agreement MODEL]`: what editors kept."""

from __future__ import annotations

import datetime as dt
import json

import click

from generator.commands import App, pass_app


@click.command()
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only moves and calls from this day on (YYYY-MM-DD, UTC).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="json: {since, total, by_style, by_model, by_language}, each a row of the same figures.",
)
@click.option(
    "--judge-agreement",
    "judge",
    metavar="MODEL",
    help="Also ask this judge model about the history: how often it prefers what editors approved.",
)
@pass_app
def stats(app: App, since: dt.datetime | None, fmt: str, judge: str | None) -> int:
    """Per style, model and language: drafts written, approved, rejected and published;
    approval rates, revisions and findings per post, cost per published post.

    Read from the audit log and the call log only; `satire eval` runs are left out.
    """
    from generator.measure import stats as st

    project = app.project()
    data = st.compute(project, since.date() if since else None)
    if judge:
        from generator.measure.calibrate import judge_agreement

        data["judge_agreement"] = judge_agreement(project, judge)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    click.echo(st.table(data))
    if judge:
        click.echo("\n" + agreement_line(data["judge_agreement"]))
    return 0


def agreement_line(found: dict[str, object]) -> str:
    """The calibration in one sentence."""
    if not found["pairs"]:
        return f"judge {found['judge']}: no history to calibrate on yet (it needs drafts approved after a rejection or a revision)"
    agreement = found["agreement"]
    own = found["self_agreement"]
    assert isinstance(agreement, float) and isinstance(own, float)
    return (
        f"judge {found['judge']}: prefers the revision editors approved in {agreement:.0%} of {found['verdicts']} verdicts "
        f"({found['pairs']} pairs, each asked in both orders; self-agreement {own:.0%}); 50% is a coin toss"
    )
