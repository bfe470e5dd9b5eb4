"""Helpers for the generation tests: point a demo project at the fake server,
make many briefs, read drafts back, a fake judge that prefers drafts without an
invented figure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from generator.drafts import Draft, parse_draft
from tests.fake_openai import FakeOpenAI, Received, Reply

SECRET = "sk-test-SATIRE-d1st1nct1ve-k3y-0042"


def point_at(project: Path, fake: FakeOpenAI | None, **llm: Any) -> dict[str, str]:
    """Set fast retry/timeout settings in satire.yaml; the env that reaches `fake`."""
    config_path = project / "satire.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    # free: False so that prices apply to the fake server on 127.0.0.1, as to a paid endpoint
    settings = {"timeout": 5, "max_retries": 2, "retry_backoff": 0.01, "free": False, **llm}
    config.setdefault("llm", {}).update(settings)
    config_path.write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    env = {"OPENAI_API_KEY": SECRET}
    if fake is not None:
        env["OPENAI_BASE_URL"] = fake.base_url
    return env


def only_brief(project: Path, keep: str) -> None:
    """Leave one demo brief."""
    for path in (project / "briefs").glob("*.yaml"):
        if path.stem != keep:
            path.unlink()


def many_briefs(project: Path, count: int, language: str = "en") -> list[str]:
    """Replace the briefs with `count` small distinct ones; their slugs."""
    for path in (project / "briefs").glob("*.yaml"):
        path.unlink()
    slugs = []
    for n in range(count):
        slug = f"story-{n:03d}"
        data = {
            "title": f"Story number {n} about a gadget",
            "source": {"publisher": "Example News", "url": f"https://example.com/{slug}"},
            "summary": f"Gadget maker {n} shipped a gadget. It does one thing.",
            "facts": [f"The gadget costs {n + 10} dollars.", "It is blue."],
            "style": "deadpan-wire",
            "language": language,
            "slug": slug,
        }
        (project / "briefs" / f"{slug}.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False), encoding="utf-8"
        )
        slugs.append(slug)
    return slugs


def drafts(project: Path) -> dict[str, Draft]:
    folder = project / "drafts"
    if not folder.is_dir():
        return {}
    return {
        p.stem: parse_draft(p.read_text(encoding="utf-8"), str(p))
        for p in sorted(folder.glob("*.md"))
    }


def stray_files(project: Path) -> list[Path]:
    """Temp files a half-finished write would leave."""
    return [p for p in project.rglob("*.tmp")]


def consistent_judge(received: Received) -> Reply:
    """A judge that prefers the draft without the invented figure (999), wherever it stands."""
    user = str(received.messages[-1]["content"])
    first, second = user.split("UNTRUSTED draft B", 1)
    winner = "B" if "999" in first else "A" if "999" in second else "tie"
    return Reply(content=json.dumps({"winner": winner, "reason": "no invented figure"}))
