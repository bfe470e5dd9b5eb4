"""The fact check, rule by rule: figures across languages and notations, quotes in
every kind of quote marks and in the wrong mouth, people, organizations, dates;
what is not a claim; offsets a desk can highlight; and `satire factcheck --format json`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator.brief import Brief
from generator.check.factcheck import Finding, check
from generator.drafts import Draft, DraftStore, Provenance, SourceRef

EN_BRIEF = {
    "title": "Amazon names AWS veteran Peter DeSantis to lead a new AI organization",
    "source": {
        "publisher": "TechCrunch",
        "url": "https://techcrunch.com/x",
        "published": "2025-12-03",
    },
    "summary": "Amazon put Peter DeSantis at the head of its AI work. CEO Andy Jassy announced it in a memo.",
    "facts": [
        "Peter DeSantis has worked at Amazon for 27 years.",
        "He spent 8 years leading AWS's utility computing business.",
        "Amazon announced a $50 billion investment in AI infrastructure.",
        "The iPhone Air is 5.6 mm thin and has 120,000 preorders.",
        "Sales rose 1.2 million units in July 2025.",
    ],
    "quotes": [
        {
            "by": "Andy Jassy",
            "text": "We want Peter to unleash his creative energy on this new galaxy.",
        }
    ],
    "people": ["Peter DeSantis", "Andy Jassy"],
    "language": "fr",
}


def brief(**changes: object) -> Brief:
    return Brief.model_validate({**EN_BRIEF, **changes})


def draft(
    body: str, language: str = "fr", title: str = "Un titre sans histoire", dek: str = ""
) -> Draft:
    d = Draft(
        title=title,
        dek=dek,
        slug="x",
        brief="briefs/x.yaml",
        style="geek-puns",
        language=language,
        source=SourceRef(publisher="TechCrunch", url="https://techcrunch.com/x", title="t"),
        provenance=Provenance(
            backend="offline",
            model="-",
            prompt_sha256="-",
            brief_sha256="-",
            generated_at=dt.datetime(2026, 1, 1),
        ),
    )
    d.body = body
    return d


def flagged(body: str, language: str = "fr", **brief_changes: object) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in check(brief(**brief_changes), draft(body, language))]


# -- figures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Amazon promet 50 milliards de dollars d'infrastructure.",  # English billions in French words
        "Amazon promet 50 000 000 000 $ d'infrastructure.",
        "Amazon promet cinquante milliards de dollars.",
        "Il a passé huit années chez AWS et 27 ans chez Amazon.",
        "Il a passé vingt-sept ans chez Amazon.",
        "L'iPhone Air mesure 5,6 mm.",  # decimal comma
        "L'iPhone Air a 120 000 précommandes.",  # thousands by space
        "L'iPhone Air a 120\u202f000 précommandes.",  # narrow no-break space
        "Les ventes ont grimpé de 1,2 million d'unités.",
        "Sans chiffre, sans date, sans nom : rien à signaler dans les deux sens.",
    ],
)
def test_figures_backed_across_languages_and_notations(body: str) -> None:
    assert flagged(body) == []


def test_english_post_figures_from_the_same_brief() -> None:
    assert (
        flagged(
            "He spent eight years at AWS and 27 years at Amazon; $50 billion, 5.6 mm, 120,000 preorders.",
            "en",
        )
        == []
    )


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("Amazon promet 60 milliards de dollars.", "60 milliards de dollars"),
        (
            "Amazon promet 50 milliards d'euros.",
            "50 milliards d'euros",
        ),  # the right number in the wrong currency
        ("Il a passé neuf années chez AWS.", "neuf années"),
        ("L'iPhone Air mesure 5,7 mm.", "5,7 mm"),
        ("Les ventes ont grimpé de 40 %.", "40 %"),
        ("Il a passé trente ans chez Amazon.", "trente ans"),
        ("Amazon emploie 1 500 000 personnes.", "1 500 000"),
    ],
)
def test_figures_not_in_the_brief(body: str, text: str) -> None:
    assert flagged(body) == [("number", text)]


def test_small_number_words_without_unit_are_not_figures() -> None:
    assert flagged("Les deux géants et un iPhone neuf : une idée, trois blagues.") == []


def test_urls_and_image_paths_hold_no_claims() -> None:
    assert (
        flagged(
            "Voir [l'article](https://techcrunch.com/2024/99/1234-story) et ![x](images/2023-09.png)."
        )
        == []
    )


# -- quotes ---------------------------------------------------------------------------


@pytest.mark.parametrize("marks", [('"', '"'), ("“", "”"), ("« ", " »"), ("„", "“")])
def test_quotes_not_in_the_brief_in_every_kind_of_marks(marks: tuple[str, str]) -> None:
    opening, closing = marks
    body = f"Andy Jassy a ajouté : {opening}Nous ne faisons que commencer{closing}."
    assert flagged(body) == [("quote", f"{opening}Nous ne faisons que commencer{closing}")]


def test_brief_quote_verbatim_or_in_part_is_backed() -> None:
    assert (
        flagged(
            'Andy Jassy wrote: "We want Peter to unleash his creative energy on this new galaxy."',
            "en",
        )
        == []
    )
    assert flagged('Andy Jassy wants Peter to "unleash his creative energy", he wrote.', "en") == []


def test_brief_quote_in_the_wrong_mouth() -> None:
    (finding,) = check(
        brief(),
        draft(
            'Peter DeSantis said: "We want Peter to unleash his creative energy on this new galaxy."',
            "en",
        ),
    )
    assert (
        finding.kind == "quote"
        and "the brief gives these words to Andy Jassy, not to Peter DeSantis" in finding.message
    )


def test_quote_put_in_the_mouth_of_someone_the_brief_does_not_quote() -> None:
    findings = check(brief(), draft("« On va tout racheter », a déclaré Peter DeSantis."))
    assert [(f.kind, f.text) for f in findings] == [("quote", "« On va tout racheter »")]
    assert (
        "puts words in the mouth of Peter DeSantis, whom the brief does not quote"
        in findings[0].message
    )


def test_translated_quote_without_a_verifier_is_a_translation_finding_showing_the_original() -> (
    None
):
    body = "Andy Jassy l'a dit : « Nous voulons que Peter libère toute son énergie créative sur cette galaxie. »"
    [finding] = check(brief(), draft(body))
    assert (finding.kind, finding.text) == (
        "translation",
        "« Nous voulons que Peter libère toute son énergie créative sur cette galaxie. »",
    )
    assert (
        "Andy Jassy" in finding.message
        and "We want Peter to unleash his creative energy on this new galaxy." in finding.message
    )
    assert not finding.blocking and finding.to_dict()["blocking"] is False


def test_a_verifier_judges_translated_quotes_yes_is_no_finding_no_is_a_quote_finding() -> None:
    from generator.check.factcheck import Judgement, Pair, examine

    asked: list[Pair] = []

    def judge(pair: Pair) -> Judgement:
        asked.append(pair)
        return Judgement(
            "énergie" in pair.translation,
            "it says the same" if "énergie" in pair.translation else "it adds a promise of profits",
            "judge-model",
        )

    faithful = "Andy Jassy l'a dit : « Nous voulons que Peter libère toute son énergie créative sur cette galaxie. »"
    invented = "Andy Jassy l'a dit : « Nous voulons que Peter rapporte des milliards à chaque galaxie conquise. »"
    result = examine(brief(), draft(faithful), verifier=judge)
    assert result.findings == [] and [v.model for v in result.verified] == ["judge-model"]
    assert result.verified[0].to_dict()["verified"] is True and "judge-model" in str(
        result.verified[0].to_dict()["message"]
    )
    [finding] = examine(brief(), draft(invented), verifier=judge).findings
    assert finding.kind == "quote" and finding.blocking
    assert (
        "it adds a promise of profits" in finding.message
        and "We want Peter to unleash his creative energy" in finding.message
    )
    assert asked[0].original == EN_BRIEF["quotes"][0]["text"] and asked[0].by == "Andy Jassy"  # type: ignore[index]


def test_a_failing_verifier_leaves_a_translation_finding() -> None:
    from generator.errors import BackendError

    def broken(pair: object) -> object:
        raise BackendError("HTTP 503 after 3 tries")

    body = "Andy Jassy l'a dit : « Nous voulons que Peter libère toute son énergie créative sur cette galaxie. »"
    [finding] = check(brief(), draft(body), verifier=broken)  # type: ignore[arg-type]
    assert (
        finding.kind == "translation"
        and "HTTP 503" in finding.message
        and "We want Peter" in finding.message
    )


def test_mock_proverb_is_reported_anyway() -> None:
    assert flagged("« Qui dort dîne, qui calcule investit » : voilà un proverbe de geek.") == [
        ("quote", "« Qui dort dîne, qui calcule investit »")
    ]


def test_quoted_terms_and_a_framed_title_are_not_quotes() -> None:
    findings = check(
        brief(),
        draft(
            "Amazon et son « petit chèque ».",
            title="« Nouvelle IA chez Amazon : Peter aux commandes »",
        ),
    )
    assert findings == []


# -- people and organizations -----------------------------------------------------------


def test_people_and_organizations_named_in_the_brief_are_backed() -> None:
    assert (
        flagged(
            "DeSantis, vétéran d'AWS, et Andy Jassy chez Amazon Web Services ; TechCrunch l'a raconté. Jassy's memo."
        )
        == []
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Selon Sarah Chen, c'est historique.", [("person", "Sarah Chen")]),
        ("Même M. Dupont est d'accord.", [("person", "M. Dupont")]),
        ("Musk en rit encore.", [("person", "Musk")]),
        ("Google regarde ailleurs.", [("organization", "Google")]),
        ("La startup Quantix suit le mouvement.", [("organization", "Quantix")]),
        ("Le cabinet Brightline Analytics applaudit.", [("organization", "Brightline Analytics")]),
    ],
)
def test_people_and_organizations_not_in_the_brief(
    body: str, expected: list[tuple[str, str]]
) -> None:
    assert flagged(body) == expected


def test_pop_culture_is_not_a_person_or_an_organization() -> None:
    assert (
        flagged(
            "Entre Skynet, la Matrice et un Tamagotchi sous stéroïdes, Peter DeSantis a du pain sur la planche."
        )
        == []
    )


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Le 3 décembre 2025, Amazon a parlé.",
        "En juillet 2025, les ventes ont grimpé.",
        "En 2025, tout change.",
        "On December 3, Amazon spoke.",
        "Le 2025-12-03 restera.",
    ],
)
def test_dates_in_the_brief(body: str) -> None:
    assert flagged(body) == []


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("Le 4 décembre 2025, Amazon a parlé.", "4 décembre 2025"),
        ("En août 2025, les ventes ont grimpé.", "août 2025"),
        ("En 2019, tout a commencé.", "2019"),
        ("On March 12, 2024, nothing happened.", "March 12, 2024"),
    ],
)
def test_dates_not_in_the_brief(body: str, text: str) -> None:
    assert flagged(body, "en" if body.startswith("On") else "fr") == [("date", text)]


def test_planets_verbs_and_eras_are_not_dates() -> None:
    assert flagged("Direction Mars ! Comme dans les années 90, on y croit.") == []
    assert flagged("You may march on, as in the 90s.", "en") == []


# -- where findings stand ------------------------------------------------------------------


def test_findings_carry_field_and_offsets_of_the_span() -> None:
    d = draft(
        "Ligne un.\n\nSelon Sarah Chen, 300 ingénieurs.",
        title="Amazon et Google",
        dek="Depuis 2019",
    )
    findings = check(brief(), d)
    assert [(f.field, f.kind) for f in findings] == [
        ("title", "organization"),
        ("dek", "date"),
        ("body", "person"),
        ("body", "number"),
    ]
    for f in findings:
        assert isinstance(f, Finding)
        assert getattr(d, f.field)[f.start : f.end] == f.text


def test_factcheck_command_json(demo_project: Path, satire: object) -> None:
    from generator.config import load_project
    from tests.conftest import run_satire

    project = load_project(demo_project)
    d = draft(
        "Peter DeSantis, 27 ans chez Amazon. Selon Sarah Chen, « tout est sous contrôle, vraiment », en 2019."
    )
    written_by_an_llm = d.provenance.model_copy(
        update={"backend": "openai"}
    )  # the offline writer is not held to length ranges
    d = d.model_copy(
        update={
            "slug": "amazon-desantis",
            "brief": "briefs/amazon-desantis.yaml",
            "body": d.body,
            "provenance": written_by_an_llm,
        }
    )
    DraftStore(project).save_revision(d)
    result = run_satire("factcheck", "amazon-desantis", "--format", "json", cwd=demo_project)
    assert result.code == 0
    entries = json.loads(result.out)
    findings = [f for f in entries if f["kind"] not in ("style", "translation")]
    assert [(f["kind"], f["text"]) for f in findings] == [
        ("person", "Sarah Chen"),
        ("quote", "« tout est sous contrôle, vraiment »"),
        ("date", "2019"),
    ]
    assert all(
        f["message"] and f["field"] == "body" and f["blocking"] is True and f["backing"]
        for f in findings
    )
    # the style's own rules come after the claims, advisory: a short post, no pull quote
    style = entries[len(findings) :]
    assert {f["kind"] for f in style} == {"style"} and all(f["blocking"] is False for f in style)
    assert any("words: the style asks for 450 to 750" in f["message"] for f in style) and any(
        "no pull quote" in f["message"] for f in style
    )
    text = run_satire("factcheck", "amazon-desantis", cwd=demo_project)
    claims_part, _, advisory_part = text.out.partition("-- translation and style")
    assert (
        text.code == 0
        and claims_part.count("drafts/amazon-desantis.md:") == 3
        and "3 finding(s)" in text.err
    )
    assert (
        "style: " in advisory_part
        and "style: " not in claims_part
        and f"{len(style)} translation/style note(s)" in text.err
    )
    missing = run_satire("factcheck", "nope", cwd=demo_project)
    assert missing.code == 2 and missing.err_lines == ["no draft 'nope' in drafts/"]


def test_eight_years_in_words_backs_huit_annees() -> None:
    facts = ["He spent eight years leading AWS's utility computing business."]
    assert flagged("Il a passé huit années chez AWS.", facts=facts) == []
    assert flagged("Il a passé neuf années chez AWS.", facts=facts) == [("number", "neuf années")]


def test_review_show_highlights_each_span() -> None:
    import click

    from generator.commands.review import highlighted

    body = "Selon Sarah Chen, 300 ingénieurs."
    findings = check(brief(), draft(body))
    shown = highlighted(body, findings)
    assert click.unstyle(shown) == body
    assert (
        shown.count("\x1b[7m") == 2
        and "\x1b[7mSarah Chen\x1b[0m" in shown
        and "\x1b[7m300\x1b[0m" in shown
    )
