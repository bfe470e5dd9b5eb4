"""The core's guards, each removed by one edit, and the tests that must catch it
(run by bench/mutations.py; the format is in its docstring)."""

MUTATIONS = [
    # -- the review desk -----------------------------------------------------------
    {
        "name": "desk: Host check gone (DNS rebinding)",
        "path": "generator/desk/security.py",
        "old": "        if not proxied and not self.host_allowed(host, scheme=request.scheme):\n",
        "new": "        if False:\n",
        "tests": [
            "tests/test_desk_security.py::test_foreign_host_is_refused_against_dns_rebinding"
        ],
    },
    {
        "name": "desk: Origin check gone",
        "path": "generator/desk/security.py",
        "old": "        if origin is not None and origin.lower() != f\"{request.scheme}://{(host or '').lower()}\":\n",
        "new": "        if False:\n",
        "tests": [
            "tests/test_desk_security.py::test_post_with_foreign_origin_is_refused_and_changes_nothing"
        ],
    },
    {
        "name": "desk: cross-site Sec-Fetch-Site accepted",
        "path": "generator/desk/security.py",
        "old": 'fetch_site not in (None, "same-origin", "none")',
        "new": "False",
        "tests": ["tests/test_desk_security.py::test_cross_site_post_is_refused"],
    },
    {
        "name": "desk: CSRF token not checked",
        "path": "generator/desk/security.py",
        "old": "    return browser is not None and hmac.compare_digest(\n        sent.encode(), csrf_token(secret, browser).encode()\n    )\n",
        "new": "        return True\n",
        "tests": [
            "tests/test_desk_security.py::test_post_without_csrf_token_is_refused_and_changes_nothing",
            "tests/test_desk_security.py::test_token_of_another_browser_is_refused",
        ],
    },
    # -- the site: sanitizer and labels ---------------------------------------------
    {
        "name": "sanitizer: javascript: URLs accepted",
        "path": "generator/site/markup.py",
        "old": 'URL_SCHEMES = {"http", "https", "mailto"}',
        "new": 'URL_SCHEMES = {"http", "https", "mailto", "javascript"}',
        "tests": ["tests/test_site_markup.py::test_sanitizer_removes_every_active_thing"],
    },
    {
        "name": "brief: an image path climbing out of static/ with '..' accepted",
        "path": "generator/brief.py",
        "old": '        if value.startswith("/") or ".." in parts or ":" in value:\n',
        "new": '        if value.startswith("/") or ":" in value:\n',
        "tests": [
            "tests/test_briefs.py::test_bad_brief_gives_one_located_line[image_traversal_src]"
        ],
    },
    {
        "name": "build: a draft's source link not checked (a javascript: link reaches the page)",
        "path": "generator/site/gather.py",
        "old": "    problem = check_draft(draft, file)  # a draft that fails it is not cached: it is checked again\n",
        "new": "    problem = None\n",
        "tests": ["tests/test_site_build.py::test_bad_draft_is_reported_and_the_rest_built"],
    },
    {
        "name": "labels: disclaimer check skipped",
        "path": "generator/site/labels.py",
        "old": "        problems.append(\n            'the satire disclaimer (an element with data-satire=\"disclaimer\" holding the disclaimer text)'\n        )\n",
        "new": "        pass\n",
        "tests": [
            "tests/test_site_build.py::test_theme_override_without_labels_fails_naming_template[no-disclaimer]",
            "tests/test_site_build.py::test_theme_override_without_labels_fails_naming_template[empty-disclaimer]",
        ],
    },
    {
        "name": "labels: image-credit check skipped",
        "path": "generator/site/labels.py",
        "old": "    if post.image and post.image.credit:\n",
        "new": "    if False:\n",
        "tests": [
            "tests/test_site_build.py::test_theme_override_without_labels_fails_naming_template[no-credit]",
            "tests/test_site_build.py::test_theme_override_without_labels_fails_naming_template[empty-credit]",
        ],
    },
    {
        "name": "labels: source-attribution check skipped",
        "path": "generator/site/labels.py",
        "old": "        problems.append(\n            f'the source attribution (an element with data-satire=\"source\" linking to {post.source_url})'\n        )\n",
        "new": "        pass\n",
        "tests": [
            "tests/test_site_build.py::test_theme_override_without_labels_fails_naming_template[no-source]"
        ],
    },
    {
        "name": "labels: SatiricalArticle JSON-LD check skipped",
        "path": "generator/site/labels.py",
        "old": "    if not _jsonld_ok(page, post.source_url):\n",
        "new": "    if False:\n",
        "tests": ["tests/test_site_build.py::test_theme_override_without_satirical_jsonld_fails"],
    },
    # -- the LLM client -----------------------------------------------------------
    {
        "name": "openai: retry-after ignored (both forms)",
        "path": "generator/llm/openai.py",
        "old": '    raw: str | None = headers.get("retry-after")\n',
        "new": "    raw: str | None = None\n",
        "tests": [
            "tests/test_generate_openai.py::test_429_waits_as_long_as_the_server_says[retry-after-seconds]",
            "tests/test_generate_openai.py::test_429_waits_as_long_as_the_server_says[retry-after-http-date]",
        ],
    },
    {
        "name": "openai: retry-after in seconds ignored",
        "path": "generator/llm/openai.py",
        "old": "        return min(MAX_WAIT, max(0.0, float(raw)))\n",
        "new": "        return None if float(raw) >= 0 else None\n",
        "tests": [
            "tests/test_generate_openai.py::test_429_waits_as_long_as_the_server_says[retry-after-seconds]"
        ],
    },
    {
        "name": "openai: retry-after as an HTTP date ignored",
        "path": "generator/llm/openai.py",
        "old": "    return min(MAX_WAIT, max(0.0, parsed.timestamp() - time.time()))\n",
        "new": "    return None\n",
        "tests": [
            "tests/test_generate_openai.py::test_429_waits_as_long_as_the_server_says[retry-after-http-date]"
        ],
    },
    {
        "name": "openai: retry-after-ms ignored",
        "path": "generator/llm/openai.py",
        "old": '    raw_ms: str | None = headers.get("retry-after-ms")\n',
        "new": "    raw_ms: str | None = None\n",
        "tests": [
            "tests/test_generate_openai.py::test_429_waits_as_long_as_the_server_says[retry-after-ms]"
        ],
    },
    {
        "name": "openai: the API key left in error messages",
        "path": "generator/llm/openai.py",
        "old": '            text = text.replace(self._secret, "[key]")\n',
        "new": "            text = text\n",
        "tests": ["tests/test_generate_batch.py::test_api_key_is_never_written_or_printed"],
    },
    # -- prompts ------------------------------------------------------------------
    {
        "name": "prompts: a fixed ``` fence the brief can close",
        "path": "generator/write/prompts.py",
        "old": '    fence = "`" * max(3, longest + 1)\n',
        "new": '    fence = "```"\n',
        "tests": ["tests/test_generate_batch.py::test_prompt_injection_stays_fenced_data"],
    },
    {
        "name": "prompts: the writer gets the brief unfenced",
        "path": "prompts/write.j2",
        "old": '{{ brief_data | untrusted("source material: the news brief") }}',
        "new": "{{ brief_data | tojson }}",
        "tests": ["tests/test_generate_batch.py::test_prompt_injection_stays_fenced_data"],
    },
    {
        "name": "commands: --style accepts a style the project does not have (generate, eval)",
        "path": "generator/commands/__init__.py",
        "old": "    if name not in known:\n",
        "new": "    if False:\n",
        "tests": [
            "tests/test_generate_batch.py::test_unknown_style_option_is_bad_usage[generate]",
            "tests/test_generate_batch.py::test_unknown_style_option_is_bad_usage[eval]",
        ],
    },
    # -- drafts, review, preview --------------------------------------------------
    {
        "name": "fsutil: drafts written in place, not through a temp file and a rename",
        "path": "generator/infra/fsutil.py",
        "old": '    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")\n',
        "new": "    fd, tmp = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), str(path)\n",
        "tests": [
            "tests/test_review.py::test_audit_log_and_draft_agree_after_a_kill_mid_command[mid-write]",
            "tests/test_generate_batch.py::test_a_kill_half_way_through_a_write_leaves_every_file_whole",
        ],
    },
    {
        "name": "drafts: the store writes a draft without the atomic writer",
        "path": "generator/drafts.py",
        "old": "        path = self.path(draft.slug)\n        write_atomic(path, draft.to_text())\n",
        "new": '        path = self.path(draft.slug)\n        path.write_text(draft.to_text(), encoding="utf-8")\n',
        "tests": [
            "tests/test_review.py::test_audit_log_and_draft_agree_after_a_kill_mid_command[mid-write]"
        ],
    },
    {
        "name": "review: approve without --ack on findings",
        "path": "generator/review/workflow.py",
        "old": "        if claims and not ack:\n",
        "new": "        if False:\n",
        "tests": [
            "tests/test_review.py::test_approve_with_findings_needs_ack_and_logs_them",
            "tests/test_desk_security.py::test_approval_with_findings_needs_acknowledgement",
        ],
    },
    {
        "name": "review: a wrong status table (a rejected draft may be published)",
        "path": "generator/review/workflow.py",
        "old": '    "publish": (("approved",), "published"),\n',
        "new": '    "publish": (("approved", "rejected"), "published"),\n',
        "tests": [
            "tests/test_review.py::test_every_move_in_the_table_is_exercised_and_every_other_refused"
        ],
    },
    {
        "name": "serve: path traversal guard gone",
        "path": "generator/serve.py",
        "old": "        if not target.is_relative_to(out):\n",
        "new": "        if False:\n",
        "tests": [
            "tests/test_serve.py::test_a_path_escaping_the_preview_root_is_404",
            "tests/test_serve.py::test_a_symlink_out_of_the_preview_root_is_not_followed",
        ],
    },
    # -- this proof's own tool ---------------------------------------------------
    {
        "name": "mutations runner: an entry's path may leave the copy",
        "path": "bench/mutations.py",
        "old": "    elif not (repo / mutation.path).resolve().is_relative_to(repo):\n",
        "new": "    elif False:\n",
        "tests": [
            "tests/test_mutations_runner.py::test_runner_kills_a_real_mutation_and_reports_the_rest"
        ],
    },
]
