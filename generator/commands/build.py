"""`satire build [--drafts] [--out DIR]`: the static site."""

from __future__ import annotations

from pathlib import Path

import click

from generator.commands import App, echo_err, pass_app, shown


@click.command()
@click.option(
    "--drafts",
    is_flag=True,
    help="Also show drafts, approved and scheduled posts (with a DRAFT banner, noindex).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: site/).",
)
@pass_app
def build(app: App, drafts: bool, out: Path | None) -> int:
    """Render published posts into a static site."""
    from generator.site.build import build as build_site

    project = app.project()
    report = build_site(project, drafts=drafts, out=out)
    for error in report.errors:
        echo_err(error.message)
    for warning in report.warnings:
        echo_err(f"warning: {warning}")
    for notice in report.notices:
        echo_err(notice)
    changed = len(report.written) + len(report.removed)
    click.echo(
        f"{report.posts} post(s), {report.pages} page(s) in {shown(report.out)}: "
        f"{report.rendered} rendered, {len(report.written)} written, {len(report.removed)} removed "
        f"({report.rendered_bodies} bodies rendered, {report.made_images} images and {report.drawn_cards} cards made, {report.seconds:.2f} s)"
        + ("" if changed else "; nothing changed")
    )
    if report.errors:
        echo_err(f"{len({e.file for e in report.errors})} draft(s) left out because of errors")
        return 2
    return 0
