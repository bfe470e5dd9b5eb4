"""The CLI's commands, one module each; `App` is what they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.errors import shown

__all__ = ["App", "echo_err", "gather_briefs", "pass_app", "shown"]

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
