"""`satire styles`: the humor styles, one line each."""

from __future__ import annotations

import click

from generator.commands import App, echo_err, pass_app


@click.command()
@click.option("--verbose", "-v", is_flag=True, help="Also show each style's file and languages.")
@pass_app
def styles(app: App, verbose: bool) -> int:
    """List humor styles with a one-line description."""
    from generator.styles import load_styles, style_files

    project = app.project()
    found, errors = load_styles(project)
    default = project.config.style
    width = max((len(s.name) for s in found), default=0)
    files = style_files(project)
    for style in found:
        mark = " (default)" if style.name == default else ""
        click.echo(f"{style.name:<{width}}  {style.description}{mark}")
        if verbose:
            click.echo(
                f"{'':<{width}}  {project.rel(files[style.name])}; languages: {', '.join(sorted(style.languages))}"
            )
    for line in errors:
        echo_err(line)
    return 2 if errors else 0
