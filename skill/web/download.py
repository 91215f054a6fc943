"""The default fetch_chain: download Amazon's certificate chain with one deadline and a size cap.

Only the canonical Amazon URL that check_cert_url() returns is ever requested, always from
s3.amazonaws.com:443 over TLS checked against certifi. http.client follows no redirects; any
status but 200 is a failure. The deadline covers everything (DNS, connect, TLS, headers,
body): the download runs in a helper thread and the caller stops waiting when time is up;
the helper's socket is then shut down so a server that drips bytes cannot keep it alive.

`connect` exists for tests only: it replaces the transport (a loopback server), never the URL
rule - what is requested is still the checked Amazon path.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
from collections.abc import Callable

import certifi

from skill.web.rules import (
    CERT_URL_HOST,
    CERT_URL_PORT,
    CHAIN_DOWNLOAD_DEADLINE_S,
    CHAIN_MAX_BYTES,
    CHAIN_MAX_CONCURRENT_DOWNLOADS,
    check_cert_url,
)

Connect = Callable[[float], http.client.HTTPConnection]

_slots = threading.BoundedSemaphore(CHAIN_MAX_CONCURRENT_DOWNLOADS)
_tls: ssl.SSLContext | None = None


class DownloadBusy(OSError):
    """Too many downloads in flight: refused at once. Not a fact about the URL, so not cached."""


def _amazon(timeout: float) -> http.client.HTTPConnection:
    global _tls
    if _tls is None:
        _tls = ssl.create_default_context(cafile=certifi.where())
    return http.client.HTTPSConnection(CERT_URL_HOST, CERT_URL_PORT, timeout=timeout, context=_tls)


def download_chain(
    url: str,
    *,
    connect: Connect | None = None,
    deadline_s: float = CHAIN_DOWNLOAD_DEADLINE_S,
    max_bytes: int = CHAIN_MAX_BYTES,
) -> bytes:
    """GET the chain at `url` (which must be canonical, see check_cert_url) within `deadline_s`.

    Raises OSError (TimeoutError, DownloadBusy, connection errors) or ValueError (not the
    Amazon URL, HTTP status, too large) - the errors RequestVerifier maps to a refusal.
    """
    if check_cert_url(url) != url:
        raise ValueError("not a canonical Amazon certificate URL")
    path = url[len(f"https://{CERT_URL_HOST}") :]
    if not _slots.acquire(blocking=False):
        raise DownloadBusy("too many certificate downloads in flight")
    job = _Download(path, connect or _amazon, deadline_s, max_bytes)
    thread = threading.Thread(target=job.run, name="cert-chain-download", daemon=True)
    try:
        thread.start()
    except BaseException:
        _slots.release()
        raise
    if not job.done.wait(deadline_s):
        job.abort()
        raise TimeoutError(f"certificate chain download took longer than {deadline_s} s")
    if job.error is not None:
        raise job.error
    assert job.data is not None
    return job.data


class _Download:
    """One GET in a helper thread; holds a download slot until the thread really ends."""

    def __init__(self, path: str, connect: Connect, deadline_s: float, max_bytes: int) -> None:
        self.path, self.connect, self.deadline_s, self.max_bytes = path, connect, deadline_s, max_bytes
        self.done = threading.Event()
        self.data: bytes | None = None
        self.error: BaseException | None = None
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self._aborted = False
        self._slots = _slots  # released by this thread when it really ends

    def run(self) -> None:
        try:
            self.data = self._get()
        except BaseException as error:  # handed to the waiting caller, who re-raises it
            self.error = error
        finally:
            self.done.set()
            with self._lock:
                conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()
            self._slots.release()

    def _get(self) -> bytes:
        conn = self.connect(self.deadline_s)
        with self._lock:
            self._conn = conn
        conn.connect()
        with self._lock:  # abort() may have come while connecting, before there was a socket
            if self._aborted:
                raise TimeoutError("certificate chain download aborted at the deadline")
        conn.request("GET", self.path, headers={"Accept": "*/*", "Connection": "close"})
        reply = conn.getresponse()
        if reply.status != 200:  # redirects included: never followed
            raise ValueError(f"certificate chain download answered HTTP {reply.status}")
        declared = reply.getheader("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_bytes:
            raise ValueError(f"certificate chain larger than {self.max_bytes} bytes")
        data = reply.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise ValueError(f"certificate chain larger than {self.max_bytes} bytes")
        return data

    def abort(self) -> None:
        """Called by the caller at the deadline: end any blocked read in the helper thread."""
        with self._lock:
            self._aborted = True
            sock = self._conn.sock if self._conn is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed: nothing left to end
                sock.shutdown(socket.SHUT_RDWR)
