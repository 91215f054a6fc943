"""SQLite's busy path: which errors are retried (by error code), retried then succeeding,
and giving up with the adapter's own error once the time budget is spent."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from skill.storage import SQLiteAdapter, StorageError
from skill.storage.sqlite_retry import SQLiteStorageError, is_retryable, run_with_retry
from tests.test_persistence import USER_A, envelope


@pytest.fixture
def locked_db(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """A database whose write lock another connection holds (as another worker would)."""
    path = tmp_path / "s.db"
    SQLiteAdapter(path).save_attributes(envelope(USER_A), {"v": 1})
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield path, blocker
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()


def real_busy_error(path: Path) -> sqlite3.OperationalError:
    """A genuine SQLITE_BUSY from SQLite itself (the write lock is held elsewhere)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("the database was not locked")


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def flaky(failures: list[BaseException], result: str = "done") -> Callable[[], str]:
    def operation() -> str:
        if failures:
            raise failures.pop(0)
        return result

    return operation


def test_busy_and_locked_are_recognised_by_code_not_by_message(
    locked_db: tuple[Path, sqlite3.Connection],
) -> None:
    busy = real_busy_error(locked_db[0])
    assert busy.sqlite_errorcode == sqlite3.SQLITE_BUSY and is_retryable(busy)
    for code in (
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_BUSY_SNAPSHOT,
        sqlite3.SQLITE_BUSY_RECOVERY,
        sqlite3.SQLITE_LOCKED_SHAREDCACHE,
    ):
        exc = sqlite3.OperationalError("whatever the wording")
        exc.sqlite_errorcode = code
        assert is_retryable(exc), code
    misleading = sqlite3.OperationalError("no such table: busy_locked_users")
    misleading.sqlite_errorcode = sqlite3.SQLITE_ERROR
    assert not is_retryable(misleading)
    assert not is_retryable(sqlite3.OperationalError("database is locked"))  # no code: not ours to guess


def test_busy_is_retried_then_succeeds(locked_db: tuple[Path, sqlite3.Connection]) -> None:
    busy = real_busy_error(locked_db[0])
    fake = FakeTime()
    result = run_with_retry(
        flaky([busy, busy, busy]), budget=5.0, where="test", clock=fake.clock, sleep=fake.sleep
    )
    assert result == "done" and len(fake.sleeps) == 3
    assert fake.sleeps[2] > fake.sleeps[0]  # backs off


def test_busy_gives_up_with_the_adapters_error_after_the_budget(
    locked_db: tuple[Path, sqlite3.Connection],
) -> None:
    busy = real_busy_error(locked_db[0])
    fake = FakeTime()
    with pytest.raises(SQLiteStorageError) as failure:
        run_with_retry(flaky([busy] * 1000), budget=2.0, where="test", clock=fake.clock, sleep=fake.sleep)
    assert isinstance(failure.value, StorageError)
    assert failure.value.sqlite_errorcode == sqlite3.SQLITE_BUSY
    assert failure.value.__cause__ is busy
    assert fake.now - 100.0 <= 2.0 and len(fake.sleeps) > 5


def test_other_errors_are_not_retried(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "s.db")
    try:
        conn.execute("SELECT * FROM no_such_table")
    except sqlite3.OperationalError as exc:
        missing = exc
    fake = FakeTime()
    with pytest.raises(StorageError) as failure:
        run_with_retry(flaky([missing]), budget=5.0, where="test", clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == [] and failure.value.sqlite_errorcode == sqlite3.SQLITE_ERROR
    with pytest.raises(StorageError):
        run_with_retry(flaky([PermissionError("read-only directory")]), budget=5.0, where="test")


def _adapter_without_sqlites_own_wait(path: Path, budget: float) -> SQLiteAdapter:
    # With SQLite's busy handler off, every conflict comes back at once as SQLITE_BUSY,
    # so only the adapter's own retry loop can wait it out.
    storage = SQLiteAdapter(path, busy_timeout=budget)
    storage._connection().execute("PRAGMA busy_timeout = 0")
    return storage


def test_adapter_retries_a_busy_database_until_it_frees(locked_db: tuple[Path, sqlite3.Connection]) -> None:
    path, blocker = locked_db
    storage = _adapter_without_sqlites_own_wait(path, budget=5.0)
    release = threading.Timer(0.3, lambda: blocker.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        storage.save_attributes(envelope(USER_A), {"v": 2})
        assert time.monotonic() - started >= 0.25  # it did wait for the other writer
    finally:
        release.join()
    assert storage.get_attributes(envelope(USER_A)) == {"v": 2}


def test_adapter_gives_up_on_a_busy_database_with_storage_error(
    locked_db: tuple[Path, sqlite3.Connection],
) -> None:
    path, _ = locked_db
    storage = _adapter_without_sqlites_own_wait(path, budget=0.4)
    started = time.monotonic()
    with pytest.raises(StorageError) as failure:
        storage.save_attributes(envelope(USER_A), {"v": 2})
    assert 0.2 < time.monotonic() - started < 5.0  # generous: CI machines are busy
    assert failure.value.sqlite_errorcode == sqlite3.SQLITE_BUSY
    assert storage.get_attributes(envelope(USER_A)) == {"v": 1}  # nothing half-written
