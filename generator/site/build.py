"""The static site: `build(project) -> BuildReport` and `render_post_page(project, draft)`.

The pipeline, top to bottom: gather the posts (gather.py), render their bodies
(markup.py: Markdown, sanitize, typography; cached in the render cache and
spread over the cores), plan the pages (pages.py), skip those whose inputs did
not change (keys.py), render the others with the theme (theme.py) into a
staged folder, check every post page's labelling (labels.py), stage static
files with the posts' responsive images and social cards (media.py: made in
the workers, cached in .satire/media), then commit the staged files into the output (write.py). Nothing
touches the output folder before everything rendered and passed the checks.
Last, cache entries no built site uses any more leave .satire/media (prune.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from generator.config import Project
from generator.drafts import Draft
from generator.errors import InputError, SatireError, shown
from generator.infra.fsutil import project_lock
from generator.site import i18n, links, markup, media, stamp
from generator.site.cache import Bodies, RenderCache
from generator.site.gather import assemble, gather, make_post, markdown_of
from generator.site.keys import fingerprint, key_like, page_key
from generator.site.labels import check_post_page
from generator.site.marker import MARKER, read_marker, write_marker
from generator.site.model import Page, Post
from generator.site.pages import SiteInfo, plan, post_context
from generator.site.parallel import Progress, Workers, job, run
from generator.site.prune import prune
from generator.site.theme import Theme
from generator.site.write import SiteWriter, recover

__all__ = ["BuildReport", "Progress", "build", "render_post_page"]

PARALLEL_BODIES = 200  # bodies to render before forking workers pays off
PARALLEL_PAGES = 400  # pages, likewise
BODY_CHUNK = 500  # bodies rendered and stored per round (bounds memory)
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class BuildReport:
    """What a build did."""

    out: Path
    posts: int = 0
    pages: int = 0
    rendered: int = 0  # pages rendered (the others were up to date)
    written: list[str] = field(default_factory=list)  # files created or changed
    removed: list[str] = field(default_factory=list)
    rendered_bodies: int = 0
    made_images: int = (
        0  # source images turned into responsive files (the others came from the cache)
    )
    drawn_cards: int = 0  # social cards drawn (likewise)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # built anyway, but worth a look
    notices: list[str] = field(
        default_factory=list
    )  # posts edited since their approval: one line each, what the site shows instead
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    extra_timings: dict[str, float] = field(
        default_factory=dict
    )  # seconds within a phase (media: images, cards)
    media_used: set[str] = field(
        default_factory=set, repr=False
    )  # .satire/media entries this build published from
    pruned: list[str] = field(
        default_factory=list
    )  # .satire/media entries removed: no built site uses them
    outputs: dict[str, list[Any]] = field(
        default_factory=dict, repr=False
    )  # the output folder's manifest as the build left it

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - since
        return now

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def build(
    project: Project,
    *,
    drafts: bool = False,
    out: Path | None = None,
    today: dt.date | None = None,
    cache: bool = True,
    jobs: int | None = None,
    progress: Progress | None = None,
    inputs: stamp.Inputs | None = None,
) -> BuildReport:
    """Build the site into `out` (default site/). Bad drafts land in `report.errors`;
    `progress` hears of each phase (gather, images, cards, pages) as it goes;
    `inputs`: the project's inputs as scanned just before (`stamp.up_to_date`)."""
    started = time.perf_counter()
    out = (out or project.site_dir).resolve()
    today = today or project.today()
    with project_lock(project.state_dir, "build"), collector_paused():
        # before gathering: an edit made during the build makes the site stale (a
        # scan made earlier still is: at worst, the next build finds it stale too)
        inputs = inputs or stamp.scan(project.root)
        newest_input = inputs.newest_input
        recover(out)
        marked = is_marked(out, drafts=drafts, newest_input=newest_input)
        if drafts and not marked and out.is_dir():
            write_marker(
                out, drafts=True, newest_input=newest_input
            )  # before the output holds a single draft
        store = RenderCache(project, enabled=cache)
        bodies = Bodies(project, enabled=cache)
        workers = Workers(jobs or os.cpu_count() or 1, progress)
        try:
            spelled = recall_dates(store)
            report = _build(
                project,
                store,
                bodies,
                workers,
                drafts=drafts,
                out=out,
                today=today,
            )
            keep_dates(store, spelled)
        finally:
            workers.close()
            bodies.close()
            store.close()
        if not marked:
            write_marker(out, drafts=drafts, newest_input=newest_input)
        # only after a build that went through, under its lock; bad drafts left out keep their files
        clock = time.perf_counter()
        report.pruned = prune(
            project.state_dir / "media", out, report.media_used, clean=not report.errors
        )
        report.lap("prune", clock)
        if cache and not report.errors:  # the next build may be decided from stat data
            outputs = {**report.outputs, MARKER: ["", *_stat(out / MARKER)]}
            done = stamp.Stamp(report.posts, report.pages, report.warnings, report.notices)
            stamp.save(
                project.root, out, drafts, inputs, day=today,
                zone=project.zone.key, outputs=outputs, stamp=done,
            )  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report


def is_marked(out: Path, *, drafts: bool, newest_input: float) -> bool:
    """Whether the marker already says what this build will write (then it is
    left alone, so a build that changes nothing touches nothing). Otherwise the
    build rewrites it at the end; a drafts build also marks the output before
    touching it, so a build cut short never leaves drafts under a marker that
    says there are none (deploy refuses a stale or drafts marker)."""
    old = read_marker(out)
    return old is not None and old.drafts == drafts and old.newest_input_mtime == newest_input


def recall_dates(store: RenderCache) -> int:
    """Give `i18n` the dates spelled by earlier builds; return how many it knows."""
    key = i18n.spelled_dates_key()
    i18n.remember(json.loads(store.get_many([key]).get(key) or "{}"))
    return len(i18n.spelled_dates())


def keep_dates(store: RenderCache, known: int) -> None:
    """Keep the dates spelled so far for the next build, when this one spelled new
    ones (in this process: those spelled in the page workers are spelled again)."""
    spelled = i18n.spelled_dates()
    if len(spelled) > known:
        store.put_many({i18n.spelled_dates_key(): json.dumps(spelled, ensure_ascii=False)})


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a build (nor in its forked workers).
    A build makes many objects that live as long as it does, and little cyclic
    garbage: the collector's passes over them took a tenth of a full build at
    10,000 posts and freed nothing (peak memory is the same without them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(
    project: Project,
    store: RenderCache,
    bodies: Bodies,
    workers: Workers,
    *,
    drafts: bool,
    out: Path,
    today: dt.date,
) -> BuildReport:
    clock = time.perf_counter()
    theme = Theme(project)
    info = SiteInfo(project, drafts, project.zone)
    gathered = gather(project, drafts=drafts, today=today, cache=store, workers=workers)
    report = BuildReport(
        out=out, posts=len(gathered.posts), errors=gathered.errors, notices=gathered.notices
    )
    clock = report.lap("gather", clock)
    report.rendered_bodies = gathered.rendered_bodies + render_bodies(
        project, gathered.posts, store, bodies, workers
    )
    clock = report.lap("bodies", clock)
    pages = plan(info, gathered)
    report.pages = len(pages)
    clock = report.lap("plan", clock)
    shared = fingerprint(
        project.config.model_dump_json(), theme.fingerprint, drafts, gathered.categories
    )
    statics: dict[str, Path | str] = dict(static_files(project, theme))
    report.warnings += missing_images(gathered.posts, statics)
    paths = {page.path for page in pages}
    static_keys: dict[str, str] = {}
    for rel, path in statics.items():
        if rel in paths:
            raise SatireError(
                f"{project.rel(Path(path))}: a static file would replace the generated page {rel}; rename or move it"
            )
        stat = os.stat(path)
        static_keys[rel] = f"static:{path}:{stat.st_size}:{stat.st_mtime_ns}"
    clock = report.lap("keys", clock)
    made = media.prepare(project, gathered.posts, statics, info.root, workers)
    report.warnings += made.warnings
    report.made_images, report.drawn_cards = made.made_images, made.drawn_cards
    report.extra_timings = made.timings
    report.media_used = made.used
    for rel, (made_file, key) in made.files.items():  # cleaned originals replace the static copies
        statics[rel], static_keys[rel] = made_file, key
    clock = report.lap("media", clock)
    manifest = load_manifest(store, out)
    current = up_to_date(manifest, out, pages, static_keys, shared)
    todo = [page for page in pages if page.path not in current]
    writer = SiteWriter(out)
    relative_urls = project.config.site.relative_urls
    clock = report.lap("keys", clock)
    try:
        workers.close()  # pages fork afresh: they inherit what was planned
        # the site-wide pages (archive, feeds, sitemap) are the slowest and come last in
        # the plan: dealt out first, they leave no worker alone at the end
        results = run(
            _render_pages,
            todo[::-1],
            workers.jobs,
            PARALLEL_PAGES,
            setup=partial(
                _prepare, theme, todo, writer, shared, info.root if relative_urls else None
            ),
            progress=workers.progress,
            phase="pages",
        )
        clock = report.lap("pages", clock)
        problems = [problem for _, _, _, problem in results if problem]
        if problems:
            raise SatireError(
                "\n".join(problems)
                + "\nthe theme dropped labelling that every post must carry: restore it in the template named (see the built-in theme's post.html)"
            )
        staged = {rel: stat for rel, _, stat, _ in results if stat is not None}
        written = list(staged)
        written += [
            rel
            for rel, path in statics.items()
            if rel not in current and writer.add_file(rel, Path(path))
        ]
        old = set(manifest) if manifest and out.is_dir() else _walk(out)
        removed = sorted(
            rel for rel in old if rel not in paths and rel not in statics and (out / rel).exists()
        )
        clock = report.lap("static", clock)
        writer.commit(written, removed)
        clock = report.lap("commit", clock)
    except BaseException:
        writer.abort()
        raise
    report.rendered = len(todo)
    report.written = written
    report.removed = removed
    keys = {rel: key for rel, key, _, _ in results} | {
        rel: key for rel, key in static_keys.items() if rel not in current
    }
    del (
        pages,
        todo,
        results,
        paths,
    )  # the manifest is the last big thing a build makes: make room first
    fresh = {rel: [key, *(staged.get(rel) or _stat(out / rel))] for rel, key in keys.items()}
    if fresh or removed or len(current) != len(manifest):
        current.update(fresh)
        save_manifest(store, out, current)
    report.outputs = current
    report.lap("manifest", clock)
    return report


# The manifest: for each file of an output folder, the key it was made from and
# its (size, mtime) then. A file whose key is unchanged and whose stat matches
# is up to date: it is neither rendered nor written.
Manifest = dict[str, list[Any]]


def _manifest_key(out: Path) -> str:
    return "manifest:" + hashlib.sha256(str(out).encode()).hexdigest()


def load_manifest(store: RenderCache, out: Path) -> Manifest:
    key = _manifest_key(out)
    manifest: Manifest = json.loads(store.get_many([key]).get(key) or "{}")
    return manifest


def save_manifest(store: RenderCache, out: Path, manifest: Manifest) -> None:
    store.put_many({_manifest_key(out): json.dumps(manifest)})


def up_to_date(
    manifest: Manifest, out: Path, pages: list[Page], static_keys: dict[str, str], shared: str
) -> Manifest:
    """The manifest's entries still true: same key, same file. A first build
    (no manifest) has none and makes no key here: each page's key is made
    where it is rendered."""
    if not manifest:
        return {}
    keys = {
        page.path: key_like(manifest[page.path][0], page, shared)
        for page in pages
        if page.path in manifest
    } | static_keys
    return {
        rel: entry
        for rel, entry in manifest.items()
        if entry[0] == keys.get(rel) and _stat(f"{out}{os.sep}{rel}") == tuple(entry[1:])
    }


def _stat(path: Path | str) -> tuple[int, int]:
    try:
        # a str path: thousands of these, and pathlib's joins cost more than the stat
        stat = os.stat(path)
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def _walk(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MARKER
    }


# -- rendering, spread over the cores -------------------------------------------


def _prepare(
    theme: Theme,
    pages: list[Page],
    writer: SiteWriter,
    shared: str,
    relative_to: str | None,
) -> None:
    """Set up the page workers; `relative_to`: the site's root path when links are
    made relative to each page (site.relative_urls), else None."""
    for page in pages[:50]:  # compile the templates once, before forking
        theme.template(page.template, page.language)
    job.update(theme=theme, writer=writer, shared=shared, relative_to=relative_to)


Rendered = tuple[str, str, tuple[int, int] | None, str | None]


def _render_pages(pages: Sequence[Page]) -> list[Rendered]:
    """Render, check and stage pages: (path, key, staged file's size and mtime
    or None when the output holds the same bytes, labelling problem or None)."""
    theme: Theme = job["theme"]
    writer: SiteWriter = job["writer"]
    results: list[Rendered] = []
    for page in pages:
        context = page.make()
        reads = Post.unlisted_reads
        html = theme.render(page.template, page.language, context)
        key = page_key(page, job["shared"], context, whole=Post.unlisted_reads != reads)
        problem = None
        if page.post is not None:
            missing = check_post_page(
                html, page.post, disclaimer=context["disclaimer"], about_url=context["about_url"]
            )
            if missing:
                problem = f"{shown(writer.out / page.path)}: {'; '.join(missing)} missing (template {theme.source_of(page.template)})"
        if job["relative_to"] is not None and links.wanted(page.path):
            html = links.relative(html, page.path, job["relative_to"])
        results.append((page.path, key, writer.add(page.path, html.encode("utf-8")), problem))
    return results


def _render_bodies(items: Sequence[tuple[str, str]]) -> list[str]:
    return [markup.body_html(text, language) for text, language in items]


def render_bodies(
    project: Project,
    posts: list[Post],
    store: RenderCache,
    bodies: Bodies,
    workers: Workers | None = None,
) -> int:
    """Render the bodies the cache lacks and point every post at its body;
    return how many were rendered. The Markdown source is dropped afterwards."""
    present = store.present(p.body_key for p in posts) if bodies.enabled else set(bodies.memory)
    missing = list({p.body_key: p for p in posts if p.body_key not in present}.values())
    for start in range(0, len(missing), BODY_CHUNK):
        chunk = missing[start : start + BODY_CHUNK]
        source = markdown_of(project, [p for p in chunk if not p.draft.body])
        items = [(p.draft.body or source.get(p.digest, ""), p.language) for p in chunk]
        html = (workers or Workers(1)).map(_render_bodies, items, PARALLEL_BODIES)
        bodies.put_many(dict(zip([p.body_key for p in chunk], html, strict=True)), store)
    for post in posts:
        post.bodies = bodies
    return len(missing)


def missing_images(posts: list[Post], statics: Mapping[str, object]) -> list[str]:
    """Posts whose hero image is a local path that static/ does not hold."""
    return [
        f"{p.file}: image.src: {p.image.src} is not in static/ (the page will show a broken image)"
        for p in posts
        if p.image is not None and "://" not in p.image.src and p.image.src not in statics
    ]


def static_files(project: Project, theme: Theme) -> dict[str, Path]:
    """The theme's assets under theme/, then the project's static/ at the root."""
    found: dict[str, Path] = {}
    for folder in theme.asset_dirs():
        for path in folder.rglob("*"):
            if path.is_file():
                found[f"theme/{path.relative_to(folder).as_posix()}"] = path
    if project.static_dir.is_dir():
        for path in project.static_dir.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                found[path.relative_to(project.static_dir).as_posix()] = path
    return found


def render_post_page(project: Project, draft: Draft) -> str:
    """The full HTML of one post page as the site shows it, among the site's
    other posts (neighbours, translations); any status: the desk previews drafts."""
    theme = Theme(project)
    today = project.today()
    info = SiteInfo(project, False, project.zone)
    store = RenderCache(project)
    bodies = Bodies(project)
    try:
        site = gather(project, today=today, cache=store)
        post = make_post(draft, project.rel(project.drafts_dir / f"{draft.slug}.md"), today)
        others = [_relinkable(p, today) for p in site.posts if p.slug != draft.slug]
        gathered = assemble([*others, post])
        render_bodies(project, gathered.posts, store, bodies)
        return theme.render("post.html", post.language, post_context(info, gathered, post))
    finally:
        bodies.close()
        store.close()


def _relinkable(post: Post, today: dt.date) -> Post:
    """A fresh copy of a gathered post, for linking among a different set."""
    return make_post(post.draft, post.file, today, post)
