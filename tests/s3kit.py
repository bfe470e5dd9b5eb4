"""S3 for the deploy tests: moto's S3 server on 127.0.0.1 (one per test module),
AWS credentials as a user gives them (autouse where imported), a client to look at
a bucket as its owner would, and a fresh bucket per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.deploykit import PLANTED_SECRET

BUCKETS = itertools.count()


@pytest.fixture(scope="module")
def moto_server() -> Iterator[tuple[str, int]]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield server.get_host_and_port()
    server.stop()


@pytest.fixture(autouse=True)
def aws_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials as a user gives them: in the standard AWS environment variables."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTDEPLOYKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", PLANTED_SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def s3(moto_server: tuple[str, int]) -> Any:
    """A client straight to moto, to look at the bucket as its owner would."""
    host, port = moto_server
    return boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"blog-{next(BUCKETS)}"
    s3.create_bucket(Bucket=name)
    return name


def objects(s3: Any, bucket: str) -> dict[str, str]:
    """key -> ETag of everything in the bucket."""
    found: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        found.update({item["Key"]: item["ETag"] for item in page.get("Contents", [])})
    return found
