"""The desk's Edit action: a draft's Markdown by hand, in a textarea.

    GET  /_desk/drafts/SLUG/edit           the draft's file in a textarea, and its preview
    POST /_desk/drafts/SLUG/edit/preview   the typed text as the site would show it (no save)
    POST /_desk/drafts/SLUG/edit           save: a new revision (`review.edits.edit_text`)

The form names the revision it was opened on (`base_revision`). A save based
on an older revision than the draft's current one is refused by the review
layer (`StaleEdit`); the page then shows what changed in between, and keeps
every character the editor typed in the textarea, now based on the current
revision, so saving again is a decision made knowing the other edit.

The preview is rendered by the site's own post page (`site.build.render_post_page`,
which sanitizes the Markdown as the build does) and served with no script allowed.
"""

from __future__ import annotations

import difflib
from typing import Any

from flask import Response, g, request

from generator.config import Project
from generator.desk.diffs import DiffLayout, front_matter_end, layout
from generator.desk.pages import file_sha, record_seen
from generator.desk.responses import framed, preview_response, see, text
from generator.drafts import DraftStore, parse_draft
from generator.errors import SatireError

MAX_TEXT = 400_000


class EditPages:
    """The views, mixed into `Desk` (which provides `project` and `render`)."""

    project: Project

    def render(self, template: str, *, status: int = 200, **context: Any) -> Response:
        raise NotImplementedError  # Desk.render

    def edit_page(
        self,
        slug: str,
        *,
        typed: str | None = None,
        base: int | None = None,
        error: str = "",
        diff: DiffLayout | None = None,
        status: int = 200,
    ) -> Response:
        store = DraftStore(self.project)
        try:
            draft = store.load(slug)
        except SatireError as exc:
            return self.render(
                "error.html", status=404, title="No such draft", message=exc.format_message()
            )
        return self.render(
            "edit.html",
            status=status,
            draft=draft,
            text=typed if typed is not None else store.path(slug).read_text(encoding="utf-8"),
            base=base if base is not None else draft.revision,
            seen=file_sha(store, slug) if typed is None else "",
            error=error,
            diff=diff,
        )

    def edit_preview(self, slug: str) -> Response:
        from generator.site.build import render_post_page

        typed = typed_text()
        try:
            draft = parse_draft(typed, f"drafts/{slug}.md (as typed)")
            html = render_post_page(self.project, draft.model_copy(update={"slug": slug}))
        except SatireError as exc:  # said in the frame, where the preview would be
            return framed(text(exc.format_message(), 400))
        return preview_response(html)

    def edit_save(self, slug: str) -> Response:
        from generator.review.edits import StaleEdit, edit_text

        typed = typed_text()
        base = request.form.get("base_revision", "")
        if not base.isdigit():
            return self.edit_page(
                slug,
                typed=typed,
                error="This form does not say which revision it was opened on; your text is kept below: save again.",
                status=400,
            )
        if len(typed) > MAX_TEXT:
            return self.edit_page(
                slug,
                typed=typed,
                base=int(base),
                error=f"The text is too long ({len(typed)} characters, at most {MAX_TEXT}).",
                status=400,
            )
        store = DraftStore(self.project)
        try:
            based = record_seen(
                self.project, slug, int(base), request.form.get("seen", ""), by=g.who.name
            )
            edit_text(self.project, slug, typed, by=g.who.name, base_revision=based)
        except StaleEdit as exc:
            now = store.load(slug)
            return self.edit_page(
                slug,
                typed=typed,
                base=now.revision,
                error=(
                    f"Not saved: this draft changed while you were editing (you started from revision {base}, it is at revision {now.revision} now). "
                    "What changed is shown below; your text is kept in the editor: merge what you need and save again."
                ),
                diff=_diff_of(exc, store, slug, int(base), now.revision),
                status=409,
            )
        except SatireError as exc:
            return self.edit_page(
                slug, typed=typed, base=int(base), error=exc.format_message(), status=400
            )
        return see(f"/_desk/drafts/{slug}?done=edit")


def typed_text() -> str:
    """The textarea's text, with the line ends browsers send (CRLF) made plain."""
    return request.form.get("text", "").replace("\r\n", "\n")


def _diff_of(exc: Exception, store: DraftStore, slug: str, base: int, now: int) -> DiffLayout:
    """The diff the refusal carries, laid out; made from the two revisions if it
    carries none."""
    carried: Any = getattr(exc, "diff", None)
    if isinstance(carried, str) and carried:
        lines = carried.splitlines(keepends=True)
    elif isinstance(carried, list | tuple) and carried:
        lines = [str(line) for line in carried]
    else:
        old, new = store.revision_text(slug, base), store.path(slug).read_text(encoding="utf-8")
        lines = list(
            difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), n=2)
        )
    old_text = store.revision_text(slug, base)
    new_text = store.path(slug).read_text(encoding="utf-8")
    return layout(lines, old_front=front_matter_end(old_text), new_front=front_matter_end(new_text))
