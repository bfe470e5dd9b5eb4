"""Style rules as findings of kind `style`, and what advisory findings change
for approvals (issue 11): the claims (number, quote, person, organization,
date) need --ack, translation and style notes never block but are logged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.check import stylecheck
from generator.commands import gather_briefs
from generator.config import load_project
from generator.drafts import Draft, DraftStore, Provenance, SourceRef
from generator.errors import SatireError
from generator.review import audit, queries
from generator.review import workflow as review
from generator.styles import load_style, style_files
from generator.write.offline import OfflineBackend
from tests.conftest import REPO, run_satire

PULL = "Dans la tech, on ne change pas de cap : on fait une mise à jour."


def llm_draft(
    body: str,
    *,
    language: str = "fr",
    pull_quote: str = PULL,
    dek: str = "Un chapeau.",
    title: str = "Un titre",
) -> Draft:
    d = Draft(
        title=title,
        slug="amazon-desantis",
        brief="briefs/amazon-desantis.yaml",
        style="geek-puns",
        language=language,
        dek=dek,
        pull_quote=pull_quote,
        source=SourceRef(publisher="TechCrunch", url="https://techcrunch.com/x", title="x"),
        provenance=Provenance(
            backend="openai",
            model="gpt-4o-mini",
            prompt_sha256="-",
            brief_sha256="-",
            generated_at=dt.datetime(2026, 1, 1),
        ),
    )
    d.body = body
    return d


def words(n: int) -> str:
    return " ".join(["mot"] * n) + "."


def test_a_post_breaking_length_and_pull_quote_rules_gets_style_findings() -> None:
    project = load_project(REPO)
    style = load_style(project, "geek-puns")  # 450-750 words, 5-8 paragraphs
    short = llm_draft("\n\n".join([words(30), words(30), f"> {PULL}", words(30), f"> {PULL}"]))
    messages = [f.message for f in stylecheck.check(style, short)]
    assert messages[0].endswith("words: the style asks for 450 to 750")
    assert not any("paragraphs" in m for m in messages)  # 5 is within 5-8
    assert any("the pull quote is set 2 times in the body" in m for m in messages)
    missing = stylecheck.check(
        style, llm_draft("\n\n".join([words(100)] * 6), pull_quote="", dek="")
    )
    assert [(f.field, f.message.split(":")[0]) for f in missing] == [
        ("dek", "no dek"),
        ("pull_quote", "no pull quote"),
    ]
    fine = llm_draft(
        "\n\n".join([words(100), words(100), f"> {PULL}", words(100), words(100), words(80)])
    )
    assert stylecheck.check(style, fine) == []
    assert all(f.kind == "style" and not f.blocking for f in stylecheck.check(style, short))


def test_french_typography_in_french_posts_only() -> None:
    style = load_style(load_project(REPO), "geek-puns")
    body = "\n\n".join(
        [
            words(120),
            'Il a dit "bonjour"! Vraiment?',
            f"> {PULL}",
            words(120),
            words(120),
            words(120),
        ]
    )
    found = [f.message for f in stylecheck.check(style, llm_draft(body))]
    assert any("straight quote" in m for m in found) and any(
        "no space before ; ! or ?" in m for m in found
    )
    assert not [f for f in stylecheck.check(style, llm_draft(body, language="en"))]
    # source text quoted in its own language, in italics, keeps its own typography
    quoted = body.replace('Il a dit "bonjour"! Vraiment?', '*He said "hello" to the cameos!*')
    assert stylecheck.check(style, llm_draft(quoted)) == []


def test_no_style_findings_on_the_offline_writers_demo_drafts() -> None:
    project = load_project(REPO)
    briefs, errors = gather_briefs(project, ())
    assert briefs and not errors
    from generator.write import compose

    checked = 0
    for brief in briefs:
        for name in style_files(project):
            for language in ("fr", "en"):
                draft = compose.write(project, brief, name, language, OfflineBackend())
                assert stylecheck.check(load_style(project, name), draft) == [], (
                    brief.effective_slug,
                    name,
                    language,
                )
                checked += 1
    assert checked >= 60


def test_a_style_declares_its_own_checks(demo_project: Path) -> None:
    styles = demo_project / "prompts" / "styles"
    styles.mkdir(parents=True)
    text = (REPO / "prompts" / "styles" / "geek-puns.yaml").read_text(encoding="utf-8")
    text += (
        "checks:\n"
        "  - name: opens with a proverb\n"
        "    where: first_paragraph\n"
        "    pattern: '(?i)proverbe|sage|sagesse|proverb|wisdom'\n"
        "    message: the first paragraph should open on a mock proverb\n"
        "  - name: no exclamation marks in titles\n"
        "    where: title\n"
        "    pattern: '!'\n"
        "    expect: no_match\n"
    )
    (styles / "geek-puns.yaml").write_text(text, encoding="utf-8")
    project = load_project(demo_project)
    style = load_style(project, "geek-puns")
    body = "\n\n".join([words(100), words(100), f"> {PULL}", words(100), words(100), words(80)])
    found = stylecheck.check(style, llm_draft(body, title="Quel titre !"))
    assert [(f.field, f.message) for f in found] == [
        (
            "body",
            "the first paragraph should open on a mock proverb (style rule 'opens with a proverb')",
        ),
        ("title", "no exclamation marks in titles (style rule 'no exclamation marks in titles')"),
    ]
    assert (
        stylecheck.check(style, llm_draft("Proverbe de geek : " + body, title="Quel titre")) == []
    )
    # a broken pattern is a clear error in the style file
    (styles / "geek-puns.yaml").write_text(text.replace("'!'", "'(['"), encoding="utf-8")
    result = run_satire("styles", cwd=demo_project)
    assert (
        "prompts/styles/geek-puns.yaml" in result.err
        and "not a valid regular expression" in result.err
    )


def test_approving_needs_ack_for_claims_only(demo_project: Path) -> None:
    project = load_project(demo_project)
    store = DraftStore(project)
    body = "\n\n".join([words(30), f"> {PULL}", words(30)])  # short: style notes, no claim
    store.save_revision(llm_draft(body))
    assert [f.kind for f in queries.factcheck(project, store.load("amazon-desantis"))] == [
        "style",
        "style",
    ]  # words, paragraphs
    result = run_satire("review", "approve", "amazon-desantis", "--by", "Ed", cwd=demo_project)
    assert result.code == 0, result.err
    [entry] = audit.log(project, "amazon-desantis")
    assert (
        entry["details"]["acknowledged"] is False
        and entry["details"]["advisory"] == 2
        and entry["details"]["findings"][0]["kind"] == "style"
    )

    store.save_revision(llm_draft(body + "\n\nSelon Jeff Bezos, tout va bien."))
    refused = run_satire("review", "approve", "amazon-desantis", "--by", "Ed", cwd=demo_project)
    assert (
        refused.code == 2
        and "1 finding(s) of claims the brief does not back" in refused.err
        and "--ack" in refused.err
    )
    with pytest.raises(SatireError):
        review.approve(project, "amazon-desantis", by="Ed")
    assert (
        run_satire(
            "review", "approve", "amazon-desantis", "--by", "Ed", "--ack", cwd=demo_project
        ).code
        == 0
    )
    last = audit.log(project, "amazon-desantis")[-1]
    assert last["details"]["acknowledged"] is True and sorted(
        f["kind"] for f in last["details"]["findings"]
    ) == ["person", "style", "style"]
