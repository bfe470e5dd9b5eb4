"""Confirmation of intake briefs on the command line: `satire brief list`,
`confirm` (dropping facts and quotes with their evidence), `discard`, and the
gate in `satire generate`: nothing is written from an unconfirmed brief."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from generator.config import load_project
from generator.infra import state
from generator.review import audit
from tests.confirmkit import (
    FACTS,
    INTAKE_BRIEF,
    SLUG,
    add_intake_brief,
    assert_evidence_consistent,
    read,
)
from tests.conftest import on_a_terminal, run_satire

pytestmark = pytest.mark.slow

DEMO = "amazon-desantis"


@pytest.fixture
def newsdesk(demo_project: Path) -> Path:
    """The demo's hand-written brief (confirmed: no key) and one intake brief waiting."""
    for path in (demo_project / "briefs").glob("*.yaml"):
        if path.stem != DEMO:
            path.unlink()
    add_intake_brief(demo_project, only=False)
    return demo_project


def test_list_says_which_briefs_are_confirmed_and_drafted(newsdesk: Path) -> None:
    assert run_satire("generate", "--offline", cwd=newsdesk).code == 0
    rows = {
        r["slug"]: r
        for r in json.loads(run_satire("brief", "list", "--format", "json", cwd=newsdesk).out)
    }
    assert (
        rows[DEMO]["confirmed"] is True
        and rows[DEMO]["draft"] == "draft"
        and rows[DEMO]["intake"] is False
    )
    assert rows[SLUG]["confirmed"] is False and rows[SLUG]["draft"] is None
    assert (
        rows[SLUG]["feed"] == "examplenews"
        and rows[SLUG]["facts"] == 4
        and rows[SLUG]["quotes"] == 2
    )

    waiting = run_satire("brief", "list", "--unconfirmed", cwd=newsdesk)
    assert waiting.code == 0
    lines = waiting.out.splitlines()  # not a terminal: one tab-separated line per brief
    assert len(lines) == 1
    assert lines[0].split("\t")[:3] == [SLUG, "no", "-"]


def test_generate_writes_nothing_for_an_unconfirmed_brief_then_writes_it_once_confirmed(
    newsdesk: Path,
) -> None:
    first = run_satire("generate", "--offline", cwd=newsdesk)
    assert first.code == 0, first.err
    assert not (newsdesk / "drafts" / f"{SLUG}.md").exists()
    assert (newsdesk / "drafts" / f"{DEMO}.md").exists()  # the rest of the batch is written
    waiting = [line for line in first.err_lines if "confirm" in line]
    assert len(waiting) == 1
    assert "1 brief waits" in waiting[0] and f"satire brief confirm {SLUG}" in waiting[0]

    named = run_satire(
        "generate", "--offline", SLUG, cwd=newsdesk
    )  # naming it is not confirming it
    assert named.code == 0
    assert not (newsdesk / "drafts" / f"{SLUG}.md").exists()

    confirmed = run_satire("brief", "confirm", SLUG, "--by", "Alice Editor", cwd=newsdesk)
    assert confirmed.code == 0, confirmed.err
    assert f"{SLUG}: confirmed" in confirmed.out
    path = newsdesk / "briefs" / f"{SLUG}.yaml"
    assert read(path)["confirmed"] is True
    assert path.read_text(encoding="utf-8") == INTAKE_BRIEF.replace(
        "confirmed: false  # until", "confirmed: true   # until"
    )

    second = run_satire("generate", "--offline", cwd=newsdesk)
    assert second.code == 0, second.err
    assert (newsdesk / "drafts" / f"{SLUG}.md").exists()
    assert not [line for line in second.err_lines if "wait" in line]

    entries = [e for e in audit.log(load_project(newsdesk)) if e["slug"] == SLUG]
    assert [(e["action"], e["who"]) for e in entries] == [("confirm", "Alice Editor")]
    assert entries[0]["details"]["url"] == "https://news.example/2026/11/quantix-raises"

    again = run_satire("brief", "confirm", SLUG, cwd=newsdesk)
    assert again.code == 0 and "already confirmed" in again.out
    assert len([e for e in audit.log(load_project(newsdesk)) if e["slug"] == SLUG]) == 1


def test_generate_unconfirmed_writes_it_anyway(newsdesk: Path) -> None:
    result = run_satire("generate", "--offline", "--unconfirmed", SLUG, cwd=newsdesk)
    assert result.code == 0, result.err
    assert (newsdesk / "drafts" / f"{SLUG}.md").exists()
    assert (
        read(newsdesk / "briefs" / f"{SLUG}.yaml")["confirmed"] is False
    )  # still not confirmed by anyone


def test_confirm_dropping_a_fact_and_a_quote_keeps_evidence_and_the_rest_of_the_file(
    newsdesk: Path,
) -> None:
    path = newsdesk / "briefs" / f"{SLUG}.yaml"
    result = run_satire(
        "brief",
        "confirm",
        SLUG,
        "--drop-fact",
        "2",
        "--drop-quote",
        "1",
        "--by",
        "Bo",
        cwd=newsdesk,
    )
    assert result.code == 0, result.err
    assert "1 fact(s) and 1 quote(s) dropped" in result.out
    data = read(path)
    assert data["facts"] == [FACTS[0], FACTS[2], FACTS[3]]
    assert data["quotes"] == [{"by": "Omar Haddad", "text": "We bet on photons."}]
    assert_evidence_consistent(data)
    assert data["confirmed"] is True

    # everything else stands as the editor wrote it: only the dropped lines and the confirmation changed
    before, after = INTAKE_BRIEF.splitlines(), path.read_text(encoding="utf-8").splitlines()
    gone = [line for line in before if line not in after]
    assert gone == [
        "  - The round was led by Lumen Ventures.",
        "  - by: Lena Park",
        '    text: "Light does not get tired."',
        "confirmed: false  # until an editor says so",
        "      - fact: The round was led by Lumen Ventures.",
        "        sentence: The round was led by Lumen Ventures, with participation from Orbit Capital.",
        "      - by: Lena Park",
        "        text: Light does not get tired.",
        "        sentence: '\"Light does not get tired,\" chief executive Lena Park told analysts.'",
    ]
    assert [line for line in after if line not in before] == [
        "confirmed: true   # until an editor says so"
    ]

    entry = next(e for e in audit.log(load_project(newsdesk)) if e["slug"] == SLUG)
    assert entry["who"] == "Bo"
    assert entry["details"]["dropped"] == {
        "facts": [FACTS[1]],
        "quotes": [{"by": "Lena Park", "text": "Light does not get tired."}],
    }


def test_a_bad_drop_changes_nothing_and_says_so_in_one_line(newsdesk: Path) -> None:
    path = newsdesk / "briefs" / f"{SLUG}.yaml"
    result = run_satire("brief", "confirm", SLUG, "--drop-fact", "9", cwd=newsdesk)
    assert result.code == 2
    assert result.err_lines == [f"briefs/{SLUG}.yaml: no fact number 9: the brief has 4 facts"]
    assert path.read_text(encoding="utf-8") == INTAKE_BRIEF
    assert audit.log(load_project(newsdesk)) == []


def test_discard_removes_the_brief_keeps_a_copy_and_logs_it(newsdesk: Path) -> None:
    result = run_satire(
        "brief",
        "discard",
        "no-such-story",
        SLUG,
        "--by",
        "Cy",
        "--note",
        "not for us",
        cwd=newsdesk,
    )
    assert result.code == 2  # the unknown one is bad input...
    assert len(result.err_lines) == 1 and "no brief 'no-such-story'" in result.err_lines[0]
    assert not (
        newsdesk / "briefs" / f"{SLUG}.yaml"
    ).exists()  # ...and the other one was still done
    copies = list((newsdesk / ".satire" / "discarded").iterdir())
    assert len(copies) == 1 and copies[0].read_text(encoding="utf-8") == INTAKE_BRIEF
    entry = audit.log(load_project(newsdesk))[-1]
    assert (entry["action"], entry["slug"], entry["who"], entry["note"]) == (
        "discard",
        SLUG,
        "Cy",
        "not for us",
    )
    assert entry["details"]["kept_at"] == f".satire/discarded/{copies[0].name}"

    generate = run_satire("generate", "--offline", cwd=newsdesk)
    assert generate.code == 0
    assert not (newsdesk / "drafts" / f"{SLUG}.md").exists()
    assert (
        json.loads(run_satire("brief", "list", "--format", "json", cwd=newsdesk).out)[0]["slug"]
        == DEMO
    )


def test_discard_refuses_a_brief_with_a_draft(newsdesk: Path) -> None:
    assert run_satire("generate", "--offline", DEMO, cwd=newsdesk).code == 0
    result = run_satire("brief", "discard", DEMO, cwd=newsdesk)
    assert result.code == 2
    assert "reject the draft instead" in result.err
    assert (newsdesk / "briefs" / f"{DEMO}.yaml").exists()


@pytest.mark.parametrize("command", ["confirm", "discard"])
@pytest.mark.parametrize("point", ["after-intent", "after-draft"])
def test_the_log_and_the_brief_agree_after_a_kill_mid_command(
    newsdesk: Path, command: str, point: str
) -> None:
    path = newsdesk / "briefs" / f"{SLUG}.yaml"
    result = run_satire(
        "brief", command, SLUG, "--by", "Dee", env={audit.CRASH_ENV: point}, cwd=newsdesk
    )
    assert result.code == -signal.SIGKILL  # really killed, between writing the brief and logging it
    log = audit.log(load_project(newsdesk))  # the next run reconciles
    if point == "after-intent":  # the brief was never touched: no entry
        assert path.read_text(encoding="utf-8") == INTAKE_BRIEF
        assert log == []
    else:  # the brief was written (or removed): its entry is recorded on recovery
        assert (read(path)["confirmed"] is True) if command == "confirm" else not path.exists()
        assert [(e["action"], e["who"]) for e in log] == [(command, "Dee")]
        assert "interrupted after" in log[0]["details"]["recovered"]
    conn = state.connect(newsdesk / ".satire")
    assert conn.execute("SELECT COUNT(*) FROM audit_pending").fetchone()[0] == 0
    conn.close()


def test_list_is_a_table_on_a_terminal_and_fetched_text_cannot_steer_it(newsdesk: Path) -> None:
    path = newsdesk / "briefs" / f"{SLUG}.yaml"
    path.write_text(
        INTAKE_BRIEF.replace('title: "Chipmaker', 'title: "\\e]0;pwned\\aChipmaker'),
        encoding="utf-8",
    )
    lines = on_a_terminal(newsdesk, "brief", "list").splitlines()
    assert lines[0].split() == ["SLUG", "CONFIRMED", "DRAFT", "FROM", "FACTS", "QUOTES", "TITLE"]
    row = next(line for line in lines if line.startswith(SLUG))
    assert row.split()[:6] == [SLUG, "no", "-", "examplenews", "4", "2"]
    assert row.index("Chipmaker") > lines[0].index("TITLE")  # columns line up
    assert "\x1b" not in row and "\x07" not in row
    assert "1 waiting: 'satire brief confirm SLUG'" in lines[-1]


def test_show_numbers_each_item_beside_its_evidence(newsdesk: Path) -> None:
    result = run_satire("brief", "show", SLUG, cwd=newsdesk)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    fact = lines.index(f"  2. {FACTS[1]}")
    assert (
        lines[fact + 1]
        == "     evidence: The round was led by Lumen Ventures, with participation from Orbit Capital."
    )
    quote = lines.index("  1. “Light does not get tired.” — Lena Park")
    assert "chief executive Lena Park told analysts" in lines[quote + 1]
    # the numbers shown are the ones confirm takes
    assert run_satire("brief", "confirm", SLUG, "--drop-fact", "2", cwd=newsdesk).code == 0
    assert FACTS[1] not in read(newsdesk / "briefs" / f"{SLUG}.yaml")["facts"]  # type: ignore[operator]


def test_dropping_one_of_two_twin_facts_keeps_the_evidence_of_the_other(newsdesk: Path) -> None:
    from generator.intake import confirm

    path = newsdesk / "briefs" / f"{SLUG}.yaml"
    twin = "  - Quantix has 85 employees.\n"
    text = INTAKE_BRIEF.replace(twin, twin * 2)
    evidence = "      - fact: Quantix has 85 employees.\n        sentence: The company, which has 85 employees, is based in Lyon.\n"
    path.write_text(text.replace(evidence, evidence * 2), encoding="utf-8")
    edit = confirm.drop(load_project(newsdesk), SLUG, by="Eve", drop_facts=[2, 0])
    assert edit.dropped_facts == [FACTS[0], FACTS[2]] and not edit.confirmed
    data = read(path)
    assert data["facts"] == [FACTS[1], FACTS[2], FACTS[3]] and data["confirmed"] is False
    assert_evidence_consistent(data)
