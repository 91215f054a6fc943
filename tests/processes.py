"""Run test workers in several processes at once, and collect what each one reports.

Shared by the SQLite concurrency tests (tests/test_persistence_concurrency.py and
tests/test_storage_merge.py): every worker gets its own arguments plus a shared barrier and
result queue, and must put exactly one (worker, report) pair on the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JOIN_TIMEOUT = 120.0  # seconds; a hang is a failure, not a stuck CI job


def run_processes(
    ctx: Any,
    target: Callable[..., None],
    args_for: Callable[[int], tuple[Any, ...]],
    count: int,
    *,
    barrier_timeout: float | None = None,
) -> dict[int, Any]:
    """Start `count` processes of `target(*args_for(w), barrier, results)` from the
    multiprocessing context `ctx`; return {worker: report}. Every process must exit 0."""
    barrier = ctx.Barrier(count, timeout=barrier_timeout)
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(w), barrier, results)) for w in range(count)]
    for p in procs:
        p.start()
    try:
        # Drain before join: a child cannot exit while its queue data is unread.
        reported = dict(results.get(timeout=JOIN_TIMEOUT) for _ in procs)
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()
    assert [p.exitcode for p in procs] == [0] * count
    return reported
