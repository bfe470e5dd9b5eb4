"""Brief + style + backend -> draft: the one place the steps meet.

`write` renders the prompt, asks the backend and turns the article into a new,
unsaved Draft with its provenance; `revise` does the same for an editor's note
on an existing draft. Saving is the caller's (`DraftStore.save_revision`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from generator.drafts import Draft, Provenance, SourceRef
from generator.llm import Completion, Request
from generator.prompts import Message, prompt_sha256, render_revise, render_write
from generator.styles import load_style

if TYPE_CHECKING:
    from generator.article import Article
    from generator.brief import Brief
    from generator.config import Project
    from generator.llm import Backend


def write(project: Project, brief: Brief, style: str, language: str, backend: Backend, *, slug: str | None = None) -> Draft:
    """A new unsaved draft of `brief` in `style` and `language` (status draft)."""
    chosen = load_style(project, style)
    slug = slug or brief.effective_slug
    messages = render_write(project, brief, chosen, language)
    completion = backend.complete(Request("write", messages, brief, chosen, language, item=slug))
    article = completion.article
    return Draft(
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
        provenance=provenance(completion, messages, brief),
        body=tidy_body(article),
    )


def revise(project: Project, draft: Draft, brief: Brief, note: str, backend: Backend) -> Draft:
    """An unsaved rewrite of `draft` following the editor's `note` (status draft)."""
    chosen = load_style(project, draft.style)
    messages = render_revise(project, draft, brief, chosen, note)
    completion = backend.complete(Request("revise", messages, brief, chosen, draft.language, item=draft.slug, draft=draft, note=note))
    article = completion.article
    return draft.model_copy(
        update={
            "title": article.title,
            "dek": article.dek,
            "pull_quote": article.pull_quote,
            "status": "draft",
            "provenance": provenance(completion, messages, brief),
            "body": tidy_body(article),
        }
    )


def provenance(completion: Completion, messages: list[Message], brief: Brief) -> Provenance:
    return Provenance(
        backend=completion.backend,
        model=completion.model,
        prompt_sha256=prompt_sha256(messages),
        brief_sha256=brief.sha256,
        temperature=completion.temperature,
        tokens_in=completion.tokens_in,
        tokens_out=completion.tokens_out,
        cost_usd=completion.cost_usd,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        cached=completion.cached,
        note=completion.note,
    )


def tidy_body(article: Article) -> str:
    """The body as Markdown paragraphs, without a repeated title heading, with
    the pull quote present once as a blockquote mid-article."""
    body = article.body.replace("\r\n", "\n").strip()
    lines = body.split("\n")
    if lines and lines[0].startswith("#") and lines[0].lstrip("#").strip().strip("«» ") == article.title.strip("«» "):
        body = "\n".join(lines[1:]).strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    if not any(p.startswith(">") for p in paragraphs):
        paragraphs.insert(max(1, len(paragraphs) // 2), f"> {article.pull_quote}")
    return "\n\n".join(paragraphs)
