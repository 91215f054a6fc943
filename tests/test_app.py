"""The web edge with verification off: health, routing, size limit, bad and hostile bodies,
parse-once, the loud warnings, and the SDK's own skill id check."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest
from ask_sdk_model import ResponseEnvelope
from flask import Flask

from skill import __version__, create_app
from skill.alexa.envelopes import SKILL_ID, launch_request
from skill.core.content import default
from skill.storage import MemoryAdapter
from tests.conversation import Said, check_response
from tests.hostile import CASES, SECRETS

OFF = {"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}
CONTENT = default()


def hears_the_welcome(raw) -> None:
    """A launch answered as she would hear it: 200, valid speech ending on a question, the welcome."""
    assert raw.status_code == 200
    said = Said(raw.status_code, raw.get_json())
    check_response(said, "LaunchRequest")
    said.says(CONTENT.say("welcome"))
    assert not said.ends_session


def test_health_reports_version_and_that_verification_is_off(client) -> None:
    raw = client.get("/healthz")
    assert raw.status_code == 200
    assert raw.get_json() == {
        "status": "ok",
        "version": __version__,
        "verification": False,
        "storage": "memory",
        "storage_writable": True,
    }


def test_health_reports_verification_on_by_default(monkeypatch) -> None:
    monkeypatch.setenv("STORAGE_BACKEND", "memory")
    monkeypatch.delenv("ALEXA_VERIFY_REQUESTS", raising=False)
    assert create_app().test_client().get("/healthz").get_json()["verification"] is True


def test_turning_verification_off_is_loud(caplog) -> None:
    caplog.set_level(logging.WARNING)
    create_app(OFF)
    assert "REQUEST VERIFICATION IS OFF" in caplog.text


def test_no_skill_id_warns_that_any_skill_could_call(caplog) -> None:
    caplog.set_level(logging.WARNING)
    create_app({"STORAGE_BACKEND": "memory"})
    assert "any Alexa skill could call this service" in caplog.text
    caplog.clear()
    create_app({"STORAGE_BACKEND": "memory", "ALEXA_SKILL_IDS": SKILL_ID})
    assert "any Alexa skill" not in caplog.text


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("get", "/", 404),
        ("get", "/alexa", 405),
        ("put", "/alexa", 405),
        ("post", "/healthz", 405),
        ("get", "/admin", 404),
    ],
)
def test_other_paths_and_methods_get_json_errors(client, method: str, path: str, status: int) -> None:
    raw = getattr(client, method)(path)
    assert raw.status_code == status
    assert raw.is_json and raw.get_json()["error"]


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"not json", "request body is not valid JSON"),
        (b"\xff\xfe\x00", "request body is not valid JSON"),
        (b"", "request body is not valid JSON"),
        (b"[1, 2]", "request body has no request object"),
        (b'{"version": "1.0"}', "request body has no request object"),
        (
            b'{"version": "1.0", "request": {"type": "NoSuchRequest"}, "context": {"System": {}}}',
            "request envelope not understood",
        ),
        (
            b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": "yesterday"}, "context": {"System": {}}}',
            "request envelope not understood",
        ),
        (
            b'{"version": "1.0", "request": {"type": "LaunchRequest"}}',
            "request envelope has no context.System",
        ),
    ],
)
def test_bad_bodies_get_400_with_a_reason_and_the_service_stays_up(
    client, caplog, body: bytes, reason: str
) -> None:
    raw = client.post("/alexa", data=body, content_type="application/json")
    assert raw.status_code == 400
    assert raw.get_json() == {"error": reason}
    assert "refused request" in caplog.text
    hears_the_welcome(client.post("/alexa", data=json.dumps(launch_request())))  # still up


@pytest.fixture
def one_skill_id() -> Flask:
    """The recommended production setting: exactly one ALEXA_SKILL_IDS (the SDK checks it too)."""
    return create_app(OFF | {"ALEXA_SKILL_IDS": SKILL_ID}, persistence=MemoryAdapter())


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_body_gets_its_status_and_no_secret_reaches_the_log(one_skill_id, caplog, name) -> None:
    caplog.set_level(logging.DEBUG)
    case = CASES[name]
    raw = one_skill_id.test_client().post("/alexa", data=case.build(datetime.now(UTC)))
    assert raw.status_code == case.status, raw.data[:300]
    if case.reason is None:
        assert raw.get_json()["response"]["outputSpeech"]["ssml"]
        json.loads(raw.data, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))
    else:
        assert raw.get_json() == {"error": case.reason}
    for secret in SECRETS:
        assert secret not in caplog.text


def test_the_envelope_is_decoded_once_and_mapped_without_a_second_decode(monkeypatch) -> None:
    import skill.web.body as body_module

    app = create_app(OFF, persistence=MemoryAdapter())
    decodes: list[int] = []
    real_json = body_module.json

    class CountingJson:
        def __getattr__(self, name: str):
            return getattr(real_json, name)

        def loads(self, *args, **kwargs):
            decodes.append(1)
            return real_json.loads(*args, **kwargs)

    monkeypatch.setattr(body_module, "json", CountingJson())
    serializer = app.extensions["stretch_skill"].serializer
    monkeypatch.setattr(serializer, "deserialize", lambda *a, **k: pytest.fail("decoded again by the SDK"))
    hears_the_welcome(app.test_client().post("/alexa", data=json.dumps(launch_request())))
    assert decodes == [1]


def test_a_verifier_of_another_kind_gets_the_guard_s_full_walk() -> None:
    # The edge skips the walk only for what body.parse_envelope returned; a verifier that
    # hands back its own dict (here one 70 levels deep) is walked.
    deep = launch_request()
    node = deep["session"]["attributes"] = {}
    for _ in range(70):
        node["x"] = {}
        node = node["x"]

    class Lenient:
        skill_ids = (SKILL_ID,)

        def verify(self, headers, body):  # type: ignore[no-untyped-def]
            return deep

    app = create_app({"STORAGE_BACKEND": "memory", "ALEXA_SKILL_IDS": SKILL_ID}, verifier=Lenient())
    reply = app.test_client().post("/alexa", data=json.dumps(launch_request()))
    assert reply.status_code == 400
    assert reply.get_json() == {"error": "request body is nested too deeply"}


def test_the_sdk_still_offers_the_mapping_step_the_edge_uses() -> None:
    # If an ask-sdk-core release renames it, the edge falls back to a second decode: notice.
    from ask_sdk_core.serialize import DefaultSerializer

    assert callable(getattr(DefaultSerializer(), "_DefaultSerializer__deserialize", None))


def test_the_skill_s_own_serializer_is_the_only_one(monkeypatch) -> None:
    app = create_app(OFF, persistence=MemoryAdapter())
    serializer = app.extensions["stretch_skill"].serializer
    envelopes: list[object] = []
    real = serializer.serialize

    def serialize(obj):  # recursive inside the SDK: count the top-level envelopes only
        if isinstance(obj, ResponseEnvelope):
            envelopes.append(obj)
        return real(obj)

    monkeypatch.setattr(serializer, "serialize", serialize)
    monkeypatch.setattr(
        "ask_sdk_core.serialize.DefaultSerializer.__init__", lambda self: pytest.fail("a second serializer")
    )
    hears_the_welcome(app.test_client().post("/alexa", data=json.dumps(launch_request())))
    assert len(envelopes) == 1


def test_no_dead_config_extension() -> None:
    assert set(create_app(OFF, persistence=MemoryAdapter()).extensions) == {
        "stretch_skill",
        "stretch_metrics",
    }


def test_oversized_body_gets_413_before_anything_else(client) -> None:
    body = json.dumps(launch_request() | {"padding": "x" * (128 * 1024)})
    raw = client.post("/alexa", data=body)
    assert raw.status_code == 413
    assert "larger than 131072 bytes" in raw.get_json()["error"]


def test_a_body_just_under_the_limit_is_read(client) -> None:
    base = json.dumps(launch_request())
    body = base[:-1] + ', "padding": "' + "x" * (128 * 1024 - len(base) - 20) + '"}'
    assert len(body) < 128 * 1024
    assert client.post("/alexa", data=body).status_code == 200


def test_the_sdk_also_refuses_another_skills_id_when_one_is_configured() -> None:
    app = create_app(OFF | {"ALEXA_SKILL_IDS": SKILL_ID}, persistence=MemoryAdapter())
    other = launch_request(application_id="amzn1.ask.skill.99999999-0000-4000-8000-000000000000")
    raw = app.test_client().post("/alexa", data=json.dumps(other))
    assert raw.status_code == 400 and raw.get_json() == {"error": "request not for this skill"}


def test_an_unexpected_failure_at_the_edge_is_a_json_500(caplog) -> None:
    app = create_app(OFF, persistence=MemoryAdapter())

    def explode(**kwargs):
        raise RuntimeError("edge failure")

    app.extensions["stretch_skill"].invoke = explode
    raw = app.test_client().post("/alexa", data=json.dumps(launch_request()))
    assert raw.status_code == 500 and raw.get_json() == {"error": "internal error"}
    assert "edge failure" in caplog.text


def test_bad_settings_fail_start_up_naming_the_variable() -> None:
    from skill.config import ConfigError

    with pytest.raises(ConfigError, match="STORAGE_BACKEND"):
        create_app({"STORAGE_BACKEND": "postgres"})
    with pytest.raises(ConfigError, match="ALEXA_VERIFY_REQUESTS"):
        create_app({"ALEXA_VERIFY_REQUESTS": "maybe"})


def test_response_is_alexa_json(client) -> None:
    raw = client.post("/alexa", data=json.dumps(launch_request()))
    assert raw.mimetype == "application/json"
    body = raw.get_json()
    assert body["version"] == "1.0" and body["response"]["outputSpeech"]["type"] == "SSML"


def test_the_request_timestamp_is_parsed_without_dateutil(monkeypatch) -> None:
    import dateutil.parser

    app = create_app(OFF, persistence=MemoryAdapter())
    seen: list[object] = []
    skill = app.extensions["stretch_skill"]
    real_invoke = skill.invoke
    monkeypatch.setattr(
        skill, "invoke", lambda **kw: seen.append(kw["request_envelope"]) or real_invoke(**kw)
    )
    monkeypatch.setattr(dateutil.parser, "parse", lambda *a, **k: pytest.fail("dateutil parsed it"))
    envelope = launch_request(timestamp="2026-12-02T13:00:05Z")
    assert app.test_client().post("/alexa", data=json.dumps(envelope)).status_code == 200
    assert seen[0].request.timestamp == datetime(2026, 12, 2, 13, 0, 5, tzinfo=UTC)


def test_a_reply_that_is_not_standard_json_is_a_json_500_not_nan_on_the_wire(caplog) -> None:
    app = create_app(OFF, persistence=MemoryAdapter())
    skill = app.extensions["stretch_skill"]
    real_invoke = skill.invoke

    def with_nan(**kwargs):
        reply = real_invoke(**kwargs)
        reply.session_attributes = {"spent_s": float("nan")}
        return reply

    skill.invoke = with_nan
    raw = app.test_client().post("/alexa", data=json.dumps(launch_request()))
    assert raw.status_code == 500 and raw.get_json() == {"error": "internal error"}
    assert b"NaN" not in raw.data
