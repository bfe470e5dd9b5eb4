"""Approvals bound to the text and hand edits as revisions: each guard removed by
one edit, and the tests that must catch it (run by bench/mutations.py; the format
is in its docstring)."""

T = "tests/test_review_edits.py::"

MUTATIONS = [
    # -- the build shows approved text only --------------------------------------------
    {
        "name": "approvals: build: the digest check skipped (a published post's hand edit goes online)",
        "path": "generator/site/gather.py",
        "old": "        if not approval.stands(draft, parsed.content):\n",
        "new": "        if False:\n",
        "tests": [
            T + "test_a_hand_edit_of_a_published_post_never_reaches_the_built_site",
            T + "test_a_fresh_clone_builds_the_approved_text_too",
        ],
    },
    {
        "name": "approvals: build: a post edited after approval is dropped, not shown as approved",
        "path": "generator/site/gather.py",
        "old": "            if copy is not None and not shown_as_draft:",
        "new": "            if False:",
        "tests": [
            T + "test_a_hand_edit_of_a_published_post_never_reaches_the_built_site",
            T + "test_a_fresh_clone_builds_the_approved_text_too",
        ],
    },
    {
        "name": "approvals: build: no line about a post edited since its approval",
        "path": "generator/site/gather.py",
        "old": "                notices.append(line)\n",
        "new": "                pass\n",
        "tests": [T + "test_a_hand_edit_of_a_published_post_never_reaches_the_built_site"],
    },
    {
        "name": "approvals: build: an approved draft edited by hand shown as approved in a drafts build",
        "path": "generator/site/gather.py",
        "old": '                draft = draft.model_copy(update={"status": "draft"})',
        "new": "                pass",
        "tests": [T + "test_an_approved_draft_edited_by_hand_is_shown_only_as_a_draft"],
    },
    {
        "name": "approvals: approval: the digest leaves the body out",
        "path": "generator/review/approval.py",
        "old": '    data["body"] = draft.body.strip()\n',
        "new": '    data["body"] = ""\n',
        "tests": [
            T + "test_a_hand_edit_of_a_published_post_never_reaches_the_built_site",
            T + "test_the_digest_covers_everything_the_page_shows",
        ],
    },
    {
        "name": "approvals: approval: the digest leaves the image and its credit out",
        "path": "generator/review/approval.py",
        "old": '"source", "image", "categories"',
        "new": '"source", "categories"',
        "tests": [T + "test_the_digest_covers_everything_the_page_shows"],
    },
    {
        "name": "approvals: approval: a published copy edited by hand is shown",
        "path": "generator/review/approval.py",
        "old": '    if copy.status != "published" or not matches(copy):\n',
        "new": "    if False:\n",
        "tests": [T + "test_a_hand_edit_of_a_published_post_never_reaches_the_built_site"],
    },
    # -- publish and unpublish -----------------------------------------------------------
    {
        "name": "approvals: publish: text changed since its approval is published",
        "path": "generator/review/workflow.py",
        "old": "        guard=_approved_as_is,\n",
        "new": "        guard=None,\n",
        "tests": [T + "test_publish_refuses_text_changed_since_its_approval"],
    },
    {
        "name": "approvals: publish: no published copy kept (an edit drops the post)",
        "path": "generator/review/workflow.py",
        "old": "        then=store.save_published,",
        "new": "        then=None,",
        "tests": [
            T + "test_a_hand_edit_of_a_published_post_never_reaches_the_built_site",
            T + "test_a_fresh_clone_builds_the_approved_text_too",
        ],
    },
    {
        "name": "approvals: unpublish: the published copy of a post in review stays online",
        "path": "generator/review/workflow.py",
        "old": "        store.remove_published(slug)\n        details.update(",
        "new": "        details.update(",
        "tests": [T + "test_unpublish_takes_down_a_post_whose_edit_is_in_review"],
    },
    {
        "name": "approvals: unpublish: the published copy stays, and comes back when the draft is edited",
        "path": "generator/review/workflow.py",
        "old": '        store.remove_published(slug)\n        return draft.model_copy(update={"status": "approved"})',
        "new": '        return draft.model_copy(update={"status": "approved"})',
        "tests": [T + "test_an_unpublished_post_stays_off_the_site_when_edited"],
    },
    # -- approving ---------------------------------------------------------------------
    {
        "name": "approvals: approve: review.second_editor ignored",
        "path": "generator/review/workflow.py",
        "old": "            if last is not None and last[0].casefold() == who.casefold():",
        "new": "            if False:",
        "tests": [T + "test_second_editor_cannot_approve_their_own_edit"],
    },
    {
        "name": "approvals: approve: a hand edit approved without being recorded as a revision",
        "path": "generator/review/workflow.py",
        "old": "    record_pending(project, slug, by=by)\n    who = editor_name(by, project.root)\n",
        "new": "    who = editor_name(by, project.root)\n",
        "tests": [T + "test_a_review_action_on_a_hand_edited_draft_records_the_edit_first"],
    },
    {
        "name": "approvals: reject: the approval stays (a restore brings a rejected text back approved)",
        "path": "generator/review/workflow.py",
        "old": 'd.model_copy(update={"status": "rejected", "approved": None})',
        "new": 'd.model_copy(update={"status": "rejected"})',
        "tests": [T + "test_a_rejection_withdraws_the_approval"],
    },
    # -- hand edits ------------------------------------------------------------------------
    {
        "name": "approvals: edits: an edit made on a stale revision overwrites the newer one",
        "path": "generator/review/edits.py",
        "old": "        if current.revision != base:\n",
        "new": "        if False:\n",
        "tests": [
            T + "test_an_edit_on_a_stale_revision_is_refused_with_the_diff",
            T + "test_an_edit_over_a_hand_edit_not_yet_recorded_is_refused_and_both_are_kept",
        ],
    },
    {
        "name": "approvals: edits: an edit over an unrecorded hand edit overwrites it (the hand edit is lost)",
        "path": "generator/review/edits.py",
        "old": '    record_pending(project, slug, by=by)\n    return _save(project, "edit"',
        "new": '    return _save(project, "edit"',
        "tests": [
            T + "test_an_edit_over_a_hand_edit_not_yet_recorded_is_refused_and_both_are_kept"
        ],
    },
    {
        "name": "approvals: edits: a new revision replaces text no revision kept (lost on a fresh clone)",
        "path": "generator/review/audit.py",
        "old": "                store.keep(draft)",
        "new": "                pass",
        "tests": [T + "test_a_new_revision_keeps_the_text_it_replaces_where_no_revision_was_kept"],
    },
    {
        "name": "approvals: edits: an edit brings its own approval",
        "path": "generator/review/edits.py",
        "old": 'KEPT = ("slug", "brief", "revision", "provenance", "approved")',
        "new": 'KEPT = ("slug", "brief", "revision", "provenance")',
        "tests": [T + "test_an_edit_cannot_approve_itself"],
    },
    {
        "name": "approvals: edits: an edit keeps the status its text claims (not back to review)",
        "path": "generator/review/edits.py",
        "old": '            update={**{k: getattr(current, k) for k in KEPT}, "status": "draft"}',
        "new": "            update={k: getattr(current, k) for k in KEPT}",
        "tests": [T + "test_an_edit_cannot_approve_itself"],
    },
    {
        "name": "approvals: edits: a hand edit in the file goes unnoticed",
        "path": "generator/review/edits.py",
        "old": "    return approval.digest(recorded) != content\n",
        "new": "    return False\n",
        "tests": [
            T + "test_review_list_tells_hand_edits_and_record_makes_them_revisions",
            T + "test_a_review_action_on_a_hand_edited_draft_records_the_edit_first",
        ],
    },
    {
        "name": "approvals: restore: any revision restored comes back approved",
        "path": "generator/review/edits.py",
        "old": "        if sealed is not None and sealed.digest == content:\n",
        "new": "        if sealed is not None:\n",
        "tests": [T + "test_restore_brings_back_the_approved_text_and_keeps_the_edit"],
    },
]
