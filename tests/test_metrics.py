"""GET /metrics: Prometheus text, loopback or bearer token only, bounded labels, and the
counters an operator alerts on (deploy/README.md). /healthz says whether storage is writable."""

from __future__ import annotations

import json

import pytest
from prometheus_client.parser import text_string_to_metric_families

from skill import create_app
from skill.core.content import default
from skill.storage import MemoryAdapter, StorageError
from tests.alexa_ca import IMPORTED_AT, SKILL_ID, AlexaTestCA, make_verifier
from tests.conversation import Said, check_response
from tests.envelopes import intent_request, launch_request, slot_value

NOW = IMPORTED_AT
CONTENT = default()


class BrokenStorage(MemoryAdapter):
    def get_attributes(self, request_envelope):  # type: ignore[no-untyped-def]
        raise StorageError("disk on fire")

    def save_attributes(self, request_envelope, attributes):  # type: ignore[no-untyped-def]
        raise StorageError("disk on fire")


@pytest.fixture
def ca() -> AlexaTestCA:
    return AlexaTestCA()


def _app(ca: AlexaTestCA, storage: MemoryAdapter | None = None, **settings: str):
    config = {"ALEXA_SKILL_IDS": SKILL_ID, "STORAGE_BACKEND": "memory", **settings}
    return create_app(
        config, verifier=make_verifier(ca, clock=lambda: NOW), persistence=storage or MemoryAdapter()
    )


def _post(client, ca: AlexaTestCA, envelope: dict, **headers: str):
    body = json.dumps(envelope).encode()
    return client.post(
        "/alexa", data=body, headers={**ca.sign(body), **headers}, content_type="application/json"
    )


def _samples(client) -> dict[tuple[str, tuple], float]:
    page = client.get("/metrics")
    assert page.status_code == 200 and page.content_type.startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(page.get_data(as_text=True))
        for s in family.samples
    }


def test_a_conversation_is_counted_by_type_intent_outcome_and_latency(ca) -> None:
    client = _app(ca).test_client()
    assert _post(client, ca, launch_request(timestamp=NOW)).status_code == 200
    assert _post(client, ca, intent_request("AMAZON.HelpIntent", timestamp=NOW)).status_code == 200
    assert _post(client, ca, intent_request("NoSuchIntent" + "x" * 40, timestamp=NOW)).status_code == 200
    symptom = {"symptom": slot_value("symptom", "bleeding", match_id="severe", slot_type="SYMPTOM")}
    assert _post(client, ca, intent_request("SymptomIntent", symptom, timestamp=NOW)).status_code == 200
    seen = _samples(client)
    assert seen["alexa_requests_total", (("intent", ""), ("type", "LaunchRequest"))] == 1
    assert seen["alexa_requests_total", (("intent", "AMAZON.HelpIntent"), ("type", "IntentRequest"))] == 1
    assert (
        seen["alexa_requests_total", (("intent", "other"), ("type", "IntentRequest"))] == 1
    )  # never the raw name
    assert seen["alexa_replies_total", (("outcome", "ok"), ("reason", ""))] == 4
    assert seen["alexa_request_duration_seconds_count", (("type", "IntentRequest"),)] == 3
    assert seen["skill_safety_replies_total", ()] == 1


def test_refusals_and_verification_failures_have_bounded_reasons(ca) -> None:
    client = _app(ca).test_client()
    body = json.dumps(launch_request(timestamp=NOW)).encode()
    forged = client.post(
        "/alexa", data=body, headers={**ca.sign(b"other"), "X": "1"}, content_type="application/json"
    )
    assert forged.status_code == 400
    old = _post(client, ca, launch_request(timestamp="2001-01-01T00:00:00Z"))
    assert old.status_code == 400
    assert client.post("/alexa", data=b"x" * (200 * 1024)).status_code == 413
    seen = _samples(client)
    assert seen["alexa_verification_failures_total", (("reason", "bad_signature"),)] == 1
    assert seen["alexa_verification_failures_total", (("reason", "timestamp"),)] == 1
    assert seen["alexa_replies_total", (("outcome", "refused"), ("reason", "verification"))] == 2
    assert seen["alexa_replies_total", (("outcome", "refused"), ("reason", "too_large"))] == 1


def test_a_crashed_turn_and_a_crashed_edge_are_counted_as_errors(ca, monkeypatch) -> None:
    app = _app(ca)
    client = app.test_client()
    # A handler that crashes: the skill's catch-all apologises (200) and the turn is an error.
    monkeypatch.setattr("skill.core.coach.launch", lambda ctx: 1 / 0)
    crashed = _post(client, ca, launch_request(timestamp=NOW))
    assert crashed.status_code == 200 and crashed.get_json()["response"]["outputSpeech"]
    monkeypatch.undo()
    # The edge itself failing after the turn (here: the reply cannot be serialized) is a 500.
    skill = app.extensions["stretch_skill"]
    monkeypatch.setattr(skill.serializer, "serialize", lambda obj: {"x": float("nan")})
    assert _post(client, ca, launch_request(timestamp=NOW)).status_code == 500
    monkeypatch.undo()
    seen = _samples(client)
    assert seen["alexa_replies_total", (("outcome", "error"), ("reason", ""))] == 2
    assert seen["alexa_request_duration_seconds_count", (("type", "LaunchRequest"),)] == 2
    assert ("alexa_replies_total", (("outcome", "ok"), ("reason", ""))) not in seen


def test_storage_errors_are_counted_and_healthz_says_storage_is_not_writable(ca) -> None:
    client = _app(ca, BrokenStorage()).test_client()
    raw = _post(client, ca, launch_request(timestamp=NOW))
    assert raw.status_code == 200  # she still gets her answer: read as a new user, asked if ready
    said = Said(raw.status_code, raw.get_json())
    check_response(said, "LaunchRequest")
    said.says(CONTENT.say("welcome"), CONTENT.say("ask_ready", name="cat-cow"))
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["storage_writable"] is False
    seen = _samples(client)
    assert seen["skill_storage_errors_total", (("where", "turn"),)] >= 1
    assert seen["skill_storage_errors_total", (("where", "probe"),)] == 1


def test_healthz_writes_and_reads_a_reserved_row_at_most_once_per_ttl(ca) -> None:
    storage = MemoryAdapter()
    client = _app(ca, storage).test_client()
    assert client.get("/healthz").get_json()["storage_writable"] is True
    assert storage.count_users() == 1  # the probe's row, under an id no request may carry
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "remote, headers, token, status",
    [
        ("127.0.0.1", {}, "", 200),
        ("::1", {}, "", 200),
        ("203.0.113.9", {}, "", 403),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, "", 403),  # proxied from outside
        ("203.0.113.9", {"Authorization": "Bearer s3cret"}, "s3cret", 200),
        ("203.0.113.9", {"Authorization": "Bearer wrong"}, "s3cret", 403),
        ("203.0.113.9", {"Authorization": "Bearer "}, "", 403),  # no token configured: none accepted
    ],
)
def test_metrics_only_from_loopback_or_with_the_bearer_token(ca, remote, headers, token, status) -> None:
    client = _app(ca, METRICS_TOKEN=token).test_client()
    page = client.get("/metrics", headers=headers, environ_overrides={"REMOTE_ADDR": remote})
    assert page.status_code == status


def test_every_reply_carries_a_request_id(ca) -> None:
    client = _app(ca).test_client()
    replies = [
        client.get("/healthz"),
        _post(client, ca, launch_request(timestamp=NOW)),
        client.get("/nowhere"),  # 404
        client.post("/alexa", data=b"x" * (200 * 1024)),  # 413
        client.post("/alexa", data=b"{}"),  # 400, unsigned
    ]
    assert [r.status_code for r in replies] == [200, 200, 404, 413, 400]
    ids = {r.headers["X-Request-Id"] for r in replies}
    assert len(ids) == len(replies) and all(len(i) == 16 for i in ids)
