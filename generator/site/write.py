"""The only code that touches the output folder.

Everything goes into a fresh temporary folder beside the output; a file whose
bytes did not change is hard-linked from the old site instead (same bytes, same
mtime, so rsync and CDN deploys move only what changed). At the end the new
folder replaces the old one; until then the old site stays whole, and an error
or a crash leaves at most a stray `.NAME.build-*` folder that the next build
removes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


class SiteWriter:
    """Stage a complete site, then swap it in (`commit`) or drop it (`abort`)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        out.parent.mkdir(parents=True, exist_ok=True)
        for stray in out.parent.glob(f".{out.name}.build-*"):
            shutil.rmtree(stray, ignore_errors=True)
        for stray in out.parent.glob(f".{out.name}.old-*"):
            shutil.rmtree(stray, ignore_errors=True)
        self.stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
        self.paths: set[str] = set()
        self.written: list[str] = []
        self.kept = 0
        self._made: set[Path] = {self.stage}

    def _target(self, rel: str) -> Path:
        if rel in self.paths:
            raise ValueError(f"two pages want the same file: {rel}")
        self.paths.add(rel)
        target = self.stage / rel
        parent = target.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        return target

    def add(self, rel: str, data: bytes) -> None:
        """Stage `data` as `rel`, reusing the old file when its bytes are the same."""
        target = self._target(rel)
        old = self.out / rel
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, target)
                self.kept += 1
                return
        except OSError:
            pass
        with open(target, "wb") as handle:
            handle.write(data)
        self.written.append(rel)

    def add_file(self, rel: str, source: Path) -> None:
        """Stage a copy of a static file (linked from the old site when identical)."""
        target = self._target(rel)
        old = self.out / rel
        try:
            src_stat, old_stat = source.stat(), old.stat()
            if src_stat.st_size == old_stat.st_size and (src_stat.st_mtime_ns == old_stat.st_mtime_ns or source.read_bytes() == old.read_bytes()):
                os.link(old, target)
                self.kept += 1
                return
        except OSError:
            pass
        shutil.copy2(source, target)
        self.written.append(rel)

    def removed(self) -> list[str]:
        """Files of the old site that the new one does not have."""
        if not self.out.is_dir():
            return []
        return sorted(p.relative_to(self.out).as_posix() for p in self.out.rglob("*") if p.is_file() and p.relative_to(self.out).as_posix() not in self.paths)

    def commit(self) -> list[str]:
        """Swap the staged site in (unless nothing changed); return removed files."""
        gone = self.removed()
        if not self.written and not gone and self.out.is_dir():
            shutil.rmtree(self.stage)  # nothing changed: leave the site untouched
            return []
        _sync_dir(self.stage)
        if self.out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
            os.replace(self.out, old / "site")
            os.replace(self.stage, self.out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self.stage, self.out)
        return gone

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)


def _sync_dir(path: Path) -> None:
    """Flush the staged tree's directory entry so the rename lands after it."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
