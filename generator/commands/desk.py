"""`satire desk [--host H] [--port N]`: the review desk for a team, on waitress."""

from __future__ import annotations

import click

from generator.commands import App, pass_app


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; beyond this machine only once an account exists ('satire editors add').",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8001,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option(
    "--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Worker threads."
)
@pass_app
def desk(app: App, host: str, port: int, threads: int) -> int:
    """Serve the review desk for a team (accounts, roles, sign-in), without the preview."""
    from generator.desk.server import serve_desk

    def announce(url: str) -> None:
        click.echo(f"Review desk on {url} (Ctrl-C to stop)")

    try:
        serve_desk(app.project(), host=host, port=port, threads=threads, ready=announce)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    return 0
