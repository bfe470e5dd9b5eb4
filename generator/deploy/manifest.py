"""The built site as deploy sees it, what changed, and what a deploy did.

`scan(site)` lists the built files (never the build marker) with their MD5,
Content-Type, Cache-Control and the phase in which they go out; `compare` sets
them against what a target holds (path -> MD5) and says what to upload, in
order, and what the site no longer has. Every target goes through these, so
all three decide and report the same way.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.site.marker import MARKER

Echo = Callable[[str], None]

# Readers must never see a page that links to an asset not uploaded yet, nor an
# index that links to a page not uploaded yet: assets go first, then post pages,
# then the pages that list posts, feeds and the sitemap. Deletions come last.
PHASES = ("assets", "pages", "indexes")

SHORT_CACHE = "public, max-age=300"  # pages, feeds, sitemaps: news must show within minutes
ASSET_CACHE = "public, max-age=3600"  # a style sheet may change under the same name
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"  # the name changes with the content
HASHED_NAME = re.compile(r"\.[0-9a-fA-F]{8,}\.[^./]+$")  # name.<8+ hex digits>.ext

TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
}
FEED_TYPES = {"atom.xml": "application/atom+xml", "rss.xml": "application/rss+xml"}
TEXT_TYPES = re.compile(r"^(text/|application/([a-z.+-]+\+)?(xml|json)$|image/svg\+xml$)")


@dataclass(frozen=True)
class SiteFile:
    """One built file, as it will be uploaded."""

    rel: str  # path inside the site, with forward slashes
    path: Path
    size: int
    md5: str  # hex
    content_type: str
    cache_control: str
    phase: int  # index into PHASES


def content_type(rel: str) -> str:
    """The Content-Type a reader's browser needs, with the charset for text."""
    name = rel.rsplit("/", 1)[-1]
    suffix = Path(name).suffix.lower()
    kind = (
        FEED_TYPES.get(name)
        or TYPES.get(suffix)
        or mimetypes.guess_type(name)[0]
        or "application/octet-stream"
    )
    return f"{kind}; charset=utf-8" if TEXT_TYPES.match(kind) else kind


def phase_of(rel: str) -> int:
    name = rel.rsplit("/", 1)[-1]
    if name.endswith(".html"):
        return 1 if rel.startswith("posts/") else 2
    if name.endswith(".xml") or rel == "robots.txt":
        return 2
    return 0


def cache_control(rel: str) -> str:
    if HASHED_NAME.search(rel.rsplit("/", 1)[-1]):
        return IMMUTABLE_CACHE
    return ASSET_CACHE if phase_of(rel) == 0 else SHORT_CACHE


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan(site: Path) -> list[SiteFile]:
    """Every file of the built site but the build marker, sorted by path."""
    files = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file() or rel == MARKER:
            continue
        files.append(
            SiteFile(
                rel,
                path,
                path.stat().st_size,
                md5_of(path),
                content_type(rel),
                cache_control(rel),
                phase_of(rel),
            )
        )
    return files


def checksums(folder: Path, skip: Iterable[str] = ()) -> dict[str, str]:
    """path -> MD5 of every file under `folder` (a target's copy of the site), but `skip`'s top-level names."""
    skipped = set(skip)
    return {
        p.relative_to(folder).as_posix(): md5_of(p)
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).parts[0] not in skipped
    }


@dataclass
class Changes:
    """What a deploy has to do: uploads (`by_phase` gives them in the order
    readers need), and what the target holds that the site no longer has."""

    uploads: list[SiteFile]
    new: set[str]  # uploads the target does not hold at all
    unchanged: int
    stale: list[str]

    def by_phase(self) -> list[list[SiteFile]]:
        return [[f for f in self.uploads if f.phase == n] for n in range(len(PHASES))]


def compare(files: list[SiteFile], remote: Mapping[str, str]) -> Changes:
    """The site's files against the target's (path -> MD5)."""
    uploads = [f for f in files if remote.get(f.rel) != f.md5]
    ours = {f.rel for f in files}
    return Changes(
        uploads=uploads,
        new={f.rel for f in uploads if f.rel not in remote},
        unchanged=len(files) - len(uploads),
        stale=sorted(rel for rel in remote if rel not in ours),
    )


@dataclass
class DeployReport:
    """What a deploy did (or, in a dry run, would do)."""

    target: str
    dry_run: bool = False
    uploads: list[str] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0  # files the site no longer has, left in place by --no-delete
    bytes: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter, repr=False)

    @property
    def uploaded(self) -> int:
        return len(self.uploads)

    @property
    def deleted(self) -> int:
        return len(self.deletes)

    @property
    def ok(self) -> bool:
        return not self.errors

    def record(self, changes: Changes, *, delete: bool) -> None:
        """What `changes` makes of this deploy, all of it done (a target removes what failed)."""
        self.uploads = [f.rel for f in changes.uploads]
        self.bytes = sum(f.size for f in changes.uploads)
        self.unchanged = changes.unchanged
        self.deletes = list(changes.stale) if delete else []
        self.kept = 0 if delete else len(changes.stale)

    def summary(self) -> str:
        verb = "would be " if self.dry_run else ""
        line = (
            f"{'dry run, nothing changed: ' if self.dry_run else ''}{self.target}: {self.uploaded} {verb}uploaded, "
            f"{self.unchanged} unchanged, {self.deleted} {verb}deleted, {human_bytes(self.bytes)}, {self.seconds:.2f} s"
        )
        if self.kept:
            line += f"; {self.kept} the site no longer has kept (--no-delete)"
        if self.errors:
            line += f"; {len(self.errors)} failed"
        return line

    def finish(self) -> DeployReport:
        self.seconds = time.perf_counter() - self.started
        return self


def list_changes(changes: Changes, *, delete: bool, echo: Echo) -> None:
    """A dry run's listing: each upload (new or changed) in order, then each deletion."""
    for f in changes.uploads:
        echo(
            f"would upload {f.rel} ({'new' if f.rel in changes.new else 'changed'}, {PHASES[f.phase]})"
        )
    for rel in changes.stale:
        echo(f"would delete {rel}" if delete else f"would keep {rel} (--no-delete)")


def human_bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} B"
