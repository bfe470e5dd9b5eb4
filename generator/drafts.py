"""Drafts: `drafts/SLUG.md`, YAML front matter (its keys: docs/concepts.md) and a Markdown body, plus
every revision kept under `.satire/revisions/SLUG/` and, for a post that is
online, the copy readers see in `drafts/.published/SLUG.md`.

`DraftStore` is the only code that reads or writes drafts; every write is
atomic, and a revision snapshot is written before the draft that points at it.
The published copy is committed with the drafts (the revisions are not): a build
on a fresh clone still knows what was approved, see `generator.review.approval`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field

from generator.brief import Image
from generator.config import Project
from generator.errors import InputError, InputErrors, SatireError
from generator.infra import yamlfile
from generator.infra.fsutil import write_atomic
from generator.infra.validation import Strict, did_you_mean, validate

Status = Literal["draft", "approved", "rejected", "published"]
STATUSES: tuple[Status, ...] = ("draft", "approved", "rejected", "published")
FENCE = "---"
PUBLISHED = ".published"  # under drafts/: the copies of the posts online


class SourceRef(Strict):
    """The story a post is based on: shown on every page, linked."""

    publisher: str
    url: str
    title: str


class SelfCheck(Strict):
    """The writer's self-check: fix requests sent, and claim findings before and after."""

    rounds: int = Field(ge=0, description="fix requests sent")
    findings_before: int = Field(ge=0, description="claim findings of the first answer")
    findings_after: int = Field(ge=0, description="claim findings of the draft kept")


class Provenance(Strict):
    """How a revision was written: enough to reproduce and to audit it."""

    backend: str
    model: str
    prompt_sha256: str
    brief_sha256: str
    temperature: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    generated_at: dt.datetime
    cached: bool = False
    note: str | None = Field(None, description="e.g. that the offline writer, not an LLM, wrote it")
    self_check: SelfCheck | None = Field(
        None, description="the fact-check revision after writing (none: not run)"
    )


class Approval(Strict):
    """An editor's yes, bound to the text: the digest of everything the page shows
    (`generator.review.approval.digest`) at the revision approved."""

    revision: int = Field(ge=1, description="the revision approved")
    digest: str = Field(description="sha256 of what the page shows, as approved")
    by: str = Field(description="who approved it")
    at: dt.datetime = Field(description="when")


class Draft(Strict):
    """A post at any status. `body` is the Markdown; the rest is front matter."""

    title: str
    slug: str
    date: dt.date | None = None
    status: Status = "draft"
    brief: str = Field(description="the brief's path, relative to the project")
    style: str
    language: str
    dek: str = ""
    pull_quote: str = ""
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    source: SourceRef
    image: Image | None = None
    revision: int = 1
    translations: dict[str, str] = Field(
        default_factory=dict,
        description="language -> slug of the same story written in that language",
    )
    provenance: Provenance
    approved: Approval | None = Field(
        None, description="the last approval (kept after an edit, to tell what changed since)"
    )
    body: str = Field("", exclude=True)

    def front_matter(self) -> dict[str, Any]:
        data = self.model_dump(mode="python", exclude={"body"})
        if data["approved"] is None:
            del data["approved"]  # never approved: the file stays as it was before approvals
        return data

    def to_text(self) -> str:
        return f"{FENCE}\n{yamlfile.dump(self.front_matter())}{FENCE}\n\n{self.body.strip()}\n"


def parse_draft(text: str, file: str) -> Draft:
    """A draft from its file text; InputErrors point into the file."""
    if not text.startswith(FENCE + "\n"):
        raise InputError(
            file,
            1,
            1,
            "(front matter)",
            "a draft starts with '---', its YAML front matter, and '---'",
        )
    end = text.find(f"\n{FENCE}\n", len(FENCE))
    if end < 0:
        raise InputError(file, 1, 1, "(front matter)", "front matter is not closed by a '---' line")
    head, body = text[len(FENCE) + 1 : end + 1], text[end + len(FENCE) + 2 :]
    try:  # fast path for the common, valid case: no marks needed
        draft = Draft.model_validate(yaml.load(head, Loader=yamlfile.SafeLoader))
        draft.body = body.strip("\n")
        return draft
    except (yaml.YAMLError, ValueError, TypeError):
        pass  # parse again, slowly, to say where the problem is
    data, marks = yamlfile.loads(head, file)
    marks.spots = {k: (line + 1, col) for k, (line, col) in marks.spots.items()}  # the fence line
    draft = validate(Draft, data, marks, what="front matter fields (title, slug, status, ...)")
    draft.body = body.strip("\n")
    return draft


class DraftStore:
    """Drafts of one project and their revisions."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.folder = project.drafts_dir
        self.revisions_dir = project.state_dir / "revisions"

    def path(self, slug: str) -> Path:
        return self.folder / f"{slug}.md"

    def published_path(self, slug: str) -> Path:
        """The copy of a post that readers see (kept while its draft is edited)."""
        return self.folder / PUBLISHED / f"{slug}.md"

    def exists(self, slug: str) -> bool:
        return self.path(slug).is_file()

    def slugs(self) -> list[str]:
        return [entry.name[:-3] for entry in self.entries()]

    def entries(self) -> list[os.DirEntry[str]]:
        """The draft files (SLUG.md), sorted by slug; a link counts as the file it points to."""
        try:
            with os.scandir(self.folder) as found:
                files = [
                    e for e in found if e.name.endswith(".md") and e.name != ".md" and e.is_file()
                ]
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(files, key=lambda entry: entry.name[:-3])  # by slug

    def load(self, slug: str) -> Draft:
        path = self.path(slug)
        if not path.is_file():
            hint = did_you_mean(slug, self.slugs())
            raise SatireError(f"no draft {slug!r} in {self.project.rel(self.folder)}/{hint}")
        return parse_draft(path.read_text(encoding="utf-8"), self.project.rel(path))

    def load_all(self) -> tuple[list[Draft], list[InputError]]:
        """Every readable draft, and one error per unreadable one."""
        drafts: list[Draft] = []
        errors: list[InputError] = []
        for slug in self.slugs():
            try:
                drafts.append(self.load(slug))
            except InputErrors as exc:
                errors.extend(exc.errors)
            except InputError as exc:
                errors.append(exc)
        return drafts, errors

    def __iter__(self) -> Iterator[Draft]:
        return iter(self.load_all()[0])

    # -- writing ---------------------------------------------------------------

    def save(self, draft: Draft) -> Path:
        """Rewrite the draft in place (a status move): no new revision."""
        path = self.path(draft.slug)
        write_atomic(path, draft.to_text())
        return path

    def save_revision(self, draft: Draft) -> Draft:
        """Store `draft` as the next revision of its slug, then as the draft."""
        number = self.next_revision(draft.slug)
        draft = draft.model_copy(update={"revision": number, "body": draft.body})
        revision = self._revision_path(draft.slug, number)
        write_atomic(revision, draft.to_text())
        try:
            self.save(draft)
        except OSError:
            # the draft was not written (a full disk, a read-only folder): no revision
            # may claim otherwise, and the next try is this number again
            with contextlib.suppress(OSError):
                revision.unlink()
            raise
        return draft

    # -- the published copy ----------------------------------------------------

    def load_published(self, slug: str) -> Draft | None:
        """The copy readers see, or None when the post is not online."""
        path = self.published_path(slug)
        if not path.is_file():
            return None
        return parse_draft(path.read_text(encoding="utf-8"), self.project.rel(path))

    def save_published(self, draft: Draft) -> Path:
        path = self.published_path(draft.slug)
        write_atomic(path, draft.to_text())
        return path

    def remove_published(self, slug: str) -> bool:
        path = self.published_path(slug)
        if not path.is_file():
            return False
        path.unlink()
        return True

    # -- revisions -------------------------------------------------------------

    def keep(self, draft: Draft) -> None:
        """Keep `draft` as the snapshot of its revision when there is none here (a
        fresh clone has no revisions): a new revision never replaces unkept text."""
        path = self._revision_path(draft.slug, draft.revision)
        if not path.is_file():
            write_atomic(path, draft.to_text())

    def _revision_path(self, slug: str, number: int) -> Path:
        return self.revisions_dir / slug / f"{number:04d}.md"

    def revisions(self, slug: str) -> list[int]:
        folder = self.revisions_dir / slug
        if not folder.is_dir():
            return []
        return sorted(int(p.stem) for p in folder.glob("*.md") if p.stem.isdigit())

    def next_revision(self, slug: str) -> int:
        known = self.revisions(slug)
        current = self.load(slug).revision if self.exists(slug) else 0
        return max([current, *known]) + 1

    def revision_text(self, slug: str, number: int) -> str:
        path = self._revision_path(slug, number)
        if not path.is_file():
            known = ", ".join(map(str, self.revisions(slug))) or "none"
            raise SatireError(f"{slug!r} has no revision {number} (revisions: {known})")
        return path.read_text(encoding="utf-8")
