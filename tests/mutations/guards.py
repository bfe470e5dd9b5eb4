"""Guard mutations of issue 22: each guard on every path into it and each
condition it combines alone (robots.txt after a redirect, deploy's input
folders, every figure of a fact, each dedupe key, faults at write time, the
sanitizer's fuzzed input). The tests named must fail when the edit is applied."""

G = "tests/test_guards_intake.py::"
D = "tests/test_guards_deploy.py::"
F = "tests/test_faults.py::"
Z = "tests/test_fuzz.py::"

MUTATIONS = [
    # -- robots.txt: direct (intake.py's entry), after a redirect, on another host, from a feed
    {
        "name": "intake: robots.txt not checked where a redirect leads",
        "path": "generator/intake/fetch.py",
        "old": "                if robots:\n                    self.check_robots(target)\n",
        "new": "",
        "tests": [
            G + "test_robots_txt_is_honoured_where_a_redirect_lands_on_the_same_host",
            G + "test_robots_txt_of_the_other_host_is_honoured_after_a_redirect",
            G + "test_a_feed_item_redirected_to_a_disallowed_page_is_skipped",
        ],
    },
    {
        "name": "intake: a redirect to another host is checked against the first host's robots.txt",
        "path": "generator/intake/fetch.py",
        "old": "                    self.check_robots(target)\n",
        "new": "                    self.check_robots(urljoin(url, urlsplit(target).path))\n",
        "tests": [
            G + "test_robots_txt_of_the_other_host_is_honoured_after_a_redirect",
            G + "test_a_feed_item_redirected_to_a_disallowed_page_is_skipped",
        ],
    },
    {
        "name": "intake: one robots.txt read for every host (the cache is not keyed by site)",
        "path": "generator/intake/fetch.py",
        "old": '        origin = f"{parts.scheme}://{parts.netloc}"\n        with self._robots_lock:',
        "new": '        origin = f"{parts.scheme}://{parts.netloc}"\n        origin = next(iter(self._robots), origin)\n        with self._robots_lock:',
        "tests": [G + "test_robots_txt_of_the_other_host_is_honoured_after_a_redirect"],
    },
    # -- deploy: each input of the build alone
    {
        "name": "deploy: a site older than its drafts/ is accepted (drafts/ not an input of the marker)",
        "path": "generator/site/stamp.py",
        "old": 'INPUT_DIRS = ("drafts", "briefs", "templates", "static")\n',
        "new": 'INPUT_DIRS = ("briefs", "templates", "static")\n',
        "tests": [D + "test_a_site_older_than_one_of_its_inputs_is_refused_until_built[a draft]"],
    },
    {
        "name": "deploy: a site older than its briefs/ is accepted (briefs/ not an input of the marker)",
        "path": "generator/site/stamp.py",
        "old": 'INPUT_DIRS = ("drafts", "briefs", "templates", "static")\n',
        "new": 'INPUT_DIRS = ("drafts", "templates", "static")\n',
        "tests": [D + "test_a_site_older_than_one_of_its_inputs_is_refused_until_built[a brief]"],
    },
    {
        "name": "deploy: a site older than its templates/ is accepted (templates/ not an input of the marker)",
        "path": "generator/site/stamp.py",
        "old": 'INPUT_DIRS = ("drafts", "briefs", "templates", "static")\n',
        "new": 'INPUT_DIRS = ("drafts", "briefs", "static")\n',
        "tests": [
            D + "test_a_site_older_than_one_of_its_inputs_is_refused_until_built[a template]"
        ],
    },
    {
        "name": "deploy: a site older than its static/ is accepted (static/ not an input of the marker)",
        "path": "generator/site/stamp.py",
        "old": 'INPUT_DIRS = ("drafts", "briefs", "templates", "static")\n',
        "new": 'INPUT_DIRS = ("drafts", "briefs", "templates")\n',
        "tests": [
            D + "test_a_site_older_than_one_of_its_inputs_is_refused_until_built[a static file]",
            D
            + "test_a_site_older_than_one_of_its_inputs_is_refused_until_built[a static file removed]",
        ],
    },
    {
        "name": "deploy: a site older than its satire.yaml is accepted",
        "path": "generator/site/stamp.py",
        "old": "    return [str(root / CONFIG_NAME), *(str(root / name) for name in INPUT_DIRS)]\n",
        "new": "    return [*(str(root / name) for name in INPUT_DIRS)]\n",
        "tests": [
            D + "test_a_site_older_than_one_of_its_inputs_is_refused_until_built[satire.yaml]",
            D + "test_the_refusal_is_one_line_from_the_cli",
        ],
    },
    {
        "name": "deploy: a file removed from an input folder goes unnoticed (the folder's own mtime not read)",
        "path": "generator/site/stamp.py",
        "old": "        yield path, False\n",
        "new": "        if not os.path.isdir(path):\n            yield path, False\n",
        "tests": [
            D + "test_a_site_older_than_one_of_its_inputs_is_refused_until_built[a brief removed]"
        ],
    },
    {
        "name": "intake: a robots.txt behind a login (401/403) allows everything",
        "path": "generator/intake/fetch.py",
        "old": "                parser.disallow_all = True  # type: ignore[attr-defined]  # the convention urllib follows too\n                return parser\n",
        "new": "                return None\n",
        "tests": [
            G + "test_a_robots_txt_behind_a_login_disallows_everything[401]",
            G + "test_a_robots_txt_behind_a_login_disallows_everything[403]",
        ],
    },
    {
        "name": "run: deploys a site its build left a published post out of (readers lose the post)",
        "path": "generator/pipeline.py",
        "old": '    if run.steps["build"].status == "failed":\n        return skipped("the build failed: the site online is left as it is")\n',
        "new": "",
        "tests": [D + "test_satire_run_does_not_deploy_a_site_its_build_left_a_post_out_of"],
    },
    # -- grounding: every figure of a fact, not one
    {
        "name": "intake: a fact is kept when one of its figures is in its sentence (not every one)",
        "path": "generator/intake/ground.py",
        "old": "    return figures(fact) <= figures(sentence)\n",
        "new": "    return not figures(fact) or bool(figures(fact) & figures(sentence))\n",
        "tests": [
            G + "test_a_fact_is_dropped_when_one_of_its_figures_is_missing_from_its_sentence"
        ],
    },
    # -- dedupe: each key alone
    {
        "name": "intake: the seen-store ignores URLs (only GUID, title and text match)",
        "path": "generator/intake/seen.py",
        "old": '        keys = [f"url:{canonical_url(u)}" for u in urls] + ([f"guid:{guid}"] if guid else [])\n',
        "new": '        keys = [f"guid:{guid}"] if guid else []\n',
        "tests": [
            G + "test_dedupe_by_canonical_url_alone",
            G + "test_a_story_met_again_through_a_redirect_is_not_taken_in_twice",
        ],
    },
    {
        "name": "intake: URLs compared as given, not canonical (host case, port, slash, fragment)",
        "path": "generator/intake/seen.py",
        "old": "        canonical = canonical_url(url)\n        keys = {",
        "new": "        canonical = url\n        keys = {",
        "tests": [G + "test_dedupe_by_canonical_url_alone"],
    },
    {
        "name": "intake: a story is recorded under its canonical URL only (not the URLs it was met by)",
        "path": "generator/intake/seen.py",
        "old": '        keys = {f"url:{canonical}", *(f"url:{canonical_url(u)}" for u in urls)}\n',
        "new": '        keys = {f"url:{canonical}"}\n',
        "tests": [
            G + "test_dedupe_by_canonical_url_alone",
            G + "test_a_story_met_again_through_a_redirect_is_not_taken_in_twice",
        ],
    },
    {
        "name": "intake: a story claimed in this run is not seen by another worker (two feeds, two briefs)",
        "path": "generator/intake/seen.py",
        "old": "            for claim in self._claims:\n                if key in claim.keys:\n",
        "new": "            for claim in []:\n                if key in claim.keys:\n",
        "tests": [G + "test_a_story_claimed_by_one_worker_is_seen_by_another_in_the_same_run"],
    },
    {
        "name": "intake: GUIDs not recorded with the story",
        "path": "generator/intake/seen.py",
        "old": '        if guid:\n            keys.add(f"guid:{guid}")\n',
        "new": "",
        "tests": [G + "test_dedupe_by_guid_alone"],
    },
    {
        "name": "intake: near-duplicate titles not compared",
        "path": "generator/intake/seen.py",
        "old": "                and title_similarity(tkey, other_title) >= TITLE_SIMILAR\n",
        "new": "                and False\n",
        "tests": [G + "test_dedupe_by_near_duplicate_title_alone"],
    },
    {
        "name": "intake: near-duplicate texts not compared",
        "path": "generator/intake/seen.py",
        "old": "            elif mark and other_sketch and sketch_similarity(mark, other_sketch) >= TEXT_SIMILAR:\n",
        "new": "            elif False:\n",
        "tests": [G + "test_dedupe_by_near_duplicate_text_alone"],
    },
    {
        "name": "intake: a two-word title matches any title sharing its words (no length floor)",
        "path": "generator/intake/seen.py",
        "old": "                and len(tkey.split()) >= 4\n",
        "new": "",
        "tests": [G + "test_dedupe_by_near_duplicate_title_alone"],
    },
    # -- faults: a full disk, a read-only folder, a busy database
    {
        "name": "drafts: a revision is kept when its draft could not be written (history claims a draft that never was)",
        "path": "generator/drafts.py",
        "old": "            with contextlib.suppress(OSError):\n                revision.unlink()\n",
        "new": "            pass\n",
        "tests": [
            F + "test_generate_on_a_full_or_read_only_disk_writes_no_draft_and_no_revision[ENOSPC]",
            F + "test_a_revision_that_cannot_be_written_leaves_the_draft_and_its_history",
        ],
    },
    {
        "name": "fsutil: a failed atomic write leaves its temp file behind",
        "path": "generator/infra/fsutil.py",
        "old": "        with contextlib.suppress(FileNotFoundError):\n            os.unlink(tmp)\n",
        "new": "        pass\n",
        "tests": [
            F + "test_an_approval_that_cannot_be_written_is_not_logged[ENOSPC]",
            F + "test_a_confirmation_that_cannot_be_written_is_not_logged[EROFS]",
        ],
    },
    {
        "name": "cli: a full disk or read-only folder shows as an internal error",
        "path": "generator/cli.py",
        "old": "    if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:\n",
        "new": "    if False:\n",
        "tests": [
            F + "test_an_approval_that_cannot_be_written_is_not_logged[EROFS]",
            F
            + "test_a_build_cut_short_by_the_disk_leaves_whole_pages_and_is_finished_next_time[ENOSPC]",
        ],
    },
    {
        "name": "cli: a busy state database shows as an internal error",
        "path": "generator/cli.py",
        "old": '    if type(exc).__name__ == "OperationalError" and BUSY.search(str(exc)):\n',
        "new": "    if False:\n",
        "tests": [
            F + "test_a_command_kept_waiting_too_long_says_so_in_one_line_and_changes_nothing"
        ],
    },
    {
        "name": "state: no wait for a busy database (a desk action during satire run fails at once)",
        "path": "generator/infra/state.py",
        "old": "BUSY_TIMEOUT = 30.0\n",
        "new": "BUSY_TIMEOUT = 0.0\n",
        "tests": [F + "test_review_actions_wait_for_a_busy_state_database_and_lose_no_entry"],
    },
    {
        "name": "review: the entry is logged before the draft is written (a refused write is logged as done)",
        "path": "generator/review/audit.py",
        "old": '    crash_point("after-intent")\n    write()\n    crash_point("after-draft")\n    conn.execute("BEGIN IMMEDIATE")\n    _append(conn, entry)\n    conn.execute("DELETE FROM audit_pending WHERE id = ?", (pending,))\n    conn.execute("COMMIT")\n',
        "new": '    conn.execute("BEGIN IMMEDIATE")\n    _append(conn, entry)\n    conn.execute("DELETE FROM audit_pending WHERE id = ?", (pending,))\n    conn.execute("COMMIT")\n    write()\n',
        "tests": [
            F + "test_an_approval_that_cannot_be_written_is_not_logged[ENOSPC]",
            F + "test_a_confirmation_that_cannot_be_written_is_not_logged[ENOSPC]",
        ],
    },
    # -- fuzzed input: one line per problem, nothing active through the sanitizer
    {
        "name": "errors: a key or value holding a line break splits an error over two lines",
        "path": "generator/errors.py",
        "old": '        self.field = (one_line(field) if field.strip() == field else repr(field)) or "(document)"\n        self.problem = one_line(message)\n',
        "new": '        self.field = field or "(document)"\n        self.problem = message\n',
        "tests": [Z + "test_the_brief_loader_returns_a_brief_or_one_line_per_problem"],
    },
    {
        "name": "sanitizer: event handlers kept (on* attributes on any tag)",
        "path": "generator/site/markup.py",
        "old": "        attributes=ATTRIBUTES,\n",
        "new": '        attributes=ATTRIBUTES,\n        generic_attribute_prefixes={"on"},\n',
        "tests": [Z + "test_no_script_event_handler_or_javascript_url_survives_the_sanitizer"],
    },
    {
        "name": "sanitizer: body HTML not sanitized at all",
        "path": "generator/site/markup.py",
        "old": "    html = valid_html(sanitize(to_html(text)))\n",
        "new": "    html = valid_html(to_html(text))\n",
        "tests": [
            Z + "test_no_script_event_handler_or_javascript_url_survives_the_sanitizer",
            Z + "test_each_known_attack_alone_is_neutralized",
        ],
    },
    {
        "name": "sanitizer: javascript: URLs accepted (the fuzzed bodies)",
        "path": "generator/site/markup.py",
        "old": 'URL_SCHEMES = {"http", "https", "mailto"}',
        "new": 'URL_SCHEMES = {"http", "https", "mailto", "javascript"}',
        "tests": [Z + "test_no_script_event_handler_or_javascript_url_survives_the_sanitizer"],
    },
]
