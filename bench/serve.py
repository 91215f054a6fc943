"""gunicorn for the load figures: start a server on a free loopback port, read its workers.

Shared by figure 5 (`bench.http`) and figure 6 (`bench.compare`), whose load comes from wrk
(bench/wrk.py), and by the routines load and the crash test. Every server runs with the
production settings in deploy/gunicorn.conf.py (sync workers, access log) and is always
stopped: SIGTERM to the master, SIGKILL to the session we started only if it lingers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

from bench.report import log

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def log_tails_on_failure(section: str, servers: Mapping[str, Server]) -> Iterator[None]:
    """Around a load run: if it fails, log each server's gunicorn log tail, then re-raise."""
    try:
        yield
    except Exception:
        for key, server in servers.items():
            log(f"{section}: gunicorn ({key}) log tail:\n{server.log_tail()}")
        raise


def post_each(url: str, requests: list[tuple[bytes, dict[str, str]]]) -> None:
    """POST every (body, headers) once, in order; any non-2xx answer is an error."""
    for body, headers in requests:
        call = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
        )
        with urllib.request.urlopen(call, timeout=10) as reply:
            reply.read()


class Server:
    """`gunicorn -c deploy/gunicorn.conf.py APP` on a free port; a context manager."""

    def __init__(self, app: str, env: dict[str, str], log_path: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.app, self.log_path = app, log_path
        self.env = {k: v for k, v in os.environ.items() if k not in ("BIND", "GUNICORN_CMD_ARGS")}
        self.env.update(
            {"PORT": str(self.port), "WEB_CONCURRENCY": str(workers), "PYTHONUNBUFFERED": "1", **env}
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup_ms = 0.0

    def __enter__(self) -> Server:
        started = time.monotonic()
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", self.app],
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_healthy(timeout=30)
        except Exception:
            self.__exit__()
            raise
        self.startup_ms = (time.monotonic() - started) * 1000
        return self

    def __exit__(self, *exc: object) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=12)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # the session we started: master and workers
            proc.wait(timeout=5)

    def _wait_healthy(self, timeout: float) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"gunicorn {self.app} exited with status {self.proc.returncode}:\n" + self.log_tail()
                )
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn {self.app} not healthy after {timeout:g} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def workers(self) -> list[int]:
        assert self.proc is not None
        pid = self.proc.pid
        try:
            return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:  # kernels without CONFIG_PROC_CHILDREN: scan for our children
            pass
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
        return found


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
