"""The site's day: `site.timezone` checked when the config is read, and one
`Project.today()` that publish dates posts by and the build shows them by."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from generator.config import load_project
from generator.review import workflow as rv
from generator.site.build import build
from tests.conftest import run_satire
from tests.reviewkit import make_draft


@pytest.mark.parametrize("command", ["build", "publish"])
def test_unknown_time_zone_is_one_located_line(tmp_path: Path, command: str) -> None:
    (tmp_path / "satire.yaml").write_text("title: T\nsite:\n  timezone: Mars/Olympus_Mons\n")
    result = run_satire(command, cwd=tmp_path)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "satire.yaml:3:13: site.timezone: unknown time zone 'Mars/Olympus_Mons' "
        "(expected an IANA name, e.g. Europe/Paris or UTC)"
    ]


def test_publish_and_build_share_the_sites_today(
    demo_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = yaml.safe_load((demo_project / "satire.yaml").read_text(encoding="utf-8"))
    config["site"]["timezone"] = "Pacific/Kiritimati"  # UTC+14
    (demo_project / "satire.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    late = dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.UTC)  # already 2 January there
    monkeypatch.setattr("generator.infra.clock.now", lambda: late)
    project = load_project(demo_project)
    make_draft(project, status="approved")

    assert rv.publish(project, "amazon-desantis").date == dt.date(2026, 1, 2)
    report = build(project, out=tmp_path / "site", jobs=1)
    assert report.posts == 1  # dated today where the site lives, not tomorrow
