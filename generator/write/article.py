"""The article an LLM (or the offline writer) hands back: one pydantic model,
its JSON schema for `response_format`, a tolerant parser for answers that
come as JSON in a code fence or as plain Markdown, and `fill_missing`, which
derives the dek, pull quote and tags an answer left out (a title and a body
are all an answer needs to be kept); and `Work`, what the writer is asked to
do, as data (the offline writer reads it from the request's context).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.drafts import Draft
    from generator.styles import Style


@dataclass(frozen=True)
class Work:
    """A write or revise request's inputs as data: the brief, the style and the
    post's language, and for a revision the current draft and the editor's note."""

    brief: Brief
    style: Style
    language: str
    draft: Draft | None = None
    note: str | None = None


class Article(BaseModel):
    """What a writer returns: the post before it becomes a draft."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=300)
    dek: str = Field(
        "", max_length=600, description="empty when the answer had none: `fill_missing` derives it"
    )
    body: str = Field(min_length=200, description="Markdown, paragraphs separated by blank lines")
    pull_quote: str = Field(
        "", max_length=600, description="empty when the answer had none: `fill_missing` derives it"
    )
    tags: list[str] = Field(default_factory=list)

    @field_validator("tags")
    @classmethod
    def _tags(cls, values: list[str]) -> list[str]:
        return [v.strip().lower() for v in values if v.strip()]

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        value = " ".join(value.split()).strip("#* ")
        if not value:
            raise ValueError("empty once Markdown marks are removed")
        return value

    @field_validator("dek")
    @classmethod
    def _dek(cls, value: str) -> str:
        return " ".join(value.split()).strip("#* ")

    @field_validator("pull_quote")
    @classmethod
    def _pull_quote(cls, value: str) -> str:
        return " ".join(value.split()).lstrip(">").strip().strip('"«»“”* ').strip()


# Strict Structured Outputs: every property required, no others.
ARTICLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "dek": {"type": "string"},
        "body": {"type": "string"},
        "pull_quote": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["title", "dek", "body", "pull_quote", "tags"],
    "additionalProperties": False,
}


class InvalidArticle(ValueError):
    """The answer could not be read as an Article; the message says why."""


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n(.*?)\n```", re.S)


def parse_article(text: str) -> Article:
    """An Article from an answer: JSON, JSON in a fence or among prose, else Markdown."""
    text = (text or "").strip()
    if not text:
        raise InvalidArticle("the answer was empty")
    problems: list[str] = []
    for candidate in _json_candidates(text):
        try:
            data = json.loads(candidate)
        except json.JSONDecodeError as exc:
            problems.append(f"not JSON ({exc.msg} at char {exc.pos})")
            continue
        if not isinstance(data, dict):
            problems.append(f"JSON {type(data).__name__}, not an object")
            continue
        try:
            return Article.model_validate(data)
        except ValidationError as exc:
            problems.append(_describe(exc))
    if not text.lstrip().startswith(("{", "[", "```")):
        article = _from_markdown(text)
        if article is not None:
            return article
        problems.append("plain text without a '# title' line, a dek, a '> pull quote' and a body")
    raise InvalidArticle(problems[-1] if problems else "no article found in the answer")


def _json_candidates(text: str) -> list[str]:
    found = [m.group(1) for m in _FENCE.finditer(text)]
    if text.startswith(("{", "[")):
        found.insert(0, text)
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        found.append(text[start : end + 1])
    return list(dict.fromkeys(found))


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "(answer)"
        parts.append(f"{where}: {error['msg']}")
    return "off-schema JSON: " + "; ".join(parts)


def _from_markdown(text: str) -> Article | None:
    """'# Title', an optional italic dek, the body with a '> ' pull quote."""
    lines = text.strip().splitlines()
    if not lines or not lines[0].startswith("#"):
        return None
    title = lines[0].lstrip("#").strip()
    rest = "\n".join(lines[1:]).strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", rest) if p.strip()]
    if not paragraphs:
        return None
    dek = ""
    if re.fullmatch(r"[*_].+[*_]", paragraphs[0], re.S):
        dek = paragraphs.pop(0).strip("*_ ")
    quote = next((p for p in paragraphs if p.startswith(">")), "")
    try:
        return Article(
            title=title, dek=dek, body="\n\n".join(paragraphs), pull_quote=quote, tags=[]
        )
    except ValidationError:
        return None


# -- what an answer left out ---------------------------------------------------------

_BOLD_LINE = re.compile(r"^\*\*(?P<text>[^*\n]+)\*\*$")


def fill_missing(article: Article, tags: list[str]) -> tuple[Article, list[str]]:
    """`article` with a dek, a pull quote and tags, and the names of those it had to
    derive: the dek from the body's first sentence, the pull quote from a bold line
    (else the shortest sentence that still says something), tags from `tags` (the brief's)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", article.body) if p.strip()]
    prose = [p for p in paragraphs if not p.startswith((">", "#", "*", "-", "!["))]
    derived: dict[str, object] = {}
    if not article.dek:
        first = _sentences(prose[0] if prose else article.body)
        derived["dek"] = (first[0] if first else article.title)[:600]
    if not article.pull_quote:
        quoted = next((p.lstrip("> ").strip() for p in paragraphs if p.startswith(">")), "")
        bold = next((m.group("text").strip() for p in paragraphs if (m := _BOLD_LINE.match(p))), "")
        striking = sorted(
            (s for p in prose[1:] or prose for s in _sentences(p) if len(s.split()) >= 6), key=len
        )
        derived["pull_quote"] = (
            quoted or bold or (striking[0] if striking else article.title)
        ).strip('"«»“” ')[:600]
    if not article.tags and tags:
        derived["tags"] = [t.strip().lower() for t in tags if t.strip()]
    return article.model_copy(update=derived), list(derived)


def _sentences(text: str) -> list[str]:
    from generator.check.sentences import split_sentences

    flat = " ".join(re.sub(r"[*_`>]", "", text).split())
    return split_sentences(flat) or ([flat] if flat else [])
