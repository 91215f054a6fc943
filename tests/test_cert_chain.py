"""Fetching and caching Amazon's chain: through the fetch_chain seam, and the default download
against real loopback servers (slow, huge, redirecting) - never against Amazon.

The cache: a validated chain is kept until the earliest notAfter on its path; failures are
remembered briefly; a chain that verified a signature cannot be pushed out by junk URLs;
concurrent first requests share one download.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from skill.web import download as download_module
from skill.web.download import download_chain
from skill.web.rules import (
    CHAIN_DOWNLOAD_DEADLINE_S,
    CHAIN_MAX_BYTES,
    FAILURE_CACHE_TTL,
    PROVEN_CHAINS_MAX,
    UNPROVEN_ENTRIES_MAX,
)
from skill.web.verification import RequestVerifier, VerificationError
from tests.alexa_ca import CERT_URL, IMPORTED_AT, AlexaTestCA, make_verifier
from tests.envelopes import launch_request

NOW = IMPORTED_AT
JUNK = "https://s3.amazonaws.com/echo.api/junk-{}.pem"


def launch_body(at: datetime = NOW) -> bytes:
    return json.dumps(launch_request(timestamp=at)).encode()


def refusal(verifier: RequestVerifier, headers: dict[str, str], body: bytes) -> str:
    with pytest.raises(VerificationError) as caught:
        verifier.verify(headers, body)
    return str(caught.value)


@pytest.fixture
def ca() -> AlexaTestCA:
    return AlexaTestCA()


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


# --- The cache, through the fetch_chain seam ---------------------------------------------------


def test_failure_is_remembered_briefly_then_retried(ca) -> None:
    calls: list[str] = []

    def flaky(url: str) -> bytes:
        calls.append(url)
        if len(calls) == 1:
            raise TimeoutError("timed out")
        return ca.chain_pem

    clock = Clock()
    verifier = make_verifier(ca, clock=clock, fetch_chain=flaky)
    for _ in range(100):  # forged or not, repeats of a failed URL cost no download
        body = launch_body(clock.now)
        assert refusal(verifier, ca.sign(body), body) == "could not download certificate chain"
    assert len(calls) == 1
    clock.now += FAILURE_CACHE_TTL + timedelta(seconds=1)
    body = launch_body(clock.now)
    verifier.verify(ca.sign(body), body)
    assert len(calls) == 2


@pytest.mark.parametrize(
    "served, reason",
    [
        (
            lambda ca: ca.variant(issuer_label="forger").chain_pem,
            "certificate chain does not lead to a trusted root",
        ),
        (lambda ca: b"<html>Access Denied</html>", "certificate chain is not valid PEM"),
    ],
)
def test_a_chain_that_failed_validation_is_remembered_with_its_reason(ca, served, reason) -> None:
    pem = served(ca)
    calls: list[str] = []
    verifier = make_verifier(ca, clock=lambda: NOW, fetch_chain=lambda url: calls.append(url) or pem)
    body = launch_body()
    for _ in range(5):
        assert refusal(verifier, ca.sign(body), body) == reason
    assert len(calls) == 1


class HeldDownload:
    """A fetch_chain that holds every download until released, then gives `outcome()`; with
    `run_while_held`, several requests arrive while the first download is in flight."""

    def __init__(self, outcome: Callable[[], bytes]) -> None:
        self.outcome = outcome
        self.calls: list[str] = []
        self.started, self.release = threading.Event(), threading.Event()

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        self.started.set()
        self.release.wait(5)
        return self.outcome()

    def run_while_held(self, count: int, request: Callable[[], None]) -> list[threading.Thread]:
        threads = [threading.Thread(target=request) for _ in range(count)]
        for thread in threads:
            thread.start()
        assert self.started.wait(5)
        time.sleep(0.1)  # let the others arrive and wait
        self.release.set()
        for thread in threads:
            thread.join(5)
        return threads


def test_concurrent_first_requests_share_one_download(ca) -> None:
    slow = HeldDownload(lambda: ca.chain_pem)
    verifier = make_verifier(ca, clock=lambda: NOW, fetch_chain=slow)
    body = launch_body()
    headers = ca.sign(body)
    outcomes: list[str] = []

    def one() -> None:
        try:
            verifier.verify(headers, body)
            outcomes.append("ok")
        except VerificationError as error:
            outcomes.append(str(error))

    slow.run_while_held(8, one)
    assert outcomes == ["ok"] * 8
    assert slow.calls == [CERT_URL]


def test_a_failed_shared_download_fails_every_waiter_and_frees_the_url(ca) -> None:
    def bug() -> bytes:
        raise RuntimeError("a bug in a fetcher")  # not an expected error: re-raised, not cached

    broken = HeldDownload(bug)
    verifier = make_verifier(ca, clock=lambda: NOW, fetch_chain=broken)
    body = launch_body()
    errors: list[BaseException] = []

    def one() -> None:
        try:
            verifier.verify(ca.sign(body), body)
        except BaseException as error:
            errors.append(error)

    threads = broken.run_while_held(4, one)
    assert len(errors) == 4 and not any(t.is_alive() for t in threads)
    # the one that fetched gets the bug; the waiters a refusal, never a hang or a pass
    assert (
        sorted(map(repr, errors))
        == [repr(RuntimeError("a bug in a fetcher"))]
        + [repr(VerificationError("could not download certificate chain"))] * 3
    )
    assert verifier.chains._flights == {}
    with pytest.raises(RuntimeError):  # nothing cached: the next request tries again
        verifier.verify(ca.sign(body), body)
    assert len(broken.calls) == 2


def test_junk_urls_never_evict_the_proven_chain(ca) -> None:
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        if url == CERT_URL:
            return ca.chain_pem
        raise OSError("403 Access Denied")  # what S3 answers for a made-up key

    verifier = make_verifier(ca, clock=lambda: NOW, fetch_chain=fetch)
    body = launch_body()
    verifier.verify(ca.sign(body), body)
    for i in range(UNPROVEN_ENTRIES_MAX * 3):
        forged = ca.variant(cert_url=JUNK.format(i))
        assert refusal(verifier, forged.sign(body), body) == "could not download certificate chain"
    verifier.verify(ca.sign(body), body)
    assert fetched.count(CERT_URL) == 1
    assert len(verifier.chains._unproven) <= UNPROVEN_ENTRIES_MAX
    assert verifier.chains.is_proven(CERT_URL)


def test_a_valid_chain_at_another_url_is_not_proven_until_a_signature_verifies(ca) -> None:
    # Amazon's real chain served at URLs an attacker picks: valid, but nobody can sign with it.
    verifier = make_verifier(ca, clock=lambda: NOW, fetch_chain=ca.fetch_chain)
    body = launch_body()
    verifier.verify(ca.sign(body), body)
    for i in range(PROVEN_CHAINS_MAX * 4):
        forged = ca.variant(cert_url=JUNK.format(i))
        headers = forged.sign(body) | {"Signature-256": ca.sign(body + b" ")["Signature-256"]}
        assert refusal(verifier, headers, body) == "signature does not match body"
    assert list(verifier.chains._proven) == [CERT_URL]


def test_a_cached_chain_expires_with_the_earliest_not_after_on_its_path(ca) -> None:
    early = ca.variant(intermediate_not_after=NOW + timedelta(minutes=5))
    calls: list[str] = []
    clock = Clock()
    verifier = make_verifier(ca, clock=clock, fetch_chain=lambda url: calls.append(url) or early.chain_pem)
    for minutes in (0, 4, 6):  # the leaf is good for 300 days; the intermediate for 5 minutes
        clock.now = NOW + timedelta(minutes=minutes)
        body = launch_body(clock.now)
        if minutes < 5:
            verifier.verify(early.sign(body), body)
        else:
            assert (
                refusal(verifier, early.sign(body), body)
                == "certificate chain does not lead to a trusted root"
            )
    assert len(calls) == 2


def test_busy_downloads_are_refused_at_once_and_not_remembered(ca, monkeypatch) -> None:
    monkeypatch.setattr(download_module, "_slots", threading.BoundedSemaphore(1))
    assert download_module._slots.acquire(blocking=False)  # the only slot is taken
    verifier = make_verifier(
        ca,
        clock=lambda: NOW,
        fetch_chain=functools.partial(
            download_chain, connect=lambda timeout: pytest.fail("no slot, no connection")
        ),
    )
    body = launch_body()
    assert refusal(verifier, ca.sign(body), body) == "certificate download busy"
    assert verifier.chains._unproven == {}


# --- The default download against loopback servers ------------------------------------------


Behaviour = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture
def server() -> Iterator[
    tuple[dict[str, Behaviour], list[str], Callable[[float], http.client.HTTPConnection]]
]:
    """A loopback HTTP server: routes by path; `connect` is the transport download_chain uses."""
    routes: dict[str, Behaviour] = {}
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            with contextlib.suppress(OSError):  # the client hung up at its deadline
                routes.get(self.path, _status(404))(self)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()

    def connect(timeout: float) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", httpd.server_address[1], timeout=timeout)

    try:
        yield routes, requests, connect
    finally:
        httpd.shutdown()
        httpd.server_close()


def _status(code: int, headers: dict[str, str] | None = None) -> Behaviour:
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return send


def _body(data: bytes, *, declare_length: bool = True) -> Behaviour:
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        if declare_length:
            handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return send


def _drip(*, in_headers: bool, every_s: float = 0.05, total: int = 400) -> Behaviour:
    """One byte every `every_s`: each read succeeds quickly, so only an overall deadline helps."""

    def send(handler: BaseHTTPRequestHandler) -> None:
        if in_headers:
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * total:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(every_s)
            return
        handler.send_response(200)
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        handler.wfile.flush()
        for _ in range(total):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(every_s)

    return send


PATH = "/echo.api/echo-api-cert-test.pem"


def test_download_returns_the_served_chain(ca, server) -> None:
    routes, requests, connect = server
    routes[PATH] = _body(ca.chain_pem)
    assert download_chain(CERT_URL, connect=connect) == ca.chain_pem
    assert requests == [PATH]


def test_a_verifier_on_the_real_download_accepts_a_genuine_request(ca, server) -> None:
    routes, _, connect = server
    routes[PATH] = _body(ca.chain_pem, declare_length=False)
    verifier = make_verifier(
        ca, clock=lambda: NOW, fetch_chain=functools.partial(download_chain, connect=connect)
    )
    body = launch_body()
    verifier.verify(ca.sign(body), body)


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "undeclared"])
def test_a_huge_body_is_cut_off_at_the_cap(server, declare_length) -> None:
    routes, _, connect = server
    routes[PATH] = _body(b"x" * (50 * CHAIN_MAX_BYTES), declare_length=declare_length)
    started = time.monotonic()
    with pytest.raises(ValueError, match="larger than"):
        download_chain(CERT_URL, connect=connect)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("in_headers", [True, False], ids=["dripping-headers", "dripping-body"])
def test_a_dripping_server_is_cut_off_at_one_overall_deadline(server, in_headers) -> None:
    routes, _, connect = server
    routes[PATH] = _drip(in_headers=in_headers)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        download_chain(CERT_URL, connect=connect, deadline_s=0.5)
    assert time.monotonic() - started < 0.8


@pytest.mark.slow
def test_the_default_deadline_is_at_most_two_seconds_and_holds(ca, server) -> None:
    assert CHAIN_DOWNLOAD_DEADLINE_S <= 2.0
    routes, requests, connect = server
    routes[PATH] = _drip(in_headers=False, every_s=0.1)
    verifier = make_verifier(
        ca, clock=lambda: NOW, fetch_chain=functools.partial(download_chain, connect=connect)
    )
    body = launch_body()
    started = time.monotonic()
    assert refusal(verifier, ca.sign(body), body) == "could not download certificate chain"
    assert time.monotonic() - started < CHAIN_DOWNLOAD_DEADLINE_S + 0.3
    started = time.monotonic()  # remembered: the next forged request does not wait again
    assert refusal(verifier, ca.sign(body), body) == "could not download certificate chain"
    assert time.monotonic() - started < 0.1 and requests == [PATH]


@pytest.mark.parametrize("code", [301, 302, 307, 308])
def test_a_redirect_is_not_followed(server, code) -> None:
    routes, requests, connect = server
    routes[PATH] = _status(code, {"Location": "http://evil.example/echo.api/chain.pem"})
    with pytest.raises(ValueError, match=f"HTTP {code}"):
        download_chain(CERT_URL, connect=connect)
    assert requests == [PATH]


def test_an_http_error_is_a_refusal(server) -> None:
    _, _, connect = server
    with pytest.raises(ValueError, match="HTTP 404"):
        download_chain(CERT_URL, connect=connect)


def test_a_refused_connection_is_an_oserror() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(OSError):
        download_chain(CERT_URL, connect=lambda t: http.client.HTTPConnection("127.0.0.1", port, timeout=t))


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/echo.api/echo-api-cert.pem",
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/other/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../other.pem",
        "https://S3.amazonaws.com/echo.api/echo-api-cert.pem",  # equivalent, but not the checked form
        "https://s3.amazonaws.com@evil.example/echo.api/c.pem",
    ],
)
def test_the_download_itself_refuses_any_url_but_the_canonical_amazon_one(url) -> None:
    with pytest.raises((ValueError, VerificationError)):
        download_chain(url, connect=lambda timeout: pytest.fail("connected for a non-Amazon URL"))


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/echo.api/echo-api-cert.pem",
        "https://127.0.0.1/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com.evil.example/echo.api/c.pem",
        "https://s3.amazonaws.com@evil.example/echo.api/c.pem",
        "https://evil.example#@s3.amazonaws.com/echo.api/c.pem",
    ],
)
def test_an_attackers_cert_url_never_causes_a_connection(ca, url) -> None:
    verifier = make_verifier(
        ca,
        clock=lambda: NOW,
        fetch_chain=functools.partial(download_chain, connect=lambda timeout: pytest.fail("connected")),
    )
    forged = ca.variant(cert_url=url)
    body = launch_body()
    refusal(verifier, forged.sign(body), body)


def test_production_transport_is_tls_to_s3_on_443() -> None:
    conn = download_module._amazon(1.0)
    assert isinstance(conn, http.client.HTTPSConnection)
    assert (conn.host, conn.port) == ("s3.amazonaws.com", 443)
    assert conn._context.verify_mode.name == "CERT_REQUIRED" and conn._context.check_hostname


def test_through_http_a_dripping_chain_server_costs_one_deadline_and_a_json_400(ca, server) -> None:
    from skill import create_app
    from tests.alexa_ca import SKILL_ID

    routes, requests, connect = server
    routes[PATH] = _drip(in_headers=True)
    fetch = functools.partial(download_chain, connect=connect, deadline_s=0.5)
    verifier = make_verifier(ca, clock=lambda: NOW, fetch_chain=fetch)
    app = create_app({"ALEXA_SKILL_IDS": SKILL_ID, "STORAGE_BACKEND": "memory"}, verifier=verifier)
    client = app.test_client()
    body = launch_body()
    for _ in range(3):
        started = time.monotonic()
        reply = client.post("/alexa", data=body, headers=ca.sign(body))
        assert time.monotonic() - started < 0.8
        assert reply.status_code == 400
        assert reply.get_json() == {"error": "verification failed: could not download certificate chain"}
    assert requests == [PATH]  # the failure is remembered: one slow download, not three
