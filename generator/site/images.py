"""Responsive images: the raster images under static/ that posts use, published
in several widths (WebP and their own format) under content-hashed names, and
the HTML that shows them (`<picture>` with `srcset`, `sizes`, `width`, `height`).

Each source image is read once (in a build worker), turned upright (EXIF
orientation), converted to sRGB, stripped of its metadata (GPS included), and
written as `DIR/STEM-WIDTHw.HASH.EXT` (HASH: the first 10 hex digits of the
file's sha256), plus a cleaned full-size copy at its own path (the original
URL keeps working). SVG and animated images pass through as they are, with
their size read. Results are kept under `.satire/media/` by the source's path,
size and mtime: a rebuild with unchanged images reads a small JSON file per
image and never opens one.

A source costs about one decode (issue 21): a JPEG whose widths are all well
under its own decodes at a reduced scale (`draft`); each width is resized from
the next larger one; each file is encoded once, with settings measured for size
against time (see `_encode`); WebP is published only when it pays (smaller by a
tenth than the source's format at a middle width: a grainy photo compresses no
better as WebP, at many times the cost); the original's address serves the
source's own bytes without their metadata segments when the pixels need no
change (upright, no colour profile), else the widest file. A hero also gets the
backdrop its social card is drawn on (cropped to 1200x630, undarkened), so that
a card never decodes a full-size photo.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from generator.infra.fsutil import write_atomic

VERSION = "img-2"  # bump when the files made for the same source change
RASTER = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".gif": "GIF", ".webp": "WEBP"}
PASSED = {".svg"}  # published as they are, with their size read
HERO_SIZES = "(min-width: 44rem) 41.5rem, calc(100vw - 2.5rem)"  # the post column (style.css --measure, less padding)
THUMB_SIZES = "(min-width: 36rem) 9rem, calc(100vw - 2.5rem)"  # a list page's card image
ORIENTATION = 0x0112  # the EXIF tag
WEBP_PAYS = 0.9  # WebP is published when at most this share of the own format's size
BACKDROP = (1200, 630)  # a social card's size (cards.py)
HASHED = re.compile(r"\.[0-9a-f]{10}\.(?:webp|jpe?g|png|gif)$")  # what deploy may cache forever


@dataclass(frozen=True)
class Picture:
    """A published image: its size (upright), and its files by width."""

    src: str  # path under static/ (and on the site)
    width: int
    height: int
    sources: dict[str, list[tuple[str, int]]] = field(
        default_factory=dict
    )  # mime type -> [(site path, width)], narrowest first
    files: dict[str, str] = field(default_factory=dict)  # site path -> cached file to publish
    key: str = ""  # identifies the files (content hash of the source and the settings)
    backdrop: str = ""  # a cached 1200x630 crop for a social card, when made (not published)

    @property
    def fallback(self) -> str:
        """The `src` of the `<img>`: the original format's widest file up to 960 px, or the source."""
        own = [s for mime, s in self.sources.items() if mime != "image/webp"]
        if not own:
            return self.src
        fitting = [path for path, width in own[0] if width <= 960]
        return fitting[-1] if fitting else own[0][0][0]

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Picture:
        data = json.loads(text)
        sources = {
            mime: [(str(p), int(w)) for p, w in items] for mime, items in data["sources"].items()
        }
        return cls(
            data["src"],
            int(data["width"]),
            int(data["height"]),
            sources,
            dict(data["files"]),
            str(data["key"]),
            str(data.get("backdrop", "")),
        )


# -- what posts use ---------------------------------------------------------------

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc=[\"']([^\"']+)[\"']", re.IGNORECASE)


def body_images(markdown_text: str) -> list[str]:
    """The image sources a Markdown body names (Markdown images and raw <img>)."""
    if "![" not in markdown_text and "<img" not in markdown_text.lower():
        return []
    found = _MD_IMAGE.findall(markdown_text) + _HTML_IMAGE.findall(markdown_text)
    return list(dict.fromkeys(html.unescape(src) for src in found))


def local_path(src: str, root: str) -> str | None:
    """A page's image address as a path under static/, or None (remote, data:, ...)."""
    src = src.strip().split("#", 1)[0].split("?", 1)[0]
    if not src or "://" in src or src.startswith(("//", "data:", "mailto:")):
        return None
    if root != "/" and src.startswith(root):
        src = src[len(root) :]
    return src.lstrip("/") or None


def handled(rel: str) -> bool:
    suffix = os.path.splitext(rel)[1].lower()  # Path(rel).suffix, without a Path per post
    return suffix in RASTER or suffix in PASSED


# -- making the files (in build workers) -----------------------------------------------


@dataclass(frozen=True)
class ImageSettings:
    widths: tuple[int, ...]
    quality: int

    @property
    def tag(self) -> str:
        return f"{VERSION}:{','.join(map(str, self.widths))}:q{self.quality}"


def source_key(rel: str, size: int, mtime_ns: int, settings: ImageSettings) -> str:
    """Names a source's cached result: its path, size, mtime and the settings (no read)."""
    return hashlib.sha256(f"{settings.tag}\0{rel}\0{size}\0{mtime_ns}".encode()).hexdigest()


Task = tuple[
    str, str, str, ImageSettings, bool
]  # (site path, source, cache folder, settings, backdrop)
Outcome = tuple[str | None, str | None, bool]  # (Picture as JSON, or a problem; made here)


def make_all(tasks: Sequence[Task]) -> list[Outcome]:
    """Publishable files for each source (run in a worker); a problem instead of a
    crash; whether the files were made (not found under the source's content hash)."""
    results: list[Outcome] = []
    for rel, source, cache, settings, backdrop in tasks:
        try:
            picture, made = _make(rel, Path(source), Path(cache), settings, backdrop=backdrop)
            results.append((picture.to_json(), None, made))
        except (OSError, ValueError, SyntaxError) as exc:  # Pillow raises these on bad files
            results.append(
                (
                    None,
                    f"{rel}: cannot read this image ({type(exc).__name__}: {exc}); published as is",
                    False,
                )
            )
    return results


def make(
    rel: str, source: Path, cache: Path, settings: ImageSettings, *, backdrop: bool = False
) -> Picture:
    """The files of one source (made once per content: the same bytes under
    another name reuse them); `backdrop`: also a social card's backdrop."""
    return _make(rel, source, cache, settings, backdrop=backdrop)[0]


def _make(
    rel: str, source: Path, cache: Path, settings: ImageSettings, *, backdrop: bool
) -> tuple[Picture, bool]:
    data = source.read_bytes()
    key = hashlib.sha256(settings.tag.encode() + b"\0" + data).hexdigest()
    suffix = Path(rel).suffix.lower()
    if suffix in PASSED:  # published from static/ as it is: read, never made
        return _pass_through(rel, source, data, key), False
    folder = cache / key[:32]
    meta = folder / "picture.json"
    if meta.is_file():  # the same bytes under another name or mtime: made already
        known = _rebased(Picture.from_json(meta.read_text(encoding="utf-8")), folder)
        picture = _renamed(known, rel)
        if all(Path(p).is_file() for p in picture.files.values()) and (
            picture.backdrop or not backdrop or not picture.sources
        ):
            return picture, False
    picture = _raster(rel, data, key, folder, settings, backdrop=backdrop)
    write_atomic(meta, picture.to_json(), sync=False)
    return picture, True


def _rebased(picture: Picture, folder: Path) -> Picture:
    """A picture whose files are where `folder` is now: a cache restored into
    another checkout (CI) holds the same files under another absolute path."""
    files = {
        path: str(folder / Path(file).name) if Path(file).parent.name == folder.name else file
        for path, file in picture.files.items()
    }
    backdrop = str(folder / Path(picture.backdrop).name) if picture.backdrop else ""
    return Picture(
        picture.src, picture.width, picture.height, picture.sources, files, picture.key, backdrop
    )


def _renamed(picture: Picture, rel: str) -> Picture:
    """A picture made for the same bytes under another path, named for `rel`."""
    if picture.src == rel:
        return picture
    old_stem, new_stem = _stem(picture.src), _stem(rel)
    sources = {
        mime: [(new_stem + p[len(old_stem) :], w) for p, w in items]
        for mime, items in picture.sources.items()
    }
    files = {
        (rel if p == picture.src else new_stem + p[len(old_stem) :]): f
        for p, f in picture.files.items()
    }
    return Picture(
        rel, picture.width, picture.height, sources, files, picture.key, picture.backdrop
    )


def _stem(rel: str) -> str:
    return rel[: len(rel) - len(Path(rel).suffix)]


_SVG_SIZE = re.compile(r"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r"\b(width|height|viewBox)\s*=\s*[\"']([^\"']*)[\"']")


def _pass_through(rel: str, source: Path, data: bytes, key: str) -> Picture:
    """An SVG: published as is, with the size its root element declares (0 x 0 when none)."""
    width = height = 0
    match = _SVG_SIZE.search(data[:4096].decode("utf-8", "replace"))
    if match:
        attrs = dict(_ATTR.findall(match.group(0)))
        box = attrs.get("viewBox", "").replace(",", " ").split()
        try:
            width, height = int(float(attrs["width"])), int(float(attrs["height"]))
        except (KeyError, ValueError):
            if len(box) == 4:
                width, height = round(float(box[2])), round(float(box[3]))
    return Picture(rel, width, height, {}, {rel: str(source)}, key)


def _raster(
    rel: str, data: bytes, key: str, folder: Path, settings: ImageSettings, *, backdrop: bool
) -> Picture:
    from PIL import Image, ImageOps

    opened = Image.open(io.BytesIO(data))  # in memory: nothing to close
    fmt = RASTER.get(Path(rel).suffix.lower()) or opened.format or "PNG"
    if getattr(opened, "n_frames", 1) > 1:  # animated: resizing would drop the animation
        path = folder / f"original{Path(rel).suffix.lower()}"
        write_atomic(path, data, sync=False)
        return Picture(rel, opened.width, opened.height, {}, {rel: str(path)}, key)
    stripped = _stripped_jpeg(data, opened)
    width, height = opened.size  # upright when stripped (no orientation to apply)
    widths = published_widths(width, settings)
    if stripped is not None and width > widths[-1]:
        # every file is narrower than the source: decode at a reduced scale (1/2, 1/4, 1/8)
        opened.draft("RGB", (widths[-1], max(1, round(height * widths[-1] / width))))
    opened.load()
    upright = opened.getexif().get(ORIENTATION, 1) in (0, 1)
    image = _srgb(opened if upright else ImageOps.exif_transpose(opened))
    if stripped is None:
        width, height = image.size
        widths = published_widths(width, settings)
    alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    if image.mode != ("RGBA" if alpha else "RGB"):
        image = image.convert("RGBA" if alpha else "RGB")
    if fmt == "JPEG" and alpha:
        fmt = "PNG"  # never happens for a real JPEG; keeps a converted file honest
    stem = _stem(rel)
    ext = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}[fmt]
    # from the widest down, each resized from the one before (cheaper, and as sharp)
    scaled: dict[int, Any] = {}
    current = image
    for w in reversed(widths):
        if current.width != w:
            current = current.resize(
                (w, max(1, round(height * w / width))), Image.Resampling.LANCZOS
            )
        scaled[w] = current
    own: dict[int, bytes] = {w: _encode(scaled[w], fmt, settings.quality) for w in widths}
    webp: dict[int, bytes] = {}
    if fmt != "WEBP":
        probe = max([w for w in widths if w <= 960] or widths[:1])
        webp[probe] = _encode(scaled[probe], "WEBP", settings.quality)
        if len(webp[probe]) <= WEBP_PAYS * len(own[probe]):
            webp |= {w: _encode(scaled[w], "WEBP", settings.quality) for w in widths if w != probe}
        else:
            webp = {}
    kinds = [("image/webp", ".webp", webp)] if webp else []
    kinds += [(f"image/{fmt.lower()}", ext, own)]
    sources: dict[str, list[tuple[str, int]]] = {}
    files: dict[str, str] = {}
    for mime, suffix, encoded in kinds:
        for w in widths:
            name = f"{stem}-{w}w.{hashlib.sha256(encoded[w]).hexdigest()[:10]}{suffix}"
            path = folder / Path(name).name
            if not path.is_file():
                write_atomic(path, encoded[w], sync=False)
            sources.setdefault(mime, []).append((name, w))
            files[name] = str(path)
    # the original's address keeps working: the source's bytes without their metadata
    # when its pixels need no change, else the full-size file, cleaned like the others
    full = folder / f"original{ext}"
    if stripped is not None:
        write_atomic(full, stripped, sync=False)
    elif widths[-1] == width:
        full = Path(files[sources[f"image/{fmt.lower()}"][-1][0]])
    else:
        write_atomic(full, _encode(image, fmt, max(settings.quality, 90)), sync=False)
    files[rel] = str(full)
    card = ""
    if backdrop:
        path = folder / "backdrop.jpg"
        covering = [
            scaled[w] for w in widths if w >= BACKDROP[0] and scaled[w].height >= BACKDROP[1]
        ]  # the smallest file that covers the card: less to resize than the source
        fit = ImageOps.fit(covering[0] if covering else image, BACKDROP, Image.Resampling.BICUBIC)
        write_atomic(path, _encode(fit, "BACKDROP", 95), sync=False)
        card = str(path)
    return Picture(rel, width, height, sources, files, key, card)


def published_widths(width: int, settings: ImageSettings) -> list[int]:
    """The widths of a source's files, narrowest first: the settings' under its
    own width, and its own when it is no wider than the largest setting."""
    below = [w for w in settings.widths if w < width]
    return [*below, width] if not settings.widths or width <= max(settings.widths) else below


# JPEG segments kept when stripping: frames (SOF), tables (DHT, DAC, DQT, DRI) and
# scans, JFIF and Adobe's colour transform (APP14); EXIF, XMP, ICC, comments and
# other application segments go
_KEEP = (set(range(0xC0, 0xD0)) - {0xC8}) | {0xDB, 0xDD, 0xEE}


def _stripped_jpeg(data: bytes, opened: Any) -> bytes | None:
    """The JPEG's bytes without its metadata, when nothing else must change (no
    orientation to apply, no colour profile to convert, RGB or grey); None otherwise."""
    if opened.format != "JPEG" or opened.mode not in ("RGB", "L"):
        return None
    if "icc_profile" in opened.info or opened.getexif().get(ORIENTATION, 1) not in (0, 1):
        return None
    out = bytearray(data[:2])
    at = 2
    if data[:2] != b"\xff\xd8":
        return None
    while at + 2 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:  # end of image: anything after it (thumbnails, depth maps) goes
            return bytes(out + b"\xff\xd9")
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        end = at + 2 + length
        if marker == 0xDA:  # a scan: its header, then entropy-coded data up to the next marker
            end = _scan_end(data, end)
            out += data[at:end]
        elif marker in _KEEP or (marker == 0xE0 and data[at + 4 : at + 9] == b"JFIF\0"):
            out += data[at:end]
        elif not (0xE0 <= marker <= 0xEF or marker == 0xFE):
            return None  # a segment we do not know: re-encode rather than guess
        at = end
    return None


def _scan_end(data: bytes, at: int) -> int:
    """Where the entropy-coded data starting at `at` ends: the first marker that
    is not a stuffed 0xFF00 nor a restart (RST0-7)."""
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= len(data):
            return len(data)
        following = data[at + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            at += 1
            continue
        return at


def _srgb(image: Any) -> Any:
    """The image in sRGB (from its ICC profile, when it has one), without the profile."""
    from PIL import ImageCms

    icc = image.info.get("icc_profile")
    if image.mode == "CMYK":
        image = image.convert("RGB")
    if icc:
        try:
            mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
            image = ImageCms.profileToProfile(
                image.convert(mode),
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    image.info.pop("icc_profile", None)
    return image


def _encode(image: Any, kind: str, quality: int) -> bytes:
    """Encode with no metadata at all: no EXIF, no XMP, no ICC, no text chunks.
    ImageSettings measured on a 1600x1067 photo (CPU, one core): JPEG `optimize`
    saves 8% for 2.6x the time of a plain encode (18 ms), `progressive` 5% more
    for 2.5x again (47 ms): optimized only. WebP `method` 1 makes files within 2%
    of method 4's at 45% of the time (103 against 234 ms); method 0 is 16% larger."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)
    elif kind == "BACKDROP":  # a card's backdrop: decoded once per card, never published
        image.convert("RGB").save(out, "JPEG", quality=quality, subsampling=0)
    elif kind == "WEBP":
        image.save(out, "WEBP", quality=quality, method=1)
    elif kind == "GIF":
        image.save(out, "GIF", optimize=True)
    else:
        image.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


# -- HTML ------------------------------------------------------------------------------


def img_html(
    src: str,
    alt: str,
    picture: Picture | None,
    *,
    root: str,
    hero: bool = False,
    sizes: str = HERO_SIZES,
    css: str = "",
) -> Markup:
    """An image as the page shows it: `<picture>` when there are widths, a plain
    `<img>` otherwise (SVG, remote). Only the hero loads at once and first."""
    attrs = f' alt="{escape(alt)}"'
    if css:
        attrs += f' class="{escape(css)}"'
    if picture is not None and picture.width and picture.height:
        attrs += f' width="{picture.width}" height="{picture.height}"'
    attrs += ' fetchpriority="high"' if hero else ' loading="lazy" decoding="async"'
    if picture is None:
        return Markup(f'<img src="{escape(_href(src, root))}"{attrs}>')
    if not picture.sources:
        return Markup(f'<img src="{escape(root + picture.src)}"{attrs}>')
    parts = ["<picture>"]
    own = ""
    for mime, items in picture.sources.items():
        srcset = escape(", ".join(f"{root}{path} {width}w" for path, width in items))
        if mime == "image/webp" and len(picture.sources) > 1:
            parts.append(f'<source type="image/webp" srcset="{srcset}" sizes="{escape(sizes)}">')
        else:
            own = f' srcset="{srcset}" sizes="{escape(sizes)}"'
    parts.append(f'<img src="{escape(root + picture.fallback)}"{own}{attrs}></picture>')
    return Markup("".join(parts))


def _href(src: str, root: str) -> str:
    from generator.site.markup import safe_url

    return safe_url(src) if "://" in src or src.startswith("/") else root + safe_url(src)


_BODY_IMG = re.compile(r"<img\b([^>]*)>")
_BODY_ATTR = re.compile(r'\b(src|alt)="([^"]*)"')


def rewrite_body(body: str, pictures: Mapping[str, Picture], root: str) -> str:
    """A sanitized body with its local images as responsive, lazy `<picture>`s."""
    if not pictures or "<img" not in body:
        return body

    def swap(match: re.Match[str]) -> str:
        attrs = dict(_BODY_ATTR.findall(match.group(1)))
        rel = local_path(html.unescape(attrs.get("src", "")), root)
        picture = pictures.get(rel) if rel else None
        if picture is None:
            return match.group(0)
        return str(img_html(rel or "", html.unescape(attrs.get("alt", "")), picture, root=root))

    return _BODY_IMG.sub(swap, body)


def used_by(image_src: str | None, body_srcs: Iterable[str], root: str) -> list[str]:
    """Paths under static/ a post shows: its hero first, then its body's images."""
    wanted = [image_src] if image_src else []
    wanted += list(body_srcs)
    found = [rel for rel in (local_path(s, root) for s in wanted) if rel and handled(rel)]
    return list(dict.fromkeys(found))
