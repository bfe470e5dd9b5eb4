"""The `offline` writer: a deterministic backend with no network and no model.

It builds a complete post from the brief and the style's phrasebook for the
post's language: a mock proverb and the story to open, the brief's summary and
facts woven through the middle paragraphs, the brief's quotes (and only those)
attributed to their authors, a pull quote, the angle, and a punning closer.
Everything checkable (names, figures, dates, quotes) comes from the brief; the
phrasebook holds none of its own. Source text in another language than the
post is set in italics, as quoted material, rather than mistranslated.

Revising follows the editor's note where the note asks for something it knows
(a new title, dek, opener, pull quote or closer; shorter; funnier; removing or
replacing a quoted phrase) and says in the provenance note what it did.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from generator.brief import Brief
from generator.check.sentences import split_sentences
from generator.errors import BackendError
from generator.llm import Completion, Request, Usage
from generator.styles import Phrasebook, Style
from generator.write.article import Article, Work

T = TypeVar("T")

NAME = "offline"
MODEL = "offline-writer"
_WORD = re.compile(r"[a-zA-ZÀ-ÿ']+")
_EN = {
    "the",
    "has",
    "is",
    "of",
    "and",
    "to",
    "in",
    "its",
    "a",
    "an",
    "was",
    "for",
    "with",
    "on",
    "by",
    "it",
    "that",
    "from",
    "at",
    "are",
    "he",
    "she",
    "his",
}
_FR = {
    "le",
    "la",
    "les",
    "de",
    "des",
    "et",
    "est",
    "un",
    "une",
    "du",
    "à",
    "au",
    "aux",
    "en",
    "pour",
    "dans",
    "sur",
    "par",
    "qui",
    "que",
    "il",
    "elle",
    "son",
    "sa",
    "ses",
    "a",
}


class OfflineBackend:
    """Writes from the phrasebook; free, instant and the same every time. It reads
    its inputs from the request's `Work` (brief, style, draft, note), and hands the
    article back as JSON for the request's own parser."""

    name = NAME
    model = MODEL

    def cache_key(self, request: Request[Any]) -> str | None:
        return None  # writing is cheaper than looking up

    def cost_bound(self, request: Request[Any]) -> float:
        return 0.0

    def record(self, completion: Completion[Any], *, findings: int) -> None:
        pass  # no call log: nothing was spent

    def complete(self, request: Request[T]) -> Completion[T]:
        work = request.context
        if request.kind not in ("write", "revise") or not isinstance(work, Work):
            # its drafts take every claim from the brief: nothing to fix, nothing to judge
            raise BackendError(
                f"the offline writer does not answer {request.kind} requests (it needs no self-check and "
                "judges nothing): configure an LLM endpoint (llm.base_url or OPENAI_API_KEY)"
            )
        if request.kind == "revise" and work.draft is not None:
            draft = work.draft
            current = Article(
                title=draft.title,
                dek=draft.dek or draft.title,
                body=draft.body,
                pull_quote=draft.pull_quote or "-",
                tags=draft.tags,
            )
            article, applied = revise_article(
                current, work.brief, work.style, work.language, work.note or ""
            )
            note = "revised by the offline writer (no LLM): " + "; ".join(applied)
        else:
            article = write_article(work.brief, work.style, work.language)
            note = "written by the offline writer (no LLM) from the brief's facts and the style's phrasebook"
        text = article.model_dump_json()
        return Completion(
            value=request.parse(text),
            text=text,
            backend=NAME,
            model=MODEL,
            usage=Usage(),
            note=note,
        )


# -- helpers ---------------------------------------------------------------------


def _rank(seed: str, key: str) -> int:
    return int(hashlib.sha256(f"{seed}\x00{key}".encode()).hexdigest()[:8], 16)


def _pick(items: Sequence[str], seed: str, key: str, avoid: str | None = None) -> str:
    choices = [i for i in items if i != avoid] or list(items)
    return choices[_rank(seed, key) % len(choices)]


def _rotation(items: Sequence[str], seed: str, key: str) -> list[str]:
    start = _rank(seed, key) % len(items)
    return [*items[start:], *items[:start]]


def looks_like(text: str) -> str:
    """'en', 'fr' or '' from common words: enough to tell quoted source text apart."""
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(w in _EN for w in words)
    fr = sum(w in _FR for w in words)
    if en == fr:
        return ""
    return "en" if en > fr else "fr"


def _as_source(text: str, language: str) -> str:
    """Brief text as it goes into the post: italic when in another language."""
    text = " ".join(text.split()).rstrip(" .")
    other = looks_like(text)
    if other and other != language.split("-")[0]:
        return f"*{text}*"
    return text


def sentences(text: str, language: str) -> list[str]:
    """The sentences of brief or post text, read as one paragraph in the language
    it looks written in (else `language`)."""
    return split_sentences(" ".join(text.split()), looks_like(text) or language)


def find_topic(brief: Brief) -> str:
    """Who the story is about, as the brief spells it: a tag found in its text,
    else the first person, else the publisher."""
    text = " ".join([brief.title, brief.summary, *brief.facts])
    for tag in brief.tags:
        match = re.search(rf"\b({re.escape(tag)})\b", text, re.I)
        if match and len(tag) > 2:
            return str(match.group(1))
    for word in re.findall(r"\b[A-Z][A-Za-z0-9]+\b", brief.title):
        if word.lower() not in {"the", "a", "an", "le", "la", "les", "un", "une"}:
            return str(word)
    return brief.people[0] if brief.people else brief.source.publisher


_LOWER_FIRST = {
    *(
        "the",
        "it",
        "its",
        "they",
        "he",
        "she",
        "his",
        "her",
        "their",
        "a",
        "an",
        "this",
        "these",
        "every",
    ),
    *(
        "at",
        "on",
        "in",
        "after",
        "before",
        "since",
        "with",
        "without",
        "for",
        "from",
        "during",
        "when",
        "while",
        "as",
        "by",
    ),
    *(
        "le",
        "la",
        "les",
        "l",
        "il",
        "elle",
        "ils",
        "elles",
        "un",
        "une",
        "ce",
        "cette",
        "ces",
        "son",
        "sa",
        "ses",
        "chaque",
        "d",
        "de",
        "des",
    ),
    *("dans", "pour", "en", "selon", "après", "avant", "depuis", "quand", "avec", "sans"),
}


def _fill(template: str, *, after_colon_lower: bool = False, **values: str) -> str:
    """`template` with its {placeholders} filled. A value that starts a clause
    mid-sentence ('... confirm that The phone') loses its capital when its first
    word is a common one (never a name); so does one after a colon in French."""
    out = template
    for key, value in values.items():
        at = out.find("{" + key + "}")
        before = out[:at].rstrip()
        starts = (".", "!", "?", "—", "«") if after_colon_lower else (":", ".", "!", "?", "—", "«")
        if (
            at > 0 and not before.endswith(starts) and not value.startswith("*")
        ):  # quoted source text stays as it is
            first = re.split(r"[ '’]", value, maxsplit=1)[0]
            if first.lower() in _LOWER_FIRST and first[:1].isupper():
                value = value[0].lower() + value[1:]
        out = out.replace("{" + key + "}", value)
    return out


def _key(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(" .")


def _chunks(items: list[str], count: int) -> list[list[str]]:
    """`items` in `count` contiguous groups, sizes as even as possible."""
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return [c for c in out if c]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "»", '"', "]", ")", "…")) else text + "."


# -- writing ---------------------------------------------------------------------


def write_article(brief: Brief, style: Style, language: str, seed: str = "") -> Article:
    """A complete post from the brief and the phrasebook of `style` in `language`."""
    book = style.notes_for(language).phrasebook
    seed = f"{brief.effective_slug}:{style.name}:{language}:{seed}"
    topic = find_topic(brief)
    publisher = brief.source.publisher
    title_ref = _as_source(brief.title, language)
    french = language.split("-")[0] == "fr"

    opening = " ".join(
        [
            _pick(book.proverbs, seed, "proverb"),
            _sentence(
                _fill(_pick(book.openers, seed, "opener"), publisher=publisher, title=title_ref)
            ),
        ]
    )
    quoted_in_original = any(
        _as_source(t, language).startswith("*")
        for t in [brief.title, brief.summary, *brief.facts, brief.angle or ""]
    )
    if quoted_in_original and book.original_language:
        opening += " " + _pick(book.original_language, seed, "original")

    items = list(
        {_key(i): i for i in [*sentences(brief.summary, language), *brief.facts]}.values()
    )  # a fact that repeats the summary is said once
    frames = _rotation(book.fact_frames, seed, "frames")
    quips = _rotation(book.quips, seed, "quips")
    middle: list[str] = []
    for n, chunk in enumerate(_chunks(items, min(3, len(items)))):
        # only a paragraph's first fact gets a frame: framing every sentence reads like a form
        first, *rest = chunk
        lines = [
            _sentence(
                _fill(
                    frames[n % len(frames)],
                    after_colon_lower=french,
                    fact=_as_source(first, language),
                )
            )
        ]
        lines += [_sentence(_as_source(item, language)) for item in rest]
        lines.append(quips[n % len(quips)])
        middle.append(" ".join(lines))

    pull = _pick(book.pull_quotes, seed, "pull")
    quote_lines = [
        _sentence(
            _fill(_pick(book.quote_frames, seed, f"quote{i}"), person=q.by, quote=q.text.strip())
        )
        for i, q in enumerate(brief.quotes)
    ]
    if brief.angle:
        angle = _sentence(
            _fill(
                _pick(book.angle_frames, seed, "angle"),
                after_colon_lower=french,
                angle=_as_source(brief.angle, language),
            )
        )
    else:
        angle = _sentence(_fill(_pick(book.angle_free, seed, "angle"), topic=topic))
    closer = _sentence(_fill(_pick(book.closers, seed, "closer"), topic=topic))

    cut = max(1, (len(middle) + 1) // 2)
    paragraphs = [opening, *middle[:cut], f"> {pull}", *middle[cut:]]
    if quote_lines:
        paragraphs.append(" ".join(quote_lines))
    paragraphs += [angle, closer]
    return Article(
        title=_fill(_pick(book.titles, seed, "title"), topic=topic),
        dek=_sentence(_fill(_pick(book.deks, seed, "dek"), publisher=publisher, topic=topic)),
        body="\n\n".join(paragraphs),
        pull_quote=pull,
        tags=list(brief.tags),
    )


# -- revising --------------------------------------------------------------------

_ASKS: list[tuple[str, str]] = [
    ("title", r"\b(titre|title|headline)"),
    ("dek", r"\b(chapeau|chapô|dek|sous-titre|subtitle|standfirst)"),
    ("opener", r"\b(proverbe|proverb|dicton|saying|intro|ouverture|opening|accroche|début)"),
    ("pull", r"(pull.?quote|exergue|citation mise en avant|mise en exergue)"),
    ("closer", r"\b(chute|closer|ending|conclusion|last line|dernière phrase|fin\b)"),
    (
        "shorter",
        r"\b(court|shorter|shorten|trim|raccourci|concis|concise|tighten|moins long|too long|trop long)",
    ),
    (
        "funnier",
        r"\b(drôle|funny|funnier|puns?\b|jeux? de mots|humour|humor|blagues?|jokes?|pétillant|punchier)",
    ),
]
_QUOTED = r"[«\"“']\s*(.+?)\s*[»\"”']"
_REMOVE = re.compile(
    r"\b(?:enlève|enlever|enlevez|supprime|supprimer|supprimez|retire|retirer|retirez|remove|drop|delete|cut)\s+(?:la phrase |the phrase |the sentence |la mention |)"
    + _QUOTED,
    re.I,
)
_REPLACE = re.compile(
    r"\b(?:remplace|remplacer|remplacez|replace)\s+" + _QUOTED + r"\s+(?:par|with|by)\s+" + _QUOTED,
    re.I,
)


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def revise_article(
    article: Article, brief: Brief, style: Style, language: str, note: str
) -> tuple[Article, list[str]]:
    """`article` rewritten as far as the offline writer understands `note`; and what it did."""
    book: Phrasebook = style.notes_for(language).phrasebook
    seed = f"{brief.effective_slug}:{style.name}:{language}:{note}"
    topic = find_topic(brief)
    title, dek, pull = article.title, article.dek, article.pull_quote
    paras = _paragraphs(article.body)
    done: list[str] = []
    asks = {name for name, pattern in _ASKS if re.search(pattern, note, re.I)}

    for match in _REPLACE.finditer(note):
        old, new = match.group(1), match.group(2)
        if any(old in t for t in (title, dek, *paras)):
            title, dek = title.replace(old, new), dek.replace(old, new)
            paras = [p.replace(old, new) for p in paras]
            pull = pull.replace(old, new)
            done.append(f"replaced {old!r} with {new!r}")
    for match in _REMOVE.finditer(note):
        if _REPLACE.search(note):
            break
        gone = match.group(1).lower()
        kept = []
        for p in paras:
            if p.startswith(">"):
                kept.append(p)
                continue
            remaining = " ".join(s for s in sentences(p, language) if gone not in s.lower())
            if remaining:
                kept.append(remaining)
        if kept != paras:
            paras = kept
            done.append(f"removed the sentences with {match.group(1)!r}")
    if "title" in asks:
        title = _fill(
            _pick(
                [t for t in book.titles if _fill(t, topic=topic) != title] or book.titles,
                seed,
                "title",
            ),
            topic=topic,
        )
        done.append("new title")
    if "dek" in asks:
        deks = [
            _sentence(_fill(d, publisher=brief.source.publisher, topic=topic)) for d in book.deks
        ]
        dek = _pick(deks, seed, "dek", avoid=dek)
        done.append("new dek")
    if "opener" in asks and paras:
        old = next((p for p in book.proverbs if paras[0].startswith(p)), None)
        new = _pick(book.proverbs, seed, "proverb", avoid=old)
        paras[0] = paras[0].replace(old, new, 1) if old else f"{new} {paras[0]}"
        done.append("new opening proverb")
    understood = bool(asks or done)
    if not understood:
        asks |= {"pull", "closer"}
    if "pull" in asks:
        pull = _pick(book.pull_quotes, seed, "pull", avoid=pull)
        paras = [f"> {pull}" if p.startswith(">") else p for p in paras]
        done.append("new pull quote")
    if "closer" in asks:
        old_closer = paras[-1] if paras else ""
        options = [
            c for c in book.closers if _sentence(_fill(c, topic=topic)) != old_closer
        ] or book.closers
        new_closer = _sentence(_fill(_pick(options, seed, "closer"), topic=topic))
        if paras and any(old_closer == _sentence(_fill(c, topic=topic)) for c in book.closers):
            paras[-1] = new_closer
        else:
            paras.append(new_closer)
        done.append("new closer")
    if "funnier" in asks:
        body_now = "\n".join(paras)
        extra = [q for q in _rotation(book.quips, seed, "more") if q not in body_now][:2]
        if extra:
            targets = [i for i, p in enumerate(paras) if not p.startswith(">")][1:-1] or [0]
            for n, line in enumerate(extra):
                i = targets[n % len(targets)]
                paras[i] = f"{paras[i]} {line}"
            done.append(f"{len(extra)} more jokes")
    if "shorter" in asks:
        quips = set(book.quips)
        before = sum(len(p) for p in paras)
        paras = [
            p
            if p.startswith(">")
            else (" ".join(s for s in sentences(p, language) if s not in quips) or p)
            for p in paras
        ]
        if sum(len(p) for p in paras) == before:
            longest = max(
                (i for i, p in enumerate(paras) if not p.startswith(">")),
                key=lambda i: len(paras[i]),
            )
            parts = sentences(paras[longest], language)
            if len(parts) > 1:
                paras[longest] = " ".join(parts[:-1])
        done.append("shorter: asides cut")
    if not understood:
        done.insert(0, "note not understood by the offline writer, so")
    revised = Article(
        title=title, dek=dek, body="\n\n".join(paras), pull_quote=pull, tags=article.tags
    )
    return revised, done
