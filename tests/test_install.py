"""The CLI as installed: `satire init` makes a project that checks; a wheel
built from the repository carries the built-in prompts and theme and works from
any folder; `--help` imports nothing heavy."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO, run_satire


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_init_makes_a_project_that_checks(tmp_path: Path, lang: str) -> None:
    target = tmp_path / "blog"
    made = run_satire("init", str(target), "--lang", lang, cwd=tmp_path)
    assert made.code == 0, made.err
    assert (target / "satire.yaml").is_file()
    assert f"language: {lang}" in (target / "satire.yaml").read_text(encoding="utf-8")
    checked = run_satire("check", cwd=target)
    assert checked.code == 0, checked.err
    assert "1 brief(s) OK" in checked.out


def test_init_refuses_to_overwrite_a_project(tmp_path: Path) -> None:
    assert run_satire("init", str(tmp_path / "b"), cwd=tmp_path).code == 0
    (tmp_path / "b" / "satire.yaml").write_text("title: Mine\n", encoding="utf-8")
    again = run_satire("init", str(tmp_path / "b"), cwd=tmp_path)
    assert again.code == 2 and "already a satire project" in again.err
    assert (tmp_path / "b" / "satire.yaml").read_text(encoding="utf-8") == "title: Mine\n"


def test_help_lists_commands_without_importing_heavy_modules() -> None:
    code = (
        "import sys; from generator.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "heavy = sorted(m for m in ('openai', 'jinja2', 'markdown', 'pydantic', 'nh3', 'babel', 'yaml') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout
    for command in ("init", "check"):
        assert command in proc.stdout


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_repository(tmp_path: Path) -> None:
    """`pip install .` (not editable), then `satire init` + `satire check` elsewhere.

    No network: the wheel is built without isolation and the new venv borrows
    this venv's already-installed dependencies through a .pth file.
    """
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("satire-*.whl")
    import zipfile

    shipped = set(zipfile.ZipFile(wheel).namelist())  # the social cards' font and its licence
    assert {
        "generator/site/fonts/DejaVuSans-Bold.ttf",
        "generator/site/fonts/DejaVuSans.ttf",
        "generator/site/fonts/LICENSE-DejaVu.txt",
    } <= shipped
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    new_python = env_dir / "bin" / "python"
    site = subprocess.run(
        [new_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [new_python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )

    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    satire = env_dir / "bin" / "satire"
    where = subprocess.run(
        [new_python, "-c", "import generator; print(generator.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert where.stdout.startswith(str(env_dir)), where.stdout
    made = subprocess.run(
        [satire, "init", "blog"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    checked = subprocess.run(
        [satire, "check"], cwd=tmp_path / "blog", env=env, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    code = "from generator.infra.resources import builtin_dir; print(builtin_dir('prompts'), builtin_dir('templates'))"
    listed = subprocess.run(
        [new_python, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, check=True
    )
    assert "_builtin" in listed.stdout
