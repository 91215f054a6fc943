"""Crash safety: gunicorn (deploy/gunicorn.conf.py, 4 workers, SQLite, verification on with
the bench CA) serves a few hundred users running their routines (bench/load_driver.py)
while a worker is killed with SIGKILL twice. Afterwards: the master has replaced both
workers, SQLite's integrity check passes, and every user's stored progress is exactly
what her last 200 reply implied (no lost and no torn rows), counters survived in /metrics.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from bench.load_driver import check_stored, implied_position, run_users
from bench.serve import Server
from bench.signing import LOOPBACK_API
from skill.alexa.envelopes import SKILL_ID
from skill.commands._local_ca import LocalAlexaCA
from skill.storage import SQLiteAdapter

USERS = 300
SPEED = 400.0  # a minute of speech and pauses between turns becomes 0.15 s
KILL_AT_S = (1.5, 3.0)


def _envelope(user_id: str) -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


def _wait_for_workers(server: Server, killed: set[int], count: int, timeout: float = 15.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = server.workers()
        if len(workers) == count and not killed & set(workers):
            return workers
        time.sleep(0.1)
    return server.workers()


@pytest.mark.slow
def test_two_kill_9s_mid_load_lose_no_row_and_tear_none(tmp_path: Path) -> None:
    ca = LocalAlexaCA()
    root, chain = ca.save(tmp_path)
    db = tmp_path / "stretches.sqlite3"
    env = {
        "BENCH_ROOT_PEM": str(root),
        "BENCH_CHAIN_PEM": str(chain),
        "ALEXA_SKILL_IDS": SKILL_ID,
        "STORAGE_BACKEND": "sqlite",
        "SQLITE_PATH": str(db),
        "LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    users: list = []
    killed: set[int] = set()
    with Server("bench.load_app:create()", env, tmp_path / "gunicorn.log", workers=4) as server:
        assert len(server.workers()) == 4
        load = threading.Thread(
            target=lambda: users.extend(
                run_users(
                    f"{server.base}/alexa",
                    ca.sign,
                    USERS,
                    speed=SPEED,
                    api_endpoint=LOOPBACK_API,
                    stop_early=True,
                    start_within_s=2.0,
                )
            )
        )
        started = time.monotonic()
        load.start()
        for at in KILL_AT_S:
            time.sleep(max(0.0, started + at - time.monotonic()))
            victim = sorted(set(server.workers()) - killed)[0]
            os.kill(victim, signal.SIGKILL)
            killed.add(victim)
        load.join(timeout=90)
        assert not load.is_alive(), "the load did not finish"
        workers = _wait_for_workers(server, killed, 4)
        assert len(workers) == 4 and not killed & set(workers), f"not respawned: {workers}, killed {killed}"
        with urllib.request.urlopen(f"{server.base}/metrics", timeout=5) as page:
            metrics = page.read().decode()
        log = server.log_tail(20_000)

    assert len(killed) == 2
    assert "alexa_requests_total" in metrics and 'outcome="ok"' in metrics
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    storage = SQLiteAdapter(str(db))
    answered = [u for u in users if u.last is not None]
    problems = {
        u.user_id: p for u in answered if (p := check_stored(u, storage.get_attributes(_envelope(u.user_id))))
    }
    exact = sum(1 for u in answered if u.finished or implied_position(u) is not None)
    turns = sum(len(u.latencies) for u in users)
    errors = sum(len(u.errors) for u in users)
    print(
        f"crash: {len(users)} users, {turns} turns answered, {errors} failed attempts (retried), "
        f"killed {sorted(killed)}, {exact} users with an exact expectation "
        f"(mid-routine or finished), {len(problems)} stored progress problems"
    )
    assert len(users) == USERS and len(answered) == USERS, "every user heard at least one reply"
    assert not problems, f"{len(problems)} users' stored progress differs from their last reply: {problems}"
    assert "Traceback" not in log, log[-3000:]
