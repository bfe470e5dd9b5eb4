"""Reference social cards: a handful of card specs (flat and photo backdrops,
French and English, a themed look with a logo, a word wider than the card) and
the cards the drawing code made for them before issue 21 made it cheaper
(`tests/cards/NAME.png`, lossless). The test compares what the build publishes
today with these pixels, so a faster card is the same card.

    python -m tests.cardkit   # rewrite the references from the current code (only on purpose)
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw

from generator.config import CardConfig
from generator.site import cards, images
from tests.imagekit import LONG_TITLE

REFERENCES = Path(__file__).resolve().parent / "cards"
SHORT = "Apple annonce un iPhone sans écran : « l’avenir est invisible »"
WIDE = "Un " + "Anticonstitutionnellementissimement" * 2 + " et la suite"


NAMES = ["long-fr", "short-en", "wide-word", "themed-logo", "hero-fr", "hero-short"]


def hero_photo(folder: Path) -> Path:
    """A 1600x1067 JPEG with gradients, shapes and an edge (what a card's backdrop is cropped from)."""
    ramp = Image.linear_gradient("L").resize((1600, 1067))
    image = Image.merge("RGB", (ramp, ramp.rotate(90).resize((1600, 1067)), ramp.transpose(0)))
    pen = ImageDraw.Draw(image)
    pen.rectangle((200, 150, 700, 900), fill=(220, 60, 40))
    pen.ellipse((900, 300, 1400, 800), fill=(30, 160, 220))
    path = folder / "hero.jpg"
    image.save(path, "JPEG", quality=90)
    return path


def logo(folder: Path) -> Path:
    path = folder / "logo.png"
    mark = Image.new("RGBA", (120, 40), (0, 0, 0, 0))
    ImageDraw.Draw(mark).rounded_rectangle((0, 0, 119, 39), 8, fill=(255, 200, 0, 255))
    mark.save(path)
    return path


def specs(folder: Path) -> dict[str, cards.Spec]:
    """The reference cases, by name; their files (hero, logo) made in `folder`."""
    plain = cards.look(CardConfig(), folder)
    themed = cards.look(
        CardConfig(
            background="#ffffff",
            foreground="#111111",
            muted="#333333",
            band_background="#1d1b3a",
            band_height=64,
            logo=logo(folder).name,
        ),
        folder,
    )
    hero = str(hero_photo(folder))
    site = "Le Satiriste Numérique"
    return {
        "long-fr": cards.Spec(LONG_TITLE, site, "2025-12-04", "fr", None, plain),
        "short-en": cards.Spec(SHORT, "The Daily Byte", "2025-03-09", "en", None, plain),
        "wide-word": cards.Spec(WIDE, site, "2025-12-04", "fr", None, plain),
        "themed-logo": cards.Spec(SHORT, site, "2024-02-29", "fr", None, themed),
        "hero-fr": cards.Spec(LONG_TITLE, site, "2025-12-04", "fr", hero, plain),
        "hero-short": cards.Spec(SHORT, site, "2025-01-01", "en", hero, plain),
    }


def difference(a: Any, b: Any) -> tuple[float, float]:
    """(mean absolute difference per channel, out of 255; share of pixels off by
    more than 48 in some channel)."""
    delta = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    histogram = delta.histogram()
    pixels = a.width * a.height
    mean = sum(i * n for c in range(3) for i, n in enumerate(histogram[c * 256 : c * 256 + 256]))
    red, green, blue = delta.split()
    peak = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    far = sum(peak.histogram()[49:])
    return mean / (3 * pixels), far / pixels


@contextmanager
def opened(data: bytes) -> Iterator[Any]:
    with Image.open(io.BytesIO(data)) as image:
        yield image


IMAGE_SETTINGS = images.ImageSettings((480, 960), 80)


def made_images(folder: Path) -> dict[str, Any]:
    """The responsive files made from `hero_photo` (480 px wide, both formats), decoded."""
    source = hero_photo(folder)
    picture = images.make("images/hero.jpg", source, folder / "cache", IMAGE_SETTINGS)
    found: dict[str, Any] = {}
    for mime, items in picture.sources.items():
        path, width = items[0]
        with Image.open(picture.files[path]) as image:
            found[f"image-{width}w-{mime.split('/')[1]}"] = image.convert("RGB")
    return found


def write_references() -> None:
    import tempfile

    REFERENCES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        drawn = {name: cards.draw(spec)[0] for name, spec in specs(Path(folder)).items()}
        for name, image in (drawn | made_images(Path(folder))).items():
            image.save(REFERENCES / f"{name}.png", "PNG", optimize=True)
            print(name, (REFERENCES / f"{name}.png").stat().st_size, file=sys.stderr)


if __name__ == "__main__":
    write_references()
