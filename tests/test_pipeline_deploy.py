"""`satire run` with a deploy target: only published posts go online, and a run
right after the first uploads nothing and notifies no one (issue 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipelinekit import blog, configure, hook_config, run  # noqa: F401
from tests.receivers import WebhookReceiver
from tests.s3kit import aws_env, bucket, moto_server, objects, s3  # noqa: F401 (fixtures)


def test_run_to_rsync_deploys_published_posts_only_and_nothing_twice(
    blog: Path, webhook: WebhookReceiver, tmp_path: Path
) -> None:
    online = tmp_path / "www"
    configure(
        blog, notify=hook_config(), deploy={"target": "rsync", "destination": str(online) + "/"}
    )
    env = {"SATIRE_HOOK": webhook.url}
    first = run(blog, env=env)
    assert first.code == 0, first.err
    assert (online / "posts/amazon-desantis/index.html").is_file()
    assert not (
        online / "posts/iphone-air"
    ).exists()  # written by this run, not reviewed: not online
    assert len(webhook.posts) == 1
    second = run(blog, env=env)
    assert second.code == 0, second.err
    assert "deploy 0 uploaded, 0 deleted" in second.out
    assert len(webhook.posts) == 1


def test_run_to_s3_puts_the_published_post_only_in_the_bucket(
    blog: Path, webhook: WebhookReceiver, moto_server: tuple[str, int], s3: Any, bucket: str
) -> None:
    host, port = moto_server
    configure(
        blog,
        notify=hook_config(),
        deploy={
            "target": "s3",
            "bucket": bucket,
            "region": "us-east-1",
            "endpoint_url": f"http://{host}:{port}",
        },
    )
    env = {"SATIRE_HOOK": webhook.url}
    first = run(blog, env=env)
    assert first.code == 0, first.err
    keys = set(objects(s3, bucket))
    assert "posts/amazon-desantis/index.html" in keys
    assert not any(
        key.startswith("posts/iphone-air") for key in keys
    )  # the new draft waits for an editor
    assert not any(
        key.startswith("posts/sora-app") for key in keys
    )  # the unconfirmed brief was not even written
    assert len(webhook.posts) == 1 and "iphone" in webhook.posts[0].body["text"].lower()
    etags = objects(s3, bucket)
    second = run(blog, env=env)
    assert second.code == 0, second.err
    assert "deploy 0 uploaded, 0 deleted" in second.out
    assert objects(s3, bucket) == etags
    assert len(webhook.posts) == 1
