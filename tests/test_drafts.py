"""The draft store: front matter round-trips, revisions are kept, a broken draft
is reported where it breaks, and writes never leave a half-written file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.config import load_project
from generator.drafts import Draft, DraftStore, Provenance, SourceRef, parse_draft
from generator.errors import InputErrors, SatireError


def make_draft(slug: str = "robot-chef", body: str = "Un robot cuisine.\n\n> Ça chauffe.") -> Draft:
    return Draft(
        title="Un robot chef « trois étoiles »",
        slug=slug,
        brief=f"briefs/{slug}.yaml",
        style="geek-puns",
        language="fr",
        source=SourceRef(
            publisher="TechCrunch", url="https://techcrunch.com/x", title="Robot chef"
        ),
        provenance=Provenance(
            backend="offline",
            model="offline",
            prompt_sha256="a" * 64,
            brief_sha256="b" * 64,
            generated_at=dt.datetime(2025, 12, 4, 9, 30, tzinfo=dt.UTC),
        ),
        body=body,
    )


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    (tmp_path / "satire.yaml").write_text("", encoding="utf-8")
    return DraftStore(load_project(tmp_path))


def test_round_trip_keeps_every_field(store: DraftStore) -> None:
    saved = store.save_revision(make_draft())
    loaded = store.load("robot-chef")
    assert loaded == saved
    assert loaded.body == "Un robot cuisine.\n\n> Ça chauffe."
    assert loaded.provenance.generated_at == dt.datetime(2025, 12, 4, 9, 30, tzinfo=dt.UTC)
    text = store.path("robot-chef").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Un robot chef « trois étoiles »\n")


def test_revisions_are_numbered_and_kept(store: DraftStore) -> None:
    first = store.save_revision(make_draft())
    second = store.save_revision(make_draft(body="Un robot cuisine mieux."))
    assert (first.revision, second.revision) == (1, 2)
    assert store.revisions("robot-chef") == [1, 2]
    assert "Un robot cuisine.\n" in store.revision_text("robot-chef", 1)
    assert store.load("robot-chef").body == "Un robot cuisine mieux."
    with pytest.raises(SatireError, match="no revision 7"):
        store.revision_text("robot-chef", 7)


def test_status_move_keeps_the_revision(store: DraftStore) -> None:
    draft = store.save_revision(make_draft())
    store.save(draft.model_copy(update={"status": "approved"}))
    assert store.load("robot-chef").status == "approved"
    assert store.revisions("robot-chef") == [1]


def test_broken_front_matter_is_located(store: DraftStore) -> None:
    text = make_draft().to_text().replace("status: draft", "status: live")
    with pytest.raises(InputErrors) as caught:
        parse_draft(text, "drafts/robot-chef.md")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("status:"))
    assert caught.value.message.startswith(f"drafts/robot-chef.md:{line}:9: status: ")


def test_unknown_slug_suggests_a_close_one(store: DraftStore) -> None:
    store.save_revision(make_draft())
    with pytest.raises(SatireError, match='did you mean "robot-chef"'):
        store.load("robot-chief")


def test_load_all_reports_bad_drafts_and_keeps_good_ones(store: DraftStore) -> None:
    store.save_revision(make_draft())
    store.path("broken").write_text("no front matter here\n", encoding="utf-8")
    drafts, errors = store.load_all()
    assert [d.slug for d in drafts] == ["robot-chef"]
    assert len(errors) == 1 and errors[0].file.endswith("broken.md")


def test_a_failed_write_leaves_the_old_draft_whole(
    store: DraftStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save_revision(make_draft())
    before = store.path("robot-chef").read_bytes()

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        store.save(make_draft(body="half"))
    assert store.path("robot-chef").read_bytes() == before
    assert not [p for p in store.folder.iterdir() if p.name.endswith(".tmp")]
