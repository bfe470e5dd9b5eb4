"""Deterministic scores of one draft (findings by kind, words, paragraphs, pull
quote) and repetition across a run: the sentences, pull quotes and closers
that several drafts share (models recycle jokes)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.check.factcheck import CLAIM_KINDS, fold

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.check.factcheck import Finding
    from generator.drafts import Draft

WORD = re.compile(r"\w+")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
MIN_SENTENCE = 24  # shorter sentences ("Really.") are shared by chance, not recycled


def paragraphs(body: str) -> list[str]:
    """The body's prose paragraphs (the pull-quote blockquote is not one)."""
    return [
        p.strip()
        for p in re.split(r"\n\s*\n", body)
        if p.strip() and not p.lstrip().startswith(">")
    ]


def sentences(draft: Draft) -> list[str]:
    """The body's sentences, folded for comparison (short ones left out)."""
    found = []
    for paragraph in paragraphs(draft.body):
        for sentence in SENTENCE_END.split(paragraph):
            key = _key(sentence)
            if len(key) >= MIN_SENTENCE:
                found.append(key)
    return found


def closer(draft: Draft) -> str:
    """The last sentence of the post, folded."""
    prose = paragraphs(draft.body)
    if not prose:
        return ""
    return _key(SENTENCE_END.split(prose[-1])[-1])


def _key(text: str) -> str:
    return " ".join(WORD.findall(fold(text)))


def score(draft: Draft, findings: list[Finding]) -> dict[str, Any]:
    """What can be counted in one draft."""
    by_kind: dict[str, int] = defaultdict(int)
    for finding in findings:
        by_kind[finding.kind] += 1
    quote = draft.pull_quote.strip()
    return {
        "claim_findings": sum(n for kind, n in by_kind.items() if kind in CLAIM_KINDS),
        "style_findings": by_kind.get("style", 0),
        "findings_by_kind": dict(sorted(by_kind.items())),
        "words": len(WORD.findall(draft.body)),
        "paragraphs": len(paragraphs(draft.body)),
        "pull_quote": bool(quote) and _key(quote) in _key(draft.body),
    }


def repetition(drafts: Mapping[str, Draft]) -> dict[str, dict[str, Any]]:
    """Per draft name: how many of its sentences another draft of the run also
    has, whether its pull quote or its closer is another's too, and with whom."""
    sentence_owners: dict[str, set[str]] = defaultdict(set)
    quote_owners: dict[str, set[str]] = defaultdict(set)
    closer_owners: dict[str, set[str]] = defaultdict(set)
    for name, draft in drafts.items():
        for sentence in set(sentences(draft)):
            sentence_owners[sentence].add(name)
        if draft.pull_quote.strip():
            quote_owners[_key(draft.pull_quote)].add(name)
        if closer(draft):
            closer_owners[closer(draft)].add(name)
    out: dict[str, dict[str, Any]] = {}
    for name, draft in drafts.items():
        shared = [s for s in set(sentences(draft)) if len(sentence_owners[s]) > 1]
        others = {o for s in shared for o in sentence_owners[s]}
        quote_others = (
            quote_owners.get(_key(draft.pull_quote), set()) if draft.pull_quote.strip() else set()
        )
        closer_others = closer_owners.get(closer(draft), set()) if closer(draft) else set()
        out[name] = {
            "shared_sentences": len(shared),
            "pull_quote_shared": len(quote_others) > 1,
            "closer_shared": len(closer_others) > 1,
            "shared_with": sorted((others | quote_others | closer_others) - {name}),
        }
    return out


@dataclass
class EvalEntry:
    """One brief x model x style of the run."""

    brief: Brief
    model: str
    style: str
    language: str
    slug: str
    draft: Draft | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, Any] | None = None
    problem: str = ""
