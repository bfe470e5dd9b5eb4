"""`satire generate` against the fake Chat Completions server, through the
real `openai` client: structured output, fallbacks, every fault policy."""

from __future__ import annotations

import email.utils
import json
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_satire
from tests.fake_openai import FakeOpenAI, Received, Reply, article
from tests.generation_support import drafts, only_brief, point_at, stray_files


@pytest.fixture
def one(demo_project: Path) -> Path:
    only_brief(demo_project, "iphone-air")
    return demo_project


def test_json_schema_path_writes_a_draft(one: Path, fake_openai: FakeOpenAI) -> None:
    env = point_at(one, fake_openai)
    fake_openai.enqueue(
        Reply(content=json.dumps(article("Thin is in", pull_quote="Thinner than the excuse.")))
    )
    result = run_satire("generate", cwd=one, env=env)
    assert result.code == 0, result.err
    assert "1 written, 0 failed" in result.out
    [request] = fake_openai.requests
    assert request.response_format == "json_schema"
    schema = request.body["response_format"]["json_schema"]
    assert schema["strict"] is True and set(schema["schema"]["required"]) == {
        "title",
        "dek",
        "body",
        "pull_quote",
        "tags",
    }
    assert request.body["model"] == "gpt-4o-mini"
    draft = drafts(one)["iphone-air"]
    assert draft.title == "Thin is in" and draft.status == "draft" and draft.revision == 1
    assert (
        draft.pull_quote == "Thinner than the excuse."
        and "> Thinner than the excuse." in draft.body
    )
    assert draft.provenance.backend == "openai" and draft.provenance.model == "gpt-4o-mini"
    assert (draft.provenance.tokens_in, draft.provenance.tokens_out) == (100, 200)
    assert draft.provenance.cost_usd == pytest.approx((100 * 0.15 + 200 * 0.60) / 1e6)
    assert (
        draft.source.url.startswith("https://www.apple.com/")
        and draft.brief == "briefs/iphone-air.yaml"
    )
    assert (one / ".satire" / "revisions" / "iphone-air" / "0001.md").is_file()


def test_server_rejecting_json_schema_falls_back_to_json_mode(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.reject_formats = {"json_schema"}
    result = run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    assert result.code == 0, result.err
    assert [r.response_format for r in fake_openai.requests] == ["json_schema", "json_object"]
    assert drafts(one)["iphone-air"].title.startswith("Fake: ")


def test_server_rejecting_every_response_format_falls_back_to_plain_text(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.reject_formats = {"json_schema", "json_object"}
    plain = "# Thin, thinner, gone\n\n*A dek in italics.*\n\n" + "\n\n".join(
        [
            "Opening paragraph with enough words to count as one, and a bit more.",
            "> Nothing left to remove.",
            "Second paragraph, more words about the phone that got thin, and thinner still, until only the price was left.",
            "Closer.",
        ]
    )
    fake_openai.enqueue(Reply(), Reply(), Reply(content=plain))
    result = run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    assert result.code == 0, result.err
    assert [r.response_format for r in fake_openai.requests] == ["json_schema", "json_object", None]
    draft = drafts(one)["iphone-air"]
    assert (
        draft.title == "Thin, thinner, gone"
        and draft.dek == "A dek in italics."
        and draft.pull_quote == "Nothing left to remove."
    )


def test_json_in_a_code_fence_among_prose_is_accepted(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(
        Reply(
            content="Sure! Here it is:\n```json\n" + json.dumps(article("Fenced")) + "\n```\nEnjoy."
        )
    )
    result = run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    assert result.code == 0, result.err
    assert drafts(one)["iphone-air"].title == "Fenced" and len(fake_openai.requests) == 1


@pytest.mark.parametrize(
    ("replies", "requests", "ok"),
    [
        pytest.param(
            [Reply(status=429, headers={"retry-after-ms": "1"})], 2, True, id="429-retry-after-ms"
        ),
        pytest.param(
            [Reply(status=429, headers={"retry-after": "0"})], 2, True, id="429-retry-after"
        ),
        pytest.param([Reply(status=500)], 2, True, id="500-then-ok"),
        pytest.param([Reply(status=503), Reply(status=503)], 3, True, id="503-twice-then-ok"),
        pytest.param([Reply(status=503)] * 3, 3, False, id="503-for-good"),
        pytest.param([Reply(content="{not json")], 2, True, id="invalid-json-reasked"),
        pytest.param(
            [Reply(content="{not json"), Reply(content="still [not json")],
            2,
            False,
            id="invalid-json-twice",
        ),
        pytest.param(
            [Reply(content=json.dumps({"title": "only a title"}))] * 2,
            2,
            False,
            id="off-schema-twice",
        ),
        pytest.param(
            [Reply(content=json.dumps({"title": "only a title"}))], 2, True, id="off-schema-reasked"
        ),
        pytest.param(
            [Reply(content='{"title": "Cut o', finish_reason="length")],
            2,
            True,
            id="length-retried-larger",
        ),
        pytest.param(
            [Reply(content='{"title": "Cut o', finish_reason="length")] * 4,
            4,
            False,
            id="length-up-to-the-ceiling",
        ),
        pytest.param(
            [Reply(content=None, refusal="I can't help with that.")], 1, False, id="refusal"
        ),
        pytest.param(
            [Reply(content="", finish_reason="content_filter")], 1, False, id="content-filter"
        ),
        pytest.param([Reply(content="")], 2, True, id="empty-reasked"),
        pytest.param([Reply(content=""), Reply(content="")], 2, False, id="empty-twice"),
        pytest.param([Reply(status=401, error_message="bad key")], 1, False, id="401-no-retry"),
        pytest.param(
            [Reply(status=200, raw=b"<html>proxy error</html>")],
            2,
            True,
            id="non-json-http-body-retried",
        ),
        pytest.param(
            [Reply(status=200, raw=b"<html>proxy error</html>")] * 3,
            3,
            False,
            id="non-json-http-body-for-good",
        ),
    ],
)
def test_fault_policy(
    one: Path, fake_openai: FakeOpenAI, replies: list[Reply], requests: int, ok: bool
) -> None:
    fake_openai.enqueue(*replies)
    result = run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    assert len(fake_openai.requests) == requests, result.err
    assert stray_files(one) == []
    if ok:
        assert result.code == 0, result.err
        assert "iphone-air" in drafts(one)
    else:
        assert result.code == 1, result.err
        assert drafts(one) == {}, "a failed brief writes nothing"
        assert "generation failed" in result.err and "1 failed (iphone-air)" in result.out
        assert "Traceback" not in result.err


def test_length_retry_doubles_the_budget(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply(content='{"title": "Cut o', finish_reason="length"))
    run_satire("generate", cwd=one, env=point_at(one, fake_openai, max_tokens=700))
    assert [r.body["max_tokens"] for r in fake_openai.requests] == [700, 1400]


def test_refusal_is_named_and_not_retried(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply(content=None, refusal="I can't help with that."))
    result = run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    assert "refused" in result.err and "I can't help with that." in result.err


def test_reask_tells_the_model_what_was_wrong(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply(content=json.dumps({"title": "only a title"})))
    run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    assert [r.response_format for r in fake_openai.requests] == ["json_schema", "json_object"], (
        "off-schema: the re-ask falls back to JSON mode"
    )
    second = fake_openai.requests[1].messages
    assert second[-2] == {"role": "assistant", "content": json.dumps({"title": "only a title"})}
    assert (
        second[-1]["role"] == "user"
        and "body" in second[-1]["content"]
        and "could not be used" in second[-1]["content"]
    )


def test_hung_server_times_out_and_is_retried(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply(delay=3))
    result = run_satire("generate", cwd=one, env=point_at(one, fake_openai, timeout=0.5))
    assert result.code == 0, result.err
    assert len(fake_openai.requests) == 2


def test_hung_server_for_good_fails_after_the_retries(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.latency = 3
    result = run_satire(
        "generate", cwd=one, env=point_at(one, fake_openai, timeout=0.4, max_retries=1)
    )
    assert result.code == 1
    assert len(fake_openai.requests) == 2
    assert "timed out after 2 tries" in result.err
    assert drafts(one) == {}


def test_connection_refused_fails_clearly(one: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = point_at(one, None, max_retries=1)
    env["OPENAI_BASE_URL"] = f"http://127.0.0.1:{port}/v1"
    result = run_satire("generate", cwd=one, env=env)
    assert result.code == 1
    assert "could not connect after 2 tries" in result.err
    assert drafts(one) == {}


def http_date_in(seconds: float) -> str:
    """An HTTP date `seconds` from now (whole seconds: the wait it means is within one second less)."""
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "at_least"),
    [
        pytest.param(lambda: {"retry-after-ms": "700"}, 0.7, id="retry-after-ms"),
        pytest.param(lambda: {"retry-after": "1"}, 1.0, id="retry-after-seconds"),
        pytest.param(lambda: {"retry-after": http_date_in(2)}, 0.9, id="retry-after-http-date"),
    ],
)
def test_429_waits_as_long_as_the_server_says(
    one: Path, fake_openai: FakeOpenAI, headers: Callable[[], dict[str, str]], at_least: float
) -> None:
    """The gap between the two requests, as the server saw them (backoff 0: any wait is the server's)."""
    arrivals: list[float] = []
    answer = fake_openai.default

    def reply(request: Received) -> Reply:
        arrivals.append(time.monotonic())
        return (
            Reply(status=429, headers=headers()) if len(arrivals) == 1 else answer(request)
        )  # the date is made when the 429 is sent

    fake_openai.default = reply
    result = run_satire("generate", cwd=one, env=point_at(one, fake_openai, retry_backoff=0))
    assert result.code == 0, result.err
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] >= at_least


def test_call_log_records_each_call(one: Path, fake_openai: FakeOpenAI) -> None:
    import sqlite3

    fake_openai.enqueue(Reply(status=500))
    run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    with sqlite3.connect(one / ".satire" / "state.db") as db:
        rows = db.execute(
            "SELECT item, backend, model, tokens_in, tokens_out, cost_usd, cached, outcome FROM llm_calls"
        ).fetchall()
    assert rows == [
        ("iphone-air", "openai", "gpt-4o-mini", 100, 200, pytest.approx(0.000135), 0, "ok")
    ]


def test_model_option_and_env(one: Path, fake_openai: FakeOpenAI) -> None:
    env = point_at(one, fake_openai)
    run_satire("generate", "--model", "llama3.2", cwd=one, env=env)
    assert fake_openai.requests[0].body["model"] == "llama3.2"
    draft = drafts(one)["iphone-air"]
    assert draft.provenance.model == "llama3.2" and draft.provenance.cost_usd == 0.0, (
        "a model without a price costs $0"
    )


def test_openai_backend_without_key_or_url_says_what_to_set(one: Path) -> None:
    point_at(one, None, backend="openai")
    result = run_satire("generate", cwd=one)
    assert result.code == 2
    assert result.err_lines == [
        "no LLM endpoint: set the OPENAI_API_KEY environment variable, or llm.base_url in satire.yaml (e.g. http://localhost:11434/v1 for Ollama), or use --offline"
    ]


def test_local_endpoint_needs_no_key_and_costs_nothing(one: Path, fake_openai: FakeOpenAI) -> None:
    point_at(one, None, base_url=fake_openai.base_url, free=None)
    result = run_satire("generate", cwd=one)
    assert result.code == 0, result.err
    assert fake_openai.requests[0].headers["authorization"] == "Bearer no-key"
    draft = drafts(one)["iphone-air"]
    assert draft.provenance.model == "gpt-4o-mini" and draft.provenance.tokens_out == 200
    assert draft.provenance.cost_usd == 0.0 and "$0.0000" in result.out


def test_is_local() -> None:
    from generator.llm.openai import is_local

    assert (
        is_local("http://localhost:11434/v1")
        and is_local("http://127.0.0.1:8080/v1")
        and is_local("http://192.168.1.20:8000/v1")
    )
    assert is_local("http://[::1]:8000/v1") and is_local("http://gpu-box.local:8000/v1")
    assert (
        not is_local("https://api.openai.com/v1")
        and not is_local("https://example.openai.azure.com/")
        and not is_local(None)
    )


def test_multiline_title_from_the_model_is_one_line(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(
        Reply(content=json.dumps(article("# A title\nthat runs on", pull_quote="> «Quoted»")))
    )
    run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    draft = drafts(one)["iphone-air"]
    assert draft.title == "A title that runs on" and draft.pull_quote == "Quoted"
