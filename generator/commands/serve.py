"""`satire serve [--port N] [--drafts]`: local preview with live reload."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from generator.commands import App, pass_app

if TYPE_CHECKING:
    from generator.serve import PreviewServer


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (keep 127.0.0.1 unless you mean to share the preview).",
)
@click.option("--drafts", is_flag=True, help="Also show drafts, approved and scheduled posts.")
@pass_app
def serve(app: App, port: int, host: str, drafts: bool) -> int:
    """Preview the site, rebuilding and reloading the browser on every change."""
    from generator.desk.security import is_loopback
    from generator.serve import serve as run

    if not is_loopback(host):
        click.echo(
            f"warning: listening on {host}: anyone who can reach this address sees the preview; the review desk at /_desk/ asks for a sign-in (with no account yet, it answers only on this machine)",
            err=True,
        )
    try:
        run(app.project(), host=host, port=port, drafts=drafts, ready=_announce_desk)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    return 0


def _announce_desk(server: PreviewServer) -> None:
    host, port = server.server_address[:2]
    click.echo(f"Review desk on http://{host!s}:{port}/_desk/")
