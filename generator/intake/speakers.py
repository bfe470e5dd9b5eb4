"""Who said a quote: the attribution rules intake reads an article's prose with.

`read_quotes` finds every quoted run of an article ("...", “...”, « ... ») and
who the article says said it, by these rules, in English and French:

- the speaker is named in the quote's own sentence, tied to it by a speech
  verb ("...,” Park said", "said Lena Park", « ... », affirme Marie Dupont,
  "Lena Park told analysts: “...”") or by "according to" / « selon »; a name
  after the verb of "told" / « a confié à » is who was spoken to, not the speaker;
- an incise inside the marks counts too (« ..., a-t-il déclaré, ... »,
  "..., she said, ...");
- a pronoun ("he said", « a-t-elle ajouté », « selon elle ») is the person the
  article named just before the quote (in its sentence or the two paragraphs
  before), whoever spoke last: never the previous quote's speaker by default;
- titles, honorifics and appositives are not names ("Veltra chief executive
  Lena Park", "Marcus Hale, an analyst at Redwood Research": the person, not
  the firm); a surname alone is the full name the article gave earlier;
- a person is a name with a person's marks (a known first name, an honorific or
  title before it, a role after it, or speaking) and none of a place's or an
  organisation's: a name the article also uses after "in", "at" or "of", with a
  company suffix, or a known organisation is never a person.

Grounding (`ground.py`) keeps an extractor's quote only when these rules give
it the same speaker; the offline extractor proposes what they find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from generator.check import lexicon as lx
from generator.check.sentences import split_sentences

UPPER = "A-ZÀ-ÖØ-Ý"
LOWER = "a-zß-öø-ÿ"
NAME_WORD = rf"(?:[{UPPER}][{LOWER}'’]+(?:[{UPPER}][{LOWER}]+)?(?:-[{UPPER}][{LOWER}]+)?|[{UPPER}]\.(?:[{UPPER}]\.)?)"
NAME = re.compile(
    rf"(?<![\w-]){NAME_WORD}(?:\s+(?:(?:de|du|van|von|da|di|le|del|der|bin|al)\s+)?{NAME_WORD}){{0,3}}(?![\w-])"
)
VERBS_EN = (
    "said|says|say|wrote|writes|told|tells|added|adds|explained|explains|noted|notes|argued|argues|insisted|"
    "insists|recalled|recalls|warned|warns|continued|continues|asked|asks|replied|replies|declared|stated|"
    "states|posted|joked|jokes|admitted|admits|acknowledged|acknowledges|conceded|concedes|predicted|predicts|"
    "claimed|claims|announced|promised|promises|put it|puts it|quipped|cautioned|cautions|observed|observes|"
    "countered|counters|remarked|emailed|tweeted|laughed|shrugged|conceded|responded|responds|summed up"
)
VERBS_FR = (
    "déclaré|affirmé|expliqué|ajouté|indiqué|précisé|dit|écrit|souligné|estimé|confié|assuré|martelé|reconnu|"
    "lancé|prévenu|résumé|annoncé|commenté|insisté|promis|raconté|observé|tranché|conclu|détaillé|avancé|"
    "poursuivi|répondu|rappelé|plaidé|glissé|ironisé|regretté|déclare|affirme|explique|ajoute|indique|précise|"
    "écrit|souligne|estime|confie|assure|martèle|reconnaît|lance|prévient|résume|annonce|commente|insiste|"
    "promet|poursuit|raconte|observe|tranche|conclut|détaille|avance|répond|rappelle|plaide|glisse|ironise|"
    "regrette|dit|jure|réagi|réagit|sourit|s'amuse|s’amuse|s'agace|s’agace|s'inquiète|s’inquiète"
)
VERB = re.compile(rf"(?<![\w-])(?:{VERBS_EN}|{VERBS_FR})(?![\w])", re.I)
# the verbs whose object is who was spoken to ("told Cook", « a confié à Marie »)
TO_VERB = re.compile(
    r"(?<!\w)(?:told|tells|asked|asks|wrote to|said to|a dit à|a confié à|confie à|a lancé à|lance à|a répondu à|répond à)(?!\w)",
    re.I,
)
SOURCE_INTRO = re.compile(r"(?<!\w)(?:according to|selon|d['’]après|pour)\s+", re.I)
# "they" / « ils » is left out: it is a company or a group as often as a person
PRONOUN = re.compile(
    r"(?<![\w-])(?:he|she|il|elle|lui)(?![\w-])|-t-(?:il|elle)(?!\w)|-(?:il|elle)(?!\w)",
    re.I,
)
FEMININE_PRONOUN = re.compile(r"(?<![\w])(?:she|elle)(?!\w)", re.I)
# a person's gender, when the article marks it: an honorific or a gendered role before or after
FEMININE = re.compile(
    r"(?<![\w.])(?:Ms|Mrs|Mme|Mlle|Dame|spokeswoman|chairwoman|councilwoman|businesswoman|directrice|"
    r"présidente|fondatrice|cofondatrice|chercheuse|patronne|développeuse|députée|sénatrice|rapporteure|"
    r"consultante|avocate|ingénieure|conseillère|élue|habitante|enseignante|agricultrice)(?!\w)",
    re.I,
)
MASCULINE = re.compile(
    r"(?<![\w.])(?:Mr|M\.|Sir|spokesman|chairman|councilman|businessman|directeur|président|fondateur|"
    r"cofondateur|chercheur|patron|développeur|député|sénateur|rapporteur|avocat|ingénieur|conseiller|"
    r"élu|habitant|enseignant|agriculteur)(?!\w)",
    re.I,
)
# what may stand before a name and is not part of it
_TITLE_TEXT = """The A An In On At For But And Or If As It Its His Her Their Our We I You He She They This That These
Those When While After Before Since Still Yet So According Asked Speaking Last Next Today Yesterday Monday
Tuesday Wednesday Thursday Friday Saturday Sunday Le La Les Un Une Des Du De Pour Selon Mais Et Ou Si Comme
Il Elle Ils Elles Nous Vous Son Sa Ses Leur Leurs Ce Cette Ces Quand Lors Après Avant Depuis Lundi Mardi
Mercredi Jeudi Vendredi Samedi Dimanche Chief Executive Officer President Vice Director Minister Monsieur
Madame Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. M. Mme Mlle Me Pr Sir Dame Analyst Analysts Founder
Co-founder Cofounder Investor Senator Sen. Rep. Representative Gov. Governor Professor Judge Finance Chairman
Chairwoman Chair Spokesperson Spokesman Spokeswoman Engineer Researcher Economist Secretary General Mayor
Commissioner CEO CTO CFO COO Directrice Directeur Analyste Ministre Président Présidente Fondateur
Fondatrice Cofondateur Cofondatrice Porte-parole Maire Sénateur Sénatrice Député Députée Commissaire PDG
Patron Patronne Économiste Chercheur Chercheuse Ingénieur Ingénieure Premier Première Secrétaire État
Getting Asked Told Meanwhile However Although Despite Even Only Then There Here What Why How Who Whom Where
Dans Sur Avec Sans Chez Puis Alors Ainsi Pourtant Enfin Cependant Reste Voilà Mars"""
TITLE_WORDS = frozenset(_TITLE_TEXT.split())
# what a person is, in an appositive or before their name ("an analyst at", « la députée »)
ROLES = (
    r"chief executive|executive|founder|co-founder|cofounder|analyst|economist|spokesperson|spokesman|"
    r"spokeswoman|director|president|minister|professor|researcher|engineer|chair|chairman|chairwoman|"
    r"senator|head|partner|manager|officer|reporter|author|lawyer|consultant|developer|animator|scientist|"
    r"delegate|designer|investor|adviser|advisor|secretary|governor|mayor|commissioner|lecturer|"
    r"directeur|directrice|fondateur|fondatrice|cofondateur|cofondatrice|analyste|économiste|ministre|"
    r"président|présidente|porte-parole|chercheur|chercheuse|patron|patronne|consultante|développeur|"
    r"développeuse|délégué|déléguée|député|députée|rapporteur|rapporteure|maire|sénateur|sénatrice|"
    r"avocat|avocate|ingénieur|ingénieure|responsable|PDG|CEO|CTO|CFO|COO|member|councillor|"
    r"councilwoman|councilman|official|owner|resident|judge|attorney|teacher|farmer|worker|student|"
    r"conseiller|conseillère|élu|élue|habitant|habitante|juge|enseignant|enseignante|agriculteur|agricultrice"
)
ROLE_BEFORE = re.compile(rf"(?<!\w)(?:{ROLES})\s*,?\s+$", re.I)
ROLE_AFTER = re.compile(
    rf"^,\s*(?:(?:(?:a|an|the|its|his|her|their|le|la|l['’]|un|une|son|sa|leur)\s+)(?:[\w'’-]+\s+){{0,3}}?(?:{ROLES})(?!\w)|who\s|qui\s|\d{{2}},)",
    re.I,
)
SPEAKS_AFTER = re.compile(rf"^\s+(?:{VERBS_EN}|a\s+(?:{VERBS_FR}))(?!\w)", re.I)
ORG_BEFORE = re.compile(rf"(?<!\w)(?:{'|'.join(lx.ORG_CUES)})\s+(?:(?:de|du|d['’]|of)\s*)?$", re.I)
PLACE_BEFORE = re.compile(
    r"(?<!\w)(?:in|at|of|from|near|across|into|outside|inside|around|for|à|en|au|aux|vers|dans|sur|chez|de la|du|des|of the|at the|in the)\s+$",
    re.I,
)
ADDRESSEE_BEFORE = re.compile(
    r"(?<!\w)(?:told|tells|asked|asks|(?<!according )to|with|à|avec|auprès de|thanked|thanks|met|meets|called|calls|urged|urges|replied to|answered)\s+$",
    re.I,
)
HONORIFIC_BEFORE = re.compile(
    r"(?<![\w.])(?:Mr|Mrs|Ms|Dr|Prof|M|Mme|Mlle|Me|Pr|Sir|Dame|Sen|Rep|Gov)\.?\s+$"
)
QUOTE_SPANS = re.compile(r"“([^”]+)”|«\s*([^»]+?)\s*»|\"([^\"]+)\"")
INCISE = re.compile(r"^(?P<a>.+?[,.!?…])\s*(?P<cue>[^,«»“”\"]{2,60}?),\s*(?P<b>.+)$", re.S)
MIN_QUOTE_WORDS = 4  # shorter quoted runs are scare quotes or names ("AI-first")
LOOKBACK_PARAGRAPHS = 2  # how far back a pronoun's person may be named


@dataclass
class PersonMention:
    """A name in the article, where it stands and how."""

    name: str  # as written, titles left out
    paragraph: int
    sentence: int
    start: int  # offset in the sentence
    addressee: bool = False  # the person spoken to ("told Cook")
    place: bool = False  # after "in", "at", "of"...: a place or an organisation
    titled: bool = False  # an honorific or a title right before it, or a role after it
    speaks: bool = False  # a speech verb right after it ("Pratt said")
    gender: str | None = None  # "f" or "m" when an honorific or a role says it


@dataclass
class Found:
    """A quoted run of the article and who said it (None: nobody named near it)."""

    text: str  # the quoted words (an incise left out: its first part)
    parts: list[str]  # every part of it (two when an incise splits it)
    by: str | None
    sentence: str  # the quote's sentence
    context: list[str] = field(default_factory=list)  # the sentences that name the speaker


def _strip_titles(words: list[str]) -> list[str]:
    while words and (words[0].rstrip("'’s") in TITLE_WORDS or words[0] in lx.HONORIFICS):
        words = words[1:]
    return words


def _possessive(name: str) -> str:
    return re.sub(r"['’]s$", "", name)


class AttributedText:
    """An article's prose read for its people and its quotes."""

    def __init__(self, paragraphs: list[str], lang: str = "en") -> None:
        self.lang = lang
        self.paragraphs = paragraphs
        self.sentences = [split_sentences(p, lang) for p in paragraphs]
        self.mentions: list[PersonMention] = []
        for p, sents in enumerate(self.sentences):
            for s, sentence in enumerate(sents):
                self.mentions.extend(self._mentions(sentence, p, s))

    # -- names -------------------------------------------------------------------

    def _mentions(self, sentence: str, p: int, s: int) -> list[PersonMention]:
        masked = _mask_quotes(sentence)
        out = []
        for match in NAME.finditer(masked):
            words = match.group().split()
            skipped = 0
            stripped = _strip_titles(words)
            if not stripped:
                continue
            skipped = len(" ".join(words)) - len(" ".join(stripped))
            titled = len(stripped) < len(words) and any(
                w.rstrip(".") in {t.rstrip(".") for t in TITLE_WORDS if t[0].isupper()}
                and w not in {"The", "A", "An", "Le", "La", "Les", "Un", "Une", "In", "At", "On"}
                for w in words[: len(words) - len(stripped)]
            )
            start = match.start() + skipped + (1 if skipped else 0)
            name = _possessive(" ".join(stripped))
            before = masked[: match.start()] if not skipped else ""
            after = masked[match.end() :]
            lowered_title = ROLE_BEFORE.search(masked[: match.start()])
            out.append(
                PersonMention(
                    name=name,
                    paragraph=p,
                    sentence=s,
                    start=start,
                    addressee=bool(ADDRESSEE_BEFORE.search(before)),
                    place=bool(PLACE_BEFORE.search(before) or ORG_BEFORE.search(before)),
                    speaks=bool(SPEAKS_AFTER.match(after)),
                    gender=_gender(masked[max(0, match.start() - 30) : match.start()], after[:40]),
                    titled=titled
                    or bool(lowered_title)
                    or bool(HONORIFIC_BEFORE.search(masked[: match.start()]))
                    # "Veltra, the chip designer," is a firm: a role after a single word proves nothing
                    or (len(stripped) >= 2 and bool(ROLE_AFTER.match(after))),
                )
            )
        return out

    @cached_property
    def full_names(self) -> dict[str, str]:
        """Surname -> the first full name the article gave with it."""
        index: dict[str, str] = {}
        for m in self.mentions:
            parts = m.name.split()
            if len(parts) >= 2 and self._could_be_person(m.name):
                index.setdefault(parts[-1], m.name)
        return index

    def full(self, name: str) -> str:
        """The full name for `name` (a surname, or a name the article gave in full)."""
        parts = name.split()
        if len(parts) == 1:
            return self.full_names.get(parts[0], name)
        known = self.full_names.get(parts[-1], "")
        return known if known.endswith(name) else name

    def _could_be_person(self, name: str) -> bool:
        """No organisation's or place's mark on the name itself."""
        words = name.split()
        if name in lx.ORGANIZATIONS or any(w in lx.ORG_SUFFIXES for w in words):
            return False
        if any(w in lx.ORGANIZATIONS for w in words) and words[0] not in lx.FIRST_NAMES:
            return False
        return not any(w.isupper() and len(w) > 1 for w in words)  # "AI", "USA": acronyms

    @cached_property
    def _marks(self) -> dict[str, tuple[bool, bool]]:
        """Full name -> (some mention of it reads as a person's, some as a place's or firm's)."""
        marks: dict[str, tuple[bool, bool]] = {}
        for m in self.mentions:
            key = self.full(m.name)
            person, other = marks.get(key, (False, False))
            words = key.split()
            person = (
                person or m.titled or (len(words) >= 2 and (m.speaks or words[0] in lx.FIRST_NAMES))
            )
            other = other or m.place or not self._could_be_person(key)
            if m.place and len(words) == 1 and key != m.name:
                other = other  # "the Park Avenue office": a surname used as a place does not unmake the person
            marks[key] = (person, other)
        return marks

    def is_person(self, name: str, *, spoke: bool = False) -> bool:
        """A person: a person's mark (or speaking, `spoke`) and no place's or organisation's mark."""
        full = self.full(name)
        if not self._could_be_person(full) or len(full.split()) > 4:
            return False
        person, other = self._marks.get(full, (False, False))
        if other:
            return False
        return (
            person or (spoke and len(full.split()) >= 2) or full.split()[-1] in lx.FAMOUS_SURNAMES
        )

    # -- quotes ------------------------------------------------------------------

    def quotes(self) -> list[Found]:
        """Every quoted run of MIN_QUOTE_WORDS words or more, in order, with its speaker."""
        out: list[Found] = []
        for p, sents in enumerate(self.sentences):
            for s, sentence in enumerate(sents):
                for match in QUOTE_SPANS.finditer(sentence):
                    inner = next(g for g in match.groups() if g is not None).strip()
                    if len(inner.split()) < MIN_QUOTE_WORDS:
                        continue
                    out.append(self._attribute(p, s, sentence, match, inner))
        return out

    def _attribute(self, p: int, s: int, sentence: str, match: re.Match[str], inner: str) -> Found:
        parts = [inner]
        cue = ""
        incise = INCISE.match(inner)
        if incise and VERB.search(incise.group("cue")) and len(incise.group("cue").split()) <= 6:
            parts = [incise.group("a").rstrip(","), incise.group("b")]
            cue = incise.group("cue")
        text = parts[0].rstrip(",").strip()
        found = Found(
            text=text, parts=[x.rstrip(",").strip() for x in parts], by=None, sentence=sentence
        )
        masked = _mask_quotes(sentence)
        before = masked[: match.start()]
        after = masked[match.end() :]
        # other quotes of the sentence end the attribution region on their side
        before = before[before.rfind("\x00") + 1 :] if "\x00" in before else before
        after = after.split("\x00", 1)[0]
        sents = self.sentences[p]
        following = ""
        # "“We will win. We always do.” Park said.": the short sentence after names the speaker
        if (
            not after.strip(" .!?…")
            and s + 1 < len(sents)
            and len(sents[s + 1].split()) <= 8
            and not QUOTE_SPANS.search(sents[s + 1])
        ):
            following = sents[s + 1]
            after = " " + following
        for region, side in ((cue, "incise"), (after, "after"), (before, "before")):
            if not region.strip():
                continue
            who = self._speaker_in(region, side, p, s, sentence, match.start())
            if who is None:
                continue
            if isinstance(who, str):
                return found  # a speech cue with nobody we can name: no speaker
            found.by, found.context = who
            if following and side == "after" and found.context == [sentence]:
                found.context = [sentence, following]
            return found
        return found

    def _speaker_in(
        self, region: str, side: str, p: int, s: int, sentence: str, at: int
    ) -> tuple[str, list[str]] | str | None:
        """(speaker, context) from one side of the quote; '' for a cue naming nobody; None for no cue."""
        if side == "after":
            region = re.split(r"\s(?:and|but|while|et|mais)\s", _clauses(region)[0], maxsplit=1)[0]
            region = region[:160]
            if not re.match(r"^\s*[,.!?…]?\s*(?:[—–-]\s*)?\S", region):
                return None
        if side == "before":
            region = _clauses(region)[-1]
            if not re.search(r"[,:]\s*$", region) and not SOURCE_INTRO.search(region):
                # "Mr. Trump said on Nov. 18 that deliveries were “…”": a speech verb and its subject
                verb = _last(VERB.finditer(region))
                if verb is None or not [
                    n
                    for n in self._names_in(region[: verb.start()], skip_places=True)
                    if self.is_person(n, spoke=True)
                ]:
                    return None
        intro = SOURCE_INTRO.search(region)
        # before the quote, the verb nearest it ("Asked about it, Pichai told reporters that “…”")
        verb = _last(VERB.finditer(region)) if side == "before" else VERB.search(region)
        if side == "after" and verb and verb.start() > 70:
            verb = None
        if intro and (verb is None or intro.start() < verb.start()):
            rest = region[intro.end() :]
            if PRONOUN.match(rest):
                return self._antecedent(p, s, at, region)
            names = [n for n in self._names_in(rest[:80]) if self.is_person(n, spoke=True)]
            return (self.full(names[0]), [sentence]) if names else ""
        if verb is None:
            return None
        head, tail = region[: verb.start()], region[verb.end() :]
        near_pronoun = (
            PRONOUN.search(head[-12:]) or PRONOUN.match(tail[:8]) or PRONOUN.search(verb.group())
        )
        if side in {"after", "incise"}:
            # "“…,” Park said" / "said Lena Park, ..." / « …, affirme Marie Dupont »
            head_names = [n for n in self._names_in(head) if self.is_person(n, spoke=True)]
            if head_names:
                return self.full(head_names[-1]), [sentence]
            if near_pronoun:
                return self._antecedent(p, s, at, region)
            # "said Lena Park", « a déclaré son PDG, Camille Roux »: the first person after the verb
            tail_names = [
                n for n in self._names_in(_clauses(tail)[0][:80]) if self.is_person(n, spoke=True)
            ]
            # "“…?” asked Nathan Cole": right after the quote, the verb's subject follows it
            inverted = not head.strip(" ,.!?…—–-")
            if tail_names and (inverted or not TO_VERB.fullmatch(verb.group())):
                return self.full(tail_names[0]), [sentence]
            return ""
        # before: "Lena Park told analysts: “…”" — the subject, never who was spoken to, and the
        # first person of the clause ("Jones, who was fired by Smith, said: “…”" is Jones's)
        head_names = [
            n for n in self._names_in(head, skip_places=True) if self.is_person(n, spoke=True)
        ]
        if head_names:
            full = [n for n in head_names if len(self.full(n).split()) >= 2]
            return self.full((full or head_names)[0]), [sentence]
        if PRONOUN.search(head[-12:]):
            return self._antecedent(p, s, at, region)
        return ""

    def _names_in(self, text: str, *, skip_places: bool = False) -> list[str]:
        out = []
        for match in NAME.finditer(text):
            words = _strip_titles(match.group().split())
            if not words:
                continue
            if skip_places and (
                PLACE_BEFORE.search(text[: match.start()])
                or ADDRESSEE_BEFORE.search(text[: match.start()])
            ):
                continue
            if re.search(r"['’]s$", match.group()):
                continue  # "Smith's lawyer said": not Smith
            out.append(" ".join(words))
        return out

    @cached_property
    def _genders(self) -> dict[str, str]:
        """Full name -> the gender some mention of it gives."""
        out: dict[str, str] = {}
        for m in self.mentions:
            if m.gender:
                out.setdefault(self.full(m.name), m.gender)
        return out

    def _antecedent(self, p: int, s: int, at: int, cue: str = "") -> tuple[str, list[str]] | str:
        """The person named last before the quote (not who was spoken to, nor of the other
        gender than the pronoun in `cue`), with the sentence naming them."""
        wanted = "f" if FEMININE_PRONOUN.search(cue) or re.search(r"-(?:t-)?elle", cue) else "m"
        for m in reversed(self.mentions):
            if (m.paragraph, m.sentence) > (p, s) or (
                (m.paragraph, m.sentence) == (p, s) and m.start >= at
            ):
                continue
            if m.paragraph < p - LOOKBACK_PARAGRAPHS:
                break
            if m.addressee or m.place or not self.is_person(m.name):
                continue
            if self._genders.get(self.full(m.name), wanted) != wanted:
                continue  # "she said" is not Mr. Reyes
            naming = self.sentences[m.paragraph][m.sentence]
            quote_sentence = self.sentences[p][s]
            context = [naming] if naming == quote_sentence else [naming, quote_sentence]
            return self.full(m.name), context
        return ""

    def people(self, speakers: list[str]) -> list[str]:
        """Persons only, full names: those given (speakers), then others the article titles."""
        out = [n for n in speakers if len(n.split()) >= 2 and self.is_person(n, spoke=True)]
        return list(dict.fromkeys(out))


def _gender(before: str, after: str) -> str | None:
    """The gender an honorific or a role right before the name, or an appositive after it, gives."""
    role = ROLE_AFTER.match(after)
    tail = role.group() if role else ""
    if re.search(rf"(?:{FEMININE.pattern})\.?\s*,?\s+$", before) or FEMININE.search(tail):
        return "f"
    if re.search(rf"(?:{MASCULINE.pattern})\.?\s*,?\s+$", before) or MASCULINE.search(tail):
        return "m"
    return None


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    found = None
    for found in matches:  # noqa: B007  (the last one is wanted)
        pass
    return found


def _clauses(text: str) -> list[str]:
    """`text` cut after each . ! ? ; that ends a clause (not after "Dr." or « M. »)."""
    out, start = [], 0
    for match in re.finditer(r"[.!?;](?=\s|$)", text):
        word = re.search(r"(\S+)$", text[start : match.start()])
        token = word.group(1).lower().lstrip("(«“\"'") if word else ""
        if match.group() == "." and (
            token in lx.TITLE_ABBREVIATIONS or token in lx.ABBREVIATIONS or len(token) == 1
        ):
            continue
        out.append(text[start : match.end()])
        start = match.end()
    out.append(text[start:])
    return [part for part in out if part.strip()] or [""]


def _mask_quotes(sentence: str) -> str:
    """The sentence with each quote's inside blanked (same length) and its marks as \\x00."""

    def blank(match: re.Match[str]) -> str:
        return "\x00" + " " * (len(match.group()) - 2) + "\x00"

    return QUOTE_SPANS.sub(blank, sentence)


def same_person(a: str, b: str) -> bool:
    """Whether two spellings name one person ("Lena Park", "Park", "Ms. Park")."""
    wa = _strip_titles(" ".join(a.split()).split())
    wb = _strip_titles(" ".join(b.split()).split())
    if not wa or not wb:
        return False
    fa, fb = [w.casefold() for w in wa], [w.casefold() for w in wb]
    if fa == fb:
        return True
    short, long = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
    return len(short) == 1 and short[0] == long[-1]
