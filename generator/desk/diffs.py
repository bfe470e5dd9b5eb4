"""A unified diff between two revisions, laid out for reading in the browser.

Prose lives in long lines (one paragraph each), so a changed line is shown
with the words that changed marked, not just as a whole line out and in:
each run of removed lines is paired with the run of added lines that follows.
The front matter's changes (revision number, provenance hashes) are kept apart
from the post's, so the editor reads what the writer changed first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["context", "added", "removed", "gap"]
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
_HUNK = re.compile(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass
class Line:
    """One line of the diff: its kind and its text in (text, changed) pieces."""

    kind: Kind
    pieces: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)


@dataclass
class DiffLayout:
    """A diff ready for a template: the post's lines, the front matter's, and counts."""

    body: list[Line] = field(default_factory=list)
    front: list[Line] = field(default_factory=list)
    added: int = 0
    removed: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed)

    @property
    def front_keys(self) -> list[str]:
        """The front matter fields that changed, as named on their lines."""
        keys = [
            line.text.split(":", 1)[0].strip()
            for line in self.front
            if line.kind in ("added", "removed") and ":" in line.text
        ]
        return list(dict.fromkeys(k for k in keys if k))

    @property
    def body_changed(self) -> bool:
        return any(line.kind in ("added", "removed") for line in self.body)


def front_matter_end(text: str) -> int:
    """The line number (1-based) of the '---' closing a draft's front matter; 0 if none."""
    lines = text.splitlines()
    if not lines or lines[0] != "---":
        return 0
    return next((number for number, line in enumerate(lines[1:], start=2) if line == "---"), 0)


def layout(unified: Iterable[str], *, old_front: int = 0, new_front: int = 0) -> DiffLayout:
    """Lines of a unified diff (file headers skipped) as a `DiffLayout`. `old_front` and
    `new_front` are the lines closing each side's front matter (0: no front matter)."""
    out = DiffLayout()
    removed: list[str] = []
    added: list[str] = []
    numbers = [0, 0]  # the next old and new line numbers
    gap = False
    run_start = [0, 0]

    def put(line: Line, in_front: bool) -> None:
        nonlocal gap
        target = out.front if in_front else out.body
        if gap and target:
            target.append(Line("gap", [("⋯", False)]))
        gap = False
        target.append(line)

    def flush() -> None:
        if not (removed or added):
            return
        in_front = (bool(removed) and run_start[0] <= old_front) or (
            not removed and run_start[1] <= new_front
        )
        pairs = min(len(removed), len(added))
        paired = list(zip(removed[:pairs], added[:pairs], strict=True))
        lines = [_words(a, b, keep="removed") for a, b in paired] + [
            Line("removed", [(t, False)]) for t in removed[pairs:]
        ]
        lines += [_words(a, b, keep="added") for a, b in paired] + [
            Line("added", [(t, False)]) for t in added[pairs:]
        ]
        for line in lines:
            put(line, in_front)
        out.added += len(added)
        out.removed += len(removed)
        removed.clear()
        added.clear()

    for raw in unified:
        line = raw.rstrip("\n")
        if line.startswith(("--- ", "+++ ")) and numbers == [0, 0]:
            continue  # the file header
        hunk = _HUNK.match(line)
        if hunk:
            flush()
            numbers = [int(hunk.group(1)), int(hunk.group(2))]
            gap = True
        elif line.startswith("-"):
            if added:
                flush()
            if not removed:
                run_start[:] = numbers
            removed.append(line[1:])
            numbers[0] += 1
        elif line.startswith("+"):
            if not removed and not added:
                run_start[:] = numbers
            added.append(line[1:])
            numbers[1] += 1
        elif not line.startswith("\\"):  # "\ No newline at end of file" says nothing to a reader
            flush()
            put(
                Line("context", [(line[1:] if line.startswith(" ") else line, False)]),
                numbers[0] <= old_front,
            )
            numbers[0] += 1
            numbers[1] += 1
    flush()
    return out


def _words(old: str, new: str, *, keep: Literal["removed", "added"]) -> Line:
    """One side of a changed line, the words that differ marked."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        tokens = a[i1:i2] if keep == "removed" else b[j1:j2]
        if tokens:
            pieces.append(("".join(tokens), tag != "equal"))
    return Line(keep, _merge(pieces))


def _merge(pieces: Sequence[tuple[str, bool]]) -> list[tuple[str, bool]]:
    merged: list[tuple[str, bool]] = []
    for text, changed in pieces:
        if merged and merged[-1][1] == changed:
            merged[-1] = (merged[-1][0] + text, changed)
        else:
            merged.append((text, changed))
    return merged
