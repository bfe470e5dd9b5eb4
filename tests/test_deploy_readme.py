"""The Publishing page of the docs stays true: every deploy config in it loads
as written, and the GitHub Actions workflow is valid YAML that builds, then deploys."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.config import load_config
from tests.conftest import REPO

PAGE = (REPO / "docs" / "publishing.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", PAGE, re.S)


def test_every_deploy_config_in_the_docs_loads(tmp_path: Path) -> None:
    configs = [block for block in BLOCKS if block.startswith("deploy:")]
    assert {yaml.safe_load(block)["deploy"]["target"] for block in configs} == {
        "s3",
        "rsync",
        "git",
    }
    for block in configs:
        (tmp_path / "satire.yaml").write_text(block, encoding="utf-8")
        assert load_config(tmp_path / "satire.yaml").deploy.target is not None


def test_the_workflow_builds_then_deploys_on_push() -> None:
    (workflow,) = [yaml.safe_load(block) for block in BLOCKS if block.startswith("name:")]
    assert "push" in workflow[True]  # YAML 1.1 reads the key `on` as true
    runs = [step.get("run", "") for step in workflow["jobs"]["publish"]["steps"]]
    assert runs.index("satire build") < runs.index("satire deploy")
