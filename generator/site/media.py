"""A build's images and cards: which files the posts need, made (in the build's
workers) only when the cache under `.satire/media/` lacks them, then handed to
the build as files to publish, each with the key that says when it changed.

    .satire/media/sources/KEY.json  a source image's Picture, KEY = its path, size, mtime, settings
    .satire/media/images/HASH/      the files made from one source's bytes (HASH: of those bytes and the settings)
    .satire/media/cards/KEY.HASH.EXT  a card (png or jpg), KEY = the hash of everything it is drawn from, HASH = of its bytes
    .satire/media/uses/HASH.json    what the build into one output folder used (prune.py removes the rest)

A rebuild with nothing changed reads the small JSON files and stats the
cached files: it decodes no image and draws no card.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import Project
from generator.errors import SatireError
from generator.infra.fsutil import write_atomic
from generator.site import cards, images
from generator.site.images import ImageSettings, Picture
from generator.site.model import Post
from generator.site.parallel import Workers

PARALLEL_IMAGES = 4  # sources to make before forking workers pays off
PARALLEL_CARDS = 8


@dataclass
class Media:
    """Files to publish (site path -> (file, key)) and what went wrong but did not stop the build."""

    files: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # strings, not Paths: one per post for the cards
    warnings: list[str] = field(default_factory=list)
    made_images: int = 0
    drawn_cards: int = 0
    timings: dict[str, float] = field(
        default_factory=dict
    )  # seconds: "media.images", "media.cards"
    used: set[str] = field(
        default_factory=set
    )  # cache entries published from, as KIND/NAME (see prune.py)


def prepare(
    project: Project,
    posts: list[Post],
    statics: Mapping[str, Path | str],
    root: str,
    workers: Workers,
) -> Media:
    """Make what the posts need and point each post at its pictures and card."""
    media = Media()
    cache = project.state_dir / "media"
    started = time.perf_counter()
    # each post's images as paths under static/ (hero first), and its hero's alone
    uses = [images.used_by(p.image.src if p.image else None, p.body_images, root) for p in posts]
    heroes = [images.local_path(p.image.src, root) if p.image else None for p in posts]
    pictures = _pictures(project, uses, set(heroes), statics, cache, workers, media)
    for post, used in zip(posts, uses, strict=True):
        mine = {rel: pictures[rel] for rel in used if rel in pictures}
        if mine:
            post.pictures = mine
        for picture in mine.values():
            for rel, path in picture.files.items():
                media.files[rel] = (path, f"media:{picture.key[:32]}")
    media.timings["media.images"] = time.perf_counter() - started
    started = time.perf_counter()
    _cards(project, posts, heroes, cache, workers, media)
    media.timings["media.cards"] = time.perf_counter() - started
    for post in posts:
        parts = [p.key for p in post.pictures.values()] + [post.card or ""]
        post.media_key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]
    return media


def _settings(project: Project) -> ImageSettings:
    config = project.config.images
    return ImageSettings(tuple(sorted(set(config.widths))), config.quality)


def _pictures(
    project: Project,
    uses: list[list[str]],
    heroes: set[str | None],
    statics: Mapping[str, Path | str],
    cache: Path,
    workers: Workers,
    media: Media,
) -> dict[str, Picture]:
    settings = _settings(project)
    wanted: dict[str, Path] = {}
    for used in uses:
        for rel in used:
            if rel in statics and rel not in wanted:
                wanted[rel] = Path(statics[rel])
    found: dict[str, Picture] = {}
    tasks: list[images.Task] = []
    records: dict[str, Path] = {}
    for rel, path in wanted.items():
        stat = path.stat()
        record = (
            cache
            / "sources"
            / f"{images.source_key(rel, stat.st_size, stat.st_mtime_ns, settings)}.json"
        )
        picture = _known(record)
        if picture is not None:
            found[rel] = picture
            media.used |= {f"sources/{record.name}", f"images/{picture.key[:32]}"}
        else:
            records[rel] = record
            tasks.append((rel, str(path), str(cache / "images"), settings, rel in heroes))
    # one source per chunk: at 0.1-0.2 s each, no worker waits long for the other at the end
    results = workers.map(
        images.make_all, tasks, PARALLEL_IMAGES, phase="images", parts=max(1, len(tasks))
    )
    for (rel, *_), (made, problem, fresh) in zip(tasks, results, strict=True):
        if made is None:
            media.warnings.append(f"{project.rel(wanted[rel])}: {problem}")
            continue
        write_atomic(records[rel], made, sync=False)
        found[rel] = Picture.from_json(made)
        media.used |= {f"sources/{records[rel].name}", f"images/{found[rel].key[:32]}"}
        media.made_images += fresh  # else its files were in the cache (a fresh clone's mtimes)
    return found


def _known(record: Path) -> Picture | None:
    """A source's cached Picture, when its files are all still in the cache."""
    try:
        picture = Picture.from_json(record.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return None
    return picture if all(Path(p).is_file() for p in picture.files.values()) else None


def _cards(
    project: Project,
    posts: list[Post],
    heroes: list[str | None],
    cache: Path,
    workers: Workers,
    media: Media,
) -> None:
    style = cards.look(project.config.images.card, project.root)
    stamps = " ".join(_stamp(p) for p in (style.font, style.font_regular, style.logo) if p)
    site = project.config.title
    folder = cache / "cards"
    drawn = {
        name.split(".", 1)[0]: name
        for name in (os.listdir(folder) if folder.is_dir() else [])
        if name.endswith((".png", ".jpg"))
    }  # KEY.HASH.EXT
    tasks: list[tuple[cards.Spec, str]] = []
    owners: list[tuple[Post, str]] = []
    for post, rel in zip(posts, heroes, strict=True):
        hero = post.pictures.get(rel) if rel else None
        # the backdrop made for it (1200x630), or the cleaned original
        hero_file = (
            (hero.backdrop or hero.files.get(hero.src))
            if hero is not None and hero.sources
            else None
        )
        spec = cards.Spec(post.title, site, post.date.isoformat(), post.language, hero_file, style)
        key = spec.key(stamps)[:40]
        if key in drawn:
            _publish(post, folder, drawn[key], key, media)
        else:
            tasks.append((spec, str(folder / key)))
            owners.append((post, key))
    # cards sharing a hero drawn one after the other: a worker keeps the last few
    # backdrops (decoded, cropped, darkened, with the site's name and the band)
    order = sorted(range(len(tasks)), key=lambda i: tasks[i][0].hero or "")
    drawn_sorted = workers.map(
        cards.draw_all, [tasks[i] for i in order], PARALLEL_CARDS, phase="cards", parts=16
    )
    results: list[tuple[str | None, str | None]] = [(None, None)] * len(tasks)
    for i, result in zip(order, drawn_sorted, strict=True):
        results[i] = result
    failed = [
        f"{post.file}: social card: {problem}"
        for (post, _), (_, problem) in zip(owners, results, strict=True)
        if problem
    ]
    if failed:
        raise SatireError(
            "\n".join(failed)
            + "\nevery card carries the satire band: fix images.card in satire.yaml (band_height at least 48, text and band at least 4.5:1 contrast)"
        )
    for (post, key), (path, _) in zip(owners, results, strict=True):
        _publish(post, folder, os.path.basename(path or ""), key, media)
    media.drawn_cards = len(tasks)


def _publish(post: Post, folder: Path, name: str, key: str, media: Media) -> None:
    """The card's site path carries the hash of its bytes (from its cached name, KEY.HASH.EXT)."""
    _, digest, ext = name.split(".")
    post.card = f"cards/{post.slug}.{digest}.{ext}"
    media.files[post.card] = (os.path.join(folder, name), f"media:{key[:32]}")
    media.used.add(f"cards/{name}")


def _stamp(path: str) -> str:
    """A file a card is drawn from, by its content (not its mtime: a fresh clone
    with `.satire/media` restored must find the same cards)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
