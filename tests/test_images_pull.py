"""`satire images pull`: briefs' remote images fetched from a local image host
(127.0.0.1, through intake's fetcher), written to static/images/, and the
briefs pointed at them with the editor's file otherwise untouched."""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

import yaml
from PIL import Image

from tests.conftest import Result, run_satire
from tests.intakekit import make_project
from tests.newsite import NewsSite, Route

BRIEF = """\
# hand-written: the photo is still on the agency's server
title: "{title}"
source:
  publisher: Example News   # where the story comes from
  url: https://news.example/{slug}
summary: |
  Something happened at {slug}.
facts:
  - It happened on a Tuesday.
slug: {slug}
image:
  src: {src}   # the agency's copy
  alt: A person on a stage
  credit: Jane Roe / Example Photos
  credit_url: https://photos.example/jane-roe
tags: [test]  # kept in order
"""


def png(size: tuple[int, int] = (40, 30), *, noise: bool = False) -> bytes:
    """A small PNG (a few colours) or, with `noise`, one that does not compress."""
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 40, 40))
        image.paste((20, 90, 200), (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 30)).save(out, "JPEG")
    return out.getvalue()


def serve(site: NewsSite, path: str, body: bytes, content_type: str) -> None:
    site.routes[path] = Route(body=body, content_type=content_type)


def add_brief(project: Path, slug: str, src: str) -> Path:
    path = project / "briefs" / f"{slug}.yaml"
    path.write_text(BRIEF.format(title=f"Story {slug}", slug=slug, src=src), encoding="utf-8")
    return path


def image_of(path: Path) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return dict(data["image"])


def pulled_files(project: Path) -> list[Path]:
    folder = project / "static" / "images"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def pull(project: Path, *args: str) -> Result:
    return run_satire("images", "pull", *args, cwd=project)


def test_pull_writes_the_image_and_points_the_brief_at_it_keeping_the_rest(
    tmp_path: Path, news_site: NewsSite
) -> None:
    served = png()
    serve(news_site, "/photos/stage.png", served, "image/png")
    project = make_project(tmp_path / "blog")
    url = news_site.url("/photos/stage.png")
    brief = add_brief(project, "stage-story", url)
    before = brief.read_text(encoding="utf-8")

    result = pull(project)
    assert result.code == 0, result.err
    files = pulled_files(project)
    assert len(files) == 1
    written = files[0]
    assert written.name.startswith("stage-story-") and written.suffix == ".png"
    with Image.open(written) as got, Image.open(io.BytesIO(served)) as want:
        assert got.format == "PNG" and got.size == want.size
        assert got.convert("RGB").tobytes() == want.convert("RGB").tobytes()
    assert f"pulled {url} -> static/images/{written.name}" in result.out
    assert "1 pulled, 0 already local, 0 failed" in result.out

    after = brief.read_text(encoding="utf-8")
    image = image_of(brief)
    assert image == {
        "src": f"images/{written.name}",
        "alt": "A person on a stage",
        "credit": "Jane Roe / Example Photos",
        "credit_url": "https://photos.example/jane-roe",
    }
    changed = [
        " ".join(line.split())
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line[:1] in "+-"
    ]
    assert changed == [
        f"- src: {url} # the agency's copy",
        f"+ src: images/{written.name} # the agency's copy",
    ]  # comments, order, the rest: as written

    check = run_satire("check", cwd=project)
    assert check.code == 0, check.err

    hits = news_site.hits("/photos/stage.png")
    again = pull(project)
    assert again.code == 0, again.err
    assert "0 pulled, 1 already local, 0 failed" in again.out
    assert news_site.hits("/photos/stage.png") == hits  # nothing fetched
    assert brief.read_text(encoding="utf-8") == after
    assert pulled_files(project) == [written]


def test_each_failure_is_one_line_naming_its_url_and_the_rest_is_pulled(
    tmp_path: Path, news_site: NewsSite
) -> None:
    other_host = NewsSite(
        host="127.0.0.2"
    )  # loopback too, but not the one address intake.allow_private lists
    try:
        serve(other_host, "/inside.png", png(), "image/png")
        site = news_site
        serve(site, "/good.jpg", jpeg(), "image/jpeg")
        site.page("/story.html", "<html><body><h1>Not an image</h1></body></html>")  # text/html
        site.page(
            "/fake.png", "<html><body>a PNG in name only</body></html>", content_type="image/png"
        )
        serve(site, "/huge.png", png((64, 64), noise=True), "image/png")
        assert len(site.routes["/huge.png"].body) > 4096
        project = make_project(
            tmp_path / "blog", {"allow_private": ["127.0.0.1"], "max_bytes": 4096}
        )
        bad = {
            "missing": site.url("/nowhere.png"),
            "html-page": site.url("/story.html"),
            "fake-png": site.url("/fake.png"),
            "too-big": site.url("/huge.png"),
            "internal": other_host.url("/inside.png"),
        }
        briefs = {slug: add_brief(project, slug, url) for slug, url in bad.items()}
        texts = {slug: path.read_text(encoding="utf-8") for slug, path in briefs.items()}
        good = add_brief(project, "good-story", site.url("/good.jpg"))

        result = pull(project)
        assert result.code == 1, result.err
        lines = result.err_lines
        assert len(lines) == len(bad), lines
        for slug, url in bad.items():
            mine = [line for line in lines if line.startswith(f"{url}: ")]
            assert len(mine) == 1, (slug, lines)
            assert briefs[slug].read_text(encoding="utf-8") == texts[slug]  # unchanged
        reason = {
            slug: next(line for line in lines if line.startswith(f"{url}: "))
            for slug, url in bad.items()
        }
        assert "HTTP 404" in reason["missing"]
        assert "content type text/html is not an image" in reason["html-page"]
        assert "not an image Pillow can read" in reason["fake-png"]
        assert "intake.max_bytes" in reason["too-big"]
        assert "refused" in reason["internal"] and "loopback" in reason["internal"]
        assert other_host.hits("/inside.png") == 0  # the guard refused before any request

        files = pulled_files(project)
        assert [f.name for f in files] == [
            Path(image_of(good)["src"]).name
        ]  # nothing written for the failures
        assert files[0].name.startswith("good-story-") and files[0].suffix == ".jpg"
        assert image_of(good)["credit"] == "Jane Roe / Example Photos"
        assert "1 pulled, 0 already local, 5 failed" in result.out
    finally:
        other_host.close()


def test_the_guard_refuses_loopback_when_private_addresses_are_not_allowed(
    tmp_path: Path, news_site: NewsSite
) -> None:
    serve(news_site, "/photo.png", png(), "image/png")
    project = make_project(tmp_path / "blog", {"allow_private": False})
    url = news_site.url("/photo.png")
    brief = add_brief(project, "local-photo", url)
    before = brief.read_text(encoding="utf-8")

    result = pull(project)
    assert result.code == 1
    assert len(result.err_lines) == 1 and result.err_lines[0].startswith(
        f"{url}: refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address"
    )
    assert news_site.hits("/photo.png") == 0
    assert brief.read_text(encoding="utf-8") == before
    assert pulled_files(project) == []


SVG_OK = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs><linearGradient id="g"/></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>'
HOSTILE_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "external-href": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://tracker.example/p.png"/></svg>',
    "javascript-link": b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>hi</text></a></svg>',
    "foreign-object": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>',
    "entity": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    "css-import": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
}


def test_hostile_svgs_are_refused_and_a_clean_one_is_pulled(
    tmp_path: Path, news_site: NewsSite
) -> None:
    project = make_project(tmp_path / "blog")
    serve(news_site, "/clean.svg", SVG_OK, "image/svg+xml")
    clean = add_brief(project, "clean-svg", news_site.url("/clean.svg"))
    texts = {}
    for name, body in HOSTILE_SVGS.items():
        serve(news_site, f"/{name}.svg", body, "image/svg+xml")
        texts[name] = add_brief(project, name, news_site.url(f"/{name}.svg")).read_text(
            encoding="utf-8"
        )

    result = pull(project)
    assert result.code == 1
    assert len(result.err_lines) == len(HOSTILE_SVGS), result.err_lines
    for name in HOSTILE_SVGS:
        url = news_site.url(f"/{name}.svg")
        assert sum(1 for line in result.err_lines if line.startswith(f"{url}: refused")) == 1, (
            name,
            result.err_lines,
        )
        assert (project / "briefs" / f"{name}.yaml").read_text(encoding="utf-8") == texts[name]
    files = pulled_files(project)
    assert len(files) == 1 and files[0].name.startswith("clean-svg-") and files[0].suffix == ".svg"
    assert files[0].read_bytes() == SVG_OK
    assert image_of(clean)["src"] == f"images/{files[0].name}"


def test_named_slugs_dry_run_and_unknown_slug(tmp_path: Path, news_site: NewsSite) -> None:
    serve(news_site, "/a.png", png(), "image/png")
    project = make_project(tmp_path / "blog")
    first = add_brief(project, "first", news_site.url("/a.png"))
    second = add_brief(project, "second", news_site.url("/a.png"))
    before = second.read_text(encoding="utf-8")

    dry = pull(project, "--dry-run")
    assert dry.code == 0, dry.err
    assert "first: would pull" in dry.out and "2 to pull, 0 already local, 0 failed" in dry.out
    assert news_site.hits("/a.png") == 0 and pulled_files(project) == []

    unknown = pull(project, "nope")
    assert unknown.code == 2
    assert unknown.err_lines == ["no brief 'nope' in briefs/ (briefs: first, second)"]

    named = pull(project, "first")
    assert named.code == 0, named.err
    assert image_of(first)["src"].startswith("images/first-")
    assert second.read_text(encoding="utf-8") == before  # not named: left alone


def test_a_crash_while_the_image_is_written_leaves_no_half_file_and_the_brief_as_it_was(
    tmp_path: Path, news_site: NewsSite
) -> None:
    serve(news_site, "/photo.png", png((48, 48), noise=True), "image/png")
    project = make_project(tmp_path / "blog")
    brief = add_brief(project, "crashy", news_site.url("/photo.png"))
    before = brief.read_text(encoding="utf-8")

    crashed = run_satire("images", "pull", cwd=project, env={"SATIRE_TEST_CRASH_AT": "mid-write"})
    assert crashed.code == -9  # killed half-way through writing the image, as a power cut would
    assert [
        f for f in pulled_files(project) if not f.name.startswith(".")
    ] == []  # only the hidden temp file, never a half image under its name
    assert brief.read_text(encoding="utf-8") == before

    again = pull(project)
    assert again.code == 0, again.err
    (written,) = [f for f in pulled_files(project) if not f.name.startswith(".")]
    with Image.open(written) as image:
        image.load()  # whole
    assert image_of(brief)["src"] == f"images/{written.name}"
