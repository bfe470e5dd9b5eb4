"""The fact check: claims in a draft that its brief does not back.

`check(brief, draft) -> list[Finding]` reads the draft's title, dek, pull quote
and body, and reports five kinds of claims that the brief (its title, summary,
facts, quotes, people and source) does not back:

- number: figures in digits or in words, with their currency or unit, compared
  by value across French and English ("$50 billion" backs "50 milliards de
  dollars", "8 years" backs "huit années"; decimal commas, thousands separators);
- quote: words in quote marks (" ", “ ”, « ») that are not among the brief's
  quotes or quoted names, and brief quotes given to someone else; a quote put
  in the mouth of someone the brief does not quote says so;
- person, organization: names the brief does not mention;
- date: days, months and years the brief does not give.

It is a reader's aid, not a judge: a joke figure or a mock proverb is reported
all the same and the editor decides (approving with claim findings takes --ack).
`start`/`end` index the named field's text as stored (the body's Markdown), so
that a desk can highlight the span; `backing` says what the brief does say
(the writer's self-check is shown it).

A quote given in another language than the brief's, to a person the brief
quotes, at a similar length, may be a faithful translation: words cannot be
compared across languages, so a `Verifier` (an LLM, see generator/write/translations.py)
judges the pair: "no" is a `quote` finding with its reason and the original,
"yes" is no finding but a `Verified` note. Without a verifier, or when it
fails, it is a `translation` finding (advisory: no --ack) that shows the
brief's original and speaker. Style findings (advisory too) come from
generator/check/stylecheck.py. Names are found by shape and word lists (first names,
well-known organizations, "Labs"/"Inc" suffixes, "la startup X"), not by a
language model.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from generator.check import lexicon as lx
from generator.check.sentences import sentence_at
from generator.errors import SatireError

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.drafts import Draft

Kind = Literal["number", "quote", "person", "organization", "date", "translation", "style"]
# claims: unbacked, so approving takes --ack; the advisory kinds (translation, style) are
# shown and logged, never block
CLAIM_KINDS: tuple[Kind, ...] = ("number", "quote", "person", "organization", "date")
FieldName = Literal["title", "dek", "pull_quote", "body"]
FIELDS: tuple[FieldName, ...] = ("title", "dek", "pull_quote", "body")


@dataclass(frozen=True)
class Finding:
    """One claim the brief does not back (or one advisory note), and where it stands in the draft."""

    kind: Kind
    text: str  # the span as it stands in the draft ("" for a rule about the whole post)
    message: str
    field: FieldName  # which part of the draft: title, dek, pull_quote or body
    start: int  # offsets into that field's text
    end: int
    backing: str = ""  # what the brief does say on the matter

    @property
    def blocking(self) -> bool:
        """Whether approving with it takes --ack (a claim, not an advisory note)."""
        return self.kind in CLAIM_KINDS

    def to_dict(self) -> dict[str, object]:
        return asdict(self) | {"blocking": self.blocking}


@dataclass(frozen=True)
class Pair:
    """A draft's quote and the brief's original it may translate."""

    by: str
    original: str
    translation: str
    original_language: str
    translation_language: str


@dataclass(frozen=True)
class Judgement:
    """A verifier's answer on a Pair: same meaning or not, why, and which model said so."""

    same: bool
    reason: str
    model: str


class Verifier(Protocol):
    """Judges whether a translated quote says the same as the brief's; raises on failure."""

    def __call__(self, pair: Pair) -> Judgement: ...


@dataclass(frozen=True)
class Verified:
    """A translated quote the verifier found faithful: no finding, but said in the JSON output."""

    text: str
    original: str
    by: str
    model: str
    reason: str
    field: FieldName
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        message = f"translation of {self.by}'s quote “{self.original}”, verified by {self.model}: {self.reason}"
        return {
            "kind": "verified",
            "verified": True,
            **asdict(self),
            "message": message,
            "blocking": False,
        }


@dataclass
class Examination:
    """A fact check's outcome: findings in reading order, and the translations verified."""

    findings: list[Finding] = field(default_factory=list)
    verified: list[Verified] = field(default_factory=list)

    @property
    def claims(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def advisory(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]


def check(brief: Brief, draft: Draft, *, verifier: Verifier | None = None) -> list[Finding]:
    """Every claim of `draft` that `brief` does not back, in reading order."""
    return examine(brief, draft, verifier=verifier).findings


def claims(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that are claims (number, quote, person, organization, date)."""
    return [f for f in findings if f.blocking]


def examine(brief: Brief, draft: Draft, *, verifier: Verifier | None = None) -> Examination:
    """The fact check of `draft` against `brief`, translated quotes judged by `verifier` when given."""
    evidence = Backing.of(brief, draft.language)
    out = Examination()
    for name in FIELDS:
        text = getattr(draft, name) or ""
        _check_text(text, name, evidence, verifier, out)
    return out


# -- reading text --------------------------------------------------------------


_QUOTE_FOLD = str.maketrans(lx.QUOTE_FOLD)


def fold(text: str) -> str:
    """Lowercase, without accents, with plain quote marks and apostrophes: for comparing words."""
    text = text.translate(_QUOTE_FOLD)
    if text.isascii():
        return text.lower()  # nothing to decompose: the common case, kept fast
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _words(text: str) -> str:
    """` a b c `: folded words only, padded, for whole-word containment."""
    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


_EN_WORDS = frozenset(
    ["the", "and", "of", "to", "is", "has", "was", "in", "its", "for", "with", "that", "by"]
)
_FR_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "et",
        "est",
        "du",
        "une",
        "un",
        "pour",
        "dans",
        "avec",
        "que",
        "sur",
        "au",
        "aux",
    ]
)


def guess_language(text: str, default: str) -> str:
    """'en' or 'fr' by their commonest words: a French post's brief is often in English."""
    words = re.findall(r"\w+", fold(text))
    en = sum(w in _EN_WORDS for w in words)
    fr = sum(w in _FR_WORDS for w in words)
    return "en" if en > fr else "fr" if fr > en else _lang(default)


def _lang(tag: str | None) -> str:
    primary = (tag or "en").split("-")[0].lower()
    return primary if primary in lx.NUMBER_WORDS else "en"


# Markdown link targets, images, HTML tags, code and URLs hold no claims
_MASK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|<[^>\n]+>|`[^`\n]*`|https?://\S+|www\.\S+")


def _masked(text: str) -> str:
    """`text` with the spans that hold no claims blanked, offsets unchanged."""
    return _MASK.sub(lambda m: " " * len(m.group()), text)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Figure:
    """A figure: its possible values (1,500 may be 1500 or 1.5) and unit class."""

    values: frozenset[float]
    unit: str | None
    start: int
    end: int

    def matches(self, other: Figure) -> bool:
        if self.unit and other.unit and self.unit != other.unit:
            return False
        return any(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for a in self.values for b in other.values)


@dataclass(frozen=True)
class When:
    """A date as precise as the text gives it."""

    day: int | None
    month: int | None
    year: int | None
    start: int = 0
    end: int = 0

    def backed_by(self, other: When) -> bool:
        pairs = ((self.day, other.day), (self.month, other.month), (self.year, other.year))
        return all(mine is None or mine == theirs for mine, theirs in pairs)


_MONTH_NAMES = _alternation(lx.MONTHS)
_DATE_RE = re.compile(
    r"\b(?P<iy>(?:19|20)\d\d)-(?P<im>0[1-9]|1[0-2])-(?P<id>[0-2]\d|3[01])\b"
    r"|(?:\b(?P<d1>[0-3]?\d)(?:er|st|nd|rd|th)?[\s\u00a0]+)?"
    rf"\b(?P<m>{_MONTH_NAMES})\b"
    r"(?:[\s\u00a0]+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b)?"
    r"(?:,?[\s\u00a0]+(?P<y>(?:19|20)\d\d)\b)?",
    re.IGNORECASE,
)
_ERA_RE = re.compile(
    r"\bann[ée]es[\s\u00a0]+(?:19|20)?\d0\b|(?:\bthe\s+)?(?:['’]|\b)(?:19|20)?\d0['’]?s\b",
    re.IGNORECASE,
)
_ENGLISH_MONTHS = lx.ENGLISH_MONTHS

_GLUED = _alternation(lx.GLUED_UNITS)
_NUM_RE = re.compile(
    r"(?P<cur>[$€£][\s\u00a0]?)?(?<![\w.,])"
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)(?:[.,]\d+)?|\d+(?:[.,]\d+)*)"
    rf"(?P<glued>{_GLUED})?(?![\w])",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    rf"^[\s\u00a0\u202f]*(?:(?:de|of)[\s\u00a0]+|d['’][\s\u00a0]*)?(?P<unit>{_alternation(lx.UNITS)})(?!\w)",
    re.IGNORECASE,
)
# a French post may quote its English brief ("8 billion dollars"): a scale word means
# what it means in any language that has it (French billion 1e12, English 1e9)
_ANY_SCALE: dict[str, frozenset[float]] = {
    w: frozenset(scales[w] for scales in lx.SCALES.values() if w in scales)
    for w in {w for scales in lx.SCALES.values() for w in scales}
}
_SCALE_AFTER = re.compile(
    rf"^[\s\u00a0\u202f]*(?P<scale>{_alternation(_ANY_SCALE)})(?!\w)", re.IGNORECASE
)
_GLUED_SCALES = {"bn": 1e9, "md": 1e9, "mds": 1e9, "k": 1e3}


def _values(raw: str) -> frozenset[float]:
    """'5 000' -> {5000}; '5,6' -> {5.6}; '1,500' -> {1500, 1.5}; '1.234,5' -> {1234.5}."""
    s = re.sub(r"[\s\u00a0\u202f]", " ", raw)
    if " " in s:  # spaces group thousands; what follows a comma or point is decimal
        whole, _, frac = re.sub(r"[.,]", ".", s).partition(".")
        return frozenset({float(whole.replace(" ", "") + ("." + frac if frac else ""))})
    seps = re.findall(r"[.,]", s)
    groups = re.split(r"[.,]", s)
    if not seps:
        return frozenset({float(s)})
    if len(seps) == 1:
        decimal = float(f"{groups[0]}.{groups[1]}")
        if len(groups[1]) == 3:
            return frozenset({float(groups[0] + groups[1]), decimal})
        return frozenset({decimal})
    if len(set(seps)) == 1:
        return frozenset({float("".join(groups))})
    return frozenset({float("".join(groups[:-1]) + "." + groups[-1])})


def _unit_after(text: str, pos: int) -> tuple[str | None, int]:
    m = _UNIT_AFTER.match(text[pos : pos + 40])
    if not m:
        return None, pos
    return lx.UNITS[m.group("unit").lower()], pos + m.end()


@dataclass
class Scan:
    """The dates and figures of one text."""

    dates: list[When] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def scan(text: str, lang: str, *, evidence: bool = False) -> Scan:
    """Dates, then figures in digits, then figures in words (each span read once).

    As `evidence` (a brief), everything counts; in a draft a spelled-out number
    under ten needs a unit ("huit années") so that "les deux" is no claim.
    """
    out = Scan()
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(start < b and a < end for a, b in taken)

    for m in _ERA_RE.finditer(text):
        taken.append(m.span())
    for m in _DATE_RE.finditer(text):
        if not free(*m.span()):
            continue
        if m.group("iy"):
            when = When(int(m.group("id")), int(m.group("im")), int(m.group("iy")), *m.span())
        else:
            name = m.group("m")
            day_text = m.group("d1") or m.group("d2")
            year = int(m.group("y")) if m.group("y") else None
            if fold(name) in _ENGLISH_MONTHS and not name[0].isupper():
                continue  # "march", "may": verbs in English
            if fold(name) in lx.AMBIGUOUS_MONTHS and not (day_text or year):
                continue  # "Mars" the planet, "May" the verb
            day = int(day_text) if day_text else None
            if day is not None and not 1 <= day <= 31:
                continue
            when = When(day, lx.MONTHS[fold(name)], year, *m.span())
        out.dates.append(when)
        taken.append(m.span())
    scales = lx.SCALES[lang]
    for m in _NUM_RE.finditer(text):
        if not free(*m.span()):
            continue
        values = _values(m.group("num"))
        end = m.end()
        unit = lx.UNITS[m.group("cur").strip()] if m.group("cur") else None
        glued = (m.group("glued") or "").lower()
        scale = _GLUED_SCALES.get(glued)
        if glued and scale is None:
            unit = lx.UNITS.get(glued, unit)
        multipliers = frozenset({scale}) if scale else frozenset()
        if not multipliers:
            s = _SCALE_AFTER.match(text[end : end + 30])
            if s:
                word = s.group("scale").lower()
                multipliers = frozenset({scales[word]}) if word in scales else _ANY_SCALE[word]
                multipliers |= (
                    _ANY_SCALE[word]
                    if word in {"billion", "billions", "trillion", "trillions"}
                    else frozenset()
                )
                end += s.end()
        if unit is None:
            unit, end = _unit_after(text, end)
        start = m.start()
        raw = m.group("num")
        if not multipliers and unit is None and re.fullmatch(r"(?:19|20)\d\d", raw):
            out.dates.append(When(None, None, int(raw), m.start("num"), m.end("num")))
        else:
            out.figures.append(
                Figure(
                    frozenset(v * k for v in values for k in multipliers or {1.0}), unit, start, end
                )
            )
        taken.append((start, end))
    for start, end, value in _number_words(text, lang):
        if not free(start, end):
            continue
        has_scale = value >= 1000
        unit, unit_end = _unit_after(text, end)
        if not evidence and value < 10 and not has_scale and unit is None:
            continue
        out.figures.append(Figure(frozenset({value}), unit, start, unit_end if unit else end))
        taken.append((start, end))
    return out


def _number_words(text: str, lang: str) -> Iterator[tuple[int, int, float]]:
    """Runs of number words and their values: 'vingt-sept' 27, 'fifty billion' 5e10."""
    words = lx.NUMBER_WORDS[lang]
    scales = {w: v for w, v in lx.SCALES[lang].items() if len(w) > 3}
    tokens = [(fold(m.group()), m.start(), m.end()) for m in re.finditer(r"[^\W\d_]+", text)]

    def joined(i: int) -> bool:  # tokens i-1 and i are parts of one number
        return (
            i > 0
            and re.fullmatch(r"[\s\u00a0-]+", text[tokens[i - 1][2] : tokens[i][1]]) is not None
        )

    i = 0
    while i < len(tokens):
        word = tokens[i][0]
        if word not in words and word not in scales:
            i += 1
            continue
        total, current, numeral, j, last = 0.0, 0.0, False, i, i
        while j < len(tokens) and (j == i or joined(j)):
            w = tokens[j][0]
            if w in lx.CONNECTORS:
                nxt = tokens[j + 1][0] if j + 1 < len(tokens) and joined(j + 1) else ""
                if numeral and current % 100 >= 20 and words.get(nxt, 99) < 20:
                    j += 1
                    continue
                break
            if w in words:
                v = words[w]
                tail = current % 100
                if v == 100:
                    current = max(current, 1) * 100
                elif v == 20 and j > 0 and tokens[j - 1][0] == "quatre" and tail == 4:
                    current += 76  # quatre-vingt(s) = 80
                elif (
                    tail == 0
                    or (tail >= 20 and tail % 10 == 0 and v < 10)
                    or (tail in (60, 80) and 10 <= v < 20)
                ):
                    current += v
                else:
                    break
                numeral = True
            elif w in scales:
                before = tokens[i - 1][0] if i > 0 and j == i else ""
                if not numeral and w != "mille" and before not in lx.ONE_WORDS:
                    break  # "des milliards", "millions of": no figure
                total += max(current, 1) * scales[w]
                current = 0
                numeral = True
            else:
                break
            last = j
            j += 1
        if numeral and not (last == i and tokens[i][0] in lx.ONE_WORDS):
            yield tokens[i][1], tokens[last][2], total + current
        i = max(last, i) + 1


# -- names -----------------------------------------------------------------------

_NAME = r"[A-ZÀ-ÖØ-Þ][\w’'-]*[\w]"
_PARTICLES = r"(?:(?:de|du|des|van|von|der|den|di|da|le|la|al|bin|ben|el)\s+)?"
_PERSON_RE = re.compile(
    rf"(?<![\w-])(?P<first>{_alternation(lx.FIRST_NAMES)})(?:\s+[A-Z]\.)?\s+(?P<last>{_PARTICLES}{_NAME})"
)
_FAMOUS_RE = re.compile(rf"(?<![\w-])(?P<last>{_alternation(lx.FAMOUS_SURNAMES)})(?![\w-])")
_HONORIFIC_RE = re.compile(rf"(?<![\w-])(?:{_alternation(lx.HONORIFICS)})\s+(?P<last>{_NAME})")
_ORG_RE = re.compile(rf"(?<![\w@/.-])(?P<org>{_alternation(lx.ORGANIZATIONS)})(?![\w-])")
_ORG_SUFFIX_RE = re.compile(
    rf"(?<![\w-])(?P<org>(?:{_NAME}\s+){{1,3}}(?:{_alternation(lx.ORG_SUFFIXES)}))(?![\w-])"
)
_ORG_CUE_RE = re.compile(
    rf"(?i:\b(?:{_alternation(lx.ORG_CUES)}))\s+(?:[a-zé]+\s+)?(?P<org>{_NAME}(?:\s+{_NAME})?)"
)
_NOT_NAMES = frozenset(
    fold(w)
    for w in (
        "Le",
        "La",
        "Les",
        "The",
        "Un",
        "Une",
        "A",
        "An",
        "Et",
        "And",
        "De",
        "Of",
        "Il",
        "Elle",
        "He",
        "She",
        "It",
        "En",
        "In",
        "On",
        "Ce",
        "This",
    )
)
_WORD_SURNAMES = frozenset(
    {"Son", "Cook", "Jobs", "Gates", "Brin"}
)  # surnames that are also words opening a sentence
_STOP = frozenset({"the", "le", "la", "les", "de", "of", "and", "et", "du", "des"})
_POSSESSIVE = re.compile(r"['’]s$")


def _surname(name: str) -> str:
    return fold(_POSSESSIVE.sub("", name.split()[-1]))


def _sentence_start(text: str, pos: int) -> bool:
    return re.search(r"(?:^|[.!?:\n#*>«“\"]\s*)$", text[:pos]) is not None


@dataclass(frozen=True)
class Mention:
    """A name in the text: its kind, span, and the key it is compared by."""

    kind: Literal["person", "organization"]
    name: str
    start: int
    end: int


def _mentions(text: str, evidence: Backing) -> list[Mention]:
    """People and organizations named in `text` (brief names included), no overlaps."""
    found: list[Mention] = []

    def add(kind: Literal["person", "organization"], name: str, start: int, end: int) -> None:
        if not any(start < m.end and m.start < end for m in found):
            found.append(Mention(kind, name, start, end))

    for m in _ORG_RE.finditer(text):
        name = m.group("org")
        if name in lx.COMMON_WORD_ORGS and _sentence_start(text, m.start()):
            continue
        add("organization", name, *m.span())
    for name in evidence.known_people:  # names the brief gives are people, whatever their shape
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?:['’]s)?(?![\w-])", text):
            add("person", name, *m.span())
    for m in _PERSON_RE.finditer(text):
        if fold(m.group("last").split()[-1]) not in _NOT_NAMES:
            add(
                "person",
                _POSSESSIVE.sub("", m.group()),
                m.start(),
                m.start() + len(_POSSESSIVE.sub("", m.group())),
            )
    for regex in (_HONORIFIC_RE, _FAMOUS_RE):
        for m in regex.finditer(text):
            if (
                regex is _FAMOUS_RE
                and m.group("last") in _WORD_SURNAMES
                and _sentence_start(text, m.start())
            ):
                continue  # "Son fondateur", "Jobs are...": a word, not Masayoshi Son or Steve Jobs
            add(
                "person",
                _POSSESSIVE.sub("", m.group()),
                m.start(),
                m.start() + len(_POSSESSIVE.sub("", m.group())),
            )
    for regex in (_ORG_SUFFIX_RE, _ORG_CUE_RE):
        for m in regex.finditer(text):
            add("organization", m.group("org"), m.start("org"), m.end("org"))
    return sorted(found, key=lambda m: m.start)


# -- the brief, as evidence -------------------------------------------------------


@dataclass
class Backing:
    """What a brief backs, read once per check."""

    lang: str  # the brief's language
    draft_lang: str
    figures: list[Figure]
    figure_texts: list[str]
    dates: list[When]
    words: str  # every brief word, folded and padded
    capitalized: set[str]  # folded words the brief writes with a capital
    quotes: list[tuple[str, str]]  # (folded words, by)
    quote_texts: list[tuple[str, str]]  # (text as written, by)
    quoted: list[str]  # folded words of spans in quote marks in the brief's own text
    authors: dict[str, str]  # surname key -> name, of people the brief quotes
    known_people: list[str]  # full names and surnames to recognise in drafts
    people: list[str]  # as the brief names them, for messages
    title: str

    @classmethod
    def of(cls, brief: Brief, draft_language: str) -> Backing:
        texts = [brief.title, brief.summary, *brief.facts, *(q.text for q in brief.quotes)]
        lang = guess_language(" ".join(texts), brief.language or draft_language)
        names = [*brief.people, *(q.by for q in brief.quotes), brief.source.publisher]
        figures: list[Figure] = []
        figure_texts: list[str] = []
        dates: list[When] = [
            When(d.day, d.month, d.year)
            for d in (brief.source.published, brief.date)
            if isinstance(d, dt.date)
        ]
        for text in texts:
            found = scan(_masked(text), lang, evidence=True)
            figures.extend(found.figures)
            figure_texts.extend(text[f.start : f.end].strip() for f in found.figures)
            dates.extend(found.dates)
        for when in dates:  # "le 29" and "2025" as plain numbers
            figures.append(
                Figure(
                    frozenset(float(v) for v in (when.day, when.year) if v is not None), None, 0, 0
                )
            )
        all_text = "\n".join([*texts, *names])
        people = [*brief.people, *(q.by for q in brief.quotes)]
        known = sorted(
            {*people, *(p.split()[-1] for p in people if len(p.split()[-1]) > 2)},
            key=len,
            reverse=True,
        )
        return cls(
            lang=lang,
            draft_lang=_lang(draft_language),
            figures=figures,
            figure_texts=list(dict.fromkeys(figure_texts)),
            dates=dates,
            words=_words(all_text),
            capitalized={fold(w) for w in re.findall(r"\b[A-ZÀ-Þ][\w'-]*", all_text)}
            | {_surname(n) for n in names},
            quotes=[(_words(q.text), q.by) for q in brief.quotes],
            quote_texts=[(q.text, q.by) for q in brief.quotes],
            quoted=[_words(_quote_inner(m)) for t in texts for m in _QUOTE_RE.finditer(t)],
            authors={_surname(q.by): q.by for q in brief.quotes},
            known_people=known,
            people=list(dict.fromkeys(people)),
            title=brief.title,
        )

    def date_texts(self) -> str:
        shown = []
        for d in self.dates:
            parts = [
                str(d.year) if d.year else "",
                f"{d.month:02d}" if d.month else "",
                f"{d.day:02d}" if d.day else "",
            ]
            shown.append("-".join(p for p in parts if p))
        return ", ".join(dict.fromkeys(shown)) or "none"

    def backs_figure(self, figure: Figure) -> bool:
        return any(figure.matches(f) for f in self.figures)

    def backs_date(self, when: When) -> bool:
        return any(when.backed_by(d) for d in self.dates)

    def backs_person(self, name: str) -> bool:
        return _surname(name) in self.capitalized or _words(name) in self.words

    def backs_organization(self, name: str) -> bool:
        key = " ".join(re.findall(r"\w+", fold(name)))
        group = next((g for g in lx.ORG_ALIASES if key in g), frozenset({key}))
        if any(f" {alias} " in self.words for alias in group):
            return True
        significant = [
            t
            for t in key.split()
            if t not in _STOP and fold(t) not in {fold(s) for s in lx.ORG_SUFFIXES}
        ]
        return bool(significant) and significant[0] in self.capitalized


# -- checking one field -----------------------------------------------------------

# quotes may wrap lines but not paragraphs
_QUOTE_RE = re.compile(
    r"«[\s\u00a0\u202f]*(?P<g>(?:[^«»\n]|\n(?!\s*\n)){1,800}?)[\s\u00a0\u202f]*»"
    r"|“(?P<c>(?:[^“”\n]|\n(?!\s*\n)){1,800})”"
    r"|\"(?P<s>(?:[^\"\n]|\n(?!\s*\n)){1,800})\""
    r"|„(?P<l>(?:[^„“”\n]|\n(?!\s*\n)){1,800})[“”]"
)
MIN_QUOTE_WORDS = 3  # « la fenêtre », "momentum": quoted terms, not quotes


def _quote_inner(m: re.Match[str]) -> str:
    return next(
        g for g in (m.group("g"), m.group("c"), m.group("s"), m.group("l")) if g is not None
    )


_SAYS = re.compile(
    r"\b(?:said|says|say|added|adds|explained|explains|told|tells|wrote|writes|tweeted|posted|insisted|insists|according to|dixit"
    r"|d[ée]clare|a d[ée]clar[ée]|dit|a dit|explique|a expliqué|ajoute|a ajouté|affirme|a affirmé|lance|a lancé|assure|a assuré"
    r"|selon|confie|a confié|tranche|résume|souligne|précise|insiste|a tweeté|écrit|a écrit|martèle|promet|a promis|jure)\b",
    re.IGNORECASE,
)


_OBJECT_CUE = re.compile(r"(?i)\b(?:que|qu'|qu’|that|à|to|pour|for|avec|with|de|d'|d’|of)\s*$")


def _speaker(text: str, start: int, end: int, people: list[Mention], lang: str) -> Mention | None:
    """Who says the quote at [start, end): a name that a speech verb ties to it
    just after ("», a déclaré X"), else the nearest name before it in its sentence."""
    s_start, s_end = sentence_at(text, start, end, lang)
    for m in people:
        if end <= m.start < min(s_end, end + 60) and _SAYS.search(text[end : m.start]):
            return m
    before = [m for m in people if s_start <= m.start and m.end <= start]
    # "X compte bien que Y ... : « »", "X wants Y to": Y is not who speaks
    subjects = [
        m for m in before if not _OBJECT_CUE.search(text[max(s_start, m.start - 12) : m.start])
    ]
    chosen = subjects or before
    return chosen[-1] if chosen else None


def _check_text(
    raw: str, where: FieldName, ev: Backing, verifier: Verifier | None, out: Examination
) -> None:
    text = _masked(raw)
    found_here: list[Finding] = []

    def add(kind: Kind, start: int, end: int, message: str, backing: str) -> None:
        found_here.append(Finding(kind, raw[start:end], message, where, start, end, backing))

    figures = f"the brief's figures: {', '.join(ev.figure_texts) or 'none'}"
    found = scan(text, ev.draft_lang)
    for when in found.dates:
        if not ev.backs_date(when):
            add(
                "date",
                when.start,
                when.end,
                f"date not in the brief (its dates: {ev.date_texts()})",
                f"the brief's dates: {ev.date_texts()}",
            )
    for figure in found.figures:
        if not ev.backs_figure(figure):
            add(
                "number",
                figure.start,
                figure.end,
                f"figure not in the brief (its figures: {', '.join(ev.figure_texts[:8]) or 'none'})",
                figures,
            )
    mentions = _mentions(text, ev)
    people_backing = f"the brief's people: {', '.join(ev.people) or 'none'}"
    for mention in mentions:
        if mention.kind == "person" and not ev.backs_person(mention.name):
            add(
                "person",
                mention.start,
                mention.end,
                f"person not named in the brief (its people: {', '.join(ev.people) or 'none'})",
                people_backing,
            )
        elif mention.kind == "organization" and not ev.backs_organization(mention.name):
            add(
                "organization",
                mention.start,
                mention.end,
                "organization not named in the brief",
                f"the brief is about: {ev.title}",
            )
    people = [m for m in mentions if m.kind == "person"]
    quotes_backing = "the brief's quotes: " + (
        "; ".join(f"{by}: “{q}”" for q, by in ev.quote_texts) or "none"
    )
    for m in _QUOTE_RE.finditer(text):
        problem = _quote_problem(text, m, people, ev)
        if isinstance(problem, str):
            add("quote", m.start(), m.end(), problem, quotes_backing)
        elif problem is not None:
            judged = _judge(problem, verifier, ev)
            if isinstance(judged, Judgement):
                out.verified.append(
                    Verified(
                        raw[m.start() : m.end()],
                        problem.original,
                        problem.by,
                        judged.model,
                        judged.reason,
                        where,
                        m.start(),
                        m.end(),
                    )
                )
            else:
                add(*(judged[0], m.start(), m.end(), judged[1]), quotes_backing)
    out.findings.extend(sorted(found_here, key=lambda f: (f.start, f.kind)))


def _judge(pair: Pair, verifier: Verifier | None, ev: Backing) -> Judgement | tuple[Kind, str]:
    """A translated quote, judged: a Judgement when faithful, else the finding's kind and message."""
    shown = f"{pair.by} said, in the brief: “{pair.original}”"
    if verifier is None:
        return (
            "translation",
            f"quote translated from the brief: compare with the original ({shown})",
        )
    try:
        judged = verifier(pair)
    except SatireError as exc:  # the endpoint failed: the editor compares
        return (
            "translation",
            f"quote translated from the brief, not verified ({' '.join(exc.format_message().split())[:160]}): compare with the original ({shown})",
        )
    if judged.same:
        return judged
    return (
        "quote",
        f"translation that does not say what the brief quotes ({judged.model}: {judged.reason}); {shown}",
    )


def _quote_problem(
    text: str, m: re.Match[str], people: list[Mention], ev: Backing
) -> str | Pair | None:
    """Why the quote `m` is not backed, a Pair when it may translate one of the brief's, or None when it is backed."""
    inner = _quote_inner(m)
    said = _words(inner)
    if len(said.split()) < MIN_QUOTE_WORDS or text.strip(" *_#>\n") == m.group():
        return None  # a quoted term, or a title framed in quote marks
    speaker = _speaker(
        text,
        m.start(),
        m.end(),
        [p for p in people if not (m.start() <= p.start < m.end())],
        ev.draft_lang,
    )
    who = _surname(speaker.name) if speaker else None
    s_start, s_end = sentence_at(text, m.start(), m.end(), ev.draft_lang)
    context = _words(text[max(0, s_start - 200) : s_end])
    owners = [by for words, by in ev.quotes if said in words]
    if owners:
        if (
            who
            and who not in {_surname(b) for b in owners}
            and not any(f" {_surname(b)} " in context for b in owners)
        ):
            return f"the brief gives these words to {owners[0]}, not to {speaker.name if speaker else '?'}"
        return None
    if any(said in span for span in ev.quoted):
        return None
    if who in ev.authors:
        # maybe a translation of what the brief quotes (in another language than the quote's): the closest in length, for a judge
        mine = guess_language(inner, ev.draft_lang)
        ratios = [
            (len(said.split()) / len(words.split()), q, theirs)
            for (words, by), (q, _) in zip(ev.quotes, ev.quote_texts, strict=True)
            if _surname(by) == who
            and words.split()
            and (theirs := guess_language(q, ev.lang)) != mine
        ]
        near = sorted((abs(1 - r), q, theirs) for r, q, theirs in ratios if 0.5 <= r <= 2.0)
        if near:
            return Pair(ev.authors[who], near[0][1], " ".join(inner.split()), near[0][2], mine)
    message = "quote not among the brief's quotes"
    if speaker and who not in ev.authors:
        message += f"; it puts words in the mouth of {speaker.name}, whom the brief does not quote"
    elif speaker:
        message += f" of {speaker.name}"
    return message
