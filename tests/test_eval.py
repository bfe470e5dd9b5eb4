"""`satire eval` against the fake Chat Completions server, through the real
CLI: two fake models that write differently (one invents a figure, one
recycles its closer) are told apart by the metrics; the judge is asked every
pair in both orders, ranks them the same whichever order the models are
given, and its costs add up with the writers' to the call log's; --max-cost
stops cleanly; the project's drafts, audit log and cached answers are left as
they were; the report opens in chromium loading nothing from anywhere."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import screenshot
from tests.conftest import run_satire
from tests.deskkit import browser_page
from tests.fake_openai import FakeOpenAI, Received, Reply, article
from tests.generation_support import consistent_judge, many_briefs, point_at

PRICES = {
    "inventor": {"input_per_mtok": 1.0, "output_per_mtok": 2.0},  # 100 in + 200 out: $0.0005 a call
    "parrot": {"input_per_mtok": 2.0, "output_per_mtok": 4.0},  # $0.001
    "judge-model": {"input_per_mtok": 10.0, "output_per_mtok": 20.0},  # $0.005
}
CLOSER = "And that, dear readers, is exactly why nobody reads the manual anymore."
TRACKER = "http://127.0.0.1:9/pixel.png"


def topic_of(received: Received) -> str:
    for message in received.messages:
        content = str(message.get("content", ""))
        marker = '"title": "'
        if message.get("role") == "user" and marker in content:
            start = content.index(marker) + len(marker)
            return content[start : content.index('"', start)]
    return "the story"


def writers(received: Received) -> Reply:
    """Three fake models: two writers with their habits, and a judge."""
    model = received.body.get("model")
    if model == "judge-model":
        return consistent_judge(received)
    if model == "rambling-judge":
        return Reply(content="Honestly, I prefer the first one.")
    topic = topic_of(received)
    if model == "inventor":
        body = [
            f"{topic}: the company behind it promises a revolution, again, with a straight face.",
            f"Insiders say {topic.lower()} sold 999 units before lunch, which nobody can check.",
            f"![tracker]({TRACKER}?{topic.replace(' ', '-')}) <script>document.title = 'owned'</script>",
            f"> {topic}, allegedly the future.",
            f"The rest of {topic.lower()} is left as an exercise to the reader.",
        ]
        quote = f"{topic}, allegedly the future."
    else:
        body = [
            f"Breaking: {topic.lower()} has happened, and the internet has opinions.",
            f"The gadget of {topic.lower()} is blue, which the press release calls brave.",
            f"> {topic} is brave.",
            CLOSER,
        ]
        quote = f"{topic} is brave."
    return Reply(
        content=json.dumps(
            article(
                f"{model} on {topic}",
                body="\n\n".join(body),
                pull_quote=quote,
                dek=f"{model} writes.",
            )
        )
    )


@pytest.fixture
def lab(demo_project: Path, fake_openai: FakeOpenAI) -> tuple[Path, dict[str, str]]:
    env = point_at(demo_project, fake_openai, prices=PRICES, max_tokens=100)
    many_briefs(demo_project, 2)
    fake_openai.default = writers
    return demo_project, env


def snapshot(root: Path) -> dict[str, Any]:
    """What eval must not change: the drafts, the revisions, the audit log, the cached answers."""
    files = {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.glob("drafts/*")) + sorted(root.glob(".satire/revisions/**/*.md"))
    }
    with sqlite3.connect(root / ".satire" / "state.db") as conn:
        audit = conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
        cache = dict(conn.execute("SELECT key, response FROM llm_cache").fetchall())
    return {"files": files, "audit": audit, "cache": cache}


def calls(root: Path, run_id: str) -> list[sqlite3.Row]:
    with sqlite3.connect(root / ".satire" / "state.db") as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM llm_calls WHERE run_id = ?", (run_id,)).fetchall()


def test_eval_tells_the_models_apart_and_the_judge_ranks_them(
    lab: tuple[Path, dict[str, str]], fake_openai: FakeOpenAI
) -> None:
    root, env = lab
    # the project has a history eval must leave alone: a draft, an approval, cached answers
    assert run_satire("generate", "story-000", "--model", "parrot", cwd=root, env=env).code == 0
    assert (
        run_satire("review", "approve", "story-000", "--by", "Zoé", "--ack", cwd=root, env=env).code
        == 0
    )
    before = snapshot(root)
    assert before["files"] and before["audit"] and before["cache"]

    out = root.parent / "eval-1"
    result = run_satire(
        "eval",
        "story-000",
        "story-001",
        "--model",
        "inventor,parrot",
        "--judge",
        "judge-model",
        "--out",
        str(out),
        "-j",
        "2",
        cwd=root,
        env=env,
    )
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))

    # one result per brief x model x style, in the shape of results.json
    assert sorted((r["brief"], r["model"], r["style"], r["language"]) for r in data["results"]) == [
        (b, m, "deadpan-wire", "en")
        for b in ("story-000", "story-001")
        for m in ("inventor", "parrot")
    ]
    by_model: dict[str, list[dict[str, Any]]] = {"inventor": [], "parrot": []}
    for r in data["results"]:
        by_model[r["model"]].append(r["metrics"])
    # the metrics tell them apart: the inventor's figure, the parrot's recycled closer
    assert all(
        m["claim_findings"] >= 1 and m["findings_by_kind"].get("number", 0) >= 1
        for m in by_model["inventor"]
    )
    assert all(m["claim_findings"] == 0 for m in by_model["parrot"])
    assert all(m["closer_shared"] and m["shared_sentences"] == 1 for m in by_model["parrot"])
    assert not any(
        m["closer_shared"] or m["shared_sentences"] or m["pull_quote_shared"]
        for m in by_model["inventor"]
    )
    assert all(m["pull_quote"] and m["words"] > 20 for ms in by_model.values() for m in ms)
    assert [m["paragraphs"] for m in by_model["inventor"] + by_model["parrot"]] == [
        4,
        4,
        3,
        3,
    ]  # the blockquote is not one
    inventor_finding = next(r for r in data["results"] if r["model"] == "inventor")["findings"]
    assert any("999" in f["text"] for f in inventor_finding)

    # the judge: every pair asked twice, once in each order
    asked = [r for r in fake_openai.requests if r.body.get("model") == "judge-model"]
    assert len(asked) == 4  # 2 briefs x 1 pair x 2 orders
    first_shown = sorted(
        "inventor"
        if "999" in str(r.messages[-1]["content"]).split("UNTRUSTED draft B")[0]
        else "parrot"
        for r in asked
    )
    assert first_shown == ["inventor", "inventor", "parrot", "parrot"]
    assert all(r.response_format == "json_schema" for r in asked)
    system = str(asked[0].messages[0]["content"])
    assert (
        "deadpan-wire" in system and "UNTRUSTED" in system
    )  # the style's description, drafts fenced as data
    ranking = data["ranking"]["deadpan-wire"]
    assert ranking["order"] == ["parrot", "inventor"]
    assert ranking["comparisons"] == 4 and ranking["self_agreement"] == 1.0
    assert ranking["scores"]["parrot"]["wins"] == 4 and ranking["scores"]["inventor"]["losses"] == 4
    assert all(v["reason"] == "no invented figure" for v in ranking["verdicts"])

    # costs add up to the call log's: writers (per draft) + judge (per verdict)
    logged = calls(root, data["run_id"])
    # 4 drafts, the inventor's 2 self-checks (its invented figure), 4 verdicts
    assert sorted((c["kind"], c["model"]) for c in logged) == sorted(
        [("write", "inventor")] * 2
        + [("self_check", "inventor")] * 2
        + [("write", "parrot")] * 2
        + [("judge", "judge-model")] * 4
    )
    assert data["cost_usd"] == pytest.approx(sum(c["cost_usd"] for c in logged))
    written = sum(r["metrics"]["cost_usd"] for r in data["results"])
    judged = sum(v["cost_usd"] for v in ranking["verdicts"])
    assert judged == pytest.approx(4 * 0.005)
    assert data["cost_usd"] == pytest.approx(written + judged)
    assert sum(m["cost_usd"] for m in by_model["inventor"]) == pytest.approx(
        sum(c["cost_usd"] for c in logged if c["model"] == "inventor")
    )

    # the project is as it was: no draft, no revision, no audit entry, no cached answer changed
    after = snapshot(root)
    assert after["files"] == before["files"] and after["audit"] == before["audit"]
    assert {k: after["cache"][k] for k in before["cache"]} == before["cache"] and len(
        after["cache"]
    ) > len(before["cache"])
    assert (out / "drafts").is_dir() and len(list((out / "drafts").glob("*.md"))) == 4
    # and stats does not count a measurement as the blog's writing
    stats = json.loads(run_satire("stats", "--format", "json", cwd=root, env=env).out)
    assert stats["total"]["written"] == 1 and set(stats["by_model"]) == {"parrot"}

    # the ranking is stable under the swap: the models given the other way round
    swapped = root.parent / "eval-2"
    again = run_satire(
        "eval",
        "story-000",
        "story-001",
        "--model",
        "parrot,inventor",
        "--judge",
        "judge-model",
        "--out",
        str(swapped),
        cwd=root,
        env=env,
    )
    assert again.code == 0, again.err
    other = json.loads((swapped / "results.json").read_text(encoding="utf-8"))["ranking"][
        "deadpan-wire"
    ]
    assert other["order"] == ranking["order"] and other["self_agreement"] == 1.0
    assert {n: s["wins"] for n, s in other["scores"].items()} == {
        n: s["wins"] for n, s in ranking["scores"].items()
    }

    # the report: self-contained, nothing loaded from anywhere, findings marked
    html = (out / "index.html").read_text(encoding="utf-8")
    assert TRACKER not in html and "<script" not in html
    with browser_page() as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto((out / "index.html").as_uri())
        assert page.get_by_test_id("ranking").is_visible()
        assert page.get_by_test_id("draft").count() == 4
        marks = page.locator("[data-model=inventor] mark.finding").all_inner_texts()
        assert any("999" in m for m in marks)
        assert page.locator("[data-model=parrot] mark.finding").count() == 0
        screenshot(page, "eval-report.png")
        assert page.console_errors == []
        assert requested == [(out / "index.html").as_uri()]
        assert page.title().startswith("satire eval")
        # the second lock: were an image to slip through, the page's policy would refuse to load it
        blocked = page.evaluate(
            """() => new Promise(done => {
                document.addEventListener('securitypolicyviolation', e => done(e.blockedURI));
                const img = new Image(); img.src = 'http://127.0.0.1:9/slipped.png'; document.body.append(img);
                setTimeout(() => done(null), 3000);
            })"""
        )
        assert blocked == "http://127.0.0.1:9/slipped.png"


def test_eval_refuses_drafts_and_stops_at_the_budget(
    lab: tuple[Path, dict[str, str]], fake_openai: FakeOpenAI
) -> None:
    root, env = lab
    refused = run_satire(
        "eval",
        "story-000",
        "--model",
        "inventor",
        "--out",
        str(root / "drafts" / "x"),
        cwd=root,
        env=env,
    )
    assert refused.code == 2 and "never writes into the project's drafts/" in refused.err
    assert not (root / "drafts").exists()

    out = root.parent / "eval-budget"
    # each write may cost up to ~$0.0024 here (prompt estimate + 2 x 100 tokens out) and costs $0.0005
    stopped = run_satire(
        "eval",
        "story-000",
        "story-001",
        "--model",
        "inventor,parrot",
        "--judge",
        "judge-model",
        "--out",
        str(out),
        "--max-cost",
        "0.003",
        "-j",
        "1",
        cwd=root,
        env=env,
    )
    assert stopped.code == 1, stopped.err
    assert (
        "budget: stopped before exceeding $0.0030" in stopped.err and "Traceback" not in stopped.err
    )
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["stopped"].startswith("budget: stopped")
    assert any(r["problem"] == "not started: budget" for r in data["results"])
    assert any(r["metrics"] for r in data["results"])  # what was written is kept and scored
    assert data["cost_usd"] <= 0.003
    assert sum(c["cost_usd"] for c in calls(root, data["run_id"])) == pytest.approx(
        data["cost_usd"]
    )
    assert not [r for r in fake_openai.requests if r.body.get("model") == "judge-model"]
    assert "budget: stopped" in (out / "index.html").read_text(encoding="utf-8")
    assert not (root / "drafts").exists()

    # writing fits the budget, judging (~$0.05 a pair, asked twice) does not: it is not started
    judged = root.parent / "eval-judge-budget"
    partial = run_satire(
        "eval",
        "story-000",
        "story-001",
        "--model",
        "inventor,parrot",
        "--judge",
        "judge-model",
        "--out",
        str(judged),
        "--max-cost",
        "0.02",
        "-j",
        "1",
        cwd=root,
        env=env,
    )
    assert (
        partial.code == 1 and "budget: stopped judging before exceeding $0.0200" in partial.err
    ), partial.err
    data = json.loads((judged / "results.json").read_text(encoding="utf-8"))
    assert all(r["metrics"] for r in data["results"]) and data["cost_usd"] <= 0.02
    assert not [r for r in fake_openai.requests if r.body.get("model") == "judge-model"]

    # a judge that does not answer in JSON: one clear line, the drafts and their scores kept
    rambling = run_satire(
        "eval",
        "story-000",
        "--model",
        "inventor,parrot",
        "--judge",
        "rambling-judge",
        "--out",
        str(root.parent / "eval-rambling"),
        cwd=root,
        env=env,
    )
    assert rambling.code == 1 and "Traceback" not in rambling.err
    assert "judge rambling-judge failed: unusable answer after one re-ask" in rambling.err
    data = json.loads((root.parent / "eval-rambling" / "results.json").read_text(encoding="utf-8"))
    assert all(r["metrics"] for r in data["results"]) and data["stopped"].startswith(
        "judge rambling-judge failed"
    )
