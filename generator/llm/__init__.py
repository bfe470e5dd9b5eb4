"""The LLM layer's vocabulary, which every caller imports from here: a `Request`
(messages, the JSON schema the answer must follow and its name, the kind of
work), the `Completion` a `Backend` returns (the answer's text, the value the
request's own parser made of it, and its `Usage`), and `CallFailed`, the error
that still says what the failed attempt cost.

    openai.py   the official client against any OpenAI-compatible endpoint
    cache.py    the response cache and per-call log in SQLite, around a backend
    meter.py    what calls through a backend cost, failed ones included

This layer knows nothing about articles, briefs or fact checks: whoever asks
hands over the parser that decides whether an answer is usable (`parse`), and
writers that are not LLMs (the offline writer) find their own inputs in
`Request.context`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from generator.errors import BackendError

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}
T = TypeVar("T")


@dataclass(frozen=True)
class Usage:
    """What one or more calls cost: tokens, USD, wall time and HTTP requests."""

    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    requests: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.tokens_in + other.tokens_in,
            self.tokens_out + other.tokens_out,
            round(self.cost_usd + other.cost_usd, 6),
            self.latency_ms + other.latency_ms,
            self.requests + other.requests,
        )


@dataclass(frozen=True, kw_only=True)
class Request(Generic[T]):
    """One question to a backend.

    `kind` says what it is for (write, revise, self_check, verify, judge, intake);
    with a `schema` the answer is asked for as structured output named `name`,
    without one as a JSON object (JSON mode) or free text; `parse` turns the
    answer's text into the value the caller wants and raises ValueError, with the
    reason, when it cannot (the backend then re-asks once). `max_tokens` and
    `temperature` default to the project's llm settings. `context` carries what a
    writer that is not an LLM needs (it is never sent)."""

    kind: str
    messages: list[Message]
    parse: Callable[[str], T]
    schema: dict[str, Any] | None = None
    name: str = "answer"
    item: str = ""
    style: str | None = None
    language: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    context: object = None


@dataclass
class Completion(Generic[T]):
    """A usable answer: its text as returned, the value `Request.parse` made of it,
    who answered, what it cost, and the temperature actually sent (None: the
    model's default). `call_id` is its row in the call log, when one was written."""

    value: T
    text: str
    backend: str
    model: str
    usage: Usage = field(default_factory=Usage)
    temperature: float | None = None
    cached: bool = False
    note: str | None = None
    call_id: int | None = None

    def to_json(self) -> str:
        """What the response cache keeps: everything but the parsed value (parsed again when read)."""
        data = asdict(self)
        del data["value"], data["call_id"]
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, parse: Callable[[str], T]) -> Completion[T]:
        data = json.loads(text)
        data["usage"] = Usage(**data["usage"])
        return cls(value=parse(data["text"]), **data)


class CallFailed(BackendError):
    """A call that failed for good; `usage` is what its attempts cost all the same
    (answers that came back empty, cut off or unreadable are paid for)."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


class Backend(Protocol):
    """Something that answers requests: `complete` returns a Completion or raises
    BackendError (CallFailed when what was spent is known)."""

    name: str
    model: str

    def complete(self, request: Request[T]) -> Completion[T]: ...

    def cache_key(self, request: Request[Any]) -> str | None:
        """A key for the response cache, or None when answers should not be cached."""
        ...

    def cost_bound(self, request: Request[Any]) -> float:
        """The most this request could cost, in USD (for budgets)."""
        ...

    def record(self, completion: Completion[Any], *, findings: int) -> None:
        """Keep with the call that returned `completion` the claim findings its
        caller's fact check found in it (the call log has a column for them)."""
        ...


# -- JSON answers -------------------------------------------------------------------


def parse_json(text: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON object in an answer (possibly fenced or among prose), checked against
    `schema` when given; ValueError says what is wrong."""
    start, end = text.find("{"), text.rfind("}")
    if not 0 <= start < end:
        raise ValueError("no JSON object in the answer")
    try:
        data = json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    if schema is not None:
        problem = off_schema(data, schema)
        if problem:
            raise ValueError(f"off-schema JSON: {problem}")
    return data


def json_answer(schema: dict[str, Any] | None = None) -> Callable[[str], dict[str, Any]]:
    """A `Request.parse` for a JSON object following `schema`."""
    return lambda text: parse_json(text, schema)


_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
    "null": type(None),
}


def off_schema(value: Any, schema: dict[str, Any], where: str = "(answer)") -> str | None:
    """What in `value` breaks `schema` (the strict subset structured output uses:
    type, properties, required, items, enum), or None. Extra properties are let
    through, as the article's model lets them through: they are ignored, not wrong."""
    wanted = schema.get("type")
    types = wanted if isinstance(wanted, list) else [wanted] if wanted else []
    if types and not any(
        isinstance(value, _TYPES[t])
        and not (t in ("integer", "number") and isinstance(value, bool))
        for t in types
    ):
        return f"{where}: expected {' or '.join(types)}, got {type(value).__name__}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where}: {value!r} is not one of {schema['enum']}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                return f"{where}: {key!r} is missing"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problem = off_schema(
                    value[key], sub, key if where == "(answer)" else f"{where}.{key}"
                )
                if problem:
                    return problem
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            problem = off_schema(item, schema["items"], f"{where}[{n}]")
            if problem:
                return problem
    return None
