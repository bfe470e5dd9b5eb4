"""Property-based tests (hypothesis) over intake's readers: generated and
mangled feeds, pages and prose never raise anything but the one-line errors
they document, and what the extractors keep still stands in the article."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check.sentences import split_sentences
from generator.intake.extract import extract_offline, read_page, thin
from generator.intake.feeds import MalformedFeed, is_feed, parse_feed
from generator.intake.ground import ground, normalize
from tests.corpuspages import render
from tests.intakekit import corpus
from tests.newsite import rss

FEW = settings(
    max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
PAGES = [render(a) for a in corpus()[9:14]]
FEED = rss(
    [
        {"title": "A & B", "link": "https://x.example/a", "guid": "a", "description": "<b>x</b>"},
        {"title": "C", "link": "https://x.example/c", "date": "Wed, 03 Dec 2025 23:30:00 -0500"},
    ]
)
TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ .,;:!?\"“”«»'’-—\n0123456789 MrDrNov.p.m.<>&/=é")),
    max_size=300,
)


@st.composite
def mangled(draw: st.DrawFn, source: str) -> str:
    """`source` with a few slices cut, repeated or replaced by junk."""
    text = source
    for _ in range(draw(st.integers(1, 4))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, min(len(text), a + 400)))
        how = draw(st.sampled_from(["cut", "dup", "junk"]))
        if how == "cut":
            text = text[:a] + text[b:]
        elif how == "dup":
            text = text[:b] + text[a:b] + text[b:]
        else:
            text = text[:a] + draw(TEXT) + text[b:]
    return text


@FEW
@given(st.one_of(mangled(FEED), TEXT))
def test_the_feed_reader_reads_or_says_malformed(body: str) -> None:
    raw = body.encode("utf-8")
    is_feed(raw)
    try:
        feed = parse_feed(raw, "https://x.example/feed")
    except MalformedFeed as exc:
        assert "\n" not in str(exc)
        return
    for entry in feed.entries:
        assert entry.link and "\n" not in entry.title


@FEW
@given(st.sampled_from(PAGES).flatmap(mangled))
def test_the_page_reader_and_both_steps_after_it_never_raise(html: str) -> None:
    page = read_page(html, "https://news.example/story")
    thin(page)
    proposal = extract_offline(page)
    kept = ground(page.text, proposal.facts, proposal.quotes, lang=page.lang)
    text = normalize(page.text)
    for _, quote, _ in kept.quotes:
        assert normalize(quote).strip('"') in text
    for _, sentence in kept.facts:
        assert normalize(sentence) in text


@FEW
@given(TEXT)
def test_pages_of_noise_never_raise(noise: str) -> None:
    page = read_page(f"<html><body><p>{noise}</p></body></html>", "https://news.example/")
    extract_offline(page)
    read_page(noise, "https://news.example/")


@FEW
@given(TEXT, st.sampled_from(["en", "fr"]))
def test_sentences_lose_no_text(text: str, lang: str) -> None:
    parts = split_sentences(text, lang)
    assert re.sub(r"\s", "", "".join(parts)) == re.sub(r"\s", "", text)


ARTICLE = "\n".join(corpus()[9]["paragraphs"])  # the wire story: two speakers, "he said"
PIECE = st.one_of(st.sampled_from(re.findall(r"[^.“”]{12,80}", ARTICLE)), TEXT)
NAMES = st.sampled_from(["Helen Marsh", "Marsh", "David Ortega", "New York", "", "he", "Commerce"])


@FEW
@given(st.lists(st.tuples(NAMES, PIECE, PIECE), max_size=6), st.lists(NAMES, max_size=4))
def test_grounding_any_llm_answer_keeps_only_backed_quotes_of_named_speakers(
    quotes: list[tuple[str, str, str]], people: list[str]
) -> None:
    from generator.intake.ground import named_in

    kept = ground(ARTICLE, [], quotes)
    assert len(kept.quotes) + kept.dropped_quotes + kept.misattributed <= len(quotes)
    for by, text, context in kept.quotes:
        assert by in {"Helen Marsh", "David Ortega"} and normalize(text) in normalize(context)
    assert set(named_in(ARTICLE, people)) <= {"Helen Marsh", "David Ortega"}
