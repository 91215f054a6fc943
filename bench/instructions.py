"""Figure 6b, `instructions`: CPU instructions per request, (d) against (c), counted by valgrind.

    .venv/bin/python -m bench.instructions [--quick]

Figure 6 (bench.compare) times the servers on whatever this machine is doing at the moment;
on a shared 2-core VM the same code gives ratios ten points apart from run to run. This
figure counts instead: the same in-process loop as figure 6's WSGI apps ((c) the ask-sdk
hello world with verification, (d) this project on SQLite; bench/targets.py), each run under
`valgrind --tool=callgrind` twice, with 0 and with N steady-state LaunchRequests; the
difference over N is the instructions one request costs, start-up excluded. The count is
the same on a busy machine and a quiet one (within about 0.1 %).

What it cannot see: gunicorn's own work, the same for both targets (which pulls figure 6's
ratio towards 1), and the cache misses that make a larger worker slower per instruction
(which push it down). So (c)/(d) here is not figure 6's number; it is the one that moves
only when the code does, and the one to watch for regressions.

Each target is warmed first like in figure 6 (every user once, then once more: the first
launch stores her profile and time zone, the second starts a stretch); the counted requests
are the third and later launches, the resume offer. Requests are signed once with the
project's local CA and the verifier's clock is held at the signing time, so a slow
valgrind run never meets Alexa's 150 s window. Needs valgrind (Debian: `apt-get install
valgrind`); without it the figure is SKIPPED.
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.report import Figure, at_least, info, log, main
from bench.serve import REPO

USERS = 100
WARM_ROUNDS = 2
RATIO_FLOOR = 0.85  # the same floor as figure 6: (c) instructions / (d) instructions
TARGETS = {"c": "bench.targets:hello_verified", "d": "bench.targets:project"}


def _inner(target: str, data: Path, requests: int) -> None:
    """Inside valgrind: build the app, warm it, then `requests` steady-state launches."""
    from datetime import datetime

    signed, signed_at = pickle.loads((data / "signed.pkl").read_bytes())
    import skill.alexa.interceptors as interceptors
    import skill.web.verification as verification

    frozen: datetime = signed_at
    verification._utc_now = lambda: frozen  # type: ignore[attr-defined]  # see the docstring
    # The device's time zone as the Settings API would give it, without a network call.
    interceptors.device_time_zone = lambda *args, **kwargs: "Europe/London"  # type: ignore[assignment]
    os.environ.update(
        BENCH_ROOT_PEM=str(data / "local-ca-root.pem"),
        BENCH_CHAIN_PEM=str(data / "local-ca-chain.pem"),
        SQLITE_PATH=str(data / f"{target}-{requests}.sqlite3"),
        LOG_LEVEL="ERROR",
    )
    import importlib

    module, name = TARGETS[target].split(":")
    app = getattr(importlib.import_module(module), name)()

    from werkzeug.test import EnvironBuilder

    # One WSGI environ per signed request, built before anything is counted; each request
    # gets a copy with its own body stream, so the loop costs both targets the same little.
    environs = [
        EnvironBuilder(
            path="/alexa",
            method="POST",
            data=body,
            headers=headers,
            content_type="application/json; charset=utf-8",
        ).get_environ()
        for body, headers in signed
    ]
    bodies = [body for body, _ in signed]

    def post(i: int) -> None:
        environ = {**environs[i], "wsgi.input": io.BytesIO(bodies[i])}
        status: list[str] = []
        reply = app(environ, lambda s, h, *exc: status.append(s))
        b"".join(reply)
        if not status[0].startswith("200"):
            raise SystemExit(f"{target}: {status[0]}")

    for _ in range(WARM_ROUNDS):
        for i in range(len(signed)):
            post(i)
    for i in range(requests):
        post(i % len(signed))


def _count(target: str, data: Path, requests: int) -> int:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "bench.instructions",
            "--inner",
            target,
            str(data),
            str(requests),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    for line in done.stderr.splitlines():
        if "Collected :" in line:
            if done.returncode != 0:
                break
            return int(line.split("Collected :")[1].strip())
    raise RuntimeError(f"valgrind run of ({target}) failed:\n{done.stderr[-2000:]}")


def run(quick: bool = False) -> list[Figure]:
    if shutil.which("valgrind") is None:
        return [Figure("instructions", "SKIPPED: valgrind not installed", None, "")]
    from datetime import UTC, datetime

    from bench.signing import signed_launches
    from skill.commands._local_ca import LocalAlexaCA

    n = 100 if quick else 300
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as tmp_name:
        data = Path(tmp_name)
        ca = LocalAlexaCA()
        ca.save(data)
        # The same envelopes as figure 6, loopback API endpoint included (never called here).
        signed = signed_launches(ca, USERS, prefix="u")
        (data / "signed.pkl").write_bytes(pickle.dumps((signed, datetime.now(UTC))))
        log(
            f"instructions: 4 valgrind runs of {USERS * WARM_ROUNDS} + 0 and + {n} requests (about a minute each)"
        )
        runs = [(target, count) for target in TARGETS for count in (0, n)]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            totals = dict(zip(runs, pool.map(lambda r: _count(r[0], data, r[1]), runs), strict=True))
    per = {target: (totals[(target, n)] - totals[(target, 0)]) / n for target in TARGETS}
    return [
        info(
            "instructions", "(c) hello world + verification", per["c"] / 1e6, "M/req", f"{n} requests counted"
        ),
        info("instructions", "(d) this project (SQLite)", per["d"] / 1e6, "M/req", f"{n} requests counted"),
        at_least(
            "instructions",
            "(c) / (d) instructions",
            per["c"] / per["d"],
            "x",
            RATIO_FLOOR,
            "the code's share of figure 6's ratio: gunicorn's work and cache misses are not in it",
        ),
    ]


def _main(argv: list[str]) -> Any:
    if argv[:1] == ["--inner"]:
        _inner(argv[1], Path(argv[2]), int(argv[3]))
        return 0
    return main({"instructions": run}, __doc__.split("\n\n")[0], argv)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
