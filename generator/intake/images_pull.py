"""`satire images pull`: a brief's remote image brought into the project.

A brief whose `image.src` is an http(s) URL shows that URL as is (the build
never fetches anything). Pulling it, brief by brief:

1. fetch the URL through intake's one HTTP client (`intake.fetch.Fetcher`:
   timeouts, `intake.max_bytes`, redirects, the private-address guard);
2. accept only an image: its content type must be one of `IMAGE_TYPES`, and
   its bytes that very image (a raster must open in Pillow in the format the
   type names; an SVG must be plain XML with no script, event handler,
   external reference or entity, or it is refused);
3. write it atomically as `static/images/<slug>-<hash>.<ext>` (the hash of its
   bytes: a second pull of the same image writes nothing new);
4. rewrite the brief's `image.src` to `images/<name>`, everything else kept as
   the editor wrote it (`yamledit`: comments, order, alt, credit, credit_url),
   checked against the brief schema before it is written, atomically.

The image is written before the brief: a crash in between leaves an unused
file, never a brief pointing at a missing one. Every failure is one line
naming the URL; the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from generator.brief import Brief, Image, load_brief
from generator.config import Project
from generator.errors import SatireError
from generator.infra import yamledit, yamlfile
from generator.infra.fsutil import project_lock, write_atomic
from generator.infra.validation import validate
from generator.intake.fetch import Fetcher, FetchError

LOCK = "brief"  # the lock `satire brief confirm` holds while it edits a brief
FOLDER = "images"  # under static/
HASH_CHARS = 10

# content type -> (Pillow format, file extension); SVG has no Pillow format
IMAGE_TYPES: dict[str, tuple[str | None, str]] = {
    "image/jpeg": ("JPEG", ".jpg"),
    "image/png": ("PNG", ".png"),
    "image/gif": ("GIF", ".gif"),
    "image/webp": ("WEBP", ".webp"),
    "image/avif": ("AVIF", ".avif"),
    "image/svg+xml": (None, ".svg"),
}
ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif,image/svg+xml;q=0.9"

SVG_NS = "http://www.w3.org/2000/svg"
_EXTERNAL_CSS = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.I)


class Refused(Exception):
    """What was fetched is not an image we keep; `str()` says why."""


def is_remote(src: str) -> bool:
    return src.lower().startswith(("http://", "https://"))


@dataclass
class Pull:
    """What happened to one brief's image."""

    slug: str
    url: str
    status: str  # pulled | failed | would-pull
    path: str = ""  # the image's path under the project, once pulled
    size: int = 0
    error: str = ""  # one line naming the URL


@dataclass
class PullReport:
    pulled: list[Pull] = field(default_factory=list)
    failed: list[Pull] = field(default_factory=list)
    planned: list[Pull] = field(default_factory=list)  # --dry-run
    local: list[str] = field(default_factory=list)  # slugs whose image is already in static/
    no_image: list[str] = field(default_factory=list)  # slugs named that have no image

    @property
    def ok(self) -> bool:
        return not self.failed


# -- which briefs ------------------------------------------------------------------------


def select(briefs: Sequence[Brief], names: Sequence[str]) -> tuple[list[Brief], list[str]]:
    """The briefs named by slug, file name or stem (all when no name); and the names that match none."""
    if not names:
        return list(briefs), []
    chosen: list[Brief] = []
    unknown: list[str] = []
    for name in names:
        match = next(
            (
                b
                for b in briefs
                if b.path is not None and name in (b.effective_slug, b.path.stem, b.path.name)
            ),
            None,
        )
        if match is None:
            unknown.append(name)
        elif match not in chosen:
            chosen.append(match)
    return chosen, unknown


# -- the pull ----------------------------------------------------------------------------


def pull(
    project: Project,
    briefs: Sequence[Brief],
    *,
    dry_run: bool = False,
    fetcher: Fetcher | None = None,
    echo: Callable[[Pull], None] = lambda _: None,
) -> PullReport:
    """Pull the remote image of every brief of `briefs` that has one; `echo` hears each outcome."""
    report = PullReport()
    client = fetcher or Fetcher.for_project(project)
    for brief in briefs:
        slug = brief.effective_slug
        if brief.image is None:
            report.no_image.append(slug)
            continue
        if not is_remote(brief.image.src):
            report.local.append(slug)
            continue
        url = brief.image.src
        if dry_run:
            outcome = Pull(slug, url, "would-pull")
            report.planned.append(outcome)
        else:
            try:
                outcome = _pull_one(project, client, brief, url)
                report.pulled.append(outcome)
            except (FetchError, Refused, SatireError, OSError) as exc:
                outcome = Pull(slug, url, "failed", error=failure_line(url, exc))
                report.failed.append(outcome)
        echo(outcome)
    return report


def failure_line(url: str, exc: Exception) -> str:
    """The one line naming the URL: why its image was not pulled."""
    if isinstance(exc, FetchError):
        return str(exc)  # names the URL already
    if isinstance(exc, OSError):  # static/ or briefs/ not writable, disk full
        return f"{url}: could not write: {exc.strerror or exc}"
    return f"{url}: {exc}"


def _pull_one(project: Project, client: Fetcher, brief: Brief, url: str) -> Pull:
    response = client.get(url, accept=ACCEPT)
    body = response.body
    extension = checked_extension(response.content_type, body)
    digest = hashlib.sha256(body).hexdigest()[:HASH_CHARS]
    target = project.static_dir / FOLDER / f"{brief.effective_slug}-{digest}{extension}"
    src = f"{FOLDER}/{target.name}"
    if not (target.is_file() and target.read_bytes() == body):
        write_atomic(target, body)
    rewrite_src(project, brief, url, src)
    return Pull(brief.effective_slug, url, "pulled", path=project.rel(target), size=len(body))


# -- is it really an image ----------------------------------------------------------------


def checked_extension(content_type: str, body: bytes) -> str:
    """The file extension for `body`, once it is known to be the image its content type names."""
    known = IMAGE_TYPES.get(content_type)
    if known is None:
        kinds = ", ".join(IMAGE_TYPES)
        raise Refused(f"refused: content type {content_type or 'none'} is not an image ({kinds})")
    pil_format, extension = known
    if not body:
        raise Refused(f"refused: empty body for {content_type}")
    if pil_format is None:
        check_svg(body)
    else:
        check_raster(body, pil_format, content_type)
    return extension


def check_raster(body: bytes, pil_format: str, content_type: str) -> None:
    """Refuse unless Pillow reads `body` as a whole image in `pil_format`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(body)) as image:
                found = image.format
                image.verify()
    except (
        UnidentifiedImageError,
        PILImage.DecompressionBombError,
        PILImage.DecompressionBombWarning,
    ) as exc:
        raise Refused(
            f"refused: sent as {content_type} but not an image Pillow can read ({type(exc).__name__})"
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise Refused(f"refused: a broken {content_type} image ({exc})") from None
    if found != pil_format:
        raise Refused(
            f"refused: sent as {content_type} but the bytes are {found or 'another format'}"
        )


def check_svg(body: bytes) -> None:
    """Refuse an SVG that could run code or load anything when a page shows it."""
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise Refused(
            "refused: an SVG with a DOCTYPE or entities (they can pull in files or expand without end)"
        )
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise Refused(f"refused: sent as image/svg+xml but not well-formed XML ({exc})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise Refused("refused: sent as image/svg+xml but its root is not an <svg> element")
    for element in root.iter():
        name = _local(element.tag)
        if name.lower() in {"script", "foreignobject", "iframe", "embed", "object"}:
            raise Refused(f"refused: an SVG holding a <{name}> element")
        for attribute, value in element.attrib.items():
            local = _local(attribute).lower()
            if local.startswith("on"):
                raise Refused(f"refused: an SVG with an event handler ({_local(attribute)}=...)")
            if local in {"href", "src"} and not value.strip().startswith("#"):
                raise Refused(
                    f"refused: an SVG with an external reference ({_local(attribute)}={value[:60]!r})"
                )
            if local == "style" and _EXTERNAL_CSS.search(value):
                raise Refused("refused: an SVG whose style loads an external resource")
        if name == "style" and _EXTERNAL_CSS.search(element.text or ""):
            raise Refused("refused: an SVG whose <style> loads an external resource")


def _local(name: str) -> str:
    return name.rpartition("}")[2]


# -- the brief -------------------------------------------------------------------------------


def rewrite_src(project: Project, brief: Brief, url: str, src: str) -> None:
    """Point the brief's image at `src`, the rest of the file as the editor wrote it."""
    assert brief.path is not None
    path, file = brief.path, project.rel(brief.path)
    with project_lock(project.state_dir, LOCK):
        current = load_brief(path, file)  # read again under the lock: an edit since is kept
        if current.image is None or current.image.src != url:
            raise SatireError(f"{file} changed while its image was pulled: run again")
        text = path.read_bytes().decode("utf-8-sig")

        def change(doc: Any) -> None:
            doc["image"]["src"] = src

        edited = yamledit.edit(text, change, file)
        expected = current.image.model_copy(update={"src": src})
        check_edit(edited, file, current, expected)
        write_atomic(path, edited)


def check_edit(text: str, file: str, before: Brief, image: Image) -> None:
    """The edited brief must be valid and differ from `before` in its image's src only."""
    data, marks = yamlfile.loads(text, file)
    try:
        after = validate(Brief, data, marks)
    except SatireError as exc:
        message = exc.format_message().splitlines()[0]
        raise SatireError(
            f"{file}: the new src would make the brief invalid, so it was not written: {message}"
        ) from None
    if after.image != image or after.model_dump(exclude={"image"}) != before.model_dump(
        exclude={"image"}
    ):
        raise SatireError(
            f"{file}: the edit did not come out as meant, so it was not written; set image.src by hand to {image.src}"
        )
