"""Figure 6, `compare`: this project against bare floors, in one run (issue 11's table).

    .venv/bin/python -m bench.compare [--quick]

Four gunicorn servers (deploy/gunicorn.conf.py, 2 sync workers each) run side by side:
(a) Flask returning a constant, (b) an ask-sdk-core hello world, (c) the same + signature
verification with the chain cached, (d) this project (verification on, SQLite); see
bench/targets.py. wrk (2 threads x 32 connections) replays LaunchRequests signed for the
same 400 users. Each target first gets every user's launch once (so (d) has met them all and
knows their time zone, from bench.alexa_api's loopback Settings API) and a 1 s wrk warm-up;
then the rounds interleave (a b c d, a b c d) so drift on a shared machine hits every target
alike. Every round is signed afresh (Alexa's 150 s window). req/s is over all rounds; p99 is
the worse round's. Also: import + create_app in a fresh interpreter.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.alexa_api import SettingsAPI
from bench.report import Figure, at_least, below, exactly, info, log, main
from bench.serve import REPO, Server, log_tails_on_failure, post_each
from bench.signing import signed_launches
from bench.wrk import lua_rotation, run_wrk, skipped_without_wrk, wrk_path
from skill.commands._local_ca import LocalAlexaCA

RATIO_FLOOR = 0.85  # (d) req/s over (c) req/s
PROJECT_P99_MS = 18.0
STARTUP_S = 0.5
USERS = 400
CONNECTIONS = 32

TARGETS = (  # key, label, gunicorn app
    ("a", "Flask returning a constant", "bench.targets:constant()"),
    ("b", "ask-sdk-core hello world", "bench.targets:hello()"),
    ("c", "the same + verification, chain cached", "bench.targets:hello_verified()"),
    ("d", "this project (verification on, SQLite)", "bench.targets:project()"),
)

# Timed in a fresh interpreter: everything gunicorn's worker does before its first request.
_STARTUP = """
import sys, time
t0 = time.perf_counter()
import skill
skill.create_app({"ALEXA_VERIFY_REQUESTS": "on", "ALEXA_SKILL_IDS": sys.argv[1],
                  "STORAGE_BACKEND": "sqlite", "SQLITE_PATH": sys.argv[2], "LOG_LEVEL": "ERROR"})
print(time.perf_counter() - t0)
"""


def startup_seconds(tmp: Path, runs: int = 3) -> list[float]:
    from skill.alexa.envelopes import SKILL_ID

    times = []
    for i in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _STARTUP, SKILL_ID, str(tmp / f"startup{i}.sqlite3")],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return times


def _load(
    ca: LocalAlexaCA, tmp: Path, servers: dict[str, Server], api: SettingsAPI, seconds: int, rounds: int
) -> dict[str, list[dict[str, int]]]:
    results: dict[str, list[dict[str, int]]] = {key: [] for key in servers}
    script = tmp / "signed.lua"
    for n in range(rounds + 1):  # round 0: each user once, then a 1 s warm-up; off the record
        signed = signed_launches(ca, USERS, prefix="u", api_endpoint=api.url)
        script.write_text(lua_rotation(signed))
        for key, server in servers.items():
            if n == 0:
                log(f"compare: {USERS} users' first launch ({key})")
                post_each(f"{server.base}/alexa", signed)
            log(f"compare: {'warm-up' if n == 0 else f'round {n}'} ({key})")
            stats = run_wrk(f"{server.base}/alexa", script, 1 if n == 0 else seconds, CONNECTIONS)
            if n:
                results[key].append(stats)
    return results


def run(quick: bool) -> list[Figure]:
    if wrk_path() is None:
        return skipped_without_wrk("compare")
    seconds, rounds = (3, 1) if quick else (8, 2)
    figures: list[Figure] = []
    rps: dict[str, float] = {}
    p99: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        ca = LocalAlexaCA()
        root, chain = ca.save(tmp)
        api = stack.enter_context(SettingsAPI(*ca.server_tls(tmp)))
        env = {
            "BENCH_ROOT_PEM": str(root),
            "BENCH_CHAIN_PEM": str(chain),
            "SQLITE_PATH": str(tmp / "stretches.sqlite3"),
            "REQUESTS_CA_BUNDLE": str(root),  # (d)'s API client trusts the Settings API stand-in
        }
        servers = {
            key: stack.enter_context(Server(app, env, tmp / f"gunicorn-{key}.log")) for key, _, app in TARGETS
        }
        with log_tails_on_failure("compare", servers):
            results = _load(ca, tmp, servers, api, seconds, rounds)
        for key, label, _ in TARGETS:
            runs = results[key]
            requests = sum(r["requests"] for r in runs)
            rps[key] = requests / (sum(r["duration_us"] for r in runs) / 1e6)
            p99[key] = max(r["p99"] for r in runs) / 1000
            failed = sum(r["failed"] for r in runs)
            detail = "; ".join(
                f"{r['requests'] / (r['duration_us'] / 1e6):,.0f} req/s p99 {r['p99'] / 1000:.1f} ms"
                for r in runs
            )
            figures += [
                info(
                    "compare",
                    f"({key}) {label}",
                    rps[key],
                    "req/s",
                    f"{requests} requests in {rounds} x {seconds} s; per round: {detail}",
                ),
                info("compare", f"({key})   p99", p99[key], "ms", "the worse round"),
                exactly("compare", f"({key})   failed requests", failed, "count", 0),
            ]
        figures.append(
            info(
                "compare",
                "(d) Settings API calls",
                api.calls,
                "count",
                f"time-zone lookups answered; {USERS} = once per user, as in production",
            )
        )
        startup = startup_seconds(tmp, runs=1 if quick else 3)
    ratio = rps["d"] / rps["c"]
    figures += [
        at_least(
            "compare",
            "(d) / (c) throughput",
            ratio,
            "x",
            RATIO_FLOOR,
            f"(d) {rps['d']:,.0f} req/s over (c) {rps['c']:,.0f}; (c) / (b) = {rps['c'] / rps['b']:.2f}, "
            f"(b) / (a) = {rps['b'] / rps['a']:.2f}",
        ),
        below(
            "compare",
            "(d) p99 at 32 connections",
            p99["d"],
            "ms",
            PROJECT_P99_MS,
            # wrk keeps 32 requests in flight, so the mean wait is 32 / throughput (Little's
            # law) whatever the code does: p99 can only be read beside the floors' own.
            f"mean {CONNECTIONS / rps['d'] * 1000:.1f} ms (= {CONNECTIONS} / req/s); "
            f"p99 of (c) {p99['c']:.1f} ms, of (b) {p99['b']:.1f} ms, of (a) {p99['a']:.1f} ms",
            inclusive=True,
        ),
        below(
            "compare",
            "import + create_app",
            statistics.median(startup),
            "s",
            STARTUP_S,
            f"median of {len(startup)} fresh interpreters: "
            + ", ".join(f"{s:.3f}" for s in startup)
            + " s (verification on, SQLite)",
            inclusive=True,
        ),
    ]
    return figures


if __name__ == "__main__":
    sys.exit(main({"compare": run}, __doc__.split("\n\n")[0]))
