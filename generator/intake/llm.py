"""The LLM extractor: one structured-output call per article, through the
project's `openai` backend with the response cache and call log around it (one
`llm_calls` row per article, kind `intake`, item its canonical URL), with the
article fenced as untrusted data (prompts/intake.j2). The answer must follow
its schema (an off-schema answer is re-asked once, a format lower, like the
writer's); what it proposes is grounded like anything else."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from generator.intake.extract import MAX_FACTS, MAX_QUOTES, ExtractedPage, Proposal
from generator.llm import CallFailed, Request, json_answer

if TYPE_CHECKING:
    from generator.config import Project

MAX_SENT_CHARS = 24_000  # longer articles are cut for the model (and the brief says so); grounding uses the whole text

_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
INTAKE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["summary", "facts", "quotes", "people", "angles"],
    "properties": {
        "summary": {"type": "string"},
        "facts": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["fact", "sentence"],
                "properties": {"fact": {"type": "string"}, "sentence": {"type": "string"}},
            },
        },
        "quotes": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["by", "text", "sentence"],
                "properties": {
                    "by": {"type": "string"},
                    "text": {"type": "string"},
                    "sentence": {"type": "string"},
                },
            },
        },
        "people": _STRINGS,
        "angles": _STRINGS,
    },
}


class LLMExtractor:
    """Proposes a brief's summary, facts, quotes, people and angles from an article."""

    def __init__(self, project: Project, *, run_id: str | None = None) -> None:
        from generator.write.backend import get_backend

        self.project = project
        self.backend = get_backend(project, run_id=run_id)
        self.cost_usd = 0.0
        self._lock = threading.Lock()

    def propose(
        self, page: ExtractedPage, language: str, reader: str, *, url: str, style: str
    ) -> tuple[Proposal, int | None, str]:
        """(proposal, characters sent when the article was cut, the extractor's
        description); the call is logged for `url` (the article's canonical URL)."""
        from generator.write.prompts import render_intake

        text = page.text
        sent = text if len(text) <= MAX_SENT_CHARS else text[:MAX_SENT_CHARS].rsplit("\n", 1)[0]
        article = {
            "title": page.title,
            "site": page.sitename,
            "author": page.author,
            "date": page.date,
            "text": sent,
        }
        messages = render_intake(
            self.project,
            {k: v for k, v in article.items() if v},
            language,
            max_facts=MAX_FACTS,
            max_quotes=MAX_QUOTES,
        )
        request = Request(
            kind="intake",
            messages=messages,
            parse=json_answer(INTAKE_SCHEMA),
            schema=INTAKE_SCHEMA,
            name="intake_brief",
            item=url,
            style=style,
            language=language,
            temperature=0.0,
        )
        try:
            completion = self.backend.complete(request)
        except CallFailed as exc:  # paid but unusable answers cost all the same
            with self._lock:
                self.cost_usd += exc.usage.cost_usd
            raise
        data = completion.value
        with self._lock:
            self.cost_usd += completion.usage.cost_usd
        proposal = Proposal(
            summary=str(data.get("summary") or ""),
            facts=[
                (str(f.get("fact", "")), str(f.get("sentence", "")))
                for f in _dicts(data.get("facts"))
            ],
            quotes=[
                (str(q.get("by", "")), str(q.get("text", "")), str(q.get("sentence", "")))
                for q in _dicts(data.get("quotes"))
            ],
            people=[str(p) for p in data.get("people") or [] if isinstance(p, str)],
            angles=[
                " ".join(str(a).split())
                for a in data.get("angles") or []
                if isinstance(a, str) and str(a).strip()
            ][:3],
        )
        return (
            proposal,
            (len(sent) if len(sent) < len(text) else None),
            f"openai {self.backend.model}; {reader}",
        )


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
