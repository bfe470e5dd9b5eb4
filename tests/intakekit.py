"""Helpers for intake tests: a blog project pointed at the test news site,
the extraction corpus (tests/corpus/intake/), and reading the briefs written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from tests.newsite import NewsSite, article_html, rss

CORPUS = Path(__file__).parent / "corpus" / "intake"


def corpus() -> list[dict[str, Any]]:
    """Each article of the corpus: title, lang, paragraphs, planted {facts, quotes}."""
    out = []
    for path in sorted(CORPUS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["name"] = path.stem
        out.append(data)
    return out


def article(name: str) -> dict[str, Any]:
    return next(a for a in corpus() if a["name"].endswith(name))


def serve_article(site: NewsSite, path: str, name: str, **kw: Any) -> dict[str, Any]:
    """Serve corpus article `name` at `path`; its data."""
    data = article(name)
    site.page(path, article_html(data["title"], data["paragraphs"], lang=data["lang"], **kw))
    return data


def make_project(
    root: Path,
    intake: dict[str, Any] | None = None,
    *,
    language: str = "en",
    categories: list[str] | None = None,
    **sections: Any,
) -> Path:
    """A blog project whose intake may fetch from 127.0.0.1, with no delay between requests;
    `sections`: more top-level settings of its satire.yaml."""
    root.mkdir(parents=True, exist_ok=True)
    settings = {"allow_private": True, "per_host_delay": 0, "timeout": 3} | (intake or {})
    config = {
        "title": "Test Blog",
        "url": "https://blog.example/",
        "language": language,
        "style": "geek-puns",
        "intake": settings,
    } | sections
    (root / "satire.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    briefs = root / "briefs"
    briefs.mkdir(exist_ok=True)
    if categories:
        hand = {
            "title": "A hand-written brief",
            "source": {"publisher": "Example", "url": "https://example.com/story"},
            "summary": "Something happened.",
            "categories": categories,
        }
        (briefs / "hand-written.yaml").write_text(
            yaml.safe_dump(hand, sort_keys=False), encoding="utf-8"
        )
    return root


def feed_project(
    root: Path, site: NewsSite, stories: Sequence[str] = ("veltra",), **sections: Any
) -> Path:
    """A project (`make_project`) whose intake reads one feed, 'tdaily' at /feed/, listing
    the corpus articles `stories`, each served at /2025/12/NAME/."""
    items = []
    for name in stories:
        path = f"/2025/12/{name}/"
        serve_article(site, path, name)
        items.append(
            {"title": f"{name.title()} raises money", "link": site.url(path), "guid": name}
        )
    site.feed("/feed/", rss(items))
    return make_project(
        root, {"feeds": [{"url": site.url("/feed/"), "name": "tdaily"}]}, **sections
    )


def intake_briefs(project: Path) -> dict[str, dict[str, Any]]:
    """Briefs written by intake (they have an `intake` key), by file stem."""
    out = {}
    for path in sorted((project / "briefs").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "intake" in data:
            out[path.stem] = data
    return out
