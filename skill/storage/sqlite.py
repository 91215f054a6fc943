"""The default backend: one SQLite file shared by all gunicorn workers.

Why it is safe with several worker processes:
- WAL mode lets readers proceed while one writer writes; writers queue on the lock.
- Every connection belongs to one (process, thread). A connection inherited across
  fork() is never used: the child opens its own on first use.
- A save is one BEGIN IMMEDIATE transaction: read the stored row, merge (see merge.py:
  two overlapping turns keep both completed dates), write. IMMEDIATE takes the write lock
  before the read, so no other save can slip in between.
- A busy database is waited for (SQLite's busy timeout) and retried until the same
  budget runs out (sqlite_retry.py); then StorageError, so a request never hangs past
  Alexa's 8 s.

Rows are keyed by privacy.storage_key (an HMAC of the user id). A row still under its
release-1 key (the raw id) is moved under the new key the first time she is read or saved.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from ask_sdk_model import RequestEnvelope

from skill.config import DEFAULT_RETENTION_DAYS
from skill.storage import sqlite_schema
from skill.storage.base import (
    SECONDS_PER_DAY,
    StorageAdapter,
    StorageError,
    decode_document,
    encode_document,
    keep_since,
    user_id_of,
)
from skill.storage.merge import merge_documents
from skill.storage.privacy import legacy_keys, storage_key, user_ref
from skill.storage.sqlite_retry import run_with_retry

log = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT = 5.0  # seconds; leaves room inside Alexa's ~8 s answer deadline
_T = TypeVar("_T")
_INHERITED_ACROSS_FORK: list[sqlite3.Connection] = []  # one per fork per thread: a tiny, bounded leak

_SELECT = "SELECT document, updated_at FROM users WHERE user_id = ?"
_UPSERT = """INSERT INTO users (user_id, document, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE
             SET document = excluded.document, updated_at = excluded.updated_at"""


@contextmanager
def _write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # BEGIN itself may have been the busy statement
            conn.execute("ROLLBACK")
        raise


class SQLiteAdapter(StorageAdapter):
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], float] = time.time,
        key_salt: str | bytes = "",
        retention_days: int = DEFAULT_RETENTION_DAYS,
    ) -> None:
        self.path = os.fspath(path)
        self.busy_timeout = busy_timeout
        self.retention_days = retention_days
        self._clock = clock
        self._key_salt = key_salt
        self._local = threading.local()

    def key_for(self, user_id: str) -> str:
        """The row key of a user id (for operators and tests)."""
        return storage_key(user_id, self._key_salt)

    # -- AbstractPersistenceAdapter ---------------------------------------------------

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        user_id = user_id_of(request_envelope)
        key = self.key_for(user_id)
        row = self._run(lambda c: c.execute(_SELECT, (key,)).fetchone())
        if row is None:
            row = self._run(lambda c: self._adopt_legacy_row(c, user_id, key))
        return {} if row is None else self._decode(row[0], user_id)

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        user_id = user_id_of(request_envelope)
        key = self.key_for(user_id)
        encode_document(attributes)  # refuse what JSON cannot hold before taking the lock
        cutoff = keep_since(self._clock(), self.retention_days)

        def merge_and_write(conn: sqlite3.Connection) -> None:
            with _write_transaction(conn):
                row, moved_from = conn.execute(_SELECT, (key,)).fetchone(), None
                if row is None:
                    row, moved_from = self._legacy_row(conn, user_id)
                stored = None if row is None else self._decode(row[0], user_id)
                merged = merge_documents(stored, attributes, keep_since=cutoff)
                conn.execute(_UPSERT, (key, encode_document(merged), self._clock()))
                if moved_from is not None:
                    conn.execute("DELETE FROM users WHERE user_id = ?", (moved_from,))

        self._run(merge_and_write)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        user_id = user_id_of(request_envelope)
        keys = (self.key_for(user_id), *legacy_keys(user_id))
        marks = ", ".join("?" * len(keys))
        self._run(lambda c: c.execute(f"DELETE FROM users WHERE user_id IN ({marks})", keys))

    # -- for operators ----------------------------------------------------------------

    def purge_older_than(self, days: int, now: float | None = None) -> int:
        """Delete users not saved for `days` days; `now` is Unix time (default: the clock)."""
        cutoff = (self._clock() if now is None else now) - days * SECONDS_PER_DAY
        return self._run(lambda c: c.execute("DELETE FROM users WHERE updated_at < ?", (cutoff,)).rowcount)

    def count_users(self) -> int:
        return int(self._run(lambda c: c.execute("SELECT COUNT(*) FROM users").fetchone()[0]))

    def close(self) -> None:
        """Close this thread's connection (others close when their thread or process ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            conn.close()
        elif conn is not None:
            _INHERITED_ACROSS_FORK.append(conn)  # the parent's: see _connection()
        self._local.conn = None

    # Picklable (for multiprocessing's spawn): connections stay behind, each process
    # opens its own anyway.
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_local"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    # -- internals --------------------------------------------------------------------

    def _decode(self, text: str, user_id: str) -> dict[str, Any]:
        try:
            return decode_document(text)
        except (ValueError, TypeError) as exc:
            # Keep the row: an operator may want to look at it, and the next save
            # overwrites it anyway. She simply starts fresh this time.
            log.warning("corrupt stored document for user %s, treating as new: %s", user_ref(user_id), exc)
            return {}

    def _legacy_row(self, conn: sqlite3.Connection, user_id: str) -> tuple[Any, str | None]:
        for old in legacy_keys(user_id):
            row = conn.execute(_SELECT, (old,)).fetchone()
            if row is not None:
                return row, old
        return None, None

    def _adopt_legacy_row(self, conn: sqlite3.Connection, user_id: str, key: str) -> Any:
        """Move her release-1 row (if any) under `key`, keeping its age; the row read."""
        row, _ = self._legacy_row(conn, user_id)
        if row is None:
            return None  # the usual case for a new user: two key lookups, no lock taken
        with _write_transaction(conn):
            current = conn.execute(_SELECT, (key,)).fetchone()
            if current is not None:  # another worker moved it (or saved) in between
                return current
            row, old = self._legacy_row(conn, user_id)
            if row is not None:
                conn.execute(_UPSERT, (key, row[0], row[1]))
                conn.execute("DELETE FROM users WHERE user_id = ?", (old,))
            return row

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        if conn is not None:
            # Inherited from the parent across fork(). Closing it here (or letting it be
            # garbage-collected, which closes it) would run SQLite's close path on the
            # parent's lock and WAL state from the wrong process; keep it, untouched.
            _INHERITED_ACROSS_FORK.append(conn)
        conn = self._open()
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _open(self) -> sqlite3.Connection:
        parent = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(parent, exist_ok=True)
        # isolation_level=None: autocommit; transactions are explicit (BEGIN IMMEDIATE).
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            # The journal mode is stored in the file; switching needs a moment of
            # exclusive access, which the busy timeout covers when workers start together.
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL is crash-safe in WAL mode (a power cut may lose the last commits,
            # never corrupt the file) and saves an fsync per request.
            conn.execute("PRAGMA synchronous=NORMAL")
            sqlite_schema.migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run `operation` on this thread's connection; every failure as StorageError."""
        try:
            return run_with_retry(
                lambda: operation(self._connection()), budget=self.busy_timeout, where=self.path
            )
        except sqlite_schema.SchemaTooNew as exc:
            raise StorageError(str(exc)) from exc
