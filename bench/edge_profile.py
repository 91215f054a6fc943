"""Time the web edge in-process: create_app, then N signed LaunchRequests through Flask's test client.

    python bench/edge_profile.py [-n 800] [--sort tottime|cumulative] [--top 10]

Standalone on purpose (no import from tests.*): it signs every body like Alexa does with the
project's local CA (skill/commands/_local_ca.py: root -> intermediate -> echo-api.amazon.com
leaf), and gives the verifier that CA as its only trust root and a fake download, so nothing
leaves the process.
Prints import + create_app time, per-request wall-clock mean, p50 and p99 and the process's CPU
time per request (a first, unmeasured request fills the chain cache), then a cProfile of a
second pass of N requests (top functions by self time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from skill.commands._local_ca import LocalAlexaCA

SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-00000000bench"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"
NOW = datetime.now(UTC).replace(microsecond=0)


def launch_body(i: int) -> bytes:
    # No apiEndpoint/apiAccessToken: with them the skill may call Alexa's APIs (the device's
    # time zone), and this script measures what happens in-process only.
    user = f"amzn1.ask.account.BENCHUSER{i:08d}"
    app = {"applicationId": SKILL_ID}
    return json.dumps(
        {
            "version": "1.0",
            "session": {
                "new": True,
                "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                "application": app,
                "attributes": {},
                "user": {"userId": user},
            },
            "context": {
                "System": {
                    "application": app,
                    "user": {"userId": user},
                    "device": {"deviceId": "amzn1.ask.device.BENCH", "supportedInterfaces": {}},
                }
            },
            "request": {
                "type": "LaunchRequest",
                "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                "timestamp": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "locale": "en-US",
            },
        }
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=800, help="requests per pass (default 800)")
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    ca = LocalAlexaCA(cert_url=CERT_URL)  # certificates only: the web edge is not imported yet

    started = time.perf_counter()
    from skill import create_app
    from skill.web import verification  # noqa: F401  (timed with the import, as gunicorn's worker does)

    imported = time.perf_counter()
    verifier = ca.verifier([SKILL_ID], clock=lambda: NOW)
    app = create_app(
        {"ALEXA_SKILL_IDS": SKILL_ID, "STORAGE_BACKEND": "memory", "LOG_LEVEL": "WARNING"}, verifier=verifier
    )
    created = time.perf_counter()
    client = app.test_client()
    # Signed after the start-up timing (signing imports the edge's header names).
    posts = [(ca.sign(body), body) for body in (launch_body(i) for i in range(2 * args.n + 1))]

    def post(headers: dict[str, str], body: bytes) -> None:
        reply = client.post("/alexa", data=body, headers=headers, content_type="application/json")
        if reply.status_code != 200:
            raise SystemExit(f"HTTP {reply.status_code}: {reply.get_data(as_text=True)[:200]}")

    post(*posts[0])  # fills the chain cache; not measured
    samples = []
    cpu_started = time.process_time()
    for headers, body in posts[1 : args.n + 1]:
        t0 = time.perf_counter()
        post(headers, body)
        samples.append((time.perf_counter() - t0) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / args.n
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * len(samples)) - 1)]

    print(
        f"import skill: {(imported - started) * 1000:.0f} ms; create_app: {(created - imported) * 1000:.0f} ms"
    )
    print(
        f"{args.n} signed LaunchRequests in-process: mean {statistics.fmean(samples):.3f} ms, "
        f"p50 {statistics.median(samples):.3f} ms, p99 {p99:.3f} ms; CPU {cpu_ms:.3f} ms a request "
        "(CPU time is the steadier figure on a busy machine)"
    )

    profile = cProfile.Profile()
    profile.enable()
    for headers, body in posts[args.n + 1 :]:
        post(headers, body)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    print(f"cProfile of {args.n} more requests, top {args.top} by {args.sort}:")
    print("\n".join(line for line in lines[start:] if line.strip()))


if __name__ == "__main__":
    main()
