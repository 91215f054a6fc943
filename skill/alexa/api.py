"""Outbound calls to Alexa's REST APIs, each one bounded so a turn stays inside Alexa's 8 s.
Longer than ~250 lines: the deadline has to reach every step of one call (name lookup,
connect, TLS, headers, each read), so the transport and the API view that uses it live
together; split, the deadline logic would be spread across files that only work as one.

Alexa waits about 8 s for the skill's answer (ENDPOINT_TIMEOUT after that), and the SDK's
`DefaultApiClient` sets no timeout at all: one slow API answer would cost her the turn. Here:

- `AlexaApiClient` implements the SDK's `ApiClient` contract, so it plugs into
  `CustomSkillBuilder(api_client=...)` and `ServiceClientFactory`. Every call has ONE deadline
  that covers name lookup, connect, TLS handshake, sending and every read of status line,
  headers and body. A server that drips one byte at a time cannot stretch it, because the
  socket timeout is recomputed from the time left before every single read. HTTPS only, the
  certificate and host name verified, no redirects followed, no proxy, the body capped.
- `Budget` is the time one turn may spend on all its calls together (4 s: the time zone, then
  deleting and creating a reminder must all fit). A call's deadline is
  min(per-call cap, what the budget has left); a spent budget makes no call at all.
- `AlexaApi` is one turn's view of the API: the request's endpoint and token, the client bound
  to the turn's budget, and `call()`, which turns every failure (timeout, connection or TLS
  error, a non-2xx status, an oversized or unparsable body) into `AlexaApiError`.
- `device_time_zone()` reads the device's IANA time zone from the Alexa Settings API.

Nothing is logged that identifies her: no token, user id or device id, no URL (it holds the
device id), no body. Only the operation, a reason and a status.
"""

from __future__ import annotations

import concurrent.futures
import functools
import http.client
import io
import ipaddress
import json
import logging
import os
import socket
import ssl
import time
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import certifi
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import RequestEnvelope

__all__ = [
    "CALL_TIMEOUT_SECONDS",
    "MAX_RESPONSE_BYTES",
    "TIME_ZONE_PATH",
    "TURN_BUDGET_SECONDS",
    "AlexaApi",
    "AlexaApiClient",
    "AlexaApiError",
    "Budget",
    "device_time_zone",
    "turn_budget",
]

log = logging.getLogger(__name__)

# Alexa gives the whole turn about 8 s (D:custom-skills/send-the-user-a-progressive-response.html).
# Half of it for Alexa's APIs leaves the rest for our own work and the network back to Alexa.
TURN_BUDGET_SECONDS = 4.0
# One call alone may not take the whole turn budget: a hung time-zone lookup must leave time
# for the reminder calls that may follow in the same turn.
CALL_TIMEOUT_SECONDS = 2.5
# Settings answers are a few bytes and reminder answers about a kilobyte.
MAX_RESPONSE_BYTES = 64 * 1024
_READ_CHUNK = 8192
# Alexa Settings API, time zone of the device: "GET /v2/devices/{deviceId}/settings/System.timeZone",
# answers a JSON string such as "America/Los_Angeles"; no permission needed.
TIME_ZONE_PATH = "/v2/devices/{deviceId}/settings/System.timeZone"
_USER_AGENT = "back-stretches-skill (ask-sdk-model compatible)"
# Where request attributes keep the turn's budget, so every call in one turn shares it.
_BUDGET_ATTRIBUTE = "alexa_api_budget"
# getaddrinfo() has no timeout of its own: it runs here and the caller waits at most the time left.
_RESOLVER = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="alexa-api-dns")


class AlexaApiError(Exception):
    """A call to an Alexa API gave no usable answer.

    `status` is the HTTP status when the server answered with a non-2xx status (a redirect
    included: none is followed), and None when there was no usable answer at all: timeout,
    spent budget, refused URL, connection or TLS failure, oversized or unparsable body.
    `reason` is a short phrase, safe to log: it never holds a token, an id or a URL.
    """

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason if status is None else f"{reason} (HTTP {status})")
        self.reason = reason
        self.status = status


class Budget:
    """The time one turn may still spend on Alexa's APIs, counted from its creation."""

    def __init__(self, seconds: float = TURN_BUDGET_SECONDS) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._ends - time.monotonic())

    def deadline(self, cap: float) -> float:
        """The monotonic time by which a call that may take at most `cap` seconds must end."""
        return min(time.monotonic() + cap, self._ends)

    def __repr__(self) -> str:
        return f"Budget(seconds={self.seconds}, remaining={self.remaining():.3f})"


def turn_budget(handler_input: HandlerInput) -> Budget:
    """The budget of this turn: made on first use, then shared through the request attributes."""
    attributes = handler_input.attributes_manager.request_attributes
    budget = attributes.get(_BUDGET_ATTRIBUTE)
    if not isinstance(budget, Budget):
        budget = attributes[_BUDGET_ATTRIBUTE] = Budget()
    return budget


# --- transport --------------------------------------------------------------------------------


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise AlexaApiError("timeout")
    return left


@functools.lru_cache(maxsize=8)
def _context_for(cafile: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)


def _default_context() -> ssl.SSLContext:
    # The same trust settings as `requests` (and so the SDK's DefaultApiClient): a bundle named
    # in REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, else certifi's. Read per call, cached per file,
    # so tests can trust their own CA through the environment.
    cafile = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or certifi.where()
    return _context_for(cafile)


def _resolve(host: str, port: int, deadline: float) -> list[tuple[Any, ...]]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    future = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        return future.result(timeout=_left(deadline))
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise AlexaApiError("timeout") from None


def _open_tls(host: str, port: int, context: ssl.SSLContext, deadline: float) -> ssl.SSLSocket:
    """Connect and shake hands before the deadline; each address tried gets only the time left."""
    error: OSError | None = None
    for family, kind, proto, _, address in _resolve(host, port, deadline):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(_left(deadline))
            sock.connect(address)
            sock.settimeout(_left(deadline))
            # CPython bounds the whole handshake by the socket timeout (one deadline, not per read).
            return context.wrap_socket(sock, server_hostname=host)
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
    raise error or OSError("no address")


class _DeadlineReader(io.RawIOBase):
    """Reads from the socket, each read given only the time left until the call's deadline."""

    def __init__(self, sock: ssl.SSLSocket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._sock.settimeout(_left(self._deadline))
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """What http.client needs of a socket (sendall, makefile, close), bound to one deadline."""

    def __init__(self, sock: ssl.SSLSocket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            self._sock.settimeout(_left(self._deadline))
            view = view[self._sock.send(view) :]

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        # http.client closes its "socket" as soon as it has the headers of a Connection: close
        # answer, while the body is still to be read through makefile(); the real socket is
        # closed by _Connection.close_all() once the call is over.
        pass


class _Connection(http.client.HTTPConnection):
    """One request on one TLS connection, all of it before `deadline`."""

    default_port = 443  # so the Host header carries no ":443"

    def __init__(self, host: str, port: int, context: ssl.SSLContext, deadline: float) -> None:
        super().__init__(host, port)
        self._tls = context
        self._deadline = deadline

        self._tls_socket: ssl.SSLSocket | None = None

    def connect(self) -> None:
        self._tls_socket = _open_tls(self.host, self.port, self._tls, self._deadline)
        self.sock = _DeadlineSocket(self._tls_socket, self._deadline)

    def close_all(self) -> None:
        self.close()
        if self._tls_socket is not None:
            self._tls_socket.close()


def _target(url: str) -> tuple[str, int, str]:
    """Host, port and request target of an https URL; anything else is refused."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError:
        raise AlexaApiError("refused URL") from None
    if parts.scheme != "https":
        raise AlexaApiError("refused URL: https only")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise AlexaApiError("refused URL")
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    return parts.hostname, port, target


def _merge_headers(headers: Iterable[tuple[str, str]] | None) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers or ():
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


def _encode_body(body: Any) -> bytes | None:
    # The SDK's serializer hands over dicts and lists; a string is taken as already encoded.
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")


class AlexaApiClient(ApiClient):
    """The SDK's ApiClient with a deadline per call, drawn from a turn's budget when bound.

    `invoke` keeps the SDK's contract: any HTTP status comes back as an ApiClientResponse (the
    caller maps it). It raises AlexaApiError only when there is no answer to return: refused URL,
    timeout, spent budget, connection or TLS failure, body over the cap.

    `ssl_context` replaces the default trust (see `_default_context`), e.g. a test's own CA.
    """

    def __init__(
        self,
        *,
        call_timeout: float = CALL_TIMEOUT_SECONDS,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        ssl_context: ssl.SSLContext | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.call_timeout = call_timeout
        self.max_response_bytes = max_response_bytes
        self.ssl_context = ssl_context
        self.budget = budget

    def bound(self, budget: Budget) -> AlexaApiClient:
        """The same client, its calls drawing on `budget` (one turn's): a new object, not shared."""
        return AlexaApiClient(
            call_timeout=self.call_timeout,
            max_response_bytes=self.max_response_bytes,
            ssl_context=self.ssl_context,
            budget=budget,
        )

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        host, port, target = _target(request.url or "")
        budget = self.budget or Budget(self.call_timeout)
        if budget.remaining() <= 0:
            raise AlexaApiError("budget spent")
        deadline = budget.deadline(self.call_timeout)
        headers = _merge_headers(request.headers)
        headers.setdefault("Connection", "close")
        connection: _Connection | None = None
        try:
            connection = _Connection(host, port, self.ssl_context or _default_context(), deadline)
            connection.request(
                (request.method or "GET").upper(), target, body=_encode_body(request.body), headers=headers
            )
            response = connection.getresponse()
            body = self._read_body(response)
            return ApiClientResponse(
                headers=list(response.getheaders()),
                body=body.decode("utf-8", errors="replace"),
                status_code=response.status,
            )
        except AlexaApiError:
            raise
        except TimeoutError:
            raise AlexaApiError("timeout") from None
        except ssl.SSLError as exc:
            raise AlexaApiError(f"TLS failure: {type(exc).__name__}") from None
        except (OSError, http.client.HTTPException) as exc:
            reason = (
                "timeout" if time.monotonic() >= deadline else f"connection failure: {type(exc).__name__}"
            )
            raise AlexaApiError(reason) from None
        except ValueError:  # e.g. a header value with a line break, from a forged request
            raise AlexaApiError("refused request") from None
        finally:
            if connection is not None:
                connection.close_all()

    def _read_body(self, response: http.client.HTTPResponse) -> bytes:
        declared = response.getheader("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > self.max_response_bytes:
            raise AlexaApiError("response too large")
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(_READ_CHUNK):
            size += len(chunk)
            if size > self.max_response_bytes:
                raise AlexaApiError("response too large")
            chunks.append(chunk)
        return b"".join(chunks)


# --- one turn's API ---------------------------------------------------------------------------


class AlexaApi:
    """Alexa's REST API as one request may use it: its endpoint, its token, the turn's budget."""

    _serializer = DefaultSerializer()

    def __init__(self, endpoint: str, token: str, api_client: ApiClient, budget: Budget) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._token = token
        self.budget = budget
        # Any SDK ApiClient works here; only ours can keep to the budget.
        self.api_client = api_client.bound(budget) if isinstance(api_client, AlexaApiClient) else api_client

    def __repr__(self) -> str:  # never shows the token
        return f"AlexaApi(budget={self.budget!r})"

    @classmethod
    def for_request(
        cls, request_envelope: RequestEnvelope, api_client: ApiClient, budget: Budget
    ) -> AlexaApi | None:
        """None when the request carries no apiEndpoint or apiAccessToken (then no call is made)."""
        system = getattr(getattr(request_envelope, "context", None), "system", None)
        endpoint = getattr(system, "api_endpoint", None)
        token = getattr(system, "api_access_token", None)
        if not endpoint or not token:
            return None
        return cls(endpoint, token, api_client, budget)

    def call(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, str] | None = None,
        body: Any = None,
        response_type: Any = None,
        operation: str = "call",
    ) -> Any:
        """One call; returns the parsed answer, or raises AlexaApiError.

        `path` may hold `{name}` placeholders, filled from `path_params` and percent-encoded.
        `body` may be an SDK model (e.g. ReminderRequest) or plain JSON data. The answer is
        deserialized to `response_type` (an SDK model class or a type name such as "str") when
        given, else returned as plain JSON data; an empty answer (e.g. 204) returns None.
        `operation` names the call in log lines.
        """
        for name, value in (path_params or {}).items():
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        headers = [
            ("Authorization", f"Bearer {self._token}"),
            ("Accept", "application/json"),
            ("User-Agent", _USER_AGENT),
        ]
        if body is not None:
            headers.append(("Content-Type", "application/json"))
        request = ApiClientRequest(headers=headers, url=self.endpoint + path, method=method)
        if body is not None:
            request.body = json.dumps(self._serializer.serialize(body))
        started = time.monotonic()
        try:
            try:
                response = self.api_client.invoke(request)
            except AlexaApiError:
                raise
            except Exception as exc:  # another ApiClient (e.g. the SDK's) may raise anything
                raise AlexaApiError(f"client failure: {type(exc).__name__}") from None
            status = response.status_code
            if status is None or not 200 <= status < 300:
                raise AlexaApiError("unsuccessful answer", status)
            if not response.body:
                return None
            try:
                if response_type is not None:
                    return self._serializer.deserialize(response.body, response_type)
                return json.loads(response.body)
            except (ValueError, SerializationException):
                raise AlexaApiError("unparsable answer") from None
        except AlexaApiError as exc:
            log.warning("Alexa API %s failed after %.2f s: %s", operation, time.monotonic() - started, exc)
            raise


# --- Settings API: the device's time zone -----------------------------------------------------

# Files a system's tz directory may hold that ZoneInfo() opens but that name no place:
# "localtime" (often a link to the server's own zone), "posixrules", and IANA's "Factory".
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


@functools.lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # Walks the tz data once (tens of ms), hence the cache.
    return frozenset(zoneinfo.available_timezones()) - _NOT_PLACES


def _iana_zone(value: Any) -> str | None:
    if not isinstance(value, str) or value not in _known_zones():
        return None
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return value


def device_time_zone(request_envelope: RequestEnvelope, api_client: ApiClient, budget: Budget) -> str | None:
    """The device's IANA time zone (e.g. "Europe/London") from the Alexa Settings API, or None.

    None, with the reason logged and no call made, when the request lacks apiEndpoint,
    apiAccessToken or deviceId; None after a failed call or an answer that is not a zone
    `zoneinfo` knows. Never raises for anything the network or the API does.

    Amazon's reference for the call (GET {apiEndpoint}/v2/devices/{deviceId}/settings/System.timeZone,
    Authorization: Bearer {apiAccessToken}; no permission needed):
    https://developer.amazon.com/docs/custom-skills/device-settings-api-reference.html
    and https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-settings-api-reference.html
    """
    api = AlexaApi.for_request(request_envelope, api_client, budget)
    device = getattr(getattr(getattr(request_envelope, "context", None), "system", None), "device", None)
    device_id = getattr(device, "device_id", None)
    if api is None or not device_id:
        log.info("Device time zone not asked: the request has no API endpoint, token or device")
        return None
    try:
        answer = api.call(
            "GET", TIME_ZONE_PATH, path_params={"deviceId": device_id}, operation="device time zone"
        )
    except AlexaApiError:
        return None  # already logged by call()
    zone = _iana_zone(answer)
    if zone is None:
        log.warning("Device time zone unavailable: the answer is not a known IANA zone")
    return zone
