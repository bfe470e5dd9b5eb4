"""Translated quotes judged by the LLM: `verifier_for` gives the fact check a
`Verifier` that asks the writer's endpoint, once per pair (the response cache
keeps the verdict), whether a draft's quote says the same as the brief's.

`factcheck.verify_translations` turns it on or off; by default it is on when
an LLM endpoint is configured. The offline writer judges nothing: without a
verifier the fact check reports such quotes as `translation` findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.check.factcheck import Judgement, Pair
from generator.llm import Completion, Request, parse_json
from generator.write.prompts import render_verify

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.config import Project
    from generator.llm import Backend
    from generator.styles import Style

VERDICT_TOKENS = 300  # a yes/no and one sentence


@dataclass(frozen=True)
class QuoteVerdict:
    """The answer to a `verify` request: does the draft's quote say the same as the brief's?"""

    same: bool
    reason: str


VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"same": {"type": "boolean"}, "reason": {"type": "string"}},
    "required": ["same", "reason"],
    "additionalProperties": False,
}


def parse_verdict(text: str) -> QuoteVerdict:
    """A QuoteVerdict from an answer: a JSON object (possibly fenced or among prose) with
    `same` (true/false, or "yes"/"no") and `reason`; ValueError says what is wrong."""
    data = parse_json(text)
    same = data.get("same")
    if isinstance(same, str) and same.strip().lower() in {"yes", "no", "true", "false"}:
        same = same.strip().lower() in {"yes", "true"}
    if not isinstance(same, bool):
        raise ValueError('off-schema JSON: "same" must be true or false')
    return QuoteVerdict(same, " ".join(str(data.get("reason") or "").split())[:300])


def wanted(project: Project, backend: Backend | None = None) -> bool:
    """Whether translated quotes are to be judged by the LLM (config, else: an endpoint is configured)."""
    if backend is not None and backend.name == "offline":
        return False
    setting = project.config.factcheck.verify_translations
    on = project.backend_name() == "openai" if setting is None else setting
    return on and project.backend_name() == "openai"


@dataclass
class LLMVerifier:
    """Asks for a yes/no verdict on each pair; `calls` keeps what each call cost.

    Without a `backend`, the project's own (with its cache) is opened at the first
    pair, so checking drafts that quote nobody in translation costs nothing."""

    project: Project
    brief: Brief
    style: Style
    backend: Backend | None = None
    item: str = ""
    calls: list[Completion[QuoteVerdict]] = field(default_factory=list)
    _opened: Backend | None = field(default=None, init=False, repr=False)

    def __call__(self, pair: Pair) -> Judgement:
        messages = render_verify(
            self.project,
            {"speaker": pair.by, "original": pair.original, "translation": pair.translation},
            pair.translation_language,
            pair.original_language,
        )
        request = Request(
            kind="verify",
            messages=messages,
            parse=parse_verdict,
            schema=VERDICT_SCHEMA,
            name="verdict",
            item=self.item,
            style=self.style.name,
            language=pair.translation_language,
            max_tokens=VERDICT_TOKENS,
        )
        completion = self._backend().complete(request)
        self.calls.append(completion)
        verdict = completion.value
        return Judgement(
            verdict.same,
            verdict.reason or ("same meaning" if verdict.same else "different meaning"),
            completion.model,
        )

    def _backend(self) -> Backend:
        if self.backend is not None:
            return self.backend
        if self._opened is None:
            from generator.write.backend import get_backend

            # a SatireError here leaves a translation note
            self._opened = get_backend(self.project)
        return self._opened

    def close(self) -> None:
        """Close the backend this verifier opened (not one it was given)."""
        close = getattr(self._opened, "close", None)
        if close is not None:
            close()
        self._opened = None


def verifier_for(
    project: Project, brief: Brief, style: Style, *, backend: Backend | None = None, item: str = ""
) -> LLMVerifier | None:
    """A verifier over `backend` (default: the project's, with its cache), or None when not wanted."""
    if not wanted(project, backend):
        return None
    return LLMVerifier(project, brief, style, backend, item)
