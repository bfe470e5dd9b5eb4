"""Intake speed: N articles behind 4 feeds on a local news site (tests/newsite.py)
whose every answer comes after L seconds, taken in at `-j J` with no per-host
delay. Prints:

- the fetch phase: the N articles fetched by intake's client (robots.txt
  included) J at a time, its wall time and its ratio to the ideal N/J x L;
- the whole `satire intake -j J --offline` run (a subprocess, as cron runs it):
  fetching, trafilatura, extraction, grounding, briefs written;
- the offline extraction time per article (trafilatura + extractor + grounding);
- the re-run: its wall time and the requests it sent (all conditional, all 304).

With `--baseline REV` (e.g. main), the offline extraction per article before
(REV's code) and after, alternated on the same pages. With `--settings`,
trafilatura's three settings (default, favor_precision, favor_recall) compared
on the intake corpus: words of article text kept, real stories judged too thin,
planted quotes kept with their speaker.

    .venv/bin/python bench/intake.py                 # N=100, L=100 ms, J=8
    .venv/bin/python bench/intake.py --n 40 --latency 0.05 --jobs 4
    .venv/bin/python bench/intake.py --baseline main --settings
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.intake.extract import extract_offline, read_page  # noqa: E402
from generator.intake.fetch import Fetcher  # noqa: E402
from generator.intake.ground import ground  # noqa: E402
from tests.intakekit import corpus, make_project  # noqa: E402
from tests.newsite import NewsSite, article_html, rss  # noqa: E402

FEEDS = 4


_WORDS = (
    "chip cloud model startup robot battery screen network server browser privacy regulator investor founder market revenue quarter "
    "launch update subscription satellite quantum silicon algorithm platform developer engineer analyst contract factory warehouse "
    "camera sensor drone vehicle charger license patent lawsuit merger layoff hiring office campus datacenter"
)
WORDS = _WORDS.split()


def _sentence(rng: random.Random, words: int) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"The {body} reached {rng.randint(2, 9999)} units, analysts said."


def serve(site: NewsSite, n: int) -> list[str]:
    """N distinct articles (random prose around corpus paragraphs) behind 4 feeds; the article paths."""
    texts = corpus()
    rng = random.Random(7)
    paths = []
    items: list[list[dict[str, str]]] = [[] for _ in range(FEEDS)]
    for i in range(n):
        base = texts[i % len(texts)]
        title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
        paragraphs = [" ".join(_sentence(rng, 12) for _ in range(4)) for _ in range(6)]
        paragraphs[2:2] = base["paragraphs"][:3]
        path = f"/news/{i}/"
        site.page(path, article_html(title, paragraphs, lang=base["lang"]))
        items[i % FEEDS].append({"title": title, "link": site.url(path), "guid": f"story-{i}"})
        paths.append(path)
    for f in range(FEEDS):
        site.feed(f"/feed/{f}/", rss(items[f]), etag=f'"feed-{f}"')
    return paths


def fetch_phase(site: NewsSite, paths: list[str], jobs: int) -> float:
    client = Fetcher(
        timeout=20, max_bytes=5_000_000, per_host_delay=0, allow_private=True, agent="satire/bench"
    )
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda p: client.get(site.url(p), robots=True), paths))
    return time.perf_counter() - started


def peer_fetch_phase(site: NewsSite, paths: list[str], jobs: int) -> float:
    """The same fetches through the standard library's urllib (no guard, no robots, no cap): the peer to compare with."""
    import urllib.request

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda p: urllib.request.urlopen(site.url(p), timeout=20).read(), paths))
    return time.perf_counter() - started


def extraction_per_article(site: NewsSite, paths: list[str]) -> float:
    pages = [site.routes[p].body.decode() for p in paths[:40]]
    times = []
    for html in pages:
        started = time.perf_counter()
        page = read_page(html, "https://news.example/story")
        proposal = extract_offline(page)
        ground(page.text, proposal.facts, proposal.quotes, lang=page.lang)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


EXTRACT = """
import json, statistics, time
from generator.intake.extract import extract_offline, read_page
from generator.intake.ground import ground
pages = json.load(open({pages!r}))
times = []
for html in pages:
    started = time.perf_counter()
    page = read_page(html, "https://news.example/story")
    proposal = extract_offline(page)
    ground(page.text, proposal.facts, proposal.quotes)
    times.append(time.perf_counter() - started)
print(statistics.median(times))
"""


def before_after(
    site: NewsSite, paths: list[str], rev: str, rounds: int = 3
) -> tuple[float, float]:
    """Median extraction time per article with `rev`'s code and with this tree's, alternated."""
    import json

    sys.path.insert(0, str(REPO / "bench"))
    from baseline import checkout, timed

    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "pages.json"
        dump.write_text(json.dumps([site.routes[p].body.decode() for p in paths[:40]]))
        before, after = [], []
        with checkout(rev) as old:
            for _ in range(rounds):
                before.append(timed(old, EXTRACT.format(pages=str(dump))))
                after.append(timed(REPO, EXTRACT.format(pages=str(dump))))
    return statistics.median(before), statistics.median(after)


def settings() -> None:
    """trafilatura's settings on the intake corpus: words kept, stories lost, quotes kept."""
    from generator.intake import extract
    from tests.corpuspages import render

    articles = corpus()
    for name, options in (
        ("default", {}),
        ("favor_precision", {"favor_precision": True}),
        ("favor_recall", {"favor_recall": True}),
    ):
        extract.EXTRACTION = options
        words = lost = planted = kept = 0
        for data in articles:
            page = read_page(render(data), "https://news.example/story")
            words += len(page.text.split())
            if data.get("story", True) is False:
                continue
            if extract.thin(page):
                lost += 1
                planted += len(data["planted"]["quotes"])  # a lost story loses its quotes too
                continue
            proposal = extract_offline(page)
            quotes = ground(page.text, proposal.facts, proposal.quotes, lang=page.lang).quotes
            for q in data["planted"]["quotes"]:
                planted += 1
                kept += any(by == q["by"] and q["text"][:30] in text for by, text, _ in quotes)
        print(
            f"trafilatura {name}: {words} words of article text on {len(articles)} pages; "
            f"{lost} real stories judged too thin; {kept}/{planted} planted quotes kept with their speaker"
        )
    extract.EXTRACTION = {"favor_recall": True}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--baseline", help="a revision whose extraction time to compare with")
    parser.add_argument("--settings", action="store_true", help="compare trafilatura's settings")
    args = parser.parse_args()
    if args.settings:
        settings()
    n, latency, jobs = args.n, args.latency, args.jobs
    ideal = n / jobs * latency

    site = NewsSite()
    paths = serve(site, n)
    extract_ms = extraction_per_article(site, paths) * 1000
    compared = before_after(site, paths, args.baseline) if args.baseline else None
    site.latency = latency
    fetch = fetch_phase(site, paths, jobs)
    peer = peer_fetch_phase(site, paths, jobs)
    site.log.clear()

    with tempfile.TemporaryDirectory() as tmp:
        feeds = [{"url": site.url(f"/feed/{f}/")} for f in range(FEEDS)]
        project = make_project(Path(tmp) / "blog", {"feeds": feeds, "timeout": 20})
        command = [sys.executable, "-m", "generator", "intake", "--offline", "-j", str(jobs)]
        env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": tmp}
        started = time.perf_counter()
        first = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        whole = time.perf_counter() - started
        requests_first = len(site.log)
        site.log.clear()
        started = time.perf_counter()
        again = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        rerun = time.perf_counter() - started
        statuses = sorted({h.status for h in site.log})
        requests_again = len(site.log)
    site.close()

    print(
        f"N={n} articles behind {FEEDS} feeds, L={latency * 1000:.0f} ms per answer, J={jobs}, per-host delay 0"
    )
    print(
        f"fetch phase: {fetch:.2f} s for {n} articles (+ robots.txt); ideal N/J x L = {ideal:.2f} s; ratio {fetch / ideal:.2f}"
    )
    print(f"peer (urllib, same pool, same server): {peer:.2f} s; ratio {peer / ideal:.2f}")
    print(
        f"whole 'satire intake --offline -j {jobs}': {whole:.2f} s, {requests_first} requests; {first.stdout.strip()}"
    )
    print(
        f"offline extraction: {extract_ms:.0f} ms per article (median of 40: trafilatura + extractor + grounding)"
    )
    if compared:
        print(
            f"offline extraction, {args.baseline} vs this tree (3 alternated runs, medians): "
            f"{compared[0] * 1000:.0f} ms before, {compared[1] * 1000:.0f} ms after per article"
        )
    print(
        f"re-run: {rerun:.2f} s (whole process), {requests_again} requests, statuses {statuses}; {again.stdout.strip()}"
    )


if __name__ == "__main__":
    main()
