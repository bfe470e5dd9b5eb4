"""Where the built-in prompts and theme live: inside the wheel
(`generator/_builtin/`), or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


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
