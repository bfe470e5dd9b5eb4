"""Errors users see: one line each, never a traceback.

click.ClickException
 └── SatireError            exit 2: bad usage, bad config, bad input
      ├── InputError        one problem in one file: FILE:LINE:COL: field.path: message
      ├── InputErrors       several InputErrors gathered before aborting
      ├── TransitionError   a review move the status machine does not allow
      └── WorkFailed        exit 1: some work failed, the rest was done and kept
           └── BackendError an LLM call failed after its retries
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import click

# every character str.splitlines() breaks at, and the other C0/C1 controls: a key
# or value read from a file may hold them, and the error line must stay one line
_BREAKS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} | {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def one_line(text: str) -> str:
    """`text` with line breaks and control characters escaped (\\x0a, \\u2028...)."""
    return text.translate(_BREAKS)


def shown(path: Path) -> str:
    """`path` as a user would type it in a message: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class SatireError(click.ClickException):
    """Bad usage, config or input: exit 2 with the message alone on stderr."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class InputError(SatireError):
    """One problem at one place in one file."""

    def __init__(self, file: str | Path, line: int, col: int, field: str, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.col = col
        # a key read from a file may be blank or padded (' ', ' title'): quoted, it stays visible
        self.field = (one_line(field) if field.strip() == field else repr(field)) or "(document)"
        self.problem = one_line(message)
        super().__init__(f"{self.file}:{line}:{col}: {self.field}: {self.problem}")


class InputErrors(SatireError):
    """Every problem found before aborting, one line each."""

    def __init__(self, errors: Iterable[InputError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(e.message for e in self.errors))


class TransitionError(SatireError):
    """A status move that the review table does not allow."""


class WorkFailed(SatireError):
    """Some items failed; the others were done and kept."""

    exit_code = 1


class BackendError(WorkFailed):
    """An LLM backend failed for good (after the retries its policy allows)."""
