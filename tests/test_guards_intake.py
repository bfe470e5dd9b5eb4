"""Intake's guards on every path into them and on each condition alone:
robots.txt after a redirect (same host, another host, from a feed), grounding
that wants every figure of a fact, and each dedupe key of the seen-store by
itself (canonical URL, GUID, near-duplicate title, near-duplicate text)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.infra.state import connect
from generator.intake.fetch import Disallowed, Fetcher
from generator.intake.ground import ground
from generator.intake.seen import SeenStore
from tests.conftest import run_satire
from tests.intakekit import intake_briefs, make_project, serve_article
from tests.newsite import NewsSite, rss


def fetcher() -> Fetcher:
    return Fetcher(
        timeout=2.0,
        max_bytes=100_000,
        per_host_delay=0.0,
        allow_private=True,
        agent="satire/test (+https://blog.example/)",
    )


@pytest.fixture
def other_site() -> Iterator[NewsSite]:
    """A second news site on another host (Linux answers on all of 127/8), with robots.txt of its own."""
    site = NewsSite(host="127.0.0.2")
    site.page("/robots.txt", "User-agent: *\nDisallow: /members/\n", content_type="text/plain")
    yield site
    site.close()


# -- robots.txt after a redirect -------------------------------------------------------


def test_robots_txt_is_honoured_where_a_redirect_lands_on_the_same_host(
    news_site: NewsSite,
) -> None:
    news_site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    news_site.page("/private/x/", "<html></html>")
    news_site.page("/public/x/", "<html></html>")
    news_site.redirect("/go/", "/private/x/", status=302)
    news_site.redirect("/go-public/", "/public/x/", status=302)
    client = fetcher()
    with pytest.raises(Disallowed, match=r"robots\.txt disallows it") as caught:
        client.get(news_site.url("/go/"), robots=True)
    assert caught.value.url == news_site.url("/private/x/")  # the line names the page refused
    assert news_site.hits("/go/") == 1 and news_site.hits("/private/x/") == 0
    # the same redirect to an allowed page is followed: the refusal was robots.txt's
    assert client.get(news_site.url("/go-public/"), robots=True).status == 200


def test_robots_txt_of_the_other_host_is_honoured_after_a_redirect(
    news_site: NewsSite, other_site: NewsSite
) -> None:
    # the first host allows everything; the host the redirect leads to does not
    news_site.page("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    other_site.page("/members/x/", "<html></html>")
    other_site.page("/news/x/", "<html></html>")
    news_site.redirect("/go/", other_site.url("/members/x/"), status=302)
    news_site.redirect("/go-news/", other_site.url("/news/x/"), status=302)
    client = fetcher()
    with pytest.raises(Disallowed, match=r"robots\.txt disallows it"):
        client.get(news_site.url("/go/"), robots=True)
    assert other_site.hits("/robots.txt") == 1 and other_site.hits("/members/x/") == 0
    assert client.get(news_site.url("/go-news/"), robots=True).status == 200


def test_a_feed_item_redirected_to_a_disallowed_page_is_skipped(
    tmp_path: Path, news_site: NewsSite, other_site: NewsSite
) -> None:
    serve_article(other_site, "/members/story/", "orbitly")
    serve_article(news_site, "/good/", "ledgerly")
    news_site.redirect("/short/", other_site.url("/members/story/"), status=301)
    items = [
        {"title": "Orbitly story", "link": news_site.url("/short/"), "guid": "a"},
        {"title": "Ledgerly story", "link": news_site.url("/good/"), "guid": "b"},
    ]
    news_site.feed("/feed/", rss(items))
    project = make_project(tmp_path / "blog", {"feeds": [{"url": news_site.url("/feed/")}]})
    result = run_satire("intake", "-j", "1", cwd=project)
    assert result.code == 0 and "Traceback" not in result.err, result.err
    assert (
        f"{other_site.url('/members/story/')}: skipped: robots.txt disallows it" in result.err_lines
    )
    assert other_site.hits("/members/story/") == 0
    assert [b["source"]["url"] for b in intake_briefs(project).values()] == [news_site.url("/good")]


@pytest.mark.parametrize("status", [401, 403])
def test_a_robots_txt_behind_a_login_disallows_everything(news_site: NewsSite, status: int) -> None:
    news_site.page("/robots.txt", "members only", status=status, content_type="text/plain")
    news_site.page("/story/", "<html></html>")
    with pytest.raises(Disallowed):
        fetcher().get(news_site.url("/story/"), robots=True)
    assert news_site.hits("/story/") == 0


def test_a_missing_robots_txt_allows_everything(news_site: NewsSite) -> None:
    news_site.page("/story/", "<html></html>")
    assert fetcher().get(news_site.url("/story/"), robots=True).status == 200


# -- grounding: every figure of a fact -------------------------------------------------

ARTICLE = (
    "Veltra said it had raised $400 million on Tuesday.\n"
    "Twelve months later, 35 engineers had left the 1,200-person company.\n"
)


def test_a_fact_is_dropped_when_one_of_its_figures_is_missing_from_its_sentence() -> None:
    sentence = "Veltra said it had raised $400 million on Tuesday."
    other = "Twelve months later, 35 engineers had left the 1,200-person company."
    kept = ground(
        ARTICLE,
        [
            ("Veltra raised $400 million from 12 investors.", sentence),  # 400 there, 12 not
            ("35 of Veltra's 1200 people left.", other),  # both figures there
            ("35 of Veltra's 1500 people left.", other),  # the first there, the second not
        ],
        [],
    )
    assert [fact for fact, _ in kept.facts] == ["35 of Veltra's 1200 people left."]
    assert kept.dropped_facts == 2


# -- dedupe: each key alone ------------------------------------------------------------

TEXT = (
    "Veltra, the chip start-up based in Austin, said on Tuesday that it had raised four hundred "
    "million dollars in a round led by two pension funds. The company plans to ship its first "
    "boards to customers in March and to double its staff of engineers by the end of next year, "
    "its chief executive Lena Park told reporters at the launch in a converted warehouse."
)
OTHER_TEXT = (
    "Foldr, which makes a folding e-reader, recalled its second model after reports that the "
    "hinge cracked in cold weather. Customers will get a refund or a replacement, the company "
    "said, and the third model is delayed until the summer while engineers redesign the hinge."
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SeenStore]:
    conn = connect(tmp_path / ".satire")
    seen = SeenStore(conn)
    seen.record(
        url="https://news.example/2025/12/veltra-raises?utm_source=rss",
        urls=["https://news.example/r/123"],
        guid="tag:news.example,2025:veltra",
        feed="tdaily",
        title="Veltra raises $400 million to build AI chips",
        text=TEXT,
        brief="briefs/veltra.yaml",
        outcome="brief",
    )
    yield seen
    conn.close()


def test_dedupe_by_canonical_url_alone(store: SeenStore) -> None:
    for url in (
        "https://NEWS.example:443/2025/12/veltra-raises/?utm_medium=email#comments",
        "https://news.example/r/123",  # a form it was met under (a redirect's first URL)
    ):
        known = store.match(urls=[url])
        assert known is not None and known.why == "same URL", url
    assert store.match(urls=["https://news.example/2025/12/veltra-falls"]) is None


def test_dedupe_by_guid_alone(store: SeenStore) -> None:
    known = store.match(
        urls=["https://mirror.example/story/9"], guid="tag:news.example,2025:veltra"
    )
    assert known is not None and known.why == "same GUID"
    assert store.match(urls=["https://mirror.example/story/9"], guid="tag:other:1") is None


def test_dedupe_by_near_duplicate_title_alone(store: SeenStore) -> None:
    known = store.match(
        urls=["https://wire.example/veltra"],
        title="Veltra raises $400 million to build new AI chips",
    )
    assert known is not None and known.why == "same title"
    assert (
        store.match(urls=["https://wire.example/foldr"], title="Foldr recalls its folding e-reader")
        is None
    )
    # a title of fewer than four words says nothing: a weekly column comes back under the same one
    store.record(
        url="https://news.example/roundup/1",
        guid=None,
        feed="tdaily",
        title="Weekly roundup",
        text="",
        brief="weekly-roundup",  # a story that became a brief: near-duplicates are matched against those
        outcome="brief",
    )
    assert store.match(urls=["https://news.example/roundup/2"], title="Weekly roundup") is None


def test_dedupe_by_near_duplicate_text_alone(store: SeenStore) -> None:
    reworded = TEXT.replace("converted warehouse", "converted old warehouse in the city")
    known = store.match(
        urls=["https://wire.example/chips"], title="A chip maker finds money", text=reworded
    )
    assert known is not None and known.why == "same text"
    assert (
        store.match(urls=["https://wire.example/foldr"], title="Hinge trouble", text=OTHER_TEXT)
        is None
    )


def test_a_story_claimed_by_one_worker_is_seen_by_another_in_the_same_run(
    store: SeenStore,
) -> None:
    # two feeds of one run carry the same new story: the first worker claims it
    assert store.claim(urls=["https://wire.example/foldr"], guid="g-1") is None
    for other in (
        {"urls": ["https://wire.example/foldr?utm_source=x"]},
        {"urls": ["https://other.example/f"], "guid": "g-1"},
    ):
        known = store.claim(**other)  # type: ignore[arg-type]
        assert known is not None and known.url == "https://wire.example/foldr", other
    store.release(["https://wire.example/foldr"])  # the first worker failed: free to try again
    assert store.match(urls=["https://wire.example/foldr"]) is None


def test_a_story_met_again_through_a_redirect_is_not_taken_in_twice(
    tmp_path: Path, news_site: NewsSite
) -> None:
    serve_article(news_site, "/2025/12/veltra/", "veltra")
    news_site.redirect("/s/veltra", news_site.url("/2025/12/veltra/"), status=301)
    project = make_project(tmp_path / "blog")
    first = run_satire("intake", news_site.url("/2025/12/veltra/"), cwd=project)
    assert first.code == 0, first.err
    again = run_satire("intake", news_site.url("/s/veltra"), cwd=project)
    # an explicit URL that yields no brief exits 1 and says which brief it already is
    assert again.code == 1, again.err
    assert len(intake_briefs(project)) == 1 and "1 already seen" in again.out
    assert "already seen: brief veltra" in again.err
