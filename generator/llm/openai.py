"""The `openai` backend: the official client against any OpenAI-compatible
Chat Completions endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp, LM Studio).

Who retries what: the client's own `max_retries` is 0; this module retries
429, 5xx, timeouts and connection errors itself, with exponential backoff and
jitter, honouring `retry-after-ms` / `retry-after`. One layer, so the number of
requests an attempt can cost is `1 + llm.max_retries`.

What the endpoint takes is learned from what it says (`Shape`): a 400 or 422
whose body names a parameter is answered by changing that parameter only
(`max_tokens` -> `max_completion_tokens`, an unsupported `temperature` or
`reasoning_effort` dropped, `response_format` stepped down json_schema ->
json_object -> text), and what was learned is kept per endpoint and model for
the batch and in the project's state (`llm_endpoints`), so the next run starts
right; OpenAI's reasoning models (o1, o3, o4-mini, gpt-5...) start right by
name. A refusal that names nothing adaptable fails with the server's words.

Then the answer: one cut off by `length` is asked again with twice the budget,
up to `llm.max_tokens_ceiling`; one the request's parser cannot use is
re-asked once with the reason, a format lower when the schema was not
followed. A model's refusal fails at once. Every answer that came back is
counted in the usage, usable or not (`CallFailed.usage`).

The API key is read at construction, handed to the client and never put in a
message, a log line or the cache.
"""

from __future__ import annotations

import dataclasses
import email.utils
import hashlib
import json
import random
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import openai

from generator.errors import SatireError
from generator.infra import clock, state
from generator.llm import CallFailed, Completion, Message, Request, Usage

if TYPE_CHECKING:
    from generator.config import Project

T = TypeVar("T")
MODES = ("json_schema", "json_object", "text")
JSON_OBJECT, TEXT = MODES.index("json_object"), MODES.index("text")
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}
REFUSED_STATUS = {400, 422}  # the request's shape was refused: perhaps a parameter to adapt
MAX_WAIT = 60.0
MAX_ADAPTATIONS = 4  # per call: tokens parameter, temperature, reasoning effort, format (twice)
OPENAI_URL = "https://api.openai.com/v1"

# OpenAI's reasoning models refuse `max_tokens` and any temperature but their default.
_REASONING = re.compile(r"^(o[1-9](-|$)|gpt-5(?!.*-chat))")
# The parameters an error may name, and the words that name them.
_NAMED = re.compile(
    r"\b(max_completion_tokens|max_tokens|temperature|reasoning_effort|response_format|json_schema|json_object|structured outputs?)\b",
    re.I,
)
# The words that say a parameter is not taken at all (not merely out of range).
_UNSUPPORTED = re.compile(
    r"unsupported|not supported|does not support|doesn't support|isn't supported|not allowed|not permitted"
    r"|extra (inputs|fields)|unrecognized|unknown (parameter|field|argument)|only the default|instead",
    re.I,
)


def is_reasoning_model(model: str) -> bool:
    """Whether `model` is one of OpenAI's reasoning models (o-series, gpt-5 but its -chat variants)."""
    return bool(_REASONING.match(model.rsplit("/", 1)[-1].lower()))


@dataclass(frozen=True)
class Shape:
    """What an endpoint and model take: which name for the token budget, whether a
    temperature and a reasoning effort, and the highest `response_format` (index in MODES)."""

    tokens_param: str = "max_tokens"
    temperature: bool = True
    reasoning_effort: bool = True
    mode: int = 0

    @classmethod
    def start(cls, model: str) -> Shape:
        """What to send before anything is learned: reasoning models by name, else the classic shape."""
        if is_reasoning_model(model):
            return cls(tokens_param="max_completion_tokens", temperature=False)
        return cls()


class Memory:
    """What was learned per endpoint and model, kept in the project's state database."""

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir

    def load(self, endpoint: str, model: str) -> Shape | None:
        conn = state.connect(self.state_dir)
        try:
            row = conn.execute(
                "SELECT shape FROM llm_endpoints WHERE base_url = ? AND model = ?",
                (endpoint, model),
            ).fetchone()
        finally:
            conn.close()
        if row is None:
            return None
        try:
            data = json.loads(row["shape"])
            return Shape(
                **{f.name: data[f.name] for f in dataclasses.fields(Shape) if f.name in data}
            )
        except (ValueError, TypeError):
            return None  # unreadable: learn again

    def save(self, endpoint: str, model: str, shape: Shape, said: str) -> None:
        conn = state.connect(self.state_dir)
        try:
            conn.execute(
                "INSERT OR REPLACE INTO llm_endpoints (base_url, model, shape, said, updated_at) VALUES (?, ?, ?, ?, ?)",
                (endpoint, model, json.dumps(dataclasses.asdict(shape)), said[:500],
                 clock.stamp()),
            )  # fmt: skip
        finally:
            conn.close()


@dataclass(frozen=True)
class RequestSettings:
    """The project's model settings that shape a request body (config `llm`)."""

    model: str
    max_tokens: int
    temperature: float | None
    reasoning_effort: str | None
    ceiling: int

    @classmethod
    def of(cls, project: Project, model: str | None = None) -> RequestSettings:
        cfg = project.config.llm
        return cls(
            model or project.model, cfg.max_tokens, cfg.temperature, cfg.reasoning_effort,
            max(cfg.max_tokens_ceiling, cfg.max_tokens),
        )  # fmt: skip


def request_body(
    settings: RequestSettings,
    shape: Shape,
    request: Request[Any],
    *,
    messages: list[Message] | None = None,
    mode: int | None = None,
    budget: int | None = None,
) -> dict[str, Any]:
    """The exact JSON body sent for `request` to an endpoint of this `shape`."""
    floor = 0 if request.schema is not None else JSON_OBJECT
    mode = max(shape.mode, floor) if mode is None else mode
    body: dict[str, Any] = {
        "model": settings.model,
        "messages": list(request.messages if messages is None else messages),
    }
    temperature = settings.temperature if request.temperature is None else request.temperature
    if temperature is not None and shape.temperature:
        body["temperature"] = temperature
    body[shape.tokens_param] = budget or request.max_tokens or settings.max_tokens
    if settings.reasoning_effort is not None and shape.reasoning_effort:
        body["reasoning_effort"] = settings.reasoning_effort
    if MODES[mode] == "json_schema":
        if request.schema is None:
            raise TypeError("json_schema mode needs a schema")
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": request.name, "strict": True, "schema": request.schema},
        }
    elif MODES[mode] == "json_object":
        body["response_format"] = {"type": "json_object"}
    return body


def preview(project: Project, request: Request[Any], model: str | None = None) -> dict[str, Any]:
    """The body `request` would be sent as, by what is known of the endpoint (no network)."""
    settings = RequestSettings.of(project, model)
    endpoint = project.base_url or OPENAI_URL
    shape = Memory(project.state_dir).load(endpoint, settings.model) or Shape.start(settings.model)
    return request_body(settings, shape, request)


@dataclass
class _Refused(Exception):
    """A 400 or 422: the server's message and the parameter it names, if any."""

    status: int
    message: str
    param: str | None
    requests: int

    @property
    def unsupported(self) -> bool:
        return bool(_UNSUPPORTED.search(self.message))


class OpenAIBackend:
    """Chat Completions with structured output, adapting to what the endpoint takes."""

    name = "openai"

    def __init__(self, project: Project, model: str | None = None) -> None:
        cfg = project.config.llm
        self.settings = RequestSettings.of(project, model)
        self.model = self.settings.model
        self.base_url = project.base_url
        self.endpoint = self.base_url or OPENAI_URL
        self.max_tokens = cfg.max_tokens
        self.max_retries = cfg.max_retries
        self.backoff = cfg.retry_backoff
        self.key_env = cfg.api_key_env
        free = is_local(self.base_url) if cfg.free is None else cfg.free
        price = None if free else cfg.prices.get(self.model)
        self.price_in = price.input_per_mtok if price else 0.0
        self.price_out = price.output_per_mtok if price else 0.0
        key = project.api_key()
        if not key and not self.base_url:
            raise SatireError(
                f"no LLM endpoint: set the {cfg.api_key_env} environment variable, or llm.base_url in satire.yaml "
                "(e.g. http://localhost:11434/v1 for Ollama), or use --offline"
            )
        self._secret = key or ""
        # A local server needs no key, but the client insists on one.
        self.client = openai.OpenAI(
            api_key=key or "no-key", base_url=self.base_url, timeout=cfg.timeout, max_retries=0
        )
        self.memory = Memory(project.state_dir)
        self._lock = threading.Lock()
        known = self.memory.load(self.endpoint, self.model)
        self._shape = known or Shape.start(self.model)
        # Until one call has gone through, calls go one at a time, so that what the first
        # learns is what the others send (a batch pays for each lesson once, not per worker).
        self._settled = threading.Event()
        self._probing = threading.Lock()
        if known is not None:
            self._settled.set()

    # -- the Backend protocol ----------------------------------------------------

    def cache_key(self, request: Request[Any]) -> str | None:
        canonical = {
            "backend": self.name,
            "base_url": self.endpoint,
            "model": self.model,
            "kind": request.kind,
            "messages": request.messages,
            "temperature": self.settings.temperature
            if request.temperature is None
            else request.temperature,
            "max_tokens": request.max_tokens or self.max_tokens,
            "reasoning_effort": self.settings.reasoning_effort,
            "schema": request.schema,
            "name": request.name,
        }
        return hashlib.sha256(
            json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()

    def cost_bound(self, request: Request[Any]) -> float:
        chars = sum(len(m["content"]) for m in request.messages)
        return self.cost(chars // 2, 2 * (request.max_tokens or self.max_tokens))

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        return (tokens_in * self.price_in + tokens_out * self.price_out) / 1_000_000

    def record(self, completion: Completion[Any], *, findings: int) -> None:
        pass  # no call log here: the cache keeps one

    @property
    def shape(self) -> Shape:
        """What this backend now sends (learned so far)."""
        with self._lock:
            return self._shape

    def body(self, request: Request[Any], **parts: Any) -> dict[str, Any]:
        """The exact body `request` is sent as now."""
        return request_body(self.settings, self.shape, request, **parts)

    def complete(self, request: Request[T]) -> Completion[T]:
        if not self._settled.is_set():
            with self._probing:
                if not self._settled.is_set():
                    completion = self._complete(request)  # a failure lets the next call probe
                    self._settled.set()
                    self.memory.save(self.endpoint, self.model, self.shape, "answered")
                    return completion
        return self._complete(request)

    def _complete(self, request: Request[T]) -> Completion[T]:
        started = time.monotonic()
        messages: list[Message] = list(request.messages)
        budget = request.max_tokens or self.max_tokens
        floor = 0 if request.schema is not None else JSON_OBJECT  # no schema: JSON mode at best
        reasked = False
        adapted = 0
        spent = Usage()

        def failed(message: str, more: Usage | None = None) -> CallFailed:
            total = spent + (more or Usage())
            return CallFailed(
                message,
                replace(
                    total,
                    cost_usd=round(self.cost(total.tokens_in, total.tokens_out), 6),
                    latency_ms=int((time.monotonic() - started) * 1000),
                ),
            )

        while True:
            shape = self.shape
            mode = max(shape.mode, floor)
            body = request_body(
                self.settings, shape, request, messages=messages, mode=mode, budget=budget
            )
            try:
                response, sent = self._send(body)
            except _Refused as refused:
                spent += Usage(requests=refused.requests)
                if adapted < MAX_ADAPTATIONS and self._adapt(refused, shape, mode):
                    adapted += 1
                    continue
                raise failed(self._refusal_line(refused)) from None
            except CallFailed as exc:
                raise failed(exc.message, exc.usage) from None
            usage = response.usage
            spent += Usage(
                usage.prompt_tokens if usage else 0,
                usage.completion_tokens if usage else 0,
                requests=sent,
            )
            if not response.choices:
                raise failed("the endpoint answered with no choices")
            choice = response.choices[0]
            refusal = getattr(choice.message, "refusal", None)
            if refusal or choice.finish_reason == "content_filter":
                raise failed(
                    f"the model refused to answer: {self._clean(refusal or 'content filter')}"
                )
            if choice.finish_reason == "length":
                if budget >= self.settings.ceiling:
                    raise failed(
                        f"the answer was cut off at {budget} tokens (finish_reason=length), the ceiling: "
                        "raise llm.max_tokens_ceiling (or llm.max_tokens)"
                    )
                budget = min(budget * 2, self.settings.ceiling)
                continue
            content = choice.message.content or ""
            try:
                value = request.parse(content)
            except ValueError as exc:
                if reasked:
                    raise failed(
                        f"unusable answer after one re-ask: {self._clean(str(exc))}"
                    ) from None
                reasked = True
                # an off-schema answer in json_schema mode is re-asked in JSON mode
                floor = min(mode + 1, JSON_OBJECT) if mode < TEXT else mode
                fields = (
                    f" with the fields {', '.join(request.schema['required'])}"
                    if request.schema and request.schema.get("required")
                    else ""
                )
                messages = [
                    *messages,
                    {"role": "assistant", "content": content},
                    {
                        "role": "user",
                        "content": f"That answer could not be used ({exc}). Answer again with only the JSON object{fields}.",
                    },
                ]
                continue
            total = replace(
                spent,
                cost_usd=round(self.cost(spent.tokens_in, spent.tokens_out), 6),
                latency_ms=int((time.monotonic() - started) * 1000),
            )
            return Completion(
                value=value,
                text=content,
                backend=self.name,
                model=self.model,
                usage=total,
                temperature=body.get("temperature"),
            )

    # -- learning what the endpoint takes ---------------------------------------------

    def _adapt(self, refused: _Refused, sent: Shape, mode: int) -> bool:
        """Change the one parameter `refused` names, if it is one to adapt; remember it.
        `sent` is the shape the refused request had (another call may have learned since)."""
        param = refused.param
        with self._lock:
            now = self._shape
            if param in ("max_tokens", "max_completion_tokens") and refused.unsupported:
                if sent.tokens_param != param:
                    return False  # it names the one not sent: nothing to change
                other = "max_completion_tokens" if param == "max_tokens" else "max_tokens"
                learned = replace(now, tokens_param=other)
            elif param == "temperature" and refused.unsupported and sent.temperature:
                learned = replace(now, temperature=False)
            elif param == "reasoning_effort" and sent.reasoning_effort:
                learned = replace(now, reasoning_effort=False)
            elif param == "response_format" and mode < TEXT:
                learned = replace(now, mode=max(now.mode, mode + 1))
            else:
                return False
            if learned == now:
                return True  # learned by another call meanwhile: just ask again
            self._shape = learned
        self.memory.save(
            self.endpoint,
            self.model,
            learned,
            f"HTTP {refused.status}: {self._clean(refused.message)}",
        )
        return True

    def _refusal_line(self, refused: _Refused) -> str:
        hint = {
            "max_tokens": "check llm.max_tokens",
            "max_completion_tokens": "check llm.max_tokens",
            "temperature": "check llm.temperature (null: the model's default)",
            "reasoning_effort": "check llm.reasoning_effort",
        }.get(refused.param or "")
        return self._status_line(refused.status, refused.message, hint)

    def _status_line(self, status: int, message: str, hint: str | None) -> str:
        """One line: the status, the hint, the server's own message."""
        shown = f" ({hint})" if hint else ""
        return (
            f"the endpoint answered HTTP {status}{shown}: {self._clean(message) or '(no message)'}"
        )

    def _hint(self, status: int, message: str) -> str | None:
        if status in (401, 403):
            return f"check the API key in ${self.key_env}"
        if status == 404:
            if self.model.lower() in message.lower() or re.search(r"\bmodels?\b", message, re.I):
                return f"check llm.model: {self.model!r} is not served at {self.endpoint}"
            return f"check llm.base_url: {self.endpoint} has no chat/completions"
        return None

    # -- one request, with retries ----------------------------------------------

    def _send(self, body: dict[str, Any]) -> tuple[Any, int]:
        """The response and the number of HTTP requests it took; `_Refused` for a
        400/422, CallFailed for any other error once the retries are spent."""
        problem = said = ""
        for attempt in range(self.max_retries + 1):
            try:
                return self.client.chat.completions.create(**body), attempt + 1
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                problem, said = (
                    (
                        "timed out"
                        if isinstance(exc, openai.APITimeoutError)
                        else "could not connect"
                    ),
                    "",
                )
                wait = self._backoff(attempt)
            except (ValueError, openai.APIResponseValidationError):
                # a body that is not a completion (a proxy's HTML page): transient, like a 502
                problem, said = "unreadable response", ""
                wait = self._backoff(attempt)
            except openai.APIStatusError as exc:
                message, param = server_says(exc)
                if exc.status_code in REFUSED_STATUS:
                    raise _Refused(exc.status_code, message, param, attempt + 1) from None
                if exc.status_code not in RETRYABLE_STATUS:
                    raise CallFailed(
                        self._status_line(
                            exc.status_code, message, self._hint(exc.status_code, message)
                        ),
                        Usage(requests=attempt + 1),
                    ) from None
                problem, said = f"HTTP {exc.status_code}", f": {self._clean(message)}"
                asked = _retry_after(exc.response.headers) if exc.response is not None else None
                wait = self._backoff(attempt) if asked is None else asked
            if attempt == self.max_retries:
                break
            time.sleep(wait)
        raise CallFailed(
            f"{problem} after {self.max_retries + 1} tries ({self.endpoint}){said}",
            Usage(requests=self.max_retries + 1),
        )

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return float(min(MAX_WAIT, self.backoff * (2**attempt)) * random.uniform(0.5, 1.0))

    def _clean(self, what: object) -> str:
        """An error's text, never holding the key, on one line and short."""
        text = str(getattr(what, "message", what))
        if self._secret:
            text = text.replace(self._secret, "[key]")
        text = " ".join(text.split())
        return text[:300]

    def close(self) -> None:
        self.client.close()


def server_says(exc: openai.APIStatusError) -> tuple[str, str | None]:
    """The server's message and the adaptable parameter it names (or None), from
    OpenAI's `error` object, a validator's `detail`, a `message`, or the body's start."""
    response = exc.response
    text = response.text if response is not None else ""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    param: str | None = None
    message = ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            message = str(error.get("message") or "")
            param = error.get("param") if isinstance(error.get("param"), str) else None
        elif isinstance(error, str):
            message = error
        elif "detail" in body:
            detail = body["detail"]
            if isinstance(detail, list):
                message = "; ".join(
                    ".".join(str(p) for p in d.get("loc", []) if p != "body")
                    + f": {d.get('msg', '')}"
                    if isinstance(d, dict)
                    else str(d)
                    for d in detail
                )
            else:
                message = str(detail)
        elif isinstance(body.get("message"), str):
            message = body["message"]
    if not message:
        message = text[:300] or str(exc.message)
    return message, _adaptable(param) or _named_in(message)


def _adaptable(param: str | None) -> str | None:
    """The parameter `param` names, as this module knows it ("response_format.type" -> response_format)."""
    if not param:
        return None
    found = _NAMED.search(param)
    return _canonical(found.group(1)) if found else None


def _named_in(message: str) -> str | None:
    """The first parameter the message names."""
    found = _NAMED.search(message)
    return _canonical(found.group(1)) if found else None


def _canonical(word: str) -> str:
    word = word.lower()
    return "response_format" if word.startswith(("json_", "structured")) else word


def is_local(base_url: str | None) -> bool:
    """Whether `base_url` points at this machine or a private network (calls cost nothing)."""
    import ipaddress
    from urllib.parse import urlsplit

    if not base_url:
        return False
    host = (urlsplit(base_url).hostname or "").lower()
    if host in {"localhost", "host.docker.internal"} or host.endswith(
        (".local", ".localhost", ".internal")
    ):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait from retry-after-ms or retry-after (seconds or HTTP date)."""
    raw_ms: str | None = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return min(MAX_WAIT, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw: str | None = headers.get("retry-after")
    if not raw:
        return None
    try:
        return min(MAX_WAIT, max(0.0, float(raw)))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return min(MAX_WAIT, max(0.0, parsed.timestamp() - time.time()))
