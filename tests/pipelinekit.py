"""The project `satire run` tests start from (the `blog` fixture), and the helpers
they share: settings written into its satire.yaml, one run through the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import Result, run_satire

DESK = "https://desk.example.org/"


def configure(root: Path, **sections: Any) -> None:
    """Set top-level `sections` of the project's satire.yaml."""
    path = root / "satire.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config.update(sections)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def hook_config(**extra: Any) -> dict[str, Any]:
    """A `notify` section posting to the webhook in $SATIRE_HOOK, linking to the desk at DESK."""
    return {"webhook_url_env": "SATIRE_HOOK", "desk_url": DESK, "timeout": 5, **extra}


@pytest.fixture
def blog(demo_project: Path) -> Path:
    """Three briefs: one published post, one confirmed brief without a draft, one unconfirmed
    hand-written brief; the webhook receiver is on 127.0.0.1, which intake.allow_private lists."""
    root = demo_project
    configure(root, intake={"allow_private": ["127.0.0.1"]})
    for path in (root / "briefs").glob("*.yaml"):
        if path.stem not in {"amazon-desantis", "iphone-air", "sora-app"}:
            path.unlink()
    with (root / "briefs/sora-app.yaml").open("a", encoding="utf-8") as handle:
        handle.write("confirmed: false\n")
    for args in (
        ("generate", "amazon-desantis", "--offline"),
        ("review", "approve", "amazon-desantis", "--by", "ed", "--ack"),
        ("publish", "amazon-desantis", "--by", "ed"),
    ):
        result = run_satire(*args, cwd=root)
        assert result.code == 0, result.err
    return root


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`satire run ARGS` in `root`."""
    return run_satire("run", *args, cwd=root, env=env)
