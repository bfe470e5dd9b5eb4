"""The README stays true: its main-job line turns the example briefs into a built
site with no key and no network, and its test line is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO, run_satire

README = (REPO / "README.md").read_text(encoding="utf-8")


def quickstart_lines() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quickstart_has_exactly_two_lines_and_ci_runs_the_second() -> None:
    lines = quickstart_lines()
    assert len(lines) == 2 and all("\n" not in line for line in lines)
    assert lines[1] == "bash tests/run.sh"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nbash tests/run.sh\n" in ci


def test_main_job_line_builds_the_demo_site_offline(demo_project: Path) -> None:
    main_job = quickstart_lines()[0]
    steps = [step.strip() for step in main_job.split("&&")]
    satire_steps = [step.split()[1:] for step in steps if step.startswith(".venv/bin/satire ")]
    assert [s[0] for s in satire_steps] == ["generate", "build"]
    for args in satire_steps:
        result = run_satire(*args, cwd=demo_project)
        assert result.code == 0, result.err
    briefs = sorted(p.stem for p in (demo_project / "briefs").glob("*.yaml"))
    posts = sorted(p.parent.name for p in (demo_project / "site" / "posts").glob("*/index.html"))
    assert posts == briefs
    index = (demo_project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Le Satiriste Numérique" in index
    for slug in briefs:
        page = (demo_project / "site" / "posts" / slug / "index.html").read_text(encoding="utf-8")
        assert "SatiricalArticle" in page and 'data-satire="disclaimer"' in page
