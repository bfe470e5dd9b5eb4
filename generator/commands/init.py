"""`satire init DIR`: scaffold a blog project that builds at once."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of the blog.",
)
@click.option("--title", help="The blog's name (default: the folder's name).")
def init(directory: Path, lang: str, title: str | None) -> None:
    """Scaffold a new blog project in DIRECTORY."""
    from generator.infra.scaffold import scaffold

    written = scaffold(directory, lang, title)
    click.echo(f"Created a satire project ({lang}) in {directory}: {len(written)} files.")
    click.echo(f"Next: cd {directory} && satire generate && satire build --drafts")
    click.echo("Then review: satire review approve SLUG, satire publish, satire build.")
