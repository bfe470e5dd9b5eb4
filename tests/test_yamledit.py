"""Round-trip edits of briefs as editors and tools lay them out: an edit
changes the lines it is about and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from generator.infra.yamledit import drop_item, edit
from tests.confirmkit import INTAKE_BRIEF


def drop_second_fact_and_confirm(doc: Any) -> None:
    drop_item(doc["facts"], 1)
    doc["confirmed"] = True


def changed(before: str, after: str) -> tuple[list[str], list[str]]:
    old, new = before.splitlines(), after.splitlines()
    return [line for line in old if line not in new], [line for line in new if line not in old]


def test_pyyaml_layout_as_a_tool_writes_it() -> None:
    data = yaml.safe_load(INTAKE_BRIEF)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    gone, added = changed(text, edit(text, drop_second_fact_and_confirm))
    assert gone == ["- The round was led by Lumen Ventures.", "confirmed: false"]
    assert added == ["confirmed: true"]


@pytest.mark.parametrize("indent", [2, 4])
def test_indented_layouts_and_comments_stay(indent: int) -> None:
    pad = " " * indent
    text = f"# top\ntitle: T\nfacts:\n{pad}- one  # first\n{pad}- two\n{pad}- three\nsource:\n{pad}publisher: P\n{pad}url: https://x.example/a\nsummary: >\n{pad}folded\n{pad}text\nconfirmed: no\n"
    out = edit(text, drop_second_fact_and_confirm)
    gone, added = changed(text, out)
    assert gone == [f"{pad}- two", "confirmed: no"]
    assert added == ["confirmed: true"]
    assert yaml.safe_load(out)["facts"] == ["one", "three"]


def test_flow_lists_stay_flow() -> None:
    text = "title: T  # the title\nfacts: [one, two, three]\nconfirmed: false\n"
    out = edit(text, drop_second_fact_and_confirm)
    assert out == "title: T  # the title\nfacts: [one, three]\nconfirmed: true\n"


def test_a_document_start_marker_and_comments_stay() -> None:
    text = "---\n# about this brief\ntitle: T\nfacts:\n  - one   # first\n  - two\n# the editor's call\nconfirmed: false\n"
    out = edit(text, drop_second_fact_and_confirm)
    assert (
        out
        == "---\n# about this brief\ntitle: T\nfacts:\n  - one   # first\n# the editor's call\nconfirmed: true\n"
    )


def test_comments_after_a_dropped_item_stay_in_place() -> None:
    text = "quotes:\n  - by: A\n    text: x  # eol\n  # about B\n  - by: B\n    text: y  # gone with B\n# after the quotes\nfacts:\n  - one\n  - two\n  # about three\n  - three\nconfirmed: false\n"

    def change(doc: Any) -> None:
        drop_item(doc["quotes"], 1)
        drop_item(doc["facts"], 1)

    out = edit(text, change)
    assert (
        out
        == "quotes:\n  - by: A\n    text: x  # eol\n  # about B\n# after the quotes\nfacts:\n  - one\n  # about three\n  - three\nconfirmed: false\n"
    )
