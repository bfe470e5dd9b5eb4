"""Plumbing every stage uses: the clock, state (SQLite), atomic files, YAML
reading and round-trip editing, validation against pydantic models, built-in
resources, and the `satire init` scaffold.
"""
