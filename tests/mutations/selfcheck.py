"""Guard mutations for issue 11 (the writer checks itself): each entry removes or
bends one guard; the named tests must fail when it is applied."""

MUTATIONS = [
    {
        "name": "self-check: keeps the last draft instead of the one with the fewest findings",
        "path": "generator/write/compose.py",
        "old": "        if len(found) >= len(best_claims):\n            break  # no better: keep the earlier draft, and stop asking\n        best, best_claims = candidate, found\n",
        "new": "        stop = len(found) >= len(best_claims)\n        best, best_claims = candidate, found\n        if stop:\n            break\n",
        "tests": [
            "tests/test_self_check.py::test_a_writer_that_never_fixes_costs_one_round_and_the_original_is_kept",
            "tests/test_self_check.py::test_a_worse_fix_is_not_kept_and_the_loop_stops_early",
        ],
    },
    {
        "name": "self-check: one round more than llm.self_check_rounds",
        "path": "generator/write/compose.py",
        "old": "    while best_claims and done < limit:",
        "new": "    while best_claims and done <= limit:",
        "tests": ["tests/test_self_check.py::test_rounds_are_bounded_and_the_fewest_findings_win"],
    },
    {
        "name": "self-check: goes on after a round that did not reduce the findings",
        "path": "generator/write/compose.py",
        "old": "            break  # no better: keep the earlier draft, and stop asking",
        "new": "            continue",
        "tests": [
            "tests/test_self_check.py::test_a_worse_fix_is_not_kept_and_the_loop_stops_early"
        ],
    },
    {
        "name": "self-check: the budget does not hold the fix requests",
        "path": "generator/write/compose.py",
        "old": "        if afford is not None and not afford(request):\n            break\n",
        "new": "",
        "tests": ["tests/test_self_check.py::test_the_budget_holds_the_fix_requests_too"],
    },
    {
        "name": "self-check prompt: the current draft is not fenced as untrusted",
        "path": "prompts/self_check.j2",
        "old": '{{ draft_data | untrusted("current draft") }}',
        "new": "{{ draft_data }}",
        "tests": [
            "tests/test_self_check.py::test_the_fix_request_lists_each_finding_with_the_brief_backing_and_keeps_brief_and_draft_fenced"
        ],
    },
    {
        "name": "self-check prompt: the brief is not fenced as untrusted",
        "path": "prompts/self_check.j2",
        "old": '{{ brief_data | untrusted("source material: the news brief") }}',
        "new": "{{ brief_data }}",
        "tests": [
            "tests/test_self_check.py::test_the_fix_request_lists_each_finding_with_the_brief_backing_and_keeps_brief_and_draft_fenced"
        ],
    },
    {
        "name": "fact check: a translated quote passes unreported offline",
        "path": "generator/check/factcheck.py",
        "old": '        return (\n            "translation",\n            f"quote translated from the brief: compare with the original ({shown})",\n        )\n',
        "new": '        return Judgement(True, "not checked", "nobody")\n',
        "tests": [
            "tests/test_factcheck.py::test_translated_quote_without_a_verifier_is_a_translation_finding_showing_the_original",
            "tests/test_factcheck_corpus.py::test_corpus_recall_and_false_flags",
        ],
    },
    {
        "name": "fact check: a translation the LLM judges unfaithful passes",
        "path": "generator/check/factcheck.py",
        "old": "    if judged.same:\n        return judged",
        "new": "    if True:\n        return judged",
        "tests": [
            "tests/test_factcheck.py::test_a_verifier_judges_translated_quotes_yes_is_no_finding_no_is_a_quote_finding",
            "tests/test_factcheck_corpus.py::test_corpus_with_translations_judged_by_the_llm",
        ],
    },
    {
        "name": "fact check: a failing verifier lets the translated quote pass",
        "path": "generator/check/factcheck.py",
        "old": '        return (\n            "translation",\n            f"quote translated from the brief, not verified ({\' \'.join(exc.format_message().split())[:160]}): compare with the original ({shown})",\n        )\n',
        "new": '        return Judgement(True, "", "")\n        f"({\' \'.join(exc.format_message().split())[:160]}): compare with the original ({shown})"\n',
        "tests": ["tests/test_factcheck.py::test_a_failing_verifier_leaves_a_translation_finding"],
    },
    {
        "name": "approve: a claim finding no longer needs --ack",
        "path": "generator/review/workflow.py",
        "old": "        if claims and not ack:",
        "new": "        if claims and not ack and not claims:",
        "tests": ["tests/test_advisory.py::test_approving_needs_ack_for_claims_only"],
    },
    {
        "name": "approve: translation and style notes block like claims",
        "path": "generator/check/factcheck.py",
        "old": "        return self.kind in CLAIM_KINDS",
        "new": "        return True",
        "tests": [
            "tests/test_advisory.py::test_approving_needs_ack_for_claims_only",
            "tests/test_factcheck.py::test_translated_quote_without_a_verifier_is_a_translation_finding_showing_the_original",
        ],
    },
    {
        "name": "desk: translation and style notes ask for the acknowledgement",
        "path": "templates/desk/draft.html",
        "old": '        {% if findings %}\n        <label class="ack">',
        "new": '        {% if findings or view.advisory %}\n        <label class="ack">',
        "tests": [
            "tests/test_desk_notes_browser.py::test_desk_shows_translation_and_style_apart_and_approves_them_without_ack"
        ],
    },
    {
        "name": "translation prompt: the quotes are not fenced as untrusted",
        "path": "prompts/verify_translation.j2",
        "old": '{{ pair | untrusted("the two quotes") }}',
        "new": "{{ pair }}",
        "tests": [
            "tests/test_factcheck_corpus.py::test_corpus_with_translations_judged_by_the_llm"
        ],
    },
]
