"""Figure 7, `routines`: 200 simulated users running whole routines at once, against gunicorn
(deploy/gunicorn.conf.py, 4 workers, verification on with the bench CA), once with SQLite and
once with DynamoDB on moto's server (a subprocess on loopback; DynamoDB Local is a Java
download, not available here).

    .venv/bin/python -m bench.routines_load [--quick] [--speed 12]

Each user is a thread (bench/load_driver.py) that says her turns in order - launch, yes,
next through every stretch - and waits between turns as long as the reply takes to say
(break times plus words at 2.6 a second), divided by `--speed`: a routine is about ten
minutes of speech and guided pauses, so speed 12 makes a user's routine last under a minute
and the whole run about one. Starts are spread over the first 10 s. Reported: p50/p99/max
per turn (client-side, each a signed POST), turns, failed requests, wall time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.load_driver import percentile, run_users
from bench.serve import REPO, Server, free_port
from bench.signing import LOOPBACK_API
from skill.commands._local_ca import LocalAlexaCA

USERS = 200
WORKERS = 4
DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}


class Moto:
    """moto's server on a free loopback port, in its own process so it does not share our GIL."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Moto:
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                cwd=REPO,
                env={**os.environ, **DUMMY_AWS},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"moto server did not start: {self.log_path.read_text()[-2000:]}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def run_backend(backend: str, tmp: Path, speed: float, users: int) -> dict[str, float | str]:
    ca = LocalAlexaCA()
    root, chain = ca.save(tmp)
    env = {
        "BENCH_ROOT_PEM": str(root),
        "BENCH_CHAIN_PEM": str(chain),
        "ALEXA_SKILL_IDS": "",
        "STORAGE_BACKEND": backend,
        "SQLITE_PATH": str(tmp / f"{backend}.sqlite3"),
        "LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / f"metrics-{backend}"),
    }
    from skill.alexa.envelopes import SKILL_ID

    env["ALEXA_SKILL_IDS"] = SKILL_ID
    moto = Moto(tmp / "moto.log") if backend == "dynamodb" else None
    if moto is not None:
        moto.__enter__()
        env.update(
            DUMMY_AWS,
            DYNAMODB_ENDPOINT_URL=moto.url,
            DYNAMODB_CREATE_TABLE="on",
            DYNAMODB_TABLE=f"bench-{os.getpid()}",
        )
    try:
        with Server(
            "bench.load_app:create()", env, tmp / f"gunicorn-{backend}.log", workers=WORKERS
        ) as server:
            started = time.monotonic()
            people = run_users(
                f"{server.base}/alexa",
                ca.sign,
                users,
                speed=speed,
                api_endpoint=LOOPBACK_API,
                prefix=f"{backend}",
                start_within_s=10.0,
            )
            wall = time.monotonic() - started
    finally:
        if moto is not None:
            moto.__exit__()
    latencies = [t for u in people for t in u.latencies]
    return {
        "backend": backend if moto is None else "dynamodb (moto)",
        "users": users,
        "finished": sum(u.finished for u in people),
        "turns": len(latencies),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": max(latencies) * 1000 if latencies else float("nan"),
        "errors": sum(len(u.errors) for u in people),
        "wall_s": wall,
    }


def print_rows(rows: list[dict[str, float | str]], speed: float) -> None:
    print(
        f"Figure 7: {rows[0]['users']} users, whole routines at once, speech spacing / {speed:g}, "
        f"{WORKERS} gunicorn workers, verification on, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'storage':<18}{'finished':>9}{'turns':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'wall s':>8}"
    )
    for r in rows:
        print(
            f"{r['backend']:<18}{r['finished']:>9}{r['turns']:>7}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{r['max_ms']:>9.1f}{r['errors']:>8}{r['wall_s']:>8.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 users, speed 60: ~15 s per backend")
    parser.add_argument(
        "--speed", type=float, default=None, help="speech spacing divided by this (default 12)"
    )
    parser.add_argument("--only", choices=("sqlite", "dynamodb"), default=None)
    args = parser.parse_args(argv)
    speed = args.speed or (60.0 if args.quick else 12.0)
    users = 50 if args.quick else USERS
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-routines-") as tmp:
        for backend in [args.only] if args.only else ["sqlite", "dynamodb"]:
            print(f"routines: {backend} ...", file=sys.stderr, flush=True)
            rows.append(run_backend(backend, Path(tmp), speed, users))
    print_rows(rows, speed)
    return 0 if all(r["errors"] == 0 and r["finished"] == r["users"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
