"""Prose split into sentences, the one way the project does it (intake's
extractor and grounding, the fact check).

The boundaries come from sentencex (Wikimedia's rule-based segmenter: never
inside a quotation, knows many languages' abbreviations, compiled, so fast);
each line is a paragraph of its own. A few splits it still makes after a
title or a date's abbreviation ("M. Dupont", « le 3 nov. dernier »,
"5 p.m. Tuesday") are joined back with the lexicon's abbreviations.
"""

from __future__ import annotations

import re
from functools import lru_cache

from generator.check import lexicon as lx

_LAST_TOKEN = re.compile(r"(\S+)\.\s*$")


def sentence_spans(text: str, lang: str = "en") -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence of `text`, spaces around it left out; lines never join."""
    return _spans(text, (lang or "en").split("-")[0].lower())


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """The sentences of `text`."""
    return [text[start:end] for start, end in sentence_spans(text, lang)]


def sentence_at(text: str, start: int, end: int, lang: str = "en") -> tuple[int, int]:
    """The span of the sentence(s) holding text[start:end]."""
    spans = sentence_spans(text, lang)
    first = next((s for s, e in spans if e > start), start)
    last = next((e for s, e in reversed(spans) if s < end), end)
    return min(first, start), max(last, end)


@lru_cache(maxsize=512)
def _spans(text: str, lang: str) -> tuple[tuple[int, int], ...]:
    import sentencex

    out: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        pieces: list[tuple[int, int]] = []
        if line.strip():
            for bound in sentencex.get_sentence_boundaries(lang, line):
                start, end = int(bound["start_index"]), int(bound["end_index"])
                if pieces and _goes_on(line[pieces[-1][0] : pieces[-1][1]], line[start:end]):
                    pieces[-1] = (pieces[-1][0], end)
                else:
                    pieces.append((start, end))
        pieces = [part for start, end in pieces for part in _split_months(line, start, end)]
        for start, end in pieces:
            chunk = line[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk.rstrip())
            if trail > lead:
                out.append((offset + start + lead, offset + start + trail))
        offset += len(line) + 1
    return tuple(out)


# a month written in full is no abbreviation: "He left in May. Tara stayed." is two sentences
_FULL_MONTH_END = re.compile(r"\b(?:May|June|July|April|March)\.\s+(?=[A-ZÀ-Ý][a-zà-ÿ])")


def _split_months(line: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for match in _FULL_MONTH_END.finditer(line, start, end):
        out.append((start, match.end()))
        start = match.end()
    out.append((start, end))
    return out


def _goes_on(previous: str, following: str) -> bool:
    """Whether the split between two pieces fell after an abbreviation, not a sentence's end."""
    nxt = following.lstrip()
    if nxt[:1].islower():
        return True  # no sentence starts in lower case: « … ? » demande-t-il, "…?" asked Cole
    match = _LAST_TOKEN.search(previous)
    if not match:
        return False
    token = match.group(1).lower().lstrip("(«“\"'")
    if token in lx.TITLE_ABBREVIATIONS or re.fullmatch(r"[a-zà-ÿ]", token):
        return True  # "Mr. Trump", "M. Dupont", "John F. Kennedy"
    if token in lx.ABBREVIATIONS:
        return bool(nxt) and (
            nxt[0].islower() or nxt[0].isdigit() or len(nxt.split()) <= 1
        )  # "Nov. 18", "Inc. said", "5 p.m. Tuesday."
    return False
