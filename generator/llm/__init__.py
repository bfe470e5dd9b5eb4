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

from generator.article import Article

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.config import Project
    from generator.drafts import Draft
    from generator.prompts import Message
    from generator.styles import Style


@dataclass(frozen=True)
class Request:
    """One piece of writing to do: the messages for an LLM, and the same
    inputs as data for the offline writer."""

    kind: Literal["write", "revise"]
    messages: list[Message]
    brief: Brief
    style: Style
    language: str
    item: str = ""
    draft: Draft | None = None
    note: str | None = None


@dataclass
class Completion:
    """A validated article and what it cost."""

    article: Article
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

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["article"] = self.article.model_dump()
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Completion:
        data = json.loads(text)
        data["article"] = Article.model_validate(data["article"])
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


def get_backend(project: Project, *, offline: bool = False, model: str | None = None, run_id: str | None = None, read_cache: bool = True) -> Backend:
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
