"""satire run with intake.feeds (after merging intake): a local feed's story becomes a brief; unconfirmed it waits, confirmed it is written and announced."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import run_satire
from tests.intakekit import make_project, serve_article
from tests.newsite import NewsSite, rss
from tests.receivers import WebhookReceiver


def test_run_takes_a_feed_in_and_writes_only_confirmed_briefs(tmp_path: Path, news_site: NewsSite, webhook: WebhookReceiver) -> None:
    serve_article(news_site, "/2025/12/veltra/", "veltra")
    news_site.feed("/feed/", rss([{"title": "Veltra raises money", "link": news_site.url("/2025/12/veltra/"), "guid": "v1"}]))
    project = make_project(tmp_path / "blog", {"feeds": [{"url": news_site.url("/feed/"), "name": "tdaily"}]})
    config = yaml.safe_load((project / "satire.yaml").read_text())
    config["notify"] = {"webhook_url_env": "SATIRE_HOOK", "desk_url": "https://desk.example/"}
    (project / "satire.yaml").write_text(yaml.safe_dump(config))
    env = {"SATIRE_HOOK": webhook.url}
    first = run_satire("run", "--offline", cwd=project, env=env)
    assert first.code == 0, first.err
    assert len(list((project / "briefs").glob("*.yaml"))) == 1
    assert not list((project / "drafts").glob("*.md"))
    assert webhook.posts == []
    brief = next((project / "briefs").glob("*.yaml"))
    confirmed = run_satire("brief", "confirm", brief.stem, "--by", "ed", cwd=project)
    assert confirmed.code == 0, confirmed.err
    second = run_satire("run", "--offline", cwd=project, env=env)
    assert second.code == 0, second.err
    assert len(list((project / "drafts").glob("*.md"))) == 1
    assert len(webhook.posts) == 1
    third = run_satire("run", "--offline", cwd=project, env=env)  # the feed answers 304, nothing new to write or announce
    assert third.code == 0, third.err
    assert len(list((project / "briefs").glob("*.yaml"))) == 1 and len(webhook.posts) == 1
