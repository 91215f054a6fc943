"""Two overlapping turns of one user keep both completed dates: the merge rule, then real
concurrency on SQLite (processes) and on DynamoDB over moto (threads)."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.storage import SQLiteAdapter, StorageError
from skill.storage.merge import merge_documents
from tests import dynamo_server, test_persistence
from tests.processes import JOIN_TIMEOUT, run_processes
from tests.test_persistence import DAY, T0, USER_A, Factory, FakeClock, envelope

# Shared fixtures, bound here so pytest finds them in this module.
dynamo_endpoint = dynamo_server.dynamo_endpoint
make_dynamo = test_persistence.make_dynamo
make_storage = test_persistence.make_storage
storage = test_persistence.storage

ROUNDS = 15
CUTOFF = datetime(2025, 1, 1, tzinfo=UTC)


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the rule --------------------------------------------------------------------------


def test_completed_lists_are_unioned_sorted_and_deduplicated() -> None:
    stored = {"completed": ["2025-06-03T10:00:00Z", "2025-06-01T09:00:00Z"], "settings": "old", "gone": 1}
    written = {
        "completed": ["2025-06-02T09:00:00Z", "2025-06-03T10:00:00Z", "2025-06-02T09:00:00Z"],
        "settings": "new",
    }
    assert merge_documents(stored, written, keep_since=CUTOFF) == {
        "completed": ["2025-06-01T09:00:00Z", "2025-06-02T09:00:00Z", "2025-06-03T10:00:00Z"],
        "settings": "new",  # everything else: the last writer's, including keys it dropped
    }
    assert merge_documents(None, written) == {
        "completed": ["2025-06-02T09:00:00Z", "2025-06-03T10:00:00Z"],
        "settings": "new",
    }


def test_stored_entries_past_retention_or_malformed_are_not_brought_back() -> None:
    stored = {"completed": ["2024-03-01T09:00:00Z", "not a date", "2025-06-01T09:00:00Z"]}
    written = {"completed": ["2024-02-01T09:00:00Z"]}  # the writer's own old entry is its call
    assert merge_documents(stored, written, keep_since=CUTOFF)["completed"] == [
        "2024-02-01T09:00:00Z",
        "2025-06-01T09:00:00Z",
    ]


@pytest.mark.parametrize(
    "written", [{"v": 2}, {"completed": None}, {"completed": [1, 2]}, {"completed": "x"}]
)
def test_a_writer_without_a_list_of_strings_wins_as_is(written: dict[str, Any]) -> None:
    assert merge_documents({"completed": ["2025-06-01T09:00:00Z"]}, written) == written


def test_a_stored_value_that_is_not_a_list_is_ignored() -> None:
    written = {"completed": ["2025-06-01T09:00:00Z"]}
    assert merge_documents({"completed": {"a": 1}}, written) == written
    assert merge_documents({"completed": [1, "2025-06-02T00:00:00Z"]}, written) == written


def test_every_backend_keeps_a_stale_writers_completion(storage: AbstractPersistenceAdapter) -> None:
    base = {"completed": ["2025-06-01T09:00:00Z"], "position": None}
    storage.save_attributes(envelope(USER_A), base)
    first = storage.get_attributes(envelope(USER_A))
    second = storage.get_attributes(envelope(USER_A))  # both turns read the same document
    first["completed"].append("2025-06-14T08:00:00Z")
    second["completed"].append("2025-06-14T08:00:05Z")
    second["position"] = {"index": 2}
    storage.save_attributes(envelope(USER_A), first)
    storage.save_attributes(envelope(USER_A), second)
    assert storage.get_attributes(envelope(USER_A)) == {
        "completed": ["2025-06-01T09:00:00Z", "2025-06-14T08:00:00Z", "2025-06-14T08:00:05Z"],
        "position": {"index": 2},
    }


def test_retention_uses_the_adapters_clock(make_storage: Factory) -> None:
    storage = make_storage(FakeClock(T0))  # T0 is mid-June 2025; retention 90 days (the default)
    storage.save_attributes(envelope(USER_A), {"completed": ["2024-06-01T09:00:00Z", "2025-06-01T09:00:00Z"]})
    storage.save_attributes(envelope(USER_A), {"completed": ["2025-06-14T09:00:00Z"]})
    assert storage.get_attributes(envelope(USER_A))["completed"] == [
        "2025-06-01T09:00:00Z",
        "2025-06-14T09:00:00Z",
    ]


# -- real concurrency ------------------------------------------------------------------


def recent() -> datetime:
    # Real time (the adapters keep 90 days by default), fixed once per test and passed to workers.
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)


def own_stamps(worker: int, start: datetime) -> list[str]:
    return [stamp(start + timedelta(minutes=round_, seconds=worker)) for round_ in range(ROUNDS)]


def one_turn_per_round(
    storage: AbstractPersistenceAdapter, worker: int, start: datetime, barrier: Any
) -> None:
    """Each round both workers read, wait for each other, then both save: every round
    is a genuine lost-update race for a plain overwrite."""
    for round_, when in enumerate(own_stamps(worker, start)):
        doc = storage.get_attributes(envelope("shared-user"))
        barrier.wait()
        doc.setdefault("completed", []).append(when)
        doc["last_writer"] = worker
        doc["round"] = round_
        storage.save_attributes(envelope("shared-user"), doc)
        barrier.wait()


def _sqlite_worker(path: str, worker: int, start: datetime, barrier: Any, results: Any) -> None:
    try:
        one_turn_per_round(SQLiteAdapter(path), worker, start, barrier)
        results.put((worker, None))
    except (StorageError, threading.BrokenBarrierError) as exc:
        barrier.abort()
        results.put((worker, repr(exc)))


def _assert_both_kept(final: dict[str, Any], start: datetime) -> None:
    expected = sorted(own_stamps(0, start) + own_stamps(1, start))
    assert final["completed"] == expected, "a concurrent completion was lost"
    assert final["round"] == ROUNDS - 1 and final["last_writer"] in (0, 1)


def test_two_processes_completing_at_once_on_sqlite_keep_both(tmp_path: Path) -> None:
    path, start = str(tmp_path / "s.db"), recent()
    ctx = multiprocessing.get_context("spawn")
    reported = run_processes(ctx, _sqlite_worker, lambda w: (path, w, start), 2, barrier_timeout=30)
    assert reported == {0: None, 1: None}
    _assert_both_kept(SQLiteAdapter(path).get_attributes(envelope("shared-user")), start)


def test_two_threads_completing_at_once_on_dynamodb_keep_both(make_dynamo: Factory) -> None:
    start = recent()
    adapters = [
        make_dynamo(FakeClock(start.timestamp() + DAY)) for _ in range(2)
    ]  # boto3 resources are per thread
    barrier, errors = threading.Barrier(2, timeout=30), []

    def work(worker: int) -> None:
        try:
            one_turn_per_round(adapters[worker], worker, start, barrier)
        except (StorageError, threading.BrokenBarrierError) as exc:
            barrier.abort()
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
    assert errors == []
    _assert_both_kept(adapters[0].get_attributes(envelope("shared-user")), start)


def test_dynamodb_gives_up_with_storage_error_when_every_write_conflicts(
    make_dynamo: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = make_dynamo(FakeClock(T0))
    storage.save_attributes(envelope(USER_A), {"completed": []})
    real_get = storage._get_item
    # Every read returns a version someone else has already replaced.
    monkeypatch.setattr(storage, "_get_item", lambda key: {**(real_get(key) or {}), "doc_version": 0})
    sleeps: list[float] = []
    storage._sleep = sleeps.append
    with pytest.raises(StorageError, match="conflicting"):
        storage.save_attributes(envelope(USER_A), {"completed": ["2025-06-14T09:00:00Z"]})
    assert len(sleeps) == 8
