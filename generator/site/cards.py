"""Social cards: the 1200x630 image a post shows when shared (og:image).

A card holds the post's title (wrapped at word boundaries, shrunk until it
fits), the site's name, the post's date, the hero image behind them (cropped
to fill, darkened) when there is one, and the satire band: a strip across the
bottom that says, in the post's language, that the post is satire written by
an AI. Colours, font, logo and the band's height are settings (`images.card`
in satire.yaml); the band itself is not optional: every card is checked after
it is drawn (its size, its contrast, its text's pixels), and a card without a
readable band fails the build, as a page without its disclaimer does.

A card costs what drawing it costs (issue 21): fonts and word widths are kept
per worker, the title's size is guessed from one measure and checked at that
size and the next, what cards share (backdrop, logo, site name, band) is drawn
and its band checked once per worker, and the title is laid from masks kept per
worker (characters and ligatures, placed where FreeType places them: _lay). A
flat card is drawn in its look's palette (its colours, with the text's
anti-aliasing in between) and written as PNG with ISA-L's deflate; one with a
photo backdrop is a JPEG without chroma subsampling.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.config import CardConfig
from generator.errors import SatireError
from generator.infra.fsutil import write_atomic
from generator.site.typography import for_language

VERSION = "card-3"  # bump when the same inputs would draw a different card
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
LINE = 1.18  # a title line's height, in font sizes
JPEG = {"quality": 90, "subsampling": 0}  # 4:4:4: coloured text keeps its edges
RAMP = 32  # palette entries per colour pair of a flat card (see _palette)


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
        """`stamps`: the content hashes of the files drawn from (fonts, logo); the
        hero by its place in the media cache, which names its content (so a
        fresh clone with the cache restored, elsewhere, finds the same keys).
        Cheap: a no-op build makes one per post."""
        text = "\0".join(
            (
                _look_json(self.look),
                stamps,
                self.title,
                self.site,
                self.date,
                self.language,
                band_text(self.language),
                "/".join(Path(self.hero).parts[-2:]) if self.hero else "",
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=4)
def _look_json(look: Look) -> str:
    """The look without its files' paths (their content is in the stamps)."""
    fields = {k: v for k, v in asdict(look).items() if k not in ("font", "font_regular", "logo")}
    return json.dumps([VERSION, fields, look.logo is not None], sort_keys=True)


def draw_all(tasks: Sequence[tuple[Spec, str]]) -> list[tuple[str | None, str | None]]:
    """Draw each card (in a worker) as FOLDER/KEY.HASH.EXT, HASH from its bytes:
    (the file's path, None), or (None, what is wrong with its band)."""
    results: list[tuple[str | None, str | None]] = []
    for spec, stem in tasks:
        image, layout = _compose(spec, measure=False)
        if layout.band_problems:
            results.append((None, "; ".join(layout.band_problems)))
            continue
        data, ext = encode(image)
        path = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}"
        write_atomic(Path(path), data, sync=False)  # a cache: made again if lost
        results.append((path, None))
    return results


def encode(image: Any) -> tuple[bytes, str]:
    """The card's bytes and extension: a flat card (drawn in its look's palette)
    as PNG (_png), one with a photo backdrop as JPEG. Measured on 1200x630 cards
    (CPU, one core): a flat card as RGB PNG took 12-16 ms at level 1 for 55-75 KB;
    in its look's palette 1.9 ms with Pillow (zlib, level 1) for 14-38 KB, 0.4 ms
    with ISA-L (a little smaller). A photo backdrop barely compresses losslessly
    (PNG: 22-28 ms, 220 KB); JPEG 4:4:4 at quality 90 took 3-4 ms for 200 KB,
    WebP 16 ms (and not every site that reads og:image takes WebP)."""
    if image.mode == "P":
        return _png(image), "png"
    import io

    out = io.BytesIO()
    image.save(out, "JPEG", **JPEG)
    return out.getvalue(), "jpg"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png(image: Any) -> bytes:
    """A palette image as a PNG file: each row unfiltered (a flat card's rows are
    runs of a few colours, which deflate takes as they are), deflated by ISA-L
    at level 1. zlib, which Pillow's PNG writer uses, spends 1.5-2 ms on a
    card's 756 KB of pixels, whatever they hold."""
    from isal import isal_zlib
    from PIL import Image

    # each row starts with its filter type (0: none): a zero column left of the card
    rows = Image.new("P", (image.width + 1, image.height))
    rows.paste(image, (1, 0))
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 3, 0, 0, 0)  # 8-bit palette
    palette = bytes(image.getpalette() or [])
    chunks = [
        (b"IHDR", header),
        (b"PLTE", palette),
        (b"IDAT", isal_zlib.compress(rows.tobytes(), 1)),
        (b"IEND", b""),
    ]
    return PNG_SIGNATURE + b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks
    )


@lru_cache(maxsize=4)
def _palette(look: Look) -> Any:
    """A flat card's colours: the look's own first, then each text colour over its
    background in RAMP steps (the anti-aliased edges), then the logo's colours.
    Pillow maps a pixel through a cache of 4-level cells, choosing the entry
    nearest the cell's lowest corner: a ramp entry nearer that corner than one of
    the look's colours is left out, so that flat areas keep their exact colour."""
    from PIL import Image

    own = [
        _rgb(c)
        for c in (
            look.background,
            look.foreground,
            look.muted,
            look.band_background,
            look.band_foreground,
        )
    ]
    ramps: list[tuple[int, int, int]] = []
    for a, b in ((own[0], own[1]), (own[0], own[2]), (own[3], own[4])):
        ramps += [
            (
                round(a[0] + (b[0] - a[0]) * i / (RAMP - 1)),
                round(a[1] + (b[1] - a[1]) * i / (RAMP - 1)),
                round(a[2] + (b[2] - a[2]) * i / (RAMP - 1)),
            )
            for i in range(1, RAMP - 1)
        ]
    if look.logo:
        mark = _logo(look.logo)
        flat = Image.new("RGB", mark.size, look.background)
        flat.paste(mark, (0, 0), mark)
        colours = flat.quantize(64).getpalette() or []
        ramps += [
            (colours[i], colours[i + 1], colours[i + 2])
            for i in range(0, min(len(colours) - 2, 192), 3)
        ]

    def distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
        return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))

    corners = [(colour, (colour[0] & ~3, colour[1] & ~3, colour[2] & ~3)) for colour in own]
    kept = [
        entry
        for entry in ramps
        if entry not in own
        and all(distance(entry, corner) > distance(colour, corner) for colour, corner in corners)
    ]
    entries = list(dict.fromkeys(own + kept))[:256]
    palette = Image.new("P", (1, 1))
    palette.putpalette([c for colour in entries for c in colour])
    return palette


@dataclass
class Layout:
    """Where the text went: each box is (left, top, right, bottom) in the card;
    and what keeps the card's satire band from being read (empty: nothing)."""

    title_size: int
    title_lines: list[str]
    boxes: dict[str, list[tuple[int, int, int, int]]]
    band_problems: list[str] = field(default_factory=list)


# a flat card's title area starts under the top line (the logo, at most 52 px high, from MARGIN - 8)
TITLE_AREA_TOP = MARGIN + 46


def draw(spec: Spec, *, measure: bool = True) -> tuple[Any, Layout]:
    """The card in RGB and where its text went (`measure=False`: the title's and
    the date's boxes are not measured, as a build needs none of them)."""
    card, layout = _compose(spec, measure=measure)
    return card.convert("RGB"), layout


def _compose(spec: Spec, *, measure: bool) -> tuple[Any, Layout]:
    """The card as it is published: a flat one in its look's palette (mode P),
    one on a photo in RGB; the date and the title laid on a copy of what cards
    share (_base) through coverage masks (_ink)."""
    from PIL import Image

    look = spec.look
    boxes: dict[str, list[tuple[int, int, int, int]]] = {
        "title": [],
        "site": [],
        "date": [],
        "band": [],
    }
    band_top = HEIGHT - max(0, look.band_height)

    # top line: logo, site name, date; the site's name (shortened to leave the date
    # room), the logo and the band are the same on many cards: drawn once per worker
    small = _font(look.font_regular, 30)
    date = _long_date(spec.date, spec.language)
    date_mask, (left, top) = _text_mask(look.font_regular, 30, date)
    date_x = WIDTH - MARGIN - date_mask.width
    x = MARGIN + (_logo(look.logo).width + 16 if look.logo else 0)
    site = _site_line(look.font_regular, spec.site, date_x - 32 - x)
    base = _base(spec.hero, look, site, band_text(spec.language))
    card = base.image.copy()
    boxes["site"].append(base.site_box)
    _ink(card, look, date_mask, (date_x + left, MARGIN + top), look.muted)
    if measure:
        boxes["date"].append(_box((date_x, MARGIN), date, small))

    # the title, as large as fits between the top line and the band (its last line
    # ends 40 px above it: what a card adds never reaches its band, checked in _base)
    top, bottom = MARGIN + 70, band_top - 40
    size, lines = _title_lines(
        None, for_language(spec.title, spec.language), look.font, WIDTH - 2 * MARGIN, bottom - top
    )
    face = _face(look.font, size)
    step = round(size * LINE)
    first = top + max(0, (bottom - top - step * len(lines)) // 2)
    starts = [(MARGIN, first + n * step) for n in range(len(lines))]
    if measure:
        boxes["title"] = [_box(at, line, face.font) for at, line in zip(starts, lines, strict=True)]
    if card.mode == "P":  # flat: the lines on one mask of the area above the band (see _ink)
        area = Image.new("L", (WIDTH, max(1, band_top - TITLE_AREA_TOP)))
        for (x, y), line in zip(starts, lines, strict=True):
            _lay(area, face, (x, y - TITLE_AREA_TOP), _clusters(face, line), 255)
        _ink(card, look, area, (0, TITLE_AREA_TOP), look.foreground)
    else:  # on a photo: each piece blended where it goes
        for at, line in zip(starts, lines, strict=True):
            _lay(card, face, at, _clusters(face, line), _rgb(look.foreground))
    if base.band_box is not None:
        left, top_, right, bottom_ = base.band_box
        boxes["band"].append((left, top_ + band_top, right, bottom_ + band_top))
    return card, Layout(size, lines, boxes, list(base.band_problems))


@dataclass(frozen=True)
class _Shared:
    """What cards with the same backdrop, site name and band share: the picture
    (in the look's palette when flat), the site name's box, the band label's box
    in the band, and what keeps the band from being read."""

    image: Any
    site_box: tuple[int, int, int, int]
    band_box: tuple[int, int, int, int] | None
    band_problems: tuple[str, ...]


@lru_cache(maxsize=8)
def _base(hero: str | None, look: Look, site: str, label: str) -> _Shared:
    """What cards with the same backdrop, site name and band share, drawn once per
    worker (each card copies it): the background or the darkened hero, the logo,
    the site's name, the band; its band checked here, on its pixels, once."""
    from PIL import Image, ImageDraw

    card = (
        _backdrop(hero, look.darken).copy()
        if hero
        else Image.new("RGB", (WIDTH, HEIGHT), look.background)
    )
    pen = ImageDraw.Draw(card)
    x = MARGIN
    if look.logo:
        mark = _logo(look.logo)
        card.paste(mark, (x, MARGIN - 8), mark)
        x += mark.width + 16
    site_box = _draw(pen, (x, MARGIN), site, _font(look.font_regular, 30), look.muted)
    # the band: the same strip on every card of a look and language
    band_box = None
    if look.band_height > 0:
        strip, band_box = _band(look, label)
        card.paste(strip, (0, HEIGHT - look.band_height))
    problems = tuple(band_problems(card, look))
    if not hero:  # a flat card is drawn in its palette (see _ink) and written so (encode)
        card = card.quantize(palette=_palette(look), dither=Image.Dither.NONE)
    return _Shared(card, site_box, band_box, problems)


def _ink(card: Any, look: Look, mask: Any, at: tuple[int, int], colour: str) -> None:
    """Lay `colour` on `card` through `mask` (coverage, 0-255) at `at`, as Pillow
    draws text. On a flat card (mode P, the mask's area plain background) each
    level is mapped to the palette entry quantizing that blend would give
    (_levels), so that a card is never quantized whole."""
    inked = mask.getbbox()  # only where there is ink: blending costs by the pixel
    if inked is None:
        return
    mask = mask.crop(inked)
    at = (at[0] + inked[0], at[1] + inked[1])
    if card.mode != "P":
        card.paste(colour, at, mask)
        return
    indices = mask.point(_levels(look, colour))
    indices.putpalette(_palette(look).getpalette())
    card.paste(indices, at)


@lru_cache(maxsize=8)
def _levels(look: Look, colour: str) -> list[int]:
    """For each coverage level, the palette entry of `colour` blended at that
    level over the background (what quantizing the drawn card chose)."""
    from PIL import Image

    row = Image.new("RGB", (256, 1), look.background)
    row.paste(colour, (0, 0), Image.frombytes("L", (256, 1), bytes(range(256))))
    return list(row.quantize(palette=_palette(look), dither=Image.Dither.NONE).tobytes())


@lru_cache(maxsize=4096)
def _text_mask(path: str, size: int, text: str) -> tuple[Any, tuple[int, int]]:
    """`text`'s coverage mask and where it starts from the point it is drawn at
    (kept per worker: the same dates and characters come back)."""
    from PIL import Image, ImageDraw

    font = _font(path, size)
    left, top, right, bottom = font.getbbox(text)
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255)
    return mask, (left, top)


class _Face:
    """A font at one size and what its titles reuse, kept per worker: each
    cluster's mask (_text_mask) and advance, each pair's kerning, in 26.6 fixed
    point as FreeType places glyphs, and which pairs it draws as one."""

    def __init__(self, path: str, size: int) -> None:
        self.path, self.size = path, size
        self.font = _font(path, size)
        self._advances: dict[str, int] = {}
        self._kerning: dict[tuple[str, str], int] = {}
        self._joined: dict[tuple[str, str], bool] = {}

    def advance(self, text: str) -> int:
        width = self._advances.get(text)
        if width is None:
            width = self._advances[text] = round(self.font.getlength(text) * 64)
        return width

    def kern(self, first: str, second: str) -> int:
        """What laying the two together moves the second by (kerning, 26.6)."""
        pair = (first, second)
        shift = self._kerning.get(pair)
        if shift is None:
            whole = self.advance(first + second)
            shift = self._kerning[pair] = whole - self.advance(first) - self.advance(second)
        return shift

    def joins(self, first: str, second: str) -> bool:
        """Whether the font draws `first` and `second` together otherwise than side
        by side (kerned), as a ligature: seen by drawing them both ways, once per
        pair at this size (a ligature may look like its kerned letters at one size
        and not at another). A space joins nothing."""
        from PIL import Image, ImageChops, ImageDraw

        pair = (first, second)
        joined = self._joined.get(pair)
        if joined is None:
            joined = False
            if not (first.isspace() or second.isspace()):
                left, top, right, bottom = self.font.getbbox(first + second)
                room = (max(1, right - left), max(1, bottom - top))  # where the pair has ink
                whole, parts = Image.new("L", room), Image.new("L", room)
                ImageDraw.Draw(whole).text((-left, -top), first + second, font=self.font, fill=255)
                _lay(parts, self, (-left, -top), pair, 255)
                # where two glyphs overlap, their coverage is combined with a level of rounding
                joined = any(ImageChops.difference(whole, parts).histogram()[3:])
            self._joined[pair] = joined
        return joined


@lru_cache(maxsize=64)
def _face(path: str, size: int) -> _Face:
    return _Face(path, size)


def _lay(
    target: Any,
    face: _Face,
    at: tuple[int, int],
    clusters: Sequence[str],
    ink: int | tuple[int, int, int],
) -> None:
    """Lay a line's clusters on `target` in `ink` (255 on a coverage mask) where
    FreeType lays the line out in one piece: pen positions in 26.6 fixed point
    (advances plus each pair's kerning), rounded to the pixel as Pillow rounds
    each glyph's. Costs a paste per cluster instead of rasterising every glyph
    (three times, in Pillow) on every card."""
    pen = 0
    previous = ""
    for cluster in clusters:
        if previous:
            pen += face.kern(previous, cluster)
        mask, (left, top) = _text_mask(face.path, face.size, cluster)
        target.paste(ink, (at[0] + ((pen + 32) >> 6) + left, at[1] + top), mask)
        pen += face.advance(cluster)
        previous = cluster


# scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko..., their
# presentation forms) and the marks that turn a run right to left
RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u200f\u202b\u202e\u2067"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def _clusters(face: _Face, line: str) -> list[str]:
    """`line` in the pieces it is laid from: its characters, except that those the
    font draws as one (a ligature such as fi or ffi, a letter and its combining
    accent) stay together, and a line with right-to-left text is one piece."""
    if RIGHT_TO_LEFT.search(line):
        return [line]  # the line is reordered for display: Pillow lays it out whole
    clusters: list[str] = []
    for char in line:
        clusters.append(char)
        # ffi: f and f stay apart, then f takes i, then f takes fi
        while len(clusters) > 1 and face.joins(clusters[-2], clusters[-1]):
            clusters[-2:] = [clusters[-2] + clusters[-1]]
    return clusters


@lru_cache(maxsize=8)
def _band(look: Look, label: str) -> tuple[Any, tuple[int, int, int, int]]:
    """The satire band with its label, drawn once per worker, and the label's box in it."""
    from PIL import Image, ImageDraw

    strip = Image.new("RGB", (WIDTH, look.band_height), look.band_background)
    pen = ImageDraw.Draw(strip)
    band_font = _band_font(pen, label, look, WIDTH - 2 * MARGIN)
    text_box = _box((0, 0), label, band_font)
    ty = (look.band_height - (text_box[3] - text_box[1])) // 2 - text_box[1]
    box = _draw(pen, (MARGIN, ty), label, band_font, look.band_foreground)
    return strip, box


@lru_cache(maxsize=8)
def _backdrop(hero: str, darken: float) -> Any:
    """The hero cropped to fill the card and darkened: made once per worker for
    the cards that share it (copied before drawing on it)."""
    from PIL import Image, ImageOps

    with Image.open(hero) as opened:
        # a large JPEG decodes at a reduced scale, still covering the card
        opened.draft("RGB", (WIDTH, HEIGHT))
        image = opened if opened.mode == "RGB" else opened.convert("RGB")
        # a backdrop, darkened behind text: bicubic is plenty, at a third of Lanczos' cost
        filled = ImageOps.fit(image, (WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    return Image.blend(
        filled, Image.new("RGB", (WIDTH, HEIGHT), "#000000"), max(0.0, min(1.0, darken))
    )


@lru_cache(maxsize=4)
def _logo(path: str) -> Any:
    from PIL import Image

    with Image.open(path) as logo:
        mark = logo.convert("RGBA")
    mark.thumbnail((160, 52))
    return mark


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def _long_date(iso: str, language: str) -> str:
    from generator.site.i18n import long_date

    return long_date(dt.date.fromisoformat(iso), language)


def _box(at: tuple[int, int], text: str, font: Any) -> tuple[int, int, int, int]:
    left, top, right, bottom = font.getbbox(text)
    return (at[0] + int(left), at[1] + int(top), at[0] + int(right), at[1] + int(bottom))


def _draw(
    pen: Any, at: tuple[int, int], text: str, font: Any, fill: str
) -> tuple[int, int, int, int]:
    pen.text(at, text, font=font, fill=fill)
    return _box(at, text, font)


def _width(pen: Any, text: str, font: Any) -> float:
    return float(font.getlength(text))


@lru_cache(maxsize=64)
def _site_line(path: str, site: str, room: int) -> str:
    """The site's name on the top line, as it fits beside the date (kept per worker)."""
    return _fit_line(None, site, _font(path, 30), room)


def _fit_line(pen: Any, text: str, font: Any, room: float) -> str:
    """`text` on one line, dropping whole words (then an ellipsis) until it fits."""
    words = text.split(" ")
    while len(words) > 1 and _width(pen, " ".join(words), font) > room:
        words.pop()
        text = " ".join(words) + " …"
    return text if _width(pen, text, font) <= room else ""


_WORDS: dict[tuple[str, int, str], float] = {}  # (font, size, word) -> width, per worker
SLACK = 2.0  # px: past this from the room, a line's summed width decides; closer, it is measured


def _word(path: str, size: int, word: str) -> float:
    key = (path, size, word)
    width = _WORDS.get(key)
    if width is None:
        if len(_WORDS) > 100_000:
            _WORDS.clear()
        width = _WORDS[key] = float(_font(path, size).getlength(word))
    return width


def _wrap(pen: Any, text: str, path: str, size: int, room: float) -> list[str] | None:
    """Greedy word wrap; None when one word alone is wider than `room`. A line's
    width is its words' (kept per worker) plus its spaces; only a line within
    SLACK of the room is measured as a whole (kerning across a space)."""
    font = _font(path, size)
    space = _word(path, size, " ")
    lines: list[str] = []
    widths: list[float] = []
    for word in text.split(
        " "
    ):  # not split(): a non-breaking space holds « mot » and mot ! together
        if not word:
            continue
        width = _word(path, size, word)
        if width > room:
            return None
        if lines:
            joined = widths[-1] + space + width
            if abs(joined - room) <= SLACK:
                joined = _width(pen, f"{lines[-1]} {word}", font)
            if joined <= room:
                lines[-1] = f"{lines[-1]} {word}"
                widths[-1] = joined
                continue
        lines.append(word)
        widths.append(width)
    return lines


def _fits(pen: Any, title: str, path: str, size: int, room: int, height: int) -> list[str] | None:
    lines = _wrap(pen, title, path, size, room)
    return lines if lines is not None and round(size * LINE) * len(lines) <= height else None


def _guess(title: str, path: str, room: int, height: int) -> int:
    """The largest title size at which the words, measured once at the largest
    size and scaled, would fit: where the search starts."""
    largest = TITLE_SIZES[0]
    words = [_word(path, largest, w) for w in title.split(" ") if w]
    space = _word(path, largest, " ")
    for size in TITLE_SIZES:
        scale = size / largest
        lines, width = 0, -1.0
        for word in words:
            if width >= 0 and width + (space + word) * scale <= room:
                width += (space + word) * scale
            else:
                lines, width = lines + 1, word * scale
        if round(size * LINE) * lines <= height:
            return size
    return TITLE_SIZES[-1]


def _title_lines(
    pen: Any, title: str, font_path: str, room: int, height: int
) -> tuple[int, list[str]]:
    """The largest size at which the title fits. Past the smallest, a word wider
    than the card shrinks the text further, and a title too long for the card
    loses whole lines (the last kept one ends in an ellipsis): no word is cut.
    The sizes are tried from a guess (a size fits when the next larger one does
    not), not from the largest down: two or three wraps instead of up to eleven."""
    sizes = list(TITLE_SIZES)
    at = sizes.index(_guess(title, font_path, room, height))
    lines = _fits(pen, title, font_path, sizes[at], room, height)
    if lines is not None:  # then the largest that fits is here or above
        while at > 0 and (larger := _fits(pen, title, font_path, sizes[at - 1], room, height)):
            at, lines = at - 1, larger
        return sizes[at], lines
    for size in sizes[at + 1 :]:
        lines = _fits(pen, title, font_path, size, room, height)
        if lines is not None:
            return size, lines
    text = title
    size = TITLE_SIZES[-1]
    while (lines := _wrap(pen, text, font_path, size, room)) is None and size > 12:
        size -= 2
    font = _font(font_path, size)
    lines = lines or [_fit_line(pen, text, font, room)]
    keep = max(1, height // round(size * LINE))
    if len(lines) > keep:
        lines = lines[:keep]
        lines[-1] = _fit_line(pen, lines[-1] + " …", font, room)
    return size, lines


@lru_cache(maxsize=8)
def _band_size(label: str, font_path: str, band_height: int, room: int) -> int:
    size = max(12, min(34, band_height // 2))
    while size > 12 and _font(font_path, size).getlength(label) > room:
        size -= 2
    return size


def _band_font(pen: Any, label: str, look: Look, room: int) -> Any:
    return _font(look.font, _band_size(label, look.font, look.band_height, room))


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
    # one pass over the drawn band: each pixel's largest channel distance to the band's colour
    from PIL import Image, ImageChops

    band = card.crop((0, HEIGHT - look.band_height, WIDTH, HEIGHT)).convert("RGB")
    red, green, blue = ImageChops.difference(
        band, Image.new("RGB", band.size, _rgb(look.band_background))
    ).split()
    distances = ImageChops.lighter(ImageChops.lighter(red, green), blue).histogram()
    plain = sum(distances[: PLAIN + 1])
    inked = sum(distances[INKED + 1 :])
    area = band.width * band.height
    if plain < area * 0.5:
        problems.append(
            "the satire band is covered (less than half of it shows its background colour)"
        )
    if inked < area * 0.01:
        problems.append("the satire band holds no readable text")
    return problems


PLAIN, INKED = 8, 60  # channel distances: the band's own colour, and text unlike it


def _rgb(colour: str) -> tuple[int, int, int]:
    from PIL import ImageColor

    red, green, blue = ImageColor.getrgb(colour)[:3]
    return (red, green, blue)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        channels = [c / 255 for c in _rgb(colour)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
