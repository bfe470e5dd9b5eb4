"""The persistent render cache: sanitized post bodies keyed by the hash of
their inputs, in the `render_cache` table of `.satire/state.db`, so a rebuild
renders Markdown only for posts whose text changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from generator import state
from generator.config import Project

CHUNK = 500  # keys per SELECT: under SQLite's variable limit


class RenderCache:
    """get_many/put_many over one connection; a no-op when disabled."""

    def __init__(self, project: Project, *, enabled: bool = True) -> None:
        self.conn: sqlite3.Connection | None = state.connect(project.state_dir) if enabled else None

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        if self.conn is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT key, value FROM render_cache WHERE key IN ({marks})", chunk):
                value = row[1]
                found[row[0]] = value.decode("utf-8") if isinstance(value, bytes) else value
        return found

    def put_many(self, items: dict[str, str]) -> None:
        if self.conn is None or not items:
            return
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany("INSERT OR REPLACE INTO render_cache (key, value) VALUES (?, ?)", [(k, v.encode("utf-8")) for k, v in items.items()])

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
