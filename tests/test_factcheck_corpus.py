"""The fact check against its corpus (tests/corpus/factcheck/*.yaml): briefs,
each with a faithful post and a post with planted fabrications of every kind,
French and English, across languages, and quotes translated fr<->en, faithfully
or not (each file's `translations:` says which, for the fake judge). Prints
recall on the planted claims and flags on the faithful posts, translation and
style notes counted apart; asserts 100% recall and no flag, offline (a
translated quote is a `translation` note) and with the fake Chat Completions
server judging translations (an invented one is a `quote` finding)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.brief import Brief
from generator.check.factcheck import CLAIM_KINDS, FIELDS, Finding, Verifier, check
from generator.drafts import Draft, Provenance, SourceRef
from tests.fake_openai import FakeOpenAI, Received, Reply, default_reply, fenced

CORPUS = Path(__file__).parent / "corpus" / "factcheck"


@dataclass
class Case:
    name: str
    brief: Brief
    draft: Draft
    expect: list[
        tuple[str, str, bool]
    ]  # planted (kind, text, translated); empty for a faithful post
    planted: bool
    translations: dict[str, bool]  # translated quote -> faithful, for the fake judge


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
                source=SourceRef(
                    publisher=brief.source.publisher, url=brief.source.url, title=brief.title
                ),
                provenance=Provenance(
                    backend="offline",
                    model="-",
                    prompt_sha256="-",
                    brief_sha256="-",
                    generated_at=dt.datetime(2026, 1, 1),
                ),
            )
            draft.body = post["body"]
            expect = [
                (e["kind"], e["text"], bool(e.get("translated"))) for e in post.get("expect", [])
            ]
            cases.append(
                Case(
                    f"{path.stem}/{kind_of_case}",
                    brief,
                    draft,
                    expect,
                    kind_of_case == "planted",
                    data.get("translations") or {},
                )
            )
    return cases


def locate(draft: Draft, text: str) -> tuple[str, int]:
    for name in FIELDS:
        at = (getattr(draft, name) or "").find(text)
        if at >= 0:
            return name, at
    raise AssertionError(f"planted text {text!r} is not in the draft")


def caught(findings: list[Finding], kinds: set[str], field: str, start: int, end: int) -> bool:
    return any(
        f.kind in kinds and f.field == field and f.start < end and start < f.end for f in findings
    )


def measure(verifier: Verifier | None) -> tuple[int, int, int, int, list[str]]:
    """(planted found, planted total, flags on faithful posts, translation/style notes on them, report lines)."""
    report: list[str] = []
    found = total = flags = notes = 0
    for case in load_corpus():
        findings = check(case.brief, case.draft, verifier=verifier)
        if not case.planted:
            claims = [f for f in findings if f.blocking]
            flags += len(claims)
            notes += len(findings) - len(claims)
            report.extend(
                f"  flagged {case.name}: {f.kind} {f.text!r}: {f.message}" for f in claims
            )
            continue
        for kind, text, translated in case.expect:
            field, start = locate(case.draft, text)
            total += 1
            # an invented translation is a quote finding once judged; unjudged, a translation note says "compare"
            kinds = {kind, "translation"} if translated and verifier is None else {kind}
            if caught(findings, kinds, field, start, start + len(text)):
                found += 1
            else:
                report.append(f"  missed {case.name}: {kind} {text!r}")
    return found, total, flags, notes, report


def test_corpus_recall_and_false_flags(capsys: pytest.CaptureFixture[str]) -> None:
    cases = load_corpus()
    faithful = [c for c in cases if not c.planted]
    planted = [c for c in cases if c.planted]
    assert len(cases) >= 12 and len(faithful) == len(planted)
    # the corpus covers every kind, in posts of both languages, and briefs in another language than their post
    assert {k for c in planted for k, _, _ in c.expect} == set(CLAIM_KINDS)
    assert {c.draft.language for c in planted} == {"fr", "en"}
    for kind in CLAIM_KINDS:
        assert {c.draft.language for c in planted if any(k == kind for k, _, _ in c.expect)} == {
            "fr",
            "en",
        }, kind
    # at least 6 translated quotes, fr->en and en->fr, faithful and invented
    pairs = {text: ok for c in cases for text, ok in c.translations.items()}
    assert len(pairs) >= 6 and True in pairs.values() and False in pairs.values()
    assert {c.brief.language for c in cases if c.translations} == {"fr", "en"}

    found, total, flags, notes, report = measure(None)
    with capsys.disabled():
        print(
            f"\nfact-check corpus, offline: {len(cases)} posts; recall {found}/{total} = {found / total:.0%} on planted claims; "
            f"{flags} flag(s) on {len(faithful)} faithful posts (+{notes} translation/style notes)"
        )
        for line in report:
            print(line)
    assert found == total, "\n".join(report)
    assert flags == 0, "\n".join(report)
    assert notes == sum(ok for c in faithful for ok in c.translations.values()), (
        "offline, each faithful translation is a note to compare"
    )


def test_corpus_with_translations_judged_by_the_llm(
    demo_project: Path, fake_openai: FakeOpenAI, capsys: pytest.CaptureFixture[str]
) -> None:
    """With an endpoint, the fake server judges each pair from the corpus's own table:
    invented translations become quote findings, faithful ones are not reported."""
    from generator.config import load_project
    from generator.styles import load_style
    from generator.write.translations import verifier_for
    from tests.generation_support import point_at

    cases = load_corpus()
    table = {text: ok for c in cases for text, ok in c.translations.items()}
    judged: list[str] = []

    def judge(received: Received) -> Reply:
        pair = fenced(received, "the two quotes")
        if pair is None:
            return default_reply(received)
        judged.append(pair["translation"])
        ok = table[pair["translation"]]
        return Reply(
            content=json.dumps(
                {"same": ok, "reason": "faithful" if ok else f"{pair['speaker']} never said that"}
            )
        )

    fake_openai.default = judge
    point_at(demo_project, None, base_url=fake_openai.base_url)
    project = load_project(demo_project)

    report: list[str] = []
    found = total = flags = notes = 0
    for case in cases:
        verifier = verifier_for(project, case.brief, load_style(project, "geek-puns"))
        assert verifier is not None, "an endpoint is configured: translations are judged"
        f, t, fl, n, r = _measure_one(case, verifier)
        found, total, flags, notes = found + f, total + t, flags + fl, notes + n
        report += r
    with capsys.disabled():
        print(
            f"fact-check corpus, translations judged: recall {found}/{total}; {flags} flag(s) and {notes} translation note(s) on faithful posts; {len(judged)} verdicts asked"
        )
        for line in report:
            print(line)
    assert found == total and flags == 0 and notes == 0, "\n".join(report)
    assert set(judged) == set(table)  # every translated quote was judged, once per pair and post
    # the verdicts are cached: judging the corpus again asks nothing
    asked = fake_openai.count()
    for case in cases:
        verifier = verifier_for(project, case.brief, load_style(project, "geek-puns"))
        _measure_one(case, verifier)
    assert fake_openai.count() == asked


def _measure_one(case: Case, verifier: Verifier | None) -> tuple[int, int, int, int, list[str]]:
    findings = check(case.brief, case.draft, verifier=verifier)
    report: list[str] = []
    if not case.planted:
        claims = [f for f in findings if f.blocking]
        report += [f"  flagged {case.name}: {f.kind} {f.text!r}: {f.message}" for f in claims]
        report += [
            f"  note {case.name}: {f.kind} {f.text!r}: {f.message}"
            for f in findings
            if not f.blocking
        ]
        return 0, 0, len(claims), len(findings) - len(claims), report
    found = 0
    for kind, text, _translated in case.expect:
        field, start = locate(case.draft, text)
        if caught(findings, {kind}, field, start, start + len(text)):
            found += 1
        else:
            report.append(f"  missed {case.name}: {kind} {text!r}")
    return found, len(case.expect), 0, 0, report
