"""`satire eval BRIEF... [--model M,...] [--style S,...] [--judge MODEL] [--out DIR]`: compare models and styles."""

from __future__ import annotations

from pathlib import Path

import click

from generator.commands import App, check_style, echo_err, pass_app, say_if_offline, writer_options


def _names(value: str | None) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in (value or "").split(",") if part.strip()))


@click.command("eval")
@click.argument("briefs", nargs=-1, required=True)
@click.option(
    "--model", "-m", "models", help="Comma-separated models to compare (default: llm.model)."
)
@click.option("--style", "-s", "styles", help="Comma-separated styles (default: each brief's).")
@click.option("--lang", help="Language of every draft (default: each brief's).")
@click.option(
    "--judge",
    metavar="MODEL",
    help="Rank the drafts by pairwise verdicts of this model (each pair asked in both orders).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the drafts and the report (default: .satire/eval/TIMESTAMP).",
)
@writer_options
@pass_app
def evaluate(
    app: App, briefs: tuple[str, ...], models: str | None, styles: str | None, lang: str | None, judge: str | None,
    out: Path | None, concurrency: int | None, max_cost: float | None, offline: bool,
) -> int:  # fmt: skip
    """Write every brief with every model and style into a scratch folder (never
    drafts/, never the audit log), score them, and write DIR/index.html and DIR/results.json. With --offline, the
    offline writer is the one model compared."""
    from generator.commands import gather_briefs
    from generator.config import check_language
    from generator.errors import SatireError
    from generator.measure import evaluate as ev

    project = app.project()
    chosen_styles = _names(styles) or None
    for style in chosen_styles or []:
        check_style(project, style)
    try:
        language = check_language(lang) if lang else None
    except ValueError as exc:
        raise SatireError(f"--lang: {exc}") from None
    good, errors = gather_briefs(project, briefs)
    for error in errors:
        echo_err(error.message)
    if errors:
        return 2
    say_if_offline(project, offline)
    default_model = (
        "offline-writer" if project.backend_name(offline) == "offline" else project.model
    )
    outcome = ev.run(
        project, good, models=_names(models) or [default_model], styles=chosen_styles, language=language, judge_model=judge, out=out,
        concurrency=concurrency or project.config.llm.concurrency,
        max_cost=max_cost if max_cost is not None else project.config.llm.max_cost_usd, offline=offline, say=echo_err,
    )  # fmt: skip
    for line in summary(outcome.results):
        click.echo(line)
    click.echo(
        f"eval: {len(outcome.results['results'])} result(s), ${outcome.results['cost_usd']:.4f}; report: {outcome.out / 'index.html'}"
    )
    return 0 if outcome.ok else 1


def summary(results: dict[str, object]) -> list[str]:
    """One line per model: mean claim findings, shared closers, cost; and the ranking."""
    from collections import defaultdict

    rows = results["results"]
    assert isinstance(rows, list)
    per: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        if row["metrics"]:
            per[row["model"]].append(row["metrics"])
    lines = []
    for model, found in per.items():
        findings = sum(int(m["claim_findings"]) for m in found) / len(found)  # type: ignore[call-overload]
        closers = sum(bool(m["closer_shared"]) for m in found)
        lines.append(
            f"{model}: {len(found)} draft(s), {findings:.1f} claim finding(s) per draft, {closers} shared closer(s)"
        )
    ranking = results.get("ranking")
    if isinstance(ranking, dict):
        for style, rank in ranking.items():
            lines.append(
                f"ranking ({style}, {rank['comparisons']} comparisons, self-agreement {rank['self_agreement']}): "
                + " > ".join(rank["order"])
            )
    return lines
