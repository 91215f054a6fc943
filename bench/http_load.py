"""Figure 5, `http`: the production entry point under wrk, and each worker's peak memory.

    .venv/bin/python -m bench.http_load [--quick]

`gunicorn -c deploy/gunicorn.conf.py 'skill:create_app()'` configured by environment only
(verification off, SQLite in a temporary directory, 2 workers), every request a new user, so
each one takes the full first-launch path.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bench.report import Figure, at_least, below, exactly, info, main
from bench.serve import Server, log_tails_on_failure, peak_rss_mb
from bench.signing import LOOPBACK_API
from bench.wrk import lua_new_user_each_request, run_wrk, skipped_without_wrk, wrk_path

HTTP_RPS = 100.0
HTTP_P99_MS = 500.0
WORKER_RSS_MB = 150.0
CONNECTIONS = 16


def run(quick: bool) -> list[Figure]:
    from skill.alexa.envelopes import launch_request

    if wrk_path() is None:
        return skipped_without_wrk("http")
    seconds = 3 if quick else 10
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        env = {
            "ALEXA_VERIFY_REQUESTS": "off",
            "STORAGE_BACKEND": "sqlite",
            "SQLITE_PATH": os.path.join(tmp, "stretches.sqlite3"),
        }
        body = json.dumps(launch_request(user_id="amzn1.ask.account.BENCHUSER", api_endpoint=LOOPBACK_API))
        script = Path(tmp) / "launch.lua"
        script.write_text(lua_new_user_each_request(body, "BENCHUSER"))
        with Server("skill:create_app()", env, Path(tmp) / "gunicorn.log") as server:
            with log_tails_on_failure("http", {"project": server}):
                if not quick:  # warm both workers (imports, first SQLite connection) off the clock
                    run_wrk(f"{server.base}/alexa", script, 1, CONNECTIONS)
                stats = run_wrk(f"{server.base}/alexa", script, seconds, CONNECTIONS)
            workers = server.workers()
            peaks = {pid: peak_rss_mb(pid) for pid in workers}
            startup_ms = server.startup_ms
    rps = stats["requests"] / (stats["duration_us"] / 1e6)
    figures = [
        info("http", "start-up to healthy", startup_ms, "ms"),
        at_least(
            "http",
            "LaunchRequest throughput",
            rps,
            "req/s",
            HTTP_RPS,
            f"wrk -t2 -c{CONNECTIONS} -d{seconds}s; {stats['requests']} requests, "
            f"2 sync workers, SQLite, verification off",
        ),
        info("http", "latency p50", stats["p50"] / 1000, "ms"),
        info("http", "latency p90", stats["p90"] / 1000, "ms"),
        below(
            "http",
            "latency p99",
            stats["p99"] / 1000,
            "ms",
            HTTP_P99_MS,
            f"{CONNECTIONS} connections queue on 2 workers; max {stats['max'] / 1000:.1f} ms",
        ),
        exactly("http", "failed requests (non-2xx, socket)", stats["failed"], "count", 0),
    ]
    if len(workers) != 2:
        figures.append(exactly("http", "worker processes found", len(workers), "count", 2))
    for i, pid in enumerate(sorted(workers)):
        mb = peaks.get(pid)
        if mb is None:
            figures.append(info("http", f"worker {i + 1} peak RSS", None, "MB", "could not read VmHWM"))
        else:
            figures.append(below("http", f"worker {i + 1} peak RSS (VmHWM)", mb, "MB", WORKER_RSS_MB))
    return figures


if __name__ == "__main__":
    sys.exit(main({"http": run}, __doc__.split("\n\n")[0]))
