"""LLM backends: one `Backend` protocol with one `complete(request)`, the
`Completion` it returns, and `get_backend` which picks one for a project.

    openai.py   the official client against any OpenAI-compatible endpoint
    offline.py  the deterministic writer from the brief and the style's phrasebook
    cache.py    the response cache and per-call log in SQLite, around either
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from generator.write.article import Article

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.config import Project
    from generator.drafts import Draft
    from generator.styles import Style
    from generator.write.prompts import Message


@dataclass(frozen=True)
class Request:
    """One piece of work: the messages for an LLM, and the same inputs as data
    for the offline writer. write, revise and self_check (fix the fact check's
    findings) answer an article; verify answers a verdict (see `Verdict`)."""

    kind: Literal["write", "revise", "self_check", "verify"]
    messages: list[Message]
    brief: Brief
    style: Style
    language: str
    item: str = ""
    draft: Draft | None = None
    note: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The answer to a `verify` request: does the draft's quote say the same as the brief's?"""

    same: bool
    reason: str


VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"same": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["same", "reason"],
    "additionalProperties": False,
}


def parse_verdict(text: str) -> Verdict:
    """A Verdict from an answer: a JSON object (possibly fenced or among prose) with
    `same` (true/false, or "yes"/"no") and `reason`; ValueError says what is wrong."""
    start, end = text.find("{"), text.rfind("}")
    if not 0 <= start < end:
        raise ValueError("no JSON object in the answer")
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    same = data.get("same") if isinstance(data, dict) else None
    if isinstance(same, str) and same.strip().lower() in {"yes", "no", "true", "false"}:
        same = same.strip().lower() in {"yes", "true"}
    if not isinstance(same, bool):
        raise ValueError('off-schema JSON: "same" must be true or false')
    return Verdict(same, " ".join(str(data.get("reason") or "").split())[:300])


@dataclass
class Completion:
    """A validated article (or verdict) and what it cost."""

    article: Article | None
    backend: str
    model: str
    temperature: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    requests: int = 1
    cached: bool = False
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    verdict: Verdict | None = None

    @property
    def written(self) -> Article:
        """The article; a verdict-only completion has none (a programming error to ask)."""
        if self.article is None:
            raise TypeError("this completion holds a verdict, not an article")
        return self.article

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["article"] = self.article.model_dump() if self.article is not None else None
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Completion:
        data = json.loads(text)
        data["article"] = (
            Article.model_validate(data["article"]) if data.get("article") is not None else None
        )
        data["verdict"] = Verdict(**data["verdict"]) if data.get("verdict") else None
        return cls(**data)


class Backend(Protocol):
    """Something that writes: `complete` returns a Completion or raises BackendError."""

    name: str
    model: str

    def complete(self, request: Request) -> Completion: ...

    def cache_key(self, request: Request) -> str | None:
        """A key for the response cache, or None when answers should not be cached."""
        ...

    def cost_bound(self, request: Request) -> float:
        """The most this request could cost, in USD (for budgets)."""
        ...


def get_backend(
    project: Project,
    *,
    offline: bool = False,
    model: str | None = None,
    run_id: str | None = None,
    read_cache: bool = True,
) -> Backend:
    """The project's backend (offline or openai), with the response cache and call log around it."""
    from generator.llm.cache import CachedBackend

    inner: Backend
    if project.backend_name(offline) == "offline":
        from generator.llm.offline import OfflineBackend

        inner = OfflineBackend()
    else:
        from generator.llm.openai import OpenAIBackend

        inner = OpenAIBackend(project, model=model)
    return CachedBackend(inner, project.state_dir, run_id=run_id, read_cache=read_cache)
