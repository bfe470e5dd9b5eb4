"""Responsive images and social cards: what the pages say about each image, what
the files really are (sizes, formats, no GPS, upright), cards for every post
with their band, the band's guard, and the cache (a no-op rebuild opens no image)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image

from generator.config import CardConfig, load_project
from generator.errors import SatireError
from generator.site import cards, images
from generator.site.build import build
from generator.site.cards import HEIGHT, WIDTH, Spec
from generator.site.marker import MARKER
from tests import cardkit
from tests.conftest import run_satire
from tests.imagekit import LONG_TITLE, SVG, image_blog, photo_jpeg, srcset
from tests.sitekit import make_draft, save

PICTURE = re.compile(r"<picture>(.*?)</picture>", re.S)
IMG = re.compile(r"<img\b[^>]*>")


def attr(tag: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="([^"]*)"', tag)
    return html.unescape(match.group(1)) if match else None


def meta(page: str, prop: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def remote() -> Iterator[dict[str, Any]]:
    """A host for the remote image, on 127.0.0.1: it counts the requests it gets."""
    seen: dict[str, Any] = {"requests": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["requests"] += 1
            self.send_response(404)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seen["url"] = f"http://127.0.0.1:{server.server_address[1]}/remote.jpg"
    yield seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def blog(demo_project: Path, remote: dict[str, Any]) -> Path:
    image_blog(demo_project, remote=remote["url"])
    return demo_project


def built(project: Path) -> Path:
    result = run_satire("build", cwd=project)
    assert result.code == 0, result.err
    return project / "site"


def pictures(page: str) -> list[str]:
    return PICTURE.findall(page)


def check_files(site: Path, entries: list[tuple[str, int]], fmt: str, ratio: float) -> None:
    """Each srcset file exists, decodes, is as wide as declared, keeps the aspect ratio, and carries no metadata."""
    assert entries
    for url, width in entries:
        assert images.HASHED.search(url), url
        with Image.open(site / url.lstrip("/")) as image:
            image.load()
            assert image.format == fmt, url
            assert image.width == width, url
            assert abs(image.height - width / ratio) <= 1, url
            exif = image.getexif()
            assert ExifTags.IFD.GPSInfo not in exif and not exif.get_ifd(ExifTags.IFD.GPSInfo), url
            assert ExifTags.Base.Orientation not in exif and ExifTags.Base.Make not in exif, url
            assert "icc_profile" not in image.info and "exif" not in image.info, url


def test_photo_hero_is_responsive_upright_and_stripped(blog: Path) -> None:
    site = built(blog)
    page = (site / "posts/photo/index.html").read_text()
    hero = page[page.index('<figure class="hero">') :]
    hero = hero[: hero.index("</figure>")]
    webp = re.search(r'<source type="image/webp" srcset="([^"]*)" sizes="([^"]*)">', hero)
    assert webp is not None and webp.group(2) == images.HERO_SIZES
    img = IMG.search(hero)
    assert img is not None
    tag = img.group(0)
    # stored 1600x1000 with orientation 6: shown 1000x1600
    assert attr(tag, "width") == "1000" and attr(tag, "height") == "1600"
    assert attr(tag, "fetchpriority") == "high" and attr(tag, "loading") is None
    assert attr(tag, "sizes") == images.HERO_SIZES
    assert [w for _, w in srcset(webp.group(1))] == [480, 960, 1000]
    check_files(site, srcset(webp.group(1)), "WEBP", 1000 / 1600)
    check_files(site, srcset(attr(tag, "srcset") or ""), "JPEG", 1000 / 1600)
    assert (site / (attr(tag, "src") or "").lstrip("/")).is_file()
    # the original's address still works: upright, no GPS, no EXIF at all
    with Image.open(site / "images/photo.jpg") as original:
        assert original.size == (1000, 1600)
        assert not original.getexif() and "icc_profile" not in original.info
        assert (
            original.getpixel((500, 100))[0] > 150
        )  # the red band stored on the left is on top once upright
    assert b"TestCam" not in (site / "images/photo.jpg").read_bytes()
    assert "Jeanne Photo / Unsplash" in page


def test_body_images_png_gif_svg(blog: Path) -> None:
    site = built(blog)
    page = (site / "posts/photo/index.html").read_text()
    body = page[page.index('<div class="post-body">') : page.index('data-satire="source"')]
    found = {attr(tag, "alt"): tag for tag in IMG.findall(body)}
    assert set(found) == {"Un schéma", "Une carte", "minuscule", "logo"}
    for tag in found.values():  # none is the hero: all wait their turn
        assert (
            attr(tag, "loading") == "lazy"
            and attr(tag, "decoding") == "async"
            and attr(tag, "fetchpriority") is None
        )
    png = found["Un schéma"]
    assert attr(png, "width") == "800" and attr(png, "height") == "600"
    check_files(site, srcset(attr(png, "srcset") or ""), "PNG", 800 / 600)
    [png_picture] = [p for p in pictures(body) if "diagram" in p]
    webp_set = srcset(re.search(r'srcset="([^"]*)"', png_picture).group(1))  # type: ignore[union-attr]
    check_files(site, webp_set, "WEBP", 800 / 600)
    for url, _ in [
        *srcset(attr(png, "srcset") or ""),
        *webp_set,
    ]:  # transparency kept in both formats
        with Image.open(site / url.lstrip("/")) as image:
            assert (
                image.convert("RGBA").getpixel((1, 1))[3] == 0
                and image.convert("RGBA").getpixel((image.width // 2, image.height // 2))[3] == 255
            )
    jpeg = found["Une carte"]
    assert attr(jpeg, "width") == "600" and attr(jpeg, "height") == "400"
    check_files(site, srcset(attr(jpeg, "srcset") or ""), "JPEG", 600 / 400)
    [jpeg_picture] = [p for p in pictures(body) if "gps-" in p]
    check_files(
        site, srcset(re.search(r'srcset="([^"]*)"', jpeg_picture).group(1)), "WEBP", 600 / 400
    )  # type: ignore[union-attr]
    with Image.open(site / "images/gps.jpg") as original:
        assert not original.getexif()
    gif = found["minuscule"]
    assert attr(gif, "width") == "40" and attr(gif, "height") == "30"
    check_files(site, srcset(attr(gif, "srcset") or ""), "GIF", 40 / 30)
    svg = found["logo"]
    assert (
        attr(svg, "src") == "/images/logo.svg"
        and attr(svg, "width") == "320"
        and attr(svg, "height") == "180"
        and attr(svg, "srcset") is None
    )
    assert (site / "images/logo.svg").read_text() == SVG


def test_remote_image_stays_remote_and_is_never_fetched(blog: Path, remote: dict[str, Any]) -> None:
    site = built(blog)
    page = (site / "posts/distante/index.html").read_text()
    hero = page[page.index('<figure class="hero">') : page.index("</figure>")]
    [tag] = IMG.findall(hero)
    assert attr(tag, "src") == remote["url"] and attr(tag, "fetchpriority") == "high"
    assert "Agence Lointaine" in hero
    assert remote["requests"] == 0
    assert not list(site.rglob("remote*"))


def test_every_post_gets_a_card(blog: Path) -> None:
    site = built(blog)
    for slug in ("photo", "distante", "sans-image", "titre-long"):
        page = (site / f"posts/{slug}/index.html").read_text()
        url = meta(page, "og:image") or ""
        # a photo backdrop is a JPEG, a flat card a PNG
        ext = "jpg" if slug in ("photo", "titre-long") else "png"
        assert re.fullmatch(
            rf"http://127\.0\.0\.1:8000/cards/{slug}\.[0-9a-f]{{10}}\.{ext}", url
        ), url
        assert meta(page, "og:image:width") == "1200" and meta(page, "og:image:height") == "630"
        assert (
            "SATIRE" in (meta(page, "og:image:alt") or "")
            and meta(page, "twitter:card") == "summary_large_image"
        )
        assert meta(page, "twitter:image") == url
        with Image.open(site / url.split(":8000/")[1]) as card:
            assert card.format == {"jpg": "JPEG", "png": "PNG"}[ext]
            assert card.size == (WIDTH, HEIGHT)
            band = card.convert("RGB").crop((0, HEIGHT - 84, WIDTH, HEIGHT))
            red = sum(  # a JPEG card's band is its colour give or take a few levels
                n
                for n, c in band.getcolors(WIDTH * 84) or []
                if all(abs(a - b) <= 6 for a, b in zip(c, (0xD7, 0x26, 0x3D), strict=True))
            )
            white = sum(n for n, c in band.getcolors(WIDTH * 84) or [] if min(c) > 240)
            assert red > 0.5 * WIDTH * 84 and white > 0.01 * WIDTH * 84  # the band and its text


def test_long_french_title_card_stays_in_its_frame() -> None:
    look = cards.look(CardConfig(), Path.cwd())
    image, layout = cards.draw(
        Spec(LONG_TITLE, "Le Satiriste Numérique", "2025-12-04", "fr", None, look)
    )
    band_top = HEIGHT - look.band_height
    assert image.size == (WIDTH, HEIGHT)
    assert layout.title_size < 76  # shrunk to fit
    for kind in ("title", "site", "date"):
        for left, top, right, bottom in layout.boxes[kind]:
            assert left >= 0 and right <= WIDTH and top >= 0 and bottom <= band_top, (
                kind,
                left,
                top,
                right,
                bottom,
            )
    [(left, top, right, bottom)] = layout.boxes["band"]
    assert left >= 0 and right <= WIDTH and band_top <= top and bottom <= HEIGHT
    # wrapped at spaces only: every word whole, in order (French spaces kept: « and » stay with their word)
    words = [w for line in layout.title_lines for w in line.split(" ")]
    assert [
        w.strip("\u202f\u00a0")
        for w in " ".join(words).replace("\u202f", " ").replace("\u00a0", " ").split()
    ] == LONG_TITLE.split()
    assert not any(
        line.endswith(("«", "\u202f")) or line.startswith(("»", ":", "\u202f"))
        for line in layout.title_lines
    )
    assert not cards.band_problems(image, look)
    # the band's pixels: its colour across the strip, and its text in white
    band = image.crop((0, band_top, WIDTH, HEIGHT))
    colours = dict((c, n) for n, c in band.getcolors(WIDTH * look.band_height) or [])
    assert colours.get((0xD7, 0x26, 0x3D), 0) > 0.5 * WIDTH * look.band_height
    assert sum(n for c, n in colours.items() if min(c) > 240) > 0.01 * WIDTH * look.band_height


@pytest.mark.parametrize("name", cardkit.NAMES)
def test_cards_look_as_they_did_before_they_got_cheaper(name: str, tmp_path: Path) -> None:
    """The published card (encoded, read back) against the one the code before
    issue 21 drew: no pixel off by more than 48 levels, under 1.5 on average."""
    spec = cardkit.specs(tmp_path)[name]
    [(path, problem)] = cards.draw_all([(spec, str(tmp_path / "card"))])
    assert problem is None and path is not None
    with Image.open(path) as card:
        card.verify()  # every chunk whole, with its checksum
    with Image.open(path) as card, Image.open(cardkit.REFERENCES / f"{name}.png") as before:
        assert card.format == ("JPEG" if spec.hero else "PNG") and card.size == (WIDTH, HEIGHT)
        mean, far = cardkit.difference(card, before)
        if not spec.hero:  # a flat card keeps its look's colours exactly, where they were
            now = {c: n for n, c in card.convert("RGB").getcolors(WIDTH * HEIGHT) or []}
            then = {c: n for n, c in before.convert("RGB").getcolors(WIDTH * HEIGHT) or []}
            for colour in (spec.look.background, spec.look.foreground, spec.look.muted):
                rgb = cards._rgb(colour)
                assert now.get(rgb, 0) >= 0.95 * then.get(rgb, 0), (colour, now.get(rgb))
    assert mean < 1.5 and far == 0, (mean, far)
    assert Path(path).stat().st_size < 210_000  # a flat card is half the PNG it was


def test_a_word_wider_than_the_card_shrinks_the_title_instead_of_being_cut() -> None:
    word = "Anticonstitutionnellementissimement" * 2
    _, layout = cards.draw(
        Spec(
            f"Un {word} et la suite",
            "Site",
            "2025-12-04",
            "fr",
            None,
            cards.look(CardConfig(), Path.cwd()),
        )
    )
    assert any(word in line.split(" ") for line in layout.title_lines)  # whole, on one line
    assert " ".join(layout.title_lines) == f"Un {word} et la suite"
    for left, _, right, _ in layout.boxes["title"]:
        assert left >= 0 and right <= WIDTH


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("band_height: 0", "satire band is 0 px high"),
        ('band_foreground: "#d7263d"', "has a contrast of"),
        ('band_background: "#1d1b3a"\n    band_foreground: "#1d1b3a"', "has a contrast of"),
    ],
)
def test_a_card_without_its_band_fails_the_build(blog: Path, override: str, message: str) -> None:
    config = blog / "satire.yaml"
    config.write_text(config.read_text() + f"images:\n  card:\n    {override}\n")
    result = run_satire("build", cwd=blog)
    assert result.code != 0
    assert message in result.err and "social card" in result.err and "Traceback" not in result.err
    assert not (blog / "site").exists()  # nothing published


def test_theme_settings_change_the_card(blog: Path) -> None:
    config = blog / "satire.yaml"
    logo = Image.new("RGBA", (120, 40), (255, 200, 0, 255))
    logo.save(blog / "logo.png")
    config.write_text(
        config.read_text()
        + 'images:\n  card:\n    background: "#ffffff"\n    foreground: "#111111"\n    muted: "#333333"\n    logo: logo.png\n'
    )
    site = built(blog)
    page = (site / "posts/sans-image/index.html").read_text()
    with Image.open(site / (meta(page, "og:image") or "").split(":8000/")[1]) as card:
        rgb = card.convert("RGB")
        assert rgb.getpixel((WIDTH - 5, 200)) == (255, 255, 255)
        assert rgb.getpixel((64 + 20, 64 + 10)) == (255, 200, 0)  # the logo


def test_noop_rebuild_opens_no_image_and_unused_files_go(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(blog)
    first = build(project)
    assert first.made_images == 4 and first.drawn_cards == 4  # the SVG is passed through, not made
    site = blog / "site"
    before = {
        p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()
    }

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a no-op rebuild opened an image")

    def reread(tasks: list[Any]) -> list[Any]:
        if tasks:
            raise AssertionError("a no-op rebuild read a source image again")
        return []

    with monkeypatch.context() as patch:
        patch.setattr(Image, "open", refuse)
        patch.setattr(images, "make_all", reread)  # not even to hash its bytes
        again = build(load_project(blog))
    assert (
        again.written == []
        and again.removed == []
        and again.made_images == 0
        and again.drawn_cards == 0
    )
    assert {
        p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()
    } == before

    # a fresh output folder: everything comes from the cache, byte for byte
    other = build(load_project(blog), out=blog / "other")
    assert other.made_images == 0 and other.drawn_cards == 0
    for rel in before.keys() - {MARKER}:  # the marker holds the build's time
        assert (blog / "other" / rel).read_bytes() == (site / rel).read_bytes(), rel

    # a new title: a new card, the old one gone; no post uses the photo any more: its files go
    old_cards = {p.name for p in (site / "cards").iterdir()}
    save(
        blog,
        make_draft("photo", image=None, title="Un autre titre"),
        make_draft("titre-long", image=None, title=LONG_TITLE),
    )
    changed = build(load_project(blog))
    assert changed.drawn_cards == 2
    new_cards = {p.name for p in (site / "cards").iterdir()}
    assert len(new_cards) == 4 and len(old_cards & new_cards) == 2
    assert (
        not list((site / "images").glob("photo-*"))
        and (site / "images/photo.jpg").read_bytes() != b""
    )
    assert (site / "images/photo.jpg").read_bytes() == (
        blog / "static/images/photo.jpg"
    ).read_bytes()  # unused: a plain static file again


def test_a_changed_image_is_made_again(blog: Path) -> None:
    build(load_project(blog))
    source = blog / "static/images/diagram.png"
    image = Image.new("RGBA", (500, 500), (200, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    source.write_bytes(out.getvalue())
    report = build(load_project(blog))
    assert report.made_images == 1 and report.drawn_cards == 0
    page = (blog / "site/posts/photo/index.html").read_text()
    assert 'width="500" height="500"' in page
    assert not [p for p in (blog / "site/images").glob("diagram-800w.*")]


def test_an_unreadable_image_is_a_warning_and_published_as_is(blog: Path) -> None:
    (blog / "static/images/diagram.png").write_bytes(b"not a png at all")
    report = build(load_project(blog))
    assert any("diagram.png: cannot read this image" in w for w in report.warnings)
    assert (blog / "site/images/diagram.png").read_bytes() == b"not a png at all"


def test_card_guard_is_the_build_s(blog: Path) -> None:
    config = blog / "satire.yaml"
    config.write_text(config.read_text() + "images:\n  card:\n    band_height: 10\n")
    with pytest.raises(SatireError, match="satire band"):
        build(load_project(blog))


def test_photo_from_exif_orientation_helper_is_what_we_think() -> None:
    """The test photo itself: stored sideways with GPS (so the tests above mean something)."""
    with Image.open(io.BytesIO(photo_jpeg())) as image:
        assert image.size == (1600, 1000)
        exif = image.getexif()
        assert exif[ExifTags.Base.Orientation] == 6 and exif.get_ifd(ExifTags.IFD.GPSInfo)


@pytest.mark.slow
def test_pages_with_pictures_are_valid_html5(blog: Path) -> None:
    import shutil

    from tests.html5 import validate

    if shutil.which("java") is None:
        pytest.fail("java is needed by the HTML validator (vnu)")
    checked = validate(built(blog) / "posts")
    assert checked.returncode == 0, checked.stdout + checked.stderr


# -- the cache under .satire/media keeps only what built sites use ---------------------------------


def cached(project: Path) -> dict[str, set[str]]:
    """The cache's entries by kind: source records, image folders, cards."""
    media = project / ".satire/media"
    return {
        kind: {p.name for p in (media / kind).iterdir()} if (media / kind).is_dir() else set()
        for kind in ("sources", "images", "cards")
    }


def image_folder(project: Path, src: str) -> str:
    """The cache folder holding the files made from `src`'s current bytes."""
    for meta_file in (project / ".satire/media/images").glob("*/picture.json"):
        if images.Picture.from_json(meta_file.read_text()).src == src:
            return meta_file.parent.name
    raise AssertionError(f"no cached files for {src}")


def card_of(site: Path, slug: str) -> str:
    (card,) = [p.name for p in (site / "cards").glob(f"{slug}.*")]
    return card


def build_opening_no_image(project: Path, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("this rebuild opened an image")

    with monkeypatch.context() as patch:
        patch.setattr(Image, "open", refuse)
        return build(load_project(project), **options)


def test_an_old_card_and_a_replaced_image_s_files_leave_the_cache_and_the_site(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(load_project(blog))
    site = blog / "site"
    first = cached(blog)
    # the SVG is published from static/: a source record, no folder of made files
    assert len(first["cards"]) == 4 and len(first["images"]) == 4 and len(first["sources"]) == 5

    # a new title: a new card; the old one leaves the cache and the site
    old_card = card_of(site, "sans-image")
    (old_cached,) = [name for name in first["cards"] if name.endswith(old_card.split(".", 1)[1])]
    save(
        blog,
        make_draft("sans-image", date=dt.date(2025, 12, 2), image=None, title="Un titre tout neuf"),
    )
    retitled = build(load_project(blog))
    assert retitled.drawn_cards == 1 and retitled.made_images == 0
    assert retitled.pruned == [f"cards/{old_cached}"]
    after_title = cached(blog)
    assert old_cached not in after_title["cards"] and len(after_title["cards"]) == 4
    assert not (site / "cards" / old_card).exists() and card_of(site, "sans-image") != old_card
    assert after_title["images"] == first["images"] and after_title["sources"] == first["sources"]

    # a replaced image: its old derived files leave the cache and the site
    old_folder = image_folder(blog, "images/diagram.png")
    old_files = {
        p.name
        for p in (blog / ".satire/media/images" / old_folder).iterdir()
        if p.name.startswith("diagram-")
    }
    assert old_files and all((site / "images" / name).is_file() for name in old_files)
    out = io.BytesIO()
    Image.new("RGBA", (500, 500), (200, 0, 0, 255)).save(out, "PNG")
    (blog / "static/images/diagram.png").write_bytes(out.getvalue())
    replaced = build(load_project(blog))
    assert replaced.made_images == 1 and replaced.drawn_cards == 0
    after_image = cached(blog)
    assert (
        old_folder not in after_image["images"]
        and image_folder(blog, "images/diagram.png") in after_image["images"]
    )
    assert len(after_image["images"]) == 4 and len(after_image["sources"]) == 5
    assert (
        len(after_image["sources"] - after_title["sources"]) == 1
    )  # the replaced image's record, renewed
    assert not any((site / "images" / name).exists() for name in old_files)

    # what is left is what the site uses: a rebuild opens no image, removes nothing, and a fresh folder needs nothing made
    again = build_opening_no_image(blog, monkeypatch)
    assert (
        again.written == []
        and again.removed == []
        and again.pruned == []
        and again.made_images == 0
        and again.drawn_cards == 0
    )
    assert cached(blog) == after_image
    fresh = build_opening_no_image(blog, monkeypatch, out=blog / "fresh")
    assert fresh.made_images == 0 and fresh.drawn_cards == 0


def test_a_drafts_build_then_a_published_one_keeps_what_the_published_site_needs(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(load_project(blog))
    published = cached(blog)
    save(
        blog,
        make_draft(
            "brouillon",
            status="draft",
            date=dt.date(2025, 12, 5),
            image={"src": "images/gps.jpg", "alt": "Un brouillon"},
        ),
    )
    result = run_satire("build", "--drafts", cwd=blog)
    assert result.code == 0, result.err
    with_drafts = cached(blog)
    assert with_drafts["cards"] > published["cards"] and len(with_drafts["cards"]) == 5
    assert card_of(blog / "site", "brouillon")

    back = build_opening_no_image(blog, monkeypatch)
    assert back.made_images == 0 and back.drawn_cards == 0
    assert (
        cached(blog) == published
    )  # the draft's card went; everything the published site uses stayed
    assert not list((blog / "site/cards").glob("brouillon.*"))


def test_a_build_into_another_folder_keeps_what_site_uses(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(load_project(blog))
    site_cache = cached(blog)
    save(
        blog,
        make_draft(
            "sans-image", date=dt.date(2025, 12, 2), image=None, title="Un titre pour ailleurs"
        ),
    )
    elsewhere = build(load_project(blog), out=blog / "ailleurs")
    assert elsewhere.drawn_cards == 1 and elsewhere.pruned == []
    both = cached(blog)
    assert both["cards"] > site_cache["cards"]

    # site/ still has its card: rebuilt with the old title, nothing is drawn
    save(blog, make_draft("sans-image", date=dt.date(2025, 12, 2), image=None))
    again = build_opening_no_image(blog, monkeypatch)
    assert again.drawn_cards == 0 and again.pruned == [] and cached(blog) == both

    # the other folder gone, what only it used goes with the next build
    shutil.rmtree(blog / "ailleurs")
    last = build_opening_no_image(blog, monkeypatch)
    assert [entry.split("/")[0] for entry in last.pruned] == ["cards"] and cached(
        blog
    ) == site_cache


def test_a_failed_build_or_a_bad_draft_removes_nothing_from_the_cache(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(load_project(blog))
    before = cached(blog)
    # a card guard failure stops the build: the cache is as it was
    config = blog / "satire.yaml"
    text = config.read_text()
    config.write_text(text + "images:\n  card:\n    band_height: 10\n")
    save(
        blog,
        make_draft(
            "sans-image", date=dt.date(2025, 12, 2), image=None, title="Un titre jamais publié"
        ),
    )
    with pytest.raises(SatireError):
        build(load_project(blog))
    assert cached(blog) == before
    config.write_text(text)
    save(blog, make_draft("sans-image", date=dt.date(2025, 12, 2), image=None))

    # a draft left out for an error keeps its files: fixed, it needs nothing made
    draft = blog / "drafts/photo.md"
    good = draft.read_text()
    draft.write_text("---\ntitle: [pas fermé\n---\nCorps.\n")
    broken = build(load_project(blog))
    assert broken.errors and broken.pruned == [] and cached(blog) == before
    draft.write_text(good)
    fixed = build_opening_no_image(blog, monkeypatch)
    assert (
        not fixed.errors
        and fixed.made_images == 0
        and fixed.drawn_cards == 0
        and cached(blog) == before
    )


def test_a_build_waits_for_another_build_before_it_prunes(blog: Path) -> None:
    """The preview server rebuilding while `satire build` runs: a build's pruning
    never removes a card another build drew and has not recorded yet."""
    from generator.infra.fsutil import project_lock

    build(load_project(blog))
    drawing = (
        blog / ".satire/media/cards" / ("0" * 40 + ".0123456789.png")
    )  # what a running build just drew
    reports: list[Any] = []
    with project_lock(blog / ".satire", "build"):  # that running build
        drawing.write_bytes(b"a card being drawn")
        rebuild = threading.Thread(target=lambda: reports.append(build(load_project(blog), jobs=1)))
        rebuild.start()
        rebuild.join(timeout=5)
        assert rebuild.is_alive() and drawing.exists()
    rebuild.join()
    assert reports and reports[0].pruned == [f"cards/{drawing.name}"] and not drawing.exists()
