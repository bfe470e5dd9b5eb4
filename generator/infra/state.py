"""Local state in `.satire/state.db` (SQLite): the LLM response cache, the
per-call run log, what each LLM endpoint takes, the review audit log, the
build's render cache and locks.

Schema changes are numbered migrations, applied in order and recorded in
`PRAGMA user_version`; append new ones, never edit old ones. WAL mode and a
busy timeout let a CLI run, the preview server and the desk share the file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE llm_cache (
        key TEXT PRIMARY KEY,          -- sha256 of the canonical request
        response TEXT NOT NULL,        -- JSON of the Completion
        created_at TEXT NOT NULL
    );
    CREATE TABLE llm_calls (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        at TEXT NOT NULL,
        item TEXT NOT NULL,            -- the brief or draft the call was for
        backend TEXT NOT NULL,
        model TEXT NOT NULL,
        tokens_in INTEGER NOT NULL DEFAULT 0,
        tokens_out INTEGER NOT NULL DEFAULT 0,
        latency_ms INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL NOT NULL DEFAULT 0,
        cached INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL          -- ok, or the error class and message
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        slug TEXT NOT NULL,
        revision INTEGER,
        note TEXT,
        details TEXT                   -- JSON: e.g. acknowledged findings
    );
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TABLE render_cache (
        key TEXT PRIMARY KEY,          -- sha256 of a render's inputs
        value BLOB NOT NULL
    );
    """,
    # 2: review moves in flight (review/audit.py): written before the draft, cleared
    # with the audit entry, so a crash between the two is recovered on next run
    """
    CREATE TABLE audit_pending (
        id INTEGER PRIMARY KEY,
        slug TEXT NOT NULL,
        before_sha TEXT,               -- sha256 of the draft file before the move (NULL: none)
        after_sha TEXT NOT NULL,       -- sha256 of the draft file the move writes
        entry TEXT NOT NULL            -- JSON of the audit_log row to append once it is written
    );
    """,
    # 3: (issue 14) what each call was for, logged with it, so `satire stats` can
    # attribute calls without bookkeeping of its own: the request's kind (write,
    # revise, judge...), style and language, and the claim findings of the draft
    # the call returned (NULL: not a draft, or not checked)
    """
    ALTER TABLE llm_calls ADD COLUMN kind TEXT;
    ALTER TABLE llm_calls ADD COLUMN style TEXT;
    ALTER TABLE llm_calls ADD COLUMN language TEXT;
    ALTER TABLE llm_calls ADD COLUMN findings INTEGER;
    """,
    # 4: (issue 13) `satire run`: one row per run and per step; what each
    # notification channel has announced, so no draft is announced twice
    """
    CREATE TABLE pipeline_runs (
        id TEXT PRIMARY KEY,           -- also the run_id of its rows in llm_calls
        started_at TEXT NOT NULL,
        finished_at TEXT,              -- NULL while running (or when killed)
        status TEXT NOT NULL,          -- running, ok, failed, interrupted
        offline INTEGER NOT NULL DEFAULT 0,
        seconds REAL,
        cost_usd REAL NOT NULL DEFAULT 0,
        summary TEXT
    );
    CREATE TABLE pipeline_steps (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES pipeline_runs(id),
        step TEXT NOT NULL,            -- intake, generate, factcheck, build, deploy, notify
        status TEXT NOT NULL,          -- ok, failed, skipped
        summary TEXT NOT NULL,
        seconds REAL NOT NULL,
        cost_usd REAL NOT NULL DEFAULT 0,  -- from the llm_calls rows the step added
        details TEXT                   -- JSON: e.g. the drafts written
    );
    CREATE TABLE notified_drafts (
        channel TEXT NOT NULL,         -- webhook or email
        slug TEXT NOT NULL,
        revision INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        at TEXT NOT NULL,
        state TEXT NOT NULL,           -- sending (recorded before the send), sent
        PRIMARY KEY (channel, slug, revision)
    );
    """,
    # 5: (issue 10) intake's seen-store: every story taken in (or skipped for
    # good), the URL and GUID keys that name it, and feeds' HTTP validators
    """
    CREATE TABLE intake_stories (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,             -- canonical URL
        feed TEXT,
        title TEXT NOT NULL DEFAULT '',
        title_key TEXT NOT NULL DEFAULT '', -- normalized title words, for near-duplicates
        sketch TEXT NOT NULL DEFAULT '',    -- bottom-k shingle hashes of the text, for near-duplicates
        brief TEXT,                    -- the brief written (NULL: skipped for good)
        outcome TEXT NOT NULL,         -- brief | skipped: why
        seen_at TEXT NOT NULL
    );
    CREATE TABLE intake_keys (
        key TEXT PRIMARY KEY,          -- url:<canonical form> or guid:<guid>
        story INTEGER NOT NULL REFERENCES intake_stories(id)
    );
    CREATE TABLE intake_http (
        url TEXT PRIMARY KEY,          -- a feed's URL
        etag TEXT,
        last_modified TEXT,
        updated_at TEXT NOT NULL
    );
    """,
    # 6: (issue 23) what an endpoint and model were learned to take, from the
    # errors they answered, so the next run sends the right request at once
    """
    CREATE TABLE llm_endpoints (
        base_url TEXT NOT NULL,
        model TEXT NOT NULL,
        shape TEXT NOT NULL,           -- JSON of llm.openai.Shape
        said TEXT NOT NULL,            -- the error that taught the latest change
        updated_at TEXT NOT NULL,
        PRIMARY KEY (base_url, model)
    );
    """,
    # 7: (issue 19) the desk for a team: accounts (a memory-hard hash, never the
    # password), server-side sessions (only a hash of the cookie's id is kept),
    # failed sign-ins for throttling, and the secret CSRF tokens are made with
    """
    CREATE TABLE desk_accounts (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        role TEXT NOT NULL,            -- writer, editor, publisher, admin
        password_hash TEXT NOT NULL,   -- scrypt$N$r$p$salt$hash
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE desk_sessions (
        id_sha TEXT PRIMARY KEY,       -- sha256 of the session id the cookie holds
        account TEXT NOT NULL COLLATE NOCASE,
        created_at REAL NOT NULL,      -- unix time
        expires_at REAL NOT NULL
    );
    CREATE INDEX desk_sessions_account ON desk_sessions (account);
    CREATE TABLE desk_login_failures (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,             -- account:NAME (lower case) or address:IP
        at REAL NOT NULL
    );
    CREATE INDEX desk_login_failures_key ON desk_login_failures (key, at);
    CREATE TABLE desk_secret (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        secret BLOB NOT NULL
    );
    """,
]


def db_path(state_dir: Path) -> Path:
    """The project's state database file."""
    return state_dir / "state.db"


# seconds a command waits for another one's write (a desk action during `satire run`)
# before it says the database is busy
BUSY_TIMEOUT = 30.0


def connect(state_dir: Path) -> sqlite3.Connection:
    """Open (and migrate) the project's state database."""
    state_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        db_path(state_dir), timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    migrate(conn)
    return conn


def connect_worker(database: Path | str) -> sqlite3.Connection:
    """A plain connection for a worker process: the parent process opened the
    database with `connect`, so it exists and is migrated already."""
    return sqlite3.connect(database, timeout=BUSY_TIMEOUT, check_same_thread=False)


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations this database has not seen yet."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers hold inner semicolons)."""
    out: list[str] = []
    buffer = ""
    for line in script.splitlines():
        line = line.split("--", 1)[0].rstrip()
        if not line:
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return out
