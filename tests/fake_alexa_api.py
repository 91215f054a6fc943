"""A loopback HTTPS stand-in for Alexa's REST API (Settings now, Reminders later).

It serves https://127.0.0.1:<port> with a server certificate from the project's local CA
(skill/commands/_local_ca.py; files in a temp dir), records every call (method, path,
headers, JSON body), and answers each path as told: a status with a body, a hang, a slow
drip, a huge body, a redirect. Unknown paths get 404.

Use the `alexa_api` fixture: import it into a test module (`from tests.fake_alexa_api import
alexa_api_fixture`, then ask for `alexa_api`). It sets REQUESTS_CA_BUNDLE to the local CA's
root (which skill.alexa.api trusts, like `requests` does) and NO_PROXY for loopback. Point a
request envelope's context.System.apiEndpoint at `fake.endpoint`.
"""

from __future__ import annotations

import contextlib
import json
import ssl
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from skill.commands._local_ca import LocalAlexaCA

__all__ = ["Call", "FakeAlexaApi", "alexa_api_fixture"]

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # without the query string
    query: str
    headers: dict[str, str]  # names in lower case
    body: Any  # parsed JSON, or None when the request had no body
    raw_body: bytes = b""


@dataclass
class _Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0  # seconds to wait before anything is sent
    drip: float = 0.0  # seconds between bytes
    drip_headers: bool = False  # drip from the status line on, not only the body
    huge: int = 0  # bytes of filler to send as the body
    declare_length: bool = True


def _json_bytes(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    return json.dumps(body).encode("utf-8")


class FakeAlexaApi:
    """The fake server. Tell it how to answer, run the code under test, read `calls`.

    `cert_names`: the names its certificate is valid for (leave one out to test host checks).
    """

    def __init__(self, cert_names: tuple[str, ...] = (HOST, "localhost")) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-alexa-api-")
        ca = LocalAlexaCA()
        self.ca_file, _ = ca.save(Path(self._tmp.name))
        cert_file, key_file = ca.server_tls(Path(self._tmp.name), cert_names)
        self._replies: dict[tuple[str, str], _Reply] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.calls: list[Call] = []

        server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_tls.load_cert_chain(cert_file, key_file)
        self._server = ThreadingHTTPServer((HOST, 0), self._handler_class())
        self._server.daemon_threads = True
        # Handshake in the handler thread, not in the accept loop.
        self._server.socket = server_tls.wrap_socket(
            self._server.socket, server_side=True, do_handshake_on_connect=False
        )
        self.port = self._server.server_address[1]
        self.endpoint = f"https://{HOST}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    # --- telling it how to answer -----------------------------------------------------------

    def _set(self, path: str, reply: _Reply, method: str | None) -> None:
        with self._lock:
            self._replies[((method or "*").upper(), path)] = reply

    def answer(
        self,
        path: str,
        body: Any = None,
        *,
        status: int = 200,
        method: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `status` with `body` (JSON-encoded unless bytes; None sends no body)."""
        data = b"" if body is None else _json_bytes(body)
        reply_headers = {"Content-Type": "application/json"} if data else {}
        reply_headers.update(headers or {})
        self._set(path, _Reply(status=status, body=data, headers=reply_headers), method)

    def hang(self, path: str, seconds: float = 10.0, *, method: str | None = None) -> None:
        """Accept the request and send nothing for `seconds` (released early by close())."""
        self._set(path, _Reply(hang=seconds), method)

    def drip(
        self,
        path: str,
        body: Any = "Europe/London",
        *,
        interval: float = 0.5,
        headers_too: bool = False,
        method: str | None = None,
    ) -> None:
        """Send a 200 one byte every `interval` seconds: the body only, or from the status line."""
        data = _json_bytes(body) * 20  # long enough to outlast any deadline in the tests
        self._set(
            path,
            _Reply(
                body=data,
                headers={"Content-Type": "application/json"},
                drip=interval,
                drip_headers=headers_too,
            ),
            method,
        )

    def huge(
        self,
        path: str,
        size: int = 10 * 1024 * 1024,
        *,
        declare_length: bool = True,
        method: str | None = None,
    ) -> None:
        """A 200 with `size` bytes of body, with or without a Content-Length header."""
        self._set(
            path,
            _Reply(huge=size, declare_length=declare_length, headers={"Content-Type": "application/json"}),
            method,
        )

    def redirect(self, path: str, location: str, *, status: int = 302, method: str | None = None) -> None:
        self._set(path, _Reply(status=status, headers={"Location": location}), method)

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    # --- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._tmp.cleanup()

    def __enter__(self) -> FakeAlexaApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _reply_for(self, method: str, path: str) -> _Reply:
        with self._lock:
            reply = self._replies.get((method, path)) or self._replies.get(("*", path))
        return reply or _Reply(
            status=404,
            body=b'{"type":"NOT_FOUND","message":"no such path"}',
            headers={"Content-Type": "application/json"},
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

            def _serve(self) -> None:
                path, _, query = self.path.partition("?")
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                with fake._lock:
                    fake.calls.append(
                        Call(
                            self.command,
                            path,
                            query,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                            raw,
                        )
                    )
                reply = fake._reply_for(self.command, path)
                # The client may give up, as it should on a hang, a drip or a huge body.
                with contextlib.suppress(OSError, ssl.SSLError):
                    self._send(reply)
                self.close_connection = True

            def _send(self, reply: _Reply) -> None:
                if reply.hang:
                    fake._stopping.wait(reply.hang)
                    return
                headers = dict(reply.headers)
                headers["Connection"] = "close"
                if reply.huge:
                    if reply.declare_length:
                        headers["Content-Length"] = str(reply.huge)
                else:
                    headers["Content-Length"] = str(len(reply.body))
                head = f"HTTP/1.1 {reply.status} {self.responses.get(reply.status, ('',))[0]}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
                if reply.drip:
                    data = (head.encode("latin-1") if reply.drip_headers else b"") + reply.body
                    if not reply.drip_headers:
                        self.wfile.write(head.encode("latin-1"))
                    for i in range(len(data)):
                        if fake._stopping.wait(reply.drip):
                            return
                        self.wfile.write(data[i : i + 1])
                    return
                self.wfile.write(head.encode("latin-1"))
                if reply.huge:
                    block = b" " * 65536
                    sent = 0
                    while sent < reply.huge and not fake._stopping.is_set():
                        piece = block[: reply.huge - sent]
                        self.wfile.write(piece)
                        sent += len(piece)
                    return
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        return Handler


@pytest.fixture(name="alexa_api")
def alexa_api_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAlexaApi]:
    """A running fake, trusted through REQUESTS_CA_BUNDLE, loopback exempt from proxies."""
    with FakeAlexaApi() as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.ca_file))
        monkeypatch.setenv("NO_PROXY", f"{HOST},localhost")
        monkeypatch.setenv("no_proxy", f"{HOST},localhost")
        yield fake
