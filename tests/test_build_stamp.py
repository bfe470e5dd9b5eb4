"""The build stamp: `satire build` with nothing to do answers from stat data,
and every input a build reads (drafts, published copies, briefs, templates,
static files, satire.yaml, the built-in theme, the code, the libraries, the
Python, the day) and every output file defeats it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import main
from generator.config import load_project
from generator.infra import clock
from generator.infra.fsutil import project_lock
from generator.review import approval
from generator.site import gather, stamp
from generator.site.build import build
from generator.site.marker import MARKER
from tests.conftest import REPO
from tests.sitekit import make_draft, save


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs count as settled at once (the tests' edits change sizes, so no
    edit can hide in a clock tick); the racy rule has its own test."""
    monkeypatch.setattr(stamp, "RACY_NS", 0)


@pytest.fixture
def blog(demo_project: Path, settled: None) -> Path:
    """Two published posts, one without its image file (a warning every build repeats)."""
    save(
        demo_project,
        make_draft("amazon-ia", date=dt.date(2025, 12, 4)),
        make_draft("sans-image", image={"src": "images/absent.png", "alt": "Rien"}),
    )
    return demo_project


def fresh(root: Path, drafts: bool = False) -> bool:
    return stamp.up_to_date(root, (root / "site").resolve(), drafts).stamp is not None


def built(root: Path) -> Path:
    """`root` built, its stamp answering."""
    report = build(load_project(root))
    assert not report.errors and fresh(root)
    return root


def cli_build(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`satire build ARGS` in this process: (exit code, stdout, stderr)."""
    code = 0
    try:
        main(["--project", str(root), "build", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def grow(path: Path, text: str = "\n<!-- more -->\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


EDITS: dict[str, Callable[[Path], None]] = {
    "draft edited": lambda root: grow(root / "drafts/amazon-ia.md", "\nUn mot de plus.\n"),
    "draft added": lambda root: save(root, make_draft("nouveau")),
    "draft removed": lambda root: (root / "drafts/amazon-ia.md").unlink(),
    "published copy added": lambda root: grow(root / "drafts/published/amazon-ia.md"),
    "brief added": lambda root: grow(root / "briefs/new.yaml", "title: x\n"),
    "template added": lambda root: grow(root / "templates/partials/extra.html"),
    "static file edited": lambda root: grow(root / "static/images/stage.svg"),
    "config edited": lambda root: grow(root / "satire.yaml", "\n# a comment\n"),
    "output file edited": lambda root: grow(root / "site/index.html"),
    "output file removed": lambda root: (root / "site/posts/amazon-ia/index.html").unlink(),
    "marker removed": lambda root: (root / "site" / MARKER).unlink(),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_every_input_and_output_defeats_the_stamp(blog: Path, edit: str) -> None:
    EDITS[edit](built(blog))
    assert not fresh(blog)


def test_an_edit_of_the_same_size_is_seen_by_its_change_time(blog: Path) -> None:
    """Same bytes count, mtime put back: the inode's change time still moves."""
    draft = built(blog) / "drafts/amazon-ia.md"
    before = draft.stat()
    draft.write_text(draft.read_text(encoding="utf-8").replace("Titre", "TITRE"), encoding="utf-8")
    os.utime(draft, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert draft.stat().st_size == before.st_size and not fresh(blog)


def test_the_theme_code_libraries_and_python_defeat_the_stamp(
    blog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme, code, library = tmp_path / "theme", tmp_path / "code", tmp_path / "lib"
    for folder in (theme, code, library / "fakelib"):
        grow(folder / "__init__.py")
    monkeypatch.setattr(stamp, "builtin_dir", lambda name: theme)
    monkeypatch.setattr(stamp, "_PACKAGE", code)
    monkeypatch.syspath_prepend(str(library))
    monkeypatch.setattr(stamp, "LIBRARIES", ("fakelib",))
    for changed in (theme / "base.html", code / "site/build.py", library / "fakelib/__init__.py"):
        built(blog)
        grow(changed)
        assert not fresh(blog), changed
    built(blog)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert not fresh(blog)


def test_a_linked_folder_among_the_inputs_leaves_no_stamp(blog: Path, tmp_path: Path) -> None:
    """Its files are not walked, so their edits would go unseen."""
    elsewhere = tmp_path / "partials"
    grow(elsewhere / "note.html")
    (blog / "templates").mkdir(exist_ok=True)
    (blog / "templates/partials").symlink_to(elsewhere, target_is_directory=True)
    build(load_project(blog))
    assert not fresh(blog)


def test_another_day_defeats_the_stamp(blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A post dated ahead appears when its day comes, with no input changed."""
    built(blog)
    tomorrow = clock.now() + dt.timedelta(days=1)
    monkeypatch.setattr(clock, "now", lambda: tomorrow)
    assert not fresh(blog)


def test_each_output_and_drafts_setting_has_its_own_stamp(blog: Path) -> None:
    built(blog)
    assert not fresh(blog, drafts=True)
    assert stamp.up_to_date(blog, (blog / "elsewhere").resolve(), False).stamp is None


def test_inputs_changed_just_before_a_build_leave_no_stamp(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit in the same clock tick as the one before it keeps the file's stat:
    the stamp is only made when every input is older than the racy window."""
    monkeypatch.setattr(stamp, "RACY_NS", 60 * 10**9)
    build(load_project(blog))
    assert not fresh(blog)


def test_the_cli_answers_a_noop_from_the_stamp_and_sees_the_next_edit(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli_build(blog, capsys)
    assert code == 0 and "2 post(s)" in out
    code, out, again = cli_build(blog, capsys)
    assert code == 0 and "0 rendered, 0 written, 0 removed" in out and "nothing changed" in out
    assert again == err and "warning: drafts/sans-image.md: image.src" in again
    save(blog, make_draft("nouveau", title="Un titre tout neuf"))
    code, out, _ = cli_build(blog, capsys)
    assert code == 0 and "3 post(s)" in out and "nothing changed" not in out
    assert "Un titre tout neuf" in (blog / "site/posts/nouveau/index.html").read_text("utf-8")


def test_a_build_with_bad_drafts_is_never_skipped(
    blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grow(blog / "drafts/casse.md", "---\ntitle: [\n---\n")
    for _ in range(2):
        code, _, err = cli_build(blog, capsys)
        assert code == 2 and "drafts/casse.md:" in err


PROBE = """
import sys
import threading
from generator.cli import main
try:
    main(["build"])
except SystemExit:
    pass
print(" ".join(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def test_a_noop_build_loads_no_config_draft_or_renderer(blog: Path) -> None:
    """Answered from the stamp: neither pydantic nor YAML nor Babel is imported."""
    built(blog)
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=blog,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "nothing changed" in probe.stdout, probe.stdout + probe.stderr
    loaded = set(probe.stderr.split())
    assert "generator" in loaded
    renderers = {"jinja2", "markdown", "nh3", "PIL", "rich"}
    assert not loaded & ({"pydantic", "yaml", "babel"} | renderers), loaded


def test_the_check_waits_for_a_build_running_on_the_project(blog: Path) -> None:
    """A build in progress may be changing the output: the answer waits for it."""
    built(blog)
    answers: list[bool] = []
    with project_lock(blog / ".satire", "build"):
        asking = threading.Thread(target=lambda: answers.append(fresh(blog)))
        asking.start()
        asking.join(0.3)
        assert asking.is_alive() and answers == []
    asking.join(10)
    assert answers == [True]


@pytest.mark.parametrize(
    "damage",
    ["{not json", '{"inputs": "x"}', '{"inputs": "x", "day": "d", "zone": "Nowhere/At_all"}'],
)
def test_a_damaged_stamp_means_a_full_build(
    blog: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    built(blog)
    for stamp_file in (blog / ".satire/builds").glob("*.json"):
        stamp_file.write_text(damage, encoding="utf-8")
    assert not fresh(blog)
    code, out, err = cli_build(blog, capsys)
    assert code == 0 and "2 post(s)" in out and "internal error" not in err


# -- drafts read by their stat data ------------------------------------------------------
# A build reads only the drafts whose stat data changed since the last build
# (gather.Stats); the others' digests come from that record.


def rewrite_in_place(root: Path, title: str) -> Path:
    """amazon-ia's file rewritten in place (same inode) with a new title, approved
    at the same moment as before: the same number of bytes when the title has."""
    path = root / "drafts/amazon-ia.md"
    edited = make_draft("amazon-ia", date=dt.date(2025, 12, 4), title=title)
    sealed = approval.seal(edited, "editor", dt.datetime(2025, 12, 3, 13, 0, tzinfo=dt.UTC))
    path.write_text(sealed.to_text(), encoding="utf-8")
    return path


def page_title(root: Path) -> bool:
    return "TITRE DE AMAZON-IA" in (root / "site/posts/amazon-ia/index.html").read_text("utf-8")


def test_a_draft_rewritten_to_the_same_size_with_its_mtime_put_back_is_read_again(
    blog: Path,
) -> None:
    built(blog)
    before = (blog / "drafts/amazon-ia.md").stat()
    path = rewrite_in_place(blog, "TITRE DE AMAZON-IA")  # as long as "Titre de amazon-ia"
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_ino == before.st_ino
    report = build(load_project(blog))
    assert not report.errors and not report.notices and page_title(blog)


def test_drafts_changed_within_the_racy_window_are_read_again(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system whose clock ticks coarsely (FAT's is 2 s), an edit in the
    tick of the write before it keeps the draft's size and times: a draft that
    recent is never vouched for by its stat data. Simulated: times rounded down
    to a 1,000 s tick, and a racy window as long."""
    tick = 1000 * 10**9
    monkeypatch.setattr(stamp, "RACY_NS", tick)
    exact = gather.Stats.now
    monkeypatch.setattr(
        gather.Stats, "now", staticmethod(lambda st: [n if i == 0 else n // tick * tick for i, n in enumerate(exact(st))])
    )  # fmt: skip
    build(load_project(blog))
    rewrite_in_place(blog, "TITRE DE AMAZON-IA")
    report = build(load_project(blog))
    assert not report.errors and not report.notices and page_title(blog)


def test_a_build_reads_only_the_drafts_whose_stat_data_changed(
    blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(blog)
    save(blog, make_draft("nouveau"))
    read: list[str] = []
    real = gather.Stats.read

    def counted(
        self: gather.Stats, file: str, path: str, now: list[int] | None = None
    ) -> tuple[str, bytes]:
        read.append(file)
        return real(self, file, path, now)

    monkeypatch.setattr(gather.Stats, "read", counted)
    report = build(load_project(blog))
    assert report.posts == 3 and read == ["drafts/nouveau.md"]
