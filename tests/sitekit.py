"""Helpers for the site tests: drafts written through the real DraftStore."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from generator.config import load_project
from generator.drafts import Draft, DraftStore
from generator.review import approval

BODY_FR = """Le géant du nuage annonce une réorganisation : une équipe neuve, des puces maison et un budget à la hauteur !

Pourquoi ? Parce que « l'innovation » se mesure désormais en milliards ; et que le reste suit.

> Quand le cloud investit, c'est la pluie de dollars qui tombe.

Un dernier paragraphe, avec du `code ? : ;` et un [lien](https://example.com/a?b=1&c=2 "titre : ici").
"""

BODY_EN = """The cloud giant announced a reorganization: a new team, custom chips and a budget to match!

Why ? Because "innovation" is now measured in billions; the rest follows.

> When the cloud invests, it rains dollars.

A last paragraph with `code` and a [link](https://example.com/story).
"""


def make_draft(
    slug: str,
    *,
    language: str = "fr",
    status: str = "published",
    date: dt.date | None = dt.date(2025, 12, 4),
    **changes: Any,
) -> Draft:
    data: dict[str, Any] = {
        "title": f"Titre de {slug}" if language == "fr" else f"Title of {slug}",
        "slug": slug,
        "date": date,
        "status": status,
        "brief": f"briefs/{slug}.yaml",
        "style": "geek-puns",
        "language": language,
        "dek": "Un chapeau qui résume : tout va bien !"
        if language == "fr"
        else "A dek that sums it up: all is fine!",
        "pull_quote": "Quand le cloud investit, c'est la pluie de dollars qui tombe.",
        "categories": ["Intelligence Artificielle", "Hardware"],
        "tags": ["amazon", "aws"],
        "source": {
            "publisher": "TechCrunch",
            "url": f"https://techcrunch.com/2025/12/03/{slug}/",
            "title": f"Original story {slug}",
        },
        "image": {
            "src": "images/stage.svg",
            "alt": "Speaker on a stage",
            "credit": "Carlos Gil / Unsplash",
            "credit_url": "https://unsplash.com/",
        },
        "translations": {},
        "provenance": {
            "backend": "offline",
            "model": "offline",
            "prompt_sha256": "0" * 64,
            "brief_sha256": "1" * 64,
            "generated_at": dt.datetime(2025, 12, 3, 12, 0, tzinfo=dt.UTC),
        },
    }
    body = changes.pop("body", BODY_FR if language == "fr" else BODY_EN)
    data.update(changes)
    draft = Draft.model_validate(data)
    draft.body = body
    return draft


def save(project_dir: Path, *drafts: Draft) -> None:
    """Write drafts; an approved or published one as an editor approved it (the
    build shows only approved text)."""
    store = DraftStore(load_project(project_dir))
    for draft in drafts:
        if draft.status in approval.LIVE and draft.approved is None:
            draft = approval.seal(draft, "editor", dt.datetime(2025, 12, 3, 13, 0, tzinfo=dt.UTC))
        store.save(draft)


PWN = "window.__pwned=1"
HOSTILE_BODY = f"""Un texte normal, puis des pièges.

<script>{PWN}</script>

<img src="x" onerror="{PWN}"> <svg onload="{PWN}"></svg>

[un lien piégé](javascript:{PWN}) et [un autre](data:text/html,<script>{PWN}</script>)

<a href="jav&#x09;ascript:{PWN}">encodé</a> <a href="https://example.com/" onmouseover="{PWN}" onclick="{PWN}">survol</a>

<iframe src="javascript:{PWN}"></iframe> <object data="javascript:{PWN}"></object>

<p style="background:url(javascript:{PWN})">stylé</p> <style>body {{ display: none }}</style>

{{{{ 7*7 }}}} {{% raw %}} {{{{ config }}}} {{# commentaire #}}

> Une citation « piégée » ? <script>{PWN}</script>
"""


def hostile_draft(slug: str = "piege", language: str = "fr") -> Draft:
    """A published draft with script, event-handler, javascript:/data: and Jinja payloads in every field."""
    return make_draft(
        slug,
        language=language,
        title=f"<script>{PWN}</script> Titre {{{{ 7*7 }}}} <img src=x onerror={PWN}>",
        dek=f'"><svg onload={PWN}> {{% if true %}}chapeau{{% endif %}}',
        pull_quote=f"<script>{PWN}</script>",
        categories=[f'"><script>{PWN}</script>', "{{ config }}"],
        tags=[f"<img src=x onerror={PWN}>", "{% raw %}"],
        image={
            "src": "images/chip.svg",
            "alt": f'" onerror="{PWN}" x="',
            "credit": f"<script>{PWN}</script> Photographe {{{{ 7*7 }}}}",
            "credit_url": f'https://example.com/"onmouseover="{PWN}',
        },
        source={
            "publisher": f"<b onmouseover={PWN}>Pub</b>",
            "url": f'https://example.com/story?a="><script>{PWN}</script>',
            "title": "{{ 7*7 }}",
        },
        body=HOSTILE_BODY,
    )
