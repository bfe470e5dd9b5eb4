"""Intake-style briefs written by hand, as `satire intake` leaves them
(`confirmed: false`, an `intake` block with the evidence), for the
confirmation tests: comments and an editor's layout included, so that an
edit can be seen to keep them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

SLUG = "quantix-raises"
TITLE = "Chipmaker Quantix raises $40 million to build optical processors"
FACTS = [
    "Quantix raised $40 million in a Series B round.",
    "The round was led by Lumen Ventures.",
    "Quantix has 85 employees.",
    "Its <img src=x onerror=alert(1)> chips run at 3 GHz.",
]
HOSTILE = "<img src=x onerror=alert(1)>"

INTAKE_BRIEF = """\
# written by satire intake; an editor confirms it with `satire brief confirm`
title: "Chipmaker Quantix raises $40 million to build optical processors"
source:
  publisher: Example Tech News
  url: https://news.example/2026/11/quantix-raises
  published: 2026-11-28
summary: |
  Quantix, a startup building optical processors, raised $40 million.
  Its chief executive says the chips use light instead of electrons.
facts:
  - Quantix raised $40 million in a Series B round.   # the lead
  - The round was led by Lumen Ventures.
  - Quantix has 85 employees.
  - "Its <img src=x onerror=alert(1)> chips run at 3 GHz."
quotes:
  - by: Lena Park
    text: "Light does not get tired."
  - by: Omar Haddad
    text: 'We bet on photons.'
people: [Lena Park, Omar Haddad]
style: deadpan-wire
language: en
slug: quantix-raises
confirmed: false  # until an editor says so
intake:
  url: https://news.example/2026/11/quantix-raises
  feed: examplenews
  fetched_at: 2026-11-30T09:00:00Z
  extractor: offline; trafilatura 2.3.0
  article: .satire/articles/0b7e.txt
  article_chars: 2400
  dropped: {facts: 1, quotes: 0}
  angles:
    - Photons unionize
  evidence:
    facts:
      - fact: Quantix raised $40 million in a Series B round.
        sentence: Quantix said on Tuesday it raised $40 million in a Series B round.
      - fact: The round was led by Lumen Ventures.
        sentence: The round was led by Lumen Ventures, with participation from Orbit Capital.
      - fact: Quantix has 85 employees.
        sentence: The company, which has 85 employees, is based in Lyon.
      - fact: "Its <img src=x onerror=alert(1)> chips run at 3 GHz."
        sentence: "Its <img src=x onerror=alert(1)> chips run at 3 GHz, the company said."
    quotes:
      - by: Lena Park
        text: Light does not get tired.
        sentence: '"Light does not get tired," chief executive Lena Park told analysts.'
      - by: Omar Haddad
        text: We bet on photons.
        sentence: '"We bet on photons," said Omar Haddad, a partner at Lumen.'
"""


def add_intake_brief(project: Path, *, only: bool = True) -> Path:
    """Write the intake brief into the project (alone in briefs/ unless `only` is false)."""
    briefs = project / "briefs"
    if only:
        for path in briefs.glob("*.yaml"):
            path.unlink()
    path = briefs / f"{SLUG}.yaml"
    path.write_text(INTAKE_BRIEF, encoding="utf-8")
    return path


def read(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def assert_evidence_consistent(data: dict[str, object]) -> None:
    """Every fact and quote has exactly its own evidence entry, and no entry is left over."""
    evidence = data["intake"]["evidence"]  # type: ignore[index]
    assert [e["fact"] for e in evidence["facts"]] == data["facts"]
    assert [(e["by"], e["text"]) for e in evidence["quotes"]] == [
        (q["by"], q["text"]) for q in data["quotes"]
    ]  # type: ignore[attr-defined]


def form_of(page_text: str) -> dict[str, str]:
    """The brief form as a browser would send it untouched (every box ticked)."""
    version = re.search(r'name="version" value="([0-9a-f]{64})"', page_text)
    assert version, "no version in the page"
    form = {"version": version.group(1), "facts": str(len(FACTS)), "quotes": "2"}
    form.update({f"keep-fact-{i}": "yes" for i in range(len(FACTS))})
    form.update({"keep-quote-0": "yes", "keep-quote-1": "yes"})
    return form
