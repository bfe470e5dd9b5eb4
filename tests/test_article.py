"""Reading a model's answer as an Article: JSON, JSON among prose, Markdown."""

from __future__ import annotations

import json

import pytest

from generator.write.article import InvalidArticle, parse_article
from tests.fake_openai import article


def test_plain_json() -> None:
    parsed = parse_article(json.dumps(article("Plain", tags=["AI ", " Chips"])))
    assert parsed.title == "Plain" and parsed.tags == ["ai", "chips"]


def test_json_in_a_fence_or_among_prose() -> None:
    text = json.dumps(article("Inside"))
    assert parse_article(f"```json\n{text}\n```").title == "Inside"
    assert parse_article(f"Here you go: {text} Hope it helps!").title == "Inside"


def test_markdown_answer() -> None:
    body = (
        "First paragraph, long enough to be a paragraph of a post about something.\n\n> The pull quote.\n\n"
        + "More words. " * 20
    )
    parsed = parse_article(f"# The title\n\n*The dek.*\n\n{body}")
    assert (parsed.title, parsed.dek, parsed.pull_quote) == (
        "The title",
        "The dek.",
        "The pull quote.",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the answer was empty"),
        ("{not json", "not JSON"),
        (json.dumps({"title": "only"}), "off-schema JSON: body: Field required"),
        (json.dumps(["a", "list"]), "JSON list, not an object"),
        (json.dumps(article("###")), "title: Value error, empty once Markdown marks are removed"),
        ("Just some prose with no structure at all.", "plain text without a '# title' line"),
    ],
)
def test_unusable_answers_say_why(text: str, reason: str) -> None:
    with pytest.raises(InvalidArticle) as caught:
        parse_article(text)
    assert reason in str(caught.value)
