"""Review: what editors do to drafts, in the order a draft meets them.

workflow.py  the status machine: approve, reject, revise, publish, unpublish
approval.py  an approval bound to the text (its digest); what the site shows of a post edited since
edits.py     hand edits as revisions: edit_text, record, restore, edit_state, stale edits
listing.py   `review list`: drafts with status, fact-check count and edit state
queries.py   a draft's brief, its fact check, diffs between revisions
audit.py     the crash-safe audit log, and the one way a draft is changed (change_draft)
"""
