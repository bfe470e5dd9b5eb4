"""Humor styles: `prompts/styles/NAME.yaml`, built-in ones overridable by a
project's own `prompts/styles/`.

A `Style` tells the LLM how to write (voice, devices, structure, length,
do's and don'ts, notes per language) and gives the offline writer its
phrasebook per language. The rules every style shares (real people say only
the brief's quotes, no invented figure presented as fact, punch up) live in
`prompts/system.j2`, so no style file can drop them.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from generator.config import Project
from generator.errors import SatireError
from generator.infra import yamlfile
from generator.infra.resources import search_path
from generator.infra.validation import Strict, did_you_mean, validate


class Length(Strict):
    """How long a post in this style runs."""

    words: tuple[int, int] = Field((400, 700), description="target word count, min and max")
    paragraphs: tuple[int, int] = Field((5, 8), description="target paragraph count, min and max")


class Phrasebook(Strict):
    """Stock lines for the offline writer. Placeholders: {topic}, {publisher},
    {fact}, {person}, {quote}, {angle}, {title}. No figures, names or dates of
    their own: everything checkable comes from the brief."""

    proverbs: list[str] = Field(min_length=1, description="mock sayings that open a post")
    openers: list[str] = Field(
        min_length=1,
        description="lines after the proverb that bring in the story ({publisher}, {title})",
    )
    fact_frames: list[str] = Field(min_length=1, description="ways to bring in one fact ({fact})")
    quips: list[str] = Field(
        min_length=1, description="one-line comments after a fact, with no facts of their own"
    )
    quote_frames: list[str] = Field(
        min_length=1, description="ways to cite a brief quote ({person}, {quote})"
    )
    angle_frames: list[str] = Field(
        min_length=1,
        description="the joke's angle ({angle}) or, with no angle, the topic ({topic})",
    )
    pull_quotes: list[str] = Field(min_length=1, description="the bold line mid-article ({topic})")
    angle_free: list[str] = Field(
        min_length=1, description="the closing thought when the brief has no angle ({topic})"
    )
    closers: list[str] = Field(min_length=1, description="the punning last line ({topic})")
    titles: list[str] = Field(min_length=1, description="headlines ({topic})")
    deks: list[str] = Field(
        min_length=1, description="one line under the title ({publisher}, {topic})"
    )
    original_language: list[str] = Field(
        default_factory=list,
        description="said once when the brief's text, in another language, is quoted as it stands (in italics)",
    )


class StyleCheck(Strict):
    """A rule of the style's own, checked on every draft (reported as kind `style`, advisory)."""

    name: str = Field(min_length=1, description="what the rule is, e.g. 'opens with a proverb'")
    where: Literal["title", "dek", "first_paragraph", "last_paragraph", "body"] = Field(
        "body", description="the part of the draft the pattern is looked for in"
    )
    pattern: str = Field(min_length=1, description="a Python regular expression")
    expect: Literal["match", "no_match"] = Field(
        "match", description="match: the pattern must be found; no_match: it must not"
    )
    ignore_case: bool = False
    languages: list[str] = Field(
        default_factory=list, description="only posts in these languages (default: all)"
    )
    message: str = Field(
        "", description="what the editor is told when the rule is broken (default: the name)"
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class LanguageNotes(Strict):
    """What changes in this style from one language to another."""

    notes: list[str] = Field(
        default_factory=list, description="advice to the writer for this language"
    )
    phrasebook: Phrasebook


class Style(Strict):
    """One humor style (frozen: loaded styles are shared)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: str = ""
    description: str = Field(min_length=1, description="one line, shown by `satire styles`")
    voice: list[str] = Field(min_length=1, description="who is speaking and how")
    devices: list[str] = Field(min_length=1, description="the comic devices to use")
    structure: list[str] = Field(min_length=1, description="the shape of a post, in order")
    length: Length = Field(default_factory=Length)
    do: list[str] = Field(default_factory=list)
    dont: list[str] = Field(default_factory=list)
    languages: dict[str, LanguageNotes] = Field(
        min_length=1, description="notes and phrasebook per language (fr and en at least)"
    )
    checks: list[StyleCheck] = Field(
        default_factory=list, description="the style's own rules, checked on every draft (advisory)"
    )

    def notes_for(self, language: str) -> LanguageNotes:
        """The notes for `language`, else its base language, else English, else any."""
        for key in (language, language.split("-")[0], "en"):
            if key in self.languages:
                return self.languages[key]
        return next(iter(self.languages.values()))


def style_files(project: Project) -> dict[str, Path]:
    """name -> file, project styles shadowing built-in ones."""
    found: dict[str, Path] = {}
    for folder in reversed(search_path(project.root, "prompts")):
        for path in sorted((folder / "styles").glob("*.yaml")):
            found[path.stem] = path
    return found


def load_style_file(path: Path, display: str | None = None) -> Style:
    """One style file, checked; InputErrors point into it. Read once per version of the file."""
    stat = path.stat()
    return _load_style_file(path, display, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _load_style_file(path: Path, display: str | None, mtime_ns: int, size: int) -> Style:
    data, marks = yamlfile.load(path, display)
    style = validate(
        Style, data, marks, what="a mapping of style fields (description, voice, devices, ...)"
    )
    return style.model_copy(update={"name": path.stem})


def load_style(project: Project, name: str) -> Style:
    """The style called `name` (project override first)."""
    files = style_files(project)
    if name not in files:
        hint = did_you_mean(name, files) or f" (known styles: {', '.join(sorted(files))})"
        raise SatireError(f"unknown style {name!r}{hint}")
    return load_style_file(files[name], project.rel(files[name]))


def load_styles(project: Project) -> tuple[list[Style], list[str]]:
    """Every style, sorted by name, and one message per problem of the broken ones."""
    styles: list[Style] = []
    errors: list[str] = []
    for _name, path in sorted(style_files(project).items()):
        try:
            styles.append(load_style_file(path, project.rel(path)))
        except SatireError as exc:
            errors.extend(exc.format_message().splitlines())
    return styles, errors
