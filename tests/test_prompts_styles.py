"""Humor styles, prompt templates (sandboxed, strict, overridable file by
file) and the `satire styles` / `satire prompt` commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.brief import load_brief
from generator.config import load_project
from generator.styles import load_styles
from generator.write.prompts import render_write
from tests.conftest import REPO, run_satire

REQUIRED = {"geek-puns", "deadpan-wire", "mock-corporate"}


def test_styles_lists_at_least_five_with_descriptions(demo_project: Path) -> None:
    result = run_satire("styles", cwd=demo_project)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    names = [line.split()[0] for line in lines]
    assert len(names) >= 5 and set(names) >= REQUIRED
    assert all(len(line.split(None, 1)[1]) > 20 for line in lines), (
        "each has a one-line description"
    )
    assert next(line for line in lines if line.startswith("geek-puns")).endswith("(default)")


def test_every_style_is_complete_in_french_and_english() -> None:
    project = load_project(REPO)
    styles, errors = load_styles(project)
    assert errors == []
    for style in styles:
        assert style.voice and style.devices and style.structure and style.do and style.dont
        assert style.length.words[0] < style.length.words[1]
        assert {"fr", "en"} <= set(style.languages), style.name
        for language in ("fr", "en"):
            book = style.languages[language].phrasebook
            stock = json.dumps(book.model_dump(), ensure_ascii=False)
            assert not re.search(r"\d", stock), (
                f"{style.name}/{language}: the phrasebook may not hold figures"
            )


@pytest.mark.parametrize(
    "style", ["geek-puns", "deadpan-wire", "mock-corporate", "keynote-hype", "nature-doc"]
)
def test_system_prompt_carries_the_rules_in_every_style(style: str) -> None:
    project = load_project(REPO)
    brief = load_brief(REPO / "briefs" / "amazon-desantis.yaml")
    [chosen] = [s for s in load_styles(project)[0] if s.name == style]
    system, user = render_write(project, brief, chosen, "fr")
    text = system["content"]
    assert "only when they are one of the quotes listed in the source material" in text
    assert "Never present an invented figure" in text
    assert "Punch up, not down" in text
    assert "Write the whole post in French" in text
    assert chosen.description in text and chosen.languages["fr"].notes[0] in text
    assert user["role"] == "user" and "UNTRUSTED source material" in user["content"]


def test_prompt_prints_the_messages_without_network(demo_project: Path) -> None:
    result = run_satire("prompt", "amazon-desantis", cwd=demo_project)
    assert result.code == 0, result.err
    assert result.out.startswith("=== system ===\n") and "\n=== user ===\n" in result.out
    assert "Peter DeSantis travaille chez Amazon depuis 27 ans." in result.out
    styled = run_satire(
        "prompt",
        "briefs/amazon-desantis.yaml",
        "--style",
        "nature-doc",
        "--lang",
        "en",
        cwd=demo_project,
    )
    assert "Style: nature-doc" in styled.out and "Write the whole post in English" in styled.out


def test_prompt_of_a_missing_brief_is_bad_input(demo_project: Path) -> None:
    result = run_satire("prompt", "nope", cwd=demo_project)
    assert result.code == 2 and "nope" in result.err and "Traceback" not in result.err


def test_project_prompts_override_file_by_file(demo_project: Path) -> None:
    (demo_project / "prompts").mkdir()
    (demo_project / "prompts" / "write.j2").write_text(
        "Our own ask for {{ language_name }}.\n{{ brief_data | untrusted('story') }}\n",
        encoding="utf-8",
    )
    result = run_satire("prompt", "iphone-air", "--json", cwd=demo_project)
    assert result.code == 0, result.err
    system, user = json.loads(result.out)["messages"]
    assert user["content"].startswith("Our own ask for English.\nUNTRUSTED story")
    assert "Punch up, not down" in system["content"], "system.j2 still comes from the built-ins"


def test_project_style_shadows_and_adds(demo_project: Path) -> None:
    folder = demo_project / "prompts" / "styles"
    folder.mkdir(parents=True)
    text = (REPO / "prompts" / "styles" / "deadpan-wire.yaml").read_text(encoding="utf-8")
    (folder / "deadpan-wire.yaml").write_text(
        text.replace("Deadpan wire copy:", "Our deadpan:"), encoding="utf-8"
    )
    (folder / "haiku.yaml").write_text(
        text.replace("Deadpan wire copy:", "Haiku news:"), encoding="utf-8"
    )
    result = run_satire("styles", cwd=demo_project)
    assert (
        "deadpan-wire    Our deadpan:" in result.out and "haiku           Haiku news:" in result.out
    )
    assert run_satire("generate", "iphone-air", "--style", "haiku", cwd=demo_project).code == 0


def test_broken_style_file_is_one_line_per_problem(demo_project: Path) -> None:
    folder = demo_project / "prompts" / "styles"
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text(
        "description: x\nvoice: [a]\ndevices: [b]\nstructure: [c]\nlanguages: {}\ncolour: red\n",
        encoding="utf-8",
    )
    result = run_satire("styles", cwd=demo_project)
    assert result.code == 2
    assert any(
        line.startswith("prompts/styles/broken.yaml:6:1: colour:") for line in result.err_lines
    ), result.err
    assert "geek-puns" in result.out, "the good styles are still listed"


def test_missing_template_variable_names_itself(demo_project: Path) -> None:
    (demo_project / "prompts").mkdir()
    (demo_project / "prompts" / "write.j2").write_text(
        "Hello {{ reader_name }}\n", encoding="utf-8"
    )
    result = run_satire("prompt", "iphone-air", cwd=demo_project)
    assert result.code == 2 and "Traceback" not in result.err
    assert "'reader_name' is undefined" in result.err


def test_templates_are_sandboxed(demo_project: Path) -> None:
    (demo_project / "prompts").mkdir()
    (demo_project / "prompts" / "write.j2").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    result = run_satire("prompt", "iphone-air", cwd=demo_project)
    assert result.code == 2 and "Traceback" not in result.err and "unsafe" in result.err
