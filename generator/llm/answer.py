"""A JSON answer from the model that is not an article: the verdict the judge
of `satire eval` asks for, the proposal intake's extraction asks for (with a
schema). `CachedBackend.ask_json` caches and logs it like any other call;
`OpenAIBackend.ask_json` sends it."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any


@dataclass
class Answer:
    """The JSON object the model answered, and what it cost."""

    data: dict[str, Any]
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    cached: bool = False

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Answer:
        return cls(**json.loads(text))
