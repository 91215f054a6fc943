"""Forged requests through POST /alexa: each gets a 4xx with its reason and never reaches the skill.

Amazon's certification sends requests with an empty signature, no signature header, a wrong
certificate, a bad signature and a bad certificate URL, and expects HTTP 400 for each.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes

from skill import create_app
from tests.alexa_ca import IMPORTED_AT, SKILL_ID, AlexaTestCA, make_verifier, other_rsa_key
from tests.envelopes import launch_request
from tests.hostile import CASES as HOSTILE
from tests.hostile import SECRETS

NOW = IMPORTED_AT
MAX_BODY = 128 * 1024  # docs/architecture.md: the edge accepts at most 128 KiB
OTHER_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-0000000000ff"


def launch_body(seconds_from_now: int = 0, **overrides: Any) -> bytes:
    return json.dumps(
        launch_request(timestamp=NOW + timedelta(seconds=seconds_from_now), **overrides)
    ).encode()


@dataclass
class Post:
    """What one test sends: the chain the fake S3 serves, the headers and the raw body."""

    served: AlexaTestCA
    headers: dict[str, str]
    body: bytes


class Service:
    """The Flask app with a verifier over the test CA, and a record of calls into the skill."""

    def __init__(self, trusted: AlexaTestCA, monkeypatch: pytest.MonkeyPatch) -> None:
        self.served = trusted
        self.downloads: list[str] = []
        verifier = make_verifier(trusted, clock=lambda: NOW, fetch_chain=self._fetch)
        self.app = create_app({"ALEXA_SKILL_IDS": SKILL_ID, "STORAGE_BACKEND": "memory"}, verifier=verifier)
        self.invocations: list[Any] = []
        skill = self.app.extensions["stretch_skill"]
        real_invoke = skill.invoke

        def recording_invoke(*args: Any, **kwargs: Any) -> Any:
            self.invocations.append((args, kwargs))
            return real_invoke(*args, **kwargs)

        monkeypatch.setattr(skill, "invoke", recording_invoke)

    def _fetch(self, url: str) -> bytes:
        self.downloads.append(url)
        return self.served.fetch_chain(url)

    def post(self, sent: Post):
        self.served = sent.served
        return self.app.test_client().post(
            "/alexa", data=sent.body, headers=sent.headers, content_type="application/json"
        )


@pytest.fixture
def ca() -> AlexaTestCA:
    return AlexaTestCA()


@pytest.fixture
def service(ca: AlexaTestCA, monkeypatch: pytest.MonkeyPatch) -> Service:
    return Service(ca, monkeypatch)


def signed(ca: AlexaTestCA, body: bytes | None = None, **sign_kw: Any) -> Post:
    body = launch_body() if body is None else body
    return Post(ca, ca.sign(body, **sign_kw), body)


def with_headers(post: Post, **changes: str | None) -> Post:
    """Header names use _ for - (Signature_256); None removes the header."""
    headers = dict(post.headers)
    for name, value in changes.items():
        name = name.replace("_", "-")
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return Post(post.served, headers, post.body)


def url_forgery(url: str) -> Callable[[AlexaTestCA], Post]:
    return lambda ca: signed(ca.variant(cert_url=url))


def served_forgery(make: Callable[[AlexaTestCA], AlexaTestCA]) -> Callable[[AlexaTestCA], Post]:
    return lambda ca: signed(make(ca))


def tampered(ca: AlexaTestCA) -> Post:
    post = signed(ca)
    return Post(ca, post.headers, post.body.replace(b'"en-US"', b'"en-GB"'))


def tampered_skill_id(ca: AlexaTestCA) -> Post:
    post = signed(ca)
    return Post(ca, post.headers, post.body.replace(SKILL_ID.encode(), OTHER_SKILL_ID.encode()))


class GarbageChain(AlexaTestCA):
    def fetch_chain(self, url: str) -> bytes:
        return b"<html>Access Denied</html>"


class UnreachableChain(AlexaTestCA):
    def fetch_chain(self, url: str) -> bytes:
        raise TimeoutError("timed out")


FORGERIES: dict[str, tuple[Callable[[AlexaTestCA], Post], str]] = {
    # Certification's own cases.
    "empty signature": (
        lambda ca: with_headers(signed(ca), Signature_256=""),
        "Signature-256 header missing",
    ),
    "no signature header": (
        lambda ca: with_headers(signed(ca), Signature_256=None),
        "Signature-256 header missing",
    ),
    "no headers at all": (lambda ca: Post(ca, {}, launch_body()), "SignatureCertChainUrl header missing"),
    "no cert url header": (
        lambda ca: with_headers(signed(ca), SignatureCertChainUrl=None),
        "SignatureCertChainUrl header missing",
    ),
    "wrong certificate (untrusted root)": (
        served_forgery(lambda ca: ca.variant(issuer_label="forger")),
        "certificate chain does not lead to a trusted root",
    ),
    "bad signature (another key)": (
        lambda ca: signed(ca, key=other_rsa_key()),
        "signature does not match body",
    ),
    "bad cert url: http": (
        url_forgery("http://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
        "certificate URL scheme is not https",
    ),
    "bad cert url: host": (
        url_forgery("https://notamazon.com/echo.api/echo-api-cert.pem"),
        "certificate URL host is not s3.amazonaws.com",
    ),
    "bad cert url: port": (
        url_forgery("https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem"),
        "certificate URL port is not 443",
    ),
    "bad cert url: path case": (
        url_forgery("https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem"),
        "certificate URL path does not start with /echo.api/",
    ),
    "bad cert url: dot-dot": (
        url_forgery("https://s3.amazonaws.com/echo.api/../echo-api-cert.pem"),
        "certificate URL path does not start with /echo.api/",
    ),
    # Further forgeries.
    "signature not base64": (
        lambda ca: with_headers(signed(ca), Signature_256="not base64!"),
        "signature is not valid base64",
    ),
    "sha-1 signature": (lambda ca: signed(ca, algorithm=hashes.SHA1()), "signature does not match body"),
    "tampered body": (tampered, "signature does not match body"),
    # Caught before the download now: the application id is checked ahead of the signature.
    "body tampered to another skill": (tampered_skill_id, "application id is not this skill"),
    "signature of the wrong length": (
        lambda ca: with_headers(signed(ca), Signature_256="QUJD"),
        "signature has the wrong length",
    ),
    "expired leaf": (served_forgery(lambda ca: ca.expired(NOW)), "signing certificate has expired"),
    "leaf not yet valid": (
        served_forgery(lambda ca: ca.not_yet_valid(NOW)),
        "signing certificate is not yet valid",
    ),
    "wrong SAN": (
        served_forgery(lambda ca: ca.variant(dns_names=("evil.example.com",))),
        "signing certificate is not for echo-api.amazon.com",
    ),
    "chain without intermediate": (
        served_forgery(lambda ca: ca.variant(include_intermediate=False)),
        "certificate chain does not lead to a trusted root",
    ),
    "garbage chain": (lambda ca: signed(GarbageChain()), "certificate chain is not valid PEM"),
    "chain download fails": (lambda ca: signed(UnreachableChain()), "could not download certificate chain"),
    "stale timestamp": (lambda ca: signed(ca, launch_body(-151)), "request timestamp too old"),
    "future timestamp": (lambda ca: signed(ca, launch_body(151)), "request timestamp is in the future"),
    "wrong application id": (
        lambda ca: signed(ca, launch_body(application_id=OTHER_SKILL_ID)),
        "application id is not this skill",
    ),
    "signed non-JSON body": (lambda ca: signed(ca, b"hello, skill"), "request body is not valid JSON"),
}


def error_reason(response) -> str:
    payload = response.get_json()
    assert isinstance(payload, dict) and isinstance(payload.get("error"), str), response.data
    return payload["error"]


@pytest.mark.parametrize("name", list(FORGERIES))
def test_forgery_gets_400_with_its_reason_and_never_reaches_the_skill(ca, service, name) -> None:
    build, reason = FORGERIES[name]
    response = service.post(build(ca))
    assert response.status_code == 400
    assert error_reason(response).endswith(reason)
    assert service.invocations == []


def test_genuine_request_is_answered_with_speech(ca, service) -> None:
    response = service.post(signed(ca))
    assert response.status_code == 200, response.data
    assert response.get_json()["response"]["outputSpeech"]["ssml"]
    assert len(service.invocations) == 1
    assert service.downloads == [ca.cert_url]


@pytest.mark.parametrize(
    "make",
    [
        url_forgery("https://S3.AMAZONAWS.com/echo.api/echo-api-cert.pem"),
        url_forgery("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem"),
        url_forgery("https://s3.amazonaws.com/invalid/../echo.api/echo-api-cert.pem"),
        lambda ca: signed(ca, launch_body(-149)),
        lambda ca: signed(ca, launch_body(149)),
    ],
    ids=["host-case", "port-443", "dot-dot-into-echo-api", "149s-old", "149s-ahead"],
)
def test_unusual_but_genuine_request_reaches_the_skill(ca, service, make) -> None:
    response = service.post(make(ca))
    assert response.status_code == 200, response.data
    assert len(service.invocations) == 1


def test_chain_is_downloaded_once_for_two_requests(ca, service) -> None:
    for _ in range(2):
        assert service.post(signed(ca)).status_code == 200
    assert service.downloads == [ca.cert_url]


def test_body_over_128_kib_is_refused_with_413(ca, service) -> None:
    envelope = launch_request(timestamp=NOW)
    envelope["padding"] = ""
    base = len(json.dumps(envelope).encode())
    envelope["padding"] = "x" * (MAX_BODY + 1 - base)
    body = json.dumps(envelope).encode()
    assert len(body) == MAX_BODY + 1
    response = service.post(signed(ca, body))
    assert response.status_code == 413
    assert "larger than" in error_reason(response)
    assert service.invocations == []
    assert service.downloads == []


@pytest.mark.parametrize("name", list(HOSTILE))
def test_signed_hostile_body_gets_its_status_and_a_refusal_never_reaches_the_skill(
    ca, service, caplog, name
) -> None:
    caplog.set_level(logging.DEBUG)
    case = HOSTILE[name]
    response = service.post(signed(ca, case.build(NOW)))
    assert response.status_code == case.status, response.data[:300]
    if case.reason is not None:
        assert error_reason(response).endswith(case.reason)
        assert service.invocations == []
    for secret in SECRETS:
        assert secret not in caplog.text


def test_refusals_before_the_download_make_none(ca, service) -> None:
    for name in (
        "empty signature",
        "no signature header",
        "signature not base64",
        "signature of the wrong length",
        "stale timestamp",
        "future timestamp",
        "wrong application id",
        "body tampered to another skill",
        "signed non-JSON body",
    ):
        build, _ = FORGERIES[name]
        assert service.post(build(ca)).status_code == 400
    assert service.downloads == []
