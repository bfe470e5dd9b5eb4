"""The fact check against its corpus (tests/corpus/factcheck/*.yaml): briefs,
each with a faithful post and a post with planted fabrications of every kind,
French and English, across languages. Prints recall on the planted claims and
flags on the faithful posts; asserts >= 90% recall and at most one flag."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.brief import Brief
from generator.drafts import Draft, Provenance, SourceRef
from generator.factcheck import FIELDS, KINDS, Finding, check

CORPUS = Path(__file__).parent / "corpus" / "factcheck"


@dataclass
class Case:
    name: str
    brief: Brief
    draft: Draft
    expect: list[tuple[str, str]]  # planted (kind, text); empty for a faithful post
    planted: bool


def load_corpus() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CORPUS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        brief = Brief.model_validate(data["brief"])
        for kind_of_case, post in data["cases"].items():
            draft = Draft(
                title=post["title"],
                dek=post.get("dek", ""),
                slug=path.stem,
                brief=f"briefs/{path.stem}.yaml",
                style="geek-puns",
                language=brief.language or "fr",
                source=SourceRef(publisher=brief.source.publisher, url=brief.source.url, title=brief.title),
                provenance=Provenance(backend="offline", model="-", prompt_sha256="-", brief_sha256="-", generated_at=dt.datetime(2026, 1, 1)),
            )
            draft.body = post["body"]
            expect = [(e["kind"], e["text"]) for e in post.get("expect", [])]
            cases.append(Case(f"{path.stem}/{kind_of_case}", brief, draft, expect, kind_of_case == "planted"))
    return cases


def locate(draft: Draft, text: str) -> tuple[str, int]:
    for name in FIELDS:
        at = (getattr(draft, name) or "").find(text)
        if at >= 0:
            return name, at
    raise AssertionError(f"planted text {text!r} is not in the draft")


def caught(findings: list[Finding], kind: str, field: str, start: int, end: int) -> bool:
    return any(f.kind == kind and f.field == field and f.start < end and start < f.end for f in findings)


def test_corpus_recall_and_false_flags(capsys: pytest.CaptureFixture[str]) -> None:
    cases = load_corpus()
    faithful = [c for c in cases if not c.planted]
    planted = [c for c in cases if c.planted]
    assert len(cases) >= 12 and len(faithful) == len(planted)
    # the corpus covers every kind, in posts of both languages, and briefs in another language than their post
    assert {k for c in planted for k, _ in c.expect} == set(KINDS)
    assert {c.draft.language for c in planted} == {"fr", "en"}
    for kind in KINDS:
        assert {c.draft.language for c in planted if any(k == kind for k, _ in c.expect)} == {"fr", "en"}, kind

    report: list[str] = []
    found = total = 0
    for case in planted:
        findings = check(case.brief, case.draft)
        for kind, text in case.expect:
            field, start = locate(case.draft, text)
            total += 1
            if caught(findings, kind, field, start, start + len(text)):
                found += 1
            else:
                report.append(f"  missed {case.name}: {kind} {text!r}")
    flags = 0
    for case in faithful:
        findings = check(case.brief, case.draft)
        flags += len(findings)
        report.extend(f"  flagged {case.name}: {f.kind} {f.text!r}: {f.message}" for f in findings)
    recall = found / total
    with capsys.disabled():
        print(f"\nfact-check corpus: {len(cases)} posts; recall {found}/{total} = {recall:.0%} on planted claims; {flags} flag(s) on {len(faithful)} faithful posts")
        for line in report:
            print(line)
    assert recall >= 0.9, "\n".join(report)
    assert flags <= 1, "\n".join(report)
