"""What `satire init` writes: a project that checks, generates and builds at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import SatireError
from generator.infra.fsutil import write_atomic
from generator.infra.resources import builtin_dir


@dataclass(frozen=True)
class Starter:
    """What a new project's files say in one language."""

    description: str  # the blog's
    style: str  # the humor style it starts with
    currency: str  # of the example brief's price
    category: str
    tags: str
    slug: str  # the example brief's, also its file name


LANGUAGES = {
    "fr": Starter(
        description="L'actualité tech, racontée par une IA qui a de l'humour.",
        style="geek-puns",
        currency="euros",
        category="Objets connectés",
        tags="iot, energie",
        slug="grille-pain-trader",
    ),
    "en": Starter(
        description="Tech news, as told by an AI with a sense of humour.",
        style="deadpan-wire",
        currency="dollars",
        category="Gadgets",
        tags="iot, energy",
        slug="trading-toaster",
    ),
}

CONFIG = """\
# satire.yaml: the blog's settings (every key is optional; see the configuration reference in satire's documentation)
title: "{title}"
description: "{starter.description}"
url: "http://127.0.0.1:8000/"
language: {language}
style: {starter.style}
llm:
  model: gpt-4o-mini   # or set SATIRE_MODEL; the endpoint comes from OPENAI_BASE_URL
"""

BRIEF = """\
# yaml-language-server: $schema=../schemas/brief.schema.json
title: "A startup launches a smart toaster that negotiates its own electricity prices"
source:
  publisher: Example News
  url: https://example.com/smart-toaster
  published: 2025-11-02
summary: |
  A startup unveiled a connected toaster that bids on the electricity spot
  market to toast bread when power is cheapest. It costs 349 {starter.currency}.
facts:
  - The toaster costs 349 {starter.currency}.
  - It waits for off-peak prices before toasting.
angle: Even breakfast now needs a trading desk.
language: {language}
categories: [{starter.category}]
tags: [{starter.tags}]
slug: {starter.slug}
"""

GITIGNORE = "/site/\n/.satire/\n"


def scaffold(target: Path, language: str, title: str | None = None) -> list[Path]:
    """Write a new project into `target`; refuse to overwrite one."""
    if (target / "satire.yaml").exists():
        raise SatireError(
            f"{target}: already a satire project (satire.yaml exists); nothing written"
        )
    starter = LANGUAGES[language]
    files = {
        target / "satire.yaml": CONFIG.format(
            title=title or target.resolve().name, language=language, starter=starter
        ),
        target / "briefs" / f"{starter.slug}.yaml": BRIEF.format(
            language=language, starter=starter
        ),
        target / ".gitignore": GITIGNORE,
        target / "static" / ".gitkeep": "",
        target / "drafts" / ".gitkeep": "",
        target / "schemas" / "brief.schema.json": (
            builtin_dir("schemas") / "brief.schema.json"
        ).read_text(encoding="utf-8"),
    }
    for path, text in files.items():
        if not path.exists():
            write_atomic(path, text)
    return list(files)
