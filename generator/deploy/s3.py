"""The S3 target: any S3-compatible store (AWS, Cloudflare R2, MinIO, Backblaze
B2) through boto3 (the optional extra `satire[s3]`), by `endpoint_url`.

Credentials come only from boto3's standard chain (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, an instance or task role);
nothing of ours holds them and no message of ours names them. What the bucket
holds is read from its listing: a file whose MD5 equals the object's ETag (true
of every object put in one piece, as we put them) is not uploaded again.
Throttling (503 SlowDown) and 5xx answers are retried with exponential backoff
and jitter by botocore's "standard" retry mode.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.config import DeployConfig
from generator.deploy.manifest import Changes, DeployReport, Echo, SiteFile, compare, list_changes
from generator.errors import SatireError, WorkFailed

S3Client = Any  # boto3 is untyped (boto3-stubs would give mypy_boto3_s3.S3Client)

ATTEMPTS = (
    6  # tries per request, the first included: botocore waits up to 1, 2, 4, 8, 16 s between them
)
UPLOADERS = 8  # uploads at once within a phase
DELETE_BATCH = 1000  # the most keys one DeleteObjects takes


def _boto3() -> Any:
    """boto3, an optional dependency: missing, one line that names the extra."""
    try:
        import boto3
    except ImportError:
        raise SatireError(
            "deploy.target s3 needs boto3, which is not installed: pip install 'satire[s3]'"
        ) from None
    return boto3


class S3Target:
    def __init__(self, settings: DeployConfig) -> None:
        assert settings.bucket is not None  # the config requires it for target s3
        self.bucket = settings.bucket
        self.prefix = settings.prefix
        self.region = settings.region
        self.endpoint_url = settings.endpoint_url
        self.name = f"s3://{self.bucket}/{self.prefix}"
        self.boto3 = _boto3()

    def client(self) -> S3Client:
        from botocore.config import Config

        given = os.environ.get(
            "AWS_MAX_ATTEMPTS", ""
        )  # the standard variable still has the last word
        attempts = int(given) if given.isdigit() and int(given) > 0 else ATTEMPTS
        config = Config(
            retries={"mode": "standard", "total_max_attempts": attempts},
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=UPLOADERS + 2,
            s3={"addressing_style": "path"}
            if self.endpoint_url
            else None,  # MinIO and friends: no bucket subdomains
        )
        session = self.boto3.session.Session()
        client: S3Client = session.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config
        )
        return client

    def publish(
        self, site: Path, files: list[SiteFile], *, dry_run: bool, delete: bool, echo: Echo
    ) -> DeployReport:
        report = DeployReport(self.name, dry_run=dry_run)
        with translated(self):
            client = self.client()
            changes = compare(files, dict(self.listing(client)))
            report.record(changes, delete=delete)
            if dry_run:
                list_changes(changes, delete=delete, echo=echo)
                return report.finish()
            self.apply(client, changes, report)
        return report.finish()

    def listing(self, client: S3Client) -> Iterator[tuple[str, str]]:
        """(path inside the site, MD5 or ETag) of every object under the prefix."""
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        ):
            for item in page.get("Contents", []):
                key = item["Key"]
                if not key.endswith("/"):  # folder placeholders made by consoles
                    yield key[len(self.prefix) :], item.get("ETag", "").strip('"')

    def apply(self, client: S3Client, changes: Changes, report: DeployReport) -> None:
        """Upload phase by phase; a phase with a failure stops the deploy before the
        next one (no index pointing at a page that is not there) and before deletions."""
        done: list[SiteFile] = []
        with ThreadPoolExecutor(UPLOADERS) as pool:
            for phase in changes.by_phase():
                results = list(pool.map(lambda f: (f, self.upload(client, f)), phase))
                done += [f for f, problem in results if problem is None]
                report.errors += [problem for _, problem in results if problem]
                if report.errors:
                    break
        report.uploads = [f.rel for f in done]
        report.bytes = sum(f.size for f in done)
        if report.errors:
            report.deletes = []
            return
        kept: set[str] = set()
        for start in range(0, len(report.deletes), DELETE_BATCH):
            batch = report.deletes[start : start + DELETE_BATCH]
            answer = client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": self.prefix + rel} for rel in batch], "Quiet": True},
            )
            for error in answer.get("Errors", []):
                rel = error.get("Key", "")[len(self.prefix) :]
                kept.add(rel)
                report.errors.append(
                    f"{self.name}: {rel}: not deleted: {error.get('Code', '')} {error.get('Message', '')}".rstrip()
                )
        report.deletes = [rel for rel in report.deletes if rel not in kept]

    def upload(self, client: S3Client, f: SiteFile) -> str | None:
        """Put one file; a one-line problem, or None when it went up."""
        from botocore.exceptions import BotoCoreError, ClientError

        body = f.path.read_bytes()
        try:
            client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + f.rel,
                Body=body,
                ContentType=f.content_type,
                CacheControl=f.cache_control,
                ContentMD5=base64.b64encode(bytes.fromhex(f.md5)).decode("ascii"),
            )
        except (ClientError, BotoCoreError) as exc:
            return f"{self.name}: {f.rel}: not uploaded: {exc}"
        return None


@contextmanager
def translated(target: S3Target) -> Iterator[None]:
    """boto3's errors as one line each: what went wrong and the fix."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    where = target.name
    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise SatireError(
            f"{where}: no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the environment, "
            "or run where an instance role provides them; satire.yaml never holds them"
        ) from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "NoSuchBucket":
            raise SatireError(
                f"{where}: no such bucket: create it, or fix deploy.bucket in satire.yaml"
            ) from None
        if code in {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}:
            raise SatireError(
                f"{where}: refused ({code}): check the AWS credentials in the environment and their rights on the bucket"
            ) from None
        raise WorkFailed(f"{where}: {exc}") from None
    except EndpointConnectionError as exc:
        raise WorkFailed(f"{where}: cannot reach {target.endpoint_url or 'AWS'}: {exc}") from None
    except BotoCoreError as exc:
        raise WorkFailed(f"{where}: {exc}") from None
