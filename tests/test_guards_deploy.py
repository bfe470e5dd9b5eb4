"""`satire deploy` refuses a site older than any one of its inputs: each input
folder of the build (drafts, briefs, templates, static) and `satire.yaml`, an
edit and a removal, each alone; after `satire build` the same deploy goes out.
Deploys go to a local folder with Debian's rsync (no network)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.config import load_project
from generator.deploy import deploy
from generator.errors import SatireError
from generator.infra.resources import builtin_dir
from tests.conftest import run_satire
from tests.deploykit import edit_post, make_blog, rebuild
from tests.pipelinekit import blog as pipeline_blog  # noqa: F401  # the fixture
from tests.pipelinekit import configure, run


@pytest.fixture
def blog(demo_project: Path, tmp_path: Path) -> Path:
    make_blog(demo_project, f"deploy:\n  target: rsync\n  destination: {tmp_path / 'www'}/\n")
    # a theme override, as a user who restyles posts has one
    (demo_project / "templates").mkdir()
    shutil.copy(builtin_dir("templates") / "post.html", demo_project / "templates/post.html")
    rebuild(demo_project)
    return demo_project


def retitle(project: Path) -> None:
    config = project / "satire.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('title: "', 'title: "Nouveau ', 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


EDITS: dict[str, Callable[[Path], None]] = {
    "a draft": lambda p: edit_post(p, "amazon-ia"),
    "a brief": lambda p: append(p / "briefs/sora-app.yaml", "\n# checked again\n"),
    "a template": lambda p: append(p / "templates/post.html", "\n{# restyled #}\n"),
    "a static file": lambda p: append(p / "static/images/chip.svg", "\n<!-- redrawn -->\n"),
    "a static file removed": lambda p: (p / "static/images/glasses.svg").unlink(),
    "a brief removed": lambda p: (p / "briefs/iphone-air.yaml").unlink(),
    "satire.yaml": retitle,
}


@pytest.mark.parametrize("change", list(EDITS))
def test_a_site_older_than_one_of_its_inputs_is_refused_until_built(
    blog: Path, tmp_path: Path, change: str
) -> None:
    www = tmp_path / "www"
    EDITS[change](blog)
    with pytest.raises(SatireError, match=r"older than its inputs .* build first"):
        deploy(load_project(blog), echo=lambda line: None)
    assert not www.exists()  # nothing went out
    rebuild(blog)
    report = deploy(load_project(blog), echo=lambda line: None)
    assert report.ok and (www / "index.html").is_file()


def test_the_refusal_is_one_line_from_the_cli(blog: Path, tmp_path: Path) -> None:
    retitle(blog)
    result = run_satire("deploy", cwd=blog)
    assert result.code != 0 and result.out == "" and "Traceback" not in result.err
    assert len(result.err_lines) == 1 and "older than its inputs" in result.err
    assert not (tmp_path / "www").exists()


def test_satire_run_does_not_deploy_a_site_its_build_left_a_post_out_of(
    pipeline_blog: Path, tmp_path: Path
) -> None:
    """The deploy guard from `satire run`: a build that left a published post out
    (its draft no longer reads) is not put online, so readers keep the post."""
    online = tmp_path / "online"
    configure(pipeline_blog, deploy={"target": "rsync", "destination": f"{online}/"})
    first = run(pipeline_blog)
    assert first.code == 0, first.err
    page = online / "posts/amazon-desantis/index.html"
    assert page.is_file()
    draft = pipeline_blog / "drafts/amazon-desantis.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("---\n", "---\nbogus: 1\n", 1))
    second = run(pipeline_blog)
    assert second.code != 0 and "Traceback" not in second.err
    assert "the build failed: the site online is left as it is" in second.out + second.err
    assert page.is_file()  # not deleted from the site online
