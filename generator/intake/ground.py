"""What the article backs: the rule every fact and quote of an intake brief
passes, whoever proposed it (the offline extractor or an LLM).

- a quote is kept only if its text stands verbatim in a quoted run of the
  article's main text and its speaker is named near it, by the attribution
  rules of `speakers.py` (in the quote's sentence, or the person a pronoun
  there points back to); the evidence kept for it is that attribution context;
- a fact only if its evidence sentence stands verbatim in the article and every
  figure of the fact is in that sentence.

"Verbatim" forgives only typography: curly, straight and French quote marks,
apostrophes, dashes and whitespace are normalized before comparing. What fails
is dropped and counted (a quote with the wrong speaker or none: counted apart).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from generator.check import lexicon as lx
from generator.intake.speakers import AttributedText, same_person

QUOTE_MARKS = str.maketrans({**lx.QUOTE_FOLD, **lx.DASH_FOLD})
FIGURE = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")


def normalize(text: str) -> str:
    """Text as compared: NFKC, one kind of quote mark and dash, single spaces, no space inside « »."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTE_MARKS)
    text = re.sub(
        r'"\s+', '"', text
    )  # '« Bonjour »' and '"Bonjour"' compare equal: spaces next to marks go
    text = re.sub(r'\s+"', '"', text)
    return " ".join(text.split())


def _bare_quote(text: str) -> str:
    """A quote without its outer marks and the comma or space a citation leaves."""
    return normalize(text).strip().strip('"').strip().rstrip(",").strip()


def figures(text: str) -> set[str]:
    """Every figure of `text`, separators dropped ('1,200' and '1 200' are one figure; '2.5' stays '2.5' and '2,5')."""
    found: set[str] = set()
    for match in FIGURE.finditer(unicodedata.normalize("NFKC", text)):
        raw = match.group().strip()
        groups = re.split(r"[.,\u00a0\u202f ]", raw)
        if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
            found.add("".join(groups))  # thousands separators
        else:
            found.add(re.sub(r"[\u00a0\u202f ]", "", raw).replace(",", "."))
    return found


def quote_in(text: str, article_norm: str) -> bool:
    """Whether the quote's text stands verbatim in the (normalized) article."""
    bare = _bare_quote(text)
    return len(bare) >= 2 and bare in article_norm


def fact_backed(fact: str, sentence: str, article_norm: str) -> bool:
    """Whether the sentence stands in the article and carries every figure of the fact."""
    sentence_norm = normalize(sentence)
    if len(sentence_norm) < 8 or sentence_norm not in article_norm:
        return False
    return figures(fact) <= figures(sentence)


@dataclass
class Grounded:
    """What survives grounding, with its evidence, and how much was dropped."""

    facts: list[tuple[str, str]] = field(default_factory=list)  # (fact, sentence)
    quotes: list[tuple[str, str, str]] = field(default_factory=list)  # (by, text, context)
    dropped_facts: int = 0
    dropped_quotes: int = 0  # words the article does not hold
    misattributed: int = 0  # words it holds, but not with that speaker named near them


def ground(
    article: str,
    facts: list[tuple[str, str]],
    quotes: list[tuple[str, str, str]],
    *,
    lang: str = "en",
) -> Grounded:
    """Keep what the article backs; count the rest. Duplicates are kept once."""
    article_norm = normalize(article)
    out = Grounded()
    for fact, sentence in facts:
        if not fact.strip() or not fact_backed(fact, sentence, article_norm):
            out.dropped_facts += 1
        elif all(normalize(fact) != normalize(kept) for kept, _ in out.facts):
            out.facts.append((" ".join(fact.split()), " ".join(sentence.split())))
    found = AttributedText([line for line in article.splitlines() if line.strip()], lang).quotes()
    for by, text, _sentence in quotes:
        if not by.strip() or not quote_in(text, article_norm):
            out.dropped_quotes += 1
            continue
        bare = _bare_quote(text)
        said = [f for f in found if any(bare in _bare_quote(part) for part in [*f.parts, f.text])]
        backed = next((f for f in said if f.by and same_person(by, f.by)), None)
        if backed is None:
            out.misattributed += 1
            continue
        context = " ".join(" ".join(s.split()) for s in backed.context or [backed.sentence])
        shown = " ".join(text.split()).strip().strip('"“”«» ').rstrip(",").strip()
        if all(bare != _bare_quote(kept) for _, kept, _ in out.quotes):
            # the article's full name for a surname ("Park" -> "Lena Park")
            full = backed.by if backed.by and len(backed.by.split()) > len(by.split()) else by
            out.quotes.append((" ".join(full.split()), shown, context))
    return out


def named_in(
    article: str, people: list[str], *, lang: str = "en", speakers: tuple[str, ...] = ()
) -> list[str]:
    """The persons among `people` whose name the article gives (an LLM's invented names go,
    and so do places, organisations and words that only look like names); a quote's
    speaker (`speakers`) needs no other mark of a person."""
    article_norm = normalize(article)
    reader = AttributedText([line for line in article.splitlines() if line.strip()], lang)
    return list(
        dict.fromkeys(
            reader.full(" ".join(p.split()))  # "Marsh" -> "Helen Marsh", once
            for p in people
            if p.strip()
            and normalize(p) in article_norm
            and reader.is_person(p, spoke=p in speakers)
        )
    )
