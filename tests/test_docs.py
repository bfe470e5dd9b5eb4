"""The documentation site builds with `mkdocs build --strict`; its CLI and
configuration references, generated from the code, list every command, option and
`satire.yaml` key; and nothing user-facing points at a file outside the repository."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import click
import pytest
from pydantic import BaseModel, Field

from generator.cli import cli
from generator.config import Config
from tests.conftest import REPO


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs-site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def commands(group: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path under `group`: ('review', 'approve'), ('build',), ..."""
    if isinstance(group, click.Group):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            sub = group.get_command(ctx, name)
            assert sub is not None
            yield (*path, name)
            yield from commands(sub, (*path, name))


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None
        command = found
    return command


def test_the_cli_reference_lists_every_command_and_option(site: Path) -> None:
    page = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "Sentinel" not in page  # click's internal defaults never leak into the reference
    paths = list(commands(cli))
    assert ("review", "approve") in paths and ("images", "pull") in paths
    for path in paths:
        section_id = "-".join(("satire", *path))
        assert f'id="{section_id}"' in page, f"satire {' '.join(path)} is missing"
        section = re.split(r"<h[1-4]", page.split(f'id="{section_id}"', 1)[1], maxsplit=1)[0]
        for param in command_at(path).params:
            if isinstance(param, click.Option) and not param.hidden:
                longest = max(param.opts, key=len)
                assert longest in section, f"satire {' '.join(path)} {longest} is missing"


def config_keys(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every dotted key of satire.yaml, as a user writes it."""
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        yield key
        annotation = field.annotation
        args = typing.get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from config_keys(annotation, f"{key}.")
        elif typing.get_origin(annotation) is list and args and issubclass_model(args[0]):
            yield from config_keys(args[0], f"{key}[].")
        elif typing.get_origin(annotation) is dict and len(args) == 2 and issubclass_model(args[1]):
            yield from config_keys(args[1], f"{key}.MODEL.")


def issubclass_model(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def test_the_config_reference_lists_every_key_with_its_description(site: Path) -> None:
    page = (site / "reference" / "config" / "index.html").read_text(encoding="utf-8")
    keys = list(config_keys(Config))
    assert {"llm.max_tokens", "intake.feeds[].url", "notify.email.from"} <= set(keys)
    for key in keys:
        assert f"<code>{key}</code>" in page, f"{key} is missing from the config reference"
    # the descriptions are the models' own
    assert "completion budget per call" in page
    assert "giscus: the discussion category&#39;s id" in page or (
        "giscus: the discussion category's id" in page
    )


def load_hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "config_reference", REPO / "docs" / "hooks" / "config_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_config_key_without_a_description_stops_the_docs_build() -> None:
    from mkdocs.exceptions import PluginError

    hook = load_hook()

    class Section(BaseModel):
        """A section with one undocumented key."""

        documented: int = Field(1, description="says what it does")
        silent: int = 2

    with pytest.raises(PluginError, match=r"Section\.silent \(demo\.silent\) has no description"):
        hook._section([], "demo", Section)


# Files the users never see: none of these names may appear in what they do see.
OUTSIDE = re.compile(
    r"\bSPEC\b|\bSPEC\.md\b|\bSTYLE\.md\b|\bDEVELOPERS\b|(?<![\w.-])shared/|/work/"
)
USER_FACING = ["generator", "templates", "prompts", "docs", "README.md", "mkdocs.yml"]


def user_facing_files() -> Iterator[Path]:
    for name in USER_FACING:
        top = REPO / name
        for path in [top] if top.is_file() else sorted(top.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path


def test_nothing_user_facing_names_a_file_outside_the_repository() -> None:
    found = []
    for path in user_facing_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
