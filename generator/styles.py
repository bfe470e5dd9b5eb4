"""Humor styles: `prompts/styles/NAME.yaml`, built-in ones overridable by a
project's own `prompts/styles/`."""

from __future__ import annotations

from pathlib import Path

from generator.config import Project
from generator.resources import search_path


def style_files(project: Project) -> dict[str, Path]:
    """name -> file, project styles shadowing built-in ones."""
    found: dict[str, Path] = {}
    for folder in reversed(search_path(project.root, "prompts")):
        for path in sorted((folder / "styles").glob("*.yaml")):
            found[path.stem] = path
    return found
