"""Shared fixtures. Every test runs with user state in a temp folder and no
LLM endpoint or key in its environment (autouse), so nothing reaches the network
or a real account."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["tests.fake_openai", "tests.receivers", "tests.newsite"]

REPO = Path(__file__).resolve().parent.parent
ENDPOINT_VARS = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "SATIRE_MODEL",
)


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in ENDPOINT_VARS:
        monkeypatch.delenv(name, raising=False)
    yield home


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def run_satire(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    input: str | None = None,
) -> Result:
    """Run the real CLI in a subprocess, as a user would (`input`: its stdin)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ENDPOINT_VARS}
    full_env["PYTHONPATH"] = str(REPO)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def on_a_terminal(
    cwd: Path, *args: str, stderr_too: bool = False, columns: int | None = None
) -> str:
    """What `satire ARGS` prints when its output is a terminal (a pty), as text;
    with `stderr_too`, stderr is that terminal as well (progress bars go there)."""
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm"}
    if columns is not None:
        env["COLUMNS"] = str(columns)
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        stdout=follower,
        stderr=follower if stderr_too else subprocess.PIPE,
    )
    os.close(follower)
    out = b""
    while True:  # read as it comes: a full terminal buffer would stall the command
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    err = proc.stderr.read().decode() if proc.stderr is not None else ""
    assert proc.wait(timeout=120) == 0, (out[-2000:], err)
    return out.decode().replace("\r\n", "\n")


@pytest.fixture
def satire() -> type[Result] | object:
    """`satire(*args, cwd=...)` runs the CLI in a subprocess."""
    return run_satire


def copy_demo(target: Path) -> Path:
    """The repository's demo project (config, briefs, static) copied into `target`."""
    target.mkdir()
    shutil.copy(REPO / "satire.yaml", target / "satire.yaml")
    shutil.copytree(REPO / "briefs", target / "briefs")
    shutil.copytree(REPO / "static", target / "static")
    shutil.copytree(REPO / "schemas", target / "schemas")
    return target


@pytest.fixture
def demo_project(tmp_path: Path) -> Path:
    """A copy of the repository's demo project, with the links of a new project:
    root-relative (the demo's own satire.yaml makes them relative to each page, so
    that its site opens from disk; tests/test_front_door.py builds it as it is)."""
    target = copy_demo(tmp_path / "demo")
    config = target / "satire.yaml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    config.write_text(
        "".join(line for line in lines if not line.lstrip().startswith("relative_urls:")),
        encoding="utf-8",
    )
    return target
