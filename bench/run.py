"""Speed and memory figures for the skill service, each printed next to its target.

    .venv/bin/python -m bench.run            # full run, about 60-90 s on 2 cores
    .venv/bin/python -m bench.run --quick    # about 15 s, fewer samples, shorter load
    .venv/bin/python bench/run.py --only http,sqlite

Sections (bench/README.md explains every figure and why its target is what it is):
  request   in-process latency through the Flask test client, verification ON
  render    plan + render + validate of every stretch x pace x dose
  verify    RequestVerifier.verify() alone, chain cached
  sqlite    SQLiteAdapter round trip, and 4 processes writing at once
  http      gunicorn (deploy/gunicorn.conf.py) under wrk, plus per-worker peak RSS

Exit status is 0 unless a section crashed; with --strict, also 1 when any figure MISSes.
Nothing here is imported by the tests.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `python bench/run.py` puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

SECTIONS = ("request", "render", "verify", "sqlite", "http")


# --- figures and the table ---------------------------------------------------------------


@dataclass
class Figure:
    section: str
    name: str
    value: float | None
    unit: str
    target: str = ""  # e.g. "< 50"; empty: informational, no verdict
    ok: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.ok is None:
            return "info" if not self.target else "skip"
        return "PASS" if self.ok else "MISS"


def below(section: str, name: str, value: float, unit: str, limit: float, note: str = "") -> Figure:
    return Figure(section, name, value, unit, f"< {limit:g}", value < limit, note)


def at_least(section: str, name: str, value: float, unit: str, floor: float, note: str = "") -> Figure:
    return Figure(section, name, value, unit, f">= {floor:g}", value >= floor, note)


def info(section: str, name: str, value: float | None, unit: str, note: str = "") -> Figure:
    return Figure(section, name, value, unit, "", None, note)


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def print_table(figures: list[Figure]) -> None:
    rows = [("section", "figure", "value", "unit", "target", "verdict")]
    for f in figures:
        rows.append((f.section, f.name, _fmt(f.value), f.unit, f.target or "-", f.verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    aligns = ("<", "<", ">", "<", "<", "<")
    for n, row in enumerate(rows):
        print("  ".join(f"{cell:{a}{w}}" for cell, a, w in zip(row, aligns, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    notes = [f for f in figures if f.note]
    if notes:
        print()
        for f in notes:
            print(f"  [{f.section}] {f.name}: {f.note}")


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- statistics --------------------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation): p99 of 300 samples is the 297th."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def time_ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - start) / 1e6


# --- shared builders ---------------------------------------------------------------------


def _quiet_logs() -> None:
    import logging

    logging.getLogger("skill").setLevel(logging.ERROR)


def _request_envelope(body: dict[str, Any]) -> Any:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    return DefaultSerializer().deserialize(json.dumps(body), RequestEnvelope)


def _profile_document() -> dict[str, Any]:
    """What a real user's stored document looks like after a launch and a next."""
    from skill import create_app
    from skill.storage import MemoryAdapter
    from tests.conversation import Conversation
    from tests.envelopes import USER_ID, launch_request

    storage = MemoryAdapter()
    app = create_app({"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory",
                      "LOG_LEVEL": "ERROR"}, persistence=storage)
    talk = Conversation(app.test_client())
    talk.launch()
    talk.intent("AMAZON.NextIntent")
    return storage.get_attributes(_request_envelope(launch_request(user_id=USER_ID)))


# --- 1. in-process request latency -------------------------------------------------------

REQUEST_P95_MS = 50.0
REQUEST_P99_MS = 100.0


def bench_request(quick: bool) -> list[Figure]:
    from skill import create_app
    from skill.storage import MemoryAdapter
    from tests.alexa_ca import AlexaTestCA, make_verifier
    from tests.envelopes import SKILL_ID, USER_ID, intent_request, launch_request

    n = 100 if quick else 300
    warmup = 10 if quick else 30
    ca = AlexaTestCA()
    app = create_app(
        {"ALEXA_VERIFY_REQUESTS": "on", "ALEXA_SKILL_IDS": SKILL_ID, "STORAGE_BACKEND": "memory",
         "LOG_LEVEL": "ERROR"},
        verifier=make_verifier(ca),
        persistence=MemoryAdapter(),
    )
    client = app.test_client()

    def post(payload: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        body = json.dumps(payload).encode()
        headers = ca.sign(body)  # signing (about 1 ms of RSA) stays outside the timing
        start = time.perf_counter_ns()
        reply = client.post("/alexa", data=body, headers=headers, content_type="application/json")
        elapsed = (time.perf_counter_ns() - start) / 1e6
        if reply.status_code != 200:
            raise RuntimeError(f"request refused: {reply.status_code} {reply.get_data(as_text=True)}")
        return elapsed, reply.get_json()

    def coach_state(reply: dict[str, Any]) -> dict[str, Any]:
        return (reply.get("sessionAttributes") or {}).get("coach") or {}

    # LaunchRequest: a new user each time, so every launch guides stretch 1 (a returning
    # user would get the short "welcome back" question instead).
    def launch(i: int) -> float:
        ms, reply = post(launch_request(user_id=f"{USER_ID}L{i}"))
        state = coach_state(reply)
        if state.get("mode") != "routine" or state.get("index") != 0:
            raise RuntimeError(f"launch did not guide the first stretch: {state}")
        return ms

    # NextIntent mid-routine: one user, session attributes as after stretch 2, so every
    # request guides stretch 3 of 5.
    session = "amzn1.echo-api.session.bench-next"
    _, first = post(launch_request(user_id=USER_ID, session_id=session))
    _, second = post(intent_request("AMAZON.NextIntent", user_id=USER_ID, session_id=session,
                                    session_attributes=first["sessionAttributes"]))
    mid_routine = second["sessionAttributes"]

    def next_intent(i: int) -> float:
        ms, reply = post(intent_request("AMAZON.NextIntent", user_id=USER_ID, session_id=session,
                                        session_attributes=mid_routine))
        if coach_state(reply).get("index") != 2:
            raise RuntimeError(f"NextIntent did not guide stretch 3: {coach_state(reply)}")
        return ms

    figures = []
    for label, fn in (("LaunchRequest", launch), ("NextIntent", next_intent)):
        for i in range(warmup):
            fn(-1 - i)
        samples = [fn(i) for i in range(n)]
        figures += [
            info("request", f"{label} p50", percentile(samples, 50), "ms", f"n={n}"),
            below("request", f"{label} p95", percentile(samples, 95), "ms", REQUEST_P95_MS),
            below("request", f"{label} p99", percentile(samples, 99), "ms", REQUEST_P99_MS),
        ]
    if len(ca.fetched) != 1:
        raise RuntimeError(f"certificate chain fetched {len(ca.fetched)} times; expected once")
    return figures


# --- 2. pacing + SSML render -------------------------------------------------------------

RENDER_MEAN_MS = 5.0


def bench_render(quick: bool) -> list[Figure]:
    from skill.core import ssml
    from skill.core.content import CONTENT
    from skill.core.pacing import DOSES, PACES, Settings, plan

    rounds = 5 if quick else 20
    combos = [(ex, Settings(pace, dose)) for ex in CONTENT.exercises for pace in PACES for dose in DOSES]
    if len(combos) != 45:
        log(f"note: {len(combos)} stretch x pace x dose combinations (expected 45)")
    for ex, settings in combos:  # warm-up; also proves every combination validates
        ssml.validate(ssml.speak(ssml.render([plan(ex, settings)])))

    totals = {"plan": 0.0, "render": 0.0, "validate": 0.0}
    per_call: list[float] = []
    worst: tuple[float, str] = (0.0, "")
    for _ in range(rounds):
        for ex, settings in combos:
            t0 = time.perf_counter_ns()
            timeline = plan(ex, settings)
            t1 = time.perf_counter_ns()
            full = ssml.speak(ssml.render([timeline]))
            t2 = time.perf_counter_ns()
            ssml.validate(full)
            t3 = time.perf_counter_ns()
            totals["plan"] += (t1 - t0) / 1e6
            totals["render"] += (t2 - t1) / 1e6
            totals["validate"] += (t3 - t2) / 1e6
            ms = (t3 - t0) / 1e6
            per_call.append(ms)
            if ms > worst[0]:
                worst = (ms, f"{ex.id} {settings.pace}/{settings.dose}")
    calls = len(per_call)
    return [
        below("render", "plan+render+validate mean", statistics.fmean(per_call), "ms", RENDER_MEAN_MS,
              f"{len(combos)} combinations x {rounds} rounds = {calls} calls"),
        info("render", "  of which plan()", totals["plan"] / calls, "ms"),
        info("render", "  of which render()", totals["render"] / calls, "ms"),
        info("render", "  of which validate()", totals["validate"] / calls, "ms",
             "the handlers validate every response before sending it (skill.alexa.handlers.turn)"),
        info("render", "slowest call", worst[0], "ms", worst[1]),
    ]


# --- 3. request verification -------------------------------------------------------------

VERIFY_MEAN_MS = 5.0


def bench_verify(quick: bool) -> list[Figure]:
    from skill.web import verification as v
    from tests.alexa_ca import AlexaTestCA, make_verifier
    from tests.envelopes import launch_request

    n = 150 if quick else 500
    ca = AlexaTestCA()
    verifier = make_verifier(ca)
    signed = []
    for i in range(n):
        body = json.dumps(launch_request(user_id=f"verify-{i}")).encode()
        signed.append((ca.sign(body), body))
    verifier.verify(*signed[0])  # first call downloads (here: fakes) and caches the chain
    samples = [time_ms(lambda h=h, b=b: verifier.verify(h, b)) for h, b in signed]

    # Where the time goes: the same steps verify() takes, timed one by one.
    now = v._utc_now()
    chain = v.parse_chain(ca.chain_pem)
    store = verifier._store
    headers, body = signed[0]
    signature = v.decode_signature(v.header(headers, v.SIGNATURE_HEADER))
    path_ms = statistics.fmean(time_ms(lambda: v.check_path(chain, store, now)) for _ in range(n))
    sig_ms = statistics.fmean(
        time_ms(lambda: v.check_signature(chain.leaf, signature, body)) for _ in range(n))
    return [
        below("verify", "verify() mean", statistics.fmean(samples), "ms", VERIFY_MEAN_MS,
              f"n={n}; chain fetched {len(ca.fetched)} time(s)"),
        info("verify", "verify() p99", percentile(samples, 99), "ms"),
        info("verify", "  of which check_path()", path_ms, "ms",
             "chain path validation, redone on every request although the chain is cached"),
        info("verify", "  of which check_signature()", sig_ms, "ms"),
    ]


# --- 4. SQLite ---------------------------------------------------------------------------

SQLITE_MEAN_MS = 2.0
SQLITE_P99_MS = 20.0
SQLITE_WRITES_PER_S = 500.0
WRITERS = 4


def _writer(path: str, worker: int, document: dict[str, Any], ready: Any, go: Any,
            seconds: float, results: Any) -> None:
    from skill.storage import SQLiteAdapter, StorageError
    from tests.envelopes import launch_request

    storage = SQLiteAdapter(path)
    envelopes = [_request_envelope(launch_request(user_id=f"writer-{worker}-{u}")) for u in range(25)]
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


def bench_sqlite(quick: bool) -> list[Figure]:
    from skill.storage import SQLiteAdapter
    from tests.envelopes import launch_request

    n = 150 if quick else 500
    seconds = 1.0 if quick else 3.0
    document = _profile_document()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-sqlite-") as tmp:
        storage = SQLiteAdapter(os.path.join(tmp, "roundtrip.sqlite3"))
        envelopes = [_request_envelope(launch_request(user_id=f"rt-{u}")) for u in range(20)]
        for env in envelopes:  # connect, migrate, and give every user a row
            storage.save_attributes(env, document)

        def round_trip(env: Any) -> None:
            storage.save_attributes(env, document)
            if storage.get_attributes(env) != document:
                raise RuntimeError("SQLite returned a different document")

        samples = [time_ms(lambda i=i: round_trip(envelopes[i % len(envelopes)])) for i in range(n)]
        storage.close()
        figures += [
            below("sqlite", "save+get mean", statistics.fmean(samples), "ms", SQLITE_MEAN_MS,
                  f"n={n}; document {len(json.dumps(document))} bytes of JSON"),
            below("sqlite", "save+get p99", percentile(samples, 99), "ms", SQLITE_P99_MS),
        ]

        ctx = multiprocessing.get_context("fork")
        path = os.path.join(tmp, "concurrent.sqlite3")
        SQLiteAdapter(path).count_users()  # create the file and schema once, up front
        ready, go, results = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=_writer, args=(path, w, document, ready, go, seconds, results))
                 for w in range(WRITERS)]
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
        figures += [
            at_least("sqlite", f"{WRITERS} processes writing", writes / seconds, "writes/s",
                     SQLITE_WRITES_PER_S, f"{writes} writes in {seconds:g} s, all at once"),
            Figure("sqlite", "  failed writes (StorageError)", errors, "count", "= 0", errors == 0),
            info("sqlite", "  write p99 under contention", percentile(latencies, 99), "ms"),
            info("sqlite", "  write p99.9 under contention", percentile(latencies, 99.9), "ms"),
            info("sqlite", "  writes slower than 100 ms", sum(ms > 100 for ms in latencies), "count"),
            info("sqlite", "  slowest write under contention", max(latencies), "ms",
                 "a writer that keeps losing the lock waits in SQLite's busy handler"),
        ]
    return figures


# --- 5. gunicorn over real HTTP ----------------------------------------------------------

HTTP_RPS = 100.0
HTTP_P99_MS = 500.0
WORKER_RSS_MB = 150.0

# One Lua state per wrk thread. Every request gets its own user id, so each one takes the
# full first-launch path (guide stretch 1, insert a row) rather than "welcome back".
WRK_LUA = r"""
local template = [==[BODY]==]
local counter = 0
local threads = {}
local next_id = 0

wrk.method = "POST"
wrk.path = "/alexa"
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = string.gsub(template, "BENCHUSER", "t" .. tid .. "n" .. counter)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d status=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("BENCH p%d=%d\n", p, latency:percentile(p)))
  end
  io.write(string.format("BENCH max=%d\n", latency.max))
end
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(x) for x in text.split()]
    except OSError:
        pass
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.append(int(entry.name))
    return found


def _status_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(url, timeout=1) as reply:
                if reply.status == 200 and json.load(reply).get("status") == "ok":
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn not healthy after {timeout:g} s")


def _run_wrk(wrk: str, url: str, script: str, seconds: int, connections: int) -> dict[str, int]:
    cmd = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "8s", "-s", script, url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    stats: dict[str, int] = {}
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            for pair in line[6:].split():
                key, _, value = pair.partition("=")
                stats[key] = int(value)
    if "requests" not in stats:
        raise RuntimeError(f"could not read wrk's output:\n{done.stdout}")
    return stats


def bench_http(quick: bool) -> list[Figure]:
    from tests.envelopes import launch_request

    wrk = shutil.which("wrk")
    if wrk is None:
        log("http: SKIPPED - wrk is not installed (Debian: apt-get install wrk)")
        return [Figure("http", "gunicorn + wrk", None, "", "needs wrk", None,
                       "SKIPPED: wrk not installed (Debian package `wrk`)")]
    seconds = 3 if quick else 10
    connections = 16
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("BIND", "GUNICORN_CMD_ARGS")}
        env.update({
            "PORT": str(port),
            "ALEXA_VERIFY_REQUESTS": "off",
            "STORAGE_BACKEND": "sqlite",
            "SQLITE_PATH": os.path.join(tmp, "stretches.sqlite3"),
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
        })
        body = json.dumps(launch_request(user_id="amzn1.ask.account.BENCHUSER"))
        script = os.path.join(tmp, "launch.lua")
        Path(script).write_text(WRK_LUA.replace("BODY", body, 1))
        server_log = os.path.join(tmp, "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        with open(server_log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "skill:create_app()"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        try:
            started = time.monotonic()
            _wait_healthy(f"{base}/healthz", proc, timeout=30)
            figures.append(info("http", "start-up to healthy", (time.monotonic() - started) * 1000, "ms"))
            if not quick:  # warm both workers (imports, first SQLite connection) off the clock
                _run_wrk(wrk, f"{base}/alexa", script, 1, connections)
            stats = _run_wrk(wrk, f"{base}/alexa", script, seconds, connections)
            workers = _children(proc.pid)
            peaks = {pid: _status_kb(pid, "VmHWM") for pid in workers}
        except Exception:
            tail = Path(server_log).read_text(errors="replace")[-2000:]
            log(f"http: gunicorn log tail:\n{tail}")
            raise
        finally:
            _stop(proc)
        rps = stats["requests"] / (stats["duration_us"] / 1e6)
        failed = sum(stats[k] for k in ("status", "connect", "read", "write", "timeout"))
        figures += [
            at_least("http", "LaunchRequest throughput", rps, "req/s", HTTP_RPS,
                     f"wrk -t2 -c{connections} -d{seconds}s; {stats['requests']} requests, "
                     f"2 sync workers, SQLite, verification off"),
            info("http", "latency p50", stats["p50"] / 1000, "ms"),
            info("http", "latency p90", stats["p90"] / 1000, "ms"),
            below("http", "latency p99", stats["p99"] / 1000, "ms", HTTP_P99_MS,
                  f"{connections} connections queue on 2 workers; max {stats['max'] / 1000:.1f} ms"),
            Figure("http", "failed requests (non-2xx, socket)", failed, "count", "= 0", failed == 0),
        ]
        if len(workers) != 2:
            figures.append(Figure("http", "worker processes found", len(workers), "count", "= 2", False))
        for i, pid in enumerate(sorted(workers)):
            kb = peaks.get(pid)
            if kb is None:
                figures.append(info("http", f"worker {i + 1} peak RSS", None, "MB", "could not read VmHWM"))
            else:
                figures.append(below("http", f"worker {i + 1} peak RSS (VmHWM)", kb / 1024, "MB",
                                     WORKER_RSS_MB))
    return figures


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the master (it stops its workers), then SIGKILL the group if it lingers."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=12)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the session we started: master and workers only
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


# --- main --------------------------------------------------------------------------------

RUNNERS: dict[str, Callable[[bool], list[Figure]]] = {
    "request": bench_request,
    "render": bench_render,
    "verify": bench_verify,
    "sqlite": bench_sqlite,
    "http": bench_http,
}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer samples, shorter load (~15 s)")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections (default all: {','.join(SECTIONS)})")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any figure MISSes")
    args = parser.parse_args(list(argv) if argv is not None else None)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in RUNNERS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")

    _quiet_logs()
    figures: list[Figure] = []
    crashed = False
    began = time.monotonic()
    for name in chosen:
        log(f"{name} ...")
        t0 = time.monotonic()
        try:
            figures += RUNNERS[name](args.quick)
        except Exception as exc:  # report and go on: one broken section should not hide the rest
            crashed = True
            traceback.print_exc()
            figures.append(Figure(name, "SECTION FAILED", None, "", "runs", False, repr(exc)))
        log(f"{name} done in {time.monotonic() - t0:.1f} s")

    print()
    print(f"bench {'--quick ' if args.quick else ''}on {os.cpu_count()} CPUs, Python "
          f"{sys.version.split()[0]}, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"took {time.monotonic() - began:.0f} s")
    print()
    print_table(figures)
    missed = [f for f in figures if f.ok is False]
    print()
    print(f"{len([f for f in figures if f.ok])} PASS, {len(missed)} MISS")
    if crashed:
        return 2
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
