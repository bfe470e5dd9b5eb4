"""The call log's guards: every LLM call, intake's included, is one row of `llm_calls` with its cost."""

MUTATIONS = [
    {
        "name": "intake: its extraction calls the backend directly (no cache, no call log)",
        "path": "generator/intake/llm.py",
        "old": "            completion = self.backend.complete(request)\n",
        "new": "            completion = self.backend.inner.complete(request)\n",
        "tests": [
            "tests/test_intake_llm.py::test_intake_calls_are_in_the_call_log_with_their_cost_and_are_not_drafts",
            "tests/test_pipeline_intake.py::test_run_records_what_intakes_llm_calls_cost_on_its_intake_step",
        ],
    },
    {
        "name": "call log: a successful call (draft, judge, intake) is not logged",
        "path": "generator/llm/cache.py",
        "old": "        completion.call_id = self._log(\n",
        "new": "        completion.call_id = None and self._log(\n",
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
