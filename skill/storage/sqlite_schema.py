"""The SQLite schema as forward-only migrations, versioned by `PRAGMA user_version`.

MIGRATIONS[i] takes a database from version i to i + 1. Never edit a released step;
append a new one. Each step is a list of single statements because sqlite3's
executescript() commits first, which would break the all-or-nothing transaction.

The version lives in the file header (user_version), written in the same transaction as
the steps. Release 1 kept it in a one-row `schema_version` table instead; such a file is
read once through that table, brought forward, and the table dropped. Its rows are kept.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[list[str]] = [
    # 0 -> 1: one JSON document per user key; updated_at is Unix time in seconds.
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
LEGACY_VERSION_TABLE = "schema_version"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer release; refuse rather than guess."""


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version, from user_version or (release 1 files) the legacy table."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == 0 and _has_legacy_table(conn):
        row = conn.execute(f"SELECT version FROM {LEGACY_VERSION_TABLE}").fetchone()
        version = 0 if row is None else int(row[0])
    return version


def _has_legacy_table(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (LEGACY_VERSION_TABLE,)
    ).fetchone()
    return found is not None


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to LATEST_VERSION; returns the version found before.

    `conn` must be in autocommit mode (isolation_level=None). The common case (already
    current) costs one header read and takes no lock. Otherwise BEGIN IMMEDIATE takes the
    write lock before reading the version again, so when several gunicorn workers start
    at once exactly one applies each step and the others then find nothing to do.
    """
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) == LATEST_VERSION:
        return LATEST_VERSION
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = current_version(conn)
        if found > LATEST_VERSION:
            raise SchemaTooNew(f"database schema version {found} is newer than this code ({LATEST_VERSION})")
        for step in MIGRATIONS[found:]:
            for statement in step:
                conn.execute(statement)
        if _has_legacy_table(conn):
            conn.execute(f"DROP TABLE {LEGACY_VERSION_TABLE}")
        # PRAGMA takes no parameters; the value is our own integer constant.
        conn.execute(f"PRAGMA user_version = {int(LATEST_VERSION)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found
