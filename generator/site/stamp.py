"""The build stamp: a build with nothing to do, decided from stat() data.

A clean build leaves `.satire/builds/KEY.json` (one per output folder and
`--drafts` setting): a digest of the stat data (size, mtime, ctime) of
everything a build reads (satire.yaml; the drafts, briefs, templates and static
folders; the built-in theme; this package's code; the libraries that render;
the Python running it), the day it built for (a scheduled post appears when its
date comes), each output file as it left it (size, mtime), and what it reported.

When all of that still holds, a new build would render nothing and write
nothing, so `satire build` says so at once, without loading the config, the
drafts or the renderers. Anything that differs (an input edited, added or
removed; an output file touched or gone; another day; another Python or
library) means a real build, which writes a new stamp.

Stat data cannot see an edit made within the clock tick of the one before it
(the file keeps its times and maybe its size), so a build whose inputs changed
less than `RACY_NS` before it began leaves no stamp (git's "racy clean" rule);
the next build, with settled inputs, leaves one.

The same walk gives the build marker its newest input (`marker.py`). This
module is imported before anything heavy: standard library and the project's
light infrastructure only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.infra import clock
from generator.infra.fsutil import project_lock, write_atomic
from generator.infra.resources import builtin_dir
from generator.infra.root import CONFIG_NAME, STATE_DIR

FORMAT = 1  # bump when what a stamp holds or means changes
# the project's input folders (the marker's too)
INPUT_DIRS = ("drafts", "briefs", "templates", "static")
LIBRARIES = ("jinja2", "markupsafe", "babel", "markdown", "nh3", "PIL", "pydantic_core", "yaml")
RACY_NS = 2_000_000_000  # inputs changed this close to a build's start: no stamp (2 s: FAT's tick)
_PACKAGE = Path(__file__).resolve().parent.parent  # generator/: the code, and a wheel's theme


@dataclass(frozen=True)
class Inputs:
    """What a build reads, as one digest of stat data; `settled` when nothing
    in it changed within `RACY_NS` before the scan (only then is a stamp made)."""

    digest: str
    settled: bool
    newest_input: float  # the build marker's: newest mtime of satire.yaml and the input folders


@dataclass(frozen=True)
class Stamp:
    """What the build that left the stamp reported (and would report again)."""

    posts: int
    pages: int
    warnings: list[str]
    notices: list[str]


def scan(root: Path) -> Inputs:
    """Stat everything a build of `root` reads."""
    started = time.time_ns()
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\n".encode())
    newest, newest_input = 0, 0.0
    trusted = True
    inputs = _project_inputs(root)
    code = [str(builtin_dir("templates")), str(_PACKAGE)]
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        code.append(spec.origin if spec is not None and spec.origin else f"(no {name})")
    for project_input, paths in ((True, inputs), (False, code)):
        for path, is_dir_link in _walk(paths, caches=not project_input):
            if is_dir_link:  # its files are not walked: their edits would go unseen
                trusted = False
            try:
                stat = os.stat(path)
            except OSError:
                digest.update(f"{path}\0-\n".encode())
                continue  # absent, or removed while we looked: its folder's mtime says so
            # ctime moves with every change to a file, a put-back mtime included
            digest.update(
                f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\n".encode()
            )
            newest = max(newest, stat.st_mtime_ns, stat.st_ctime_ns)
            if project_input:
                newest_input = max(newest_input, stat.st_mtime)
    return Inputs(digest.hexdigest(), trusted and newest < started - RACY_NS, newest_input)


def newest_input(root: Path) -> float:
    """The newest mtime among satire.yaml and the input folders, as `scan` gives
    it, without the code and libraries (what deploy compares with the marker)."""
    newest = 0.0
    for path, _ in _walk(_project_inputs(root), caches=False):
        try:
            newest = max(newest, os.stat(path).st_mtime)
        except OSError:
            continue
    return newest


def _project_inputs(root: Path) -> list[str]:
    return [str(root / CONFIG_NAME), *(str(root / name) for name in INPUT_DIRS)]


def _walk(paths: Sequence[str], *, caches: bool) -> Iterable[tuple[str, bool]]:
    """Each of `paths` and, for a folder, everything in it (folders too: a
    folder's mtime changes when a file in it is added or removed), sorted;
    each with whether it is a link to a folder. `caches`: leave __pycache__ out."""
    pending = list(reversed(paths))
    while pending:
        path = pending.pop()
        yield path, False
        try:
            entries = sorted(os.scandir(path), key=lambda entry: entry.name, reverse=True)
        except OSError:
            continue  # a file, or absent
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not (caches and entry.name == "__pycache__"):
                    pending.append(entry.path)
            elif entry.is_symlink() and entry.is_dir():
                yield entry.path, True
            else:
                yield entry.path, False


def path(root: Path, out: Path, drafts: bool) -> Path:
    """Where the stamp of builds of `root` into `out` (with or without drafts) lives."""
    key = hashlib.sha256(f"{out}\0{drafts}".encode()).hexdigest()[:16]
    return root / STATE_DIR / "builds" / f"{key}.json"


def save(
    root: Path,
    out: Path,
    drafts: bool,
    inputs: Inputs,
    *,
    day: dt.date,
    zone: str,
    outputs: Mapping[str, Sequence[Any]],
    stamp: Stamp,
) -> None:
    """Record a clean build; `outputs`: each output file's manifest entry
    (key, size, mtime_ns). Nothing is recorded when its inputs were not settled."""
    if not inputs.settled:
        return
    data = {
        "inputs": inputs.digest,
        "day": day.isoformat(),
        "zone": zone,
        "outputs": {rel: list(entry[-2:]) for rel, entry in outputs.items()},
        "posts": stamp.posts,
        "pages": stamp.pages,
        "warnings": stamp.warnings,
        "notices": stamp.notices,
    }
    write_atomic(path(root, out, drafts), json.dumps(data), sync=False)


@dataclass(frozen=True)
class Verdict:
    """`up_to_date`'s answer: the stamp when a build now would change nothing,
    and the inputs it scanned to decide (a build may start from that scan)."""

    stamp: Stamp | None
    inputs: Inputs | None


def up_to_date(root: Path, out: Path, drafts: bool) -> Verdict:
    """What the last build reported, when a build now would change nothing.
    Waits for a build running on the project, as a build would."""
    inputs = None
    with project_lock(root / STATE_DIR, "build"):
        try:
            data = json.loads(path(root, out, drafts).read_text(encoding="utf-8"))
            day, zone = str(data["day"]), str(data["zone"])
            outputs: dict[str, list[int]] = data["outputs"]
            found = Stamp(
                int(data["posts"]),
                int(data["pages"]),
                [str(line) for line in data["warnings"]],
                [str(line) for line in data["notices"]],
            )
            inputs = scan(root)
            if data["inputs"] != inputs.digest or day != clock.today(ZoneInfo(zone)).isoformat():
                return Verdict(None, inputs)
            prefix = f"{out}{os.sep}"
            for rel, (size, mtime) in outputs.items():
                stat = os.stat(prefix + rel)
                if stat.st_size != size or stat.st_mtime_ns != mtime:
                    return Verdict(None, inputs)
        except (OSError, ValueError, KeyError, TypeError, ZoneInfoNotFoundError):
            return Verdict(None, inputs)  # no stamp, an unreadable one, or an output file gone
        return Verdict(found, inputs)
