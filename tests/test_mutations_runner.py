"""bench/mutations.py, the guard-mutation runner: on a tiny repository of its
own, a real mutation is killed, a no-op one survives, a stale or unjudgeable
one is an error, the exit status says so, and the real tree is never edited.
And every entry of this repository's tests/mutations/*.py is well formed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO

RUNNER = REPO / "bench" / "mutations.py"

GUARD = """\
def allowed(path: str) -> bool:
    # refuse a path that climbs out
    return ".." not in path
"""

TESTS = """\
from pkg.guard import allowed


def test_refuses_a_climb() -> None:
    assert not allowed("../etc/passwd")


def test_accepts_a_plain_name() -> None:
    assert allowed("index.html")
"""

MUTATIONS = """\
MUTATIONS = [
    {"name": "real: guard gone", "path": "pkg/guard.py", "old": 'return ".." not in path', "new": "return True",
     "tests": ["tests/test_guard.py::test_refuses_a_climb"]},
    {"name": "no-op: comment reworded", "path": "pkg/guard.py", "old": "# refuse a path that climbs out", "new": "# no climbing",
     "tests": ["tests/test_guard.py"]},
    {"name": "stale: text not there", "path": "pkg/guard.py", "old": "return False", "new": "return True",
     "tests": ["tests/test_guard.py"]},
    {"name": "same: old is new", "path": "pkg/guard.py", "old": "def allowed", "new": "def allowed",
     "tests": ["tests/test_guard.py"]},
    {"name": "outside: a path out of the copy", "path": "../outside.py", "old": "x = 1", "new": "x = 2",
     "tests": ["tests/test_guard.py"]},
    {"name": "unjudgeable: its test fails unmutated", "path": "pkg/guard.py", "old": "-> bool:", "new": "-> bool:  # typed",
     "tests": ["tests/test_broken.py"]},
]
"""


def make_repo(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/__init__.py").write_text("")
    (root / "pkg/guard.py").write_text(GUARD)
    (root / "tests/mutations").mkdir(parents=True)
    (root / "tests/__init__.py").write_text("")
    (root / "tests/test_guard.py").write_text(TESTS)
    (root / "tests/test_broken.py").write_text("def test_broken() -> None:\n    assert False\n")
    (root / "tests/mutations/__init__.py").write_text("")
    (root / "tests/mutations/demo.py").write_text(MUTATIONS)
    subprocess.run(
        ["git", "init", "-q"], cwd=root, check=False
    )  # as in CI: the copy is what git lists
    return root


def runner(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(RUNNER), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def row(out: str, name: str) -> list[str]:
    [line] = [line for line in out.splitlines() if line.startswith(f"| {name} ")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_runner_kills_a_real_mutation_and_reports_the_rest(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (tmp_path / "outside.py").write_text("x = 1\n")
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    result = runner("--repo", str(repo), "--python", sys.executable)
    assert result.returncode == 1, result.stdout + result.stderr
    assert row(result.stdout, "real: guard gone")[2] == "killed"
    assert row(result.stdout, "no-op: comment reworded")[2] == "survived"
    assert row(result.stdout, "stale: text not there")[2] == "error"
    assert row(result.stdout, "same: old is new")[2] == "error"
    assert row(result.stdout, "unjudgeable: its test fails unmutated")[2] == "error"
    assert (
        "old must be non-empty and differ from new" in result.stderr
    )  # the no-change entry, refused before any run
    assert "pkg/guard.py: old text found 0 times, expected exactly once" in result.stderr
    assert "fails unmutated: tests/test_broken.py::test_broken" in result.stdout
    assert row(result.stdout, "outside: a path out of the copy")[2] == "error"
    assert "../outside.py: not inside the repository" in result.stderr
    assert (tmp_path / "outside.py").read_text() == "x = 1\n"
    assert "1 of 6 mutations killed" in result.stdout
    assert {
        p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts
    } == before  # only copies were mutated


def test_runner_exits_0_when_every_mutation_is_killed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    result = runner("--repo", str(repo), "--python", sys.executable, "-k", "real:")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 of 1 mutations killed" in result.stdout


def test_every_listed_mutation_of_this_repository_is_well_formed() -> None:
    """Each `old` text is in its file exactly once and each named test file exists (no test runs)."""
    result = runner("--check")
    assert result.returncode == 0, result.stderr
    assert textwrap.dedent(result.stdout).strip().endswith("mutations well formed")
