"""Cheaper images and cards (issue 21) that look the same: responsive files
against the ones made before, WebP only where it pays, originals stripped
without re-encoding, large sources decoded small, and the band's guard on a
drawn card."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw, ImageFile

from generator.config import CardConfig
from generator.site import cards, images
from tests import cardkit
from tests.conftest import run_satire
from tests.imagekit import image_blog, photo_jpeg


def grainy_jpeg(size: tuple[int, int]) -> bytes:
    """A photo that is mostly sensor grain: WebP makes it no smaller than JPEG."""
    grain = Image.effect_noise(size, 60)
    ramp = Image.linear_gradient("L").resize(size)
    out = io.BytesIO()
    Image.merge("RGB", (ramp, grain, grain)).save(out, "JPEG", quality=88)
    return out.getvalue()


@pytest.mark.parametrize("name", ["image-480w-jpeg", "image-480w-webp"])
def test_responsive_files_look_as_they_did_before(name: str, tmp_path: Path) -> None:
    made = cardkit.made_images(tmp_path)
    with Image.open(cardkit.REFERENCES / f"{name}.png") as before:
        mean, far = cardkit.difference(made[name], before)
    assert mean < 1.5 and far < 0.001, (mean, far)


def test_a_grainy_photo_gets_no_webp_and_a_smooth_one_does(tmp_path: Path) -> None:
    settings = images.ImageSettings((480, 960), 80)
    (tmp_path / "grain.jpg").write_bytes(grainy_jpeg((1200, 800)))
    grain = images.make("grain.jpg", tmp_path / "grain.jpg", tmp_path / "cache", settings)
    assert list(grain.sources) == ["image/jpeg"]  # the WebP was larger: not published
    smooth = images.make("hero.jpg", cardkit.hero_photo(tmp_path), tmp_path / "cache", settings)
    assert list(smooth.sources) == ["image/webp", "image/jpeg"]
    for picture in (grain, smooth):
        for _, width in picture.sources["image/jpeg"]:
            assert width in (480, 960, picture.width)


def test_an_upright_original_is_its_own_bytes_without_metadata(tmp_path: Path) -> None:
    source = tmp_path / "gps.jpg"
    source.write_bytes(photo_jpeg(orientation=1, icc=False, size=(900, 600)))
    picture = images.make("gps.jpg", source, tmp_path / "cache", images.ImageSettings((480,), 80))
    original = Path(picture.files["gps.jpg"])
    data = original.read_bytes()
    assert b"TestCam" not in data and len(data) < source.stat().st_size
    with Image.open(original) as cleaned, Image.open(source) as before:
        assert not cleaned.getexif() and "exif" not in cleaned.info
        assert ExifTags.IFD.GPSInfo not in cleaned.getexif()
        # not re-encoded: the very same pixels
        assert cleaned.tobytes() == before.convert("RGB").tobytes()


def test_a_turned_original_is_made_upright_not_just_stripped(tmp_path: Path) -> None:
    source = tmp_path / "turned.jpg"
    source.write_bytes(photo_jpeg(orientation=6, icc=False, size=(900, 600)))
    picture = images.make(
        "turned.jpg", source, tmp_path / "cache", images.ImageSettings((480,), 80)
    )
    with Image.open(picture.files["turned.jpg"]) as original:
        assert original.size == (600, 900) and not original.getexif()


def swapped_primaries() -> bytes:
    """sRGB with its red and blue primaries swapped: a profile that changes colours."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = int.from_bytes(profile[128:132], "big")
    entries = {bytes(profile[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    profile[red + 4 : red + 12], profile[blue + 4 : blue + 12] = (
        profile[blue + 4 : blue + 12],
        profile[red + 4 : red + 12],
    )
    return bytes(profile)


def test_an_original_with_a_colour_profile_is_converted_not_just_stripped(tmp_path: Path) -> None:
    source = tmp_path / "profiled.jpg"
    Image.new("RGB", (900, 600), (200, 40, 40)).save(
        source, "JPEG", quality=90, icc_profile=swapped_primaries()
    )
    picture = images.make(
        "profiled.jpg", source, tmp_path / "cache", images.ImageSettings((480,), 80)
    )
    with Image.open(picture.files["profiled.jpg"]) as original:
        assert "icc_profile" not in original.info and not original.getexif()
        red, _, blue = original.getpixel((450, 300))  # type: ignore[misc]
        assert blue > red  # shown as its profile says: the primaries swapped


def test_a_source_wider_than_every_width_is_decoded_small(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 2000), "#369").save(source, "JPEG", quality=85)
    decoded: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def spy(self: ImageFile.ImageFile) -> object:
        decoded.append(self.size)  # after draft(): the size it decodes at
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    picture = images.make(
        "big.jpg", source, tmp_path / "cache", images.ImageSettings((480, 960), 80)
    )
    assert (picture.width, picture.height) == (4000, 2000)
    assert [w for _, w in picture.sources["image/jpeg"]] == [480, 960]  # no 4000 px file
    assert decoded and max(decoded) == (1000, 500)  # a quarter scale covers 960 px
    with Image.open(picture.files["big.jpg"]) as original:
        assert original.size == (4000, 2000)  # the original's address: full size still


def test_the_band_guard_reads_the_drawn_pixels(tmp_path: Path) -> None:
    look = cards.look(CardConfig(), tmp_path)
    spec = cards.Spec("Un titre", "Site", "2025-12-04", "fr", None, look)
    image, _ = cards.draw(spec)
    assert cards.band_problems(image, look) == []
    covered = image.copy()
    ImageDraw.Draw(covered).rectangle((0, 630 - 84, 1200, 630), fill="#1d1b3a")
    assert any("covered" in p for p in cards.band_problems(covered, look))
    blank = image.copy()
    ImageDraw.Draw(blank).rectangle((0, 630 - 84, 1200, 630), fill=look.band_background)
    assert cards.band_problems(blank, look) == ["the satire band holds no readable text"]


LAID = [
    "affiche officielle\u202f: « il suffit » — fjord, flûte, fiasco et ﬁn",
    "AVATAR Tyran WAVE Yo-yo « l’IA » vs. T.J. ‘Fawlty’ 1/4 7.7",
    "e\u0301te\u0301 cafe\u0301 Ångström naïve Œuvre\u00a0! ÉTÉ çà",
    "Le mot שלום et عربي كلمة, dans le titre",  # right to left: laid out whole
]


@pytest.mark.parametrize("size", [36, 52, 60, 76])
def test_a_title_laid_from_kept_pieces_is_the_line_freetype_draws(size: int) -> None:
    """A card's title is laid from pieces kept per worker (characters, the
    ligatures fi and ffi, a letter with its combining accent; a line with
    right-to-left text whole) at FreeType's pen
    positions: the line Pillow draws in one piece, within a few levels where
    two glyphs overlap."""
    face = cards._face(str(cards.BOLD), size)
    for line in LAID:
        room = (int(face.font.getlength(line)) + 2 * size, 2 * size)
        whole, laid = Image.new("L", room), Image.new("L", room)
        ImageDraw.Draw(whole).text((10, 5), line, font=face.font, fill=255)
        cards._lay(laid, face, (10, 5), cards._clusters(face, line), 255)
        assert whole.getbbox() is not None
        assert max(ImageChops.difference(whole, laid).histogram()[9:]) == 0, (size, line)


def test_a_hero_card_is_drawn_on_the_backdrop_made_with_its_files(tmp_path: Path) -> None:
    settings = images.ImageSettings((480, 960, 1440), 80)
    picture = images.make(
        "hero.jpg", cardkit.hero_photo(tmp_path), tmp_path / "cache", settings, backdrop=True
    )
    with Image.open(picture.backdrop) as backdrop:
        assert backdrop.size == (cards.WIDTH, cards.HEIGHT)
    assert picture.backdrop not in picture.files.values()  # not published
    plain = cardkit.specs(tmp_path)["hero-short"]
    spec = cards.Spec(
        plain.title, plain.site, plain.date, plain.language, picture.backdrop, plain.look
    )
    card, _ = cards.draw(spec)
    with Image.open(cardkit.REFERENCES / "hero-short.png") as before:
        mean, far = cardkit.difference(card, before)
    assert mean < 1.5 and far < 0.001, (mean, far)


def test_a_fresh_clone_with_the_media_cache_restored_makes_no_card_and_no_image(
    demo_project: Path, tmp_path: Path
) -> None:
    """What CI does (docs/ci-cache.md): a new checkout elsewhere (every file with
    a new mtime), `.satire/media` restored from the last run, then a build."""
    image_blog(demo_project)
    fonts = demo_project / "fonts"  # the project's own: a checkout gives them new mtimes
    fonts.mkdir()
    shutil.copy(cards.BOLD, fonts / "title.ttf")
    config = demo_project / "satire.yaml"
    config.write_text(config.read_text() + "images:\n  card:\n    font: fonts/title.ttf\n")
    first = run_satire("build", cwd=demo_project)
    assert first.code == 0 and " 0 cards made" not in first.out, first.err
    clone = tmp_path / "clone"
    shutil.copytree(
        demo_project,
        clone,
        copy_function=shutil.copy,  # contents only: new mtimes, as a checkout has
        ignore=shutil.ignore_patterns("site", ".satire"),
    )
    # restored, not shared: the first checkout's cache is gone
    (clone / ".satire").mkdir()
    shutil.move(demo_project / ".satire/media", clone / ".satire/media")
    again = run_satire("build", cwd=clone)
    assert again.code == 0, again.err
    assert "0 images and 0 cards made" in again.out, again.out
    built = sorted(p.name for p in (clone / "site/cards").iterdir() if p.is_file())
    assert built == sorted(p.name for p in (demo_project / "site/cards").iterdir())
