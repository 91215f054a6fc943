"""The SQLite schema as forward-only migrations.

MIGRATIONS[i] takes a database from version i to i + 1. Never edit a released step;
append a new one. Each step is a list of single statements because sqlite3's
executescript() commits first, which would break the all-or-nothing transaction.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[list[str]] = [
    # 0 -> 1: one JSON document per Alexa user id; updated_at is Unix time in seconds.
    [
        """CREATE TABLE users (
               user_id    TEXT PRIMARY KEY,
               document   TEXT NOT NULL,
               updated_at REAL NOT NULL
           )""",
    ],
    # 1 -> 2: purge selects by age; keep it an index range scan as the table grows.
    ["CREATE INDEX users_updated_at ON users (updated_at)"],
]

LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer release; refuse rather than guess."""


def current_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return 0 if row is None else int(row[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to LATEST_VERSION; returns the version found before.

    `conn` must be in autocommit mode (isolation_level=None). BEGIN IMMEDIATE takes the
    write lock before reading the version, so when several gunicorn workers start at once
    exactly one applies each step and the others then see the new version and do nothing.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        found = current_version(conn)
        if found > LATEST_VERSION:
            raise SchemaTooNew(f"database schema version {found} is newer than this code ({LATEST_VERSION})")
        for step in MIGRATIONS[found:]:
            for statement in step:
                conn.execute(statement)
        if found == 0 and conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == 0:
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (LATEST_VERSION,))
        else:
            conn.execute("UPDATE schema_version SET version = ?", (LATEST_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found
