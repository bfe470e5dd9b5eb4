"""satire run with intake.feeds (after merging intake): a local feed's story becomes a brief; unconfirmed it waits and is announced once as such, confirmed it is written and its draft announced."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_satire
from tests.fake_openai import FakeOpenAI, Reply
from tests.generation_support import point_at
from tests.intakekit import feed_project
from tests.newsite import NewsSite
from tests.pipelinekit import DESK, hook_config
from tests.receivers import WebhookReceiver


def test_run_takes_a_feed_in_announces_its_brief_once_then_writes_it_once_confirmed(
    tmp_path: Path, news_site: NewsSite, webhook: WebhookReceiver
) -> None:
    project = feed_project(tmp_path / "blog", news_site, notify=hook_config())
    env = {"SATIRE_HOOK": webhook.url}
    first = run_satire("run", "--offline", cwd=project, env=env)
    assert first.code == 0, first.err
    assert len(list((project / "briefs").glob("*.yaml"))) == 1
    assert not list((project / "drafts").glob("*.md"))
    # one POST: the brief waits for an editor's confirmation (title, publisher, facts and quotes, desk link); no draft
    brief = next((project / "briefs").glob("*.yaml"))
    data = yaml.safe_load(brief.read_text(encoding="utf-8"))
    assert data["confirmed"] is False and data["facts"] and data["quotes"]
    assert len(webhook.posts) == 1
    text = webhook.posts[0].body["text"]
    assert "1 new brief waits for confirmation" in text
    assert data["title"] in text and f"from {data['source']['publisher']}" in text
    assert f"{len(data['facts'])} facts, {len(data['quotes'])} quotes" in text
    assert f"{DESK}_desk/briefs/{brief.stem}" in text and "_desk/drafts/" not in text
    again = run_satire(
        "run", "--offline", cwd=project, env=env
    )  # still waiting, already announced: nothing to say
    assert again.code == 0, again.err
    assert len(webhook.posts) == 1
    confirmed = run_satire("brief", "confirm", brief.stem, "--by", "ed", cwd=project)
    assert confirmed.code == 0, confirmed.err
    second = run_satire("run", "--offline", cwd=project, env=env)
    assert second.code == 0, second.err
    assert len(list((project / "drafts").glob("*.md"))) == 1
    assert len(webhook.posts) == 2  # the draft now, not the brief again
    text = webhook.posts[1].body["text"]
    assert (
        f"{DESK}_desk/drafts/{brief.stem}" in text
        and "_desk/briefs/" not in text
        and "confirmation" not in text
    )
    third = run_satire(
        "run", "--offline", cwd=project, env=env
    )  # the feed answers 304, nothing new to write or announce
    assert third.code == 0, third.err
    assert len(list((project / "briefs").glob("*.yaml"))) == 1 and len(webhook.posts) == 2


def test_run_announces_neither_a_confirmed_nor_a_discarded_brief(
    tmp_path: Path, news_site: NewsSite, webhook: WebhookReceiver
) -> None:
    project = feed_project(
        tmp_path / "blog", news_site, ("veltra", "orbitly"), notify=hook_config()
    )
    taken = run_satire(
        "intake", "--offline", cwd=project
    )  # a cron 'satire intake' between two runs
    assert taken.code == 0, taken.err
    kept, dropped = sorted(path.stem for path in (project / "briefs").glob("*.yaml"))
    for args in (
        ("brief", "confirm", kept, "--by", "ed"),
        ("brief", "discard", dropped, "--by", "ed"),
    ):
        result = run_satire(*args, cwd=project)
        assert result.code == 0, result.err
    result = run_satire("run", "--offline", cwd=project, env={"SATIRE_HOOK": webhook.url})
    assert result.code == 0, result.err
    assert len(webhook.posts) == 1
    text = webhook.posts[0].body["text"]
    assert f"_desk/drafts/{kept}" in text and "_desk/briefs/" not in text and dropped not in text


def test_run_records_what_intakes_llm_calls_cost_on_its_intake_step(
    tmp_path: Path, news_site: NewsSite, fake_openai: FakeOpenAI
) -> None:
    project = feed_project(tmp_path / "blog", news_site)
    env = point_at(
        project,
        fake_openai,
        prices={"gpt-4o-mini": {"input_per_mtok": 1.0, "output_per_mtok": 2.0}},
    )  # $0.0005 a call
    fake_openai.enqueue(
        Reply(
            content=json.dumps(
                {
                    "summary": "Veltra raised money.",
                    "facts": [],
                    "quotes": [],
                    "people": [],
                    "angles": [],
                }
            )
        )
    )
    result = run_satire("run", cwd=project, env=env)
    assert result.code == 0, result.err
    assert len(fake_openai.requests) == 1 and len(list((project / "briefs").glob("*.yaml"))) == 1
    with sqlite3.connect(project / ".satire" / "state.db") as conn:
        conn.row_factory = sqlite3.Row
        [record] = conn.execute("SELECT * FROM pipeline_runs").fetchall()
        steps = {
            s["step"]: s
            for s in conn.execute("SELECT * FROM pipeline_steps WHERE run_id = ?", (record["id"],))
        }
        [call] = conn.execute("SELECT * FROM llm_calls").fetchall()
    assert (call["kind"], call["item"], call["run_id"]) == (
        "intake",
        news_site.url("/2025/12/veltra"),
        record["id"],
    )  # the run's own call
    assert steps["intake"]["cost_usd"] == pytest.approx(0.0005) == call["cost_usd"]
    assert steps["generate"]["cost_usd"] == 0  # the brief waits for an editor: nothing written
    assert record["cost_usd"] == pytest.approx(0.0005)
