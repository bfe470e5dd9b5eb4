"""The build marker, `site/.satire-build.json`: what a build was made from.

`{"drafts": bool, "built_at": ISO time, "newest_input_mtime": seconds}`. A
`--drafts` build says so here, and `newest_input_mtime` is the newest change
among the inputs (config, drafts, briefs, templates, static) when the build
began, so that `satire deploy` can refuse a drafts build and a site that is
older than what it was built from. The marker is never deployed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from generator.config import Project
from generator.infra import clock
from generator.infra.fsutil import write_atomic
from generator.site.stamp import newest_input

MARKER = ".satire-build.json"


@dataclass(frozen=True)
class BuildMarker:
    drafts: bool
    built_at: str
    newest_input_mtime: float


def newest_input_mtime(project: Project) -> float:
    """The newest mtime among the config, the input folders and everything in
    them: a folder's own mtime changes when a file in it is added or removed."""
    return newest_input(project.root)


def write_marker(out: Path, *, drafts: bool, newest_input: float) -> None:
    built_at = clock.stamp()
    data = {"drafts": drafts, "built_at": built_at, "newest_input_mtime": newest_input}
    write_atomic(out / MARKER, json.dumps(data, indent=2) + "\n")


def read_marker(out: Path) -> BuildMarker | None:
    """The marker of the site in `out`, or None when it has none or it is unreadable."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        return BuildMarker(
            drafts=bool(data["drafts"]),
            built_at=str(data["built_at"]),
            newest_input_mtime=float(data["newest_input_mtime"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
