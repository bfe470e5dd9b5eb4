"""What the CLI and the desk ask of a draft: its brief, its fact check, and the
diff between two of its revisions."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from generator.drafts import Draft, DraftStore
from generator.errors import SatireError

if TYPE_CHECKING:
    from generator.brief import Brief
    from generator.check.factcheck import Examination, Finding
    from generator.config import Project


def load_brief_of(project: Project, draft: Draft) -> Brief:
    """The brief a draft was written from (its `brief` path, relative to the project)."""
    from generator.brief import load_brief

    path = project.root / draft.brief
    if not path.is_file():
        raise SatireError(
            f"drafts/{draft.slug}.md: brief: {draft.brief} not found; restore it or fix the draft's 'brief' field"
        )
    return load_brief(path, draft.brief)


def factcheck(project: Project, draft: Draft) -> list[Finding]:
    """The draft's findings: claims its brief does not back, then translation and style notes."""
    return examine(project, draft).findings


def examine(project: Project, draft: Draft) -> Examination:
    """The whole fact check of a draft: claims (translated quotes judged by the LLM
    when `factcheck.verify_translations` is on), then the style's own rules."""
    from generator.check import factcheck as fc
    from generator.check import stylecheck
    from generator.styles import load_style
    from generator.write import translations

    brief = load_brief_of(project, draft)
    try:
        style = load_style(project, draft.style)
    except SatireError:
        style = None  # an unknown or broken style: no style checks, the claims still are
    verifier = (
        translations.verifier_for(project, brief, style, item=draft.slug)
        if style is not None
        else None
    )
    try:
        result = fc.examine(brief, draft, verifier=verifier)
    finally:
        if verifier is not None:
            verifier.close()
    if style is not None:
        result.findings.extend(stylecheck.check(style, draft))
    return result


def diff(
    project: Project, slug: str, rev_a: int | None = None, rev_b: int | None = None
) -> tuple[int, int, list[str]]:
    """(a, b, unified diff lines) between two revisions (default: the last two)."""
    store = DraftStore(project)
    store.load(slug)  # a clear error for an unknown slug
    known = store.revisions(slug)
    if rev_a is None:
        if len(known) < 2:
            raise SatireError(
                f"{slug!r} has {len(known)} revision(s) ({', '.join(map(str, known)) or 'none'}): nothing to compare yet; 'satire review revise {slug} --note TEXT' makes another"
            )
        rev_a, rev_b = known[-2], known[-1]
    elif rev_b is None:
        rev_b = known[-1] if known else rev_a
    a_text, b_text = store.revision_text(slug, rev_a), store.revision_text(slug, rev_b)
    return (
        rev_a,
        rev_b,
        text_diff(a_text, b_text, f"{slug} revision {rev_a}", f"{slug} revision {rev_b}"),
    )


def text_diff(a: str, b: str, a_name: str, b_name: str) -> list[str]:
    """Unified diff lines from `a` to `b`."""
    return list(
        difflib.unified_diff(
            a.splitlines(keepends=True), b.splitlines(keepends=True), fromfile=a_name, tofile=b_name
        )
    )
