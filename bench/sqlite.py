"""Figure 4, `sqlite`: the default storage, alone and with 4 processes writing at once.

.venv/bin/python -m bench.sqlite [--quick]
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from typing import Any

from bench.report import Figure, at_least, below, exactly, info, main, percentile, time_ms

SQLITE_MEAN_MS = 2.0
SQLITE_P99_MS = 20.0
SQLITE_WRITES_PER_S = 500.0
WRITERS = 4


def envelope(user: str) -> Any:
    """An ask-sdk RequestEnvelope (what the adapters take) for a launch by `user`."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.alexa.envelopes import launch_request

    body = json.dumps(launch_request(user_id=f"amzn1.ask.account.{user}"))
    return DefaultSerializer().deserialize(body, RequestEnvelope)


def profile_document() -> dict[str, Any]:
    """What a real user's stored document looks like after a launch, a yes and a next."""
    from bench.signing import LOOPBACK_API
    from skill import create_app
    from skill.alexa.envelopes import intent_request, launch_request
    from skill.storage import MemoryAdapter

    storage = MemoryAdapter()
    app = create_app(
        {"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory", "LOG_LEVEL": "ERROR"},
        persistence=storage,
    )
    client = app.test_client()
    user, session = "amzn1.ask.account.benchprofile", "amzn1.echo-api.session.bench-profile"
    attributes: dict[str, Any] = {}
    steps = [launch_request(user_id=user, session_id=session, api_endpoint=LOOPBACK_API)]
    steps += [
        intent_request(name, user_id=user, session_id=session, api_endpoint=LOOPBACK_API)
        for name in ("AMAZON.YesIntent", "AMAZON.NextIntent")
    ]
    for payload in steps:
        if "session" in payload:
            payload["session"]["attributes"] = attributes
        reply = client.post("/alexa", json=payload)
        if reply.status_code != 200:
            raise RuntimeError(f"profile conversation refused: {reply.status_code}")
        attributes = reply.get_json().get("sessionAttributes") or {}
    document = storage.get_attributes(envelope("benchprofile"))
    if not document:
        raise RuntimeError("the conversation stored nothing")
    return document


def _writer(
    path: str, worker: int, document: dict[str, Any], ready: Any, go: Any, seconds: float, results: Any
) -> None:
    from skill.storage import SQLiteAdapter, StorageError

    storage = SQLiteAdapter(path)
    envelopes = [envelope(f"writer-{worker}-{u}") for u in range(25)]
    storage.count_users()  # connect (and migrate) before the clock starts
    ready.release()
    go.wait()
    writes, errors, latencies = 0, 0, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter_ns()
        try:
            storage.save_attributes(envelopes[writes % len(envelopes)], document)
        except StorageError:
            errors += 1
        latencies.append((time.perf_counter_ns() - start) / 1e6)
        writes += 1
    results.put((worker, writes, errors, latencies))


def _round_trips(tmp: str, document: dict[str, Any], n: int) -> list[Figure]:
    from skill.storage import SQLiteAdapter

    storage = SQLiteAdapter(os.path.join(tmp, "roundtrip.sqlite3"))
    envelopes = [envelope(f"rt-{u}") for u in range(20)]
    for env in envelopes:  # connect, migrate, and give every user a row
        storage.save_attributes(env, document)

    def round_trip(env: Any) -> None:
        storage.save_attributes(env, document)
        if storage.get_attributes(env) != document:
            raise RuntimeError("SQLite returned a different document")

    samples = [time_ms(functools.partial(round_trip, envelopes[i % len(envelopes)])) for i in range(n)]
    storage.close()
    return [
        below(
            "sqlite",
            "save+get mean",
            statistics.fmean(samples),
            "ms",
            SQLITE_MEAN_MS,
            f"n={n}; document {len(json.dumps(document))} bytes of JSON",
        ),
        below("sqlite", "save+get p99", percentile(samples, 99), "ms", SQLITE_P99_MS),
    ]


def _contention(tmp: str, document: dict[str, Any], seconds: float) -> list[Figure]:
    from skill.storage import SQLiteAdapter

    ctx = multiprocessing.get_context("fork")
    path = os.path.join(tmp, "concurrent.sqlite3")
    SQLiteAdapter(path).count_users()  # create the file and schema once, up front
    ready, go, results = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(path, w, document, ready, go, seconds, results))
        for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            if not ready.acquire(timeout=30):
                raise RuntimeError("a writer process did not start")
        go.set()
        outcomes = [results.get(timeout=seconds + 30) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
    writes = sum(o[1] for o in outcomes)
    errors = sum(o[2] for o in outcomes)
    latencies = [ms for o in outcomes for ms in o[3]]
    return [
        at_least(
            "sqlite",
            f"{WRITERS} processes writing",
            writes / seconds,
            "writes/s",
            SQLITE_WRITES_PER_S,
            f"{writes} writes in {seconds:g} s, all at once",
        ),
        exactly("sqlite", "  failed writes (StorageError)", errors, "count", 0),
        info("sqlite", "  write p99 under contention", percentile(latencies, 99), "ms"),
        info("sqlite", "  write p99.9 under contention", percentile(latencies, 99.9), "ms"),
        info("sqlite", "  writes slower than 100 ms", sum(ms > 100 for ms in latencies), "count"),
        info(
            "sqlite",
            "  slowest write under contention",
            max(latencies),
            "ms",
            "a writer that keeps losing the lock waits in SQLite's busy handler",
        ),
    ]


def run(quick: bool) -> list[Figure]:
    document = profile_document()
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as tmp:
        return _round_trips(tmp, document, 150 if quick else 500) + _contention(
            tmp, document, 1.0 if quick else 3.0
        )


if __name__ == "__main__":
    sys.exit(main({"sqlite": run}, __doc__.split("\n\n")[0]))
