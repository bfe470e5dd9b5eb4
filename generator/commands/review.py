"""`satire review list|show|approve|reject|revise|edit|record|restore|diff|log`:
the editor's desk on the command line. Thin: parse, call one function of
`generator.review.workflow`, print."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from generator.commands import App, echo_err, pass_app
from generator.errors import shown
from generator.infra import clock

if TYPE_CHECKING:
    from pathlib import Path

    from generator.check.factcheck import Finding
    from generator.config import Project
    from generator.drafts import Draft

STATUS_CHOICE = click.Choice(["draft", "approved", "rejected", "published"])


@click.group()
def review() -> None:
    """Review drafts: list, read, approve, reject, revise, edit, restore, compare, audit."""


@review.command("list")
@click.option("--status", type=STATUS_CHOICE, help="Only drafts with this status.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_app
def review_list(app: App, status: str | None, fmt: str) -> int:
    """Drafts with status, style, language, revision and fact-check flags."""
    from generator.review import listing

    rows, errors = listing.listing(app.project(), status)
    for error in errors:
        echo_err(error.message)
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return 2 if errors else 0
    if not rows:
        click.echo(
            "no drafts"
            + (f" with status {status!r}" if status else "")
            + ("" if status else ": 'satire generate' writes them from briefs/")
        )
        return 2 if errors else 0
    table = [("SLUG", "STATUS", "REV", "LANG", "STYLE", "FLAGS", "EDITS", "TITLE")]
    for r in rows:
        flags = "?" if r.findings is None else str(r.findings)
        edits = "-" if r.edit_state == "clean" else r.edit_state
        table.append(
            (r.slug, r.status, str(r.revision), r.language, r.style, flags, edits, r.title)
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:
        click.echo(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        )
    for r in rows:
        if r.problem:
            echo_err(f"{r.slug}: fact check not run: {r.problem}")
    return 2 if errors else 0


@review.command("show")
@click.argument("slug")
@pass_app
def review_show(app: App, slug: str) -> int:
    """The draft and its fact-check report."""
    from generator.drafts import DraftStore
    from generator.errors import SatireError
    from generator.review import edits, queries

    project = app.project()
    draft = DraftStore(project).load(slug)
    state = edits.edit_state(project, draft)
    click.echo(click.style(draft.title, bold=True))
    for label, value in (
        ("status", draft.status),
        ("revision", str(draft.revision)),
        ("style", draft.style),
        ("language", draft.language),
        ("date", draft.date.isoformat() if draft.date else "-"),
        ("brief", draft.brief),
        ("source", f"{draft.source.publisher}: {draft.source.url}"),
        *(
            [("approved", f"revision {draft.approved.revision} by {draft.approved.by}")]
            if draft.approved
            else []
        ),
        *([("edits", state)] if state != "clean" else []),
    ):
        click.echo(f"{label + ':':10} {value}")
    problem: str | None = None
    try:
        findings = queries.factcheck(project, draft)
    except SatireError as exc:
        findings, problem = [], exc.format_message()
    if draft.dek:
        click.echo(f"\n{highlighted(draft.dek, [f for f in findings if f.field == 'dek'])}")
    click.echo(f"\n{highlighted(draft.body, [f for f in findings if f.field == 'body'])}\n")
    if problem:
        click.echo(click.style("Fact check: not run", bold=True))
        echo_err(problem)
        return 2
    for line in report_lines(project.rel(DraftStore(project).path(slug)), draft, findings):
        click.echo(line)
    return 0


@review.command("approve")
@click.argument("slug")
@click.option("--by", help="Who approves (default: git user.name, else the OS user).")
@click.option("--note", help="A note for the audit log.")
@click.option(
    "--ack", is_flag=True, help="Accept the fact check's findings (required when there are any)."
)
@pass_app
def review_approve(app: App, slug: str, by: str | None, note: str | None, ack: bool) -> int:
    """Approve a draft (draft -> approved); --ack accepts its fact-check findings."""
    from generator.review import workflow as rv

    project = app.project()
    say_recorded_first(project, slug)
    draft = rv.approve(project, slug, by=by, note=note, ack=ack)
    click.echo(f"{slug}: approved (revision {draft.revision})")
    return 0


@review.command("reject")
@click.argument("slug")
@click.option("--note", required=True, help="Why (kept in the audit log).")
@click.option("--by", help="Who rejects (default: git user.name, else the OS user).")
@pass_app
def review_reject(app: App, slug: str, note: str, by: str | None) -> int:
    """Reject a draft (draft or approved -> rejected), saying why."""
    from generator.review import workflow as rv

    project = app.project()
    say_recorded_first(project, slug)
    draft = rv.reject(project, slug, by=by, note=note)
    click.echo(f"{slug}: rejected (revision {draft.revision})")
    return 0


@review.command("revise")
@click.argument("slug")
@click.option(
    "--note",
    required=True,
    help="What to change: the LLM rewrites the draft following it and the brief.",
)
@click.option("--by", help="Who asks (default: git user.name, else the OS user).")
@click.option("--offline", is_flag=True, help="Use the deterministic offline writer.")
@click.option("--model", help="Model name (default: config or SATIRE_MODEL).")
@click.option(
    "--self-check-rounds",
    type=click.IntRange(0, 5),
    help="Ask the writer at most N times to fix the fact check's claim findings (default: llm.self_check_rounds; 0: off).",
)
@pass_app
def review_revise(
    app: App,
    slug: str,
    note: str,
    by: str | None,
    offline: bool,
    model: str | None,
    self_check_rounds: int | None,
) -> int:
    """Have the LLM rewrite a draft following --note: a new revision, back to draft."""
    from generator.review import workflow as rv

    project = app.project()
    say_recorded_first(project, slug)
    draft = rv.revise(
        project,
        slug,
        note=note,
        by=by,
        offline=offline,
        model=model,
        self_check_rounds=self_check_rounds,
    )
    click.echo(
        f"{slug}: revision {draft.revision} written, status draft ('satire review diff {slug}' shows the change)"
    )
    return 0


@review.command("edit")
@click.argument("slug")
@click.option("--by", help="Who edits (default: git user.name, else the OS user).")
@click.option("--note", help="A note for the audit log.")
@pass_app
def review_edit(app: App, slug: str, by: str | None, note: str | None) -> int:
    """Edit a draft in $VISUAL or $EDITOR: on save, a new revision, the fact check, back to review."""
    from generator.drafts import DraftStore
    from generator.errors import SatireError
    from generator.review import edits

    project = app.project()
    store = DraftStore(project)
    if say_recorded_first(project, slug):
        edits.record(project, slug, by=by)
    draft = store.load(slug)
    text = store.path(slug).read_text(encoding="utf-8")
    edited = click.edit(text, extension=".md", require_save=True)
    if edited is None or edited == text:
        click.echo(f"{slug}: no change, nothing recorded (revision {draft.revision})")
        return 0
    try:
        saved = edits.edit_text(
            project, slug, edited, by=by, base_revision=draft.revision, note=note
        )
    except SatireError as exc:
        kept = keep_text(project, slug, edited)
        echo_err(exc.format_message())
        for line in getattr(exc, "diff", []):
            echo_err(line.rstrip("\n"))
        echo_err(f"your text is kept in {shown(kept)}")
        return 2
    if saved.revision == draft.revision:
        click.echo(f"{slug}: no change, nothing recorded (revision {draft.revision})")
        return 0
    click.echo(f"{slug}: revision {saved.revision} recorded, status draft (back to review)")
    return print_factcheck(project, saved)


@review.command("record")
@click.argument("slug")
@click.option("--by", help="Who made the edit (default: git user.name, else the OS user).")
@click.option("--note", help="A note for the audit log.")
@pass_app
def review_record(app: App, slug: str, by: str | None, note: str | None) -> int:
    """Record an edit made directly in drafts/SLUG.md as a new revision, back to review."""
    from generator.review import edits

    project = app.project()
    saved = edits.record(project, slug, by=by, note=note)
    if saved is None:
        click.echo(f"{slug}: nothing to record (the file holds its revision as recorded)")
        return 0
    click.echo(
        f"{slug}: the edit in the file recorded as revision {saved.revision}, status draft (back to review)"
    )
    return print_factcheck(project, saved)


@review.command("restore")
@click.argument("slug")
@click.argument("rev", type=int, required=False)
@click.option("--by", help="Who restores (default: git user.name, else the OS user).")
@pass_app
def review_restore(app: App, slug: str, rev: int | None, by: str | None) -> int:
    """Bring back revision REV's text (default: the last approved) as a new revision."""
    from generator.drafts import DraftStore
    from generator.review import edits

    project = app.project()
    say_recorded_first(project, slug)
    before = DraftStore(project).load(slug).revision
    draft = edits.restore(project, slug, rev, by=by)
    which = f"revision {rev}" if rev is not None else "the approved text"
    if draft.revision == before:
        click.echo(f"{slug}: already holds {which}: nothing restored")
        return 0
    click.echo(f"{slug}: {which} restored as revision {draft.revision}, status {draft.status}")
    return 0


@review.command("diff")
@click.argument("slug")
@click.argument("rev_a", type=int, required=False)
@click.argument("rev_b", type=int, required=False)
@click.option("--color/--no-color", default=None, help="Color the diff (default: on a terminal).")
@pass_app
def review_diff(
    app: App, slug: str, rev_a: int | None, rev_b: int | None, color: bool | None
) -> int:
    """Unified diff between two revisions (default: the last two)."""
    from generator.review import queries

    a, b, lines = queries.diff(app.project(), slug, rev_a, rev_b)
    if not lines:
        click.echo(f"{slug}: revisions {a} and {b} are identical")
        return 0
    styles = {"+": "green", "-": "red", "@": "cyan"}
    for line in lines:
        text = line.rstrip("\n")
        if line.startswith(("+++", "---")):
            text = click.style(text, bold=True)
        elif line[:1] in styles:
            text = click.style(text, fg=styles[line[:1]])
        click.echo(text, color=color)
    return 0


@review.command("log")
@click.argument("slug", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_app
def review_log(app: App, slug: str | None, fmt: str) -> int:
    """The audit log: who did what, when (oldest first)."""
    from generator.review import audit

    entries = audit.log(app.project(), slug)
    if fmt == "json":
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return 0
    if not entries:
        click.echo("the audit log is empty" if slug is None else f"no audit entries for {slug!r}")
        return 0
    for e in entries:
        click.echo(log_line(e))
    return 0


def say_recorded_first(project: Project, slug: str) -> bool:
    """Tell that an edit made in the file becomes a revision before the action."""
    from generator.drafts import DraftStore
    from generator.review import edits

    draft = DraftStore(project).load(slug)
    if edits.edit_state(project, draft) != "edited, not yet recorded":
        return False
    click.echo(f"{slug}: the edit made in the file is recorded first, as a new revision")
    return True


def keep_text(project: Project, slug: str, text: str) -> Path:
    """Save an editor's text that could not be recorded, so that nothing typed is lost."""

    from generator.infra.fsutil import write_atomic

    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    path = project.state_dir / "edits" / f"{slug}.{stamp}.md"
    write_atomic(path, text)
    return path


def print_factcheck(project: Project, draft: Draft) -> int:
    """The fact check of a new revision, as `review show` prints it."""
    from generator.drafts import DraftStore
    from generator.errors import SatireError
    from generator.review import queries

    try:
        findings = queries.factcheck(project, draft)
    except SatireError as exc:
        echo_err(f"fact check not run: {exc.format_message().splitlines()[0]}")
        return 0
    for line in report_lines(project.rel(DraftStore(project).path(draft.slug)), draft, findings):
        click.echo(line)
    return 0


def log_line(entry: dict[str, Any]) -> str:
    """'2026-11-29T04:10:00+00:00  alice  approve  amazon-desantis r2  draft -> approved  "note"'."""
    details = entry.get("details") or {}
    revision = (
        "" if entry["revision"] is None else f" r{entry['revision']}"
    )  # None: a brief, not a draft
    parts = [entry["at"], entry["who"], entry["action"], entry["slug"] + revision]
    if details.get("dropped"):
        parts.append(
            f"dropped {len(details['dropped']['facts'])} fact(s), {len(details['dropped']['quotes'])} quote(s)"
        )
    if "from" in details:
        parts.append(f"{details['from']} -> {details['to']}")
    if details.get("restored_revision") is not None:
        parts.append(f"text of r{details['restored_revision']}")
    if "diff" in details:
        lines = details["diff"]
        added = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
        removed = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
        parts.append(f"+{added} -{removed} line(s)")
    if details.get("acknowledged"):
        parts.append(f"acknowledged {len(details.get('findings', []))} finding(s)")
    if details.get("date") and entry["action"] == "publish":
        parts.append(f"dated {details['date']}")
    if entry.get("note"):
        parts.append(json.dumps(entry["note"], ensure_ascii=False))
    if details.get("recovered"):
        parts.append(f"[{details['recovered']}]")
    return "  ".join(parts)


def highlighted(text: str, findings: list[Finding]) -> str:
    """`text` with each finding's span in reverse video (plain when not on a terminal)."""
    out, at = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < at:
            continue  # overlapping spans: the first one shows
        out += [text[at : f.start], click.style(text[f.start : f.end], reverse=True, fg="yellow")]
        at = f.end
    return "".join([*out, text[at:]])


def finding_lines(file: str, draft: Draft, findings: list[Finding]) -> list[str]:
    """One line per finding: 'drafts/x.md:LINE:COL: kind: «text»: message', placed in the file."""
    text = draft.to_text()
    body = draft.body.strip()
    body_at = text.rfind(body) - (len(draft.body) - len(draft.body.lstrip())) if body else len(text)
    out = []
    for f in findings:
        if f.field == "body":
            offset = body_at + f.start
        else:
            key = text.find(f"\n{f.field}:")
            offset = key + 1 if key >= 0 else 0
        line = text.count("\n", 0, offset) + 1
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        where = f"{file}:{line}:{col}" + ("" if f.field == "body" else f": {f.field}")
        out.append(
            f"{where}: {f.kind}: {f.text}: {f.message}"
            if f.text
            else f"{where}: {f.kind}: {f.message}"
        )
    return out


def report_lines(file: str, draft: Draft, findings: list[Finding]) -> list[str]:
    """The fact-check report: the claims (approving takes --ack), then, apart, the
    translation and style notes (shown and logged, never blocking)."""
    claims = [f for f in findings if f.blocking]
    advisory = [f for f in findings if not f.blocking]
    out = [click.style(f"Fact check: {len(claims)} finding(s)", bold=True)]
    out += [f"  {line}" for line in finding_lines(file, draft, claims)]
    if advisory:
        out.append(
            click.style(
                f"Translation and style: {len(advisory)} note(s), advisory (approving needs no --ack for these)",
                bold=True,
            )
        )
        out += [f"  {line}" for line in finding_lines(file, draft, advisory)]
    return out
