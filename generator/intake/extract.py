"""From a fetched page to what a brief is made of.

`read_page` parses the page once (lxml), takes its own metadata (title
without the site's suffix, publisher from og:site_name or JSON-LD, the
published date in the page's offset, paywall markers), drops what is not the
story (hover cards, captions, pull quotes, promotions, bylines) and runs
trafilatura for the main text. `thin` judges whether it is a story at all.
`extract_offline` is the extractive path, no network: the summary from the
lead sentences, facts from sentences carrying figures, dates and named
organizations, quotes with the speaker the attribution rules of `speakers.py`
find. Everything it proposes still goes through `ground.py`, like what an
LLM proposes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from generator.check.sentences import split_sentences
from generator.intake.ground import normalize
from generator.intake.speakers import NAME, QUOTE_SPANS, TITLE_WORDS, AttributedText

MIN_PROSE_WORDS = 50  # fewer words of running prose: a teaser, a login wall or an error page (a wire brief has 70)
PAYWALLED_WORDS = 150  # behind a paywall marker, fewer words than this: the teaser, not the story
# trafilatura's setting: favor_recall keeps a wire story's body where favor_precision left
# only its reprint notice (bench/intake.py --settings compares the three on the corpus)
EXTRACTION: dict[str, Any] = {"favor_recall": True}
NOTICE_WORDS = (
    80  # a paywall box says "subscribe" in fewer words than this; more is the story itself
)
MAX_FACTS = 8
MAX_QUOTES = 8
MIN_QUOTE_WORDS = 4  # shorter quoted runs are scare quotes or names ("AI-first")

MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
# not the story: hover cards, captions, pull quotes, promotions, bylines, paywall notices
NOISE = re.compile(
    r"(?:^|[\s_-])(?:hover-?card|tooltip|popover|preview-card|pull-?quote|pullquote|caption|credit|"
    r"newsletter|promo|signup|sign-up|subscribe|related|recirc|read-?more|byline|author-bio|"
    r"paywall|piano|ad|ads|advert|advertisement|share|social|lire-aussi)(?:$|[\s_-])",
    re.I,
)
PAYWALL_CLASS = re.compile(
    r"(?:^|[\s_-])(?:paywall|piano|premium-wall|subscriber-only|regwall)(?:$|[\s_-])", re.I
)
PAYWALL_TEXT = re.compile(
    r"subscribe to (?:read|continue)|subscribers only|already a subscriber|réservé aux abonnés|"
    r"abonnez-vous pour lire|cet article est réservé",
    re.I,
)
PROMO_LINE = re.compile(
    r"^(?:By |Par |(?:Photo|Image|Credit|Crédit)s?\s*[:/|©]|Read (?:more|also)\b|Lire aussi\b|"
    r"Sign up\b|Subscribe (?:to|now|for)\b|Inscrivez-vous\b|Abonnez-vous\b|Advertisement\b|"
    r"Publicité\b|Related:|Share (?:this|on)\b|Follow us\b|Suivez-nous\b|Copyright\b|©|"
    r"All rights reserved\b|Tous droits réservés\b|This (?:story|article|material) may not be)",
    re.I,
)
DATELINE = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý .,'-]{2,40}(?:\s*\([\w .&-]{1,30}\))?\s*[—–-]{1,2}\s+")
# hosts and tools that serve a page, not who publishes it
PLATFORMS = frozenset(
    [
        "wordpress",
        "wordpress.com",
        "wordpress",
        "vip",
        "medium",
        "substack",
        "ghost",
        "blogger",
        "blogspot",
        "tumblr",
        "squarespace",
        "wix",
        "webflow",
        "arc",
        "publishing",
        "hubspot",
        "drupal",
        "joomla",
    ]
)
WIRES = frozenset(
    [
        "associated press",
        "ap",
        "reuters",
        "afp",
        "agence france-presse",
        "bloomberg news",
        "dpa",
        "upi",
    ]
)


@dataclass
class ExtractedPage:
    """A page's main text and metadata."""

    title: str
    text: str  # the main text, headline left out
    sitename: str | None = None
    author: str | None = None
    date: str | None = None  # YYYY-MM-DD, in the page's own offset (or the site's zone)
    description: str | None = None
    image: str | None = None
    canonical: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    lang: str = "en"
    paywalled: bool = False  # a paywall marker: schema.org isAccessibleForFree false, a paywall box, "subscribe to read"


def read_page(html: str, url: str, *, timezone: str = "UTC") -> ExtractedPage:
    """The article in a page: main text (no comments, cards, captions) and metadata."""
    import lxml.html
    import trafilatura
    from lxml import etree

    try:
        tree = lxml.html.document_fromstring(html) if html.strip() else None
    except (etree.ParserError, ValueError):
        tree = None
    if tree is None:
        return ExtractedPage(title="", text="")
    meta = _meta(tree)
    paywalled = _paywalled(tree, meta)
    body_words = len(tree.text_content().split())
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        marks = (
            f"{element.get('class') or ''} {element.get('id') or ''} {element.get('role') or ''}"
        )
        if (
            element.tag in {"figcaption", "aside"}
            or (element.tag not in {"html", "body", "main", "article"} and NOISE.search(marks))
        ) and len(element.text_content().split()) * 2 < max(body_words, 1):
            # never what holds half the page: a story's container may be named "has-ads"
            element.drop_tree()
    document: Any = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        **EXTRACTION,
    )
    data: dict[str, Any] = (
        document.as_dict()
        if document is not None and hasattr(document, "as_dict")
        else dict(document or {})
    )
    text = str(data.get("text") or "").strip()
    sitename = _publisher(meta, _clean(data.get("sitename")), url)
    title = _title(
        meta.get("og:title") or " ".join(str(data.get("title") or "").split()), sitename, url
    )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if (
        lines
        and title
        and normalize(lines[0]) in {normalize(title), normalize(str(data.get("title") or ""))}
    ):
        lines = lines[1:]  # trafilatura starts the text with the headline
    lang = (meta.get("lang") or "").split("-")[0].lower() or _guess_lang(text)
    return ExtractedPage(
        title=title,
        text="\n".join(lines),
        sitename=sitename,
        author=_clean(data.get("author")),
        date=_published(meta, _clean(data.get("date")), timezone),
        description=_clean(data.get("description")),
        image=_clean(data.get("image")),
        canonical=_canonical_link(html) or None,
        categories=_split(data.get("categories")),
        tags=_split(data.get("tags")),
        lang=lang if lang in {"en", "fr"} else _guess_lang(text),
        paywalled=paywalled or bool(PAYWALL_TEXT.search(text[-600:])),
    )


def _meta(tree: Any) -> dict[str, Any]:
    """The page's own metadata: <html lang>, og: and article: properties, the JSON-LD article's."""
    meta: dict[str, Any] = {"lang": tree.get("lang") or ""}
    for tag in tree.iter("meta"):
        key = (tag.get("property") or tag.get("name") or "").strip().lower()
        if key and tag.get("content") and key not in meta:
            meta[key] = " ".join(str(tag.get("content")).split())
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for node in _ld_nodes(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(
                isinstance(k, str) and k.endswith(("Article", "Posting", "Report", "BlogPosting"))
                for k in kinds
            ):
                continue
            publisher = node.get("publisher")
            if isinstance(publisher, list) and publisher:
                publisher = publisher[0]
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                meta.setdefault("ld:publisher", " ".join(publisher["name"].split()))
            if isinstance(node.get("datePublished"), str):
                meta.setdefault("ld:date", node["datePublished"].strip())
            free = node.get("isAccessibleForFree")
            if free is False or (isinstance(free, str) and free.strip().lower() == "false"):
                meta["ld:paywalled"] = True
    return meta


def _ld_nodes(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [n for item in data for n in _ld_nodes(item)]
    if isinstance(data, dict):
        return [data, *_ld_nodes(data.get("@graph", []))]
    return []


def _paywalled(tree: Any, meta: dict[str, Any]) -> bool:
    if meta.get("ld:paywalled"):
        return True
    # a paywall box or notice: a container of the whole story named "paywall" is no marker
    return any(
        isinstance(e.tag, str)
        and PAYWALL_CLASS.search(f"{e.get('class') or ''} {e.get('id') or ''}")
        and len(e.text_content().split()) < NOTICE_WORDS
        for e in tree.iter()
    )


def _publisher(meta: dict[str, Any], found: str | None, url: str) -> str | None:
    """Who publishes the page: its JSON-LD publisher or og:site_name, never a platform (nor a wire on another's site)."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower().replace(".", "")
    for candidate in (meta.get("ld:publisher"), meta.get("og:site_name"), found):
        if not candidate:
            continue
        folded = candidate.casefold()
        if folded in PLATFORMS:
            continue
        if folded in WIRES and folded.replace(" ", "") not in host:
            continue
        return str(candidate)
    return None


def _title(title: str, sitename: str | None, url: str) -> str:
    """The headline without the site's name after it ("Headline - Site.com", "Headline | Site")."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    parts = re.split(r"\s+[|\-–—·:]\s+", title)
    while len(parts) > 1:
        last = parts[-1].strip().casefold()
        squashed = re.sub(r"[^a-z0-9]", "", last)
        if (
            (sitename and last == sitename.casefold())
            or (squashed and squashed in host.replace(".", ""))
            or re.fullmatch(r"[\w-]+\.(?:com|net|org|fr|io|co|uk|de|news)", last)
        ):
            parts = parts[:-1]
            title = title[: title.rfind(parts[-1]) + len(parts[-1])]
            continue
        break
    return title.strip()


def _published(meta: dict[str, Any], found: str | None, timezone: str) -> str | None:
    """The publication date as the page's own offset reads it (UTC stamps in the site's zone)."""
    for raw in (meta.get("ld:date"), meta.get("article:published_time"), found):
        if not raw:
            continue
        day = local_date(str(raw), timezone)
        if day:
            return day.isoformat()
    return None


def local_date(raw: str, timezone: str) -> dt.date | None:
    """The day of a timestamp: its own offset when it has one other than UTC, else the site's zone."""
    from email.utils import parsedate_to_datetime

    text = raw.strip().replace("Z", "+00:00")
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            stamp = parsedate_to_datetime(raw.strip())  # RSS: "Wed, 03 Dec 2025 23:30:00 -0500"
        except (TypeError, ValueError, IndexError):
            try:
                return dt.date.fromisoformat(text[:10])
            except ValueError:
                return None
        text = "with a time"
    if stamp.tzinfo is None or len(text) <= 10:
        return stamp.date()
    if stamp.utcoffset() == dt.timedelta(0):
        return stamp.astimezone(_zone(timezone)).date()
    return stamp.date()


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return dt.UTC


def _guess_lang(text: str) -> str:
    words = re.findall(r"[a-zéèàù]+", text[:4000].lower())
    fr = sum(
        w in {"le", "la", "les", "des", "est", "une", "dans", "pour", "qui", "sur"} for w in words
    )
    en = sum(
        w in {"the", "and", "is", "of", "to", "in", "that", "for", "with", "on"} for w in words
    )
    return "fr" if fr > en else "en"


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
    """The paragraphs of running prose: bylines, captions, share buttons, promotions left out."""
    return [
        line
        for line in text.splitlines()
        if len(line.split()) >= 8
        and line.rstrip()[-1:] in '.!?"”»…)'
        and not PROMO_LINE.match(line.strip())
    ]


def thin(page: ExtractedPage) -> str | None:
    """Why the page is not a story (None: it is one)."""
    words = sum(len(p.split()) for p in prose(page.text))
    if page.paywalled and words < PAYWALLED_WORDS:
        return f"behind a paywall ({words} words of article text)"
    if words < MIN_PROSE_WORDS:
        return f"too thin to be a story ({words} words of article text: a teaser, a login wall or an error page?)"
    return None


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
    article = AttributedText(paragraphs, page.lang)
    all_sentences = [s for sents in article.sentences for s in sents]
    quotes = [
        (found.by, part, found.sentence)
        for found in article.quotes()
        if found.by
        for part in found.parts
        if len(part.split()) >= MIN_QUOTE_WORDS
    ][:MAX_QUOTES]
    plain = [s for s in all_sentences if not _holds_quote(s)]
    facts = [(s, s) for s in _fact_sentences(plain)]
    people = article.people([by for by, _, _ in quotes])
    return Proposal(summary=lead(page), facts=facts, quotes=quotes, people=people)


def lead(page: ExtractedPage, count: int = 2) -> str:
    """The article's first sentences, whole: no quote of a person (a scare quote is fine), no dateline."""
    chosen: list[str] = []
    for paragraph in prose(page.text):
        for sentence in split_sentences(paragraph, page.lang):
            if _holds_quote(sentence) or len(sentence.split()) < 5:
                continue
            chosen.append(DATELINE.sub("", sentence, count=1) if not chosen else sentence)
            if len(chosen) >= count:
                return " ".join(chosen)
    return " ".join(chosen) or page.description or page.title


def _holds_quote(sentence: str) -> bool:
    """A sentence quoting someone: a quoted run of MIN_QUOTE_WORDS words or more."""
    return any(
        len(next(g for g in m.groups() if g is not None).split()) >= MIN_QUOTE_WORDS
        for m in QUOTE_SPANS.finditer(sentence)
    )


def _fact_sentences(candidates: list[str]) -> list[str]:
    scored = []
    for position, sentence in enumerate(candidates):
        score = 0
        if re.search(r"\d", sentence):
            score += 2
        if re.search(rf"\b{MONTHS}\b", sentence):
            score += 1
        if any(m.group().split()[0] not in TITLE_WORDS for m in NAME.finditer(sentence[1:])):
            score += 1
        if score >= 2 and 6 <= len(sentence.split()) <= 60:
            scored.append((-score, position, sentence))
    best = sorted(scored)[:MAX_FACTS]
    return [s for _, _, s in sorted(best, key=lambda item: item[1])]
