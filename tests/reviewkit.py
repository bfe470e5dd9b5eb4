"""Drafts for the review tests: one written as generate would, faithful to the
demo's amazon-desantis brief or straying from it (a claim the brief does not back)."""

from __future__ import annotations

import datetime as dt

from generator.config import Project
from generator.drafts import Draft, DraftStore, Provenance, SourceRef
from generator.review import approval

FAITHFUL = (
    "Peter DeSantis n'est pas un stagiaire : 27 ans chez Amazon, dont huit années à la tête du calcul d'AWS. "
    "Il prend les commandes des modèles Nova, des puces maison et du quantique."
)
STRAYING = (
    FAITHFUL
    + " Selon Sarah Chen, « Amazon a toujours eu un coup d'avance », et 300 ingénieurs applaudissent."
)


def make_draft(
    project: Project, slug: str = "amazon-desantis", body: str = FAITHFUL, **fields: object
) -> Draft:
    """A draft written as generate would: a new revision through the store."""
    draft = Draft.model_validate(
        {
            "title": "Amazon met Peter DeSantis aux commandes de l'IA",
            "slug": slug,
            "brief": "briefs/amazon-desantis.yaml",
            "style": "geek-puns",
            "language": "fr",
            "source": SourceRef(publisher="TechCrunch", url="https://techcrunch.com/x", title="t"),
            "provenance": Provenance(
                backend="offline",
                model="offline",
                prompt_sha256="0",
                brief_sha256="0",
                generated_at=dt.datetime(2026, 1, 1),
            ),
            **fields,
        }
    )
    draft.body = body
    if draft.status in approval.LIVE:  # set up as approved by an editor
        draft = approval.seal(draft, "ed")
    return DraftStore(project).save_revision(draft)
