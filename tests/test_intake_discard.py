"""A story an editor discards is remembered: intake never takes it in again,
from its feed or by its URL (issue 10, item 8 with the seen-store)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import run_satire
from tests.intakekit import feed_project, intake_briefs
from tests.newsite import NewsSite, rss


def test_a_discarded_story_is_never_taken_in_again(tmp_path: Path, news_site: NewsSite) -> None:
    project = feed_project(tmp_path / "blog", news_site)
    first = run_satire("intake", cwd=project)
    assert first.code == 0, first.err
    (slug,) = intake_briefs(project)
    discarded = run_satire(
        "brief", "discard", slug, "--by", "ed", "--note", "not for us", cwd=project
    )
    assert discarded.code == 0, discarded.err
    assert not list((project / "briefs").glob("*.yaml"))

    # the feed changes (new date, so no 304) but still carries the story: it is not taken in again
    news_site.feed(
        "/feed/",
        rss(
            [
                {
                    "title": "Veltra raises money",
                    "link": news_site.url("/2025/12/veltra/?utm_source=rss"),
                    "guid": "v1-resent",
                }
            ]
        ),
    )
    again = run_satire("intake", cwd=project)
    assert again.code == 0, again.err
    assert "wrote 0 new briefs" in again.out, again.out
    assert news_site.hits("/2025/12/veltra/") == 1  # known stories are not even fetched again
    # nor when an editor hands its URL over directly
    direct = run_satire("intake", news_site.url("/2025/12/veltra/"), cwd=project)
    assert direct.code == 1, direct.err  # an article URL given by hand that gives no brief
    assert "wrote 0 new briefs" in direct.out, direct.out
    day = dt.datetime.now(dt.UTC).date().isoformat()
    assert f"{news_site.url('/2025/12/veltra/')}: already seen: its brief " in direct.err
    assert f"was discarded on {day}; --again takes it again" in direct.err
    assert not list((project / "briefs").glob("*.yaml"))
    assert news_site.hits("/2025/12/veltra/") == 1  # known stories are not even fetched again
