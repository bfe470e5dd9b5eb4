"""The offline writer: every demo brief becomes a readable, faithful draft
with no network, in French and English; revisions follow the note."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.brief import Brief, load_brief
from generator.config import load_project
from generator.styles import load_style
from generator.write.backend import get_backend
from generator.write.compose import revise, write
from generator.write.offline import find_topic, sentences
from tests.conftest import REPO, run_satire
from tests.fake_openai import FakeOpenAI
from tests.generation_support import drafts, point_at

DEMO_BRIEFS = sorted(p.stem for p in (REPO / "briefs").glob("*.yaml"))


def brief_text(brief: Brief) -> str:
    parts = [
        brief.title,
        brief.summary,
        brief.source.publisher,
        *brief.facts,
        *brief.people,
        *(q.text for q in brief.quotes),
        *(q.by for q in brief.quotes),
        brief.angle or "",
        *brief.tags,
    ]
    return " ".join(parts)


def items_of(brief: Brief, language: str) -> list[str]:
    return [
        s.rstrip(" .")
        for s in [
            brief.title,
            *sentences(brief.summary, language),
            *brief.facts,
            *(q.text for q in brief.quotes),
            brief.angle or "",
        ]
        if s
    ]


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    import shutil

    project = tmp_path_factory.mktemp("offline") / "demo"
    project.mkdir()
    for name in ("satire.yaml",):
        shutil.copy(REPO / name, project / name)
    for name in ("briefs", "static", "schemas"):
        shutil.copytree(REPO / name, project / name)
    return project, run_satire("generate", cwd=project)


def test_every_demo_brief_becomes_a_draft_offline(offline_run: tuple[Path, object]) -> None:
    project, result = offline_run
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    assert result.err_lines == [
        "no LLM endpoint configured (set OPENAI_API_KEY or llm.base_url): writing with the offline writer"
    ]  # type: ignore[attr-defined]
    assert "6 written, 0 failed" in result.out  # type: ignore[attr-defined]
    assert sorted(drafts(project)) == DEMO_BRIEFS


@pytest.mark.parametrize("slug", DEMO_BRIEFS)
def test_offline_draft_is_complete_and_faithful(
    offline_run: tuple[Path, object], slug: str
) -> None:
    project, _ = offline_run
    draft = drafts(project)[slug]
    brief = load_brief(project / "briefs" / f"{slug}.yaml")
    style = load_style(load_project(project), brief.style or "geek-puns")
    book = style.notes_for(draft.language).phrasebook
    assert (
        draft.language == brief.language and draft.style == brief.style and draft.status == "draft"
    )
    assert draft.provenance.backend == "offline" and "offline writer" in (
        draft.provenance.note or ""
    )
    assert draft.provenance.brief_sha256 == brief.sha256 and draft.title and draft.dek

    paragraphs = [p for p in draft.body.split("\n\n") if p.strip()]
    quotes = [p for p in paragraphs if p.startswith(">")]
    assert quotes == [f"> {draft.pull_quote}"], (
        "the pull quote is in the front matter and once as a blockquote"
    )
    prose = [p for p in paragraphs if not p.startswith(">")]
    assert any(prose[0].startswith(proverb) for proverb in book.proverbs), "opens on a mock proverb"
    topic = find_topic(brief)
    assert prose[-1] in {c.replace("{topic}", topic) for c in book.closers}, (
        "ends on the style's punning closer"
    )
    using_facts = [
        p for p in prose if any(item[1:] in p for item in items_of(brief, draft.language))
    ]
    assert len(using_facts) >= 4, "at least four paragraphs weave in the brief's facts"
    for item in [*brief.facts, *sentences(brief.summary, draft.language)]:
        assert item.rstrip(" .")[1:] in draft.body, (
            f"fact left out: {item}"
        )  # [1:]: a clause may start lowercase

    text = "\n".join([draft.title, draft.dek, draft.body])
    source = brief_text(brief)
    for number in re.findall(r"\d+(?:[.,]\d+)?", text):
        assert number in source, f"invented figure {number!r}"
    phrasebook = yaml.safe_dump(style.model_dump(), allow_unicode=True)
    for name in re.findall(r"(?<![.!?:»] )(?<!^)\b[A-Z][a-zA-Z]+\b", text, re.M):
        assert name in source or name in phrasebook, f"invented name {name!r}"
    for quoted in re.findall(r"«\s*(.+?)\s*»|\"(.+?)\"", draft.body):
        said = next(q for q in quoted if q)
        assert said in source, f"quoted words not from the brief: {said!r}"


def test_offline_is_used_with_the_flag_even_with_an_endpoint(
    demo_project: Path, fake_openai: FakeOpenAI
) -> None:
    result = run_satire(
        "generate", "--offline", cwd=demo_project, env=point_at(demo_project, fake_openai)
    )
    assert result.code == 0, result.err
    assert fake_openai.requests == [] and len(drafts(demo_project)) == 6
    assert "offline writer" not in result.err, "no notice when asked for explicitly"


def test_offline_writes_french_and_english_from_one_brief(demo_project: Path) -> None:
    result = run_satire("generate", "sora-app", "--lang", "fr,en", cwd=demo_project)
    assert result.code == 0, result.err
    found = drafts(demo_project)
    french, english = found["sora-app-fr"], found["sora-app"]
    assert english.translations == {"fr": "sora-app-fr"} and french.translations == {
        "en": "sora-app"
    }
    style = load_style(load_project(demo_project), "geek-puns")
    assert any(french.body.startswith(p) for p in style.languages["fr"].phrasebook.proverbs)
    assert any(english.body.startswith(p) for p in style.languages["en"].phrasebook.proverbs)
    assert "*Every video in its feed is generated by the Sora 2 model*" in french.body, (
        "English source text is quoted in italics in a French post"
    )
    assert (
        "Every video in its feed is generated by the Sora 2 model" in english.body
        and "*Every video" not in english.body
    )
    assert style.languages["fr"].phrasebook.original_language[0] in french.body.split("\n\n")[0], (
        "says once why the source is in italics"
    )
    assert style.languages["en"].phrasebook.original_language[0] not in english.body


def test_offline_is_deterministic(demo_project: Path) -> None:
    run_satire("generate", "--offline", cwd=demo_project)
    first = {s: d.body for s, d in drafts(demo_project).items()}
    run_satire("generate", "--offline", "--force", cwd=demo_project)
    assert {s: d.body for s, d in drafts(demo_project).items()} == first


def test_every_style_writes_in_both_languages(demo_project: Path) -> None:
    project = load_project(demo_project)
    brief = load_brief(demo_project / "briefs" / "amazon-desantis.yaml")
    backend = get_backend(project, offline=True)
    for name in ("geek-puns", "deadpan-wire", "mock-corporate", "keynote-hype", "nature-doc"):
        for language in ("fr", "en"):
            draft = write(project, brief, name, language, backend)
            assert draft.style == name and draft.language == language
            assert len([p for p in draft.body.split("\n\n") if not p.startswith(">")]) >= 5


# -- revise ----------------------------------------------------------------------


@pytest.fixture
def written(demo_project: Path) -> tuple[object, Brief, object, object]:
    project = load_project(demo_project)
    brief = load_brief(demo_project / "briefs" / "amazon-desantis.yaml")
    backend = get_backend(project, offline=True)
    return project, brief, backend, write(project, brief, "geek-puns", "fr", backend)


@pytest.mark.parametrize(
    ("note", "changed", "said"),
    [
        ("Change le titre, il est trop plat.", "title", "new title"),
        ("Plus court, s'il te plaît.", "body", "shorter"),
        ("Plus de jeux de mots !", "body", "more jokes"),
        ("Une autre chute.", "body", "new closer"),
        ("Change la citation mise en exergue.", "pull_quote", "new pull quote"),
        ('Enlève "quantique".', "body", "removed the sentences with 'quantique'"),
        ('Remplace "Amazon" par "le géant du carton".', "title", "replaced 'Amazon'"),
        ("Hmm, je ne sais pas.", "body", "not understood"),
    ],
)
def test_offline_revise_follows_the_note(
    written: tuple, note: str, changed: str, said: str
) -> None:  # type: ignore[type-arg]
    project, brief, backend, draft = written
    revised = revise(project, draft, brief, note, backend)
    assert getattr(revised, changed) != getattr(draft, changed)
    assert revised.status == "draft" and revised.slug == draft.slug
    assert said in (revised.provenance.note or "")
    assert revised.provenance.prompt_sha256 != draft.provenance.prompt_sha256
    assert f"> {revised.pull_quote}" in revised.body
    if "court" in note:
        assert len(revised.body) < len(draft.body)
    if "quantique" in note:
        assert "quantique" in draft.body and "quantique" not in revised.body
    if "Remplace" in note:
        assert "Amazon" not in revised.title and "le géant du carton" in revised.title


def test_offline_sentences_end_where_the_fact_checks_do(written: tuple) -> None:  # type: ignore[type-arg]
    """A title's or a date's abbreviation ends no sentence: the summary's sentence
    is woven in whole, and a note removing it removes all of it."""
    project, brief, backend, _ = written
    summary = "Amazon's chief Mr. Jassy says the offer opens on Nov. 18 to all. Analysts doubt it."
    brief = brief.model_copy(update={"summary": summary})
    draft = write(project, brief, "geek-puns", "en", backend)
    assert "Mr. Jassy says the offer opens on Nov. 18 to all" in draft.body
    revised = revise(project, draft, brief, 'Remove "Jassy".', backend)
    assert "removed the sentences with 'Jassy'" in (revised.provenance.note or "")
    assert "Amazon's chief" not in revised.body and "Jassy" not in revised.body


def test_revise_through_the_llm_uses_the_revise_template(
    demo_project: Path, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = point_at(demo_project, fake_openai)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    project = load_project(demo_project)
    brief = load_brief(demo_project / "briefs" / "iphone-air.yaml")
    offline_draft = write(
        project, brief, "mock-corporate", "en", get_backend(project, offline=True)
    )
    revised = revise(project, offline_draft, brief, "Make the title shorter.", get_backend(project))
    [request] = fake_openai.requests
    user = request.messages[1]["content"]
    assert user.startswith("Rewrite the current draft below in English")
    assert "editor's note: what to change\n```\nMake the title shorter.\n```" in user
    assert "UNTRUSTED current draft" in user and offline_draft.title in user
    assert (
        revised.title.startswith("Fake: ")
        and revised.status == "draft"
        and revised.provenance.backend == "openai"
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_offline_quotes_only_the_brief_quotes_and_names_their_authors(
    demo_project: Path, language: str
) -> None:
    path = demo_project / "briefs" / "amazon-desantis.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["quotes"] = [{"by": "Andy Jassy", "text": "We want him to have room to invent."}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    project = load_project(demo_project)
    brief = load_brief(path)
    draft = write(project, brief, "geek-puns", language, get_backend(project, offline=True))
    [said] = [p for p in draft.body.split("\n\n") if "We want him to have room to invent." in p]
    assert said.startswith("Andy Jassy ")
    quoted = re.findall(r"«\s*(.+?)\s*»|\"(.+?)\"", draft.body)
    assert [a or b for a, b in quoted] == ["We want him to have room to invent."]
