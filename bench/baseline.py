"""The code of another revision, for before/after figures: `git archive REV`
of the tree unpacked in a temporary folder (the work tree is not touched).

    with checkout("main") as old:
        subprocess.run([sys.executable, "-c", snippet], env={"PYTHONPATH": str(old)})
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """A folder holding the tree of `rev` (generator/, tests/, prompts/, ...)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", rev],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="satire-baseline-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def timed(tree: Path, snippet: str) -> float:
    """What `snippet` prints (a number of seconds), run by a fresh interpreter on `tree`'s code."""
    import sys

    out = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r})\n{snippet}"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
    ).stdout
    return float(out.strip().splitlines()[-1])
