"""Guard mutations for intake (issue 10): each entry removes one guard; the
tests named must fail when it is applied (bench/mutations.py runs them)."""

F = "tests/test_intake_fetch.py::"
E = "tests/test_intake_extract.py::"
L = "tests/test_intake_llm.py::"
R = "tests/test_intake_feeds.py::"

MUTATIONS = [
    {
        "name": "intake: private-address guard lets loopback and private addresses through",
        "path": "generator/intake/fetch.py",
        "old": "        if address.is_global and not address.is_multicast:\n            return\n",
        "new": "        return\n",
        "tests": [
            F + "test_guard_refuses_loopback",
            F + "test_guard_refuses_every_non_public_address",
            F + "test_cli_refuses_loopback_feed_unless_allowed",
        ],
    },
    {
        "name": "intake: the guard checks the first URL only, not where redirects lead",
        "path": "generator/intake/fetch.py",
        "old": "        address = self._resolve(origin, host, port)\n",
        "new": "        address = self._resolve(origin, host, port) if url == origin else ipaddress.ip_address(socket.gethostbyname(host))\n",
        "tests": [F + "test_guard_refuses_a_redirect_from_an_allowed_host_to_a_private_address"],
    },
    {
        "name": "intake: any URL scheme is followed (file:// after a redirect)",
        "path": "generator/intake/fetch.py",
        "old": '        if scheme not in {"http", "https"}:\n',
        "new": "        if False:\n",
        "tests": [F + "test_only_http_and_https_even_after_a_redirect"],
    },
    {
        "name": "intake: size cap ignores the announced Content-Length (reads before refusing)",
        "path": "generator/intake/fetch.py",
        "old": "            if length.isdigit() and int(length) > self.max_bytes:\n",
        "new": "            if False:\n",
        "tests": [F + "test_size_cap_refuses_on_the_announced_length_without_reading"],
    },
    {
        "name": "intake: size cap not applied while reading (streamed or gzip bodies)",
        "path": "generator/intake/fetch.py",
        "old": "            if len(out) > self.max_bytes:\n",
        "new": "            if False:\n",
        "tests": [F + "test_size_cap_refuses_before_reading_it_all"],
    },
    {
        "name": "intake: robots.txt ignored",
        "path": "generator/intake/fetch.py",
        "old": "        if parser is not None and not parser.can_fetch(self.agent, url):\n",
        "new": "        if False:\n",
        "tests": [F + "test_robots_txt_is_honoured"],
    },
    {
        "name": "intake: redirect count not capped",
        "path": "generator/intake/fetch.py",
        "old": "                if len(chain) > MAX_REDIRECTS:\n",
        "new": "                if False:\n",
        "tests": [F + "test_redirects_at_most_five_and_loops"],
    },
    {
        "name": "intake: quotes kept without being verbatim in the article",
        "path": "generator/intake/ground.py",
        "old": "        if not by.strip() or not quote_in(text, article_norm):\n",
        "new": "        if not by.strip():\n",
        "tests": [
            E + "test_quotes_are_kept_only_verbatim_with_typography_forgiven",
            L + "test_llm_extraction_keeps_only_what_the_article_backs",
        ],
    },
    {
        "name": "intake: facts kept with figures their evidence sentence lacks",
        "path": "generator/intake/ground.py",
        "old": "    return figures(fact) <= figures(sentence)\n",
        "new": "    return True\n",
        "tests": [
            E + "test_facts_are_kept_only_with_their_sentence_and_every_figure_in_it",
            L + "test_llm_extraction_keeps_only_what_the_article_backs",
        ],
    },
    {
        "name": "intake: facts kept with an evidence sentence the article does not hold",
        "path": "generator/intake/ground.py",
        "old": "    if len(sentence_norm) < 8 or sentence_norm not in article_norm:\n",
        "new": "    if len(sentence_norm) < 8:\n",
        "tests": [
            E + "test_facts_are_kept_only_with_their_sentence_and_every_figure_in_it",
            L + "test_llm_extraction_keeps_only_what_the_article_backs",
        ],
    },
    {
        "name": "intake: people the article never names kept from the LLM",
        "path": "generator/intake/ground.py",
        "old": "            and normalize(p) in article_norm\n",
        "new": "",
        "tests": [L + "test_llm_extraction_keeps_only_what_the_article_backs"],
    },
    {
        "name": "intake: the article reaches the model unfenced",
        "path": "prompts/intake.j2",
        "old": '{{ article | untrusted("article: the news story to read") }}',
        "new": "{{ article.text }}",
        "tests": [L + "test_llm_extraction_keeps_only_what_the_article_backs"],
    },
    {
        "name": "intake: briefs confirmed without an editor",
        "path": "generator/intake/run.py",
        "old": 'data["confirmed"] = bool(self.project.config.intake.auto_confirm)',
        "new": 'data["confirmed"] = True',
        "tests": [R + "test_rss_and_atom_give_one_brief_per_distinct_story"],
    },
    {
        "name": "intake: a thin page (paywall teaser) becomes a brief",
        "path": "generator/intake/run.py",
        "old": "        why = thin(page)\n",
        "new": "        why = None\n",
        "tests": [F + "test_every_failure_is_one_line_and_the_rest_is_taken_in"],
    },
    {
        "name": "intake: the seen-store forgets GUIDs (a re-sent item is taken in again)",
        "path": "generator/intake/seen.py",
        "old": '        keys = [f"url:{canonical_url(u)}" for u in urls] + ([f"guid:{guid}"] if guid else [])\n',
        "new": '        keys = [f"url:{canonical_url(u)}" for u in urls]\n',
        "tests": [R + "test_rss_and_atom_give_one_brief_per_distinct_story"],
    },
    {
        "name": "intake: tracking parameters kept in canonical URLs",
        "path": "generator/intake/seen.py",
        "old": "    query = urlencode(\n        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]\n    )\n",
        "new": "    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)])\n",
        "tests": [
            E + "test_canonical_url_drops_tracking_fragment_and_trailing_slash",
            R + "test_rss_and_atom_give_one_brief_per_distinct_story",
        ],
    },
    {
        "name": "intake: feed validators stored even when an item failed (it would never be retried)",
        "path": "generator/intake/run.py",
        "old": "                if label not in incomplete:\n",
        "new": "                if True:\n",
        "tests": [R + "test_a_failed_item_is_tried_again_next_run"],
    },
    {
        "name": "intake: a known story handed over by URL is fetched (and its discard forgotten)",
        "path": "generator/intake/run.py",
        "old": "            known = None if config is not None or self.again else self.store.match(urls=[url])\n",
        "new": "            known = None\n",
        "tests": ["tests/test_intake_discard.py::test_a_discarded_story_is_never_taken_in_again"],
    },
]
