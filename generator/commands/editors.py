"""`satire editors add|passwd|list|remove`: the desk's accounts. Thin: parse,
call `generator.desk.accounts`, print. A password is never an argument: it is
asked twice on a terminal, or read from the first line of stdin otherwise."""

from __future__ import annotations

import sys

import click

from generator.commands import App, pass_app
from generator.errors import SatireError


@click.group()
def editors() -> None:
    """Desk accounts and their roles (writer, editor, publisher, admin)."""


def read_password(name: str) -> str:
    """The new password: asked twice on a terminal, else stdin's first line."""
    if sys.stdin.isatty():
        first = click.prompt(f"Password for {name}", hide_input=True, err=True)
        again = click.prompt("Again", hide_input=True, err=True)
        if first != again:
            raise SatireError("the two passwords differ; nothing changed")
        return str(first)
    line = sys.stdin.readline()
    if not line:
        raise SatireError(
            "no password on stdin: pipe it in (e.g. from a password manager) or run on a terminal"
        )
    return line.rstrip("\r\n")


@editors.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["writer", "editor", "publisher", "admin"]),
    required=True,
    help="writer: edit, revise, confirm briefs; editor: + approve, reject, discard briefs; publisher: + publish, unpublish; admin: + accounts.",
)
@pass_app
def editors_add(app: App, name: str, role: str) -> int:
    """Add a desk account (the password is asked for, never given here)."""
    from generator.desk.accounts import Accounts, check_name

    check_name(name)  # before asking for a password
    account = Accounts(app.project()).add(name, role, read_password(name))
    click.echo(f"added {account.name} ({account.role})")
    return 0


@editors.command("passwd")
@click.argument("name")
@pass_app
def editors_passwd(app: App, name: str) -> int:
    """Set a new password; the account's open sessions end."""
    from generator.desk.accounts import Accounts

    accounts = Accounts(app.project())
    if accounts.get(name) is None:
        raise SatireError(f"no account named {name!r} ('satire editors list' shows them)")
    accounts.set_password(name, read_password(name))
    click.echo(f"new password for {name}; its sessions are closed")
    return 0


@editors.command("list")
@pass_app
def editors_list(app: App) -> int:
    """The accounts: name, role, since when."""
    from generator.desk.accounts import Accounts

    rows = Accounts(app.project()).list()
    if not rows:
        click.echo("no desk account: add one with 'satire editors add NAME --role admin'")
        return 0
    width = max(len(r.name) for r in rows)
    for row in rows:
        click.echo(f"{row.name:<{width}}  {row.role:<9}  since {row.created_at}")
    return 0


@editors.command("remove")
@click.argument("name")
@pass_app
def editors_remove(app: App, name: str) -> int:
    """Remove an account and end its sessions (the audit log keeps its name)."""
    from generator.desk.accounts import Accounts

    Accounts(app.project()).remove(name)
    click.echo(f"removed {name}")
    return 0
