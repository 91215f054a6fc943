"""Retrying SQLite work while another connection holds the lock, within a time budget.

SQLite's own busy handler (the connection timeout) already waits for most lock
conflicts, but some are reported at once instead: a read transaction that cannot
upgrade to a write (SQLITE_BUSY_SNAPSHOT), WAL recovery in another process, a shared-cache
table lock (SQLITE_LOCKED). Those are worth another try; anything else is not.

The decision uses the error code sqlite3 attaches to the exception (Python 3.11+), not
the message text, which SQLite may word differently between versions.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from skill.storage.base import StorageError

_T = TypeVar("_T")
RETRYABLE_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
FIRST_PAUSE = 0.01  # seconds; doubled per attempt up to MAX_PAUSE
MAX_PAUSE = 0.25


class SQLiteStorageError(StorageError):
    """A StorageError from SQLite; `sqlite_errorcode` is SQLite's (extended) result code."""

    def __init__(self, message: str, sqlite_errorcode: int | None = None) -> None:
        super().__init__(message)
        self.sqlite_errorcode = sqlite_errorcode


def is_retryable(exc: sqlite3.Error) -> bool:
    """True for SQLITE_BUSY / SQLITE_LOCKED and their extended forms (e.g. BUSY_SNAPSHOT)."""
    code = getattr(exc, "sqlite_errorcode", None)
    # Extended codes keep the primary code in the low byte (SQLITE_BUSY_SNAPSHOT = 517 = 5 | 2 << 8).
    return code is not None and (code & 0xFF) in RETRYABLE_CODES


def run_with_retry(
    operation: Callable[[], _T],
    *,
    budget: float,
    where: str,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> _T:
    """`operation()`, retried on busy/locked errors until `budget` seconds have passed.

    Any sqlite3.Error (or OSError: the directory cannot be created) comes out as
    SQLiteStorageError, the last busy error once the budget is spent, so a request never
    hangs past Alexa's answer deadline.
    """
    deadline = clock() + budget
    pause = FIRST_PAUSE
    while True:
        try:
            return operation()
        except sqlite3.Error as exc:
            left = deadline - clock()
            # Jitter keeps workers out of step; the last wait is cut to what is left, so the
            # whole budget is used and never exceeded.
            wait = min(pause * (0.5 + random.random()), left)
            if not is_retryable(exc) or left <= 0:
                code = getattr(exc, "sqlite_errorcode", None)
                raise SQLiteStorageError(f"SQLite storage at {where} failed: {exc}", code) from exc
        except OSError as exc:
            raise SQLiteStorageError(f"SQLite storage at {where} failed: {exc}") from exc
        sleep(wait)
        pause = min(pause * 2, MAX_PAUSE)
