"""Alexa request verification on pyca `cryptography`.

The official ask-sdk-webservice-support verifier cannot be imported on OpenSSL >= 3.0.10
(its oscrypto dependency fails to parse the version string; see the README), so this module
performs the same checks with the same header names and tolerances. Every check is a small
function that raises VerificationError, whose message is the short reason the edge returns
with HTTP 400.
"""

from __future__ import annotations

import base64
import binascii
import functools
import http.client
import json
import posixpath
import ssl
import threading
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification as x509v

# --- Rules -------------------------------------------------------------------------------
# Source, unless noted: https://developer.amazon.com/en-US/docs/alexa/custom-skills/
#   host-a-custom-skill-as-a-web-service.html ("Verify that the request was sent by Alexa").
CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"  # base64 RSA PKCS#1 v1.5 signature over SHA-256 of the body
CERT_URL_SCHEME = "https"  # compared case-insensitively
CERT_URL_HOST = "s3.amazonaws.com"  # compared case-insensitively
CERT_URL_PORT = 443  # only if a port is given at all
CERT_URL_PATH_PREFIX = "/echo.api/"  # case-sensitive, after normalising . and ..
SIGNING_CERT_DNS_NAME = "echo-api.amazon.com"  # must be in the signing certificate's SAN
# The official SDK's verifier constants (ask_sdk_webservice_support.verifier_constants):
# MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS and MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS.
MAX_REQUEST_SKEW = timedelta(seconds=150)
MAX_SKILL_EVENT_SKEW = timedelta(seconds=3600)  # skill events may be delivered late
SKILL_EVENT_TYPE_PREFIX = "AlexaSkillEvent."
# Our own limits for downloading the chain: it is fetched while Alexa waits (about 8 s in all),
# and Amazon's chains are about 7 KB.
CHAIN_DOWNLOAD_TIMEOUT_S = 3.0
CHAIN_MAX_BYTES = 64 * 1024
# Amazon uses one or two chain URLs at a time; the cap only bounds memory if that changes.
CHAIN_CACHE_MAX_ENTRIES = 16


class VerificationError(Exception):
    """The request did not come from Alexa for this skill; str(error) is the short reason."""


# --- Headers and the certificate URL -----------------------------------------------------


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup: HTTP header names are, but a plain dict's keys are not."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def check_cert_url(url: str | None) -> str:
    """Apply Amazon's URL rules; return the canonical URL, which is what we download.

    Downloading the canonical form (not the raw header) means the object we fetch is the
    one whose path we checked, whatever a server might do with `..` or a userinfo part.
    """
    if not url or not url.strip():
        raise VerificationError(f"{CERT_URL_HEADER} header missing")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise VerificationError("certificate URL is malformed") from error
    if parts.scheme.lower() != CERT_URL_SCHEME:
        raise VerificationError("certificate URL scheme is not https")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise VerificationError("certificate URL host is not s3.amazonaws.com")
    if port is not None and port != CERT_URL_PORT:
        raise VerificationError("certificate URL port is not 443")
    # posixpath.normpath keeps exactly two leading slashes (POSIX leaves "//" implementation
    # defined), so "//echo.api/" stays "//..." and fails the prefix test, as in the official
    # SDKs. That also keeps the canonical URL from turning into a scheme-relative "//host".
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError("certificate URL path does not start with /echo.api/")
    return f"{CERT_URL_SCHEME}://{CERT_URL_HOST}{path}"


def decode_signature(value: str | None) -> bytes:
    if value is None or not value.strip():
        raise VerificationError(f"{SIGNATURE_HEADER} header missing")
    try:
        signature = base64.b64decode(value.strip(), validate=True)
    except binascii.Error as error:
        raise VerificationError("signature is not valid base64") from error
    if not signature:
        raise VerificationError("signature is not valid base64")
    return signature


# --- Certificate chain -------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    leaf: x509.Certificate
    intermediates: tuple[x509.Certificate, ...]


def parse_chain(pem: bytes) -> Chain:
    try:
        certs = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise VerificationError("certificate chain is not valid PEM") from error
    return Chain(leaf=certs[0], intermediates=tuple(certs[1:]))


def check_leaf_validity(leaf: x509.Certificate, now: datetime) -> None:
    # The path validator checks this too; checking first gives a reason a person can act on.
    if now < leaf.not_valid_before_utc:
        raise VerificationError("signing certificate is not yet valid")
    if now > leaf.not_valid_after_utc:
        raise VerificationError("signing certificate has expired")


def check_leaf_san(leaf: x509.Certificate) -> None:
    # Also enforced by the server verifier; repeated for a clear reason instead of
    # "no matching subjectAltName" deep inside a chain error.
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound as error:
        raise VerificationError("signing certificate has no subject alternative name") from error
    if SIGNING_CERT_DNS_NAME not in san.get_values_for_type(x509.DNSName):
        raise VerificationError(f"signing certificate is not for {SIGNING_CERT_DNS_NAME}")


def check_path(chain: Chain, store: x509v.Store, now: datetime) -> None:
    verifier = (
        x509v.PolicyBuilder()
        .store(store)
        .time(now)
        .build_server_verifier(x509.DNSName(SIGNING_CERT_DNS_NAME))
    )
    try:
        verifier.verify(chain.leaf, list(chain.intermediates))
    except x509v.VerificationError as error:
        raise VerificationError("certificate chain does not lead to a trusted root") from error


def validate_chain(
    pem: bytes, *, trust_roots: Iterable[x509.Certificate], now: datetime
) -> x509.Certificate:
    """Validate a PEM chain (leaf first) at `now`; return the leaf. Pure: no I/O, no cache."""
    chain = parse_chain(pem)
    _validate(chain, x509v.Store(list(trust_roots)), now)
    return chain.leaf


def _validate(chain: Chain, store: x509v.Store, now: datetime) -> None:
    check_leaf_validity(chain.leaf, now)
    check_leaf_san(chain.leaf)
    check_path(chain, store, now)


@functools.lru_cache(maxsize=1)
def certifi_roots() -> tuple[x509.Certificate, ...]:
    """The certifi bundle, parsed once per process."""
    with open(certifi.where(), "rb") as bundle:
        pem = bundle.read()
    # A few legacy roots in the bundle have non-positive serial numbers; cryptography warns
    # about each on every parse. They are Mozilla's choice, not something we can act on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return tuple(x509.load_pem_x509_certificates(pem))


def download_chain(url: str) -> bytes:
    """Default fetch_chain: HTTPS GET with a short timeout and a size cap."""
    context = ssl.create_default_context(cafile=certifi.where())
    with urllib.request.urlopen(url, timeout=CHAIN_DOWNLOAD_TIMEOUT_S, context=context) as reply:
        data = reply.read(CHAIN_MAX_BYTES + 1)
    if len(data) > CHAIN_MAX_BYTES:
        raise ValueError(f"certificate chain larger than {CHAIN_MAX_BYTES} bytes")
    return data


# --- Signature and request body ----------------------------------------------------------


def check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("signing certificate key is not RSA")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise VerificationError("signature does not match body") from error


def parse_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise VerificationError("request body is not valid JSON") from error
    if not isinstance(data, dict) or not isinstance(data.get("request"), dict):
        raise VerificationError("request body has no request object")
    return data


def _parse_timestamp(raw: object) -> datetime:
    if not isinstance(raw, str) or not raw:
        raise VerificationError("request timestamp missing")
    try:
        stamp = datetime.fromisoformat(raw)
    except ValueError as error:
        raise VerificationError("request timestamp is not ISO 8601") from error
    # Alexa always sends UTC ("...Z"); a zone-less stamp is read as UTC rather than local time.
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def check_timestamp(request: Mapping[str, Any], now: datetime) -> None:
    stamp = _parse_timestamp(request.get("timestamp"))
    request_type = request.get("type")
    is_skill_event = isinstance(request_type, str) and request_type.startswith(
        SKILL_EVENT_TYPE_PREFIX
    )
    allowed = MAX_SKILL_EVENT_SKEW if is_skill_event else MAX_REQUEST_SKEW
    if now - stamp > allowed:
        raise VerificationError("request timestamp too old")
    if stamp - now > allowed:
        raise VerificationError("request timestamp is in the future")


def application_id(data: Mapping[str, Any]) -> str | None:
    """context.System.application.applicationId, else session.application.applicationId."""
    paths = (("context", "System", "application", "applicationId"),
             ("session", "application", "applicationId"))
    for path in paths:
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str) and node:
            return node
    return None


def check_application_id(data: Mapping[str, Any], skill_ids: frozenset[str]) -> None:
    if not skill_ids:  # no ids configured: accept any (development only; config warns)
        return
    found = application_id(data)
    if found is None:
        raise VerificationError("application id missing")
    if found not in skill_ids:
        raise VerificationError("application id is not this skill")


# --- The verifier ------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RequestVerifier:
    """Checks one request the way Amazon requires; `verify` raises VerificationError."""

    def __init__(
        self,
        skill_ids: Iterable[str],
        *,
        trust_roots: list[x509.Certificate] | None = None,
        fetch_chain: Callable[[str], bytes] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.skill_ids: frozenset[str] = frozenset(skill_ids)
        roots = list(certifi_roots()) if trust_roots is None else list(trust_roots)
        if not roots:
            # Fail at start-up, not on the first request: nothing could ever be verified.
            raise ValueError("trust_roots is empty: no request could ever be verified")
        self._store = x509v.Store(roots)
        self._fetch_chain = fetch_chain or download_chain
        self._clock = clock or _utc_now
        self._chains: dict[str, Chain] = {}
        self._lock = threading.Lock()

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        url = check_cert_url(header(headers, CERT_URL_HEADER))
        signature = decode_signature(header(headers, SIGNATURE_HEADER))
        now = self._clock()
        if now.tzinfo is None:  # a naive clock is read as UTC rather than crashing comparisons
            now = now.replace(tzinfo=timezone.utc)
        chain = self._chain(url, now)
        _validate(chain, self._store, now)
        check_signature(chain.leaf, signature, body)
        data = parse_body(body)
        check_timestamp(data["request"], now)
        check_application_id(data, self.skill_ids)

    def _chain(self, url: str, now: datetime) -> Chain:
        with self._lock:
            cached = self._chains.get(url)
        if cached is not None and now <= cached.leaf.not_valid_after_utc:
            return cached
        try:
            pem = self._fetch_chain(url)
        except (OSError, http.client.HTTPException, ValueError) as error:
            # OSError covers URLError, HTTPError and timeouts; nothing is cached on failure.
            raise VerificationError("could not download certificate chain") from error
        chain = parse_chain(pem)
        with self._lock:
            if len(self._chains) >= CHAIN_CACHE_MAX_ENTRIES:
                self._chains.clear()
            self._chains[url] = chain
        return chain
