"""Writing files so that nothing is ever half-written: a temp file beside the
target, flushed and fsynced, then renamed over it. Locks for the whole project.
And the test-only crash points (`SATIRE_TEST_CRASH_AT`) that prove both.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from generator.errors import SatireError

CRASH_ENV = "SATIRE_TEST_CRASH_AT"  # test-only: names the point where the process SIGKILLs itself


def write_atomic(path: Path, data: str | bytes, *, sync: bool = True) -> None:
    """Replace `path` with `data` in one rename; readers see old or new, never half.
    `sync=False` skips the fsync: for caches of what can be made again, where one
    fsync per file (a card, an image) cost more wall time than making it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw[: len(raw) // 2])
            handle.flush()
            crash_point("mid-write")  # half the bytes are out
            handle.write(raw[len(raw) // 2 :])
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def project_lock(state_dir: Path, name: str, *, wait: bool = True) -> Iterator[None]:
    """Hold `.satire/NAME.lock` (flock, released by the kernel if we die)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / f"{name}.lock", "a+") as handle:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle.fileno(), flags)
        except BlockingIOError:
            raise SatireError(
                f"another 'satire {name}' is running on this project; wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def crash_point(name: str) -> None:
    """Test-only: die here, as a power cut would, when SATIRE_TEST_CRASH_AT names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
