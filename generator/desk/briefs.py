"""The desk's confirmation pages: intake briefs waiting for an editor, each
fact and quote beside the article sentence that backs it, and the editor's
three moves (confirm, drop the unticked items, discard). The work is
`generator.intake.confirm`'s; the guard (Host, Origin, CSRF) has run before any of
these views, as for every desk route (see `app.py`).

    GET  /_desk/briefs                   briefs waiting for confirmation
    GET  /_desk/briefs/SLUG              one brief, its evidence, tick boxes
    POST /_desk/briefs/SLUG/ACTION       confirm, drop, discard

A form names the version of the brief it showed (its sha256) and how many
facts and quotes it listed: a brief changed since is not edited blindly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, g, request

from generator.brief import Brief
from generator.config import Project
from generator.desk.responses import see
from generator.errors import SatireError
from generator.intake import confirm

PREFIX = "/_desk/briefs"
BRIEF_ACTIONS = ("confirm", "drop", "discard")
SLUG = "<regex('[a-z0-9]+(?:-[a-z0-9]+)*'):slug>"
RULES: list[tuple[str, str, list[str]]] = [
    ("/briefs", "briefs_page", ["GET"]),
    (f"/briefs/{SLUG}", "brief_page", ["GET"]),
    (f"/briefs/{SLUG}/<any({', '.join(BRIEF_ACTIONS)}):action>", "brief_act", ["POST"]),
]
DONE = {
    "confirm": "Confirmed: 'satire generate' writes it now.",
    "drop": "The unticked items are dropped; the brief still waits for confirmation.",
    "discard": "Discarded: a copy is kept under .satire/discarded/.",
}


@dataclass
class BriefView:
    """Everything the brief page shows."""

    brief: Brief
    slug: str
    file: str
    draft: str | None
    facts: list[confirm.BriefItem]
    quotes: list[confirm.BriefItem]


def brief_view(project: Project, slug: str) -> BriefView:
    brief = confirm.find(project, slug)
    assert brief.path is not None
    facts, quotes = confirm.items(brief)
    return BriefView(
        brief,
        brief.effective_slug,
        project.rel(brief.path),
        confirm.draft_status(project, brief.effective_slug),
        facts,
        quotes,
    )


def chosen(form: Mapping[str, str], name: str, shown: str) -> list[int] | None:
    """The indices the editor unticked among the `shown` items named `name-N`, or None if `shown` is not a count."""
    if not shown.isdigit() or int(shown) > 10_000:
        return None
    return [i for i in range(int(shown)) if form.get(f"keep-{name}-{i}") != "yes"]


class BriefPages:
    """The views, mixed into `Desk` (which provides `project` and `render`)."""

    project: Project

    def render(self, template: str, *, status: int = 200, **context: Any) -> Response:
        raise NotImplementedError  # Desk.render

    def briefs_page(self) -> Response:
        rows, errors = confirm.listing(self.project, unconfirmed=True)
        done = request.args.get("done", "")
        return self.render(
            "briefs.html",
            rows=rows,
            errors=[e.message for e in errors],
            done=DONE.get(done, ""),
            done_slug=request.args.get("slug", ""),
        )

    def brief_page(self, slug: str, *, error: str = "", status: int = 200) -> Response:
        try:
            view = brief_view(self.project, slug)
        except SatireError as exc:
            return self.render(
                "error.html", status=404, title="No such brief", message=exc.format_message()
            )
        done = request.args.get("done", "")
        return self.render(
            "brief.html",
            status=status,
            view=view,
            error=error,
            done=DONE.get(done, "") if done != "discard" else "",
        )

    def brief_act(self, slug: str, action: str) -> Response:
        form = request.form
        editor: str = g.who.name

        def refuse(message: str, status: int) -> Response:
            return self.brief_page(slug, error=message, status=status)

        version = form.get("version", "")
        if not re.fullmatch(r"[0-9a-f]{64}", version):
            return refuse(
                "This form does not say which version of the brief it showed; reload the page and decide again.",
                400,
            )
        try:
            if action == "discard":
                if confirm.find(self.project, slug).sha256 != version:
                    return refuse(
                        "The brief changed since this page was shown; here it is as it stands now.",
                        409,
                    )
                confirm.discard(
                    self.project, slug, by=editor, note=form.get("note", "").strip()[:4000] or None
                )
                return see(f"{PREFIX}?done=discard&slug={slug}")
            facts = chosen(form, "fact", form.get("facts", ""))
            quotes = chosen(form, "quote", form.get("quotes", ""))
            if facts is None or quotes is None:
                return refuse(
                    "This form does not say which facts and quotes it showed; reload the page and decide again.",
                    400,
                )
            move = confirm.confirm if action == "confirm" else confirm.drop
            move(
                self.project,
                slug,
                by=editor,
                drop_facts=facts,
                drop_quotes=quotes,
                expect_sha256=version,
            )
        except SatireError as exc:
            return refuse(exc.format_message(), 409)
        if action == "confirm":
            return see(f"{PREFIX}?done=confirm&slug={slug}")
        return see(f"{PREFIX}/{slug}?done=drop")
