"""Where the built-in prompts and theme live: inside the wheel
(`generator/_builtin/`), or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

_PACKAGE = Path(__file__).resolve().parent.parent  # generator/


def builtin_dir(name: str) -> Path:
    """The built-in `prompts` or `templates` folder."""
    for candidate in (_PACKAGE / "_builtin" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"built-in folder {name!r} is missing from this installation")


def search_path(project_dir: Path, name: str) -> list[Path]:
    """Project overrides first, then the built-in defaults."""
    own = project_dir / name
    builtin = builtin_dir(name)
    return [own, builtin] if own.is_dir() and own.resolve() != builtin.resolve() else [builtin]


def builtin_templates(folder: str) -> jinja2.Environment:
    """An autoescaping, strict Jinja environment over one folder of the built-in
    templates, not overridable by a project (the desk's forms and the eval report
    carry their own security)."""
    import jinja2  # here, not at the top: `satire --help` imports this module

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(builtin_dir("templates") / folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
