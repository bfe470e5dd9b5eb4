"""`satire prompt BRIEF`: the exact messages `generate` would send (with `--json`,
the whole request body, shaped by what is known of the endpoint); no network."""

from __future__ import annotations

import click

from generator.commands import App, echo_err, gather_briefs, pass_app


@click.command()
@click.argument("brief")
@click.option("--style", "-s", help="Humor style (default: the brief's, then the config's).")
@click.option(
    "--lang", "language", help="Language of the post (default: the brief's, then the config's)."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the whole request body sent to the endpoint (model, messages, token budget, temperature, response_format), as JSON.",
)
@click.option("--model", "-m", help="Model to show the request for (default: llm.model).")
@pass_app
def prompt(
    app: App, brief: str, style: str | None, language: str | None, as_json: bool, model: str | None
) -> int:
    """Print the exact messages generate would send for BRIEF."""
    import json

    from generator.config import check_language
    from generator.errors import SatireError
    from generator.llm.openai import preview
    from generator.styles import load_style
    from generator.write.compose import write_request

    project = app.project()
    good, errors = gather_briefs(project, (brief,))
    for error in errors:
        echo_err(error.message)
    if not good:
        return 2
    item = good[0]
    if language is not None:
        try:
            language = check_language(language)
        except ValueError as exc:
            raise SatireError(f"--lang: {exc}") from None
    chosen = load_style(project, style or item.style or project.config.style)
    request = write_request(
        project,
        item,
        chosen,
        language or item.language or project.config.language,
        item.effective_slug,
    )
    if as_json:
        click.echo(json.dumps(preview(project, request, model), ensure_ascii=False, indent=2))
    else:
        for message in request.messages:
            click.echo(f"=== {message['role']} ===")
            click.echo(message["content"])
            click.echo()
    return 0
