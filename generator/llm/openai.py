"""The `openai` backend: the official client against any OpenAI-compatible
Chat Completions endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp, LM Studio).

Who retries what: the client's own `max_retries` is 0; this module retries
429, 5xx, timeouts and connection errors itself, with exponential backoff and
jitter, honouring `retry-after-ms` / `retry-after`. One layer, so the number of
requests a brief can cost is `1 + llm.max_retries` per attempt below, and the
attempts are: a rejected `response_format` falls back (json_schema, then
json_object, then plain text); an answer cut off by `length` is asked again
once with twice the budget; an unreadable or off-schema answer is re-asked
once with the reason, in JSON mode when the schema was not followed. A refusal fails at once. Nothing partial is returned.

The API key is read at construction, handed to the client and never put in a
message, a log line or the cache.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import random
import threading
import time
from typing import TYPE_CHECKING, Any

import openai

from generator.errors import BackendError, SatireError
from generator.llm import VERDICT_SCHEMA, Completion, Request, Verdict, parse_verdict
from generator.llm.answer import Answer
from generator.write.article import ARTICLE_SCHEMA, Article, InvalidArticle, parse_article

if TYPE_CHECKING:
    from generator.config import Project
    from generator.write.prompts import Message

MODES = ("json_schema", "json_object", "text")
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}
MAX_WAIT = 60.0
VERDICT_TOKENS = 300  # a yes/no and one sentence


class OpenAIBackend:
    """Chat Completions with structured output and a tolerant fallback."""

    name = "openai"

    def __init__(self, project: Project, model: str | None = None) -> None:
        cfg = project.config.llm
        self.model = model or project.model
        self.base_url = project.base_url
        self.temperature = cfg.temperature
        self.max_tokens = cfg.max_tokens
        self.max_retries = cfg.max_retries
        self.backoff = cfg.retry_backoff
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
        self._mode_lock = threading.Lock()
        self._mode = 0  # index in MODES; moves down when the server rejects a response_format

    # -- the Backend protocol ----------------------------------------------------

    def cache_key(self, request: Request) -> str | None:
        canonical = {
            "backend": self.name,
            "base_url": self.base_url or "https://api.openai.com/v1",
            "model": self.model,
            "messages": request.messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "schema": _schema(request),
        }
        return hashlib.sha256(
            json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()

    def cost_bound(self, request: Request) -> float:
        chars = sum(len(m["content"]) for m in request.messages)
        return self.cost(chars // 2, 2 * self.max_tokens)

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        return (tokens_in * self.price_in + tokens_out * self.price_out) / 1_000_000

    def complete(self, request: Request) -> Completion:
        messages: list[Message] = list(request.messages)
        verify = request.kind == "verify"
        schema = _schema(request)
        budget = min(self.max_tokens, VERDICT_TOKENS) if verify else self.max_tokens
        grown = reasked = False
        floor = 0  # after an off-schema answer, the re-ask asks one mode lower (json_schema -> json_object)
        tokens_in = tokens_out = requests = 0
        started = time.monotonic()
        while True:
            mode = max(self._current_mode(), floor)
            try:
                response, sent = self._send(
                    messages,
                    mode,
                    budget,
                    schema=schema,
                    name="verdict" if schema is VERDICT_SCHEMA else "article",
                )
            except openai.BadRequestError as exc:
                if mode < len(MODES) - 1:
                    self._downgrade(mode)
                    requests += 1
                    continue
                raise BackendError(
                    f"the endpoint refused the request (HTTP 400): {self._clean(exc)}"
                ) from None
            requests += sent
            if response.usage is not None:
                tokens_in += response.usage.prompt_tokens
                tokens_out += response.usage.completion_tokens
            if not response.choices:
                raise BackendError("the endpoint answered with no choices")
            choice = response.choices[0]
            refusal = getattr(choice.message, "refusal", None)
            if refusal or choice.finish_reason == "content_filter":
                raise BackendError(
                    f"the model refused to write this post: {self._clean(refusal or 'content filter')}"
                )
            if choice.finish_reason == "length":
                if grown:
                    raise BackendError(
                        f"the answer was cut off at {budget} tokens twice (finish_reason=length); raise llm.max_tokens"
                    )
                budget, grown = budget * 2, True
                continue
            content = choice.message.content or ""
            article: Article | None = None
            verdict: Verdict | None = None
            try:
                if verify:
                    verdict = parse_verdict(content)
                else:
                    article = parse_article(content)
            except (InvalidArticle, ValueError) as exc:
                if reasked:
                    raise BackendError(
                        f"unusable answer after one re-ask: {self._clean(str(exc))}"
                    ) from None
                reasked = True
                floor = (
                    min(mode + 1, MODES.index("json_object"))
                    if mode < MODES.index("text")
                    else mode
                )
                messages = [
                    *messages,
                    {"role": "assistant", "content": content},
                    {
                        "role": "user",
                        "content": f"That answer could not be used ({exc}). Answer again with only the JSON object with the fields {', '.join(schema['required'])}.",
                    },
                ]
                continue
            return Completion(
                article=article,
                verdict=verdict,
                backend=self.name,
                model=self.model,
                temperature=self.temperature,
                tokens_in=tokens_in,
                tokens_out=tokens_out,
                cost_usd=round(self.cost(tokens_in, tokens_out), 6),
                latency_ms=int((time.monotonic() - started) * 1000),
                requests=requests,
            )

    def ask_json(
        self, messages: list[Message], *, schema: dict[str, Any] | None = None, name: str = "answer",
        max_tokens: int | None = None, temperature: float | None = None,
    ) -> Answer:  # fmt: skip
        """One JSON object that is not an article (the judge's verdict, intake's
        extraction) and what it cost. With `schema`, structured output first; the
        same fallback as `complete` (json_schema, then json_object, then plain text,
        a refused format remembered for the batch) and the same retries (`_send`).
        Without a schema, JSON mode. `max_tokens` defaults to llm.max_tokens and
        `temperature` to llm.temperature."""
        started = time.monotonic()
        floor = 0 if schema is not None else MODES.index("json_object")
        while True:
            mode = max(self._current_mode(), floor)
            try:
                response, _sent = self._send(
                    messages,
                    mode,
                    max_tokens or self.max_tokens,
                    schema=schema,
                    name=name,
                    temperature=temperature,
                )
                break
            except openai.BadRequestError as exc:
                if mode == len(MODES) - 1:
                    raise BackendError(
                        f"the endpoint refused the request (HTTP 400): {self._clean(exc)}"
                    ) from None
                self._downgrade(mode)
        if not response.choices:
            raise BackendError("the endpoint answered with no choices")
        content = response.choices[0].message.content or ""
        start, end = content.find("{"), content.rfind("}")
        try:
            data = json.loads(content[start : end + 1]) if start >= 0 else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise BackendError(f"the answer is not a JSON object: {self._clean(content[:200])}")
        usage = response.usage
        tokens_in, tokens_out = (
            (usage.prompt_tokens, usage.completion_tokens) if usage is not None else (0, 0)
        )
        return Answer(
            data,
            self.model,
            tokens_in,
            tokens_out,
            round(self.cost(tokens_in, tokens_out), 6),
            int((time.monotonic() - started) * 1000),
        )

    # -- one request, with retries ----------------------------------------------

    def _send(
        self,
        messages: list[Message],
        mode: int,
        budget: int,
        *,
        schema: dict[str, Any] | None,
        name: str,
        temperature: float | None = None,
    ) -> tuple[Any, int]:
        """The response and the number of HTTP requests it took (json_schema mode needs a `schema`)."""
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature if temperature is None else temperature,
            "max_tokens": budget,
        }
        if MODES[mode] == "json_schema":
            if schema is None:
                raise TypeError("json_schema mode needs a schema")
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "strict": True, "schema": schema},
            }
        elif MODES[mode] == "json_object":
            kwargs["response_format"] = {"type": "json_object"}
        for attempt in range(self.max_retries + 1):
            try:
                return self.client.chat.completions.create(**kwargs), attempt + 1
            except openai.BadRequestError:
                raise
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                problem = (
                    "timed out" if isinstance(exc, openai.APITimeoutError) else "could not connect"
                )
                wait = self._backoff(attempt)
            except (ValueError, openai.APIResponseValidationError):
                # a body that is not a completion (a proxy's HTML page): transient, like a 502
                problem = "unreadable response"
                wait = self._backoff(attempt)
            except openai.APIStatusError as exc:
                if exc.status_code not in RETRYABLE_STATUS:
                    hint = (
                        " (check the API key)"
                        if exc.status_code in {401, 403}
                        else " (check llm.model)"
                        if exc.status_code == 404
                        else ""
                    )
                    raise BackendError(
                        f"the endpoint answered HTTP {exc.status_code}{hint}: {self._clean(exc)}"
                    ) from None
                problem = f"HTTP {exc.status_code}"
                asked = _retry_after(exc.response.headers) if exc.response is not None else None
                wait = self._backoff(attempt) if asked is None else asked
            if attempt == self.max_retries:
                break
            time.sleep(wait)
        raise BackendError(
            f"{problem} after {self.max_retries + 1} tries ({self.base_url or 'api.openai.com'})"
        )

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return float(min(MAX_WAIT, self.backoff * (2**attempt)) * random.uniform(0.5, 1.0))

    def _current_mode(self) -> int:
        with self._mode_lock:
            return self._mode

    def _downgrade(self, mode: int) -> None:
        """This server refuses `mode`: every later call of the batch starts lower."""
        with self._mode_lock:
            self._mode = max(self._mode, mode + 1)

    def _clean(self, what: object) -> str:
        """An error's text, never holding the key, on one line and short."""
        text = str(getattr(what, "message", what))
        if self._secret:
            text = text.replace(self._secret, "[key]")
        text = " ".join(text.split())
        return text[:300]


def _schema(request: Request) -> dict[str, Any]:
    return VERDICT_SCHEMA if request.kind == "verify" else ARTICLE_SCHEMA


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
