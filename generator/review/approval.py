"""Approvals bound to the text: what an editor approved is what readers see.

`digest(draft)` is the sha256 of everything a post's page shows (title, dek,
pull quote, body, image with its alt text and credit, source, categories, tags,
language, slug). Approving writes it into the draft's front matter as `approved`
{revision, digest, by, at} (`seal`). A draft *stands* when it is approved or
published and its text still has that digest; the build renders only posts that
stand, and `publish` refuses the others.

Publishing also keeps a copy of the post as published in
`drafts/.published/SLUG.md`, committed with the drafts: when the draft is edited
afterwards (by hand, or as a new revision under review), the site keeps showing
that copy, on any machine that builds from the repository, until the edit is
approved and published or the post is unpublished. `site_view` is that decision,
with the one line the build prints about it.

The digest guards against text that no editor approved reaching readers by
mistake or by a shortcut; it is not a signature: anyone who can write the
repository can write a matching digest, and git's history says who did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING

from generator.drafts import Approval, Draft, DraftStore
from generator.errors import InputError, InputErrors

if TYPE_CHECKING:
    from generator.config import Project

# the front-matter fields a post's page shows (with the body); date and status are
# set by the status moves, translations by the posts that exist
SHOWN = ("slug", "title", "dek", "pull_quote", "language", "source", "image", "categories", "tags")
LIVE = ("approved", "published")  # statuses that claim an editor's yes


def digest(draft: Draft) -> str:
    """sha256 of everything the post's page shows."""
    data = draft.model_dump(mode="json", include=set(SHOWN))
    data["body"] = draft.body.strip()
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seal(draft: Draft, by: str, at: dt.datetime | None = None) -> Draft:
    """`draft` with an approval of its current text by `by`."""
    approval = Approval(
        revision=draft.revision,
        digest=digest(draft),
        by=by,
        at=at or dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
    return draft.model_copy(update={"approved": approval})


def matches(draft: Draft, content: str | None = None) -> bool:
    """Whether the draft's text is the text its approval was given to
    (`content`: its digest, when already known)."""
    return draft.approved is not None and draft.approved.digest == (content or digest(draft))


def stands(draft: Draft, content: str | None = None) -> bool:
    """Approved or published, with the text that was approved."""
    return draft.status in LIVE and matches(draft, content)


def online_copy(store: DraftStore, slug: str) -> tuple[Draft | None, str | None]:
    """The published copy readers see, and a line when there is one that cannot
    be shown (unreadable, or changed since it was published)."""
    try:
        copy = store.load_published(slug)
    except (InputError, InputErrors) as exc:
        return None, f"{exc.format_message().splitlines()[0]} (the published copy: left out)"
    if copy is None:
        return None, None
    if copy.status != "published" or not matches(copy):
        file = store.project.rel(store.published_path(slug))
        return None, (
            f"{file}: edited by hand: it no longer matches its approval; left out of the site "
            f"(publish the post again: 'satire publish {slug}', or take it down: 'satire unpublish {slug}')"
        )
    return copy, None


def site_view(
    project: Project, draft: Draft, file: str, content: str
) -> tuple[Draft | None, str | None]:
    """For a draft that does not stand as published (`content`: its digest): the
    copy the site shows instead (None: nothing), and the one line the build
    prints about it (None: nothing to say, e.g. an ordinary draft in review)."""
    copy, problem = online_copy(DraftStore(project), draft.slug)
    if problem is not None:
        return None, problem
    if copy is not None and copy.approved is not None and copy.approved.digest == content:
        return copy, None  # the draft is in review with the very text online: nothing to say
    if copy is None and draft.status not in LIVE:
        return None, None
    return copy, notice(file, draft, copy)


def notice(file: str, draft: Draft, copy: Draft | None) -> str:
    """The build's line about a post whose draft changed after its approval."""
    slug = draft.slug
    where = "the site keeps the approved text" if copy is not None else "left out of the site"
    approval = draft.approved or (copy.approved if copy is not None else None)
    if approval is None:
        return (
            f"{file}: status {draft.status}, but no editor's approval is recorded for this text: "
            f"{where} (have it reviewed: 'satire review record {slug}', then approve and publish it)"
        )
    return (
        f"{file}: edited since revision {approval.revision} was approved by {approval.by}: {where} "
        f"(to put the edit online: 'satire review approve {slug}' (or 'satire review edit {slug}'), "
        f"then 'satire publish {slug}'; to bring the approved text back: 'satire review restore {slug}')"
    )
