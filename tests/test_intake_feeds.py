"""`satire intake` end to end against a news site on 127.0.0.1: RSS and Atom,
one brief per distinct story, filters, re-runs that cost only 304s."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.intake.seen import MAX_ATTEMPTS
from tests.conftest import REPO, run_satire
from tests.intakekit import intake_briefs, make_project, serve_article
from tests.newsite import NewsSite, atom, rss

CATS = ["Hardware", "Funding"]


def _two_feeds(site: NewsSite) -> None:
    """Feed A (RSS) and feed B (Atom) over five stories, with every kind of duplicate."""
    serve_article(
        site,
        "/2025/12/veltra/",
        "veltra",
        canonical=site.url("/2025/12/veltra/"),
        tags=["Hardware", "Funding"],
    )
    serve_article(site, "/2025/12/foldr/", "foldr")
    site.redirect("/2025/12/foldr", "/2025/12/foldr/")
    serve_article(site, "/2025/12/orbitly/", "orbitly")
    serve_article(site, "/wire/bytefarm/", "bytefarm")
    serve_article(site, "/wire/foldr-copy/", "foldr")  # the same story under another URL and title
    a = [
        {
            "title": "Veltra raises $400 million to build a low-power inference chip",
            "link": site.url("/2025/12/veltra/?utm_source=rss&utm_medium=feed"),
            "guid": "td-1",
            "categories": CATS,
        },
        {
            "title": "Chip startup closes its Series D",
            "link": site.url("/2025/12/veltra/#comments"),
            "guid": "td-1b",
        },
        {
            "title": "Foldr says its laundry robot is finally ready for homes",
            "link": site.url("/2025/12/foldr"),
            "guid": "td-2",
        },
        {
            "title": "Orbitly wins a European contract",
            "link": site.url("/2025/12/orbitly/"),
            "guid": "td-5",
            "date": "Wed, 03 Dec 2025 09:00:00 +0000",
        },
        {
            "title": "ESA picks a satellite operator",
            "link": site.url("/2025/12/orbitly-updated/"),
            "guid": "td-5",
            "date": "Thu, 04 Dec 2025 10:00:00 +0000",
        },
        {
            "title": "Podcast: episode 12, the chips are down",
            "link": site.url("/podcast/12/"),
            "guid": "td-6",
        },
        {
            "title": "Gadgets we love this week",
            "link": site.url("/deals/"),
            "guid": "td-7",
            "description": "Sponsored by a fridge maker",
        },
    ]
    b = [
        {
            "title": "Veltra raises $400 million to build low-power inference chip",
            "link": site.url("/wire/veltra-raises/"),
            "guid": "ow-1",
            "description": "chips",
        },
        {
            "title": "Bytefarm doubles down on data centers in cornfields",
            "link": site.url("/wire/bytefarm/"),
            "guid": "ow-2",
            "description": "Bytefarm and its servers",
        },
        {
            "title": "Home robot maker opens its first orders to the public",
            "link": site.url("/wire/foldr-copy/"),
            "guid": "ow-3",
            "description": "A robot for laundry",
        },
        {
            "title": "A celebrity bought a castle",
            "link": site.url("/wire/castle/"),
            "guid": "ow-4",
            "description": "Gossip",
        },
    ]
    site.feed("/feed/", rss(a))
    site.feed("/other/atom.xml", atom(b), content_type="application/atom+xml")


def _project(tmp_path: Path, site: NewsSite) -> Path:
    feeds = [
        {
            "url": site.url("/feed/"),
            "name": "tdaily",
            "exclude": ["podcast", "sponsored"],
            "categories": ["Tech"],
        },
        {
            "url": site.url("/other/atom.xml"),
            "name": "wire",
            "include": ["chips", "Bytefarm", "robot"],
            "style": "deadpan-wire",
            "language": "fr",
        },
    ]
    return make_project(
        tmp_path / "blog", {"feeds": feeds}, categories=["Hardware", "Intelligence Artificielle"]
    )


def test_rss_and_atom_give_one_brief_per_distinct_story(
    tmp_path: Path, news_site: NewsSite
) -> None:
    _two_feeds(news_site)
    project = _project(tmp_path, news_site)
    result = run_satire(
        "intake", "-j", "1", cwd=project
    )  # one at a time: which of two copies of a story comes first is then known
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    briefs = intake_briefs(project)
    urls = sorted(b["source"]["url"] for b in briefs.values())
    assert urls == sorted(
        news_site.url(p)
        for p in ["/2025/12/veltra", "/2025/12/foldr", "/2025/12/orbitly", "/wire/bytefarm"]
    ), urls
    assert "wrote 4 new briefs; 4 already seen; 3 filtered; 0 skipped; 0 failed" in result.out
    # dedupe happened before fetching where it could: the GUID re-sent and the near-duplicate title were never fetched
    assert (
        news_site.hits("/2025/12/orbitly-updated/") == 0
        and news_site.hits("/wire/veltra-raises/") == 0
    )
    assert (
        news_site.hits("/podcast/12/") == 0
        and news_site.hits("/deals/") == 0
        and news_site.hits("/wire/castle/") == 0
    )
    assert news_site.hits("/2025/12/veltra/") == 1
    # every request named satire and the blog
    assert all(
        h.headers["user-agent"].startswith("satire/")
        and "https://blog.example/" in h.headers["user-agent"]
        for h in news_site.log
    )

    veltra = next(b for b in briefs.values() if b["source"]["url"].endswith("/veltra"))
    assert veltra["confirmed"] is False
    assert (
        veltra["source"]["publisher"] == "Tech Daily"
        and veltra["source"]["published"] == "2025-12-03"
    )
    assert veltra["categories"][:2] == ["Tech", "Hardware"] and "funding" in veltra["tags"]
    assert veltra["intake"]["feed"] == "tdaily" and veltra["intake"]["extractor"].startswith(
        "offline; satire 0.1.0, trafilatura "
    )
    article_file = project / veltra["intake"]["article"]
    assert article_file.is_file() and "Series D round" in article_file.read_text()
    assert (
        veltra["intake"]["article"].startswith(".satire/articles/") and len(article_file.stem) == 64
    )
    assert {
        "by": "Lena Park",
        "text": "We will ship the first boards to customers in March",
    } in veltra["quotes"]
    assert any("$400 million" in f for f in veltra["facts"])
    assert len(veltra["intake"]["evidence"]["facts"]) == len(veltra["facts"]) and len(
        veltra["intake"]["evidence"]["quotes"]
    ) == len(veltra["quotes"])
    bytefarm = next(b for b in briefs.values() if b["source"]["url"].endswith("/bytefarm"))
    assert (
        bytefarm["style"] == "deadpan-wire"
        and bytefarm["language"] == "fr"
        and bytefarm["intake"]["feed"] == "wire"
    )

    check = run_satire("check", cwd=project)
    assert check.code == 0, check.err

    # the second run: nothing written, no article fetched, the feeds asked conditionally and answered 304
    before = len(news_site.log)
    again = run_satire("intake", cwd=project)
    assert again.code == 0, again.err
    assert "wrote 0 new briefs" in again.out and "2 feeds unchanged" in again.out
    second = news_site.log[before:]
    assert sorted(h.path for h in second) == ["/feed/", "/other/atom.xml"]
    assert all(h.status == 304 and h.headers.get("if-none-match") == '"v1"' for h in second)
    assert len(intake_briefs(project)) == 4


def test_feed_that_changed_takes_in_only_the_new_story(tmp_path: Path, news_site: NewsSite) -> None:
    _two_feeds(news_site)
    project = _project(tmp_path, news_site)
    assert run_satire("intake", "--feed", "tdaily", cwd=project).code == 0
    assert len(intake_briefs(project)) == 3
    serve_article(news_site, "/2025/12/hushline/", "hushline")
    items = [
        {
            "title": "Hushline refuses to add ads",
            "link": news_site.url("/2025/12/hushline/"),
            "guid": "td-9",
        },
        {
            "title": "Veltra raises $400 million to build a low-power inference chip",
            "link": news_site.url("/2025/12/veltra/?utm_campaign=x"),
            "guid": "td-1",
        },
    ]
    news_site.feed("/feed/", rss(items), etag='"v2"')
    before = len(news_site.log)
    result = run_satire("intake", "--feed", "tdaily", cwd=project)
    assert result.code == 0, result.err
    assert "wrote 1 new brief;" in result.out and "1 already seen" in result.out
    assert sorted(h.path for h in news_site.log[before:]) == [
        "/2025/12/hushline/",
        "/feed/",
        "/robots.txt",
    ]


def test_dry_run_limit_and_unknown_feed(tmp_path: Path, news_site: NewsSite) -> None:
    _two_feeds(news_site)
    project = _project(tmp_path, news_site)
    dry = run_satire("intake", "--dry-run", cwd=project)
    assert dry.code == 0, dry.err
    assert "would write 4 new briefs" in dry.out and intake_briefs(project) == {}
    assert not (project / ".satire" / "articles").exists()
    limited = run_satire("intake", "--feed", "tdaily", "--limit", "1", cwd=project)
    assert limited.code == 0, limited.err
    assert len(intake_briefs(project)) == 1 and "wrote 1 new brief;" in limited.out
    rest = run_satire(
        "intake", "--feed", "tdaily", cwd=project
    )  # the feed's validators were not kept: the rest comes in now
    assert "wrote 2 new briefs" in rest.out, rest.out + rest.err
    unknown = run_satire("intake", "--feed", "nope", cwd=project)
    assert unknown.code == 2 and unknown.err_lines == [
        "--feed: no feed named 'nope' in intake.feeds (known: tdaily, wire)"
    ]
    config = (project / "satire.yaml").read_text().replace("deadpan-wire", "deadpan-wir")
    (project / "satire.yaml").write_text(config)
    bad_style = run_satire("intake", cwd=project)
    assert bad_style.code == 2 and bad_style.err_lines == [
        "satire.yaml: intake.feeds.1.style: unknown style 'deadpan-wir' (did you mean \"deadpan-wire\"?)"
    ]


def test_article_url_as_source_and_auto_confirm(tmp_path: Path, news_site: NewsSite) -> None:
    serve_article(news_site, "/2025/12/nuagique/", "nuagique")
    project = make_project(tmp_path / "blog", {"auto_confirm": True}, language="fr")
    result = run_satire("intake", news_site.url("/2025/12/nuagique/?utm_source=x"), cwd=project)
    assert result.code == 0, result.err
    [brief] = intake_briefs(project).values()
    assert brief["confirmed"] is True and brief["intake"].get("feed") is None
    assert brief["source"]["url"] == news_site.url("/2025/12/nuagique")
    assert {
        "by": "Camille Roux",
        "text": "Nous allons diviser par deux la facture énergétique des centres de données",
    } in brief["quotes"]
    assert run_satire("intake", news_site.url("/2025/12/nuagique/"), cwd=project).out.startswith(
        "intake: wrote 0 new briefs; 1 already seen"
    )


def test_a_killed_run_keeps_what_it_took_in(tmp_path: Path, news_site: NewsSite) -> None:
    serve_article(news_site, "/a/", "veltra")
    serve_article(news_site, "/b/", "hushline")
    news_site.routes["/b/"].delay = 60
    news_site.feed(
        "/feed/",
        rss(
            [
                {"title": "A story", "link": news_site.url("/a/"), "guid": "a"},
                {"title": "B story", "link": news_site.url("/b/"), "guid": "b"},
            ]
        ),
    )
    project = make_project(
        tmp_path / "blog", {"feeds": [{"url": news_site.url("/feed/")}], "timeout": 120}
    )
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "intake", "-j", "1"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (intake_briefs(project) and news_site.hits("/b/")):
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(intake_briefs(project)) == 1
    news_site.routes["/b/"].delay = 0
    result = run_satire("intake", cwd=project)
    assert result.code == 0, result.err
    assert "wrote 1 new brief;" in result.out and "1 already seen" in result.out
    assert news_site.hits("/a/") == 1 and len(intake_briefs(project)) == 2


def test_a_failed_item_is_tried_again_next_run(tmp_path: Path, news_site: NewsSite) -> None:
    serve_article(news_site, "/a/", "veltra")
    news_site.page("/b/", "<html><body>down</body></html>", status=503)
    items = [
        {"title": "A story", "link": news_site.url("/a/"), "guid": "a"},
        {"title": "B story", "link": news_site.url("/b/"), "guid": "b"},
    ]
    items.append({"title": "A dead link", "link": news_site.url("/gone/"), "guid": "gone"})
    news_site.feed("/feed/", rss(items))
    project = make_project(tmp_path / "blog", {"feeds": [{"url": news_site.url("/feed/")}]})
    first = run_satire("intake", cwd=project)
    assert (
        first.code == 1
        and f"{news_site.url('/b/')}: HTTP 503 Service Unavailable" in first.err_lines
    )
    assert f"{news_site.url('/gone/')}: HTTP 404 Not Found" in first.err_lines
    serve_article(news_site, "/b/", "hushline")
    # the feed is asked again in full (its validators were not kept), B comes in;
    # the dead link is remembered with its reason and fetched again, MAX_ATTEMPTS times in all
    second = run_satire("intake", cwd=project)
    assert "wrote 1 new brief; 1 already seen" in second.out and "1 failed" in second.out
    assert news_site.hits("/a/") == 1 and len(intake_briefs(project)) == 2
    assert news_site.hits("/gone/") == 2
    third = run_satire("intake", cwd=project)
    assert news_site.hits("/gone/") == MAX_ATTEMPTS == 3
    assert "wrote 0 new briefs; 2 already seen" in third.out
    fourth = run_satire("intake", cwd=project)
    # tried often enough: left alone; everything handled, so the feed's validators were kept: 304
    assert news_site.hits("/gone/") == 3
    third = fourth
    assert "1 feed unchanged" in third.out and news_site.log[-1].status == 304


@pytest.mark.parametrize("bad", ["file:///etc/passwd", "not a url"])
def test_bad_source_is_one_line(tmp_path: Path, bad: str) -> None:
    project = make_project(tmp_path / "blog")
    result = run_satire("intake", bad, cwd=project)
    assert (
        result.code == 2
        and len(result.err_lines) == 1
        and bad in result.err
        and "Traceback" not in result.err
    )


def test_jobs_bound_the_requests_in_flight(tmp_path: Path, news_site: NewsSite) -> None:
    names = [
        "veltra",
        "orbitly",
        "foldr",
        "bytefarm",
        "ledgerly",
        "nuagique",
        "robotique",
        "souverainete",
        "hushline",
    ]
    for name in names:
        serve_article(news_site, f"/{name}/", name)
    news_site.feed(
        "/feed/",
        rss(
            [
                {"title": f"Story {name}", "link": news_site.url(f"/{name}/"), "guid": name}
                for name in names
            ]
        ),
    )
    news_site.latency = 0.3
    project = make_project(tmp_path / "blog", {"feeds": [{"url": news_site.url("/feed/")}]})
    result = run_satire("intake", "-j", "3", cwd=project)
    assert result.code == 0, result.err
    assert "wrote 9 new briefs" in result.out
    assert news_site.max_open == 3  # three at a time: never more, and in parallel indeed


def test_feeds_are_told_from_pages_by_content() -> None:
    from generator.intake.feeds import is_feed, parse_feed

    rss091 = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x">\n<rss version="0.91"><channel><title>Old</title>'
        b"<item><title>An old-style item</title><link>https://news.example/old</link><description>Plain</description></item></channel></rss>"
    )
    rdf = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
        b'<channel rdf:about="x"><title>RDF</title></channel><item rdf:about="https://news.example/rdf"><title>An RDF item</title><link>https://news.example/rdf</link></item></rdf:RDF>'
    )
    atom_doc = atom([{"title": "An Atom entry", "link": "https://news.example/atom"}]).encode()
    rss2 = rss(
        [{"title": "An RSS 2 item", "link": "https://news.example/rss2", "guid": "g"}]
    ).encode()
    for body, link in [(rss091, "/old"), (rdf, "/rdf"), (atom_doc, "/atom"), (rss2, "/rss2")]:
        assert is_feed(body)
        [entry] = parse_feed(body, "https://news.example/feed").entries
        assert entry.link == "https://news.example" + link and entry.title.startswith("An ")
    assert not is_feed(
        b"<!DOCTYPE html><html><head><title>rss feed</title></head><body><rss>not</rss></body></html>"
    )
    assert not is_feed(b"%PDF-1.7")


def test_one_intake_at_a_time(tmp_path: Path, news_site: NewsSite) -> None:
    from generator.infra.fsutil import project_lock

    news_site.feed("/feed/", rss([]))
    project = make_project(tmp_path / "blog", {"feeds": [{"url": news_site.url("/feed/")}]})
    with project_lock(project / ".satire", "intake"):
        busy = run_satire("intake", cwd=project)
    assert busy.code == 2 and busy.err_lines == [
        "another 'satire intake' is running on this project; wait for it to finish"
    ]
    assert news_site.log == []
    assert run_satire("intake", cwd=project).code == 0
