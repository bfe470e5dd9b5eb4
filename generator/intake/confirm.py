"""Confirming intake briefs: the editor's gate between `satire intake` and the writer.

An intake brief arrives with `confirmed: false`; nothing writes a draft from
it until an editor confirms it (`satire generate --unconfirmed` aside). Here:

- `listing(project)`: every brief, whether it is confirmed, and its draft;
  `items(brief)`: its facts and quotes beside their evidence sentences;
- `confirm`, `drop`: edit a brief in place, confirming it and/or dropping
  facts and quotes, their evidence (`intake.evidence`) dropped with them;
- `discard`: remove a brief from briefs/, keeping a copy under
  `.satire/discarded/` (intake's seen-store still remembers the story);

Edits keep the file as the editor wrote it (`yamledit`: comments, order,
quoting), are checked against the brief schema before anything is written,
are written atomically, and are logged with who made them in the review
audit log, once they have taken effect.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Required, TypedDict, Unpack

from generator.brief import Brief, brief_paths, load_brief, load_briefs, resolve_brief
from generator.config import Project
from generator.drafts import DraftStore
from generator.errors import InputError, InputErrors, SatireError, shown
from generator.infra import clock, yamledit, yamlfile
from generator.infra.fsutil import project_lock, write_atomic
from generator.infra.validation import validate
from generator.review import audit

LOCK = "brief"
DISCARDED = "discarded"  # under .satire/


# -- listing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefRow:
    """One line of `satire brief list`."""

    slug: str
    title: str
    path: str  # relative to the project
    confirmed: bool
    intake: bool  # came from `satire intake`
    feed: str | None
    facts: int
    quotes: int
    draft: str | None  # the draft's status, or None without a draft

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def load_all(project: Project) -> tuple[list[Brief], list[InputError]]:
    """Every brief of briefs/, and the problems of those that do not read."""
    from generator.styles import style_files

    return load_briefs(brief_paths(project.briefs_dir), set(style_files(project)), shown)


def draft_status(project: Project, slug: str) -> str | None:
    """The status of the brief's draft, 'unreadable', or None when it has none."""
    store = DraftStore(project)
    if not store.exists(slug):
        return None
    try:
        return store.load(slug).status
    except SatireError:
        return "unreadable"


def row(project: Project, brief: Brief) -> BriefRow:
    assert brief.path is not None
    slug = brief.effective_slug
    return BriefRow(
        slug,
        brief.title,
        project.rel(brief.path),
        brief.confirmed,
        brief.intake is not None,
        brief.intake.feed if brief.intake else None,
        len(brief.facts),
        len(brief.quotes),
        draft_status(project, slug),
    )


def listing(
    project: Project, *, unconfirmed: bool = False
) -> tuple[list[BriefRow], list[InputError]]:
    """Every brief (only those waiting when `unconfirmed`), and unreadable ones."""
    briefs, errors = load_all(project)
    return [row(project, b) for b in briefs if not (unconfirmed and b.confirmed)], errors


def find(project: Project, name: str) -> Brief:
    """The brief named by its slug, its file name, or its path."""
    briefs, _ = load_all(project)
    for brief in briefs:
        assert brief.path is not None
        if name in (brief.effective_slug, brief.path.stem, brief.path.name):
            return brief
    path = resolve_brief(project.briefs_dir, name)
    if path.is_file():
        return load_brief(path, shown(path))  # reports why it does not read
    known = ", ".join(sorted(b.effective_slug for b in briefs)) or "none"
    raise SatireError(f"no brief {name!r} in {project.rel(project.briefs_dir)}/ (briefs: {known})")


@dataclass(frozen=True)
class BriefItem:
    """A fact or a quote, numbered from 0, with the article sentence that backs it
    (split around a quote's words, so that they can be marked)."""

    index: int
    text: str
    by: str | None
    sentence: str | None
    before: str = ""
    match: str = ""
    after: str = ""


def items(brief: Brief) -> tuple[list[BriefItem], list[BriefItem]]:
    """The brief's facts and quotes, each beside its evidence sentence (None: not from the article)."""
    evidence = brief.intake.evidence if brief.intake else None
    fact_sentences: list[tuple[object, str]] = (
        [(e.fact, e.sentence) for e in evidence.facts] if evidence else []
    )
    quote_sentences: list[tuple[object, str]] = (
        [((e.by, e.text), e.sentence) for e in evidence.quotes] if evidence else []
    )
    facts = [
        BriefItem(i, fact, None, _take(fact_sentences, fact)) for i, fact in enumerate(brief.facts)
    ]
    quotes = [
        _quote(i, q.by, q.text, _take(quote_sentences, (q.by, q.text)))
        for i, q in enumerate(brief.quotes)
    ]
    return facts, quotes


def _take(pairs: list[tuple[object, str]], key: object) -> str | None:
    """The sentence of the first evidence entry for `key`, used up (twins get one each)."""
    for n, (item, sentence) in enumerate(pairs):
        if item == key:
            del pairs[n]
            return sentence
    return None


def _quote(index: int, by: str, text: str, sentence: str | None) -> BriefItem:
    """The quote, its sentence split around it (its closing stop may be a comma there)."""
    for words in (text, text.rstrip(".,;:!?… ")):
        at = sentence.find(words) if sentence and words else -1
        if sentence is not None and at >= 0:
            return BriefItem(
                index, text, by, sentence, sentence[:at], words, sentence[at + len(words) :]
            )
    return BriefItem(index, text, by, sentence)


# -- edits: confirm, drop -------------------------------------------------------------------


@dataclass
class Edit:
    """What one edit of a brief did."""

    slug: str
    path: str
    confirmed: bool  # this edit confirmed it
    dropped_facts: list[str] = field(default_factory=list)
    dropped_quotes: list[dict[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.confirmed or bool(self.dropped_facts or self.dropped_quotes)


class Decision(TypedDict, total=False):
    """What an editor decided about a brief, as `confirm` and `drop` take it."""

    by: Required[str | None]  # who decided (None: git user.name, else the OS user)
    drop_facts: Sequence[int]  # 0-based
    drop_quotes: Sequence[int]  # 0-based
    expect_sha256: str | None  # the brief as the editor saw it; refused if it changed since


def confirm(project: Project, name: str, **decision: Unpack[Decision]) -> Edit:
    """Confirm a brief for writing, first dropping the facts and quotes given."""
    return _edit(project, name, "confirm", **decision)


def drop(project: Project, name: str, **decision: Unpack[Decision]) -> Edit:
    """Drop facts and quotes from a brief, leaving it as confirmed as it was."""
    return _edit(project, name, "drop", **decision)


def _edit(
    project: Project,
    name: str,
    action: str,
    *,
    by: str | None,
    drop_facts: Sequence[int] = (),
    drop_quotes: Sequence[int] = (),
    expect_sha256: str | None = None,
) -> Edit:
    with project_lock(project.state_dir, LOCK):
        brief = find(project, name)  # read again under the lock
        assert brief.path is not None
        path, file = brief.path, project.rel(brief.path)
        slug = brief.effective_slug
        if expect_sha256 is not None and expect_sha256 != brief.sha256:
            raise SatireError(
                f"{file} changed since it was shown (edited by hand or by another editor): reload it and decide again"
            )
        facts = _indices(sorted(set(drop_facts)), len(brief.facts), "fact", file)
        quotes = _indices(sorted(set(drop_quotes)), len(brief.quotes), "quote", file)
        result = Edit(slug, file, action == "confirm" and not brief.confirmed)
        result.dropped_facts = [brief.facts[i] for i in facts]
        result.dropped_quotes = [
            {"by": brief.quotes[i].by, "text": brief.quotes[i].text} for i in quotes
        ]
        if not result.changed:
            return result
        text = path.read_bytes().decode("utf-8-sig")
        edited = yamledit.edit(text, _change(brief, facts, quotes, result.confirmed), file)
        _check(brief, edited, file, facts, quotes)
        details: dict[str, Any] = {"confirmed": result.confirmed}
        if result.dropped_facts or result.dropped_quotes:
            details["dropped"] = {"facts": result.dropped_facts, "quotes": result.dropped_quotes}
        if brief.intake is not None:
            details["url"] = brief.intake.url
        audit.logged_write(
            project,
            action,
            slug,
            path,
            edited,
            lambda: write_atomic(path, edited),
            by=by,
            details=details,
        )
        return result


def _indices(wanted: list[int], count: int, what: str, file: str) -> list[int]:
    bad = [i for i in wanted if not 0 <= i < count]
    if bad:
        raise SatireError(
            f"{file}: no {what} number {bad[0] + 1}: the brief has {count} {what}{'s' if count != 1 else ''}"
        )
    return wanted


def _change(
    brief: Brief, facts: list[int], quotes: list[int], confirm_it: bool
) -> Callable[[Any], None]:
    """The edit of the round-trip document: drop items (and their evidence), confirm."""

    def change(doc: Any) -> None:
        evidence = (doc.get("intake") or {}).get("evidence") or {}
        for i in reversed(facts):
            yamledit.drop_item(doc["facts"], i)
        for i in reversed(quotes):
            yamledit.drop_item(doc["quotes"], i)
        _drop_evidence(
            evidence.get("facts"),
            [brief.facts[i] for i in facts],
            brief.facts,
            lambda e: _text(e.get("fact")),
        )
        dropped_quotes = [(brief.quotes[i].by, brief.quotes[i].text) for i in quotes]
        all_quotes = [(q.by, q.text) for q in brief.quotes]
        _drop_evidence(
            evidence.get("quotes"),
            dropped_quotes,
            all_quotes,
            lambda e: (_text(e.get("by")), _text(e.get("text"))),
        )
        if confirm_it:
            doc["confirmed"] = True

    return change


def _drop_evidence(
    entries: Any, dropped: Sequence[Any], before: Sequence[Any], key: Callable[[Any], Any]
) -> None:
    """Remove one evidence entry per dropped item, unless a kept twin of the item still needs it."""
    if not entries:
        return
    for item in dropped:
        twins_left = sum(1 for x in before if x == item) - sum(1 for x in dropped if x == item)
        holding = [i for i, entry in enumerate(entries) if key(entry) == item]
        if len(holding) > twins_left:
            yamledit.drop_item(entries, holding[-1])


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _check(before: Brief, text: str, file: str, facts: list[int], quotes: list[int]) -> None:
    """The edited text must still be a valid brief holding exactly what was meant."""
    data, marks = yamlfile.loads(text, file)
    try:
        after = validate(Brief, data, marks)
    except InputErrors as exc:
        raise SatireError(
            f"{file}: the edit would make the brief invalid, so it was not written: {exc.errors[0].message}"
        ) from None
    expected_facts = [f for i, f in enumerate(before.facts) if i not in facts]
    expected_quotes = [q for i, q in enumerate(before.quotes) if i not in quotes]
    if after.facts != expected_facts or after.quotes != expected_quotes:
        raise SatireError(
            f"{file}: the edit did not come out as meant, so it was not written; edit the file by hand"
        )


# -- discard ------------------------------------------------------------------------------------


def discard(project: Project, name: str, *, by: str | None, note: str | None = None) -> Path:
    """Remove a brief from briefs/, a copy kept under .satire/discarded/; the copy's path."""
    with project_lock(project.state_dir, LOCK):
        brief = find(project, name)
        assert brief.path is not None
        file, slug = project.rel(brief.path), brief.effective_slug
        if DraftStore(project).exists(slug):
            raise SatireError(
                f"cannot discard {file}: drafts/{slug}.md was written from it; reject the draft instead ('satire review reject {slug} --note TEXT')"
            )
        raw = brief.path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != brief.sha256:
            raise SatireError(f"{file} changed while being discarded: run again")
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        copy = project.state_dir / DISCARDED / f"{brief.path.stem}.{stamp}{brief.path.suffix}"
        write_atomic(copy, raw)  # the copy first: a crash leaves two copies, never none
        details: dict[str, Any] = {"kept_at": project.rel(copy), "confirmed": brief.confirmed}
        if brief.intake is not None:
            details["url"] = brief.intake.url
        audit.logged_write(
            project,
            "discard",
            slug,
            brief.path,
            None,
            brief.path.unlink,
            by=by,
            note=note,
            details=details,
        )
        return copy
