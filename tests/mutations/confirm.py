"""Guards of the confirmation of intake briefs (issue 10, item 8), each proven
by the tests named: applied, they make those tests fail."""

MUTATIONS = [
    {
        "name": "confirm: generate writes unconfirmed briefs (the gate is gone)",
        "path": "generator/write/batch.py",
        "old": "if waiting and not unconfirmed:",
        "new": "if False:",
        "tests": [
            "tests/test_confirm_cli.py::test_generate_writes_nothing_for_an_unconfirmed_brief_then_writes_it_once_confirmed",
        ],
    },
    {
        "name": "confirm: the desk takes a confirm/drop/discard without its CSRF token",
        "path": "generator/desk/app.py",
        "old": "        if request.method not in security.SAFE_METHODS and not security.csrf_ok(\n",
        "new": "        if request.method not in security.SAFE_METHODS and not request.path.startswith('/briefs/') and not security.csrf_ok(\n",
        "tests": [
            "tests/test_confirm_desk.py::test_post_without_csrf_token_is_refused_and_changes_nothing",
        ],
    },
    {
        "name": "confirm: dropping a fact leaves its evidence behind",
        "path": "generator/intake/confirm.py",
        "old": '        _drop_evidence(\n            evidence.get("facts"),\n            [brief.facts[i] for i in facts],\n            brief.facts,\n            lambda e: _text(e.get("fact")),\n        )\n',
        "new": "        pass\n",
        "tests": [
            "tests/test_confirm_cli.py::test_confirm_dropping_a_fact_and_a_quote_keeps_evidence_and_the_rest_of_the_file",
        ],
    },
    {
        "name": "confirm: dropping a quote leaves its evidence behind",
        "path": "generator/intake/confirm.py",
        "old": '            evidence.get("quotes"),\n            dropped_quotes,\n            all_quotes,\n            lambda e: (_text(e.get("by")), _text(e.get("text"))),\n',
        "new": '            None, dropped_quotes, all_quotes, lambda e: (_text(e.get("by")), _text(e.get("text")))\n',
        "tests": [
            "tests/test_confirm_cli.py::test_confirm_dropping_a_fact_and_a_quote_keeps_evidence_and_the_rest_of_the_file",
        ],
    },
    {
        "name": "confirm: the desk edits a brief changed since the editor saw it",
        "path": "generator/intake/confirm.py",
        "old": "if expect_sha256 is not None and expect_sha256 != brief.sha256:",
        "new": "if False:",
        "tests": [
            "tests/test_confirm_desk.py::test_a_stale_or_incomplete_form_is_refused",
        ],
    },
    {
        "name": "confirm: fetched text reaches the confirmation page as markup",
        "path": "templates/desk/brief.html",
        "old": '{% if item.sentence %}<blockquote class="evidence" data-testid="evidence">{{ item.sentence }}</blockquote>',
        "new": '{% if item.sentence %}<blockquote class="evidence" data-testid="evidence">{{ item.sentence | safe }}</blockquote>',
        "tests": [
            "tests/test_confirm_desk.py::test_the_pages_list_the_waiting_brief_and_show_evidence_escaped",
        ],
    },
    {
        "name": "confirm: a discarded brief leaves no copy",
        "path": "generator/intake/confirm.py",
        "old": "        write_atomic(copy, raw)  # the copy first",
        "new": "        pass  # the copy first",
        "tests": [
            "tests/test_confirm_cli.py::test_discard_removes_the_brief_keeps_a_copy_and_logs_it",
        ],
    },
    {
        "name": "confirm: a kill between a brief's edit and its log entry is reconciled against the wrong file",
        "path": "generator/review/audit.py",
        "old": 'file = entry["details"].get("file")',
        "new": "file = None",
        "tests": [
            "tests/test_confirm_cli.py::test_the_log_and_the_brief_agree_after_a_kill_mid_command",
        ],
    },
    {
        "name": "confirm: a kill after an edit loses its log entry (the pending entry is not kept until the entry is written)",
        "path": "generator/review/audit.py",
        "old": '    crash_point("after-intent")\n    write()\n',
        "new": '    conn.execute("DELETE FROM audit_pending WHERE id = ?", (pending,))\n    crash_point("after-intent")\n    write()\n',
        "tests": [
            "tests/test_confirm_cli.py::test_the_log_and_the_brief_agree_after_a_kill_mid_command",
        ],
    },
    {
        "name": "confirm: fetched text reaches the terminal with its escape sequences",
        "path": "generator/commands/brief.py",
        "old": 'return _CONTROL.sub(" ", text)',
        "new": "return text",
        "tests": [
            "tests/test_confirm_cli.py::test_list_is_a_table_on_a_terminal_and_fetched_text_cannot_steer_it",
        ],
    },
]
