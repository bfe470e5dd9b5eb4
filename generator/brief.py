"""The brief: one news story an editor hands to the writer (briefs/NAME.yaml).

`Brief` is the schema (documented in docs/briefs.md), `load_brief(path)` reads one file safely
and reports every problem as `FILE:LINE:COL: field.path: message`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from pydantic import Field, PrivateAttr, field_validator

from generator.config import check_http_url, check_language
from generator.errors import InputError, InputErrors
from generator.infra import yamlfile
from generator.infra.validation import Strict, did_you_mean, validate

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, limit: int = 80) -> str:
    """'Amazon names Peter DeSantis' -> 'amazon-names-peter-desantis'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "post"


class Source(Strict):
    """The story the satire is based on."""

    publisher: str = Field(min_length=1, description="e.g. TechCrunch")
    url: str = Field(description="link to the original story (http or https)")
    published: dt.date | None = Field(None, description="when the story ran")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_http_url(value)


class Quote(Strict):
    """A real quote: the only words that may be put in a real person's mouth."""

    by: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Image(Strict):
    """The hero image and its credit."""

    src: str = Field(min_length=1, description="path under static/ or an http(s) URL")
    alt: str = Field(min_length=1, description="text for readers who cannot see the image")
    credit: str | None = Field(None, description="e.g. Carlos Gil / Unsplash")
    credit_url: str | None = Field(None, description="link for the credit (http or https)")

    @field_validator("src")
    @classmethod
    def _src(cls, value: str) -> str:
        if "://" in value or value.startswith("//"):
            return check_http_url(value)
        parts = value.replace("\\", "/").split("/")  # (a path's parts, without a Path per draft)
        if value.startswith("/") or ".." in parts or ":" in value:
            raise ValueError(
                "image path must be relative to static/ with no '..' (or an http(s) URL)"
            )
        return value

    @field_validator("credit_url")
    @classmethod
    def _credit_url(cls, value: str | None) -> str | None:
        return None if value is None else check_http_url(value)


class FactEvidence(Strict):
    """A fact of an intake brief and the article sentence that backs it."""

    fact: str = Field(min_length=1, description="the fact as it stands in `facts`")
    sentence: str = Field(min_length=1, description="the article sentence that backs it, verbatim")


class QuoteEvidence(Strict):
    """A quote of an intake brief and the article sentence it stands in."""

    by: str = Field(min_length=1)
    text: str = Field(min_length=1, description="the quote as it stands in `quotes`")
    sentence: str = Field(min_length=1, description="the article sentence holding it, verbatim")


class Evidence(Strict):
    """For each fact and quote of an intake brief, the article's own words."""

    facts: list[FactEvidence] = Field(default_factory=list)
    quotes: list[QuoteEvidence] = Field(default_factory=list)


class Dropped(Strict):
    """What the extractor proposed that the article did not back (dropped, counted)."""

    facts: int = Field(0, ge=0)
    quotes: int = Field(0, ge=0)
    misattributed: int = Field(
        0,
        ge=0,
        description="quotes whose words the article holds but not with that speaker named near them",
    )


class IntakeInfo(Strict):
    """Where an intake brief came from (`satire intake`); absent on hand-written briefs."""

    url: str = Field(description="the article's canonical URL")
    feed: str | None = Field(
        None, description="the feed's name (or URL) it came through; none for an article URL"
    )
    fetched_at: dt.datetime = Field(description="when the article was fetched (UTC)")
    extractor: str = Field(
        min_length=1,
        description="how the brief was extracted, with versions, e.g. 'offline; trafilatura 2.3.0'",
    )
    article: str = Field(
        min_length=1,
        description="where the article's text is kept, relative to the project (never published)",
    )
    article_chars: int = Field(0, ge=0, description="length of the article's main text")
    sent_chars: int | None = Field(
        None,
        ge=0,
        description="characters of it sent to the LLM, when fewer than article_chars (the article was cut)",
    )
    dropped: Dropped = Field(default_factory=Dropped)
    angles: list[str] = Field(default_factory=list, description="comic angles proposed at intake")
    evidence: Evidence = Field(default_factory=Evidence)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_http_url(value)


class Brief(Strict):
    """One story to satirise."""

    title: str = Field(min_length=1, description="the source story's title")
    source: Source
    summary: str = Field(min_length=1, description="what happened, plainly")
    facts: list[str] = Field(default_factory=list, description="checkable facts the satire may use")
    quotes: list[Quote] = Field(
        default_factory=list, description="real quotes, the only words real people may say"
    )
    people: list[str] = Field(default_factory=list, description="real people in the story")
    angle: str | None = Field(None, description="the joke's angle")
    style: str | None = Field(None, description="humor style (default from config)")
    language: str | None = Field(None, description="BCP 47 tag of the post (default from config)")
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    image: Image | None = None
    slug: str | None = Field(None, description="[a-z0-9-] only; derived from the title when absent")
    date: dt.date | None = Field(None, description="publication date")
    confirmed: bool = Field(
        True,
        description="false until an editor confirms an intake brief (satire brief confirm); briefs without the key are confirmed",
    )
    intake: IntakeInfo | None = Field(
        None,
        description="set by satire intake: the article it came from and the evidence for each fact and quote",
    )

    _path: Path | None = PrivateAttr(None)
    _sha256: str = PrivateAttr("")

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not SLUG_RE.match(value):
            raise ValueError(
                "slug may hold only a-z, 0-9 and single hyphens inside (no '/', '..' or spaces)"
            )
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else check_language(value)

    @field_validator("facts", "people", "categories", "tags")
    @classmethod
    def _no_blank_items(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise ValueError("items may not be empty")
        return values

    @property
    def path(self) -> Path | None:
        """The file the brief was read from."""
        return self._path

    @property
    def sha256(self) -> str:
        """Hash of the brief's bytes: an unchanged brief is not regenerated."""
        return self._sha256

    @property
    def effective_slug(self) -> str:
        return self.slug or slugify(self.title)


def load_brief(
    path: Path, display: str | None = None, styles: Collection[str] | None = None
) -> Brief:
    """Read, check and return one brief; InputError(s) name the file, line and column."""
    file = display or str(path)
    raw = yamlfile.read(path, file)  # read once: parsed and hashed from the same bytes
    data, marks = yamlfile.load_bytes(raw, file)
    brief = validate(
        Brief, data, marks, what="a mapping of brief fields (title, source, summary, ...)"
    )
    if styles is not None and brief.style is not None and brief.style not in styles:
        hint = did_you_mean(brief.style, styles) or f" (known styles: {', '.join(sorted(styles))})"
        raise InputErrors([marks.error(("style",), f"unknown style {brief.style!r}{hint}")])
    brief._path = path
    brief._sha256 = hashlib.sha256(raw).hexdigest()
    return brief


def brief_paths(folder: Path) -> list[Path]:
    """Every brief in `folder`, sorted (both .yaml and .yml)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def resolve_brief(briefs_dir: Path, name: str) -> Path:
    """A brief named on the command line: a path, or a name in briefs/."""
    given = Path(name)
    for candidate in (
        given,
        briefs_dir / name,
        briefs_dir / f"{name}.yaml",
        briefs_dir / f"{name}.yml",
    ):
        if candidate.is_file():
            return candidate
    return given


def load_briefs(
    paths: list[Path], styles: Collection[str] | None, display: Callable[[Path], str] = str
) -> tuple[list[Brief], list[InputError]]:
    """Every good brief of `paths`, and every problem of the bad ones.

    Two briefs that would write the same draft (same slug) are a problem too.
    """
    briefs: list[Brief] = []
    errors: list[InputError] = []
    for path in paths:
        try:
            briefs.append(load_brief(path, display(path), styles))
        except InputErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc)
    seen: dict[str, Brief] = {}
    for brief in list(briefs):
        key = brief.effective_slug
        if key in seen and brief.path is not None:
            other = seen[key].path
            errors.append(
                InputError(
                    display(brief.path),
                    1,
                    1,
                    "slug",
                    f"slug {key!r} is already used by {display(other) if other else 'another brief'}: set a distinct 'slug'",
                )
            )
            briefs.remove(brief)
        else:
            seen[key] = brief
    return briefs, errors


def json_schema() -> str:
    """The published JSON Schema of briefs (schemas/brief.schema.json), for editors' YAML plugins."""
    import json

    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://satire.invalid/schemas/brief.schema.json"
    schema["title"] = "satire brief"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":  # python -m generator.brief > schemas/brief.schema.json
    print(json_schema(), end="")


# -- the confirmation rule generate and run apply --------------------------------------


def confirmation_gate(briefs: Iterable[Brief]) -> tuple[list[Brief], list[Brief]]:
    """(briefs an editor has confirmed, briefs still waiting for one)."""
    ready: list[Brief] = []
    waiting: list[Brief] = []
    for brief in briefs:
        (ready if brief.confirmed else waiting).append(brief)
    return ready, waiting


def waiting_line(waiting: Sequence[Brief]) -> str:
    """The one line saying how many briefs wait and how to confirm them."""
    count = len(waiting)
    example = waiting[0].effective_slug if count == 1 else "SLUG"
    return (
        f"{count} brief{'s' if count != 1 else ''} wait{'s' if count == 1 else ''} for an editor's confirmation and {'was' if count == 1 else 'were'} skipped: "
        f"confirm with 'satire brief confirm {example}' (see 'satire brief list --unconfirmed'), or write anyway with --unconfirmed"
    )
