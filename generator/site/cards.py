"""Social cards: the 1200x630 PNG a post shows when shared (og:image).

A card holds the post's title (wrapped at word boundaries, shrunk until it
fits), the site's name, the post's date, the hero image behind them (cropped
to fill, darkened) when there is one, and the satire band: a strip across the
bottom that says, in the post's language, that the post is satire written by
an AI. Colours, font, logo and the band's height are settings (`images.card`
in satire.yaml); the band itself is not optional: every card is checked after
it is drawn (its size, its contrast, its text's pixels), and a card without a
readable band fails the build, as a page without its disclaimer does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.config import CardConfig
from generator.errors import SatireError
from generator.infra.fsutil import write_atomic
from generator.site.typography import for_language

VERSION = "card-2"  # bump when the same inputs would draw a different card
WIDTH, HEIGHT = 1200, 630
MARGIN = 64
FONTS = Path(__file__).resolve().parent / "fonts"
BOLD, REGULAR = FONTS / "DejaVuSans-Bold.ttf", FONTS / "DejaVuSans.ttf"
BAND_TEXT = {
    "fr": "SATIRE · Article écrit par une IA, ce n’est pas une information",
    "en": "SATIRE · Written by an AI, this is not news",
}
MIN_BAND = 48  # px: smaller, the band is not readable in a feed's thumbnail
MIN_CONTRAST = 4.5  # WCAG AA for the band's text against its background
TITLE_SIZES = range(76, 35, -4)


def band_text(language: str) -> str:
    return BAND_TEXT.get(language.split("-")[0].lower(), BAND_TEXT["en"])


@dataclass(frozen=True)
class Look:
    """What a theme may change (`images.card` in satire.yaml, declared in
    generator/config.py with its defaults), files resolved: never whether the band is there."""

    background: str
    foreground: str
    muted: str
    band_background: str
    band_foreground: str
    band_height: int
    darken: float  # how much the hero image is darkened under the text (0: not at all)
    font: str  # the title's and the band's font
    font_regular: str  # the site's name and the date
    logo: str | None  # an image drawn before the site's name


def look(config: CardConfig, root: Path) -> Look:
    """The card's settings, with their files resolved against the project's `root`."""

    def file(name: str, value: str | None) -> str | None:
        if value is None:
            return None
        path = (root / value).resolve()
        if not path.is_file():
            raise SatireError(
                f"satire.yaml: images.card.{name}: {value} is not a file (paths are relative to the project)"
            )
        return str(path)

    return Look(
        background=config.background, foreground=config.foreground, muted=config.muted,
        band_background=config.band_background, band_foreground=config.band_foreground, band_height=config.band_height, darken=config.darken,
        font=file("font", config.font) or str(BOLD), font_regular=file("font_regular", config.font_regular) or str(REGULAR), logo=file("logo", config.logo),
    )  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """Everything a card is drawn from (its hash names the card)."""

    title: str
    site: str
    date: str  # ISO date; spelled out in the post's language when drawn
    language: str
    hero: str | None  # a cleaned local image file, or None
    look: Look

    def key(self, stamps: str) -> str:
        """`stamps`: the size and mtime of the files drawn from (fonts, logo); the
        hero's path names its content. Cheap: a no-op build makes one per post."""
        text = "\0".join(
            (
                _look_json(self.look),
                stamps,
                self.title,
                self.site,
                self.date,
                self.language,
                band_text(self.language),
                self.hero or "",
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=4)
def _look_json(look: Look) -> str:
    return json.dumps([VERSION, asdict(look)], sort_keys=True)


def draw_all(tasks: Sequence[tuple[Spec, str]]) -> list[tuple[str | None, str | None]]:
    """Draw each card (in a worker) as FOLDER/KEY.HASH.png, HASH from its bytes:
    (the file's path, None), or (None, what is wrong with its band)."""
    results: list[tuple[str | None, str | None]] = []
    for spec, stem in tasks:
        image, _ = draw(spec)
        found = band_problems(image, spec.look)
        if found:
            results.append((None, "; ".join(found)))
            continue
        data = encode(image)
        path = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.png"
        write_atomic(Path(path), data)
        results.append((path, None))
    return results


def encode(image: Any) -> bytes:
    import io

    out = io.BytesIO()
    image.save(
        out, "PNG", compress_level=1
    )  # photo backdrops barely compress: level 6 took 3x as long for 5% fewer bytes
    return out.getvalue()


@dataclass
class Layout:
    """Where the text went: each box is (left, top, right, bottom) in the card."""

    title_size: int
    title_lines: list[str]
    boxes: dict[str, list[tuple[int, int, int, int]]]


def draw(spec: Spec) -> tuple[Any, Layout]:
    from PIL import Image, ImageDraw, ImageFont, ImageOps

    look = spec.look
    card = Image.new("RGB", (WIDTH, HEIGHT), look.background)
    if spec.hero:
        with Image.open(spec.hero) as hero:
            hero.draft(
                "RGB", (WIDTH, HEIGHT)
            )  # a large JPEG decodes at a reduced scale, still covering the card
            # a backdrop, darkened behind text: bicubic is plenty, at a third of Lanczos' cost
            filled = ImageOps.fit(hero.convert("RGB"), (WIDTH, HEIGHT), Image.Resampling.BICUBIC)
        card = Image.blend(
            filled, Image.new("RGB", (WIDTH, HEIGHT), "#000000"), max(0.0, min(1.0, look.darken))
        )
    pen = ImageDraw.Draw(card)
    boxes: dict[str, list[tuple[int, int, int, int]]] = {
        "title": [],
        "site": [],
        "date": [],
        "band": [],
    }
    band_top = HEIGHT - max(0, look.band_height)

    # top line: logo, site name, date
    x = MARGIN
    if look.logo:
        with Image.open(look.logo) as logo:
            mark = logo.convert("RGBA")
            mark.thumbnail((160, 52))
            card.paste(mark, (x, MARGIN - 8), mark)
            x += mark.width + 16
    small = ImageFont.truetype(look.font_regular, 30)
    date = _long_date(spec.date, spec.language)
    date_box = _box(pen, (0, 0), date, small)
    date_x = WIDTH - MARGIN - (date_box[2] - date_box[0])
    site = _fit_line(pen, spec.site, small, date_x - 32 - x)
    boxes["site"].append(_draw(pen, (x, MARGIN), site, small, look.muted))
    boxes["date"].append(_draw(pen, (date_x, MARGIN), date, small, look.muted))

    # the title, as large as fits between the top line and the band
    top, bottom = MARGIN + 70, band_top - 40
    size, lines = _title_lines(
        pen, for_language(spec.title, spec.language), look.font, WIDTH - 2 * MARGIN, bottom - top
    )
    font = ImageFont.truetype(look.font, size)
    step = round(size * 1.18)
    y = top + max(0, (bottom - top - step * len(lines)) // 2)
    for line in lines:
        boxes["title"].append(_draw(pen, (MARGIN, y), line, font, look.foreground))
        y += step

    # the band
    if look.band_height > 0:
        pen.rectangle((0, band_top, WIDTH, HEIGHT), fill=look.band_background)
        label = band_text(spec.language)
        band_font = _band_font(pen, label, look, WIDTH - 2 * MARGIN)
        text_box = _box(pen, (0, 0), label, band_font)
        ty = band_top + (look.band_height - (text_box[3] - text_box[1])) // 2 - text_box[1]
        boxes["band"].append(_draw(pen, (MARGIN, ty), label, band_font, look.band_foreground))
    return card, Layout(size, lines, boxes)


def _long_date(iso: str, language: str) -> str:
    from generator.site.i18n import long_date

    return long_date(dt.date.fromisoformat(iso), language)


def _box(pen: Any, at: tuple[int, int], text: str, font: Any) -> tuple[int, int, int, int]:
    left, top, right, bottom = pen.textbbox(at, text, font=font)
    return (int(left), int(top), int(right), int(bottom))


def _draw(
    pen: Any, at: tuple[int, int], text: str, font: Any, fill: str
) -> tuple[int, int, int, int]:
    pen.text(at, text, font=font, fill=fill)
    return _box(pen, at, text, font)


def _width(pen: Any, text: str, font: Any) -> float:
    return float(pen.textlength(text, font=font))


def _fit_line(pen: Any, text: str, font: Any, room: float) -> str:
    """`text` on one line, dropping whole words (then an ellipsis) until it fits."""
    words = text.split(" ")
    while len(words) > 1 and _width(pen, " ".join(words), font) > room:
        words.pop()
        text = " ".join(words) + " …"
    return text if _width(pen, text, font) <= room else ""


def _wrap(pen: Any, text: str, font: Any, room: float) -> list[str] | None:
    """Greedy word wrap; None when one word alone is wider than `room`."""
    lines: list[str] = []
    for word in text.split(
        " "
    ):  # not split(): a non-breaking space holds « mot » and mot ! together
        if not word:
            continue
        if _width(pen, word, font) > room:
            return None
        if lines and _width(pen, f"{lines[-1]} {word}", font) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _title_lines(
    pen: Any, title: str, font_path: str, room: int, height: int
) -> tuple[int, list[str]]:
    """The largest size at which the title fits. Past the smallest, a word wider
    than the card shrinks the text further, and a title too long for the card
    loses whole lines (the last kept one ends in an ellipsis): no word is cut."""
    from PIL import ImageFont

    text = title
    for size in TITLE_SIZES:
        font = ImageFont.truetype(font_path, size)
        lines = _wrap(pen, text, font, room)
        if lines is not None and round(size * 1.18) * len(lines) <= height:
            return size, lines
    size = TITLE_SIZES[-1]
    font = ImageFont.truetype(font_path, size)
    while (lines := _wrap(pen, text, font, room)) is None and size > 12:
        size -= 2
        font = ImageFont.truetype(font_path, size)
    lines = lines or [_fit_line(pen, text, font, room)]
    keep = max(1, height // round(size * 1.18))
    if len(lines) > keep:
        lines = lines[:keep]
        lines[-1] = _fit_line(pen, lines[-1] + " …", font, room)
    return size, lines


def _band_font(pen: Any, label: str, look: Look, room: int) -> Any:
    from PIL import ImageFont

    size = max(12, min(34, look.band_height // 2))
    font = ImageFont.truetype(look.font, size)
    while size > 12 and _width(pen, label, font) > room:
        size -= 2
        font = ImageFont.truetype(look.font, size)
    return font


# -- the band's guard ----------------------------------------------------------------


def band_problems(card: Any, look: Look) -> list[str]:
    """What keeps a drawn card's satire band from being read (empty: it is there)."""
    problems: list[str] = []
    if look.band_height < MIN_BAND:
        problems.append(
            f"the satire band is {look.band_height} px high (at least {MIN_BAND}: images.card.band_height)"
        )
        return problems
    ratio = contrast(look.band_foreground, look.band_background)
    if ratio < MIN_CONTRAST:
        problems.append(
            f"the satire band's text has a contrast of {ratio:.1f}:1 with its background (at least {MIN_CONTRAST}:1: images.card.band_foreground/band_background)"
        )
    band = card.crop((0, HEIGHT - look.band_height, WIDTH, HEIGHT)).convert("RGB")
    background = _rgb(look.band_background)
    colours = band.getcolors(maxcolors=WIDTH * look.band_height) or []
    plain = sum(count for count, colour in colours if _near(colour, background, 8))
    inked = sum(count for count, colour in colours if not _near(colour, background, 60))
    area = band.width * band.height
    if plain < area * 0.5:
        problems.append(
            "the satire band is covered (less than half of it shows its background colour)"
        )
    if inked < area * 0.01:
        problems.append("the satire band holds no readable text")
    return problems


def _rgb(colour: str) -> tuple[int, int, int]:
    from PIL import ImageColor

    red, green, blue = ImageColor.getrgb(colour)[:3]
    return (red, green, blue)


def _near(a: tuple[int, ...], b: tuple[int, ...], tolerance: int) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a[:3], b[:3], strict=True))


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        channels = [c / 255 for c in _rgb(colour)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
