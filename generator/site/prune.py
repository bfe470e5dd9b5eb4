"""Keeping `.satire/media/` to what the built sites use.

Every build records, per output folder, the cache entries it published from
(`.satire/media/uses/HASH.json`, HASH: of the output's path): source records
(`sources/KEY.json`), image folders (`images/HASH`) and cards
(`cards/KEY.HASH.EXT`). After a build that succeeded, every entry that no
recorded output uses is removed. So a build into another folder (`--out`, the
preview's `.satire/preview/site`) never removes what `site/` still needs, and a
`--drafts` build followed by a published one into the same folder keeps what
the published one uses and drops the rest. An output folder that no longer
exists is forgotten (and a site built before records existed has none until
its next build: a build elsewhere may cost it a remake, never a broken page,
since outputs hold copies). A build with bad drafts adds to its record and removes
nothing (the drafts left out come back when fixed). No image is opened: the
folders are listed, that is all. It runs under the build's lock
(`.satire/build.lock`), so no other build writes the cache meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from generator.infra.fsutil import write_atomic

KINDS = ("sources", "images", "cards")  # the cache's folders, each entry named in the records


def record_path(cache: Path, out: Path) -> Path:
    return cache / "uses" / f"{hashlib.sha256(str(out).encode()).hexdigest()[:32]}.json"


def prune(cache: Path, out: Path, used: set[str], *, clean: bool) -> list[str]:
    """Record what the build into `out` used; when `clean`, remove the cache
    entries no recorded output uses. Return those removed (as `KIND/NAME`)."""
    mine = record_path(cache, out)
    old = _read(mine)
    keep = set(used) if clean else used | (old[1] if old else set())
    if old is None or old[1] != keep or old[0] != str(out):
        write_atomic(mine, json.dumps({"out": str(out), "files": sorted(keep)}))
    if not clean:
        return []
    for record in (cache / "uses").glob("*.json"):
        if record == mine:
            continue
        other = _read(record)
        if other is None or not Path(other[0]).is_dir():
            record.unlink(
                missing_ok=True
            )  # that output is gone (or its record unreadable): forget it
        else:
            keep |= other[1]
    removed: list[str] = []
    for kind in KINDS:
        folder = cache / kind
        for name in os.listdir(folder) if folder.is_dir() else []:
            entry = f"{kind}/{name}"
            if entry in keep:
                continue
            path = folder / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(entry)
    return sorted(removed)


def _read(record: Path) -> tuple[str, set[str]] | None:
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        return str(data["out"]), {str(name) for name in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
