"""Where a project is, without reading its config: the folder holding
satire.yaml and the fixed names inside it. Light on purpose (no pydantic, no
YAML), so a command can find its project before deciding what to load."""

from __future__ import annotations

from pathlib import Path

from generator.errors import SatireError

CONFIG_NAME = "satire.yaml"
STATE_DIR = ".satire"  # the project's own state: database, caches, locks
SITE_DIR = "site"  # where the site is built by default


def find_root(start: Path | None = None) -> Path:
    """The nearest folder upwards from `start` holding satire.yaml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise SatireError(
        f"no {CONFIG_NAME} in {here} or any folder above it: run 'satire init DIR' to make a project, or pass --project DIR"
    )


def project_root(root: Path | None = None) -> Path:
    """The project at `root` (checked), or the one found upwards from the working folder."""
    if root is None:
        return find_root()
    root = root.resolve()
    if not (root / CONFIG_NAME).is_file():
        raise SatireError(
            f"{root}: not a satire project (no {CONFIG_NAME}); run 'satire init {root}' to make one"
        )
    return root
