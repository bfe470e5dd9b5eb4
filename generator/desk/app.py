"""The review desk: a Flask application, its guard, who is signed in, and the
actions editors take.

Every request goes through `Desk.before` first: the guard (Host, Origin,
Sec-Fetch-Site; `security.py`), then who is asking (`identify`: a single
sign-on header from a trusted proxy, or a server-side session, or, on a
loopback desk with no account at all, the local user), then the CSRF token of
a POST, then the role the route's action needs (`accounts.NEEDS`). Actions call
the review workflow (`generator.review.workflow`) with the signed-in account's
name and the revision the page showed; the desk keeps no state of its own
beyond running jobs.

    GET  /_desk/                         drafts, filterable by ?status=
    GET  /_desk/login, POST              sign in (name and password)
    POST /_desk/logout                   sign out
    GET  /_desk/drafts/SLUG              the draft: preview, findings, brief, history, diff
    GET  /_desk/drafts/SLUG/preview      the post as the site shows it, findings marked
    GET  /_desk/drafts/SLUG/edit, POST   the Markdown by hand (desk/edit.py)
    POST /_desk/drafts/SLUG/edit/preview the typed text as the site would show it
    POST /_desk/drafts/SLUG/ACTION       approve, reject, revise, publish, unpublish
    GET  /_desk/jobs/ID[.json]           a revision being written
    GET  /_desk/log                      the audit log
    GET  /_desk/stats                    what editors kept, per style, model, language
    GET  /_desk/accounts                 the accounts (admins)
    GET  /_desk/briefs[/SLUG]            intake briefs to confirm (desk/briefs.py)
    GET  /_desk/assets/NAME              the desk's CSS and JavaScript
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from flask import Flask, Response, g, request

from generator.config import Project, check_http_url
from generator.desk import accounts as acc
from generator.desk import briefs, edit, pages, security
from generator.desk.jobs import Job, Jobs
from generator.desk.responses import preview_response, secured, see, text
from generator.drafts import DraftStore
from generator.errors import SatireError
from generator.infra.resources import builtin_dir, builtin_templates

PREFIX = "/_desk/"
ACTIONS = ("approve", "reject", "revise", "publish", "unpublish")
NEEDS_NOTE = frozenset({"reject", "revise"})
# moves that take a hand edit of the file (the one the page showed) as a revision
# first; publishing refuses such an edit instead (review.workflow.publish)
RECORDS_FIRST = frozenset({"approve", "reject", "revise"})
MAX_NOTE = 4000
MAX_BODY = 512 * 1024  # a note, a name, or a draft's Markdown: never a file upload
SLUG = "<regex('[a-z0-9]+(?:-[a-z0-9]+)*'):slug>"
ASSETS = {
    "desk.css": "text/css; charset=utf-8",
    "desk.js": "text/javascript; charset=utf-8",
    "preview.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
    "briefs.css": "text/css; charset=utf-8",  # the confirmation pages (desk/briefs.py)
}
OPEN_ENDPOINTS = frozenset({"login_page", "login", "asset"})  # answered to anyone


@dataclass(frozen=True)
class Who:
    """Who is asking: an account (signed in, or by single sign-on) or, on a
    loopback desk with no account, the local user."""

    name: str
    role: str
    how: str  # "session", "sso" or "local"

    def can(self, action: str) -> bool:
        return acc.allowed(self.role, action)


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


class Desk(briefs.BriefPages, edit.EditPages):
    """The desk of one project, as a Flask application (`self.app`)."""

    def __init__(self, project: Project, *, on_change: Callable[[], object] | None = None) -> None:
        self.project = project
        self.settings = project.config.desk
        self.accounts = acc.Accounts(project)
        self.secret = self.accounts.secret()
        self._guards: dict[tuple[str, int], security.Guard] = {}
        self._lock = threading.Lock()
        self.jobs = Jobs()
        self.env = template_env()
        self.assets = builtin_dir("templates") / "desk" / "assets"
        self.on_change = on_change  # e.g. the preview server's rebuild, after a publish
        self.local_user = _local_user(project)
        self.app = self._flask()
        self.wsgi = security.TrustedProxies(
            self.app.wsgi_app,
            security.networks(self.settings.trusted_proxies),
        )

    def _flask(self) -> Flask:
        app = Flask("generator.desk", static_folder=None, template_folder=None)
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
        from werkzeug.routing import BaseConverter

        class Regex(BaseConverter):
            def __init__(self, url_map: Any, pattern: str) -> None:
                super().__init__(url_map)
                self.regex = pattern

        app.url_map.converters["regex"] = Regex
        app.url_map.strict_slashes = False
        rules: list[tuple[str, str, list[str]]] = [
            ("/", "list_page", ["GET"]),
            ("/login", "login_page", ["GET"]),
            ("/login", "login", ["POST"]),
            ("/logout", "logout", ["POST"]),
            (f"/drafts/{SLUG}", "draft_page", ["GET"]),
            (f"/drafts/{SLUG}/preview", "preview", ["GET"]),
            (f"/drafts/{SLUG}/edit", "edit_page", ["GET"]),
            (f"/drafts/{SLUG}/edit", "edit_save", ["POST"]),
            (f"/drafts/{SLUG}/edit/preview", "edit_preview", ["POST"]),
            (f"/drafts/{SLUG}/<any({', '.join(ACTIONS)}):action>", "act", ["POST"]),
            ("/jobs/<regex('[A-Za-z0-9_-]{8,40}'):job>", "job_page", ["GET"]),
            ("/jobs/<regex('[A-Za-z0-9_-]{8,40}'):job>.json", "job_state", ["GET"]),
            ("/log", "log_page", ["GET"]),
            ("/stats", "stats_page", ["GET"]),
            ("/accounts", "accounts_page", ["GET"]),
            ("/assets/<regex('[a-z]+\\.(?:css|js|svg)'):name>", "asset", ["GET"]),
            *briefs.RULES,
        ]
        for rule, endpoint, methods in rules:
            app.add_url_rule(rule, endpoint, getattr(self, endpoint), methods=methods)
        app.before_request(self.before)
        app.after_request(self.after)
        app.register_error_handler(404, self.not_found)
        app.register_error_handler(405, lambda _: text("method not allowed\n", 405))
        app.register_error_handler(413, lambda _: text("request body too large\n", 413))
        return app

    # -- the pipeline every request goes through -----------------------------------

    def guard(self) -> security.Guard:
        """The guard for the address served (known from the first request: the
        server may be bound after the app is made, e.g. to port 0)."""
        server = request.environ.get("satire.listen") or (
            str(request.environ.get("SERVER_NAME", "127.0.0.1")),
            int(request.environ.get("SERVER_PORT") or 80),
        )
        with self._lock:
            if server not in self._guards:
                self._guards[server] = security.Guard(
                    *server, public=_host_of(self.project.config.notify.desk_url)
                )
            return self._guards[server]

    def before(self) -> Response | None:
        guard = self.guard()
        g.cookie = f"satire_desk_{guard.port}"  # cookies ignore ports: two desks must not share one
        refusal = guard.refusal(request, proxied=bool(request.environ.get("satire.proxied")))
        if refusal is not None:
            return text(f"refused: {refusal}\n", 403)
        g.browser = security.browser_id(request.cookies.get(g.cookie))
        g.set_browser = None
        if g.browser is None:
            g.browser = g.set_browser = security.new_browser_id()
            g.fresh = True
        else:
            g.fresh = False
        g.csrf = security.csrf_token(self.secret, g.browser)
        g.who = None
        who = self.identify()
        if isinstance(who, Response):
            return who
        g.who = who
        if request.method not in security.SAFE_METHODS and not security.csrf_ok(
            self.secret,
            None if g.fresh else g.browser,
            request.form.get("csrf") or request.headers.get("X-CSRF-Token") or "",
        ):
            return text(
                "refused: this form's security token is missing or out of date; reload the page and try again\n",
                403,
            )
        if request.endpoint in OPEN_ENDPOINTS or request.endpoint is None:
            return None
        if who is None:
            if request.method in security.SAFE_METHODS:
                return see(f"{PREFIX}login?" + urlencode({"next": _here()}))
            return see(f"{PREFIX}login")
        action = self.action_of(request.endpoint, request.view_args or {})
        if action is not None and not who.can(action):
            return self.forbidden(who, action)
        return None

    def identify(self) -> Who | Response | None:
        """Who is asking (None: nobody signed in yet), or the response refusing them."""
        header = self.settings.trusted_header
        if header and request.environ.get("satire.proxied"):
            user = (request.headers.get(header) or "").strip()
            if user:
                account = self.accounts.get(user)
                if account is None:
                    return text(
                        f"refused: {user!r} has no desk account; an admin adds one with 'satire editors add'\n",
                        403,
                    )
                return Who(account.name, account.role, "sso")
        account = self.accounts.session_account(g.browser) if not g.fresh else None
        if account is not None:
            return Who(account.name, account.role, "session")
        if self.accounts.any():
            return None
        # no account at all: the desk of one person on their own machine
        if not security.is_loopback(request.remote_addr or ""):
            return text(
                "refused: this desk has no accounts yet, so it answers only on this machine; add one with 'satire editors add NAME --role admin'\n",
                403,
            )
        return Who(self.local_user, "admin", "local")

    @staticmethod
    def action_of(endpoint: str, args: dict[str, Any]) -> str | None:
        """The action a route takes, for the role check (None: reading only)."""
        if endpoint in ("act", "brief_act"):
            return str(args.get("action"))
        if endpoint in ("edit_page", "edit_save", "edit_preview"):
            return "edit"
        if endpoint == "accounts_page":
            return "accounts"
        return None

    def forbidden(self, who: Who, action: str) -> Response:
        need = acc.NEEDS[action]
        return self.render(
            "error.html",
            status=403,
            title="Not allowed",
            message=f"refused: {who.name} is a {who.role}; to {action} takes a role of {need} or above.",
        )

    def after(self, response: Response) -> Response:
        if g.get("set_browser"):
            self.set_cookie(response, g.set_browser, signed_in=False)
        return secured(response)

    def set_cookie(self, response: Response, value: str, *, signed_in: bool) -> None:
        response.set_cookie(
            g.cookie,
            value,
            max_age=int(self.settings.session_hours * 3600) if signed_in else None,
            path=PREFIX,
            httponly=True,
            samesite="Lax",
            secure=request.scheme == "https",
        )

    def render(self, template: str, *, status: int = 200, **context: Any) -> Response:
        who: Who | None = g.get("who")
        html = self.env.get_template(template).render(
            csrf=g.get("csrf", ""),
            who=who,
            editor=who.name if who else "",
            can=who.can if who else (lambda action: False),
            project_title=self.project.config.title,
            **context,
        )
        return Response(html, status, content_type="text/html; charset=utf-8")

    def not_found(self, _: Exception) -> Response:
        return self.render(
            "error.html",
            status=404,
            title="Not found",
            message=f"The desk has no page at {request.script_root}{request.path}.",
        )

    # -- signing in and out -------------------------------------------------------------

    def login_page(self, *, error: str = "", status: int = 200, name: str = "") -> Response:
        return self.render(
            "login.html",
            status=status,
            next=_safe_next(request.values.get("next", "")),
            error=error,
            name=name,
        )

    def login(self) -> Response:
        name = request.form.get("name", "").strip()[: acc.MAX_NAME]
        password = request.form.get("password", "")
        address = request.remote_addr or "?"
        wait = self.accounts.throttled(name, address)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            return self.login_page(
                error=f"Too many failed sign-ins: try again in {minutes} minute{'s' if minutes > 1 else ''}.",
                status=429,
                name=name,
            )
        account = self.accounts.authenticate(name, password) if name and password else None
        if account is None:
            self.accounts.failed(name, address)
            return self.login_page(error="Wrong name or password.", status=401, name=name)
        self.accounts.succeeded(account.name)
        if not g.fresh:
            self.accounts.close_session(g.browser)  # whatever this browser held before
        session = security.new_browser_id()  # a new id at every sign-in: no session fixation
        self.accounts.open_session(session, account.name, self.settings.session_hours)
        response = see(_safe_next(request.form.get("next", "")))
        g.set_browser = None
        self.set_cookie(response, session, signed_in=True)
        return response

    def logout(self) -> Response:
        self.accounts.close_session(g.browser)
        response = see(f"{PREFIX}login")
        g.set_browser = security.new_browser_id()
        return response

    # -- pages -----------------------------------------------------------------------

    def list_page(self) -> Response:
        listing = pages.listing(self.project, request.args.get("status", ""))
        return self.render(
            "list.html",
            listing=listing,
            running={s for s in listing.slugs if self.jobs.running(s)},
        )

    def draft_page(self, slug: str, *, error: str = "", status: int = 200) -> Response:
        try:
            view = pages.draft_view(
                self.project, slug, request.args.get("a", ""), request.args.get("b", "")
            )
        except SatireError as exc:
            title = (
                "No such draft"
                if not DraftStore(self.project).exists(slug)
                else "This draft cannot be shown"
            )
            return self.render("error.html", status=404, title=title, message=exc.format_message())
        done = request.args.get("done", "")
        return self.render(
            "draft.html",
            status=status,
            view=view,
            error=error,
            done=done if done in (*ACTIONS, "edit") else "",
            job=self.jobs.running(slug),
        )

    def preview(self, slug: str) -> Response:
        try:
            html = pages.preview_html(self.project, slug, PREFIX + "assets/preview.css")
        except SatireError as exc:
            return text(exc.format_message(), 404)
        except Exception as exc:  # a broken theme override: say so in the frame, keep the desk up
            return text(f"the site cannot render this post: {type(exc).__name__}: {exc}", 500)
        return preview_response(html)

    def log_page(self) -> Response:
        slug = request.args.get("slug", "")
        return self.render("log.html", entries=pages.audit(self.project, slug or None), slug=slug)

    def stats_page(self) -> Response:
        from generator.desk.stats_page import context

        return self.render("stats.html", **context(self.project, request.args.get("since", "")))

    def accounts_page(self) -> Response:
        return self.render("accounts.html", accounts=self.accounts.list(), roles=acc.ROLES)

    def asset(self, name: str) -> Response:
        kind = ASSETS.get(name)
        path = self.assets / name
        if kind is None or not path.is_file():
            return text("not found\n", 404)
        response = Response(path.read_bytes(), 200, content_type=kind)
        response.headers["Cache-Control"] = "no-cache"
        return response

    # -- actions -----------------------------------------------------------------------

    def act(self, slug: str, action: str) -> Response:
        form = request.form
        note = form.get("note", "").strip()
        who: Who = g.who

        def refuse(message: str, status: int) -> Response:
            return self.draft_page(slug, error=message, status=status)

        revision = form.get("revision", "")
        if not revision.isdigit():
            return refuse(
                "This form does not say which revision it was made on; here is the draft as it stands: decide again.",
                400,
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
        try:
            shown = int(revision)
            if action in RECORDS_FIRST:
                shown = pages.record_seen(
                    self.project, slug, shown, form.get("seen", ""), by=who.name
                )
            if action == "revise":
                current = DraftStore(self.project).load(slug)
                from generator.review.workflow import check_move, check_revision

                check_revision("revise", current, shown)  # before spending a call
                check_move("revise", slug, current.status)
                writer = (
                    "The offline writer"
                    if self.project.backend_name() == "offline"
                    else self.project.model
                )
                job = self.jobs.start(
                    slug,
                    "revise",
                    who.name,
                    note,
                    self._revise,
                    phase=f"{writer} is revising the draft following your note",
                    revision=shown,
                )
                return refuse(busy, 409) if job is None else see(f"{PREFIX}jobs/{job.id}")
            pages.act(
                self.project,
                slug,
                action,
                by=who.name,
                note=note or None,
                ack=form.get("ack") == "yes",
                revision=shown,
            )
        except SatireError as exc:
            status = 404 if not DraftStore(self.project).exists(slug) else 409
            return refuse(exc.format_message(), status)
        if action in ("publish", "unpublish") and self.on_change is not None:
            self.on_change()
        return see(f"{PREFIX}drafts/{slug}?done={action}")

    def _revise(self, job: Job) -> int:
        return pages.revise(self.project, job.slug, by=job.by, note=job.note, revision=job.revision)

    def job_page(self, job: str) -> Response:
        found = self.jobs.get(job)
        if found is None:
            return self.render(
                "error.html",
                status=404,
                title="No such job",
                message="This job is not known (the desk may have restarted). The draft page shows its latest revision.",
            )
        return self.render("job.html", job=found, done_url=self._done_url(found))

    def job_state(self, job: str) -> Response:
        found = self.jobs.get(job)
        if found is None:
            return Response('{"state": "unknown"}', 404, content_type="application/json")
        import json

        return Response(
            json.dumps({**found.as_json(), "done_url": self._done_url(found)}),
            200,
            content_type="application/json",
        )

    @staticmethod
    def _done_url(job: Job) -> str:
        if job.state == "done" and isinstance(job.result, int) and job.result > 1:
            return (
                f"{PREFIX}drafts/{job.slug}?"
                + urlencode({"a": job.result - 1, "b": job.result, "done": "revise"})
                + "#history"
            )
        return f"{PREFIX}drafts/{job.slug}"


def _local_user(project: Project) -> str:
    from generator.review.audit import editor_name

    return editor_name(None, project.root)


def _host_of(url: str | None) -> str | None:
    if not url:
        return None
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or None


def _here() -> str:
    path = request.script_root + request.path
    return path + ("?" + request.query_string.decode("latin-1") if request.query_string else "")


def _safe_next(target: str) -> str:
    """Only a desk path may follow the sign-in form (no open redirect)."""
    if (
        target.startswith(PREFIX)
        and not target.startswith("//")
        and "\\" not in target
        and "\n" not in target
        and "\r" not in target
    ):
        return target
    return PREFIX
