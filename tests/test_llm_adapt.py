"""Requests that adapt to what the endpoint says, against the fake Chat
Completions server through the real `openai` client: a reasoning model that
refuses `max_tokens` and temperatures (OpenAI's exact bodies), a validator that
answers 422 to `json_schema`, a base URL with one /v1 too many, answers paid
for but unusable; each asserted on the requests the server received."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from generator.brief import brief_paths, load_briefs
from generator.config import load_project
from generator.styles import load_style
from generator.write import batch, compose
from generator.write.backend import get_backend
from tests.conftest import run_satire
from tests.fake_openai import FakeOpenAI, Reply, is_self_check
from tests.generation_support import drafts, many_briefs, only_brief, point_at
from tests.intakekit import article as news_article
from tests.intakekit import make_project
from tests.newsite import NewsSite, article_html

PRICES = {"house-reasoner": {"input_per_mtok": 1.0, "output_per_mtok": 2.0}}
PRICED = {"gpt-4o-mini": {"input_per_mtok": 1.0, "output_per_mtok": 2.0}}


@pytest.fixture
def one(demo_project: Path) -> Path:
    only_brief(demo_project, "iphone-air")
    return demo_project


def _shape(body: dict[str, Any]) -> tuple[str, bool, str | None]:
    """(token parameter sent, whether a temperature was sent, response_format type)."""
    tokens = "max_completion_tokens" if "max_completion_tokens" in body else "max_tokens"
    fmt = body.get("response_format")
    return tokens, "temperature" in body, fmt.get("type") if fmt else None


def _calls(project: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(project / ".satire" / "state.db") as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM llm_calls ORDER BY id").fetchall()


def test_an_unknown_reasoning_model_is_learned_in_two_calls_and_remembered(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.reasoning = True
    env = point_at(one, fake_openai, model="house-reasoner", prices=PRICES)
    result = run_satire("generate", cwd=one, env=env)
    assert result.code == 0, result.err
    assert [_shape(r.body) for r in fake_openai.requests] == [
        ("max_tokens", True, "json_schema"),  # refused: max_tokens
        ("max_completion_tokens", True, "json_schema"),  # refused: temperature
        ("max_completion_tokens", False, "json_schema"),  # structured output kept
    ]
    draft = drafts(one)["iphone-air"]
    assert draft.provenance.temperature is None, "no temperature was sent: the model's default"
    # the next run (a new process) starts right, and `satire prompt --json` shows that request
    shown = run_satire("prompt", "iphone-air", "--json", cwd=one, env=env)
    again = run_satire("generate", "--force", cwd=one, env=env)
    assert again.code == 0, again.err
    assert len(fake_openai.requests) == 4
    assert json.loads(shown.out) == fake_openai.requests[-1].body


def test_a_lesson_is_kept_even_when_the_call_then_fails(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.reasoning = True
    too_long = Reply(
        status=400,
        error_body={"error": {"message": "The prompt is too long.", "param": "messages"}},
    )
    fake_openai.enqueue(Reply(), Reply(), too_long)  # the third request, rightly shaped, fails
    env = point_at(one, fake_openai, model="house-reasoner")
    assert run_satire("generate", cwd=one, env=env).code == 1
    assert len(fake_openai.requests) == 3
    assert run_satire("generate", cwd=one, env=env).code == 0
    assert [_shape(r.body) for r in fake_openai.requests[3:]] == [
        ("max_completion_tokens", False, "json_schema")
    ]


def test_a_batch_pays_for_each_lesson_once_whatever_its_concurrency(
    demo_project: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.reasoning = True
    many_briefs(demo_project, 4)
    env = point_at(demo_project, fake_openai, model="house-reasoner")
    result = run_satire("generate", "-j", "4", cwd=demo_project, env=env)
    assert result.code == 0 and "4 written" in result.out, result.err
    shapes = [_shape(r.body) for r in fake_openai.requests if not is_self_check(r)]
    assert shapes[:2] == [
        ("max_tokens", True, "json_schema"),
        ("max_completion_tokens", True, "json_schema"),
    ]
    assert shapes[2:] == [("max_completion_tokens", False, "json_schema")] * 4


@pytest.mark.parametrize("model", ["o4-mini", "gpt-5-mini"])
def test_known_reasoning_models_start_right(one: Path, fake_openai: FakeOpenAI, model: str) -> None:
    fake_openai.reasoning = True
    env = point_at(one, fake_openai, reasoning_effort="low", max_tokens=3000)
    shown = run_satire("prompt", "iphone-air", "--json", "--model", model, cwd=one, env=env)
    result = run_satire("generate", "--model", model, cwd=one, env=env)
    assert result.code == 0, result.err
    [request] = fake_openai.requests
    assert json.loads(shown.out) == request.body, "satire prompt --json shows the very request"
    assert _shape(request.body) == ("max_completion_tokens", False, "json_schema")
    assert request.body["max_completion_tokens"] == 3000
    assert request.body["reasoning_effort"] == "low"


def test_temperature_null_sends_none_and_a_classic_model_keeps_max_tokens(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    env = point_at(one, fake_openai, temperature=None)
    assert run_satire("generate", cwd=one, env=env).code == 0
    [request] = fake_openai.requests
    assert _shape(request.body) == ("max_tokens", False, "json_schema")
    assert "reasoning_effort" not in request.body


def test_a_422_from_a_validator_steps_the_format_down_and_is_remembered(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.reject_formats_422 = {"json_schema"}
    env = point_at(one, fake_openai)
    result = run_satire("generate", cwd=one, env=env)
    assert result.code == 0, result.err
    assert [r.response_format for r in fake_openai.requests] == ["json_schema", "json_object"]
    assert drafts(one)["iphone-air"].title.startswith("Fake:")
    assert run_satire("generate", "--force", cwd=one, env=env).code == 0
    assert [r.response_format for r in fake_openai.requests[2:]] == ["json_object"]


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        pytest.param(
            Reply(
                status=400,
                error_body={
                    "error": {
                        "message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
                        "type": "invalid_request_error",
                        "param": "messages",
                        "code": "context_length_exceeded",
                    }
                },
            ),
            "HTTP 400: This model's maximum context length is 8192 tokens.",
            id="openai-context-length",
        ),
        pytest.param(
            Reply(
                status=400,
                error_body={
                    "error": {
                        "message": "max_tokens is too large: 100000. This model supports at most 16384 completion tokens, whereas you provided 100000.",
                        "type": "invalid_request_error",
                        "param": "max_tokens",
                        "code": "invalid_value",
                    }
                },
            ),
            "HTTP 400 (check llm.max_tokens): max_tokens is too large: 100000.",
            id="max-tokens-out-of-range",
        ),
        pytest.param(
            Reply(status=422, error_body={"detail": "prompt is longer than the server allows"}),
            "HTTP 422: prompt is longer than the server allows",
            id="validator-detail-string",
        ),
        pytest.param(
            Reply(status=422, raw=b"upstream said no: bad request shape"),
            "HTTP 422: upstream said no: bad request shape",
            id="plain-text-body",
        ),
    ],
)
def test_a_refusal_naming_nothing_adaptable_fails_at_once_in_the_servers_words(
    one: Path, fake_openai: FakeOpenAI, reply: Reply, words: str
) -> None:
    fake_openai.enqueue(reply)
    result = run_satire("generate", cwd=one, env=point_at(one, fake_openai))
    assert result.code == 1 and "Traceback" not in result.err
    assert len(fake_openai.requests) == 1, "nothing to adapt: no second request"
    [line] = [line for line in result.err_lines if "generation failed" in line]
    assert words in line


def test_a_base_url_with_v1_twice_says_to_check_the_base_url(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.strict_path = True
    env = point_at(one, fake_openai) | {"OPENAI_BASE_URL": fake_openai.base_url + "/v1"}
    result = run_satire("generate", cwd=one, env=env)
    assert result.code == 1
    [request] = fake_openai.requests
    assert request.path == "/v1/v1/chat/completions"
    assert (
        f"HTTP 404 (check llm.base_url: {fake_openai.base_url}/v1 has no chat/completions): Invalid URL"
        in result.err
    )


def test_a_404_naming_the_model_says_to_check_the_model(one: Path, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(
        Reply(
            status=404,
            error_message="The model `gpt-nope` does not exist or you do not have access to it.",
        )
    )
    result = run_satire("generate", "--model", "gpt-nope", cwd=one, env=point_at(one, fake_openai))
    assert result.code == 1 and len(fake_openai.requests) == 1
    assert "HTTP 404 (check llm.model: 'gpt-nope' is not served at" in result.err
    assert "does not exist or you do not have access to it" in result.err


def test_paid_but_unusable_answers_count_in_the_summary_the_call_log_and_stats(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    # an empty answer, then one cut off at the ceiling: both paid, neither usable
    fake_openai.enqueue(
        Reply(content=""),
        Reply(content='{"title": "Cut o', finish_reason="length"),
    )
    env = point_at(one, fake_openai, prices=PRICED, max_tokens=1000, max_tokens_ceiling=1000)
    result = run_satire("generate", cwd=one, env=env)
    assert result.code == 1 and len(fake_openai.requests) == 2
    assert "cut off at 1000 tokens" in result.err and "llm.max_tokens_ceiling" in result.err
    cost = 2 * (100 * 1.0 + 200 * 2.0) / 1e6
    assert f"tokens 200 in / 400 out, ${cost:.4f}" in result.out
    [row] = _calls(one)
    assert row["outcome"] != "ok"
    assert (row["tokens_in"], row["tokens_out"], row["cost_usd"]) == (200, 400, pytest.approx(cost))
    stats = json.loads(run_satire("stats", "--format", "json", cwd=one, env=env).out)
    assert stats["total"]["cost_usd"] == pytest.approx(cost)


def test_a_cut_off_answer_is_asked_again_with_twice_the_budget_up_to_the_ceiling(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(*[Reply(content='{"title": "Cut o', finish_reason="length")] * 3)
    env = point_at(one, fake_openai, max_tokens=1000, max_tokens_ceiling=3000)
    result = run_satire("generate", cwd=one, env=env)
    assert result.code == 1
    assert [r.body["max_tokens"] for r in fake_openai.requests] == [1000, 2000, 3000]


def test_the_budget_counts_what_a_failed_job_spent(
    demo_project: Path, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in point_at(demo_project, fake_openai, prices=PRICED).items():
        monkeypatch.setenv(name, value)
    slugs = many_briefs(demo_project, 2)
    project = load_project(demo_project)
    briefs, _ = load_briefs(brief_paths(project.briefs_dir), None)
    fake_openai.enqueue(Reply(content=""), Reply(content=""))  # the first job: paid, unusable
    spent = 2 * (100 * 1.0 + 200 * 2.0) / 1e6
    backend = get_backend(project)
    first = compose.write_request(
        project, briefs[0], load_style(project, "deadpan-wire"), "en", slugs[0]
    )
    jobs, report = batch.plan(
        project, briefs, style=None, languages=None, force=True, say=lambda _: None
    )
    # room for one job, and for the second only if the first had spent nothing
    limit = backend.cost_bound(first) + spent / 2
    batch.run(project, jobs, backend, report, concurrency=1, max_cost=limit, say=lambda _: None)
    assert report.failed == [slugs[0]] and report.not_started == 1, report.line()
    assert f"(${spent:.4f} spent)" in report.budget_stop
    assert report.cost_usd == pytest.approx(spent)


def test_intakes_answer_is_checked_against_its_schema_and_stepped_down(
    tmp_path: Path, news_site: NewsSite, fake_openai: FakeOpenAI
) -> None:
    data = news_article("veltra")
    news_site.page("/veltra/", article_html(data["title"], data["paragraphs"]))
    project = make_project(tmp_path / "blog")
    env = point_at(project, fake_openai, max_retries=0)
    off_schema = {
        **{key: [] for key in ("quotes", "people", "angles")},
        "summary": "Veltra raised money.",
        "facts": ["a bare string"],
    }
    fake_openai.enqueue(
        Reply(content=json.dumps(off_schema)), Reply(content=json.dumps(off_schema))
    )
    result = run_satire("intake", news_site.url("/veltra/"), cwd=project, env=env)
    assert result.code == 1 and "Traceback" not in result.err
    assert [r.response_format for r in fake_openai.requests] == ["json_schema", "json_object"]
    assert "off-schema JSON: facts[0]: expected object" in result.err
    [row] = _calls(project)
    assert row["kind"] == "intake" and row["tokens_in"] == 200
