"""`satire deploy` to S3: the real boto3 over HTTP against moto's S3 server on
127.0.0.1, through a small proxy that logs every request (what a user would
see in the store's access log) and injects 503 SlowDown when asked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_project
from generator.deploy import deploy
from generator.deploy.manifest import PHASES, SiteFile, phase_of
from generator.errors import SatireError
from tests.conftest import run_satire
from tests.deploykit import (
    HASHED_IMAGE,
    PLANTED_SECRET,
    FaultProxy,
    edit_post,
    make_blog,
    rebuild,
    site_files,
)
from tests.s3kit import aws_env, bucket, moto_server, objects, s3  # noqa: F401 (fixtures)
from tests.sitekit import make_draft, save


@pytest.fixture(scope="module")
def proxy(moto_server: tuple[str, int]) -> Iterator[FaultProxy]:
    running = FaultProxy(moto_server).start()
    yield running
    running.stop()


@pytest.fixture
def blog(demo_project: Path, bucket: str, proxy: FaultProxy) -> Path:
    make_blog(
        demo_project,
        f"deploy:\n  target: s3\n  bucket: {bucket}\n  prefix: blog\n  region: us-east-1\n  endpoint_url: {proxy.url}\n",
    )
    rebuild(demo_project)
    return demo_project


def run_deploy(project: Path, **options: Any) -> tuple[Any, list[str]]:
    lines: list[str] = []
    report = deploy(load_project(project), echo=lines.append, **options)
    return report, lines


def test_first_deploy_uploads_every_file_with_its_type_and_cache_headers(
    blog: Path, s3: Any, bucket: str, proxy: FaultProxy
) -> None:
    since = proxy.mark()
    report, lines = run_deploy(blog)
    files = site_files(blog)
    assert report.ok and report.uploaded == len(files) and report.unchanged == 0
    assert {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in objects(s3, bucket)} == {
        f"blog/{rel}": data for rel, data in files.items()
    }
    assert "blog/.satire-build.json" not in objects(s3, bucket)  # the marker stays home
    expected = {
        "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "posts/sora/index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        "atom.xml": ("application/atom+xml; charset=utf-8", "public, max-age=300"),
        "rss.xml": ("application/rss+xml; charset=utf-8", "public, max-age=300"),
        "sitemap.xml": ("application/xml; charset=utf-8", "public, max-age=300"),
        "robots.txt": ("text/plain; charset=utf-8", "public, max-age=300"),
        "theme/style.css": ("text/css; charset=utf-8", "public, max-age=3600"),
        "images/stage.svg": ("image/svg+xml; charset=utf-8", "public, max-age=3600"),
        HASHED_IMAGE: ("image/png", "public, max-age=31536000, immutable"),
    }
    for rel, (kind, cache) in expected.items():
        head = s3.head_object(Bucket=bucket, Key=f"blog/{rel}")
        assert (head["ContentType"], head["CacheControl"]) == (kind, cache), rel
    # readers never meet a link to a file not there yet: assets, then posts, then indexes, feeds, sitemap
    order = [phase_of(key.removeprefix("blog/")) for key in proxy.puts(since)]
    assert len(order) == len(files) and order == sorted(order), [PHASES[n] for n in order]
    assert lines[-1].startswith(
        f"s3://{bucket}/blog/: {len(files)} uploaded, 0 unchanged, 0 deleted"
    )


def test_second_deploy_uploads_nothing(blog: Path, proxy: FaultProxy) -> None:
    run_deploy(blog)
    since = proxy.mark()
    report, lines = run_deploy(blog)
    assert proxy.writes(since) == []
    assert (
        report.ok
        and report.uploaded == 0
        and report.deleted == 0
        and report.unchanged == len(site_files(blog))
    )
    assert " 0 uploaded, " in lines[-1]


def test_a_changed_post_uploads_only_the_pages_it_changed(
    blog: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    run_deploy(blog)
    edit_post(blog, "amazon-ia")
    built = rebuild(blog)
    since = proxy.mark()
    report, _ = run_deploy(blog)
    sent = proxy.puts(since)
    assert sorted(sent) == sorted(f"blog/{rel}" for rel in built.written)
    assert (
        "blog/posts/amazon-ia/index.html" in sent
        and "blog/posts/sora/index.html" not in sent
        and "blog/theme/style.css" not in sent
    )
    assert report.uploaded == len(sent) and report.unchanged == len(site_files(blog)) - len(sent)
    assert (
        b"tout nouveau texte"
        in s3.get_object(Bucket=bucket, Key="blog/posts/amazon-ia/index.html")["Body"].read()
    )


def test_an_unpublished_post_is_deleted_after_the_uploads(
    blog: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    run_deploy(blog)
    save(blog, make_draft("sora", language="en", status="approved"))
    rebuild(blog)
    since = proxy.mark()
    report, _ = run_deploy(blog)
    assert "blog/posts/sora/index.html" not in objects(s3, bucket)
    assert "posts/sora/index.html" in report.deletes
    writes = proxy.writes(since)
    assert writes[-1].method == "POST" and "delete" in writes[-1].query  # DeleteObjects, last
    assert all(w.method == "PUT" for w in writes[:-1])
    assert set(objects(s3, bucket)) == {f"blog/{rel}" for rel in site_files(blog)}


def test_no_delete_keeps_what_the_site_no_longer_has(
    blog: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    run_deploy(blog)
    save(blog, make_draft("sora", language="en", status="approved"))
    rebuild(blog)
    since = proxy.mark()
    report, lines = run_deploy(blog, delete=False)
    assert "blog/posts/sora/index.html" in objects(s3, bucket)
    assert report.deleted == 0 and report.kept >= 1 and "(--no-delete)" in lines[-1]
    assert all(w.method == "PUT" for w in proxy.writes(since))


def test_dry_run_lists_and_changes_nothing(
    blog: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    run_deploy(blog)
    save(blog, make_draft("sora", language="en", status="approved"))
    edit_post(blog, "amazon-ia")
    rebuild(blog)
    before = objects(s3, bucket)
    since = proxy.mark()
    report, lines = run_deploy(blog, dry_run=True)
    assert proxy.writes(since) == [] and objects(s3, bucket) == before
    assert "would upload posts/amazon-ia/index.html (changed, pages)" in lines
    assert "would delete posts/sora/index.html" in lines
    assert lines[-1].startswith("dry run, nothing changed: ") and report.uploaded >= 1


def test_drafts_build_is_refused_and_the_bucket_is_unchanged(
    blog: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    run_deploy(blog)
    save(blog, make_draft("secret-draft", status="draft", title="Brouillon jamais relu"))
    rebuild(blog, drafts=True)
    assert any("secret-draft" in rel for rel in site_files(blog))  # the drafts build holds it
    before = objects(s3, bucket)
    since = proxy.mark()
    result = run_satire("deploy", cwd=blog)
    assert result.code == 2 and result.out == ""
    assert len(result.err_lines) == 1 and "--drafts" in result.err and "Traceback" not in result.err
    assert proxy.writes(since) == [] and objects(s3, bucket) == before
    assert not any("secret-draft" in key for key in objects(s3, bucket))


def test_a_site_older_than_its_drafts_is_refused_until_built(
    blog: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    edit_post(blog, "amazon-ia")  # edited after the build
    since = proxy.mark()
    with pytest.raises(SatireError, match="build first"):
        run_deploy(blog)
    assert proxy.writes(since) == [] and objects(s3, bucket) == {}
    rebuild(blog)
    report, _ = run_deploy(blog)
    assert report.ok and report.uploaded == len(site_files(blog))


def test_throttling_is_retried_with_backoff(
    blog: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    proxy.faults = 2
    since = proxy.mark()
    report, _ = run_deploy(blog)
    refused = proxy.puts(since, status=503)
    assert len(refused) == 2 and proxy.faults == 0
    assert report.ok, report.errors
    assert set(refused) <= set(proxy.puts(since))  # each refused file went up on a later try
    assert set(objects(s3, bucket)) == {f"blog/{rel}" for rel in site_files(blog)}


def test_an_upload_failing_for_good_stops_before_pages_and_deletions(
    blog: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    run_deploy(blog)
    save(blog, make_draft("sora", language="en", status="approved"))
    (blog / "static/images/new.png").write_bytes(b"\x89PNG new")
    edit_post(blog, "amazon-ia")
    rebuild(blog)
    proxy.faults = 10_000  # every PUT throttled: the retries run out
    since = proxy.mark()
    try:
        result = run_satire("deploy", cwd=blog, env={"AWS_MAX_ATTEMPTS": "2"})
    finally:
        proxy.faults = 0
    assert result.code == 1
    assert "images/new.png: not uploaded" in result.out and "SlowDown" in result.out
    tried = {w.key for w in proxy.writes(since)}
    assert tried == {
        "blog/images/new.png"
    }  # no page went out without its asset, nothing was deleted
    assert "blog/posts/sora/index.html" in objects(s3, bucket)


def test_missing_bucket_and_missing_credentials_are_one_line(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = (blog / "satire.yaml").read_text()
    (blog / "satire.yaml").write_text(config.replace("bucket: blog-", "bucket: nowhere-"))
    rebuild(blog)
    result = run_satire("deploy", cwd=blog)
    assert result.code == 2 and len(result.err_lines) == 1 and "no such bucket" in result.err
    result = run_satire(
        "deploy", cwd=blog, env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    )
    assert (
        result.code == 2 and len(result.err_lines) == 1 and "no AWS credentials found" in result.err
    )


def test_the_secret_key_reaches_no_output_and_no_file(
    blog: Path, tmp_path: Path, isolated_env: Path, proxy: FaultProxy, s3: Any, bucket: str
) -> None:
    outputs = []
    outputs.append(run_satire("deploy", "--dry-run", cwd=blog))
    outputs.append(run_satire("deploy", cwd=blog))
    edit_post(blog, "amazon-ia")
    outputs.append(run_satire("deploy", cwd=blog))  # refused: stale
    outputs.append(run_satire("--debug", "deploy", cwd=blog))
    rebuild(blog)
    proxy.faults = 10_000
    try:
        outputs.append(run_satire("deploy", cwd=blog, env={"AWS_MAX_ATTEMPTS": "1"}))  # fails
    finally:
        proxy.faults = 0
    assert [r.code for r in outputs] == [0, 0, 2, 2, 1]
    for result in outputs:
        assert PLANTED_SECRET not in result.out + result.err
    written = [
        p for folder in (tmp_path, isolated_env) for p in folder.rglob("*") if p.is_file()
    ]  # the project, its state, the home folder
    assert len(written) > 50
    leaks = [p for p in written if PLANTED_SECRET.encode() in p.read_bytes()]
    assert leaks == []
    for key in objects(s3, bucket):
        assert PLANTED_SECRET.encode() not in s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_site_file_phases() -> None:
    assert [
        phase_of(rel)
        for rel in (
            "theme/style.css",
            "images/a.webp",
            "posts/x/index.html",
            "index.html",
            "tag/a/index.html",
            "atom.xml",
            "sitemap.xml",
            "robots.txt",
        )
    ] == [0, 0, 1, 2, 2, 2, 2, 2]
    assert SiteFile.__dataclass_fields__.keys() >= {"content_type", "cache_control", "phase"}
