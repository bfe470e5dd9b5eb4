"""Review: the status machine, revisions and the crash-safe audit log.

workflow.py  approve, reject, revise, publish, unpublish; the audit log; the queries the CLI and the desk share
"""
