"""`satire build`: pages, feeds, labelling, status and scheduling, incremental
and crash-safe writes, theme overrides. Drafts are written through DraftStore."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import pytest

from generator.config import load_project
from generator.errors import SatireError
from generator.site.build import build, render_post_page
from generator.site.typography import NBSP, NNBSP
from tests.conftest import run_satire
from tests.sitekit import make_draft, save

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def blog(demo_project: Path) -> Path:
    """The demo project with four published posts (fr and en, one a translation of another)."""
    save(
        demo_project,
        make_draft("amazon-ia", date=dt.date(2025, 12, 4), translations={"en": "amazon-ai"}),
        make_draft(
            "amazon-ai", language="en", date=dt.date(2025, 12, 4), translations={"fr": "amazon-ia"}
        ),
        make_draft("iphone-air", date=dt.date(2025, 9, 10), image=None, categories=["Mobile"]),
        make_draft("sora", language="en", date=dt.date(2025, 10, 1), tags=["openai"]),
    )
    return demo_project


def test_build_writes_every_page_kind(blog: Path) -> None:
    result = run_satire("build", cwd=blog)
    assert result.code == 0, result.err
    assert "4 post(s)" in result.out
    site = blog / "site"
    for rel in [
        "index.html", "archive/index.html", "about/index.html", "404.html", "atom.xml", "rss.xml", "sitemap.xml", "robots.txt",
        "posts/amazon-ia/index.html", "posts/sora/index.html", "category/mobile/index.html", "tag/openai/index.html",
        "theme/style.css", "images/stage.svg",
    ]:  # fmt: skip
        assert (site / rel).is_file(), rel
    page = (site / "posts/amazon-ia/index.html").read_text()
    assert 'data-satire="disclaimer"' in page and "En savoir plus" in page
    assert "Crédits image" in page and 'href="https://unsplash.com/"' in page
    assert 'href="https://techcrunch.com/2025/12/03/amazon-ia/"' in page and "TechCrunch" in page
    assert "4 décembre 2025" in page
    assert "min de lecture" in page
    assert "<blockquote>" in page
    assert 'rel="prev"' in page or 'rel="next"' in page
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in (site / "robots.txt").read_text()


def test_no_request_to_another_host(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    for path in (blog / "site").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", text):
            src = re.search(r'\b(?:src|href)="([^"]+)"', tag)
            if src and 'rel="alternate"' not in tag and 'rel="canonical"' not in tag:
                assert not src.group(1).startswith(("http:", "https:", "//")), (path, tag)
    css = (blog / "site/theme/style.css").read_text()
    assert "@import" not in css and "url(" not in css
    assert "prefers-color-scheme: dark" in css and "@media (max-width" in css


def test_feeds_parse_with_entries_titles_links_dates(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((blog / "site" / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert len(feed.entries) == 4
        first = feed.entries[0]
        assert first.title in ("Titre de amazon-ia (satire)", "Title of amazon-ai (satire)")
        assert first.link.startswith("http://127.0.0.1:8000/posts/amazon-")
        assert tuple(first.published_parsed[:3]) == (2025, 12, 4)
        assert [tuple(e.published_parsed[:3]) for e in feed.entries][-1] == (2025, 9, 10)
        for entry in feed.entries:
            content = entry.content[0].value if name == "atom.xml" else entry.description
            assert "satire" in content.lower() and (
                "intelligence artificielle" in content or "artificial intelligence" in content
            )
            assert "techcrunch.com" in content


def test_feed_items_limit(blog: Path) -> None:
    with (blog / "satire.yaml").open("a") as handle:
        handle.write("  feed_items: 2\n")
    assert run_satire("build", cwd=blog).code == 0
    assert len(feedparser.parse((blog / "site/atom.xml").read_bytes()).entries) == 2


def test_jsonld_is_satirical_article_based_on_source(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    for slug in ("amazon-ia", "amazon-ai", "iphone-air", "sora"):
        page = (blog / f"site/posts/{slug}/index.html").read_text()
        blocks = [json.loads(b) for b in JSONLD.findall(page)]
        assert len(blocks) == 1
        data = blocks[0]
        assert data["@type"] == "SatiricalArticle"
        assert data["isBasedOn"] == f"https://techcrunch.com/2025/12/03/{slug}/"
        assert data["inLanguage"] in ("fr", "en") and data["datePublished"].startswith("2025-")
        assert data["publisher"]["name"] == "Le Satiriste Numérique"
        assert '(satire)" property="og:title"' in page or re.search(
            r'property="og:title" content="[^"]*\(satire\)"', page
        )
        assert f'<link rel="canonical" href="http://127.0.0.1:8000/posts/{slug}/">' in page


def test_translations_link_with_hreflang(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    fr = (blog / "site/posts/amazon-ia/index.html").read_text()
    en = (blog / "site/posts/amazon-ai/index.html").read_text()
    assert (
        '<link rel="alternate" hreflang="en" href="http://127.0.0.1:8000/posts/amazon-ai/">' in fr
    )
    assert (
        '<link rel="alternate" hreflang="fr" href="http://127.0.0.1:8000/posts/amazon-ia/">' in en
    )
    assert 'href="/posts/amazon-ai/" hreflang="en"' in fr  # the visible language switch
    assert '<html lang="en">' in en and "Learn more" in en and "December 4, 2025" in en


def test_french_typography_on_french_pages_only(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    fr = (blog / "site/posts/amazon-ia/index.html").read_text()
    en = (blog / "site/posts/amazon-ai/index.html").read_text()
    assert (
        f"Pourquoi{NNBSP}?" in fr
        and f"«{NBSP}l'innovation{NBSP}»" in fr
        and f"milliards{NNBSP};" in fr
    )
    assert f"réorganisation{NBSP}:" in fr and f"hauteur{NNBSP}!" in fr
    assert "<code>code ? : ;</code>" in fr  # never inside code
    assert (
        'title="titre : ici"' in fr and 'href="https://example.com/a?b=1&amp;c=2"' in fr
    )  # never inside attributes
    assert f"Source{NBSP}:" in fr
    assert "Why ?" in en and "reorganization: a new" in en and "match!" in en
    assert NNBSP not in en and NBSP not in en


def test_only_published_and_due_posts_appear(blog: Path) -> None:
    save(
        blog,
        make_draft("brouillon", status="draft"),
        make_draft("approuve", status="approved"),
        make_draft("rejete", status="rejected"),
        make_draft("futur", date=dt.date(2999, 1, 1)),
    )
    assert run_satire("build", cwd=blog).code == 0
    posts = {p.name for p in (blog / "site/posts").iterdir()}
    assert posts == {"amazon-ia", "amazon-ai", "iphone-air", "sora"}
    assert "futur" not in (blog / "site/index.html").read_text()
    assert "futur" not in (blog / "site/sitemap.xml").read_text()


def test_scheduled_post_appears_from_its_date(blog: Path) -> None:
    save(blog, make_draft("programme", date=dt.date(2026, 3, 1)))
    project = load_project(blog)
    build(project, today=dt.date(2026, 2, 28))
    assert not (blog / "site/posts/programme").exists()
    build(project, today=dt.date(2026, 3, 1))
    assert (blog / "site/posts/programme/index.html").is_file()
    assert "programme" in (blog / "site/atom.xml").read_text()


def test_drafts_flag_adds_drafts_with_banner_and_noindex(blog: Path) -> None:
    save(
        blog,
        make_draft("brouillon", status="draft"),
        make_draft("rejete", status="rejected"),
        make_draft("futur", date=dt.date(2999, 1, 1)),
    )
    result = run_satire("build", "--drafts", "--out", "preview", cwd=blog)
    assert result.code == 0, result.err
    assert (
        "programmé pour le 1 janvier 2999" in (blog / "preview/posts/futur/index.html").read_text()
    )
    page = (blog / "preview/posts/brouillon/index.html").read_text()
    assert "BROUILLON" in page and 'class="draft-banner"' in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert not (blog / "preview/posts/rejete").exists()
    assert "Disallow: /" in (blog / "preview/robots.txt").read_text()
    assert "brouillon" not in (blog / "preview/atom.xml").read_text()
    assert not (blog / "site").exists()  # --out left site/ alone


def test_pagination(blog: Path) -> None:
    save(
        blog,
        *[
            make_draft(f"post-{n:02d}", date=dt.date(2025, 1, 1) + dt.timedelta(days=n))
            for n in range(12)
        ],
    )
    text = (blog / "satire.yaml").read_text().replace("posts_per_page: 10", "posts_per_page: 5")
    (blog / "satire.yaml").write_text(text)
    assert run_satire("build", cwd=blog).code == 0
    site = blog / "site"
    assert (
        (site / "page/2/index.html").is_file()
        and (site / "page/4/index.html").is_file()
        and not (site / "page/5").exists()
    )
    first = (site / "index.html").read_text()
    assert (
        first.count('class="card"') == 5 and 'href="/page/2/"' in first and "Page 1 sur 4" in first
    )
    assert 'rel="prev" href="/"' in (site / "page/2/index.html").read_text()
    assert (site / "category/intelligence-artificielle/page/3/index.html").is_file()


def test_incremental_rebuild_keeps_unchanged_files(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    before = snapshot(blog / "site")
    again = run_satire("build", cwd=blog)
    assert again.code == 0 and "nothing changed" in again.out
    assert snapshot(blog / "site") == before
    changed = make_draft(
        "sora", language="en", date=dt.date(2025, 10, 1), tags=["openai"], body="A brand new body."
    )
    save(blog, changed)
    assert run_satire("build", cwd=blog).code == 0
    after = snapshot(blog / "site")
    moved = {rel for rel in after if after[rel] != before.get(rel)}
    assert "posts/sora/index.html" in moved and "atom.xml" in moved
    assert (
        "posts/amazon-ia/index.html" not in moved
        and "theme/style.css" not in moved
        and "images/stage.svg" not in moved
    )
    assert (
        after["posts/amazon-ia/index.html"] == before["posts/amazon-ia/index.html"]
    )  # same bytes, same mtime


def test_an_edit_renders_the_pages_that_show_what_changed(blog: Path) -> None:
    """An approved edit of a body renders the post's page and the feeds (they carry
    bodies), not the lists; an edit of a title renders the lists too."""
    project = load_project(blog)
    build(project)
    sora = {"language": "en", "date": dt.date(2025, 10, 1), "tags": ["openai"]}
    save(blog, make_draft("sora", body="A brand new body.", **sora))
    report = build(project)
    assert report.rendered == 3 and set(report.written) == {
        "posts/sora/index.html",
        "atom.xml",
        "rss.xml",
    }
    assert "A brand new body." in (blog / "site/posts/sora/index.html").read_text()
    assert "A brand new body." in (blog / "site/atom.xml").read_text()
    save(blog, make_draft("sora", body="A brand new body.", dek="A new dek.", **sora))
    report = build(project)
    for rel in ("index.html", "tag/openai/index.html", "posts/sora/index.html"):
        assert "A new dek." in (blog / "site" / rel).read_text(), rel
        assert rel in report.written, rel
    changes = {"body": "A brand new body.", "dek": "A new dek.", "title": "Sora, renamed"}
    save(blog, make_draft("sora", **changes, **sora))
    report = build(project)
    for rel in (
        "index.html",
        "archive/index.html",
        "tag/openai/index.html",
        "posts/sora/index.html",
    ):
        assert "Sora, renamed" in (blog / "site" / rel).read_text(), rel
        assert rel in report.written, rel


THEMES_SHOWING_MORE = {
    "a card with an excerpt": (
        "partials/post_card.html",
        '<article><a href="{{ root }}{{ post.url }}">{{ post.title }}</a> '
        '<p class="excerpt">{{ post.body_html | striptags | truncate(40) }}</p></article>\n',
    ),
    "an archive with excerpts": (
        "archive.html",
        "{% for month, items in groups %}{% for post in items %}"
        '<p class="excerpt">{{ post.body_html | striptags | truncate(40) }}</p>'
        "{% endfor %}{% endfor %}\n",
    ),
    "an archive naming the model": (
        "archive.html",
        "{% for month, items in groups %}{% for post in items %}"
        '<p class="excerpt">{{ post.draft.provenance.model }}</p>'
        "{% endfor %}{% endfor %}\n",
    ),
}


@pytest.mark.parametrize("theme", THEMES_SHOWING_MORE)
def test_lists_showing_bodies_or_drafts_see_their_edits(blog: Path, theme: str) -> None:
    """A theme may show more of a post on a list page than the post's properties
    (an excerpt of its body, its draft's provenance): every page showing it sees
    an edit of it, on every page that shows it."""
    name, text = THEMES_SHOWING_MORE[theme]
    (blog / "templates" / name).parent.mkdir(parents=True, exist_ok=True)
    (blog / "templates" / name).write_text(text, encoding="utf-8")
    project = load_project(blog)
    build(project)
    sora = make_draft(
        "sora", language="en", date=dt.date(2025, 10, 1), tags=["openai"], body="Fresh words."
    )
    sora.provenance = sora.provenance.model_copy(update={"model": "gpt-sora"})
    save(blog, sora)
    build(project)
    pages = (
        ["archive/index.html"]
        if name == "archive.html"
        else ["index.html", "tag/openai/index.html", "category/hardware/index.html"]
    )
    for rel in pages:
        html = (blog / "site" / rel).read_text()
        assert "Fresh words." in html or "gpt-sora" in html, rel


def test_lists_showing_neighbours_see_their_new_titles(blog: Path) -> None:
    """Lists are keyed without the posts' neighbours (a new title renders the
    neighbours' pages, not every list holding them), unless the theme shows them."""
    (blog / "templates").mkdir(exist_ok=True)
    (blog / "templates/tag.html").write_text(
        '{% for post in posts %}<p class="newer">{{ post.next.title if post.next else "" }}</p>'
        "{% endfor %}\n",
        encoding="utf-8",
    )
    project = load_project(blog)
    build(project)
    newer = {"language": "en", "translations": {"fr": "amazon-ia"}}  # sora's newer neighbour
    save(blog, make_draft("amazon-ai", title="Amazon, renamed", **newer))
    build(project)
    assert "Amazon, renamed" in (blog / "site/tag/openai/index.html").read_text()  # sora's tag
    assert "Amazon, renamed" in (blog / "site/posts/sora/index.html").read_text()


def test_unpublished_post_is_removed(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    save(blog, make_draft("sora", language="en", status="approved"))
    result = run_satire("build", cwd=blog)
    assert result.code == 0 and "removed" in result.out
    assert not (blog / "site/posts/sora").exists() and not (blog / "site/tag/openai").exists()


def test_template_error_mid_build_leaves_previous_site_identical(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    before = snapshot(blog / "site")
    (blog / "templates").mkdir()
    (blog / "templates/post.html").write_text(
        '{% extends "builtin/post.html" %}{% block content %}{% if post.slug == "sora" %}{{ no_such.thing }}{% endif %}{{ super() }}{% endblock %}'
    )
    save(
        blog, make_draft("nouveau", date=dt.date(2025, 12, 20))
    )  # changes index, feeds... if it got that far
    result = run_satire("build", cwd=blog)
    assert result.code == 2
    assert (
        "templates/post.html:1" in result.err
        and "no_such" in result.err
        and "Traceback" not in result.err
    )
    assert snapshot(blog / "site") == before
    assert not list(blog.glob(".site.*"))  # the staged folder is gone


def test_crash_while_writing_leaves_previous_site_identical(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(blog)
    build(project)
    before = snapshot(blog / "site")
    save(blog, make_draft("nouveau", date=dt.date(2025, 12, 20)))
    from generator.site import write

    calls = {"n": 0}
    real_add = write.SiteWriter.add

    def crash_after_some(self: write.SiteWriter, rel: str, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 6:
            raise RuntimeError("killed mid-way")
        real_add(self, rel, data)

    monkeypatch.setattr(write.SiteWriter, "add", crash_after_some)
    with pytest.raises(RuntimeError, match="killed mid-way"):
        build(project)
    assert snapshot(blog / "site") == before
    monkeypatch.undo()
    build(project)  # the next build cleans up and succeeds
    assert (blog / "site/posts/nouveau/index.html").is_file()
    assert not list(blog.glob(".site.*"))


def test_exception_inside_a_page_render_leaves_previous_site_identical(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(blog)
    build(project)
    before = snapshot(blog / "site")
    save(blog, make_draft("nouveau", date=dt.date(2025, 12, 20)))
    from generator.site.theme import Theme

    real_render = Theme.render
    calls = {"n": 0}

    def render_then_die(self: Theme, name: str, language: str, context: dict[str, object]) -> str:
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # as if the user hit Ctrl-C mid-build
        return real_render(self, name, language, context)

    monkeypatch.setattr(Theme, "render", render_then_die)
    with pytest.raises(KeyboardInterrupt):
        build(project)
    assert snapshot(blog / "site") == before
    assert not list(blog.glob(".site.*"))


def test_commit_cut_short_is_finished_by_the_next_build(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(blog)
    build(project)
    save(
        blog,
        make_draft("nouveau", date=dt.date(2025, 12, 20)),
        make_draft("sora", language="en", status="approved"),
    )
    from generator.site import write

    moves = {"n": 0}
    real_replace = write.os.replace

    def power_cut(src: str | Path, dst: str | Path) -> None:
        if ".commit-" in str(src):
            moves["n"] += 1
            if moves["n"] == 3:
                raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", power_cut)
    with pytest.raises(OSError, match="power cut"):
        build(project)
    monkeypatch.undo()
    assert list(blog.glob(".site.commit-*"))  # the journal survived
    write.recover(blog / "site")
    finished = snapshot(blog / "site")
    clean = blog / "clean"
    build(project, out=clean)
    site_only = {
        ".satire-build.json"
    }  # the recovered site's marker still names the older inputs: deploy says "build first"
    assert {k: v[0] for k, v in finished.items() if k not in site_only} == {
        k: v[0] for k, v in snapshot(clean).items() if k not in site_only
    }
    assert not list(blog.glob(".site.*"))


# every label but the image credit (the post has an image with a credit)
CREDITLESS = (
    '{% block content %}<aside data-satire="disclaimer">{{ disclaimer }} <a href="{{ about_url }}">more</a></aside>'
    '<p data-satire="source"><a href="{{ post.source_url }}">{{ post.source.publisher }}</a></p>{% endblock %}'
)


@pytest.mark.parametrize(
    ("override", "missing"),
    [
        (
            "{% block content %}<h1>{{ post.title }}</h1>{{ body | safe }}{% endblock %}",
            "disclaimer",
        ),
        ('{% block content %}<aside data-satire="disclaimer"></aside>{% endblock %}', "disclaimer"),
        (
            '{% block content %}<aside data-satire="disclaimer">{{ disclaimer }} <a href="{{ about_url }}">more</a></aside>'
            '<figcaption data-satire="credit">{{ post.image.credit if post.image else "" }}</figcaption>{% endblock %}',
            "source attribution",
        ),
        (CREDITLESS, "image credit"),
        (
            CREDITLESS.replace(
                "{% endblock %}", '<figcaption data-satire="credit"></figcaption>{% endblock %}'
            ),
            "image credit",
        ),
    ],
    ids=["no-disclaimer", "empty-disclaimer", "no-source", "no-credit", "empty-credit"],
)
def test_theme_override_without_labels_fails_naming_template(
    blog: Path, override: str, missing: str
) -> None:
    assert run_satire("build", cwd=blog).code == 0
    before = snapshot(blog / "site")
    (blog / "templates").mkdir()
    (blog / "templates/post.html").write_text('{% extends "base.html" %}' + override)
    result = run_satire("build", cwd=blog)
    assert result.code == 2, result.out
    assert "templates/post.html" in result.err and missing in result.err
    assert "posts/amazon-ia/index.html" in result.err
    assert "Traceback" not in result.err
    assert snapshot(blog / "site") == before


@pytest.mark.parametrize(
    "meta",
    [
        "",
        '<script type="application/ld+json">{"@type": "SatiricalArticle", "isBasedOn": "https://example.com/another-story"}</script>',
        '<script type="application/ld+json">{"@type": "NewsArticle", "isBasedOn": "{{ post.source_url }}"}</script>',
    ],
)
def test_theme_override_without_satirical_jsonld_fails(blog: Path, meta: str) -> None:
    (blog / "templates").mkdir()
    (blog / "templates/post.html").write_text(
        '{% extends "builtin/post.html" %}{% block meta %}' + meta + "{% endblock %}"
    )
    result = run_satire("build", cwd=blog)
    assert result.code == 2, result.out
    assert "SatiricalArticle JSON-LD" in result.err and "templates/post.html" in result.err


def test_override_that_keeps_labels_builds(blog: Path) -> None:
    (blog / "templates/theme").mkdir(parents=True)
    (blog / "templates/post.html").write_text(
        '{% extends "builtin/post.html" %}{% block title %}OVERRIDDEN {{ post.title }}{% endblock %}'
    )
    (blog / "templates/theme/style.css").write_text("body { color: red; }\n")
    result = run_satire("build", cwd=blog)
    assert result.code == 0, result.err
    assert (
        "<title>OVERRIDDEN Titre de amazon-ia</title>"
        in (blog / "site/posts/amazon-ia/index.html").read_text()
    )
    assert (blog / "site/theme/style.css").read_text() == "body { color: red; }\n"
    assert (
        blog / "site/theme/favicon.svg"
    ).is_file()  # the rest of the theme still comes from the built-in one


def test_an_edited_template_shows_in_the_next_build(blog: Path) -> None:
    """Compiled templates are kept between builds, and reused only while their source is unchanged."""
    override = blog / "templates/post.html"
    override.parent.mkdir()
    override.write_text(
        '{% extends "builtin/post.html" %}{% block title %}FIRST {{ post.title }}{% endblock %}'
    )
    assert run_satire("build", cwd=blog).code == 0
    assert list((blog / ".satire/templates").rglob("*.cache"))
    override.write_text(
        '{% extends "builtin/post.html" %}{% block title %}OTHER {{ post.title }}{% endblock %}'
    )  # same size
    assert run_satire("build", cwd=blog).code == 0
    assert (
        "<title>OTHER Titre de amazon-ia</title>"
        in (blog / "site/posts/amazon-ia/index.html").read_text()
    )


def test_garbage_collection_is_back_on_after_a_build(blog: Path) -> None:
    """The collector is paused while a build runs (see `collector_paused`); a
    long-lived process (`satire serve`, the desk) gets it back, even when the build fails."""
    import gc

    assert gc.isenabled()
    project = load_project(blog)
    build(project)
    assert gc.isenabled()
    (blog / "templates").mkdir()
    (blog / "templates/post.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ no_such_name }}{% endblock %}"
    )
    with pytest.raises(SatireError):
        build(project)
    assert gc.isenabled()


def test_missing_template_names_every_folder_searched(blog: Path) -> None:
    (blog / "templates").mkdir()
    (blog / "templates/index.html").write_text(
        '{% extends "base.html" %}{% block content %}{% include "partials/nope.html" %}{% endblock %}'
    )
    result = run_satire("build", cwd=blog)
    assert result.code == 2 and "Traceback" not in result.err
    assert "templates/index.html:1: template 'partials/nope.html' not found" in result.err
    assert (
        str(blog / "templates/partials/nope.html") in result.err
        and "/templates/partials/nope.html" in result.err.split(",")[-1]
    )


def test_bad_draft_is_reported_and_the_rest_built(blog: Path) -> None:
    save(
        blog,
        make_draft(
            "mauvais", source={"publisher": "X", "url": "javascript:alert(1)", "title": "t"}
        ),
    )
    (blog / "drafts/casse.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    result = run_satire("build", cwd=blog)
    assert result.code == 2
    assert any(
        line.startswith("drafts/mauvais.md:1:1: source.url:") for line in result.err_lines
    ), result.err
    assert any(line.startswith("drafts/casse.md:") for line in result.err_lines), result.err
    assert "Traceback" not in result.err
    assert (blog / "site/posts/sora/index.html").is_file() and not (
        blog / "site/posts/mauvais"
    ).exists()


def test_missing_local_image_is_a_warning(blog: Path) -> None:
    save(blog, make_draft("sans-fichier", image={"src": "images/absent.png", "alt": "Nothing"}))
    result = run_satire("build", cwd=blog)
    assert result.code == 0
    assert (
        "warning: drafts/sans-fichier.md: image.src: images/absent.png is not in static/"
        in result.err
    )


def test_render_post_page_matches_the_built_page(blog: Path) -> None:
    project = load_project(blog)
    build(project)
    from generator.drafts import DraftStore

    draft = DraftStore(project).load("iphone-air")
    page = render_post_page(project, draft)
    built = (blog / "site/posts/iphone-air/index.html").read_text()
    assert (
        page.split('<main id="main" class="wrap">')[1].split('<nav class="post-nav"')[0]
        == built.split('<main id="main" class="wrap">')[1].split('<nav class="post-nav"')[0]
    )
    preview = render_post_page(
        project, draft.model_copy(update={"status": "draft", "body": draft.body})
    )
    assert "BROUILLON" in preview and 'data-satire="disclaimer"' in preview and "noindex" in preview


def test_comments_embed_only_when_configured(blog: Path) -> None:
    assert run_satire("build", cwd=blog).code == 0
    assert "isso" not in (blog / "site/posts/sora/index.html").read_text()
    with (blog / "satire.yaml").open("a") as handle:
        handle.write("  comments: {system: isso, url: 'https://comments.example.org/'}\n")
    assert run_satire("build", cwd=blog).code == 0
    page = (blog / "site/posts/sora/index.html").read_text()
    assert (
        'src="https://comments.example.org/js/embed.min.js"' in page and 'id="isso-thread"' in page
    )
    assert "script-src &#39;self&#39; https://comments.example.org" in page
    text = (
        (blog / "satire.yaml")
        .read_text()
        .replace(
            "system: isso, url: 'https://comments.example.org/'",
            "system: giscus, repo: owner/blog, repo_id: R_1, category: Comments, category_id: C_1",
        )
    )
    (blog / "satire.yaml").write_text(text)
    assert run_satire("build", cwd=blog).code == 0
    page = (blog / "site/posts/sora/index.html").read_text()
    assert (
        'src="https://giscus.app/client.js" data-repo="owner/blog"' in page and "isso" not in page
    )
    assert "frame-src https://giscus.app" in page


def test_custom_disclaimer_from_config(blog: Path) -> None:
    with (blog / "satire.yaml").open("a") as handle:
        handle.write("  disclaimer: {fr: 'Tout est faux ici, sauf la source.'}\n")
    assert run_satire("build", cwd=blog).code == 0
    assert (
        "Tout est faux ici, sauf la source."
        in (blog / "site/posts/amazon-ia/index.html").read_text()
    )
    assert "This post is satire" in (blog / "site/posts/sora/index.html").read_text()


def test_empty_project_builds(demo_project: Path) -> None:
    result = run_satire("build", cwd=demo_project)
    assert result.code == 0, result.err
    assert "Rien de publié" in (demo_project / "site/index.html").read_text()
    assert not feedparser.parse((demo_project / "site/atom.xml").read_bytes()).bozo


def test_lost_cache_entries_are_rebuilt_from_the_drafts(blog: Path) -> None:
    project = load_project(blog)
    build(project)
    before = snapshot(blog / "site")
    from generator.infra import state

    conn = state.connect(project.state_dir)
    conn.execute(
        "DELETE FROM render_cache WHERE key NOT LIKE 'draft:%'"
    )  # bodies and manifest gone, parsed drafts kept
    conn.close()
    report = build(project)
    assert (
        report.rendered_bodies == 2 and report.written == []
    )  # the fixture posts share two bodies (fr, en)
    assert snapshot(blog / "site") == before
    build(project, cache=False, out=blog / "nocache")
    assert (blog / "nocache/posts/sora/index.html").read_bytes() == (
        blog / "site/posts/sora/index.html"
    ).read_bytes()


def test_chrome_from_the_caches_reads_as_when_made(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild takes the compiled catalogues and the spelled dates from the last
    build (Babel unloaded): each language keeps its own words and dates, and an
    edited catalogue is read again at once."""
    from generator.site import i18n

    project = load_project(blog)
    build(project, cache=False, out=blog / "made")  # everything made here
    build(project)
    monkeypatch.setattr(i18n, "_SPELLED", {})  # as a new process: no date spelled yet
    build(project, out=blog / "cached")
    pages = ("posts/amazon-ia/index.html", "posts/amazon-ai/index.html", "archive/index.html")
    for rel in pages:
        assert (blog / "cached" / rel).read_bytes() == (blog / "made" / rel).read_bytes(), rel
    fr, en, archive = ((blog / "cached" / rel).read_text() for rel in pages)
    assert "4 décembre 2025" in fr and "En savoir plus" in fr
    assert "December 4, 2025" in en and "Learn more" in en
    assert "décembre 2025</h2>" in archive and "septembre 2025</h2>" in archive
    catalogue = blog / "templates/i18n/fr.po"
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    for words in ("Pourquoi ?", "Et alors ?"):  # a project's catalogue, then an edit of it
        catalogue.write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'msgid "Learn more"\nmsgstr "{words}"\n',
            encoding="utf-8",
        )
        build(project, out=blog / "cached")
        fr = (blog / "cached/posts/amazon-ia/index.html").read_text()
        assert words[:-2] in fr and "En savoir plus" not in fr


def test_new_renderer_renders_cached_bodies_again(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from generator.site import markup

    gathering = importlib.import_module(
        "generator.site.gather"
    )  # the module, not the function it exports
    project = load_project(blog)
    assert build(project).rendered_bodies == 2
    assert build(project).rendered_bodies == 0
    monkeypatch.setattr(markup, "VERSION", "body-next")  # as after an nh3 or Markdown upgrade
    markup.renderer.cache_clear()
    gathering._schema.cache_clear()
    try:
        assert build(project).rendered_bodies == 2
    finally:
        markup.renderer.cache_clear()
        gathering._schema.cache_clear()


def test_noop_rebuild_renders_no_page(blog: Path) -> None:
    """The manifest records each file as it was written (small pages too): a
    rebuild with nothing changed renders nothing."""
    project = load_project(blog)
    assert build(project).rendered > 0
    again = build(project)
    assert again.rendered == 0 and again.written == [] and again.rendered_bodies == 0
