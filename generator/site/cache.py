"""The persistent render cache: sanitized post bodies keyed by the hash of
their inputs, in the `render_cache` table of `.satire/state.db`, so a rebuild
renders Markdown only for posts whose text changed."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable

from generator.config import Project
from generator.infra import state

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
            for row in self.conn.execute(
                f"SELECT key, value FROM render_cache WHERE key IN ({marks})", chunk
            ):
                value = row[1]
                found[row[0]] = value.decode("utf-8") if isinstance(value, bytes) else value
        return found

    def put_many(self, items: dict[str, str]) -> None:
        if self.conn is None or not items:
            return
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany(
                "INSERT OR REPLACE INTO render_cache (key, value) VALUES (?, ?)",
                [(k, v.encode("utf-8")) for k, v in items.items()],
            )

    def present(self, keys: Iterable[str]) -> set[str]:
        """Which of `keys` the cache holds (without reading their values)."""
        if self.conn is None:
            return set()
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT key FROM render_cache WHERE key IN ({marks})", chunk
                )
            )
        return found

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Bodies:
    """Sanitized post bodies by key: read from the render cache one page at a
    time (each process opens its own connection), or kept in memory when the
    cache is off."""

    def __init__(self, project: Project, *, enabled: bool = True) -> None:
        self.state_dir = project.state_dir
        self.enabled = enabled
        self.memory: dict[str, str] = {}
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def put_many(self, items: dict[str, str], cache: RenderCache) -> None:
        if self.enabled:
            cache.put_many(items)
        else:
            self.memory.update(items)

    def get(self, key: str) -> str:
        if key in self.memory:
            return self.memory[key]
        if self._conn is None or self._pid != os.getpid():  # a forked worker opens its own
            self._conn = state.connect_worker(state.db_path(self.state_dir))
            self._pid = os.getpid()
        row = self._conn.execute("SELECT value FROM render_cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(f"body {key} is missing from the render cache")
        value = row[0]
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None
