"""Brief + style + backend -> draft: the one place the steps meet.

`write` renders the prompt, asks the backend and turns the article into a new,
unsaved Draft with its provenance; `revise` does the same for an editor's note
on an existing draft. Both then run `self_check`: the fact check reads the new
draft and, while it finds claims the brief does not back, the writer is asked
to fix exactly those (at most `llm.self_check_rounds` times). The verdict is the
fact check's, never the model's; the draft with the fewest claim findings is
kept (ties: the earlier), and a round that does not reduce them ends the loop.
Every round's tokens and cost add up in the draft's provenance, which is what
batches count against their budget. Saving is the caller's
(`DraftStore.save_revision`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.check import factcheck
from generator.drafts import Draft, Provenance, SelfCheck, SourceRef
from generator.infra import clock
from generator.llm import Completion, Message, Request, Usage
from generator.styles import load_style
from generator.write import translations
from generator.write.article import ARTICLE_SCHEMA, Article, Work, fill_missing, parse_article
from generator.write.prompts import prompt_sha256, render_revise, render_self_check, render_write

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.config import Project
    from generator.llm import Backend
    from generator.styles import Style

Afford = Callable[[Request[Article]], bool]
OFFLINE_NOTE = (
    "no self-check: the offline writer takes every figure, name, date and quote from the brief"
)


def article_request(
    kind: str,
    messages: list[Message],
    work: Work,
    *,
    item: str,
) -> Request[Article]:
    """A request answered by an article (write, revise, self_check), with the work as data."""
    return Request(
        kind=kind,
        messages=messages,
        parse=parse_article,
        schema=ARTICLE_SCHEMA,
        name="article",
        item=item,
        style=work.style.name,
        language=work.language,
        context=work,
    )


def write_request(
    project: Project, brief: Brief, style: Style, language: str, slug: str
) -> Request[Article]:
    """The request that writes `brief` in `style` and `language` (what `satire prompt` shows)."""
    messages = render_write(project, brief, style, language)
    return article_request("write", messages, Work(brief, style, language), item=slug)


def write(
    project: Project,
    brief: Brief,
    style: str,
    language: str,
    backend: Backend,
    *,
    slug: str | None = None,
    self_check_rounds: int | None = None,
    afford: Afford | None = None,
) -> Draft:
    """A new unsaved draft of `brief` in `style` and `language` (status draft), self-checked."""
    chosen = load_style(project, style)
    slug = slug or brief.effective_slug
    request = write_request(project, brief, chosen, language, slug)
    completion = backend.complete(request)
    article, derived = fill_missing(completion.value, brief.tags)
    draft = Draft(
        title=article.title,
        slug=slug,
        date=brief.date,
        status="draft",
        brief=project.rel(brief.path) if brief.path else "",
        style=chosen.name,
        language=language,
        dek=article.dek,
        pull_quote=article.pull_quote,
        categories=list(brief.categories),
        tags=list(brief.tags) or article.tags,
        source=SourceRef(publisher=brief.source.publisher, url=brief.source.url, title=brief.title),
        image=brief.image,
        revision=1,
        provenance=provenance(completion, request.messages, brief, derived),
        body=tidy_body(article),
    )
    _record_findings(backend, completion, brief, draft)
    return self_check(
        project, draft, brief, chosen, backend, rounds=self_check_rounds, afford=afford
    )


def revise(
    project: Project,
    draft: Draft,
    brief: Brief,
    note: str,
    backend: Backend,
    *,
    self_check_rounds: int | None = None,
) -> Draft:
    """An unsaved rewrite of `draft` following the editor's `note` (status draft), self-checked."""
    chosen = load_style(project, draft.style)
    messages = render_revise(project, draft, brief, chosen, note)
    work = Work(brief, chosen, draft.language, draft, note)
    completion = backend.complete(article_request("revise", messages, work, item=draft.slug))
    rewritten = _rewritten(draft, completion, provenance(completion, messages, brief, []), brief)
    _record_findings(backend, completion, brief, rewritten)
    return self_check(project, rewritten, brief, chosen, backend, rounds=self_check_rounds)


def _record_findings(
    backend: Backend, completion: Completion[Article], brief: Brief, draft: Draft
) -> None:
    """Hand the call log the claim findings of the draft a call returned (`satire stats`
    reports them at the first revision); a reader's aid that never fails the draft."""
    try:
        found = len(factcheck.claims(factcheck.check(brief, draft)))
    except Exception:
        return
    backend.record(completion, findings=found)


@dataclass
class _Spent:
    """What the rounds of one draft cost, summed."""

    usage: Usage = field(default_factory=Usage)
    cached: bool = True

    def add(self, completion: Completion[Any]) -> None:
        self.usage = self.usage + completion.usage
        self.cached = self.cached and completion.cached


def self_check(
    project: Project,
    draft: Draft,
    brief: Brief,
    style: Style,
    backend: Backend,
    *,
    rounds: int | None = None,
    afford: Afford | None = None,
) -> Draft:
    """`draft`, or a fixed version of it with fewer claim findings (see the module docstring).
    `afford` (a batch's budget) may refuse a round before it is sent: the loop ends there."""
    limit = project.config.llm.self_check_rounds if rounds is None else rounds
    if limit <= 0:
        return draft
    if backend.name == "offline":
        note = "; ".join(n for n in (draft.provenance.note, OFFLINE_NOTE) if n)
        return draft.model_copy(
            update={
                "provenance": draft.provenance.model_copy(update={"note": note}),
                "body": draft.body,
            }
        )
    verifier = translations.verifier_for(project, brief, style, backend=backend, item=draft.slug)
    spent = _Spent(
        Usage(draft.provenance.tokens_in, draft.provenance.tokens_out, draft.provenance.cost_usd),
        draft.provenance.cached,
    )

    def claims_of(candidate: Draft) -> list[factcheck.Finding]:
        return factcheck.claims(factcheck.check(brief, candidate, verifier=verifier))

    best, best_claims = draft, claims_of(draft)
    before, done = len(best_claims), 0
    while best_claims and done < limit:
        messages = render_self_check(project, best, brief, style, [_shown(f) for f in best_claims])
        request = article_request(
            "self_check", messages, Work(brief, style, best.language, best), item=best.slug
        )
        if afford is not None and not afford(request):
            break
        completion = backend.complete(request)
        done += 1
        spent.add(completion)
        candidate = _rewritten(best, completion, best.provenance, brief)
        found = claims_of(candidate)
        backend.record(completion, findings=len(found))
        if len(found) >= len(best_claims):
            break  # no better: keep the earlier draft, and stop asking
        best, best_claims = candidate, found
    for call in verifier.calls if verifier else []:
        spent.add(call)
    totals = {
        "tokens_in": spent.usage.tokens_in,
        "tokens_out": spent.usage.tokens_out,
        "cost_usd": round(spent.usage.cost_usd, 6),
        "cached": spent.cached,
    }
    checked = SelfCheck(rounds=done, findings_before=before, findings_after=len(best_claims))
    return best.model_copy(
        update={
            "provenance": best.provenance.model_copy(update={**totals, "self_check": checked}),
            "body": best.body,
        }
    )


def _shown(finding: factcheck.Finding) -> dict[str, str]:
    """A finding as the writer is shown it: the span, why it is unbacked, what the brief says."""
    return {
        "kind": finding.kind,
        "where": finding.field,
        "span": finding.text,
        "why": finding.message,
        "the brief says": finding.backing,
    }


def _rewritten(
    draft: Draft, completion: Completion[Article], provenance: Provenance, brief: Brief
) -> Draft:
    """`draft` with the text of `completion`'s article (missing fields derived), back to draft status."""
    article, derived = fill_missing(completion.value, brief.tags)
    if derived:
        provenance = provenance.model_copy(update={"note": _derived_note(provenance.note, derived)})
    return draft.model_copy(
        update={
            "title": article.title,
            "dek": article.dek,
            "pull_quote": article.pull_quote,
            "status": "draft",
            "provenance": provenance,
            "body": tidy_body(article),
        }
    )


def _derived_note(note: str | None, derived: list[str]) -> str:
    return "; ".join(
        n for n in (note, f"derived by satire, missing from the answer: {', '.join(derived)}") if n
    )


def provenance(
    completion: Completion[Article], messages: list[Message], brief: Brief, derived: list[str]
) -> Provenance:
    return Provenance(
        backend=completion.backend,
        model=completion.model,
        prompt_sha256=prompt_sha256(messages),
        brief_sha256=brief.sha256,
        temperature=completion.temperature,
        tokens_in=completion.usage.tokens_in,
        tokens_out=completion.usage.tokens_out,
        cost_usd=completion.usage.cost_usd,
        generated_at=clock.now(),
        cached=completion.cached,
        note=_derived_note(completion.note, derived) if derived else completion.note,
    )


def tidy_body(article: Article) -> str:
    """The body as Markdown paragraphs, without a repeated title heading, with
    the pull quote present once as a blockquote mid-article."""
    body = article.body.replace("\r\n", "\n").strip()
    lines = body.split("\n")
    if (
        lines
        and lines[0].startswith("#")
        and lines[0].lstrip("#").strip().strip("«» ") == article.title.strip("«» ")
    ):
        body = "\n".join(lines[1:]).strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    if not any(p.startswith(">") for p in paragraphs):
        bold = f"**{article.pull_quote}**"
        paragraphs = [f"> {article.pull_quote}" if p == bold else p for p in paragraphs]
        if f"> {article.pull_quote}" not in paragraphs:
            paragraphs.insert(max(1, len(paragraphs) // 2), f"> {article.pull_quote}")
    return "\n\n".join(paragraphs)
