"""The intake corpus (tests/corpus/intake/, pages in the markup of real kinds of
news sites: wire, newspaper, tech blog, business, live blog, French daily,
paywalled page, short wire brief), read and extracted offline end to end,
with the measures a user checks a brief by:

- quote recall (planted quotes kept with their speaker), speaker accuracy
  (kept quotes with the right speaker: must be 100%), quotes with no speaker
  near them never kept;
- `people` precision: persons only, never a place or an organisation (100%);
- sentence boundaries: no fact and no summary starting or ending mid-sentence
  (an abbreviation such as "Nov.", "p.m.", "Mr.", « M. » is no sentence end);
- no real story skipped, the paywalled teaser skipped;
- metadata: the title without the site's suffix, the publisher, the date.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from generator.intake.extract import extract_offline, read_page, thin
from generator.intake.ground import ground
from tests.corpuspages import plain, render
from tests.intakekit import corpus

# abbreviations of the corpus that end no sentence (the oracle, written apart from the code)
NOT_ENDS = {"Nov", "Sept", "p.m", "a.m", "Mr", "Ms", "Dr", "U.S", "No", "M", "Mme", "Inc"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[“”«»„\"]", "", text).replace("’", "'")
    return " ".join(text.split()).strip().rstrip(".,").strip()


def _starts_sentence(piece: str, paragraphs: list[str]) -> bool:
    """Whether `piece` starts a sentence of one of the paragraphs (the oracle)."""
    for paragraph in paragraphs:
        at = paragraph.find(piece[:40])
        while at >= 0:
            before = paragraph[:at].rstrip()
            if not before:
                return True
            last = re.search(r"(\S+)$", before)
            word = last.group(1) if last else ""
            if re.search(r"[.!?][”»\"]?$", word) and word.rstrip('.!?”»"') not in NOT_ENDS:
                return True
            at = paragraph.find(piece[:40], at + 1)
    return False


def _read(data: dict[str, Any]) -> Any:
    return read_page(
        render(data), "https://dailyledger.com/2025/12/story", timezone=data.get("timezone", "UTC")
    )


def test_corpus_quotes_speakers_people_and_sentences() -> None:
    articles = corpus()
    assert len(articles) >= 25
    kinds = {a.get("markup", "blog") for a in articles}
    assert {"wire", "newspaper", "techblog", "business", "liveblog", "french", "paywall"} <= kinds
    planted = recalled = kept = right = 0
    people = people_right = 0
    facts = broken = summaries_broken = facts_planted = facts_hit = 0
    skipped: list[str] = []
    for data in articles:
        page = _read(data)
        if data.get("story", True) is False:
            assert thin(page), f"{data['name']}: a paywalled teaser was taken for a story"
            continue
        if thin(page):
            skipped.append(data["name"])
            continue
        paragraphs = [plain(p) for p in data["paragraphs"]]
        proposal = extract_offline(page)
        kept_quotes = ground(page.text, proposal.facts, proposal.quotes, lang=page.lang).quotes
        wanted = {_fold(q["text"]): q["by"] for q in data["planted"]["quotes"]}
        for q in data["planted"]["quotes"]:
            planted += 1
            recalled += any(
                by == q["by"] and _fold(text) == _fold(q["text"]) for by, text, _ in kept_quotes
            )
        for by, text, context in kept_quotes:
            kept += 1
            assert _fold(text) in wanted, f"{data['name']}: kept an unplanted quote {text!r}"
            right += by == wanted[_fold(text)]
            assert _fold(text) in _fold(context)
        for text in data["planted"].get("unattributed", []):
            assert all(_fold(text) != _fold(t) for _, t, _ in kept_quotes), (data["name"], text)
        persons = set(data["planted"]["people"])
        for name in proposal.people:
            people += 1
            people_right += name in persons
        assert not set(proposal.people) & set(data["planted"].get("not_people", []))
        for figure in data["planted"]["facts"]:
            facts_planted += 1
            facts_hit += any(figure in fact for fact, _ in proposal.facts)
        for fact, _ in proposal.facts:
            facts += 1
            broken += not _starts_sentence(fact, paragraphs)
        summary = proposal.summary
        lead = re.sub(r"^[A-Z .,]+\([^)]*\)\s*[—-]+\s*", "", paragraphs[0])
        summaries_broken += not (
            (_starts_sentence(summary, paragraphs) or lead.startswith(summary[:30]))
            and summary.rstrip()[-1:] in ".!?"
        )
        for field, value in (data.get("expect") or {}).items():
            got = {"publisher": page.sitename, "title": page.title, "date": page.date}[field]
            assert got == value, f"{data['name']}: {field} {got!r}, expected {value!r}"
    print(
        f"\nintake corpus, offline, {len(articles)} pages: quote recall {recalled}/{planted} = {recalled / planted:.0%}; "
        f"speaker accuracy {right}/{kept} = {right / kept:.0%} on kept quotes; people precision {people_right}/{people}; "
        f"{broken} of {facts} facts and {summaries_broken} summaries cut mid-sentence; {len(skipped)} real stories skipped; "
        f"fact recall {facts_hit}/{facts_planted}"
    )
    assert right == kept and people_right == people
    assert broken == 0 and summaries_broken == 0 and skipped == []
    assert recalled / planted >= 0.9 and facts_hit / facts_planted >= 0.8


def test_titles_lose_the_site_suffix_and_platforms_are_no_publishers() -> None:
    data = next(a for a in corpus() if a.get("markup") == "techblog")
    page = _read(data)
    assert page.sitename == data["site"] and page.title == data["title"]
    assert "hovercard" not in page.text and "Follow" not in page.text


def test_summaries_are_lead_sentences_without_captions_promos_or_bylines() -> None:
    for data in corpus():
        if data.get("story", True) is False:
            continue
        summary = extract_offline(_read(data)).summary
        for junk in (
            "Sign up",
            "Photo",
            "By Anna",
            "Lire aussi",
            "Read more",
            "Follow",
            "Par Claire",
        ):
            assert junk not in summary, (data["name"], summary)
    scare = next(a for a in corpus() if a["name"].startswith("24"))
    assert extract_offline(_read(scare)).summary.startswith("A wave of “vibe coding” tools")


def test_dates_are_the_days_of_their_own_offset_or_of_the_site_zone() -> None:
    from generator.intake.extract import local_date

    late_in_new_york = "Wed, 03 Dec 2025 23:30:00 -0500"  # an RSS pubDate
    assert str(local_date(late_in_new_york, "UTC")) == "2025-12-03"
    assert str(local_date("2025-12-04T04:30:00Z", "America/New_York")) == "2025-12-03"
    assert str(local_date("Thu, 04 Dec 2025 04:30:00 GMT", "America/New_York")) == "2025-12-03"
    assert str(local_date("2025-12-03T22:30:00+01:00", "America/New_York")) == "2025-12-03"
    assert str(local_date("2025-12-04T04:30:00Z", "UTC")) == "2025-12-04"
    assert local_date("not a date", "UTC") is None
