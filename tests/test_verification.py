"""RequestVerifier: one genuine request passes; each kind of forgery is refused for its reason."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from skill.web.verification import (
    RequestVerifier,
    VerificationError,
    certifi_roots,
    validate_chain,
)
from tests.alexa_ca import IMPORTED_AT, SKILL_ID, AlexaTestCA, make_verifier, other_rsa_key
from tests.envelopes import launch_request, skill_disabled_event

NOW = IMPORTED_AT
OTHER_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-0000000000ff"
FIXTURES = Path(__file__).resolve().parent / "fixtures"  # see its README: source and sha256


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def encode(envelope: dict) -> bytes:
    return json.dumps(envelope).encode()


def launch_body(at: datetime = NOW, **overrides) -> bytes:
    return encode(launch_request(timestamp=at, **overrides))


@pytest.fixture
def ca() -> AlexaTestCA:
    return AlexaTestCA()


@pytest.fixture
def verifier(ca: AlexaTestCA) -> RequestVerifier:
    return make_verifier(ca, clock=lambda: NOW)


def refusal(verifier: RequestVerifier, headers: dict[str, str], body: bytes) -> str:
    with pytest.raises(VerificationError) as caught:
        verifier.verify(headers, body)
    return str(caught.value)


def test_genuine_request_passes(ca: AlexaTestCA, verifier: RequestVerifier) -> None:
    body = launch_body()
    verifier.verify(ca.sign(body), body)
    assert ca.fetched == [ca.cert_url]


def test_header_names_are_case_insensitive_even_in_a_plain_dict(ca, verifier) -> None:
    body = launch_body()
    headers = {name.lower(): value for name, value in ca.sign(body).items()}
    verifier.verify(headers, body)


def test_naive_clock_is_read_as_utc(ca) -> None:
    verifier = make_verifier(ca, clock=lambda: NOW.replace(tzinfo=None))
    body = launch_body()
    verifier.verify(ca.sign(body), body)


def test_skill_ids_attribute_is_exposed(ca) -> None:
    assert make_verifier(ca, skill_ids=(SKILL_ID, SKILL_ID)).skill_ids == {SKILL_ID}


def test_empty_trust_roots_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="trust_roots is empty"):
        RequestVerifier([SKILL_ID], trust_roots=[])


# --- SignatureCertChainUrl rules ---------------------------------------------------------

URL_CASES = [
    ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "certificate URL scheme is not https"),
    ("https://notamazon.com/echo.api/echo-api-cert.pem", "certificate URL host is not s3.amazonaws.com"),
    ("https://s3.amazonaws.com.evil.example/echo.api/c.pem", "certificate URL host is not s3.amazonaws.com"),
    ("https://s3.amazonaws.com@evil.example/echo.api/c.pem", "certificate URL host is not s3.amazonaws.com"),
    ("https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem", "certificate URL port is not 443"),
    ("https://s3.amazonaws.com:https/echo.api/c.pem", "certificate URL is malformed"),
    (
        "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
        "certificate URL path does not start with /echo.api/",
    ),
    (
        "https://s3.amazonaws.com/echo.api/../foo/echo-api-cert.pem",
        "certificate URL path does not start with /echo.api/",
    ),
    (
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "certificate URL path does not start with /echo.api/",
    ),
    (
        "https://s3.amazonaws.com//echo.api/echo-api-cert.pem",
        "certificate URL path does not start with /echo.api/",
    ),
    ("https://s3.amazonaws.com/echo.api", "certificate URL path does not start with /echo.api/"),
]


@pytest.mark.parametrize("url, reason", URL_CASES)
def test_bad_cert_url_is_refused_before_any_download(ca: AlexaTestCA, url, reason) -> None:
    forged = ca.variant(cert_url=url)
    body = launch_body()
    assert refusal(make_verifier(forged, clock=lambda: NOW), forged.sign(body), body) == reason
    assert forged.fetched == []


@pytest.mark.parametrize(
    "url, downloaded",
    [
        (
            "https://S3.AmazonAWS.COM/echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        (
            "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        (
            "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        (
            "https://s3.amazonaws.com/invalid/../echo.api/echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
        (
            "https://s3.amazonaws.com/echo.api/./sub/../echo-api-cert.pem",
            "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        ),
    ],
)
def test_equivalent_cert_urls_pass_and_the_checked_form_is_downloaded(ca, url, downloaded) -> None:
    accepted = ca.variant(cert_url=url)
    body = launch_body()
    make_verifier(accepted, clock=lambda: NOW).verify(accepted.sign(body), body)
    assert accepted.fetched == [downloaded]


# --- Headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "drop, reason",
    [
        ("SignatureCertChainUrl", "SignatureCertChainUrl header missing"),
        ("Signature-256", "Signature-256 header missing"),
    ],
)
def test_missing_header_is_refused(ca, verifier, drop, reason) -> None:
    body = launch_body()
    headers = ca.sign(body)
    del headers[drop]
    assert refusal(verifier, headers, body) == reason


def test_only_the_legacy_sha1_signature_header_is_not_enough(ca, verifier) -> None:
    body = launch_body()
    headers = ca.sign(body, algorithm=hashes.SHA1())
    headers["Signature"] = headers.pop("Signature-256")
    assert refusal(verifier, headers, body) == "Signature-256 header missing"


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_signature_is_refused(ca, verifier, value) -> None:
    body = launch_body()
    headers = ca.sign(body) | {"Signature-256": value}
    assert refusal(verifier, headers, body) == "Signature-256 header missing"


@pytest.mark.parametrize("value", ["not base64!", "QUJD=x", "%%%%"])
def test_signature_that_is_not_base64_is_refused(ca, verifier, value) -> None:
    body = launch_body()
    headers = ca.sign(body) | {"Signature-256": value}
    assert refusal(verifier, headers, body) == "signature is not valid base64"


# --- Cheap checks come before any download -----------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


CHEAP_REFUSALS = {
    "signature of 100 bytes": (
        lambda ca, body: ca.sign(body) | {"Signature-256": _b64(bytes(100))},
        None,
        "signature has the wrong length",
    ),
    "signature of 255 bytes": (
        lambda ca, body: ca.sign(body) | {"Signature-256": _b64(bytes(255))},
        None,
        "signature has the wrong length",
    ),
    "signature of 2 KB": (
        lambda ca, body: ca.sign(body) | {"Signature-256": _b64(bytes(2048))},
        None,
        "signature has the wrong length",
    ),
    "empty signature": (
        lambda ca, body: ca.sign(body) | {"Signature-256": ""},
        None,
        "Signature-256 header missing",
    ),
    "signature not base64": (
        lambda ca, body: ca.sign(body) | {"Signature-256": "%%%%"},
        None,
        "signature is not valid base64",
    ),
    "cert url too long": (
        lambda ca, body: (
            ca.sign(body) | {"SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/" + "a" * 600}
        ),
        None,
        "certificate URL is too long",
    ),
    "stale timestamp": (
        lambda ca, body: ca.sign(body),
        launch_body(NOW - timedelta(seconds=151)),
        "request timestamp too old",
    ),
    "another skill": (
        lambda ca, body: ca.sign(body),
        launch_body(application_id=OTHER_SKILL_ID),
        "application id is not this skill",
    ),
    "not JSON": (lambda ca, body: ca.sign(body), b"{nope", "request body is not valid JSON"),
}


@pytest.mark.parametrize("name", list(CHEAP_REFUSALS))
def test_cheap_refusal_makes_no_download(ca, verifier, name) -> None:
    make_headers, body, reason = CHEAP_REFUSALS[name]
    body = launch_body() if body is None else body
    for _ in range(3):
        assert refusal(verifier, make_headers(ca, body), body) == reason
    assert ca.fetched == []


@pytest.mark.parametrize("size", [256, 384, 512])
def test_signature_of_an_rsa_size_is_checked_against_the_chain(ca, verifier, size) -> None:
    body = launch_body()
    headers = ca.sign(body) | {"Signature-256": _b64(bytes(i % 251 for i in range(size)))}
    assert refusal(verifier, headers, body) == "signature does not match body"
    assert ca.fetched == [ca.cert_url]


# --- Certificate chain -------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_forgery, reason",
    [
        (lambda ca: ca.expired(NOW), "signing certificate has expired"),
        (lambda ca: ca.not_yet_valid(NOW), "signing certificate is not yet valid"),
        (
            lambda ca: ca.variant(dns_names=("evil.example.com",)),
            "signing certificate is not for echo-api.amazon.com",
        ),
        (
            lambda ca: ca.variant(dns_names=("echo-api.amazon.com.evil.example",)),
            "signing certificate is not for echo-api.amazon.com",
        ),
        (
            lambda ca: ca.variant(issuer_label="look-alike"),
            "certificate chain does not lead to a trusted root",
        ),
        (
            lambda ca: ca.variant(include_intermediate=False),
            "certificate chain does not lead to a trusted root",
        ),
    ],
    ids=["expired", "not-yet-valid", "wrong-san", "san-suffix", "untrusted-root", "no-intermediate"],
)
def test_bad_chain_is_refused(ca: AlexaTestCA, make_forgery, reason) -> None:
    forged = make_forgery(ca)
    body = launch_body()
    # The verifier trusts the genuine test root; the forgery signs with the leaf it serves.
    assert (
        refusal(make_verifier(ca, clock=lambda: NOW, fetch_chain=forged.fetch_chain), forged.sign(body), body)
        == reason
    )


@pytest.mark.parametrize(
    "served", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
)
def test_garbage_chain_is_refused(ca, served) -> None:
    body = launch_body()
    verifier = make_verifier(ca, clock=lambda: NOW, fetch_chain=lambda url: served)
    assert refusal(verifier, ca.sign(body), body) == "certificate chain is not valid PEM"


def test_chain_is_downloaded_once_per_url(ca, verifier) -> None:
    for _ in range(2):
        body = launch_body()
        verifier.verify(ca.sign(body), body)
    assert ca.fetched == [ca.cert_url]


def test_chain_is_downloaded_again_once_the_cached_leaf_expires(ca) -> None:
    old = ca.variant(not_before=NOW - timedelta(days=1), not_after=NOW + timedelta(minutes=10))
    renewed = ca.variant(not_before=NOW, not_after=NOW + timedelta(days=90))
    served = [old, renewed]
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return served[len(fetched) - 1].chain_pem

    clock = [NOW]
    verifier = make_verifier(ca, clock=lambda: clock[0], fetch_chain=fetch)
    for at in (NOW, NOW + timedelta(minutes=9), NOW + timedelta(minutes=11)):
        clock[0] = at
        body = launch_body(at)
        verifier.verify(ca.sign(body), body)
    assert len(fetched) == 2


# --- Signature ---------------------------------------------------------------------------


def test_tampered_body_is_refused(ca, verifier) -> None:
    body = launch_body()
    headers = ca.sign(body)
    tampered = body.replace(b'"en-US"', b'"en-GB"')
    assert tampered != body
    assert refusal(verifier, headers, tampered) == "signature does not match body"


def test_body_tampered_to_another_skill_is_refused_before_any_download(ca, verifier) -> None:
    body = launch_body()
    headers = ca.sign(body)
    tampered = body.replace(SKILL_ID.encode(), OTHER_SKILL_ID.encode())
    assert refusal(verifier, headers, tampered) == "application id is not this skill"
    assert ca.fetched == []


def test_reserialised_body_is_refused(ca, verifier) -> None:
    # Same JSON, different bytes: the signature covers the raw body, not its meaning.
    envelope = launch_request(timestamp=NOW)
    headers = ca.sign(encode(envelope))
    assert (
        refusal(verifier, headers, json.dumps(envelope, indent=1).encode()) == "signature does not match body"
    )


def test_signature_by_another_key_is_refused(ca, verifier) -> None:
    body = launch_body()
    assert refusal(verifier, ca.sign(body, key=other_rsa_key()), body) == "signature does not match body"


def test_sha1_signature_is_refused(ca, verifier) -> None:
    body = launch_body()
    assert refusal(verifier, ca.sign(body, algorithm=hashes.SHA1()), body) == "signature does not match body"


def test_random_bytes_as_signature_are_refused(ca, verifier) -> None:
    body = launch_body()
    headers = ca.sign(body) | {"Signature-256": base64.b64encode(bytes(range(256))).decode()}
    assert refusal(verifier, headers, body) == "signature does not match body"


# --- Body: JSON, timestamp, application id -----------------------------------------------


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"{not json", "request body is not valid JSON"),
        (b"\xff\xfe", "request body is not valid JSON"),
        (b"[]", "request body has no request object"),
        (
            json.dumps({"version": "1.0", "request": {"type": "LaunchRequest"}}).encode(),
            "request timestamp missing",
        ),
        (
            json.dumps(
                {"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": "yesterday"}}
            ).encode(),
            "request timestamp is not ISO 8601",
        ),
    ],
)
def test_signed_but_malformed_body_is_refused(ca, verifier, body, reason) -> None:
    assert refusal(verifier, ca.sign(body), body) == reason


@pytest.mark.parametrize("offset_s", [-150, -149, 0, 149, 150])
def test_timestamp_within_150_seconds_passes(ca, verifier, offset_s) -> None:
    body = launch_body(NOW + timedelta(seconds=offset_s))
    verifier.verify(ca.sign(body), body)


@pytest.mark.parametrize(
    "offset_s, reason",
    [
        (-151, "request timestamp too old"),
        (151, "request timestamp is in the future"),
        (-86400, "request timestamp too old"),
    ],
)
def test_timestamp_outside_150_seconds_is_refused(ca, verifier, offset_s, reason) -> None:
    body = launch_body(NOW + timedelta(seconds=offset_s))
    assert refusal(verifier, ca.sign(body), body) == reason


def test_skill_event_may_be_an_hour_old(ca, verifier) -> None:
    body = encode(skill_disabled_event(timestamp=NOW - timedelta(seconds=3000)))
    verifier.verify(ca.sign(body), body)


def test_skill_event_older_than_an_hour_is_refused(ca, verifier) -> None:
    body = encode(skill_disabled_event(timestamp=NOW - timedelta(seconds=3601)))
    assert refusal(verifier, ca.sign(body), body) == "request timestamp too old"


def test_wrong_application_id_is_refused(ca, verifier) -> None:
    body = launch_body(application_id=OTHER_SKILL_ID)
    assert refusal(verifier, ca.sign(body), body) == "application id is not this skill"


def test_session_application_id_is_used_when_context_has_none(ca, verifier) -> None:
    for app_id, passes in ((SKILL_ID, True), (OTHER_SKILL_ID, False)):
        envelope = launch_request(timestamp=NOW, application_id=app_id)
        del envelope["context"]["System"]["application"]
        body = encode(envelope)
        if passes:
            verifier.verify(ca.sign(body), body)
        else:
            assert refusal(verifier, ca.sign(body), body) == "application id is not this skill"


def test_missing_application_id_is_refused(ca, verifier) -> None:
    envelope = launch_request(timestamp=NOW, with_session=False)
    del envelope["context"]["System"]["application"]
    body = encode(envelope)
    assert refusal(verifier, ca.sign(body), body) == "application id missing"


def test_empty_skill_ids_accept_any_application_id(ca) -> None:
    verifier = make_verifier(ca, skill_ids=(), clock=lambda: NOW)
    body = launch_body(application_id=OTHER_SKILL_ID)
    verifier.verify(ca.sign(body), body)


def test_several_skill_ids_accept_each(ca) -> None:
    verifier = make_verifier(ca, skill_ids=(SKILL_ID, OTHER_SKILL_ID), clock=lambda: NOW)
    for app_id in (SKILL_ID, OTHER_SKILL_ID):
        body = launch_body(application_id=app_id)
        verifier.verify(ca.sign(body), body)


# --- Amazon's real chains ----------------------------------------------------------------


REAL_CHAINS = {
    "amazon-echo-api-cert-12.pem": "b0a2cb52212356a129ee0a6190b2980d2e7f5855aa9b75fb3175c1858a4d7ed7",
    "amazon-echo-api-cert-eu-2026.pem": "e5cbad7cedc544bc41e86f4831d033b45217ea51afbfb4fc8d6130c2cbd63fcf",
}


def real_chain(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("name", list(REAL_CHAINS))
def test_real_chain_fixture_is_the_published_file(name) -> None:
    assert hashlib.sha256(real_chain(name)).hexdigest() == REAL_CHAINS[name]


@pytest.mark.parametrize(
    "name, inside, after",
    [
        ("amazon-echo-api-cert-12.pem", "2023-08-04T11:59:59", "2023-12-24T23:59:59"),
        ("amazon-echo-api-cert-eu-2026.pem", "2026-11-03T23:59:59", "2027-02-11T23:59:59"),
    ],
)
def test_real_amazon_chain_validates_only_while_the_leaf_is_valid(name, inside, after) -> None:
    pem = real_chain(name)
    leaf = validate_chain(pem, trust_roots=certifi_roots(), now=utc(inside))
    assert leaf.subject.rfc4514_string() == "CN=echo-api.amazon.com"
    with pytest.raises(VerificationError, match="signing certificate has expired"):
        validate_chain(pem, trust_roots=certifi_roots(), now=utc(after))


def test_real_amazon_chain_with_default_roots_fails_only_at_the_signature() -> None:
    pem = real_chain("amazon-echo-api-cert-eu-2026.pem")
    at = utc("2026-11-03T23:59:59")
    verifier = RequestVerifier([SKILL_ID], fetch_chain=lambda url: pem, clock=lambda: at)
    body = launch_body(at)
    headers = {
        "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem",
        # Any well-formed RSA signature: we do not hold Amazon's key.
        "Signature-256": base64.b64encode(
            other_rsa_key().sign(body, padding.PKCS1v15(), hashes.SHA256())
        ).decode(),
    }
    assert refusal(verifier, headers, body) == "signature does not match body"
