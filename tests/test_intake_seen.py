"""What intake remembers of a URL and says when it meets it again: an article
URL given by hand that gives no brief exits 1 with the reason, a skipped or
failed page is fetched again a bounded number of times, --again takes a story
in again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.intake.seen import MAX_ATTEMPTS
from tests.conftest import run_satire
from tests.intakekit import intake_briefs, make_project, serve_article
from tests.newsite import NewsSite, article_html

TEASER = article_html(
    "Big news",
    [
        "Something big happened at a company today, and it matters a lot to many people.",
        "Subscribe to keep reading.",
    ],
)


def test_a_url_already_taken_in_says_its_brief_and_again_takes_it_again(
    tmp_path: Path, news_site: NewsSite
) -> None:
    serve_article(news_site, "/2025/12/veltra/", "veltra")
    url = news_site.url("/2025/12/veltra/")
    project = make_project(tmp_path / "blog")
    assert run_satire("intake", url, cwd=project).code == 0
    [slug] = intake_briefs(project)
    second = run_satire("intake", url, cwd=project)
    assert second.code == 1  # given by hand, no brief this time
    assert (
        f"{url}: already seen: brief {slug} exists (briefs/{slug}.yaml); --again takes it again"
        in second.err_lines
    )
    assert news_site.hits("/2025/12/veltra/") == 1  # not even fetched
    again = run_satire("intake", "--again", url, cwd=project)
    assert again.code == 0, again.err
    assert sorted(intake_briefs(project)) == [slug, f"{slug}-2"]


def test_a_thin_page_given_by_hand_exits_1_and_is_fetched_again_a_bounded_number_of_times(
    tmp_path: Path, news_site: NewsSite
) -> None:
    news_site.page("/teaser/", TEASER)
    url = news_site.url("/teaser/")
    project = make_project(tmp_path / "blog")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = run_satire("intake", url, cwd=project)
        assert result.code == 1 and "1 skipped (1 too thin)" in result.out
        assert f"{url}: skipped: too thin to be a story" in result.err
        assert news_site.hits("/teaser/") == attempt
    # tried often enough: not fetched again, and the line says when and why
    last = run_satire("intake", url, cwd=project)
    assert last.code == 1 and news_site.hits("/teaser/") == MAX_ATTEMPTS
    day = dt.datetime.now(dt.UTC).date().isoformat()
    assert (
        f"{url}: already seen: skipped on {day} because too thin to be a story (15 words of article text:"
        in last.err
    )
    assert (
        f"(fetched {MAX_ATTEMPTS} times, the most intake tries); --again takes it again" in last.err
    )
    # the page grew into a story: --again takes it
    serve_article(news_site, "/teaser/", "hushline")
    again = run_satire("intake", "--again", url, cwd=project)
    assert again.code == 0, again.err
    assert len(intake_briefs(project)) == 1


def test_a_url_given_by_hand_that_fails_is_tried_again_every_time(
    tmp_path: Path, news_site: NewsSite
) -> None:
    """It may be a feed (cron runs `satire intake FEED_URL`): a failure is not remembered for it."""
    url = news_site.url("/gone/")
    project = make_project(tmp_path / "blog")
    for attempt in range(1, MAX_ATTEMPTS + 2):
        result = run_satire("intake", url, cwd=project)
        assert result.code == 1 and f"{url}: HTTP 404 Not Found" in result.err_lines
        assert news_site.hits("/gone/") == attempt
