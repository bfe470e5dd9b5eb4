"""The article an LLM (or the offline writer) hands back: one pydantic model,
its JSON schema for `response_format`, and a tolerant parser for answers that
come as JSON in a code fence or as plain Markdown.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class Article(BaseModel):
    """What a writer returns: the post before it becomes a draft."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=300)
    dek: str = Field(min_length=1, max_length=600)
    body: str = Field(min_length=200, description="Markdown, paragraphs separated by blank lines")
    pull_quote: str = Field(min_length=1, max_length=600)
    tags: list[str] = Field(default_factory=list)

    @field_validator("tags")
    @classmethod
    def _tags(cls, values: list[str]) -> list[str]:
        return [v.strip().lower() for v in values if v.strip()]

    @field_validator("title", "dek")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split()).strip("#* ")

    @field_validator("pull_quote")
    @classmethod
    def _pull_quote(cls, value: str) -> str:
        return " ".join(value.split()).lstrip(">").strip().strip("\"«»“”* ").strip()


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
    if text.startswith("{"):
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
    if not quote:
        return None
    try:
        return Article(title=title, dek=dek or title, body="\n\n".join(paragraphs), pull_quote=quote, tags=[])
    except ValidationError:
        return None
