"""`satire stats`: a history made move by move (calls through the real openai
client to the fake server with known prices, approvals with and without
acknowledgement, a rejection, a revision, publications, hours apart by a
controlled clock), then every figure checked against what was done, by hand;
the desk's Stats page shows the same figures in chromium."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import Project, load_project
from generator.measure import stats
from generator.review import workflow as review
from generator.write import batch
from generator.write.backend import get_backend
from tests.chromium import screenshot
from tests.conftest import run_satire
from tests.deskkit import browser_page, serving
from tests.fake_openai import FakeOpenAI, Received, Reply, article, default_reply, is_self_check
from tests.generation_support import consistent_judge, many_briefs, point_at

PRICES = {
    "model-a": {"input_per_mtok": 1.0, "output_per_mtok": 2.0},
    "model-b": {"input_per_mtok": 10.0, "output_per_mtok": 20.0},
}
# each call: 100 tokens in, 200 out -> model-a $0.0005, model-b $0.005
CLEAN = "\n\n".join(
    [
        "The gadget maker shipped a gadget, and the gadget does one thing, which is more than most.",
        "It is blue, a colour the marketing team calls a bold strategic decision.",
        "Analysts call it a gadget. Users call it a gadget too.",
        "In the end, the gadget remains a gadget, and that is the whole point.",
    ]
)
INVENTED = CLEAN.replace("It is blue,", "It is blue, sold 999 units on day one,")


class Clock:
    """The time the logs record, moved by the test."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def at(self, stamp: str) -> None:
        self.now = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    monkeypatch.setattr("generator.infra.clock.now", lambda: clock.now)
    return clock


def _answer(received: Received) -> Reply:
    """The fake writer: a figure invented when the brief or the note says INVENT (and no note
    says REMOVE), clean otherwise, and never fixed when asked to check itself; and a judge
    that prefers drafts without it."""
    if received.body.get("model") == "judge-model":
        return consistent_judge(received)
    if is_self_check(
        received
    ):  # a writer that never fixes its figures: what it wrote stays as written
        return default_reply(received)
    text = " ".join(str(m.get("content", "")) for m in received.messages)
    body = INVENTED if "INVENT" in text and "REMOVE" not in text else CLEAN
    return Reply(
        content=json.dumps(
            article(
                "A gadget, again",
                body=body,
                pull_quote="The gadget remains a gadget.",
                dek="Gadgets all the way down.",
            )
        )
    )


def _write(project: Project, slug: str, model: str, *, style: str, language: str) -> None:
    brief = next(b for b in _briefs(project) if b.effective_slug == slug)
    backend = get_backend(project, model=model)
    jobs, report = batch.plan(
        project, [brief], style=style, languages=[language], force=True, say=print
    )
    batch.run(project, jobs, backend, report, concurrency=1, max_cost=None, say=print)
    assert report.written == [slug], report.line()


def _briefs(project: Project) -> list[Any]:
    from generator.brief import brief_paths, load_briefs

    good, errors = load_briefs(brief_paths(project.briefs_dir), None)
    assert not errors
    return good


@pytest.fixture
def history(
    demo_project: Path, fake_openai: FakeOpenAI, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, dict[str, str]]]:
    """Four drafts over two weeks; the figures below are worked out from these steps."""
    env = point_at(demo_project, fake_openai, prices=PRICES)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    many_briefs(demo_project, 4)
    # story-000's brief asks (as data) for an invented figure: the fake writer obliges
    path = demo_project / "briefs" / "story-000.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["angle"] = "INVENT a figure"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    fake_openai.default = _answer
    project = load_project(demo_project)

    clock.at("2026-01-05T09:00:00")  # before the period asked below
    _write(project, "story-003", "model-b", style="deadpan-wire", language="en")
    clock.at("2026-01-10T09:00:00")
    _write(
        project, "story-000", "model-a", style="deadpan-wire", language="en"
    )  # 1 invented figure
    _write(project, "story-001", "model-b", style="geek-puns", language="fr")
    _write(project, "story-002", "model-a", style="deadpan-wire", language="en")
    # a measurement (an eval run's call) is not the blog's writing: left out
    measuring = get_backend(project, model="model-b", run_id="eval-test")
    jobs = batch.plan(
        project, _briefs(project)[:1], style=None, languages=None, force=True, say=print
    )[0]
    batch.run(
        project,
        jobs,
        measuring,
        batch.BatchReport(),
        concurrency=1,
        max_cost=None,
        say=print,
        store=_scratch(project, demo_project),
    )
    clock.at("2026-01-10T11:00:00")
    review.approve(project, "story-000", by="Zoé", ack=True)
    clock.at("2026-01-10T12:00:00")
    review.reject(project, "story-002", by="Zoé", note="flat")
    clock.at("2026-01-10T13:00:00")
    review.revise(project, "story-001", by="Zoé", note="punchier", model="model-b")
    clock.at("2026-01-10T15:00:00")
    review.approve(project, "story-001", by="Zoé")
    clock.at("2026-01-11T08:00:00")
    review.publish(project, "story-000", by="Zoé")
    review.publish(project, "story-001", by="Zoé")
    yield demo_project, env


def _scratch(project: Project, root: Path) -> Any:
    from generator.measure.evaluate import ScratchStore

    return ScratchStore(project, root.parent / "scratch")


def test_every_figure_of_the_period_by_hand(history: tuple[Path, dict[str, str]]) -> None:
    root, env = history
    data = stats.compute(load_project(root), dt.date(2026, 1, 8))
    total = data["total"]
    # written: 000, 001, 002 (003 was before the period; the eval call and the revision are not writing)
    assert (
        total["written"],
        total["approved"],
        total["rejected"],
        total["published"],
        total["revisions"],
    ) == (3, 2, 1, 2, 1)
    assert total["approval_rate_first"] == round(1 / 3, 4)  # story-000 only: 001 was revised first
    assert total["approval_rate"] == round(2 / 3, 4)
    assert total["revisions_per_published"] == 0.5  # 000: none, 001: one
    assert total["claim_findings"] == 1 and total["findings_per_draft_first"] == round(
        1 / 3, 4
    )  # the invented 999
    assert total["findings_at_approval"] == 1 and total["findings_per_draft_at_approval"] == 0.5
    assert total["acknowledged"] == 1
    # calls: 2 x model-a writes and story-000's self-check (its invented figure) (3 x $0.0005)
    # + model-b write and revise (2 x $0.005); 100 in, 200 out each
    assert total["cost_usd"] == pytest.approx(0.0115)
    assert (total["tokens_in"], total["tokens_out"]) == (500, 1000)
    assert total["cost_per_published"] == pytest.approx(0.00575)
    assert total["tokens_per_published"] == 750
    assert total["median_hours_to_approval"] == 4.0  # 2 h (000) and 6 h (001)

    a, b = data["by_model"]["model-a"], data["by_model"]["model-b"]
    assert (a["written"], a["approved"], a["rejected"], a["published"], a["revisions"]) == (
        2,
        1,
        1,
        1,
        0,
    )
    assert (
        a["approval_rate_first"],
        a["claim_findings"],
        a["acknowledged"],
        a["median_hours_to_approval"],
    ) == (0.5, 1, 1, 2.0)
    assert a["cost_usd"] == pytest.approx(0.0015) and a["cost_per_published"] == pytest.approx(
        0.0015
    )
    assert (b["written"], b["approved"], b["rejected"], b["published"], b["revisions"]) == (
        1,
        1,
        0,
        1,
        1,
    )
    assert (
        b["approval_rate_first"],
        b["approval_rate"],
        b["revisions_per_published"],
        b["median_hours_to_approval"],
    ) == (0.0, 1.0, 1.0, 6.0)
    assert b["cost_usd"] == pytest.approx(0.01) and b["tokens_per_published"] == 600
    assert data["by_style"]["deadpan-wire"] == a and data["by_style"]["geek-puns"] == b
    assert data["by_language"]["en"] == a and data["by_language"]["fr"] == b

    # all time: story-003 (model-b, deadpan-wire, en) joins as written, with its cost
    everything = stats.compute(load_project(root))
    assert everything["since"] is None and everything["total"]["written"] == 4
    assert everything["total"]["cost_usd"] == pytest.approx(0.0165)
    assert everything["by_style"]["deadpan-wire"]["written"] == 3

    # the CLI: the same JSON for scripts, a table for people
    out = run_satire("stats", "--since", "2026-01-08", "--format", "json", cwd=root, env=env)
    assert out.code == 0, out.err
    assert json.loads(out.out) == data
    table = run_satire("stats", "--since", "2026-01-08", cwd=root, env=env)
    assert table.code == 0, table.err
    line = next(row for row in table.out.splitlines() if row.startswith("model-b "))
    assert line.split() == [
        "model-b",
        "1",
        "1",
        "0",
        "1",
        "0%",
        "100%",
        "1.00",
        "0.00",
        "0.00",
        "0",
        "0.0100",
        "600",
        "6.00",
    ]
    bad = run_satire("stats", "--since", "last tuesday", cwd=root, env=env)
    assert bad.code == 2 and "Traceback" not in bad.err


@pytest.mark.browser
def test_the_desk_stats_page_shows_the_figures(history: tuple[Path, dict[str, str]]) -> None:
    root, env = history
    with serving(root, env=env) as served, browser_page() as page:
        base = f"http://127.0.0.1:{served.port}"
        page.goto(f"{base}/_desk/stats?since=2026-01-08")  # no account: no sign-in on loopback

        def cells(section: str, group: str) -> dict[str, str]:
            row = page.get_by_test_id(section).locator(f"tr[data-group='{group}']")
            return {
                c.get_attribute("data-key") or "": c.inner_text() for c in row.locator("td").all()
            }

        total = cells("stats-all-drafts", "all")
        assert (total["written"], total["approved"], total["rejected"], total["published"]) == (
            "3",
            "2",
            "1",
            "2",
        )
        assert (
            total["approval_rate_first"],
            total["approval_rate"],
            total["revisions_per_published"],
        ) == ("33%", "67%", "0.50")
        assert (
            total["findings_per_draft_first"],
            total["findings_per_draft_at_approval"],
            total["acknowledged"],
        ) == ("0.33", "0.50", "1")
        assert (
            total["cost_per_published"],
            total["tokens_per_published"],
            total["median_hours_to_approval"],
        ) == ("0.0057", "750", "4.00")  # $0.00575 shown to 4 places
        assert cells("stats-by-model", "model-b")["revisions_per_published"] == "1.00"
        assert cells("stats-by-style", "deadpan-wire")["written"] == "2"
        assert cells("stats-by-language", "fr")["median_hours_to_approval"] == "6.00"
        screenshot(page, "desk-stats.png")
        # all time: the earlier draft counts too
        page.get_by_role("link", name="All time").click()
        page.wait_for_url(f"{base}/_desk/stats")
        assert cells("stats-all-drafts", "all")["written"] == "4"
        assert page.console_errors == []


def test_judge_agreement_with_editors_over_the_history(
    history: tuple[Path, dict[str, str]], fake_openai: FakeOpenAI
) -> None:
    """Pairs of (approved revision, a revision editors rejected or sent back), from the
    history; the fake judge prefers a draft without an invented figure."""
    root, env = history
    project = load_project(root)
    # story-002: rejected at revision 1 (clean), rewritten with an invented figure, approved with --ack
    review.revise(project, "story-002", by="Zoé", note="INVENT something", model="model-a")
    review.approve(project, "story-002", by="Zoé", ack=True)
    # story-003: revision 1 (clean) sent back, 2 (invented) sent back, 3 (clean) approved
    review.revise(project, "story-003", by="Zoé", note="INVENT something", model="model-b")
    review.revise(project, "story-003", by="Zoé", note="REMOVE the figure", model="model-b")
    review.approve(project, "story-003", by="Zoé")

    found = run_satire(
        "stats", "--judge-agreement", "judge-model", "--format", "json", cwd=root, env=env
    )
    assert found.code == 0, found.err
    agreement = json.loads(found.out)["judge_agreement"]
    # story-001: 2 over 1, both clean: two ties. story-002: 2 (invented) over 1 (clean): the judge
    # disagrees twice. story-003: 3 over 1, both clean: two ties; 3 (clean) over 2 (invented): agrees twice.
    assert agreement["pairs"] == 4 and agreement["verdicts"] == 8
    assert (agreement["prefers_approved"], agreement["ties"]) == (2, 4)
    assert agreement["agreement"] == 0.5 and agreement["self_agreement"] == 1.0
    # two of the pairs hold the same text twice: their swapped question is the same, answered from the cache
    assert len([r for r in fake_openai.requests if r.body.get("model") == "judge-model"]) == 6
    text = run_satire("stats", "--judge-agreement", "judge-model", cwd=root, env=env)
    assert "prefers the revision editors approved in 50% of 8 verdicts (4 pairs" in text.out, (
        text.out + text.err
    )
    # the judge's calls are measurements: the blog's figures are unchanged by them
    assert json.loads(found.out)["total"] == stats.compute(project)["total"]
