"""The desk's moves over real HTTP, beyond the browser walk-through: publish
and unpublish reach the served site at once, the list filters and counts by
status, and a broken draft is reported without taking the desk down."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from generator.config import load_project
from generator.review import audit
from tests.conftest import run_satire
from tests.deskkit import Client, add_account, serving
from tests.fake_openai import FakeOpenAI, Reply, article
from tests.generation_support import only_brief, point_at

pytestmark = pytest.mark.slow

SLUG = "iphone-air"
EDITOR = "Lee Editor"
REVISED = (
    "The iPhone Air is 5.6 mm thin and starts at 999 dollars.\n\nApple says thin is the new feature; the camera count agrees, at one.\n\n"
    "The rest of the phone is, by all accounts, a rumour that the marketing team will deny with a very thin smile."
)


@pytest.fixture
def blog(demo_project: Path) -> Path:
    only_brief(demo_project, SLUG)
    assert run_satire("generate", "--offline", SLUG, cwd=demo_project).code == 0
    add_account(demo_project, EDITOR, "publisher")
    return demo_project


def test_publish_and_unpublish_reach_the_site_at_once(blog: Path) -> None:
    with serving(blog) as served:
        client = Client(served.port)
        client.sign_in(EDITOR)
        origin = f"http://{client.host}"
        assert client.get(f"/posts/{SLUG}/").status == 404
        token = client.get(f"/_desk/drafts/{SLUG}").csrf
        for action in ("approve", "publish"):
            reply = client.act(SLUG, action, {"ack": "yes"})
            assert reply.status == 303, reply.text
        post = client.get(f"/posts/{SLUG}/")
        assert post.status == 200 and 'data-satire="disclaimer"' in post.text
        page = client.get(f"/_desk/drafts/{SLUG}?done=publish")
        assert 'data-action="unpublish"' in page.text and 'data-action="approve"' not in page.text
        assert (
            client.post(
                f"/_desk/drafts/{SLUG}/unpublish",
                {"csrf": token, "note": "Trop tôt", "revision": "1"},
                origin=origin,
            ).status
            == 303
        )
        assert client.get(f"/posts/{SLUG}/").status == 404
        listing = client.get("/_desk/?status=approved").text
        assert f'data-slug="{SLUG}"' in listing
        assert f'data-slug="{SLUG}"' not in client.get("/_desk/?status=published").text
    steps = [(e["action"], e["who"], e["note"]) for e in audit.log(load_project(blog), SLUG)]
    assert steps == [
        ("approve", EDITOR, None),
        ("publish", EDITOR, None),
        ("unpublish", EDITOR, "Trop tôt"),
    ]


def test_a_broken_draft_is_reported_and_the_rest_listed(blog: Path) -> None:
    (blog / "drafts" / "broken.md").write_text(
        "---\ntitle: [unclosed\n---\n\nbody\n", encoding="utf-8"
    )
    with serving(blog) as served:
        client = Client(served.port)
        client.sign_in(EDITOR)
        listing = client.get("/_desk/")
        assert listing.status == 200
        assert "drafts/broken.md" in listing.text and f'data-slug="{SLUG}"' in listing.text
        broken = client.get("/_desk/drafts/broken")
        assert (
            broken.status == 404
            and "This draft cannot be shown" in broken.text
            and "drafts/broken.md" in broken.text
        )
        assert client.get("/_desk/drafts/broken/preview").status == 404
        assert client.get(f"/_desk/drafts/{SLUG}").status == 200


def test_one_revision_at_a_time_per_draft(blog: Path, fake_openai: FakeOpenAI) -> None:
    env = point_at(blog, fake_openai)
    fake_openai.enqueue(
        Reply(
            content=json.dumps(article("iPhone Air : la finesse a un prix", body=REVISED)),
            delay=1.5,
        )
    )
    with serving(blog, env=env) as served:
        client = Client(served.port)
        client.sign_in(EDITOR)
        origin = f"http://{client.host}"
        token = client.get(f"/_desk/drafts/{SLUG}").csrf
        first = client.post(
            f"/_desk/drafts/{SLUG}/revise",
            {"csrf": token, "note": "Plus court", "revision": "1"},
            origin=origin,
        )
        assert first.status == 303
        second = client.post(
            f"/_desk/drafts/{SLUG}/revise",
            {"csrf": token, "note": "Plus long", "revision": "1"},
            origin=origin,
        )
        assert second.status == 409 and "being written" in second.text
        approve = client.post(
            f"/_desk/drafts/{SLUG}/approve",
            {"csrf": token, "ack": "yes", "revision": "1"},
            origin=origin,
        )
        assert approve.status == 409  # no move under a revision in progress
        assert "revising…" in client.get("/_desk/").text
        deadline = time.monotonic() + 30
        while (
            '"running"' in client.get(first.headers["location"] + ".json").text
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        page = client.get(first.headers["location"])
        assert "The new revision is ready" in page.text
    assert len(fake_openai.requests) == 1
    steps = [
        (e["action"], e["who"], e["note"], e["revision"])
        for e in audit.log(load_project(blog), SLUG)
    ]
    assert steps == [("revise", EDITOR, "Plus court", 2)]
