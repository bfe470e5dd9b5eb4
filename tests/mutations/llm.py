"""Guard mutations for issue 23 (requests that adapt to what the endpoint says)
and the LLM layer's counting rules: each entry removes or bends one rule; the
named tests must fail when it is applied."""

ADAPT = "tests/test_llm_adapt.py::"

MUTATIONS = [
    # -- adapting to what the endpoint refuses -------------------------------------
    {
        "name": "adapt: max_tokens never renamed max_completion_tokens",
        "path": "generator/llm/openai.py",
        "old": "                learned = replace(now, tokens_param=other)\n",
        "new": "                return False\n",
        "tests": [ADAPT + "test_an_unknown_reasoning_model_is_learned_in_two_calls_and_remembered"],
    },
    {
        "name": "adapt: an unsupported temperature is never dropped",
        "path": "generator/llm/openai.py",
        "old": "                learned = replace(now, temperature=False)\n",
        "new": "                return False\n",
        "tests": [ADAPT + "test_an_unknown_reasoning_model_is_learned_in_two_calls_and_remembered"],
    },
    {
        "name": "adapt: a 422 is not read as a refused request shape (no step-down)",
        "path": "generator/llm/openai.py",
        "old": "REFUSED_STATUS = {400, 422}",
        "new": "REFUSED_STATUS = {400}",
        "tests": [ADAPT + "test_a_422_from_a_validator_steps_the_format_down_and_is_remembered"],
    },
    {
        "name": "adapt: a validator's detail is not read (the parameter it names is missed)",
        "path": "generator/llm/openai.py",
        "old": '        elif "detail" in body:\n',
        "new": '        elif "detail" in body and False:\n',
        "tests": [
            ADAPT + "test_a_422_from_a_validator_steps_the_format_down_and_is_remembered",
            ADAPT
            + "test_a_refusal_naming_nothing_adaptable_fails_at_once_in_the_servers_words[validator-detail-string]",
        ],
    },
    {
        "name": "adapt: any refusal naming max_tokens renames it (even a value out of range)",
        "path": "generator/llm/openai.py",
        "old": '            if param in ("max_tokens", "max_completion_tokens") and refused.unsupported:\n',
        "new": '            if param in ("max_tokens", "max_completion_tokens"):\n',
        "tests": [
            ADAPT
            + "test_a_refusal_naming_nothing_adaptable_fails_at_once_in_the_servers_words[max-tokens-out-of-range]"
        ],
    },
    {
        "name": "adapt: a refusal naming nothing steps the format down anyway",
        "path": "generator/llm/openai.py",
        "old": "            else:\n                return False\n            if learned == now:\n",
        "new": "            else:\n                learned = replace(now, mode=max(now.mode, mode + 1))\n            if learned == now:\n",
        "tests": [
            ADAPT
            + "test_a_refusal_naming_nothing_adaptable_fails_at_once_in_the_servers_words[openai-context-length]"
        ],
    },
    {
        "name": "adapt: what was learned is not kept in the project's state",
        "path": "generator/llm/openai.py",
        "old": "        self.memory.save(\n",
        "new": "        None and self.memory.save(\n",
        "tests": [ADAPT + "test_a_lesson_is_kept_even_when_the_call_then_fails"],
    },
    {
        "name": "adapt: a batch's first calls go out together, each paying for the same lesson",
        "path": "generator/llm/openai.py",
        "old": "        if not self._settled.is_set():\n            with self._probing:\n",
        "new": "        if False:\n            with self._probing:\n",
        "tests": [ADAPT + "test_a_batch_pays_for_each_lesson_once_whatever_its_concurrency"],
    },
    {
        "name": "adapt: OpenAI's reasoning models not known by name",
        "path": "generator/llm/openai.py",
        "old": '_REASONING = re.compile(r"^(o[1-9](-|$)|gpt-5(?!.*-chat))")',
        "new": '_REASONING = re.compile(r"^(o1-preview)")',
        "tests": [
            ADAPT + "test_known_reasoning_models_start_right[o4-mini]",
            ADAPT + "test_known_reasoning_models_start_right[gpt-5-mini]",
        ],
    },
    {
        "name": "settings: llm.temperature null still sends a temperature",
        "path": "generator/llm/openai.py",
        "old": "    if temperature is not None and shape.temperature:\n",
        "new": "    if shape.temperature:\n",
        "tests": [ADAPT + "test_temperature_null_sends_none_and_a_classic_model_keeps_max_tokens"],
    },
    # -- errors in the server's words, with the matching hint -----------------------
    {
        "name": "errors: a 404 on the path blames llm.model",
        "path": "generator/llm/openai.py",
        "old": '            return f"check llm.base_url: {self.endpoint} has no chat/completions"\n',
        "new": '            return f"check llm.model: {self.model!r} is not served at {self.endpoint}"\n',
        "tests": [ADAPT + "test_a_base_url_with_v1_twice_says_to_check_the_base_url"],
    },
    {
        "name": "errors: the body of a non-OpenAI error is not shown",
        "path": "generator/llm/openai.py",
        "old": "        message = text[:300] or str(exc.message)\n",
        "new": "        message = str(exc.message)\n",
        "tests": [
            ADAPT
            + "test_a_refusal_naming_nothing_adaptable_fails_at_once_in_the_servers_words[plain-text-body]"
        ],
    },
    # -- every paid call counts --------------------------------------------------------
    {
        "name": "counting: a failed call's paid answers are left out of its usage",
        "path": "generator/llm/openai.py",
        "old": "            total = spent + (more or Usage())\n",
        "new": "            total = Usage(requests=spent.requests)\n",
        "tests": [
            ADAPT + "test_paid_but_unusable_answers_count_in_the_summary_the_call_log_and_stats",
            ADAPT + "test_the_budget_counts_what_a_failed_job_spent",
        ],
    },
    {
        "name": "counting: the call log writes a failed call at $0",
        "path": "generator/llm/cache.py",
        "old": "            spent = exc.usage if isinstance(exc, CallFailed) else Usage()\n",
        "new": "            spent = Usage()\n",
        "tests": [
            ADAPT + "test_paid_but_unusable_answers_count_in_the_summary_the_call_log_and_stats"
        ],
    },
    {
        "name": "counting: a batch's summary and budget leave out failed calls",
        "path": "generator/llm/meter.py",
        "old": "            self._add(exc.usage, cached=False)\n",
        "new": "            pass\n",
        "tests": [
            ADAPT + "test_paid_but_unusable_answers_count_in_the_summary_the_call_log_and_stats",
            ADAPT + "test_the_budget_counts_what_a_failed_job_spent",
        ],
    },
    {
        "name": "counting: the claim findings of a draft are not handed to the call log",
        "path": "generator/write/compose.py",
        "old": "    backend.record(completion, findings=found)\n",
        "new": "",
        "tests": ["tests/test_stats.py::test_every_figure_of_the_period_by_hand"],
    },
    # -- answers checked, cut-offs bounded -------------------------------------------
    {
        "name": "intake: the extraction answer is not checked against its schema",
        "path": "generator/intake/llm.py",
        "old": "            parse=json_answer(INTAKE_SCHEMA),\n",
        "new": "            parse=json_answer(),\n",
        "tests": [ADAPT + "test_intakes_answer_is_checked_against_its_schema_and_stepped_down"],
    },
    {
        "name": "cut off: the budget doubles past llm.max_tokens_ceiling",
        "path": "generator/llm/openai.py",
        "old": "                budget = min(budget * 2, self.settings.ceiling)\n",
        "new": "                budget = budget * 2\n",
        "tests": [
            ADAPT + "test_a_cut_off_answer_is_asked_again_with_twice_the_budget_up_to_the_ceiling"
        ],
    },
    {
        "name": "cut off: asked again for ever (no ceiling)",
        "path": "generator/llm/openai.py",
        "old": "                if budget >= self.settings.ceiling:\n",
        "new": "                if budget >= 10 * self.settings.ceiling:\n",
        "tests": [
            ADAPT + "test_paid_but_unusable_answers_count_in_the_summary_the_call_log_and_stats"
        ],
    },
]
