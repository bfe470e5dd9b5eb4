"""Config: defaults for everything, environment overrides for the endpoint, and
the backend chosen as documented (openai when an endpoint or key is configured)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_project
from generator.errors import InputErrors, SatireError


def project_with(tmp_path: Path, text: str) -> Path:
    (tmp_path / "satire.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_empty_config_has_defaults_and_offline_backend(tmp_path: Path) -> None:
    project = load_project(project_with(tmp_path, ""))
    assert project.config.language == "fr"
    assert project.config.llm.model == "gpt-4o-mini"
    assert project.backend_name() == "offline"
    assert project.backend_name(offline=True) == "offline"


def test_environment_overrides_endpoint_and_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_with(tmp_path, "llm:\n  model: from-config\n  base_url: http://127.0.0.1:1/v1\n")
    assert load_project(root).backend_name() == "openai"
    assert load_project(root).model == "from-config"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:2/v1")
    monkeypatch.setenv("SATIRE_MODEL", "from-env")
    project = load_project(root)
    assert (project.base_url, project.model) == ("http://127.0.0.1:2/v1", "from-env")
    assert project.backend_name(offline=True) == "offline"


def test_api_key_alone_selects_openai_and_is_never_in_the_config_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-123")
    project = load_project(project_with(tmp_path, ""))
    assert project.backend_name() == "openai"
    assert project.api_key() == "sk-test-secret-123"
    assert "sk-test-secret-123" not in project.config.model_dump_json()


def test_forced_backend_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    assert (
        load_project(project_with(tmp_path, "llm:\n  backend: offline\n")).backend_name()
        == "offline"
    )


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("url: ftp://example.org/\n", "satire.yaml:1:6: url:"),
        ("language: klingon-empire-x\n", "satire.yaml:1:11: language:"),
        ("llm:\n  concurrency: 0\n", "satire.yaml:2:16: llm.concurrency:"),
        (
            "site:\n  posts_per_pag: 3\n",
            'satire.yaml:2:3: site.posts_per_pag: unknown key (did you mean "posts_per_page"?)',
        ),
    ],
)
def test_bad_config_is_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputErrors) as caught:
        load_project(project_with(tmp_path, text))
    assert caught.value.message.startswith(where)


def test_missing_project_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SatireError, match="satire init"):
        load_project(tmp_path)
