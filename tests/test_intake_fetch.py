"""The one HTTP client and the private-address guard, and every way a fetch
goes wrong, end to end: each one line naming the URL, the rest still taken in."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from generator.intake.fetch import AddressGuard, Blocked, Disallowed, Fetcher, FetchError
from tests.conftest import run_satire
from tests.intakekit import intake_briefs, make_project, serve_article
from tests.newsite import NewsSite, Route, article_html, rss
from tests.receivers import WebhookReceiver


def fetcher(allow_private: bool | list[str] = True, **kw: object) -> Fetcher:
    settings: dict[str, object] = {
        "timeout": 2.0,
        "max_bytes": 100_000,
        "per_host_delay": 0.0,
        "allow_private": allow_private,
        "agent": "satire/test (+https://blog.example/)",
    }
    settings.update(kw)
    return Fetcher(**settings)  # type: ignore[arg-type]


# -- the guard -----------------------------------------------------------------------


def test_guard_refuses_loopback(news_site: NewsSite) -> None:
    news_site.page("/x/", "<html><body>hello</body></html>")
    with pytest.raises(Blocked) as caught:
        fetcher(allow_private=False).get(news_site.url("/x/"))
    assert (
        "127.0.0.1" in str(caught.value)
        and "loopback" in str(caught.value)
        and str(caught.value).startswith(news_site.url("/x/"))
    )
    assert news_site.log == []  # refused before any connection


def test_guard_refuses_a_redirect_from_an_allowed_host_to_a_private_address(
    news_site: NewsSite,
) -> None:
    other = NewsSite(host="127.0.0.2")  # Linux answers on all of 127/8
    try:
        other.page("/secret/", "<html><body>internal admin</body></html>")
        news_site.redirect("/go/", other.url("/secret/"), status=302)
        allowed = fetcher(allow_private=["127.0.0.1"])
        with pytest.raises(Blocked) as caught:
            allowed.get(news_site.url("/go/"))
        assert "127.0.0.2" in str(caught.value)
        assert news_site.hits("/go/") == 1 and other.log == []
        # with both allowed the same redirect is followed: the refusal above was the guard's, not the network's
        assert (
            fetcher(allow_private=["127.0.0.0/8"])
            .get(news_site.url("/go/"))
            .body.startswith(b"<html><body>internal")
        )
    finally:
        other.close()


NON_PUBLIC = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.9",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fd00:ec2::254",
    "fe80::1",
    "::ffff:127.0.0.1",
    "224.0.0.1",
]


@pytest.mark.parametrize("address", NON_PUBLIC)
def test_guard_refuses_every_non_public_address(address: str) -> None:
    with pytest.raises(Blocked, match=address.replace("::ffff:", "")):
        AddressGuard.from_config(False).check(
            "http://x.example/", "x.example", ipaddress.ip_address(address)
        )
    AddressGuard.from_config(True).check(
        "http://x.example/", "x.example", ipaddress.ip_address(address)
    )


def test_guard_lets_public_addresses_through() -> None:
    AddressGuard.from_config(False).check(
        "https://example.com/", "example.com", ipaddress.ip_address("93.184.216.34")
    )
    AddressGuard.from_config(["10.0.0.0/8", "intranet.local"]).check(
        "http://intranet.local/", "intranet.local", ipaddress.ip_address("192.168.1.1")
    )
    with pytest.raises(Blocked):
        AddressGuard.from_config(["10.0.0.0/8"]).check(
            "http://x/", "x", ipaddress.ip_address("192.168.1.1")
        )


def test_post_sends_json_with_the_user_agent_follows_no_redirect_and_is_guarded(
    webhook: WebhookReceiver,
) -> None:
    fetcher().post(webhook.url, {"text": "héllo"})
    [post] = webhook.posts
    assert (
        post.body == {"text": "héllo"}
        and post.headers["User-Agent"] == "satire/test (+https://blog.example/)"
    )
    assert post.headers["Content-Type"].startswith("application/json")
    webhook.status = 302
    with pytest.raises(FetchError) as caught:
        fetcher().post(webhook.url, {"text": "again"})
    assert caught.value.status == 302 and "not followed" in str(caught.value)
    with pytest.raises(Blocked):
        fetcher(allow_private=False).post(webhook.url, {"text": "blocked"})
    assert len(webhook.posts) == 2  # the refused one never left


def test_cli_refuses_loopback_feed_unless_allowed(tmp_path: Path, news_site: NewsSite) -> None:
    news_site.feed("/feed/", rss([]))
    project = make_project(
        tmp_path / "blog", {"allow_private": False, "feeds": [{"url": news_site.url("/feed/")}]}
    )
    result = run_satire("intake", cwd=project)
    assert result.code == 1
    assert result.err_lines == [
        f"{news_site.url('/feed/')}: refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address (set intake.allow_private to fetch it)"
    ]
    assert news_site.log == []


def test_only_http_and_https_even_after_a_redirect(news_site: NewsSite) -> None:
    news_site.redirect("/to-file/", "file:///etc/passwd")
    with pytest.raises(FetchError, match="only http and https"):
        fetcher().get(news_site.url("/to-file/"))


# -- the client's rules --------------------------------------------------------------


def test_size_cap_refuses_before_reading_it_all(news_site: NewsSite) -> None:
    big = "<html><body>" + "x" * 300_000 + "</body></html>"
    news_site.page("/big/", big)
    news_site.page("/big-stream/", big, no_length=True)
    news_site.page("/big-gzip/", big, gzip=True)  # small on the wire, big once decompressed
    for path in ["/big/", "/big-stream/", "/big-gzip/"]:
        with pytest.raises(FetchError, match=r"max_bytes \(100000"):
            fetcher().get(news_site.url(path))
    news_site.page("/small-gzip/", "<html><body>" + "y" * 50_000 + "</body></html>", gzip=True)
    response = fetcher().get(news_site.url("/small-gzip/"))
    assert response.body.endswith(b"y</body></html>") and len(response.body) > 50_000
    assert news_site.log[-1].headers["accept-encoding"].startswith("gzip")


def test_size_cap_refuses_on_the_announced_length_without_reading(news_site: NewsSite) -> None:
    import time

    news_site.routes["/announced/"] = Route(
        body=b"<html>", claim_length=50_000_000
    )  # says 50 MB, sends 6 bytes, waits
    started = time.monotonic()
    with pytest.raises(
        FetchError, match=r"refused: 50000000 bytes is more than intake.max_bytes \(100000\)"
    ):
        fetcher(timeout=3).get(news_site.url("/announced/"))
    assert time.monotonic() - started < 2  # refused on the header, not after waiting for the body


def test_text_is_decoded_by_header_then_meta_charset() -> None:
    from generator.intake.fetch import Fetched

    latin = '<meta charset="iso-8859-1"><p>café</p>'.encode("latin-1")
    assert Fetched("u", 200, {"content-type": "text/html"}, latin).text().endswith("café</p>")
    assert (
        Fetched("u", 200, {"content-type": "text/html; charset=utf-8"}, "« déjà »".encode()).text()
        == "« déjà »"
    )
    assert Fetched("u", 200, {}, "café".encode("cp1252")).text() == "café"


def test_redirects_at_most_five_and_loops(news_site: NewsSite) -> None:
    for n in range(7):
        news_site.redirect(f"/r{n}/", f"/r{n + 1}/")
    news_site.page("/r7/", "<html><body>end</body></html>")
    news_site.redirect("/r2x/", "/r7x/")
    news_site.redirect("/r7x/", "/r2x/")
    assert (
        fetcher().get(news_site.url("/r2/")).body.endswith(b"end</body></html>")
    )  # 5 redirects: followed
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher().get(news_site.url("/r1/"))
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher().get(news_site.url("/r2x/"))


def test_timeout(news_site: NewsSite) -> None:
    news_site.page("/slow/", "<html></html>", delay=2)
    with pytest.raises(FetchError, match=r"timed out after 0.5 s"):
        fetcher(timeout=0.5).get(news_site.url("/slow/"))


def test_robots_txt_is_honoured(news_site: NewsSite) -> None:
    news_site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    news_site.page("/private/x/", "<html></html>")
    news_site.page("/public/x/", "<html></html>")
    client = fetcher()
    with pytest.raises(Disallowed, match=r"robots\.txt disallows it"):
        client.get(news_site.url("/private/x/"), robots=True)
    assert client.get(news_site.url("/public/x/"), robots=True).status == 200
    assert (
        news_site.hits("/private/x/") == 0 and news_site.hits("/robots.txt") == 1
    )  # read once per site


def test_per_host_delay_spaces_requests(news_site: NewsSite) -> None:
    import time

    news_site.page("/p/", "<html></html>")
    client = fetcher(per_host_delay=0.4)
    started = time.monotonic()
    for _ in range(3):
        client.get(news_site.url("/p/"))
    assert time.monotonic() - started >= 0.8


# -- every failure kind, end to end --------------------------------------------------


def test_every_failure_is_one_line_and_the_rest_is_taken_in(
    tmp_path: Path, news_site: NewsSite
) -> None:
    site = news_site
    site.page("/robots.txt", "User-agent: *\nDisallow: /members/\n", content_type="text/plain")
    teaser = [
        "Veltra's new chip could change everything about how models run.",
        "Subscribe to read the full story.",
    ]
    site.page("/paywall/", article_html("Veltra's secret plan", teaser))
    serve_article(site, "/members/story/", "orbitly")
    site.page("/report.pdf", "%PDF-1.7 binary stuff", content_type="application/pdf")
    site.page("/error/", "<html><body>oops</body></html>", status=500)
    serve_article(site, "/slow/", "foldr")
    site.routes["/slow/"].delay = 3
    site.page("/huge/", article_html("Huge", ["word " * 40_000 + "."]))
    site.redirect("/loop-a/", "/loop-b/")
    site.redirect("/loop-b/", "/loop-a/")
    serve_article(site, "/good/", "ledgerly")
    paths = [
        "/paywall/",
        "/members/story/",
        "/report.pdf",
        "/missing/",
        "/error/",
        "/slow/",
        "/huge/",
        "/loop-a/",
        "/good/",
    ]
    site.feed(
        "/feed/", rss([{"title": f"Story {p}", "link": site.url(p), "guid": p} for p in paths])
    )
    site.feed(
        "/broken/",
        "<rss><channel><title>Broken & bad</titl><item><title>x</item>",
        content_type="application/rss+xml",
    )
    feeds = [{"url": site.url("/feed/")}, {"url": site.url("/broken/")}]
    project = make_project(tmp_path / "blog", {"feeds": feeds, "timeout": 1, "max_bytes": 150_000})
    result = run_satire("intake", cwd=project)
    assert result.code == 1
    assert "Traceback" not in result.err
    notice = "no LLM endpoint configured (set OPENAI_API_KEY or llm.base_url): extracting offline"
    assert result.err_lines.count(notice) == 1
    lines = [line for line in result.err_lines if not line.startswith("wrote ") and line != notice]
    expected = {
        "/paywall/": "skipped: behind a paywall",
        "/members/story/": "skipped: robots.txt disallows it",
        "/report.pdf": "skipped: not an HTML page (application/pdf)",
        "/missing/": "HTTP 404 Not Found",
        "/error/": "HTTP 500 Internal Server Error",
        "/slow/": "timed out after 1 s",
        "/huge/": "max_bytes (150000",
        "/loop-a/": "redirect loop",
        "/broken/": "malformed feed",
    }
    for path, words in expected.items():
        mine = [line for line in lines if line.startswith(site.url(path) + ":")]
        assert len(mine) == 1 and words in mine[0], (path, lines)
    assert len(lines) == len(expected), lines
    [brief] = intake_briefs(project).values()
    assert brief["source"]["url"] == site.url("/good")
    assert (
        "wrote 1 new brief; 0 already seen; 0 filtered; 3 skipped (1 not HTML, 1 robots.txt, 1 too thin); 6 failed"
        in result.out
    )
    assert site.hits("/members/story/") == 0
