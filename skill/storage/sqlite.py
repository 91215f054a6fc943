"""The default backend: one SQLite file shared by all gunicorn workers.

Why it is safe with several worker processes:
- WAL mode lets readers proceed while one writer writes; writers queue on the lock.
- Every connection belongs to one (process, thread). A connection inherited across
  fork() is never used: the child opens its own on first use.
- Each write is one INSERT ... ON CONFLICT statement, atomic on its own.
- A busy database is waited for (SQLite's busy timeout) and retried until the same
  budget runs out; then StorageError, so a request never hangs past Alexa's 8 s.
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import threading
import time
from typing import Any, Callable, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.storage import sqlite_schema
from skill.storage.base import SECONDS_PER_DAY, StorageError, decode_document, encode_document, user_key
from skill.storage.privacy import user_ref

log = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT = 5.0  # seconds; leaves room inside Alexa's ~8 s answer deadline
_T = TypeVar("_T")
_INHERITED_ACROSS_FORK: list[sqlite3.Connection] = []  # one per fork per thread: a tiny, bounded leak


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class SQLiteAdapter(AbstractPersistenceAdapter):
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = os.fspath(path)
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._local = threading.local()

    # -- AbstractPersistenceAdapter ---------------------------------------------------

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        row = self._run(lambda c: c.execute("SELECT document FROM users WHERE user_id = ?", (key,)).fetchone())
        if row is None:
            return {}
        try:
            return decode_document(row[0])
        except (ValueError, TypeError) as exc:
            # Keep the row: an operator may want to look at it, and the next save
            # overwrites it anyway. She simply starts fresh this time.
            log.warning("corrupt stored document for user %s, treating as new: %s", user_ref(key), exc)
            return {}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        key = user_key(request_envelope)
        document = encode_document(attributes)
        self._run(
            lambda c: c.execute(
                """INSERT INTO users (user_id, document, updated_at) VALUES (?, ?, ?)
                   ON CONFLICT (user_id) DO UPDATE
                   SET document = excluded.document, updated_at = excluded.updated_at""",
                (key, document, self._clock()),
            )
        )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope)
        self._run(lambda c: c.execute("DELETE FROM users WHERE user_id = ?", (key,)))

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
        # isolation_level=None: autocommit; migrations manage their own transaction.
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
        """Run one statement, retrying while the database is busy, within busy_timeout."""
        deadline = time.monotonic() + self.busy_timeout
        pause = 0.01
        while True:
            try:
                return operation(self._connection())
            except sqlite3.OperationalError as exc:
                # SQLite's own busy handler already waited; some lock conflicts are
                # reported at once instead (e.g. during WAL recovery), so retry those.
                if not _is_busy(exc) or time.monotonic() + pause > deadline:
                    raise StorageError(f"SQLite storage at {self.path} failed: {exc}") from exc
                time.sleep(pause * (0.5 + random.random()))  # jitter keeps workers out of step
                pause = min(pause * 2, 0.25)
            except sqlite_schema.SchemaTooNew as exc:
                raise StorageError(str(exc)) from exc
            except (sqlite3.Error, OSError) as exc:  # OSError: cannot create the directory
                raise StorageError(f"SQLite storage at {self.path} failed: {exc}") from exc
