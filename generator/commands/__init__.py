"""The CLI's commands, one module each; `App` is what they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator.errors import shown

__all__ = [
    "App",
    "check_style",
    "echo_err",
    "gather_briefs",
    "pass_app",
    "say_if_offline",
    "writer_options",
]

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.config import Project
    from generator.errors import InputError


@dataclass
class App:
    """The group's options, and the project loaded on first use."""

    project_dir: Path | None = None
    debug: bool = False
    _project: Project | None = field(default=None, repr=False)

    def root(self) -> Path:
        """The project's folder, found without loading its config."""
        from generator.infra.root import project_root

        return project_root(self._project.root if self._project else self.project_dir)

    def project(self) -> Project:
        if self._project is None:
            from generator.config import load_project

            self._project = load_project(self.project_dir)
        return self._project


pass_app = click.make_pass_decorator(App)


def echo_err(line: str) -> None:
    """One line on stderr."""
    click.echo(line, err=True)


def gather_briefs(project: Project, names: tuple[str, ...]) -> tuple[list[Brief], list[InputError]]:
    """The briefs named (default: all in briefs/), checked; (briefs, errors)."""
    from generator.brief import brief_paths, load_briefs, resolve_brief
    from generator.styles import style_files

    paths = (
        [resolve_brief(project.briefs_dir, n) for n in names]
        if names
        else brief_paths(project.briefs_dir)
    )
    return load_briefs(paths, set(style_files(project)), shown)


F = TypeVar("F", bound=Callable[..., Any])

# the options of every command that writes drafts (generate, eval), in --help order
_WRITER_OPTIONS = (
    click.option(
        "--offline", is_flag=True, help="Write with the offline writer: no network, no LLM."
    ),
    click.option(
        "-j",
        "--jobs",
        "concurrency",
        type=click.IntRange(1, 64),
        help="Calls at once (default: llm.concurrency).",
    ),
    click.option(
        "--max-cost",
        type=click.FloatRange(min=0),
        help="Stop before the run would cost more than this many USD (default: llm.max_cost_usd).",
    ),
)


def writer_options(command: F) -> F:
    """Add --offline, -j/--jobs (as `concurrency`) and --max-cost to a command."""
    for option in reversed(_WRITER_OPTIONS):
        command = option(command)
    return command


def check_style(project: Project, name: str) -> None:
    """SatireError unless `name` is one of the project's styles (the --style option)."""
    from generator.errors import SatireError
    from generator.infra.validation import did_you_mean
    from generator.styles import style_files

    known = style_files(project)
    if name not in known:
        hint = did_you_mean(name, known) or " (known: " + ", ".join(sorted(known)) + ")"
        raise SatireError(f"--style: unknown style {name!r}{hint}")


def say_if_offline(project: Project, offline: bool) -> None:
    """Warn on stderr when the offline writer stands in because no endpoint is configured."""
    if project.backend_name(offline) == "offline" and not offline:
        echo_err(
            f"no LLM endpoint configured (set {project.config.llm.api_key_env} or llm.base_url): writing with the offline writer"
        )
