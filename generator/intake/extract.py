"""From a fetched page to what a brief is made of.

`read_page` runs trafilatura for the main text and metadata (navigation,
cookie banners, related stories and comments are left out) and judges whether
it is a story at all (`thin`). `extract_offline` is the extractive path, no
network: the summary from the lead sentences, facts from sentences carrying
figures, dates and named organizations, quotes from quote marks with their
speaker found in the attribution around them, a surname resolved to the full
name given earlier in the article. Everything it proposes still goes through
`ground.py`, like what an LLM proposes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.intake.ground import normalize

MIN_PROSE_WORDS = 120  # fewer words of running prose: a teaser, a login wall or an error page
MAX_FACTS = 8
MAX_QUOTES = 8
MIN_QUOTE_WORDS = 4  # shorter quoted runs are scare quotes or names ("AI-first")

MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
VERBS_EN = (
    r"said|says|wrote|writes|told|tells|added|adds|explained|explains|noted|notes|argued|argues|insisted|insists|recalled|warned|warns|continued|asked|replied|"
    r"declared|stated|posted|joked|admitted|acknowledged|conceded|predicted|claimed|announced|promised|put it"
)
VERBS_FR = (
    r"déclaré|affirmé|expliqué|ajouté|indiqué|précisé|dit|écrit|souligné|estimé|confié|assuré|martelé|reconnu|lancé|prévenu|résumé|annoncé|commenté|insisté|promis|"
    r"déclare|affirme|explique|ajoute|indique|précise|écrit|souligne|estime|confie|assure|martèle|reconnaît|lance|prévient|résume|annonce|commente|insiste|promet|poursuit|raconte|observe|tranche|conclut|détaille|avance"
)
VERB = re.compile(rf"(?<!\w)(?:{VERBS_EN}|{VERBS_FR})(?!\w)", re.I)
SOURCE_INTRO = re.compile(r"(?<!\w)(?:according to|selon|d['’]après|pour)(?!\w)", re.I)
PRONOUN = re.compile(
    r"^\W{0,3}(?:(?:he|she|they)\s|[\w-]*-t-(?:il|elle)\b|(?:a|avait)-t-(?:il|elle)\b)|-t-(?:il|elle)\b",
    re.I,
)
UPPER = "A-ZÀ-ÖØ-Ý"
LOWER = "a-zß-öø-ÿ"
NAME_WORD = rf"[{UPPER}][{LOWER}'’]+(?:[{UPPER}][{LOWER}]+)?(?:-[{UPPER}][{LOWER}]+)?"
NAME = re.compile(
    rf"{NAME_WORD}(?:\s+(?:(?:de|du|van|von|da|di|le|la|del|der)\s+)?{NAME_WORD}){{0,3}}"
)
_NOT_NAME_WORDS = (
    "The A An In On At For But And Or If As It Its His Her Their Our We I You He She They This That These Those When While After Before "
    "Since Still Yet So According Asked Speaking Last Next Today Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday Le La "
    "Les Un Une Des Du De Pour Selon Mais Et Ou Si Comme Il Elle Ils Elles Nous Vous Son Sa Ses Leur Leurs Ce Cette Ces Quand Lors Après "
    "Avant Depuis Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Chief Executive President Director Minister Monsieur Madame Mr Mrs Ms "
    "Dr Analyst Analysts Founder Investor Senator Professor Judge Finance Chairman Chairwoman Spokesperson Spokesman Spokeswoman Engineer Researcher "
    "Directrice Directeur Analyste Ministre Président Présidente Fondateur Fondatrice Porte-parole"
)
NOT_NAMES = set(_NOT_NAME_WORDS.split())  # capitalized words that start no name
QUOTE_SPANS = re.compile(r"“([^”]+)”|«\s*([^»]+?)\s*»|\"([^\"]+)\"")


@dataclass
class ExtractedPage:
    """A page's main text and metadata, as trafilatura found them."""

    title: str
    text: str  # the main text, headline left out
    sitename: str | None = None
    author: str | None = None
    date: str | None = None
    description: str | None = None
    image: str | None = None
    canonical: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def read_page(html: str, url: str) -> ExtractedPage:
    """The article in a page: main text (no comments) and metadata."""
    import trafilatura

    document: Any = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    data: dict[str, Any] = (
        document.as_dict()
        if document is not None and hasattr(document, "as_dict")
        else dict(document or {})
    )
    title = " ".join(str(data.get("title") or "").split())
    text = str(data.get("text") or "").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and title and normalize(lines[0]) == normalize(title):
        lines = lines[1:]  # trafilatura starts the text with the headline
    return ExtractedPage(
        title=title,
        text="\n".join(lines),
        sitename=_clean(data.get("sitename")),
        author=_clean(data.get("author")),
        date=_clean(data.get("date")),
        description=_clean(data.get("description")),
        image=_clean(data.get("image")),
        canonical=_canonical_link(html) or None,
        categories=_split(data.get("categories")),
        tags=_split(data.get("tags")),
    )


def _clean(value: Any) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _canonical_link(html: str) -> str | None:
    """The page's <link rel=canonical href=...>, if any."""
    for tag in re.findall(r"<link\b[^>]*>", html[:200_000], re.I):
        if re.search(r"""rel\s*=\s*["']?canonical\b""", tag, re.I):
            href = re.search(r"""href\s*=\s*["']([^"']+)["']""", tag, re.I)
            if href:
                import html as html_lib

                return html_lib.unescape(href.group(1).strip())
    return None


def prose(text: str) -> list[str]:
    """The paragraphs of running prose: bylines, captions, share buttons left out."""
    return [
        line
        for line in text.splitlines()
        if len(line.split()) >= 8 and line.rstrip()[-1:] in '.!?"”»…)'
    ]


def thin(page: ExtractedPage) -> str | None:
    """Why the page is not a story (None: it is one)."""
    words = sum(len(p.split()) for p in prose(page.text))
    if words < MIN_PROSE_WORDS:
        return f"too thin to be a story ({words} words of article text: a teaser, a login wall or an error page?)"
    return None


# -- sentences -------------------------------------------------------------------

ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Inc|Corp|Ltd|Co|St|Jr|Sr|vs|No|Mme|Mlle|MM|av|etc|approx|U\.S|U\.K|e\.g|i\.e)|\b[A-Z])\.$"
)


def sentences(paragraph: str) -> list[str]:
    """A paragraph split into sentences, never inside a quote."""
    out: list[str] = []
    start = 0
    depth = 0
    straight = False
    for i, char in enumerate(paragraph):
        if char in "“«":
            depth += 1
        elif char in "”»":
            depth = max(0, depth - 1)
        elif char == '"':
            straight = not straight
        if char not in ".!?…" or depth or straight:
            continue
        rest = paragraph[i + 1 :]
        closing = re.match(r"[\"”»)]*", rest)
        end = i + 1 + (len(closing.group()) if closing else 0)
        if closing and '"' in closing.group():
            straight = not straight  # the closing straight quote
        if not re.match(rf"\s+[\"“«(]?[{UPPER}0-9]", paragraph[end:]):
            continue
        if ABBREVIATIONS.search(paragraph[start : i + 1]):
            continue
        out.append(paragraph[start:end].strip())
        start = end
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


# -- people ----------------------------------------------------------------------


def _names(text: str) -> list[str]:
    """Capitalized name runs of `text`, leading non-name words dropped."""
    found = []
    for match in NAME.finditer(text):
        words = match.group().split()
        while words and words[0].rstrip("'’s") in NOT_NAMES:
            words = words[1:]
        if words:
            found.append(" ".join(words).removesuffix("’s").removesuffix("'s"))
    return found


def people_index(text: str) -> dict[str, str]:
    """Surname -> the full name first given for it in the article."""
    index: dict[str, str] = {}
    for name in _names(text):
        parts = name.split()
        if len(parts) >= 2:
            index.setdefault(parts[-1], name)
    return index


def _person(names: list[str], index: dict[str, str], *, last: bool) -> str | None:
    """The name most like a person's (a full name, or a surname the article gave in full), resolved."""
    people = [n for n in names if len(n.split()) >= 2 or n in index]
    pool = people or names
    if not pool:
        return None
    return _full(pool[-1] if last else pool[0], index)


def _full(name: str, index: dict[str, str]) -> str:
    parts = name.split()
    if len(parts) == 1:
        return index.get(parts[0], name)
    return index.get(parts[-1], name) if index.get(parts[-1], "").endswith(name) else name


# -- offline extraction ----------------------------------------------------------


@dataclass
class Proposal:
    """What an extractor proposes (before grounding)."""

    summary: str
    facts: list[tuple[str, str]]  # (fact, evidence sentence)
    quotes: list[tuple[str, str, str]]  # (by, text, sentence)
    people: list[str]
    angles: list[str] = field(default_factory=list)


def extract_offline(page: ExtractedPage) -> Proposal:
    """The extractive brief: lead, figures, quotes with speakers. No network."""
    paragraphs = prose(page.text)
    index = people_index(page.text)
    all_sentences = [s for p in paragraphs for s in sentences(p)]
    plain = [s for s in all_sentences if not QUOTE_SPANS.search(s)]
    summary = " ".join(plain[:2]) or (page.description or page.title)
    quotes = _quotes(paragraphs, index)
    facts = [(s, s) for s in _fact_sentences(plain)]
    people = list(dict.fromkeys(by for by, _, _ in quotes if len(by.split()) >= 2))
    return Proposal(summary=summary, facts=facts, quotes=quotes, people=people)


def _fact_sentences(candidates: list[str]) -> list[str]:
    scored = []
    for position, sentence in enumerate(candidates):
        score = 0
        if re.search(r"\d", sentence):
            score += 2
        if re.search(rf"\b{MONTHS}\b", sentence, re.I):
            score += 1
        if len([n for n in _names(sentence[1:])]) >= 1:
            score += 1
        if score >= 2 and 6 <= len(sentence.split()) <= 60:
            scored.append((-score, position, sentence))
    best = sorted(scored)[:MAX_FACTS]
    return [s for _, _, s in sorted(best, key=lambda item: item[1])]


def _quotes(paragraphs: list[str], index: dict[str, str]) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    last_speaker: str | None = None
    for paragraph in paragraphs:
        paragraph_speaker: str | None = None
        spans = list(QUOTE_SPANS.finditer(paragraph))
        for n, match in enumerate(spans):
            text = next(g for g in match.groups() if g is not None).strip()
            if len(text.split()) < MIN_QUOTE_WORDS:
                continue
            before = paragraph[spans[n - 1].end() if n else 0 : match.start()]
            after_end = spans[n + 1].start() if n + 1 < len(spans) else len(paragraph)
            after = paragraph[match.end() : after_end]
            speaker = _speaker(before, after, index, last_speaker) or paragraph_speaker
            if speaker is None:
                continue
            paragraph_speaker = last_speaker = speaker
            sentence = next((s for s in sentences(paragraph) if text in s), paragraph)
            found.append((speaker, text.rstrip(",").strip(), sentence))
            if len(found) >= MAX_QUOTES:
                return found
    return found


def _speaker(before: str, after: str, index: dict[str, str], last: str | None) -> str | None:
    """Who said the quote between `before` and `after` (text of its paragraph)."""
    clause_before = re.split(r"(?<=[.!?])\s+", before.strip())[-1] if before.strip() else ""
    clause_after = re.split(r"(?<=[.!?;])\s", after, maxsplit=1)[0][:160]
    if clause_before.rstrip().endswith(":"):
        who = _speaker_before(clause_before, index)
        if who:
            return who
    if VERB.search(clause_after):
        if PRONOUN.search(clause_after[:40]):
            return last
        verb = VERB.search(clause_after)
        head = clause_after[: verb.start()] if verb else ""
        who = _person(_names(head), index, last=True) or _person(
            _names(clause_after[len(head) :]), index, last=False
        )
        if who:
            return who
    if clause_before.rstrip().endswith((",", ":")):
        return _speaker_before(clause_before, index)
    return None


def _speaker_before(clause: str, index: dict[str, str]) -> str | None:
    verb = VERB.search(clause)
    if verb:
        who = _person(_names(clause[: verb.start()]), index, last=True)
        if who:
            return who
    intro = SOURCE_INTRO.search(clause)
    if intro:
        return _person(_names(clause[intro.end() :]), index, last=True)
    return None
