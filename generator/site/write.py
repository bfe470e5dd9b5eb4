"""The only code that touches the output folder.

A build stages every file it (re)wrote in a temporary folder beside the output
(`.site.build-*`); the output is not touched until everything rendered and
passed its checks, so a template error or a crash while rendering leaves the
old site whole. A file whose bytes did not change is not staged at all, so it
keeps its bytes and mtime (rsync and CDN deploys move only what changed).

The commit is journaled: the staged folder is renamed to `.site.commit-*`
with a journal of the files to move in and to delete, then the moves happen
(each an atomic rename). A commit cut short by a crash is finished by the next
build before it does anything else, so readers never keep a half-updated site.
The first build (no output folder yet) renames the staged folder into place.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

JOURNAL = ".journal.json"


def recover(out: Path) -> None:
    """Finish an interrupted commit and drop abandoned stages beside `out`."""
    if not out.parent.is_dir():
        return
    for folder in sorted(out.parent.glob(f".{out.name}.commit-*")):
        journal = folder / JOURNAL
        if journal.is_file():
            plan = json.loads(journal.read_text(encoding="utf-8"))
            _apply(folder, out, plan["moves"], plan["deletes"])
        shutil.rmtree(folder, ignore_errors=True)
    for folder in out.parent.glob(f".{out.name}.build-*"):
        shutil.rmtree(folder, ignore_errors=True)


def _apply(stage: Path, out: Path, moves: list[str], deletes: list[str]) -> None:
    made: set[Path] = set()
    for rel in moves:
        source = stage / rel
        if not source.exists():
            continue  # moved before the interruption
        target = out / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        os.replace(source, target)
    emptied: set[Path] = set()
    for rel in deletes:
        target = out / rel
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        emptied.add(target.parent)
    for folder in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        while folder != out and folder.is_relative_to(out):
            try:
                folder.rmdir()
            except OSError:
                break  # not empty
            folder = folder.parent


class SiteWriter:
    """Stage changed files, then `commit` them into the output (or `abort`)."""

    def __init__(self, out: Path, stage: Path | None = None) -> None:
        self.out = out
        out.parent.mkdir(parents=True, exist_ok=True)
        self.stage = stage or Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
        self._made: set[Path] = {self.stage}

    def same(self, rel: str, data: bytes) -> bool:
        """Whether the output already holds exactly `data` at `rel`."""
        old = self.out / rel
        try:
            return old.stat().st_size == len(data) and old.read_bytes() == data
        except OSError:
            return False

    def add(self, rel: str, data: bytes) -> tuple[int, int] | None:
        """Stage `data` as `rel` unless the output holds it already. When staged,
        the file's (size, mtime): the commit's renames keep them, so the manifest
        needs no second look at the file."""
        if self.same(rel, data):
            return None
        target = self._parent(rel)
        with open(target, "wb") as handle:
            handle.write(data)
            handle.flush()  # a small page may still sit in the buffer
            stat = os.fstat(handle.fileno())
        return (stat.st_size, stat.st_mtime_ns)

    def add_file(self, rel: str, source: Path) -> bool:
        """Stage a copy of a static file unless the output holds the same bytes."""
        old = self.out / rel
        try:
            if (
                source.stat().st_size == old.stat().st_size
                and source.read_bytes() == old.read_bytes()
            ):
                return False
        except OSError:
            pass
        shutil.copy2(source, self._parent(rel))
        return True

    def _parent(self, rel: str) -> Path:
        target = self.stage / rel
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        return target

    def commit(self, written: list[str], deletes: list[str]) -> None:
        """Move the staged files in and delete `deletes`, under a journal."""
        if not self.out.exists():
            os.replace(self.stage, self.out)
            return
        if not written and not deletes:
            shutil.rmtree(self.stage, ignore_errors=True)
            return
        journal = self.stage / JOURNAL
        with open(journal, "w", encoding="utf-8") as handle:
            json.dump({"moves": written, "deletes": deletes}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        committing = self.out.parent / self.stage.name.replace(".build-", ".commit-", 1)
        os.replace(self.stage, committing)
        _apply(committing, self.out, written, deletes)
        shutil.rmtree(committing, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)
