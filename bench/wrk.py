"""wrk, the load generator of figures 5 and 6: its Lua scripts, running it, and the row a
figure reports when it is not installed.

Every script ends with the same `done` function, which prints one machine-readable summary
(requests, errors by kind, p50/p90/p99 and max latency in microseconds) that run_wrk reads.
The gunicorn servers it loads are in bench/serve.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from bench.report import Figure, log

# The end of every wrk script: one machine-readable summary line per figure.
_LUA_DONE = r"""
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

_LUA_THREADS = r"""
local threads, next_id = {}, 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
"""


def lua_new_user_each_request(body: str, placeholder: str) -> str:
    """POST `body` with `placeholder` replaced per request: every request is a new user."""
    return (
        _LUA_THREADS
        + f"""
local template = [==[{body}]==]
local counter = 0
wrk.method = "POST"
wrk.path = "/alexa"
wrk.headers["Content-Type"] = "application/json"
function request()
  counter = counter + 1
  local body = string.gsub(template, "{placeholder}", "t" .. tid .. "n" .. counter)
  return wrk.format(nil, nil, nil, body)
end
"""
        + _LUA_DONE
    )


def lua_rotation(requests: list[tuple[bytes, dict[str, str]]]) -> str:
    """POST these (body, headers) pairs in turn; each thread starts at a different offset."""
    rows = []
    for body, headers in requests:
        fields = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
        rows.append(f"  {{[==[{body.decode()}]==], {{{fields}}}}},")
    return (
        _LUA_THREADS
        + "local signed = {\n"
        + "\n".join(rows)
        + "\n}\n"
        + r"""
local built, counter = {}, 0
function request()
  counter = counter + 1
  local i = (counter + tid * 199) % #signed + 1
  if built[i] == nil then
    local headers = signed[i][2]
    headers["Content-Type"] = "application/json"
    built[i] = wrk.format("POST", "/alexa", headers, signed[i][1])
  end
  return built[i]
end
"""
        + _LUA_DONE
    )


def wrk_path() -> str | None:
    return shutil.which("wrk")


def skipped_without_wrk(section: str) -> list[Figure]:
    """What a figure under wrk reports when wrk is not installed: one SKIPPED row, and a log line."""
    log(f"{section}: SKIPPED - wrk is not installed (Debian: apt-get install wrk)")
    return [
        Figure(
            section,
            "gunicorn + wrk",
            None,
            "",
            "needs wrk",
            None,
            "SKIPPED: wrk not installed (Debian package `wrk`)",
        )
    ]


def run_wrk(url: str, script: Path, seconds: float, connections: int, threads: int = 2) -> dict[str, int]:
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed")
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "8s",
        "-s",
        str(script),
        url,
    ]
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
    stats["failed"] = sum(stats[k] for k in ("status", "connect", "read", "write", "timeout"))
    return stats
