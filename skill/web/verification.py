"""Alexa request verification on pyca `cryptography`.

The official ask-sdk-webservice-support verifier cannot be imported on OpenSSL >= 3.0.10
(its oscrypto dependency fails to parse the version string; see the README), so this module
performs the same checks with the same header names and tolerances. Every check is a small
function that raises VerificationError, whose message is the short reason the edge returns
with HTTP 400. RequestVerifier runs them cheapest first: the headers, then the body's JSON,
timestamp and application id, and only then the certificate chain (downloaded and validated
once per URL, see cert_chain) and the RSA signature over the raw bytes.

The rules themselves live in skill.web.rules; the names are re-exported here.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import verification as x509v

from skill.alexa.guard import application_id
from skill.alexa.mapping import iso_stamp
from skill.web.body import BodyError, parse_envelope
from skill.web.cert_chain import (
    Chain,
    ChainCache,
    certifi_roots,
    check_leaf_san,
    check_leaf_validity,
    check_path,
    parse_chain,
    validate_chain,
)
from skill.web.download import download_chain
from skill.web.rules import (
    CERT_URL_HEADER,
    CHAIN_DOWNLOAD_DEADLINE_S,
    CHAIN_MAX_BYTES,
    MAX_REQUEST_SKEW,
    MAX_SKILL_EVENT_SKEW,
    SIGNATURE_HEADER,
    SIGNATURE_LENGTHS,
    SIGNATURE_MAX_CHARS,
    SKILL_EVENT_TYPE_PREFIX,
    VerificationError,
    check_cert_url,
)

__all__ = [
    "CERT_URL_HEADER",
    "CHAIN_DOWNLOAD_DEADLINE_S",
    "CHAIN_MAX_BYTES",
    "SIGNATURE_HEADER",
    "Chain",
    "RequestVerifier",
    "VerificationError",
    "application_id",
    "certifi_roots",
    "check_application_id",
    "check_cert_url",
    "check_leaf_san",
    "check_leaf_validity",
    "check_path",
    "check_signature",
    "check_timestamp",
    "decode_signature",
    "download_chain",
    "header",
    "parse_body",
    "parse_chain",
    "validate_chain",
]


# --- Headers -------------------------------------------------------------------------------


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup: HTTP header names are, but a plain dict's keys are not."""
    value = headers.get(name)  # werkzeug's Headers ignore case; so does an exact dict key
    if value is not None:
        return value
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def decode_signature(value: str | None) -> bytes:
    """The raw signature; refused unless it could be an RSA-2048/3072/4096 signature."""
    if value is None or not value.strip():
        raise VerificationError(f"{SIGNATURE_HEADER} header missing")
    if len(value) > SIGNATURE_MAX_CHARS:
        raise VerificationError("signature has the wrong length")
    try:
        signature = base64.b64decode(value.strip(), validate=True)
    except binascii.Error as error:
        raise VerificationError("signature is not valid base64") from error
    if not signature:
        raise VerificationError("signature is not valid base64")
    if len(signature) not in SIGNATURE_LENGTHS:
        raise VerificationError("signature has the wrong length")
    return signature


# --- Body: JSON, timestamp, application id -------------------------------------------------


def parse_body(body: bytes) -> dict[str, Any]:
    try:
        return parse_envelope(body)
    except BodyError as error:
        raise VerificationError(str(error)) from error


def _parse_timestamp(raw: object) -> datetime:
    if not isinstance(raw, str) or not raw:
        raise VerificationError("request timestamp missing")
    # Alexa always sends UTC ("...Z"); a zone-less stamp is read as UTC rather than local time.
    stamp = iso_stamp(raw)  # the same parse as the mapping step (skill/alexa/mapping.py)
    if stamp is None:
        raise VerificationError("request timestamp is not ISO 8601")
    return stamp


def check_timestamp(request: Mapping[str, Any], now: datetime) -> None:
    stamp = _parse_timestamp(request.get("timestamp"))
    request_type = request.get("type")
    is_skill_event = isinstance(request_type, str) and request_type.startswith(SKILL_EVENT_TYPE_PREFIX)
    allowed = MAX_SKILL_EVENT_SKEW if is_skill_event else MAX_REQUEST_SKEW
    if now - stamp > allowed:
        raise VerificationError("request timestamp too old")
    if stamp - now > allowed:
        raise VerificationError("request timestamp is in the future")


def check_application_id(data: Mapping[str, Any], skill_ids: frozenset[str]) -> None:
    if not skill_ids:  # no ids configured: accept any (development only; config warns)
        return
    found = application_id(data)
    if found is None:
        raise VerificationError("application id missing")
    if found not in skill_ids:
        raise VerificationError("application id is not this skill")


# --- Signature -----------------------------------------------------------------------------


def check_signature(key: rsa.RSAPublicKey | x509.Certificate, signature: bytes, body: bytes) -> None:
    if isinstance(key, x509.Certificate):
        key = key.public_key()  # type: ignore[assignment]
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("signing certificate key is not RSA")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise VerificationError("signature does not match body") from error


# --- The verifier --------------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        self._clock = clock or _utc_now
        self.chains = ChainCache(fetch_chain or download_chain, self._store)

    def verify(
        self, headers: Mapping[str, str], body: bytes, *, parsed: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Verify; return the envelope as parsed from `body` (parsed once, here, unless the
        caller passes what it already parsed from these very bytes)."""
        url = check_cert_url(header(headers, CERT_URL_HEADER))
        signature = decode_signature(header(headers, SIGNATURE_HEADER))
        data = parse_body(body) if parsed is None else parsed
        now = self._clock()
        if now.tzinfo is None:  # a naive clock is read as UTC rather than crashing comparisons
            now = now.replace(tzinfo=UTC)
        check_timestamp(data["request"], now)
        check_application_id(data, self.skill_ids)
        check_signature(self.chains.key(url, now), signature, body)
        self.chains.proven(url)
        return data
