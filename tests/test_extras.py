"""Optional integrations are extras: without boto3, `satire deploy` to S3 says
in one line which extra installs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

HIDE_BOTO3 = (
    "import runpy, sys; sys.modules['boto3'] = None; sys.argv = ['satire', *sys.argv[1:]]; "
    "runpy.run_module('generator', run_name='__main__')"
)


def test_s3_deploy_without_boto3_names_the_extra(tmp_path: Path) -> None:
    (tmp_path / "satire.yaml").write_text(
        "title: T\ndeploy:\n  target: s3\n  bucket: my-blog\n", encoding="utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-c", HIDE_BOTO3, "deploy"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "deploy.target s3 needs boto3, which is not installed: pip install 'satire[s3]'"
    ]
