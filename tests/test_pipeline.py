"""`satire run`, end to end through the real CLI: confirmed briefs to drafts,
the fact check, the site with published posts only, one notification per run
to a real webhook receiver and SMTP server on 127.0.0.1, the project lock,
the run record, a failing step, a run killed mid-way, and the webhook URL
(a secret) kept out of every file, record and output."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from generator.drafts import parse_draft
from tests.conftest import REPO, Result
from tests.pipelinekit import DESK, blog, configure, hook_config, run  # noqa: F401 (blog: a fixture)
from tests.receivers import HOOK_SECRET, SMTPServer, WebhookReceiver, free_port

STEPS = ["intake", "generate", "factcheck", "build", "deploy", "notify"]


def status_of(root: Path, slug: str) -> str:
    return parse_draft((root / f"drafts/{slug}.md").read_text(encoding="utf-8"), slug).status


def rows(root: Path, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(root / ".satire/state.db")
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def revisions(root: Path, slug: str) -> list[str]:
    return sorted(p.name for p in (root / ".satire/revisions" / slug).glob("*.md"))


def assert_secret_nowhere(root: Path, *outputs: Result) -> None:
    """The planted webhook secret is in no file under the project and in no output."""
    for path in root.rglob("*"):
        if path.is_file():
            assert HOOK_SECRET.encode() not in path.read_bytes(), f"webhook URL written to {path}"
    for result in outputs:
        assert HOOK_SECRET not in result.out and HOOK_SECRET not in result.err


# -- the happy path ------------------------------------------------------------------


def test_run_writes_confirmed_briefs_notifies_once_builds_published_only(
    blog: Path, webhook: WebhookReceiver
) -> None:
    configure(blog, notify=hook_config())
    env = {"SATIRE_HOOK": webhook.url}
    first = run(blog, env=env)
    assert first.code == 0, first.err
    # drafts: the confirmed brief only; nothing approved or published by the run
    assert status_of(blog, "iphone-air") == "draft"
    assert not (blog / "drafts/sora-app.md").exists()
    assert status_of(blog, "amazon-desantis") == "published"
    assert "unconfirmed" in first.out + first.err
    # the site: the published post, never the new draft
    assert (blog / "site/posts/amazon-desantis/index.html").is_file()
    assert not (blog / "site/posts/iphone-air").exists()
    assert "iphone-air" not in (blog / "site/index.html").read_text(encoding="utf-8")
    # one POST naming the new draft, with its title, findings count and desk link
    assert len(webhook.posts) == 1
    post = webhook.posts[0]
    title = parse_draft((blog / "drafts/iphone-air.md").read_text(encoding="utf-8"), "x").title
    text = post.body["text"]
    assert post.body["content"] == text  # Discord reads "content", Slack and Mattermost "text"
    assert title in text
    assert f"{DESK}_desk/drafts/iphone-air" in text
    assert "fact-check finding" in text
    assert "amazon-desantis" not in text and "sora-app" not in text
    assert post.headers["Content-Type"].startswith("application/json")
    # lines: each step, the unconfigured ones skipped; one summary line on stdout
    for step in ("intake", "deploy"):
        assert f"{step}: skipped:" in first.err
    assert (
        len(first.out.strip().splitlines()) == 1
        and first.out.startswith("run ")
        and " ok " in first.out
    )

    second = run(blog, env=env)
    assert second.code == 0, second.err
    assert len(webhook.posts) == 1  # nothing new: no message
    assert revisions(blog, "iphone-air") == ["0001.md"]
    assert_secret_nowhere(blog, first, second)


def test_run_record_holds_each_step_its_time_and_cost(
    blog: Path, webhook: WebhookReceiver, fake_openai: Any
) -> None:
    configure(blog, notify=hook_config(), llm={"free": False, "timeout": 5, "max_retries": 0})
    env = {
        "SATIRE_HOOK": webhook.url,
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_API_KEY": "sk-test-not-a-real-key",
    }
    assert run(blog, env=env).code == 0
    assert run(blog, env=env).code == 0
    runs = rows(blog, "SELECT * FROM pipeline_runs ORDER BY started_at, rowid")
    assert [r["status"] for r in runs] == ["ok", "ok"]
    first, second = runs
    steps = rows(blog, f"SELECT * FROM pipeline_steps WHERE run_id = '{first['id']}' ORDER BY id")
    assert [s["step"] for s in steps] == STEPS
    by = {s["step"]: s for s in steps}
    assert by["intake"]["status"] == "skipped" and by["deploy"]["status"] == "skipped"
    assert json.loads(by["generate"]["details"])["written"] == ["iphone-air"]
    assert json.loads(by["notify"]["details"])["sent"] == {"webhook": ["iphone-air"]}
    assert all(s["seconds"] >= 0 for s in steps)
    # the cost is the call log's: the LLM calls this run made, all counted in its generate step
    calls = rows(
        blog,
        f"SELECT SUM(cost_usd) AS cost, COUNT(*) AS n FROM llm_calls WHERE run_id = '{first['id']}'",
    )[0]
    assert calls["n"] >= 1 and calls["cost"] > 0
    assert by["generate"]["cost_usd"] == pytest.approx(calls["cost"])
    assert first["cost_usd"] == pytest.approx(calls["cost"])
    again = {
        s["step"]: s
        for s in rows(blog, f"SELECT * FROM pipeline_steps WHERE run_id = '{second['id']}'")
    }
    assert json.loads(again["generate"]["details"])["written"] == []
    assert again["generate"]["cost_usd"] == 0 and second["cost_usd"] == 0
    assert first["finished_at"] and first["summary"].startswith(f"run {first['id']}: ok")


def test_email_one_mail_per_run_naming_the_new_drafts(blog: Path, smtp_server: SMTPServer) -> None:
    configure(
        blog,
        notify={
            "desk_url": DESK,
            "email": {
                "to": ["editor@example.org", "chief@example.org"],
                "from": "robot@example.org",
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_server.port,
            },
        },
    )
    first = run(blog)
    assert first.code == 0, first.err
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert smtp_server.envelopes[0].rcpt_tos == ["editor@example.org", "chief@example.org"]
    assert mail["From"] == "robot@example.org"
    assert "1 new draft waits for review" in mail["Subject"]
    body = mail.get_content()
    title = parse_draft((blog / "drafts/iphone-air.md").read_text(encoding="utf-8"), "x").title
    assert (
        title in body and f"{DESK}_desk/drafts/iphone-air" in body and "fact-check finding" in body
    )
    assert run(blog).code == 0
    assert len(smtp_server.messages) == 1
    # an editor confirms the intake brief: the next run writes it and announces it alone
    path = blog / "briefs/sora-app.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("confirmed: false", "confirmed: true"),
        encoding="utf-8",
    )
    assert run(blog).code == 0
    assert len(smtp_server.messages) == 2
    latest = smtp_server.messages[1].get_content()
    assert "/_desk/drafts/sora-app" in latest and "iphone-air" not in latest
    assert status_of(blog, "sora-app") == "draft"


def test_dry_run_writes_sends_and_records_nothing(blog: Path, webhook: WebhookReceiver) -> None:
    configure(blog, notify=hook_config())
    before = sorted(
        p.relative_to(blog).as_posix() for p in blog.rglob("*") if ".satire" not in p.parts
    )
    result = run(blog, "--dry-run", env={"SATIRE_HOOK": webhook.url})
    assert result.code == 0, result.err
    assert "would write iphone-air" in result.err
    assert (
        sorted(p.relative_to(blog).as_posix() for p in blog.rglob("*") if ".satire" not in p.parts)
        == before
    )
    assert webhook.posts == []
    assert rows(blog, "SELECT * FROM pipeline_runs") == []
    assert "dry run" in result.out


# -- one run at a time ------------------------------------------------------------------


def test_second_run_exits_at_once_while_one_is_running(
    blog: Path, webhook: WebhookReceiver
) -> None:
    configure(blog, notify=hook_config())
    webhook.gate = threading.Event()  # the first run waits in its notify step, holding the lock
    env = dict(os.environ)
    env.update({"PYTHONPATH": str(REPO), "SATIRE_HOOK": webhook.url})
    first = subprocess.Popen(
        [sys.executable, "-m", "generator", "run"],
        cwd=blog,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert webhook.arrived.wait(60), "the first run never reached its notify step"
        started = time.monotonic()
        second = run(blog, env={"SATIRE_HOOK": webhook.url})
        assert time.monotonic() - started < 20
        assert second.code == 1
        assert (
            second.err_lines
            == [line for line in second.err_lines if "another 'satire run' is running" in line]
            and len(second.err_lines) == 1
        )
        assert (
            len(rows(blog, "SELECT * FROM pipeline_runs")) == 1
        )  # the second run recorded nothing, did nothing
    finally:
        webhook.gate.set()
        _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert len(webhook.posts) == 1
    assert revisions(blog, "iphone-air") == ["0001.md"]


# -- failures --------------------------------------------------------------------------------


def test_failing_step_is_notified_exits_1_and_the_others_still_run(
    blog: Path, webhook: WebhookReceiver
) -> None:
    configure(blog, notify=hook_config())
    (blog / "templates").mkdir()
    (blog / "templates/post.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>{{ post.title }}</h1>{% endblock %}',
        encoding="utf-8",
    )
    result = run(blog, env={"SATIRE_HOOK": webhook.url})
    assert result.code == 1
    assert "FAILED" in result.out
    assert "build: failed:" in result.err and "disclaimer" in result.err
    assert "Traceback" not in result.err
    assert status_of(blog, "iphone-air") == "draft"  # generate still ran
    steps = {s["step"]: s["status"] for s in rows(blog, "SELECT step, status FROM pipeline_steps")}
    assert steps == {
        "intake": "skipped",
        "generate": "ok",
        "factcheck": "ok",
        "build": "failed",
        "deploy": "skipped",
        "notify": "ok",
    }
    assert [r["status"] for r in rows(blog, "SELECT status FROM pipeline_runs")] == ["failed"]
    assert len(webhook.posts) == 1
    text = webhook.posts[0].body["text"]
    assert "satire run failed" in text and "build:" in text and "/_desk/drafts/iphone-air" in text


def test_webhook_failure_exits_1_keeps_the_secret_and_is_retried_next_run(
    blog: Path, webhook: WebhookReceiver
) -> None:
    configure(blog, notify=hook_config())
    env = {"SATIRE_HOOK": webhook.url}
    webhook.status = 500
    failing = run(blog, env=env)
    assert failing.code == 1
    assert_secret_nowhere(blog, failing)  # not in the error line, the run record or any file
    assert "webhook ($SATIRE_HOOK): the server answered HTTP 500" in failing.err
    assert (
        status_of(blog, "iphone-air") == "draft" and (blog / "site/index.html").is_file()
    )  # the other steps ran
    webhook.status = 200
    retried = run(blog, env=env)
    assert retried.code == 0, retried.err
    assert len(webhook.posts) == 2 and "/_desk/drafts/iphone-air" in webhook.posts[1].body["text"]
    assert_secret_nowhere(blog, failing, retried)


def test_a_webhook_on_loopback_is_refused_unless_allow_private_lets_it(
    blog: Path, webhook: WebhookReceiver
) -> None:
    configure(blog, notify=hook_config(), intake={"allow_private": False})
    env = {"SATIRE_HOOK": webhook.url}
    refused = run(blog, env=env)
    assert refused.code == 1
    assert webhook.posts == []  # refused before any connection
    [line] = [line for line in refused.err_lines if "webhook" in line]
    assert (
        line.startswith("notify: failed: webhook ($SATIRE_HOOK): refused:")
        and "loopback" in line
        and "intake.allow_private" in line
    )
    assert "127.0.0.1" not in line
    assert rows(blog, "SELECT * FROM notified_drafts") == []  # not announced: the next run does
    assert_secret_nowhere(blog, refused)
    configure(blog, intake={"allow_private": ["127.0.0.1"]})
    allowed = run(blog, env=env)
    assert allowed.code == 0, allowed.err
    assert len(webhook.posts) == 1 and "/_desk/drafts/iphone-air" in webhook.posts[0].body["text"]
    assert_secret_nowhere(blog, refused, allowed)


def test_a_webhook_that_redirects_is_not_followed_and_fails(
    blog: Path, webhook: WebhookReceiver
) -> None:
    configure(blog, notify=hook_config())
    webhook.status = 307  # a POST replayed elsewhere would go to a host nobody configured
    result = run(blog, env={"SATIRE_HOOK": webhook.url})
    assert result.code == 1
    assert len(webhook.posts) == 1
    assert (
        "webhook ($SATIRE_HOOK): the server answered HTTP 307 (a redirect: not followed for a POST)"
        in result.err
    )
    assert_secret_nowhere(blog, result)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (
            "http://127.0.0.1:{port}/hooks/" + HOOK_SECRET,
            "could not fetch: ConnectionRefusedError",
        ),  # nobody listens there
        (
            "ftp://127.0.0.1/hooks/" + HOOK_SECRET,
            "refused: only http and https URLs are fetched (found ftp scheme in …)",
        ),  # the client's text quotes the URL
    ],
)
def test_a_webhook_that_cannot_be_posted_to_is_one_line_naming_the_variable_not_the_url(
    blog: Path, url: str, why: str
) -> None:
    configure(blog, notify=hook_config())
    result = run(blog, env={"SATIRE_HOOK": url.format(port=free_port())})
    assert result.code == 1
    [line] = [line for line in result.err_lines if "webhook" in line]
    assert line.startswith(f"notify: failed: webhook ($SATIRE_HOOK): {why}")
    assert_secret_nowhere(blog, result)


def test_unset_webhook_variable_is_one_line_and_exit_1(blog: Path) -> None:
    configure(blog, notify=hook_config())
    result = run(blog)
    assert result.code == 1
    assert "environment variable SATIRE_HOOK is not set" in result.err
    assert "Traceback" not in result.err


# -- killed mid-way ------------------------------------------------------------------------


def test_killed_after_generate_then_run_again_no_duplicates(
    blog: Path, webhook: WebhookReceiver
) -> None:
    configure(blog, notify=hook_config())
    env = {"SATIRE_HOOK": webhook.url}
    killed = run(blog, env={**env, "SATIRE_TEST_CRASH_AT": "after-generate"})
    assert killed.code == -signal.SIGKILL
    assert status_of(blog, "iphone-air") == "draft" and webhook.posts == []
    again = run(blog, env=env)
    assert again.code == 0, again.err
    assert "was interrupted" in again.err
    assert revisions(blog, "iphone-air") == ["0001.md"]
    assert sorted(p.stem for p in (blog / "drafts").glob("*.md")) == [
        "amazon-desantis",
        "iphone-air",
    ]
    assert len(webhook.posts) == 1 and "/_desk/drafts/iphone-air" in webhook.posts[0].body["text"]
    assert [
        r["status"]
        for r in rows(blog, "SELECT status FROM pipeline_runs ORDER BY started_at, rowid")
    ] == ["interrupted", "ok"]
    assert run(blog, env=env).code == 0
    assert len(webhook.posts) == 1


def test_killed_after_sending_then_run_again_sends_nothing_twice(
    blog: Path, webhook: WebhookReceiver
) -> None:
    configure(blog, notify=hook_config())
    env = {"SATIRE_HOOK": webhook.url}
    killed = run(blog, env={**env, "SATIRE_TEST_CRASH_AT": "after-notify-send"})
    assert killed.code == -signal.SIGKILL
    assert len(webhook.posts) == 1
    again = run(blog, env=env)
    assert again.code == 0, again.err
    assert "may not have been announced" in again.err
    assert len(webhook.posts) == 1
    assert revisions(blog, "iphone-air") == ["0001.md"]
    assert_secret_nowhere(blog, killed, again)


def test_a_title_cannot_mention_everyone_or_plant_a_link(
    blog: Path, webhook: WebhookReceiver, fake_openai: Any
) -> None:
    from tests.fake_openai import Reply, article

    hostile = "<!channel> @everyone read <https://evil.example/|the desk> & act"
    fake_openai.enqueue(Reply(content=json.dumps(article(hostile))))
    configure(blog, notify=hook_config(), llm={"timeout": 5, "max_retries": 0})
    result = run(
        blog,
        env={
            "SATIRE_HOOK": webhook.url,
            "OPENAI_BASE_URL": fake_openai.base_url,
            "OPENAI_API_KEY": "sk-test-not-a-real-key",
        },
    )
    assert result.code == 0, result.err
    assert (
        parse_draft((blog / "drafts/iphone-air.md").read_text(encoding="utf-8"), "x").title
        == hostile
    )
    text = webhook.posts[0].body["text"]
    assert "<!channel>" not in text
    assert "<https://evil" not in text
    assert "@everyone" not in text
    assert (
        "&lt;!channel&gt; @\u200beveryone read &lt;https://evil.example/|the desk&gt; &amp; act"
        in text
    )


def test_a_channel_that_failed_catches_up_without_the_other_repeating(
    blog: Path, webhook: WebhookReceiver, smtp_server: SMTPServer
) -> None:
    email = {
        "to": ["editor@example.org"],
        "from": "robot@example.org",
        "smtp_host": "127.0.0.1",
        "smtp_port": free_port(),
    }  # nobody listens there yet
    configure(blog, notify=hook_config(email=email))
    env = {"SATIRE_HOOK": webhook.url}
    first = run(blog, env=env)
    assert first.code == 1
    assert "email (127.0.0.1:" in first.err
    assert len(webhook.posts) == 1 and smtp_server.messages == []
    configure(blog, notify=hook_config(email={**email, "smtp_port": smtp_server.port}))
    second = run(blog, env=env)
    assert second.code == 0, second.err
    assert (
        len(smtp_server.messages) == 1
        and "/_desk/drafts/iphone-air" in smtp_server.messages[0].get_content()
    )
    assert len(webhook.posts) == 1  # the webhook had said it already


def test_a_url_pasted_where_the_variable_name_goes_is_refused_without_echoing_it(
    blog: Path,
) -> None:
    configure(blog, notify={"webhook_url_env": f"https://hooks.example.com/services/{HOOK_SECRET}"})
    result = run(blog)
    assert result.code == 2
    assert result.err_lines == [
        line
        for line in result.err_lines
        if "satire.yaml:" in line
        and "notify.webhook_url_env: the name of an environment variable" in line
    ]
    assert HOOK_SECRET not in result.err + result.out


def test_each_step_not_configured_is_skipped_with_a_line(blog: Path) -> None:
    result = run(blog)
    assert result.code == 0, result.err
    for step, why in (
        ("intake", "intake.feeds"),
        ("deploy", "deploy.target"),
        ("notify", "notify.webhook_url_env"),
    ):
        assert any(
            line.startswith(f"{step}: skipped:") and why in line for line in result.err_lines
        ), result.err
    assert "notify skipped" in result.out and status_of(blog, "iphone-air") == "draft"


def test_killed_between_two_drafts_then_run_again_writes_the_rest_once(
    blog: Path, webhook: WebhookReceiver, fake_openai: Any
) -> None:
    from tests.fake_openai import Reply

    path = blog / "briefs/sora-app.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("confirmed: false\n", ""), encoding="utf-8"
    )
    configure(blog, notify=hook_config(), llm={"timeout": 60, "max_retries": 0, "concurrency": 1})
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "SATIRE_HOOK": webhook.url,
            "OPENAI_BASE_URL": fake_openai.base_url,
            "OPENAI_API_KEY": "sk-test-not-a-real-key",
        }
    )
    fake_openai.enqueue(
        Reply(), Reply(delay=60)
    )  # the first draft at once; the second call hangs until the run is killed
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "run"],
        cwd=blog,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while (
        not (fake_openai.count() >= 2 and (blog / "drafts/iphone-air.md").is_file())
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL
    assert (blog / "drafts/iphone-air.md").is_file() and not (blog / "drafts/sora-app.md").exists()
    again = run(blog, env={k: env[k] for k in ("SATIRE_HOOK", "OPENAI_BASE_URL", "OPENAI_API_KEY")})
    assert again.code == 0, again.err
    assert revisions(blog, "iphone-air") == ["0001.md"] and revisions(blog, "sora-app") == [
        "0001.md"
    ]
    assert status_of(blog, "sora-app") == "draft"
    assert len(webhook.posts) == 1
    text = webhook.posts[0].body["text"]
    assert "/_desk/drafts/iphone-air" in text and "/_desk/drafts/sora-app" in text
