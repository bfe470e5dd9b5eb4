"""`satire build`'s progress (issue 21): each phase's bar on a terminal, only
the summary on a pipe (and one line per phase once a build is slow)."""

from __future__ import annotations

import re
from pathlib import Path

from generator.commands.build import Lines
from tests.conftest import on_a_terminal, run_satire
from tests.imagekit import image_blog

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def shown_on_a_terminal(cwd: Path, *args: str) -> str:
    """What `satire ARGS` shows on a terminal (stdout and stderr both a pty), as text."""
    return ANSI.sub("", on_a_terminal(cwd, *args, stderr_too=True, columns=120))


def test_a_terminal_sees_each_phase_with_its_counts(demo_project: Path) -> None:
    image_blog(demo_project)
    seen = shown_on_a_terminal(demo_project, "build")
    posts = len(list((demo_project / "drafts").glob("*.md")))
    for phase in ("gather", "images", "cards", "pages"):
        assert re.search(rf"{phase}\s.*\b\d+/\d+\b", seen), (phase, seen[-1500:])
    cards = re.findall(r"cards\s.*?\b(\d+)/(\d+)\b", seen)
    assert cards[-1][0] == cards[-1][1] and 4 <= int(cards[-1][1]) <= posts  # all drawn
    assert "cards made" in seen  # then the summary


def test_a_pipe_sees_only_the_summary(demo_project: Path) -> None:
    image_blog(demo_project)
    result = run_satire("build", cwd=demo_project)
    assert result.code == 0, result.err
    *phases, summary = result.out.splitlines()
    assert "cards made" in summary
    # a quick build says nothing else; one past a few seconds (a busy machine) adds a
    # line per phase as it ends, never a bar
    assert all(re.fullmatch(r"(gather|images|cards|pages): .* in [\d.]+ s\b.*", p) for p in phases)
    assert "\x1b" not in result.out + result.err and "cards " not in result.err


def test_a_slow_build_prints_one_line_per_phase_as_it_ends() -> None:
    said: list[str] = []
    lines = Lines(0.0, said.append)
    lines.start("gather", 1000)
    lines.advance("gather", 600)
    assert said == []  # not done yet
    lines.advance("gather", 400)
    lines.start("keys", 3)  # not a phase a user waits for
    lines.advance("keys", 3)
    lines.start("images", 0)
    lines.start("cards", 2)
    lines.advance("cards", 2)
    assert [line.split(" in ")[0] for line in said] == [
        "gather: 1,000 drafts read",
        "images: 0 images made",
        "cards: 2 cards drawn",
    ]
    quiet: list[str] = []
    quick = Lines(60.0, quiet.append)  # a build quicker than that says nothing
    quick.start("cards", 1)
    quick.advance("cards", 1)
    assert quiet == []
