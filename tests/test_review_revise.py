"""`satire review revise` against the fake Chat Completions server through the
real `openai` client: the request carries the editor's note and the current
draft, a new revision is written and goes back to draft, `review diff` shows
the change and the audit log records it. The offline writer revises too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.config import load_project
from generator.drafts import DraftStore
from generator.review import audit
from generator.review import workflow as rv
from tests.conftest import run_satire
from tests.fake_openai import FakeOpenAI, Reply, article
from tests.generation_support import only_brief, point_at

FIRST_BODY = (
    "Amazon a confié son IA à Peter DeSantis, 27 ans de maison, qui connaît chaque serveur par son prénom.\n\n"
    "Les modèles Nova, les puces et le quantique passent sous sa coupe.\n\nLes puces maison applaudissent poliment."
)
NOTE = "Plus court, et une chute sur les puces quantiques"
REVISED_BODY = (
    "Peter DeSantis, 27 ans chez Amazon, hérite de l'IA, des modèles Nova et des puces maison.\n\n"
    "Le quantique aussi rejoint son bureau, qui déborde déjà de câbles.\n\nChute : même les qubits hésitent entre oui et non."
)


@pytest.fixture
def one(demo_project: Path) -> Path:
    only_brief(demo_project, "amazon-desantis")
    return demo_project


def generate_first(project: Path, fake: FakeOpenAI, env: dict[str, str]) -> None:
    fake.enqueue(
        Reply(
            content=json.dumps(
                article(
                    "IA-mazone, le brouillon",
                    body=FIRST_BODY,
                    pull_quote="Les puces applaudissent.",
                )
            )
        )
    )
    result = run_satire("generate", cwd=project, env=env)
    assert result.code == 0, result.err


def test_revise_sends_note_and_current_draft_and_makes_a_new_revision(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    env = point_at(one, fake_openai)
    generate_first(one, fake_openai, env)
    project = load_project(one)
    rv.approve(
        project, "amazon-desantis", by="ed"
    )  # revising an approved draft sends it back to draft

    fake_openai.enqueue(
        Reply(
            content=json.dumps(
                article(
                    "IA-mazone, la révision",
                    body=REVISED_BODY,
                    pull_quote="Même les qubits hésitent.",
                )
            )
        )
    )
    result = run_satire(
        "review", "revise", "amazon-desantis", "--note", NOTE, "--by", "Chloé", cwd=one, env=env
    )
    assert result.code == 0, result.err
    assert "revision 2" in result.out

    assert len(fake_openai.requests) == 2  # one call to write, one to revise
    request = fake_openai.requests[-1]
    sent = "\n".join(str(m.get("content")) for m in request.messages)
    assert NOTE in sent  # the editor's note
    assert (
        "Les puces maison applaudissent poliment." in sent and "IA-mazone, le brouillon" in sent
    )  # the current draft
    assert "Peter DeSantis travaille chez Amazon depuis 27 ans." in sent  # and the brief

    store = DraftStore(project)
    draft = store.load("amazon-desantis")
    assert (draft.revision, draft.status, draft.title) == (2, "draft", "IA-mazone, la révision")
    assert "qubits" in draft.body
    assert store.revisions("amazon-desantis") == [1, 2]
    assert "Les puces maison applaudissent poliment." in store.revision_text(
        "amazon-desantis", 1
    )  # the earlier one is kept

    diff = run_satire("review", "diff", "amazon-desantis", cwd=one)
    assert diff.code == 0
    assert "-Les puces maison applaudissent poliment." in diff.out
    assert "+Chute : même les qubits hésitent entre oui et non." in diff.out
    assert (
        "-title: IA-mazone, le brouillon" in diff.out
        and "+title: IA-mazone, la révision" in diff.out
    )

    entries = audit.log(project, "amazon-desantis")
    assert [e["action"] for e in entries] == ["approve", "revise"]
    revise = entries[-1]
    assert (revise["who"], revise["note"], revise["revision"]) == ("Chloé", NOTE, 2)
    assert revise["details"] == {"from": "approved", "to": "draft", "from_revision": 1}


def test_revise_of_a_published_post_is_refused_before_any_call(
    one: Path, fake_openai: FakeOpenAI
) -> None:
    env = point_at(one, fake_openai)
    generate_first(one, fake_openai, env)
    project = load_project(one)
    rv.approve(project, "amazon-desantis", by="ed")
    rv.publish(project, "amazon-desantis", by="ed")
    calls = len(fake_openai.requests)
    result = run_satire("review", "revise", "amazon-desantis", "--note", NOTE, cwd=one, env=env)
    assert result.code == 2
    assert result.err_lines == [
        "cannot revise 'amazon-desantis': status is 'published', expected 'draft' or 'approved' or 'rejected'"
    ]
    assert len(fake_openai.requests) == calls


def test_revise_when_the_server_fails_keeps_the_draft(one: Path, fake_openai: FakeOpenAI) -> None:
    env = point_at(one, fake_openai, max_retries=0)
    generate_first(one, fake_openai, env)
    fake_openai.enqueue(Reply(status=500))
    result = run_satire("review", "revise", "amazon-desantis", "--note", NOTE, cwd=one, env=env)
    assert result.code == 1
    assert len(result.err_lines) == 1 and "sk-test" not in result.err
    project = load_project(one)
    assert DraftStore(project).load("amazon-desantis").revision == 1
    assert audit.log(project) == []


def test_offline_revise_is_deterministic(demo_project: Path, tmp_path: Path) -> None:
    only_brief(demo_project, "amazon-desantis")
    twin = tmp_path / "twin"
    assert run_satire("generate", "--offline", cwd=demo_project).code == 0
    shutil.copytree(demo_project, twin)
    bodies = []
    for folder in (demo_project, twin):
        result = run_satire(
            "review", "revise", "amazon-desantis", "--offline", "--note", "shorter", cwd=folder
        )
        assert result.code == 0, result.err
        draft = DraftStore(load_project(folder)).load("amazon-desantis")
        assert (draft.revision, draft.status) == (2, "draft")
        bodies.append(draft.body)
    assert bodies[0] == bodies[1]
    assert run_satire("review", "diff", "amazon-desantis", cwd=demo_project).out.count("\n-") >= 1


@pytest.mark.parametrize("status", ["draft", "approved", "rejected"])
def test_revise_from_every_status_that_allows_it_goes_back_to_draft(
    demo_project: Path, status: str
) -> None:
    only_brief(demo_project, "amazon-desantis")
    assert run_satire("generate", "--offline", cwd=demo_project).code == 0
    project = load_project(demo_project)
    store = DraftStore(project)
    store.save(store.load("amazon-desantis").model_copy(update={"status": status}))
    draft = rv.revise(project, "amazon-desantis", note="shorter", by="ed", offline=True)
    assert (draft.status, draft.revision) == ("draft", 2)
    assert store.load("amazon-desantis").revision == 2
    (entry,) = audit.log(project)
    assert (entry["action"], entry["details"]["from"], entry["details"]["to"], entry["note"]) == (
        "revise",
        status,
        "draft",
        "shorter",
    )


def test_revise_killed_after_writing_the_draft_is_logged_on_recovery(demo_project: Path) -> None:
    import signal

    only_brief(demo_project, "amazon-desantis")
    assert run_satire("generate", "--offline", cwd=demo_project).code == 0
    result = run_satire(
        "review",
        "revise",
        "amazon-desantis",
        "--offline",
        "--note",
        "shorter",
        "--by",
        "ed",
        env={audit.CRASH_ENV: "after-draft"},
        cwd=demo_project,
    )
    assert result.code == -signal.SIGKILL
    project = load_project(demo_project)
    assert DraftStore(project).load("amazon-desantis").revision == 2
    (entry,) = audit.log(project)
    assert (entry["action"], entry["revision"], entry["note"]) == (
        "revise",
        2,
        "shorter",
    ) and "recovered" in entry["details"]
