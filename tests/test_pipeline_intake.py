"""satire run with intake.feeds (after merging intake): a local feed's story becomes a brief; unconfirmed it waits, confirmed it is written and announced."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_satire
from tests.fake_openai import FakeOpenAI, Reply
from tests.generation_support import point_at
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


def test_run_records_what_intakes_llm_calls_cost_on_its_intake_step(tmp_path: Path, news_site: NewsSite, fake_openai: FakeOpenAI) -> None:
    serve_article(news_site, "/2025/12/veltra/", "veltra")
    news_site.feed("/feed/", rss([{"title": "Veltra raises money", "link": news_site.url("/2025/12/veltra/"), "guid": "v1"}]))
    project = make_project(tmp_path / "blog", {"feeds": [{"url": news_site.url("/feed/"), "name": "tdaily"}]})
    env = point_at(project, fake_openai, prices={"gpt-4o-mini": {"input_per_mtok": 1.0, "output_per_mtok": 2.0}})  # $0.0005 a call
    fake_openai.enqueue(Reply(content=json.dumps({"summary": "Veltra raised money.", "facts": [], "quotes": [], "people": [], "angles": []})))
    result = run_satire("run", cwd=project, env=env)
    assert result.code == 0, result.err
    assert len(fake_openai.requests) == 1 and len(list((project / "briefs").glob("*.yaml"))) == 1
    with sqlite3.connect(project / ".satire" / "state.db") as conn:
        conn.row_factory = sqlite3.Row
        [record] = conn.execute("SELECT * FROM pipeline_runs").fetchall()
        steps = {s["step"]: s for s in conn.execute("SELECT * FROM pipeline_steps WHERE run_id = ?", (record["id"],))}
        [call] = conn.execute("SELECT * FROM llm_calls").fetchall()
    assert (call["kind"], call["item"], call["run_id"]) == ("intake", news_site.url("/2025/12/veltra"), record["id"])  # the run's own call
    assert steps["intake"]["cost_usd"] == pytest.approx(0.0005) == call["cost_usd"]
    assert steps["generate"]["cost_usd"] == 0  # the brief waits for an editor: nothing written
    assert record["cost_usd"] == pytest.approx(0.0005)
