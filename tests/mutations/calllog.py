"""The call log's guards: every LLM call, intake's included, is one row of `llm_calls` with its cost."""

MUTATIONS = [
    {
        "name": "intake: its extraction calls the backend directly (no cache, no call log)",
        "path": "generator/intake/llm.py",
        "old": (
            "answer = self.backend.ask_json(\n"
            '            messages, item=url, kind="intake", schema=INTAKE_SCHEMA, name="intake_brief", max_tokens=self.project.config.llm.max_tokens,\n'
            "            temperature=0.0, style=style, language=language,\n"
            "        )"
        ),
        "new": 'answer = self.backend.inner.ask_json(messages, schema=INTAKE_SCHEMA, name="intake_brief", max_tokens=self.project.config.llm.max_tokens, temperature=0.0)',
        "tests": [
            "tests/test_intake_llm.py::test_intake_calls_are_in_the_call_log_with_their_cost_and_are_not_drafts",
            "tests/test_pipeline_intake.py::test_run_records_what_intakes_llm_calls_cost_on_its_intake_step",
        ],
    },
    {
        "name": "call log: a JSON answer (judge, intake) is not logged when it succeeds",
        "path": "generator/llm/cache.py",
        "old": '        self._write_log(\n            item,\n            kind,\n            style,\n            language,\n            answer.model,\n            answer.tokens_in,\n            answer.tokens_out,\n            answer.latency_ms,\n            answer.cost_usd,\n            answer.cached,\n            "ok",\n            None,\n        )\n',
        "new": "",
        "tests": [
            "tests/test_intake_llm.py::test_intake_calls_are_in_the_call_log_with_their_cost_and_are_not_drafts"
        ],
    },
    {
        "name": "stats: intake's calls counted as drafts written",
        "path": "generator/measure/stats.py",
        "old": 'if call.ok and call.kind == "write":',
        "new": 'if call.ok and call.kind in ("write", "intake"):',
        "tests": [
            "tests/test_intake_llm.py::test_intake_calls_are_in_the_call_log_with_their_cost_and_are_not_drafts"
        ],
    },
]
