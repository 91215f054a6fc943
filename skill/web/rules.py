"""Every rule and limit of request verification, in one commented place, and its one error type.

Source, unless noted: https://developer.amazon.com/en-US/docs/alexa/custom-skills/
host-a-custom-skill-as-a-web-service.html ("Verify that the request was sent by Alexa").
docs/architecture.md shows where these checks sit on a request's way through the service.
"""

from __future__ import annotations

import functools
import posixpath
from datetime import timedelta
from urllib.parse import urlsplit


class VerificationError(Exception):
    """The request did not come from Alexa for this skill; str(error) is the short reason."""


# --- Headers -----------------------------------------------------------------------------
CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"  # base64 RSA PKCS#1 v1.5 signature over SHA-256 of the body
# An RSA signature is exactly as long as the key's modulus. Amazon signs with RSA-2048; 3072 and
# 4096 are accepted so a key change on Amazon's side does not lock us out. Anything else cannot
# verify, so it is refused before any download.
SIGNATURE_LENGTHS = frozenset({2048 // 8, 3072 // 8, 4096 // 8})
SIGNATURE_MAX_CHARS = 1024  # base64 of 512 bytes is 684 characters; ours, not Amazon's

# --- SignatureCertChainUrl -----------------------------------------------------------------
CERT_URL_SCHEME = "https"  # compared case-insensitively
CERT_URL_HOST = "s3.amazonaws.com"  # compared case-insensitively
CERT_URL_PORT = 443  # only if a port is given at all
CERT_URL_PATH_PREFIX = "/echo.api/"  # case-sensitive, after normalising . and ..
CERT_URL_MAX_CHARS = 512  # ours: Amazon's URLs are about 55 characters; bounds cache keys
SIGNING_CERT_DNS_NAME = "echo-api.amazon.com"  # must be in the signing certificate's SAN

# --- Timestamp -------------------------------------------------------------------------------
# The official SDK's verifier constants (ask_sdk_webservice_support.verifier_constants):
# MAX_NORMAL_REQUEST_TOLERANCE_IN_MILLIS and MAX_SKILL_EVENT_TOLERANCE_IN_MILLIS.
MAX_REQUEST_SKEW = timedelta(seconds=150)
MAX_SKILL_EVENT_SKEW = timedelta(seconds=3600)  # skill events may be delivered late
SKILL_EVENT_TYPE_PREFIX = "AlexaSkillEvent."

# --- Downloading and caching the chain (ours) --------------------------------------------------
# The chain is fetched while Alexa waits (about 8 s in all, and a worker is held meanwhile), so
# the whole download - DNS, connect, TLS, headers, body - gets one deadline, not one per read.
CHAIN_DOWNLOAD_DEADLINE_S = 2.0
CHAIN_MAX_BYTES = 64 * 1024  # Amazon's chains are about 7 KB
CHAIN_MAX_CONCURRENT_DOWNLOADS = 4  # more at once are refused at once, not queued
# A chain that verified a real signature is "proven"; only such chains live in this budget,
# so URLs an attacker makes up can never push out the one Amazon uses (one or two at a time).
PROVEN_CHAINS_MAX = 8
# Everything else: chains not yet seen to verify a signature, and failures (negative cache).
UNPROVEN_ENTRIES_MAX = 64
# A failed URL is refused without a new download for this long; short, because a genuine
# URL may fail once for a transient reason.
FAILURE_CACHE_TTL = timedelta(seconds=10)


@functools.lru_cache(maxsize=64)  # Alexa sends one or two URLs; a refusal raises and is not cached
def check_cert_url(url: str | None) -> str:
    """Apply Amazon's URL rules; return the canonical URL, which is what we download.

    Downloading the canonical form (not the raw header) means the object we fetch is the
    one whose path we checked, whatever a server might do with `..` or a userinfo part.
    """
    if not url or not url.strip():
        raise VerificationError(f"{CERT_URL_HEADER} header missing")
    if len(url) > CERT_URL_MAX_CHARS:
        raise VerificationError("certificate URL is too long")
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
