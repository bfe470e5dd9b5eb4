"""What `satire init` writes: a project that checks, generates and builds at once."""

from __future__ import annotations

from pathlib import Path

from generator.errors import SatireError
from generator.infra.fsutil import write_atomic
from generator.infra.resources import builtin_dir

CONFIG = {
    "fr": """\
# satire.yaml: the blog's settings (every key is optional; see the configuration reference in satire's documentation)
title: "{title}"
description: "L'actualité tech, racontée par une IA qui a de l'humour."
url: "http://127.0.0.1:8000/"
language: fr
style: geek-puns
llm:
  model: gpt-4o-mini   # or set SATIRE_MODEL; the endpoint comes from OPENAI_BASE_URL
""",
    "en": """\
# satire.yaml: the blog's settings (every key is optional; see the configuration reference in satire's documentation)
title: "{title}"
description: "Tech news, as told by an AI with a sense of humour."
url: "http://127.0.0.1:8000/"
language: en
style: deadpan-wire
llm:
  model: gpt-4o-mini   # or set SATIRE_MODEL; the endpoint comes from OPENAI_BASE_URL
""",
}

BRIEF = {
    "fr": """\
# yaml-language-server: $schema=../schemas/brief.schema.json
title: "A startup launches a smart toaster that negotiates its own electricity prices"
source:
  publisher: Example News
  url: https://example.com/smart-toaster
  published: 2025-11-02
summary: |
  A startup unveiled a connected toaster that bids on the electricity spot
  market to toast bread when power is cheapest. It costs 349 euros.
facts:
  - The toaster costs 349 euros.
  - It waits for off-peak prices before toasting.
angle: Even breakfast now needs a trading desk.
language: fr
categories: [Objets connectés]
tags: [iot, energie]
slug: grille-pain-trader
""",
    "en": """\
# yaml-language-server: $schema=../schemas/brief.schema.json
title: "A startup launches a smart toaster that negotiates its own electricity prices"
source:
  publisher: Example News
  url: https://example.com/smart-toaster
  published: 2025-11-02
summary: |
  A startup unveiled a connected toaster that bids on the electricity spot
  market to toast bread when power is cheapest. It costs 349 dollars.
facts:
  - The toaster costs 349 dollars.
  - It waits for off-peak prices before toasting.
angle: Even breakfast now needs a trading desk.
language: en
categories: [Gadgets]
tags: [iot, energy]
slug: trading-toaster
""",
}

GITIGNORE = "/site/\n/.satire/\n"


def scaffold(target: Path, language: str, title: str | None = None) -> list[Path]:
    """Write a new project into `target`; refuse to overwrite one."""
    if (target / "satire.yaml").exists():
        raise SatireError(
            f"{target}: already a satire project (satire.yaml exists); nothing written"
        )
    files = {
        target / "satire.yaml": CONFIG[language].format(title=title or target.resolve().name),
        target / "briefs" / BRIEF_NAME[language]: BRIEF[language],
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


BRIEF_NAME = {"fr": "grille-pain-trader.yaml", "en": "trading-toaster.yaml"}
