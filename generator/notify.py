"""Notifications: editors told, once per run, that new drafts wait for review
or that a `satire run` failed; by webhook (Slack, Mattermost, Discord) and/or
e-mail (SMTP), as `notify:` in satire.yaml says.

What each channel has announced is kept in SQLite (`notified_drafts`), one row
per channel, draft and revision, so no draft is announced twice on a channel;
a channel whose send failed announces its drafts at the next run. The rows are
written as `sending` before the send and marked `sent` after it: a run killed
in between leaves them `sending`, and they are not sent again (an editor may
miss one message; never gets the same one twice).

The webhook URL is a secret (it lets anyone post): it is read from the
environment variable `notify.webhook_url_env` names at the moment of sending,
and never written to a file, the state database, a message or an error, which
name the variable instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import re
import signal
import smtplib
import socket
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote, urlsplit

from generator import __version__, state
from generator.config import NotifyConfig, Project
from generator.errors import SatireError

CHANNELS = ("webhook", "email")
MAX_LISTED = 25  # drafts named in one message; the rest are counted
DISCORD_LIMIT = 2000  # characters Discord takes in "content"
CRASH_ENV = "SATIRE_TEST_CRASH_AT"  # test-only, as in review.py: "after-notify-send" SIGKILLs the run there


class NotifyError(SatireError):
    """A message could not be sent (the text never holds the webhook URL)."""


@dataclass(frozen=True)
class Waiting:
    """A draft waiting for review, as a notification names it."""

    slug: str
    revision: int
    title: str
    findings: int | None  # None: the fact check could not run


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


@dataclass
class Outcome:
    """What `announce` did, per channel."""

    sent: dict[str, list[str]] = field(default_factory=dict)  # channel -> slugs announced
    failed: dict[str, str] = field(default_factory=dict)  # channel -> why
    quiet: list[str] = field(default_factory=list)  # channels with nothing new to say

    @property
    def ok(self) -> bool:
        return not self.failed


def channels(config: NotifyConfig) -> list[str]:
    """The channels the config sets up."""
    found = []
    if config.webhook_url_env:
        found.append("webhook")
    if config.email.to:
        found.append("email")
    return found


def desk_link(desk_url: str | None, slug: str) -> str | None:
    """The desk's page of a draft (generator/desk/app.py: /_desk/drafts/SLUG)."""
    if not desk_url:
        return None
    return f"{desk_url.rstrip('/')}/_desk/drafts/{quote(slug)}"


# -- composing -------------------------------------------------------------------


def compose(project: Project, waiting: Sequence[Waiting], failures: Sequence[str]) -> Message:
    """One message naming every draft in `waiting` and every failed step."""
    blog = _clean(project.config.title, 80)
    heads = []
    if waiting:
        heads.append(f"{len(waiting)} new draft{'s' if len(waiting) != 1 else ''} wait{'s' if len(waiting) == 1 else ''} for review")
    if failures:
        heads.append("satire run failed")
    subject = f"[{blog}] " + "; ".join(heads)
    lines = [f"{blog}: " + "; ".join(heads)]
    for item in waiting[:MAX_LISTED]:
        found = "fact check could not run" if item.findings is None else f"{item.findings} fact-check finding{'s' if item.findings != 1 else ''}"
        link = desk_link(project.config.notify.desk_url, item.slug) or f"satire review show {item.slug}"
        lines.append(f"- “{_clean(item.title, 160)}” ({item.slug}, revision {item.revision}): {found}: {link}")
    if len(waiting) > MAX_LISTED:
        lines.append(f"- and {len(waiting) - MAX_LISTED} more: satire review list --status draft")
    if failures:
        lines.append("Failed steps:")
        lines += [f"- {_clean(line, 300)}" for line in failures]
    return Message(subject=subject, text="\n".join(lines))


def _clean(text: str, limit: int) -> str:
    """Untrusted text (LLM titles, error lines) as one inert line: no markup or
    mentions that Slack, Mattermost or Discord would act on."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # Slack's own escaping: no <!channel>, no <url|label>
    text = text.replace("@", "@\u200b")  # @channel, @here, @everyone no longer mention anyone
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- announcing --------------------------------------------------------------------


def announce(
    project: Project,
    waiting: Sequence[Waiting],
    failures: Sequence[str],
    *,
    run_id: str,
    dry_run: bool = False,
    echo: Callable[[str], None],
) -> Outcome:
    """Tell every configured channel, in one message each, about the drafts it
    has not announced yet and about `failures`."""
    config = project.config.notify
    outcome = Outcome()
    with _db(project) as conn:
        _settle_interrupted(conn, run_id, echo)
        for channel in channels(config):
            known = {(r["slug"], r["revision"]) for r in conn.execute("SELECT slug, revision FROM notified_drafts WHERE channel = ?", (channel,))}
            fresh = [w for w in waiting if (w.slug, w.revision) not in known]
            if not fresh and not failures:
                outcome.quiet.append(channel)
                continue
            message = compose(project, fresh, failures)
            if dry_run:
                echo(f"notify: dry run: would send by {channel}:\n{message.text}")
                outcome.sent[channel] = [w.slug for w in fresh]
                continue
            _record(conn, channel, fresh, run_id)
            try:
                send(config, channel, message)
            except NotifyError as exc:
                conn.execute("DELETE FROM notified_drafts WHERE channel = ? AND run_id = ? AND state = 'sending'", (channel, run_id))
                outcome.failed[channel] = exc.format_message()
                continue
            crash_point("after-notify-send")
            conn.execute("UPDATE notified_drafts SET state = 'sent' WHERE channel = ? AND run_id = ?", (channel, run_id))
            outcome.sent[channel] = [w.slug for w in fresh]
    return outcome


def send(config: NotifyConfig, channel: str, message: Message) -> None:
    """Send `message` by `channel`, or raise NotifyError."""
    if channel == "webhook":
        name = config.webhook_url_env or ""
        url = os.environ.get(name, "").strip()
        if not url:
            raise NotifyError(f"webhook: the environment variable {name} is not set (it should hold the webhook URL)")
        post_webhook(url, {"text": message.text, "content": message.text[:DISCORD_LIMIT]}, timeout=config.timeout, where=f"webhook (${name})")
    else:
        send_email(config, message)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook answers, it does not send us elsewhere (a redirected POST would be replayed as GET)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def post_webhook(url: str, payload: dict[str, str], *, timeout: float, where: str) -> None:
    """POST `payload` as JSON to `url`; errors name `where`, never the URL.

    The one way notifications reach the network; small on purpose, so that it
    can be routed through the project's HTTP client (generator/intake/fetch.py).
    """
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise NotifyError(f"{where}: not an http(s) URL")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": f"satire/{__version__}"},
        method="POST",
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        raise NotifyError(f"{where}: the server answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else type(exc.reason).__name__
        raise NotifyError(f"{where}: could not connect: {reason}") from None
    except TimeoutError:
        raise NotifyError(f"{where}: no answer within {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # a malformed URL, a broken answer: their text may quote the URL
        raise NotifyError(f"{where}: failed: {type(exc).__name__}") from None


def send_email(config: NotifyConfig, message: Message) -> None:
    """One plain-text mail to every `notify.email.to`, through `smtp_host:smtp_port`."""
    email = config.email
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = email.from_ or f"satire@{socket.getfqdn()}"
    mail["To"] = ", ".join(email.to)
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail["Message-ID"] = make_msgid(domain="satire.local")
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    mail.set_content(message.text)
    where = f"email ({email.smtp_host}:{email.smtp_port})"
    try:
        with smtplib.SMTP(email.smtp_host, email.smtp_port, timeout=config.timeout) as smtp:
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        raise NotifyError(f"{where}: recipients refused: {', '.join(exc.recipients)}") from None
    except smtplib.SMTPResponseException as exc:
        raise NotifyError(f"{where}: the server answered {exc.smtp_code}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise NotifyError(f"{where}: {getattr(exc, 'strerror', None) or type(exc).__name__}") from None


# -- the record ----------------------------------------------------------------------


def _record(conn: sqlite3.Connection, channel: str, fresh: Sequence[Waiting], run_id: str) -> None:
    """Written before the send: a run killed after sending never sends them again."""
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT OR REPLACE INTO notified_drafts (channel, slug, revision, run_id, at, state) VALUES (?, ?, ?, ?, ?, 'sending')",
        [(channel, w.slug, w.revision, run_id, at) for w in fresh],
    )
    conn.execute("COMMIT")


def _settle_interrupted(conn: sqlite3.Connection, run_id: str, echo: Callable[[str], None]) -> None:
    """Rows a killed run left `sending`: perhaps sent, perhaps not; never sent twice."""
    rows = conn.execute("SELECT channel, slug FROM notified_drafts WHERE state = 'sending' AND run_id != ?", (run_id,)).fetchall()
    if not rows:
        return
    by_channel: dict[str, list[str]] = {}
    for row in rows:
        by_channel.setdefault(row["channel"], []).append(row["slug"])
    for channel, slugs in by_channel.items():
        echo(f"notify: a run was killed while sending by {channel}: {', '.join(sorted(slugs))} may not have been announced (not sent again; see 'satire review list')")
    conn.execute("UPDATE notified_drafts SET state = 'unknown' WHERE state = 'sending' AND run_id != ?", (run_id,))


def crash_point(name: str) -> None:
    """Test-only: die here, as a power cut would, when SATIRE_TEST_CRASH_AT names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _db(project: Project) -> contextlib.closing[sqlite3.Connection]:
    """The state database, closed on exit."""
    return contextlib.closing(state.connect(project.state_dir))
