"""The review desk: routes, guard, and the actions editors take.

Every page and action goes through `Desk.handle(request)`: the guard first
(Host, Origin, CSRF), then the editor's name (asked once), then the route.
Actions call the review workflow (`generator.review.workflow`) with the editor's name;
the desk keeps no state of its own beyond running jobs.

    GET  /_desk/                         drafts, filterable by ?status=
    GET  /_desk/editor                   who is reviewing (asked once)
    POST /_desk/editor
    GET  /_desk/drafts/SLUG              the draft: preview, findings, brief, history, diff
    GET  /_desk/drafts/SLUG/preview      the post as the site shows it, findings marked
    POST /_desk/drafts/SLUG/ACTION       approve, reject, revise, publish, unpublish
    GET  /_desk/jobs/ID[.json]           a revision being written
    GET  /_desk/log                      the audit log
    GET  /_desk/stats                    what editors kept, per style, model, language
    GET  /_desk/briefs[/SLUG]            intake briefs to confirm (desk/briefs.py)
    GET  /_desk/assets/NAME              the desk's CSS and JavaScript
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import jinja2

from generator.config import Project, check_http_url
from generator.desk import briefs, pages
from generator.desk.http import Request, Response, Session, WSGIApp, wsgi
from generator.desk.jobs import Job, Jobs
from generator.desk.security import EDITOR_COOKIE, SAFE_METHODS, Guard, clean_editor
from generator.drafts import DraftStore
from generator.errors import SatireError
from generator.infra.resources import builtin_dir, builtin_templates

PREFIX = "/_desk/"
ACTIONS = ("approve", "reject", "revise", "publish", "unpublish")
NEEDS_NOTE = frozenset({"reject", "revise"})
MAX_NOTE = 4000
YEAR = 365 * 24 * 3600
SLUG = r"(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)"
ASSETS = {
    "desk.css": "text/css; charset=utf-8",
    "desk.js": "text/javascript; charset=utf-8",
    "preview.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
ASSETS["briefs.css"] = "text/css; charset=utf-8"  # the confirmation pages (desk/briefs.py)

DESK_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
# the preview is the site's own page: its styles and images, but no script at all
PREVIEW_CSP = "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'"

Route = tuple[str, re.Pattern[str], str]
ROUTES: list[Route] = [
    ("GET", re.compile(r"/_desk/"), "list_page"),
    ("GET", re.compile(r"/_desk/editor"), "editor_page"),
    ("POST", re.compile(r"/_desk/editor"), "editor_set"),
    ("GET", re.compile(rf"/_desk/drafts/{SLUG}"), "draft_page"),
    ("GET", re.compile(rf"/_desk/drafts/{SLUG}/preview"), "preview"),
    ("POST", re.compile(rf"/_desk/drafts/{SLUG}/(?P<action>{'|'.join(ACTIONS)})"), "act"),
    ("GET", re.compile(r"/_desk/jobs/(?P<job>[A-Za-z0-9_-]{8,40})"), "job_page"),
    ("GET", re.compile(r"/_desk/jobs/(?P<job>[A-Za-z0-9_-]{8,40})\.json"), "job_state"),
    ("GET", re.compile(r"/_desk/log"), "log_page"),
    ("GET", re.compile(r"/_desk/stats"), "stats_page"),
    ("GET", re.compile(r"/_desk/assets/(?P<name>[a-z]+\.(?:css|js|svg))"), "asset"),
]
ROUTES += briefs.ROUTES  # confirmation of intake briefs (desk/briefs.py)
OPEN_ROUTES = frozenset(
    {"editor_page", "editor_set", "asset"}
)  # answered before the editor has a name


def template_env() -> jinja2.Environment:
    """The desk's templates (built in, not overridable: its forms carry its security)."""
    env = builtin_templates("desk")
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    env.filters["external"] = external_url
    return env


def external_url(url: str) -> str:
    """A link out of the desk: http(s) only, percent-encoded as the site does it."""
    from generator.site.markup import safe_url

    try:
        return safe_url(check_http_url(url))
    except ValueError:
        return "#"


class Desk(briefs.BriefPages):
    """The desk of one project, served at (host, port)."""

    def __init__(self, project: Project, *, on_change: Callable[[], object] | None = None) -> None:
        self.project = project
        self._guards: dict[tuple[str, int], Guard] = {}
        self._lock = threading.Lock()
        self.jobs = Jobs()
        self.env = template_env()
        self.assets = builtin_dir("templates") / "desk" / "assets"
        self.on_change = on_change  # e.g. the preview server's rebuild, after a publish

    # -- the pipeline every request goes through ---------------------------------

    def guard(self, server: tuple[str, int]) -> Guard:
        """The guard for the address served (known from the first request: the
        server may be bound after the app is made, e.g. to port 0)."""
        with self._lock:
            if server not in self._guards:
                self._guards[server] = Guard(*server)
            return self._guards[server]

    def handle(self, request: Request) -> Response:
        guard = self.guard(request.server)
        refusal = guard.refusal(request)
        if refusal is not None:
            return _secured(Response.text(f"refused: {refusal}\n", 403))
        session, fresh = guard.session(request)
        if request.method not in SAFE_METHODS and not guard.csrf_ok(request, session, fresh):
            response = Response.text(
                "refused: this form's security token is missing or out of date; reload the page and try again\n",
                403,
            )
        else:
            response = self._route(request, guard, Session(session, guard.token(session)))
        if fresh:
            response.set_cookie(guard.session_cookie, session, path=PREFIX)
        return _secured(response)

    def _route(self, request: Request, guard: Guard, session: Session) -> Response:
        path = request.path
        if path == "/_desk":
            return Response.redirect(PREFIX, 308)
        known_path = False
        for method, pattern, name in ROUTES:
            match = pattern.fullmatch(path)
            if not match:
                continue
            known_path = True
            if request.method != method and not (method == "GET" and request.method == "HEAD"):
                continue
            editor = guard.editor(request)
            if editor is None and name not in OPEN_ROUTES:
                return Response.redirect(
                    PREFIX + "editor?" + urlencode({"next": path + _query(request)})
                )
            view: Callable[..., Response] = getattr(self, name)
            return view(request, session=session, editor=editor or "", **match.groupdict())
        if known_path:
            return Response.text("method not allowed\n", 405)
        return self.render(
            "error.html",
            session,
            "",
            status=404,
            title="Not found",
            message=f"The desk has no page at {path}.",
        )

    def render(
        self, template: str, session: Session, editor: str, *, status: int = 200, **context: Any
    ) -> Response:
        html = self.env.get_template(template).render(
            csrf=session.token, editor=editor, project_title=self.project.config.title, **context
        )
        return Response.html(html, status)

    @property
    def wsgi(self) -> WSGIApp:
        return wsgi(self.handle)

    # -- who is reviewing ----------------------------------------------------------

    def editor_page(
        self, request: Request, *, session: Session, editor: str, error: str = "", status: int = 200
    ) -> Response:
        return self.render(
            "editor.html",
            session,
            editor,
            status=status,
            next=_safe_next(request.arg("next")),
            error=error,
            name=editor,
        )

    def editor_set(self, request: Request, *, session: Session, editor: str) -> Response:
        name = clean_editor(request.form.get("name", ""))
        target = _safe_next(request.form.get("next", ""))
        if name is None:
            request.query["next"] = [target]
            return self.editor_page(
                request,
                session=session,
                editor=editor,
                error="Please give a name of 1 to 80 characters.",
                status=400,
            )
        response = Response.redirect(target)
        response.set_cookie(EDITOR_COOKIE, name, path=PREFIX, max_age=YEAR)
        return response

    # -- pages -----------------------------------------------------------------------

    def list_page(self, request: Request, *, session: Session, editor: str) -> Response:
        listing = pages.listing(self.project, request.arg("status"))
        return self.render(
            "list.html",
            session,
            editor,
            listing=listing,
            running={s for s in listing.slugs if self.jobs.running(s)},
        )

    def draft_page(
        self,
        request: Request,
        *,
        session: Session,
        editor: str,
        slug: str,
        error: str = "",
        status: int = 200,
    ) -> Response:
        try:
            view = pages.draft_view(self.project, slug, request.arg("a"), request.arg("b"))
        except SatireError as exc:
            title = (
                "No such draft"
                if not DraftStore(self.project).exists(slug)
                else "This draft cannot be shown"
            )
            return self.render(
                "error.html", session, editor, status=404, title=title, message=exc.format_message()
            )
        done = request.arg("done")
        return self.render(
            "draft.html",
            session,
            editor,
            status=status,
            view=view,
            error=error,
            done=done if done in ACTIONS else "",
            job=self.jobs.running(slug),
        )

    def preview(self, request: Request, *, session: Session, editor: str, slug: str) -> Response:
        try:
            html = pages.preview_html(self.project, slug, PREFIX + "assets/preview.css")
        except SatireError as exc:
            return Response.text(exc.format_message(), 404)
        except Exception as exc:  # a broken theme override: say so in the frame, keep the desk up
            return Response.text(
                f"the site cannot render this post: {type(exc).__name__}: {exc}", 500
            )
        response = Response.html(html)
        response.headers["Content-Security-Policy"] = PREVIEW_CSP
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def log_page(self, request: Request, *, session: Session, editor: str) -> Response:
        return self.render(
            "log.html",
            session,
            editor,
            entries=pages.audit(self.project, request.arg("slug") or None),
            slug=request.arg("slug"),
        )

    def stats_page(self, request: Request, *, session: Session, editor: str) -> Response:
        from generator.desk.stats_page import context

        return self.render(
            "stats.html", session, editor, **context(self.project, request.arg("since"))
        )

    def asset(self, request: Request, *, session: Session, editor: str, name: str) -> Response:
        kind = ASSETS.get(name)
        path = self.assets / name
        if kind is None or not path.is_file():
            return Response.text("not found\n", 404)
        response = Response(200, path.read_bytes(), kind)
        response.headers["Cache-Control"] = "no-cache"
        return response

    # -- actions -----------------------------------------------------------------------

    def act(
        self, request: Request, *, session: Session, editor: str, slug: str, action: str
    ) -> Response:
        form = request.form
        note = form.get("note", "").strip()

        def refuse(message: str, status: int) -> Response:
            return self.draft_page(
                request, session=session, editor=editor, slug=slug, error=message, status=status
            )

        if len(note) > MAX_NOTE:
            return refuse(
                f"The note is too long ({len(note)} characters, at most {MAX_NOTE}).", 400
            )
        if action in NEEDS_NOTE and not note:
            return refuse(
                f"To {action}, say why in the note: it goes to the audit log{' and to the writer' if action == 'revise' else ''}.",
                400,
            )
        busy = "A revision of this draft is being written; wait for it to finish."
        if self.jobs.running(slug):
            return refuse(busy, 409)
        if action == "revise":
            writer = (
                "The offline writer"
                if self.project.backend_name() == "offline"
                else self.project.model
            )
            job = self.jobs.start(
                slug,
                "revise",
                editor,
                note,
                self._revise,
                phase=f"{writer} is revising the draft following your note",
            )
            return refuse(busy, 409) if job is None else Response.redirect(f"{PREFIX}jobs/{job.id}")
        try:
            pages.act(
                self.project,
                slug,
                action,
                by=editor,
                note=note or None,
                ack=form.get("ack") == "yes",
            )
        except SatireError as exc:
            return refuse(exc.format_message(), 409)
        if action in ("publish", "unpublish") and self.on_change is not None:
            self.on_change()
        return Response.redirect(f"{PREFIX}drafts/{slug}?done={action}")

    def _revise(self, job: Job) -> int:
        return pages.revise(self.project, job.slug, by=job.by, note=job.note)

    def job_page(self, request: Request, *, session: Session, editor: str, job: str) -> Response:
        found = self.jobs.get(job)
        if found is None:
            return self.render(
                "error.html",
                session,
                editor,
                status=404,
                title="No such job",
                message="This job is not known (the desk may have restarted). The draft page shows its latest revision.",
            )
        return self.render("job.html", session, editor, job=found, done_url=self._done_url(found))

    def job_state(self, request: Request, *, session: Session, editor: str, job: str) -> Response:
        found = self.jobs.get(job)
        if found is None:
            return Response.json({"state": "unknown"}, 404)
        return Response.json({**found.as_json(), "done_url": self._done_url(found)})

    @staticmethod
    def _done_url(job: Job) -> str:
        if job.state == "done" and isinstance(job.result, int) and job.result > 1:
            return (
                f"{PREFIX}drafts/{job.slug}?"
                + urlencode({"a": job.result - 1, "b": job.result, "done": "revise"})
                + "#history"
            )
        return f"{PREFIX}drafts/{job.slug}"


def _query(request: Request) -> str:
    pairs = [(k, v) for k, values in request.query.items() for v in values]
    return "?" + urlencode(pairs) if pairs else ""


def _safe_next(target: str) -> str:
    """Only a desk path may follow the name form (no open redirect)."""
    if (
        target.startswith(PREFIX)
        and not target.startswith("//")
        and "\\" not in target
        and "\n" not in target
    ):
        return target
    return PREFIX


def _secured(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", DESK_CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response
