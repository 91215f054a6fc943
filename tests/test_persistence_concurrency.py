"""SQLite under several processes at once, as with gunicorn workers sharing one file."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from skill.storage import SQLiteAdapter, StorageError
from skill.storage.privacy import storage_key
from skill.storage.sqlite_schema import LATEST_VERSION
from tests.processes import run_processes
from tests.test_persistence import envelope

REPO = Path(__file__).resolve().parents[1]
PROCESSES = 4
WRITES_PER_PROCESS = 500
USERS = 50


def _owned_users(worker: int) -> list[int]:
    # Each user has exactly one writer, so read-modify-write is race-free per user while
    # all processes still contend for the same database file.
    return [u for u in range(USERS) if u % PROCESSES == worker]


def _schedule(worker: int) -> list[int]:
    mine = _owned_users(worker)
    return [mine[i % len(mine)] for i in range(WRITES_PER_PROCESS)]


def _hammer(path: str, worker: int, barrier: Any, results: Any) -> None:
    storage = SQLiteAdapter(path)
    errors: list[str] = []
    barrier.wait()  # first use (connect + migrate a fresh file) happens in all at once
    try:
        for i, user in enumerate(_schedule(worker)):
            env = envelope(f"user-{user:02d}")
            doc = storage.get_attributes(env)
            doc["counter"] = doc.get("counter", 0) + 1
            doc["writer"] = worker
            doc["last_write"] = i
            doc["history"] = [*doc.get("history", []), i][-25:]
            doc["note"] = "Zoë ✓ 🤰 " * (i % 7)
            storage.save_attributes(env, doc)
    except StorageError as exc:
        errors.append(repr(exc))
    results.put((worker, errors))


def _same_user_doc(worker: int, n: int) -> dict[str, Any]:
    # Sizes vary between writes so a torn or interleaved write could not pass for a whole one.
    return {"writer": worker, "n": n, "blob": chr(ord("a") + worker) * (500 + (n * 37) % 4000)}


def _write_same_user(path: str, worker: int, writes: int, barrier: Any, results: Any) -> None:
    storage = SQLiteAdapter(path)
    barrier.wait()
    errors: list[str] = []
    try:
        for n in range(writes):
            storage.save_attributes(envelope("shared-user"), _same_user_doc(worker, n))
    except StorageError as exc:
        errors.append(repr(exc))
    results.put((worker, errors))


def _documents(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return dict(conn.execute("SELECT user_id, document FROM users"))


def test_many_processes_writing_different_users_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared" / "stretches.sqlite3"  # fresh: the workers race to create it
    ctx = multiprocessing.get_context("spawn")
    reported = run_processes(ctx, _hammer, lambda w: (str(path), w), PROCESSES)

    assert reported == {w: [] for w in range(PROCESSES)}, "no StorageError / database is locked"
    documents = _documents(path)
    assert len(documents) == USERS
    for worker in range(PROCESSES):
        schedule = _schedule(worker)
        for user in _owned_users(worker):
            doc = json.loads(documents[storage_key(f"user-{user:02d}", "")])  # intact JSON
            assert doc["counter"] == schedule.count(user), f"lost update for user {user}"
            assert doc["writer"] == worker
            assert doc["last_write"] == max(i for i, u in enumerate(schedule) if u == user)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchall() == [(LATEST_VERSION,)]


def test_two_processes_writing_the_same_user_never_corrupt_the_row(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    writes = 200
    ctx = multiprocessing.get_context("spawn")
    reported = run_processes(ctx, _write_same_user, lambda w: (str(path), w, writes), 2)

    assert reported == {0: [], 1: []}
    final = json.loads(_documents(path)[storage_key("shared-user", "")])
    # Whole-document writes: the last commit wins, and it is some worker's last write.
    assert final in (_same_user_doc(0, writes - 1), _same_user_doc(1, writes - 1))


_INHERITED: SQLiteAdapter | None = None


def _use_inherited_adapter(worker: int, barrier: Any, results: Any) -> None:
    assert _INHERITED is not None
    # Using the parent's connection after fork usually *seems* to work and then corrupts
    # under load (SQLite's file locks belong to the process that took them), so this
    # checks the cause directly rather than waiting for the symptom.
    parents_connection = _INHERITED._local.conn
    barrier.wait()
    errors: list[str] = []
    try:
        for n in range(50):
            _INHERITED.save_attributes(envelope(f"forked-{worker}"), {"n": n, "pid": os.getpid()})
    except StorageError as exc:
        errors.append(repr(exc))
    if parents_connection is None or _INHERITED._local.conn is parents_connection:
        errors.append("child used the connection it inherited across fork")
    results.put((worker, errors))


@pytest.mark.skipif(sys.platform == "win32", reason="fork() is POSIX only")
def test_adapter_opened_before_fork_is_safe_in_children(tmp_path: Path) -> None:
    # gunicorn with preload_app: the app (and its adapter) exist before the workers fork.
    global _INHERITED
    _INHERITED = SQLiteAdapter(tmp_path / "s.db")
    _INHERITED.save_attributes(envelope("parent"), {"before": "fork"})  # connection now open
    try:
        reported = run_processes(
            multiprocessing.get_context("fork"), _use_inherited_adapter, lambda w: (w,), 2
        )
        assert reported == {0: [], 1: []}
        # The parent's own connection still works and sees the children's writes.
        _INHERITED.save_attributes(envelope("parent"), {"after": "fork"})
        assert _INHERITED.get_attributes(envelope("parent")) == {"after": "fork"}
        children = [_INHERITED.get_attributes(envelope(f"forked-{w}")) for w in range(2)]
        assert [c["n"] for c in children] == [49, 49]
        assert len({c["pid"] for c in children} | {os.getpid()}) == 3
    finally:
        _INHERITED.close()
        _INHERITED = None


def _python(code: str, cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_new_process_reads_what_an_old_one_wrote(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    doc = {"position": {"index": 3}, "completed": ["2025-06-01"], "name": "Zoë ✓ 🤰"}
    _python(
        f"""
        from skill.storage import SQLiteAdapter
        from tests.test_persistence import envelope
        SQLiteAdapter({str(path)!r}).save_attributes(envelope("restart-user"), {doc!r})
        """,
        tmp_path,
    )
    out = _python(
        f"""
        import json
        from skill.storage import SQLiteAdapter
        from tests.test_persistence import envelope
        print(json.dumps(SQLiteAdapter({str(path)!r}).get_attributes(envelope("restart-user"))))
        """,
        tmp_path,
    )
    assert json.loads(out) == doc
