"""`satire build [--drafts] [--out DIR]`: the static site.

On a terminal, each phase of the build (gather, images, cards, pages) shows its
progress on stderr as it goes; on a pipe or in CI, only the summary line, and,
for a build that takes more than a few seconds, one line per phase as it ends.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from generator.commands import App, echo_err, pass_app
from generator.errors import shown
from generator.site.parallel import Progress

SLOW = 3.0  # seconds: a build past this prints its phases on a pipe
SHOWN = ("gather", "images", "cards", "pages")  # the phases a user waits for
NOUNS = {
    "gather": "drafts read",
    "images": "images made",
    "cards": "cards drawn",
    "pages": "pages rendered",
}


@click.command()
@click.option(
    "--drafts",
    is_flag=True,
    help="Also show drafts, approved and scheduled posts (with a DRAFT banner, noindex).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: site/).",
)
@pass_app
def build(app: App, drafts: bool, out: Path | None) -> int:
    """Render published posts into a static site."""
    from generator.infra.root import SITE_DIR
    from generator.site import stamp

    started = time.perf_counter()
    root = app.root()
    target = (out or root / SITE_DIR).resolve()
    verdict = stamp.up_to_date(root, target, drafts)  # nothing to do: no config, no drafts loaded
    last = verdict.stamp
    if last is not None:
        tell(last.warnings, last.notices)
        click.echo(summary(last.posts, last.pages, target, seconds=time.perf_counter() - started))
        return 0
    from generator.site.build import build as build_site

    project = app.project()
    progress: Bars | Lines = Bars() if sys.stderr.isatty() else Lines(SLOW)
    with progress:
        report = build_site(
            project, drafts=drafts, out=target, progress=progress, inputs=verdict.inputs
        )
    for error in report.errors:
        echo_err(error.message)
    tell(report.warnings, report.notices)
    click.echo(
        summary(
            report.posts,
            report.pages,
            report.out,
            report.rendered,
            len(report.written),
            len(report.removed),
            report.rendered_bodies,
            report.made_images,
            report.drawn_cards,
            seconds=report.seconds,
        )
    )
    if report.errors:
        echo_err(f"{len({e.file for e in report.errors})} draft(s) left out because of errors")
        return 2
    return 0


def summary(
    posts: int,
    pages: int,
    out: Path,
    rendered: int = 0,
    written: int = 0,
    removed: int = 0,
    bodies: int = 0,
    images: int = 0,
    cards: int = 0,
    *,
    seconds: float,
) -> str:
    """The line a build ends with."""
    return (
        f"{posts} post(s), {pages} page(s) in {shown(out)}: "
        f"{rendered} rendered, {written} written, {removed} removed "
        f"({bodies} bodies rendered, {images} images and {cards} cards made, {seconds:.2f} s)"
        + ("" if written or removed else "; nothing changed")
    )


def tell(warnings: list[str], notices: list[str]) -> None:
    """A build's warnings and notices, one line each on stderr."""
    for warning in warnings:
        echo_err(f"warning: {warning}")
    for notice in notices:
        echo_err(notice)


class Lines(Progress):
    """One line per phase as it ends (`gather: 1000 drafts read in 0.45 s, 2222/s`),
    once the build has taken `slow` seconds: a quick build prints none."""

    def __init__(self, slow: float, write: Any = click.echo) -> None:
        self.slow = slow
        self.write = write
        self.started = time.perf_counter()
        self.phases: dict[str, list[float]] = {}  # phase -> [total, done, started]
        self.held: list[str] = []
        self.talking = False

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def start(self, phase: str, total: int) -> None:
        if phase in SHOWN:
            self.phases[phase] = [float(total), 0.0, time.perf_counter()]
            if not total:
                self.advance(phase, 0)

    def advance(self, phase: str, done: int) -> None:
        if phase not in self.phases:
            return
        state = self.phases[phase]
        state[1] += done
        if state[1] < state[0]:
            return
        now = time.perf_counter()
        seconds = now - state[2]
        rate = f", {state[0] / seconds:,.0f}/s" if seconds > 0 and state[0] else ""
        self.held.append(f"{phase}: {state[0]:,.0f} {NOUNS[phase]} in {seconds:.2f} s{rate}")
        del self.phases[phase]
        if not self.talking and now - self.started >= self.slow:
            self.talking = True
        if self.talking:
            for line in self.held:
                self.write(line)
            self.held.clear()


class Bars(Progress):
    """Each phase as a bar on the terminal (stderr): done of total, rate, time left."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")

        self.bar = RichProgress(
            TextColumn("{task.description:<7}"),
            BarColumn(),
            MofNCompleteColumn(),
            Rate(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Bars:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def start(self, phase: str, total: int) -> None:
        if phase in SHOWN and phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(phase, total=total)

    def advance(self, phase: str, done: int) -> None:
        if phase in self.tasks:
            self.bar.advance(self.tasks[phase], done)
