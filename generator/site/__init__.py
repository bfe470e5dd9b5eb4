"""The static site: `build(project) -> Report` and `render_post_page(project, draft)`.

The pipeline, top to bottom: gather the posts (gather.py), render their bodies
(markup.py: Markdown, sanitize, typography; cached in the render cache and
spread over the cores), plan the pages (pages.py), render each with the theme
(theme.py) into a staged folder, check every post page's labelling
(labels.py), copy static files, then swap the staged folder in (write.py).
Nothing touches the output folder before everything rendered and checked.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.config import Project
from generator.drafts import Draft
from generator.errors import InputError, SatireError
from generator.fsutil import project_lock
from generator.site import markup
from generator.site.cache import RenderCache
from generator.site.gather import assemble, gather, make_post, today_in
from generator.site.labels import check_post_page
from generator.site.model import Post
from generator.site.pages import SiteInfo, plan, post_context
from generator.site.theme import Theme
from generator.site.write import SiteWriter

__all__ = ["Report", "build", "render_post_page"]

PARALLEL_FROM = 200  # bodies to render before forking workers pays off


@dataclass
class Report:
    """What a build did."""

    out: Path
    posts: int = 0
    pages: int = 0
    written: list[str] = field(default_factory=list)
    kept: int = 0
    removed: list[str] = field(default_factory=list)
    rendered_bodies: int = 0
    errors: list[InputError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


def build(project: Project, *, drafts: bool = False, out: Path | None = None, today: dt.date | None = None, cache: bool = True, jobs: int | None = None) -> Report:
    """Build the site into `out` (default site/). Bad drafts land in `report.errors`."""
    started = time.perf_counter()
    out = (out or project.site_dir).resolve()
    with project_lock(project.state_dir, "build"):
        theme = Theme(project)
        info = SiteInfo(project, drafts, _zone(project))
        gathered = gather(project, drafts=drafts, today=today or today_in(project))
        report = Report(out=out, posts=len(gathered.posts), errors=gathered.errors)
        report.rendered_bodies = render_bodies(project, gathered.posts, cache=cache, jobs=jobs)
        pages = plan(info, gathered)
        writer = SiteWriter(out)
        try:
            problems: list[str] = []
            for page in pages:
                language = page.context["lang"]
                html = theme.render(page.template, language, page.context)
                if page.post is not None:
                    missing = check_post_page(html, page.post, disclaimer=page.context["disclaimer"], about_url=page.context["about_url"])
                    if missing:
                        problems.append(f"{_shown(out / page.path)}: {'; '.join(missing)} missing (template {theme.source_of(page.template)})")
                writer.add(page.path, html.encode("utf-8"))
            if problems:
                raise SatireError("\n".join(problems) + "\nthe theme dropped labelling that every post must carry: restore it in the template named (see the built-in theme's post.html)")
            copy_static(project, theme, writer)
            report.removed = writer.commit()
        except ValueError as exc:
            writer.abort()
            raise SatireError(str(exc)) from None
        except BaseException:
            writer.abort()
            raise
    report.pages = len(pages)
    report.written = writer.written
    report.kept = writer.kept
    report.seconds = time.perf_counter() - started
    return report


def _zone(project: Project) -> ZoneInfo:
    today_in(project)  # validates the zone name with a clear message
    return ZoneInfo(project.config.site.timezone)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def render_bodies(project: Project, posts: list[Post], *, cache: bool = True, jobs: int | None = None) -> int:
    """Fill `post.body_html` and `post.minutes`; return how many were rendered (not cached)."""
    store = RenderCache(project, enabled=cache)
    try:
        keys = [markup.cache_key(p.draft.body, p.language) for p in posts]
        known = store.get_many(keys)
        todo = [(i, p) for i, (p, k) in enumerate(zip(posts, keys, strict=True)) if k not in known]
        fresh = _render_many([(p.draft.body, p.language) for _, p in todo], jobs)
        store.put_many({keys[i]: html for (i, _), html in zip(todo, fresh, strict=True)})
        known.update({keys[i]: html for (i, _), html in zip(todo, fresh, strict=True)})
    finally:
        store.close()
    for post, key in zip(posts, keys, strict=True):
        post.body_html = known[key]
        post.minutes = markup.reading_minutes(post.draft.body)
    return len(todo)


def _render_one(item: tuple[str, str]) -> str:
    return markup.body_html(*item)


def _render_many(items: list[tuple[str, str]], jobs: int | None) -> list[str]:
    workers = jobs or os.cpu_count() or 1
    if workers < 2 or len(items) < PARALLEL_FROM:
        return [_render_one(item) for item in items]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_render_one, items, chunksize=max(16, len(items) // (workers * 8))))


def copy_static(project: Project, theme: Theme, writer: SiteWriter) -> None:
    """The theme's assets under theme/, then the project's static/ at the root."""
    assets: dict[str, Path] = {}
    for folder in theme.asset_dirs():
        for path in folder.rglob("*"):
            if path.is_file():
                assets[f"theme/{path.relative_to(folder).as_posix()}"] = path
    if project.static_dir.is_dir():
        for path in project.static_dir.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                assets[path.relative_to(project.static_dir).as_posix()] = path
    for rel, path in sorted(assets.items()):
        writer.add_file(rel, path)


def render_post_page(project: Project, draft: Draft) -> str:
    """The full HTML of one post page as the site shows it, among the site's
    other posts (neighbours, translations); any status: the desk previews drafts."""
    theme = Theme(project)
    today = today_in(project)
    info = SiteInfo(project, False, _zone(project))
    site = gather(project, today=today)
    post = make_post(draft, project.rel(project.drafts_dir / f"{draft.slug}.md"), today)
    others = [make_post(p.draft, p.file, today) for p in site.posts if p.slug != draft.slug]
    gathered = assemble([*others, post])
    render_bodies(project, gathered.posts, jobs=1)
    return theme.render("post.html", post.language, post_context(info, gathered, post))
