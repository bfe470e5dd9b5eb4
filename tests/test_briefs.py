"""Briefs: the malformed corpus gives one located line each and exit 2; good
briefs in the same batch still validate; the published JSON Schema stays in sync."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.brief import json_schema, load_brief, slugify
from tests.conftest import REPO, run_satire

CORPUS = Path(__file__).parent / "corpus" / "bad_briefs"
LINE = re.compile(
    r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<field>\S+): (?P<message>.+)$"
)

# file -> (line, field, a word the message must hold)
EXPECTED: dict[str, tuple[int, str, str]] = {
    "alias_bomb": (6, "", "alias"),
    "bad_date": (6, "date", "month"),
    "bad_date_text": (6, "date", "date"),
    "bad_language": (6, "language", "BCP 47"),
    "bad_url_scheme": (4, "source.url", "http"),
    "credit_url_javascript": (10, "image.credit_url", "http"),
    "duplicate_key": (6, "title", "duplicate"),
    "empty": (1, "(document)", "empty"),
    "empty_title": (1, "title", "at least 1"),
    "facts_not_list": (6, "facts", "list"),
    "file_url": (4, "source.url", "http"),
    "image_missing_alt": (7, "image.alt", "missing"),
    "image_traversal_src": (7, "image.src", ".."),
    "missing_source_url": (3, "source.url", "missing"),
    "missing_title": (1, "title", "missing"),
    "people_not_strings": (7, "people[0]", "string"),
    "python_tag": (1, "(yaml)", "Python tags"),
    "quote_missing_by": (7, "quotes[0].by", "missing"),
    "slug_with_slash": (6, "slug", "a-z"),
    "syntax_error": (4, "(yaml)", "end of stream"),
    "tab_indent": (3, "(yaml)", "token"),
    "title_wrong_type": (1, "title", "string"),
    "top_level_list": (1, "(document)", "mapping"),
    "top_level_scalar": (1, "(document)", "mapping"),
    "traversal_slug": (6, "slug", "a-z"),
    "unknown_key": (5, "summery", 'did you mean "summary"'),
    "unknown_nested_key": (3, "source.publsher", 'did you mean "publisher"'),
    "unknown_style": (6, "style", 'did you mean "geek-puns"'),
    # made by the `generated` fixture
    "huge": (1, "(file)", "larger than"),
    "not_utf8": (2, "(encoding)", "UTF-8"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed corpus plus the files too big or too binary to commit."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(REPO / "satire.yaml", folder / "satire.yaml")
    for path in CORPUS.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    good = (REPO / "briefs" / "sora-app.yaml").read_text(encoding="utf-8")
    (folder / "huge.yaml").write_text(
        good + "facts:\n" + "  - padding padding padding padding\n" * 160_000, encoding="utf-8"
    )
    (folder / "not_utf8.yaml").write_bytes(b"title: A story\nsummary: caf\xe9 au lait\n")
    return folder


def test_corpus_is_large_and_fully_described(corpus: Path) -> None:
    names = {p.stem for p in corpus.glob("*.yaml")} - {"satire"}
    assert len(names) >= 20
    assert names == set(EXPECTED)
    assert (corpus / "huge.yaml").stat().st_size > 5_000_000


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_brief_gives_one_located_line(corpus: Path, name: str) -> None:
    path = corpus / f"{name}.yaml"
    result = run_satire("check", str(path), cwd=corpus)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err + result.out
    assert len(result.err_lines) == 1, result.err
    match = LINE.match(result.err_lines[0])
    assert match, result.err_lines[0]
    line, field, word = EXPECTED[name]
    assert match["file"].endswith(f"{name}.yaml")
    assert int(match["line"]) == line
    if field:
        assert match["field"] == field
    assert word in match["message"]


def test_batch_with_bad_briefs_still_validates_good_ones(corpus: Path, demo_project: Path) -> None:
    for name in EXPECTED:
        shutil.copy(corpus / f"{name}.yaml", demo_project / "briefs" / f"{name}.yaml")
    result = run_satire("check", cwd=demo_project)
    assert result.code == 2
    assert "Traceback" not in result.err
    good = len(list((REPO / "briefs").glob("*.yaml")))
    assert f"{good} brief(s) OK, {len(EXPECTED)} with errors" in result.out
    files = {LINE.match(line)["file"] for line in result.err_lines}  # type: ignore[index]
    assert files == {f"briefs/{name}.yaml" for name in EXPECTED}


def test_demo_project_checks_clean() -> None:
    result = run_satire("check", cwd=REPO)
    assert (result.code, result.err) == (0, "")
    assert "6 brief(s) OK" in result.out


def test_debug_shows_a_traceback_only_when_asked(demo_project: Path) -> None:
    (demo_project / "satire.yaml").write_text("llm:\n  backend: psychic\n", encoding="utf-8")
    plain = run_satire("check", cwd=demo_project)
    assert plain.code == 2 and "Traceback" not in plain.err
    assert plain.err_lines == [plain.err_lines[0]] and plain.err_lines[0].startswith(
        "satire.yaml:2:12: llm.backend: "
    )
    debug = run_satire("--debug", "check", cwd=demo_project)
    assert debug.code == 2 and "Traceback" in debug.err


def test_config_unknown_key_says_did_you_mean(demo_project: Path) -> None:
    (demo_project / "satire.yaml").write_text("title: Blog\nlangage: fr\n", encoding="utf-8")
    result = run_satire("check", cwd=demo_project)
    assert result.code == 2
    assert result.err_lines == ['satire.yaml:2:1: langage: unknown key (did you mean "language"?)']


def test_duplicate_slugs_are_refused(demo_project: Path) -> None:
    shutil.copy(
        demo_project / "briefs" / "sora-app.yaml", demo_project / "briefs" / "sora-copy.yaml"
    )
    result = run_satire("check", cwd=demo_project)
    assert result.code == 2
    assert any("slug 'sora-app' is already used" in line for line in result.err_lines)


def test_project_is_found_upwards(demo_project: Path) -> None:
    result = run_satire("check", cwd=demo_project / "briefs")
    assert result.code == 0, result.err


def test_outside_a_project_says_how_to_make_one(tmp_path: Path) -> None:
    result = run_satire("check", cwd=tmp_path)
    assert result.code == 2
    assert "satire init" in result.err and "Traceback" not in result.err


def test_good_brief_loads_with_derived_slug_and_hash() -> None:
    brief = load_brief(REPO / "briefs" / "amazon-desantis.yaml")
    assert brief.source.publisher == "TechCrunch"
    assert brief.effective_slug == "amazon-desantis"
    assert len(brief.sha256) == 64
    assert slugify("Amazon nomme Peter DeSantis à l'IA !") == "amazon-nomme-peter-desantis-a-l-ia"


def test_published_json_schema_is_in_sync() -> None:
    published = (REPO / "schemas" / "brief.schema.json").read_text(encoding="utf-8")
    assert published == json_schema(), (
        "regenerate: python -m generator.brief > schemas/brief.schema.json"
    )
    schema = json.loads(published)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"title", "source", "summary"}
