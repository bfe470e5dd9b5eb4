"""Notifications: editors told, once per run, that new drafts wait for review,
that new intake briefs wait for their confirmation, or that a `satire run`
failed; by webhook (Slack, Mattermost, Discord) and/or e-mail (SMTP), as
`notify:` in satire.yaml says.

What each channel has announced is kept in SQLite (`notified_drafts`), one row
per channel, draft and revision, so no draft is announced twice on a channel;
a brief waiting for confirmation has the row of revision 0 of its slug (drafts
start at 1), so it too is announced once, and its draft later on its own. A
channel whose send failed announces its drafts and briefs at the next run. The rows are
written as `sending` before the send and marked `sent` after it: a run killed
in between leaves them `sending`, and they are not sent again (an editor may
miss one message; never gets the same one twice).

The webhook URL is a secret (it lets anyone post): it is read from the
environment variable `notify.webhook_url_env` names at the moment of sending,
and never written to a file, the state database, a message or an error, which
name the variable instead. The POST goes through the project's one HTTP client
(`generator.intake.fetch`): its timeout, size cap, User-Agent and private-address
guard (an intranet webhook needs its host in `intake.allow_private`), and no
redirect followed.
"""

from __future__ import annotations

import contextlib
import os
import re
import smtplib
import socket
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import quote, urlsplit

from generator.brief import Brief
from generator.config import NotifyConfig, Project
from generator.errors import SatireError
from generator.infra import clock, state
from generator.infra.fsutil import (
    crash_point,
)  # test-only: "after-notify-send" SIGKILLs the run there
from generator.intake.fetch import Blocked, Fetcher, FetchError

MAX_LISTED = 25  # drafts named in one message; the rest are counted
DISCORD_LIMIT = 2000  # characters Discord takes in "content"


class NotifyError(SatireError):
    """A message could not be sent (the text never holds the webhook URL)."""


@dataclass(frozen=True)
class Waiting:
    """A draft waiting for review, as a notification names it."""

    slug: str
    revision: int
    title: str
    findings: int | None  # None: the fact check could not run


BRIEF_REVISION = 0  # a brief's row in notified_drafts: drafts start at revision 1


@dataclass(frozen=True)
class Unconfirmed:
    """An intake brief waiting for an editor's confirmation, as a notification names it."""

    slug: str
    title: str
    publisher: str
    facts: int
    quotes: int

    @property
    def revision(self) -> int:
        return BRIEF_REVISION

    @classmethod
    def of(cls, brief: Brief) -> Unconfirmed:
        return cls(
            brief.effective_slug,
            brief.title,
            brief.source.publisher,
            len(brief.facts),
            len(brief.quotes),
        )


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


@dataclass
class Outcome:
    """What `announce` did, per channel."""

    sent: dict[str, list[str]] = field(
        default_factory=dict
    )  # channel -> slugs of the drafts announced
    briefs: dict[str, list[str]] = field(
        default_factory=dict
    )  # channel -> slugs of the briefs announced
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


def desk_link(desk_url: str | None, slug: str, page: str = "drafts") -> str | None:
    """The desk's page of a draft (generator/desk/app.py: /_desk/drafts/SLUG) or of a brief (/_desk/briefs/SLUG)."""
    if not desk_url:
        return None
    return f"{desk_url.rstrip('/')}/_desk/{page}/{quote(slug)}"


# -- composing -------------------------------------------------------------------


def compose(
    project: Project,
    waiting: Sequence[Waiting],
    failures: Sequence[str],
    briefs: Sequence[Unconfirmed] = (),
) -> Message:
    """One message naming every draft in `waiting`, every brief in `briefs` and every failed step."""
    blog = _clean(project.config.title, 80)
    heads = []
    if waiting:
        heads.append(
            f"{len(waiting)} new draft{'s' if len(waiting) != 1 else ''} wait{'s' if len(waiting) == 1 else ''} for review"
        )
    if briefs:
        heads.append(
            f"{len(briefs)} new brief{'s' if len(briefs) != 1 else ''} wait{'s' if len(briefs) == 1 else ''} for confirmation"
        )
    if failures:
        heads.append("satire run failed")
    subject = f"[{blog}] " + "; ".join(heads)
    lines = [f"{blog}: " + "; ".join(heads)]
    for item in waiting[:MAX_LISTED]:
        found = (
            "fact check could not run"
            if item.findings is None
            else f"{item.findings} fact-check finding{'s' if item.findings != 1 else ''}"
        )
        link = (
            desk_link(project.config.notify.desk_url, item.slug)
            or f"satire review show {item.slug}"
        )
        lines.append(
            f"- “{_clean(item.title, 160)}” ({item.slug}, revision {item.revision}): {found}: {link}"
        )
    if len(waiting) > MAX_LISTED:
        lines.append(f"- and {len(waiting) - MAX_LISTED} more: satire review list --status draft")
    for brief in briefs[:MAX_LISTED]:
        counts = f"{brief.facts} fact{'s' if brief.facts != 1 else ''}, {brief.quotes} quote{'s' if brief.quotes != 1 else ''}"
        link = (
            desk_link(project.config.notify.desk_url, brief.slug, "briefs")
            or f"satire brief show {brief.slug}"
        )
        lines.append(
            f"- to confirm: “{_clean(brief.title, 160)}” from {_clean(brief.publisher, 80)} ({brief.slug}, {counts}): {link}"
        )
    if len(briefs) > MAX_LISTED:
        lines.append(
            f"- and {len(briefs) - MAX_LISTED} more briefs: satire brief list --unconfirmed"
        )
    if failures:
        lines.append("Failed steps:")
        lines += [f"- {_clean(line, 300)}" for line in failures]
    return Message(subject=subject, text="\n".join(lines))


def _clean(text: str, limit: int) -> str:
    """Untrusted text (LLM titles, error lines) as one inert line: no markup or
    mentions that Slack, Mattermost or Discord would act on."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    text = (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )  # Slack's own escaping: no <!channel>, no <url|label>
    text = text.replace("@", "@\u200b")  # @channel, @here, @everyone no longer mention anyone
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- announcing --------------------------------------------------------------------


def announce(
    project: Project,
    waiting: Sequence[Waiting],
    failures: Sequence[str],
    *,
    briefs: Sequence[Unconfirmed] = (),
    run_id: str,
    dry_run: bool = False,
    echo: Callable[[str], None],
) -> Outcome:
    """Tell every configured channel, in one message each, about the drafts and
    the briefs waiting for confirmation it has not announced yet, and about `failures`."""
    config = project.config.notify
    outcome = Outcome()
    with _db(project) as conn:
        _settle_interrupted(conn, run_id, echo)
        for channel in channels(config):
            known = {
                (r["slug"], r["revision"])
                for r in conn.execute(
                    "SELECT slug, revision FROM notified_drafts WHERE channel = ?", (channel,)
                )
            }
            fresh = [w for w in waiting if (w.slug, w.revision) not in known]
            new_briefs = [b for b in briefs if (b.slug, b.revision) not in known]
            if not fresh and not new_briefs and not failures:
                outcome.quiet.append(channel)
                continue
            message = compose(project, fresh, failures, new_briefs)
            if dry_run:
                echo(f"notify: dry run: would send by {channel}:\n{message.text}")
                outcome.sent[channel] = [w.slug for w in fresh]
                outcome.briefs[channel] = [b.slug for b in new_briefs]
                continue
            _record(conn, channel, [*fresh, *new_briefs], run_id)
            try:
                send(project, channel, message)
            except NotifyError as exc:
                conn.execute(
                    "DELETE FROM notified_drafts WHERE channel = ? AND run_id = ? AND state = 'sending'",
                    (channel, run_id),
                )
                outcome.failed[channel] = exc.format_message()
                continue
            crash_point("after-notify-send")
            conn.execute(
                "UPDATE notified_drafts SET state = 'sent' WHERE channel = ? AND run_id = ?",
                (channel, run_id),
            )
            outcome.sent[channel] = [w.slug for w in fresh]
            outcome.briefs[channel] = [b.slug for b in new_briefs]
    return outcome


def send(project: Project, channel: str, message: Message) -> None:
    """Send `message` by `channel`, or raise NotifyError."""
    config = project.config.notify
    if channel == "webhook":
        name = config.webhook_url_env or ""
        url = os.environ.get(name, "").strip()
        if not url:
            raise NotifyError(
                f"webhook: the environment variable {name} is not set (it should hold the webhook URL)"
            )
        client = Fetcher.for_project(project, timeout=config.timeout)
        post_webhook(
            client,
            url,
            {"text": message.text, "content": message.text[:DISCORD_LIMIT]},
            where=f"webhook (${name})",
        )
    else:
        send_email(config, message)


def post_webhook(client: Fetcher, url: str, payload: dict[str, str], *, where: str) -> None:
    """POST `payload` as JSON to `url` through the project's HTTP client; errors
    name `where`, never the URL (a FetchError's text starts with it)."""
    try:
        client.post(url, payload)
    except Blocked as exc:
        raise NotifyError(
            f"{where}: refused: its host resolves to a {exc.kind} address (a webhook on an intranet host needs that host in intake.allow_private)"
        ) from None
    except FetchError as exc:
        if exc.status is not None:
            raise NotifyError(
                f"{where}: the server answered HTTP {exc.status}"
                + (" (a redirect: not followed for a POST)" if 300 <= exc.status < 400 else "")
            ) from None
        raise NotifyError(f"{where}: {_without(exc.reason, url)}") from None
    except ValueError:  # a URL too malformed to split (e.g. "http://[::1"): its text would quote it
        raise NotifyError(f"{where}: not a valid http(s) URL") from None


def _without(text: str, url: str) -> str:
    """`text` with the secret URL, and the parts of it a message may quote, taken out."""
    parts = urlsplit(url)
    pieces = [
        url,
        parts.netloc,
        parts.path + (f"?{parts.query}" if parts.query else ""),
        parts.hostname or "",
    ]
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) > 3:
            text = text.replace(piece, "…")
    return text


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
        raise NotifyError(
            f"{where}: {getattr(exc, 'strerror', None) or type(exc).__name__}"
        ) from None


# -- the record ----------------------------------------------------------------------


def _record(
    conn: sqlite3.Connection, channel: str, fresh: Sequence[Waiting | Unconfirmed], run_id: str
) -> None:
    """Written before the send: a run killed after sending never sends them again."""
    at = clock.stamp()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT OR REPLACE INTO notified_drafts (channel, slug, revision, run_id, at, state) VALUES (?, ?, ?, ?, ?, 'sending')",
        [(channel, w.slug, w.revision, run_id, at) for w in fresh],
    )
    conn.execute("COMMIT")


def _settle_interrupted(conn: sqlite3.Connection, run_id: str, echo: Callable[[str], None]) -> None:
    """Rows a killed run left `sending`: perhaps sent, perhaps not; never sent twice."""
    rows = conn.execute(
        "SELECT channel, slug FROM notified_drafts WHERE state = 'sending' AND run_id != ?",
        (run_id,),
    ).fetchall()
    if not rows:
        return
    by_channel: dict[str, list[str]] = {}
    for row in rows:
        by_channel.setdefault(row["channel"], []).append(row["slug"])
    for channel, slugs in by_channel.items():
        see = "see 'satire review list' and 'satire brief list --unconfirmed'"
        echo(
            f"notify: a run was killed while sending by {channel}: {', '.join(sorted(slugs))} may not have been announced (not sent again; {see})"
        )
    conn.execute(
        "UPDATE notified_drafts SET state = 'unknown' WHERE state = 'sending' AND run_id != ?",
        (run_id,),
    )


def _db(project: Project) -> contextlib.closing[sqlite3.Connection]:
    """The state database, closed on exit."""
    return contextlib.closing(state.connect(project.state_dir))
