"""A unified diff between two revisions, laid out for reading in the browser.

Prose lives in long lines (one paragraph each), so a changed line is shown
with the words that changed marked, not just as a whole line out and in:
each run of removed lines is paired with the run of added lines that follows.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["context", "added", "removed", "hunk"]
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class Line:
    """One line of the diff: its kind and its text in (text, changed) pieces."""

    kind: Kind
    pieces: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)


@dataclass
class Layout:
    """A diff ready for a template; `changed` counts added and removed lines."""

    lines: list[Line]
    added: int = 0
    removed: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed)


def layout(unified: Iterable[str]) -> Layout:
    """Lines of a unified diff (headers `---`/`+++` skipped) as a `Layout`."""
    lines: list[Line] = []
    removed: list[str] = []
    added: list[str] = []
    totals = [0, 0]

    def flush() -> None:
        pairs = min(len(removed), len(added))
        old_lines = [_words(a, b, keep="removed") for a, b in zip(removed[:pairs], added[:pairs], strict=True)]
        new_lines = [_words(a, b, keep="added") for a, b in zip(removed[:pairs], added[:pairs], strict=True)]
        old_lines += [Line("removed", [(text, False)]) for text in removed[pairs:]]
        new_lines += [Line("added", [(text, False)]) for text in added[pairs:]]
        lines.extend(old_lines)
        lines.extend(new_lines)
        totals[0] += len(added)
        totals[1] += len(removed)
        removed.clear()
        added.clear()

    for raw in unified:
        line = raw.rstrip("\n")
        if line.startswith(("--- ", "+++ ")) and not lines and not removed and not added:
            continue  # the file header
        if line.startswith("-"):
            if added:
                flush()
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
        else:
            flush()
            if line.startswith("@@"):
                lines.append(Line("hunk", [(line, False)]))
            elif line.startswith("\\"):
                continue  # "\ No newline at end of file"
            else:
                lines.append(Line("context", [(line[1:] if line.startswith(" ") else line, False)]))
    flush()
    return Layout(lines, added=totals[0], removed=totals[1])


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
