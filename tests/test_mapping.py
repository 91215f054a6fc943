"""skill.alexa.mapping: a parsed envelope -> ask-sdk-model objects, as the SDK itself maps it.

The skill's ModelSerializer remembers the SDK's model-class lookups; whatever Alexa sends,
what comes out must be exactly what the SDK's own DefaultSerializer.deserialize makes of the
same JSON text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill import create_app
from skill.alexa.mapping import ModelSerializer, iso_stamp, parsed_deserializer
from skill.storage import MemoryAdapter
from tests.envelopes import (
    envelope,
    intent_request,
    launch_request,
    session_ended_request,
    skill_disabled_event,
    skill_permission_event,
    slot_value,
)

SHOW_8 = {
    "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False, "canResize": False}],
    "mode": "HUB",
    "shape": "RECTANGLE",
    "pixelWidth": 1280,
    "pixelHeight": 800,
    "dpi": 213,
    "currentPixelWidth": 1280,
    "currentPixelHeight": 800,
    "touch": ["SINGLE"],
    "keyboard": [],
    "video": {"codecs": ["H_264_42", "H_264_41"]},
}
APL = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}


def _request(kind: str, locale: str = "en-US", **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "requestId": f"amzn1.echo-api.request.{kind}",
        "timestamp": "2026-11-02T18:01:00Z",
        "locale": locale,
        **fields,
    }


def _apl_user_event() -> dict[str, Any]:
    touch = _request(
        "Alexa.Presentation.APL.UserEvent",
        "en-GB",
        token="stretch",
        arguments=["next"],
        source={"type": "TouchWrapper", "handler": "Press", "id": "next"},
    )
    return envelope(touch, new_session=False, supported_interfaces=APL, viewport=SHOW_8)


def _connections_response() -> dict[str, Any]:
    answer = _request(
        "Connections.Response",
        name="AskFor",
        status={"code": "200", "message": "OK"},
        token="",
        payload={"permissionScope": "alexa::alerts:reminders:skill:readwrite", "status": "ACCEPTED"},
    )
    return envelope(answer, new_session=False)


def _can_fulfill() -> dict[str, Any]:
    question = _request("CanFulfillIntentRequest", intent={"name": "StartRoutineIntent", "slots": {}})
    return envelope(question, with_session=False)


ENVELOPES = {
    "launch": launch_request,
    "launch on an Echo Show": lambda: launch_request(supported_interfaces=APL, viewport=SHOW_8),
    "intent with a resolved slot": lambda: intent_request(
        "DoExerciseIntent",
        {"exercise": slot_value("exercise", "child's pose", match_id="childs_pose")},
        session_attributes={"coach": {"v": 4, "mode": "routine", "done": ["cat_cow"], "spent_s": 61.5}},
        new_session=False,
    ),
    "intent with an unmatched slot": lambda: intent_request(
        "DoExerciseIntent", {"exercise": slot_value("exercise", "jumping jacks", resolved=False)}
    ),
    "session ended": lambda: session_ended_request("USER_INITIATED"),
    "APL touch": _apl_user_event,
    "permission answered": _connections_response,
    "can you fulfill": _can_fulfill,
    "skill disabled": skill_disabled_event,
    "permission changed": lambda: skill_permission_event(()),
    "a zone-less timestamp": lambda: launch_request(timestamp="2026-11-02T18:01:00"),
    "a timestamp the SDK must parse": lambda: launch_request(timestamp="Mon, 02 Nov 2026 18:01:00 +0000"),
}


@pytest.mark.parametrize("name", list(ENVELOPES))
def test_the_mapping_equals_the_sdk_s_own(name: str) -> None:
    data = ENVELOPES[name]()
    sdk = DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)
    stamp = sdk.request.timestamp
    if stamp is not None and stamp.tzinfo is None:  # deliberate: a zone-less stamp is UTC, not local
        sdk.request.timestamp = stamp.replace(tzinfo=UTC)
    mapped = parsed_deserializer(ModelSerializer())(json.loads(json.dumps(data)))
    assert mapped == sdk
    # Twice from one serializer: a remembered lookup maps the same way as a fresh one.
    serializer = ModelSerializer()
    to_envelope = parsed_deserializer(serializer)
    assert to_envelope(json.loads(json.dumps(data))) == to_envelope(json.loads(json.dumps(data))) == sdk


def test_the_timestamp_is_read_by_the_standard_library_when_it_is_iso_8601() -> None:
    stamp = parsed_deserializer(ModelSerializer())(launch_request(timestamp="2026-11-02T18:01:00Z"))
    assert stamp.request.timestamp == datetime(2026, 11, 2, 18, 1, tzinfo=UTC)
    assert iso_stamp("2026-11-02T18:01:00") == datetime(2026, 11, 2, 18, 1, tzinfo=UTC)  # read as UTC
    assert iso_stamp("yesterday") is None and iso_stamp(5) is None


def test_each_model_class_is_looked_up_once_per_serializer(monkeypatch: pytest.MonkeyPatch) -> None:
    # The override only pays if the SDK still calls it: if a release renames the private
    # lookup, the remembered classes stay empty here and this fails.
    looked_up: list[str] = []
    sdk_lookup = DefaultSerializer._DefaultSerializer__load_class_from_name  # type: ignore[attr-defined]

    def counting(self: DefaultSerializer, class_name: str) -> Any:
        looked_up.append(class_name)
        return sdk_lookup(self, class_name)

    monkeypatch.setattr(DefaultSerializer, "_DefaultSerializer__load_class_from_name", counting)
    to_envelope = parsed_deserializer(ModelSerializer())
    data = launch_request(supported_interfaces=APL, viewport=SHOW_8)
    to_envelope(json.loads(json.dumps(data)))
    first = len(looked_up)
    assert first >= 10 and len(set(looked_up)) == first  # each name once, none again
    for _ in range(3):
        to_envelope(json.loads(json.dumps(data)))
    assert len(looked_up) == first


def test_the_service_maps_every_request_with_the_skill_s_model_serializer() -> None:
    # The edge maps with skill.serializer, and the SDK hands the same object to its service
    # clients (the reminders API): remembered lookups show it was the one used.
    app = create_app(
        {"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}, persistence=MemoryAdapter()
    )
    serializer = app.extensions["stretch_skill"].serializer
    assert type(serializer) is ModelSerializer and not serializer._classes
    reply = app.test_client().post("/alexa", data=json.dumps(launch_request()))
    assert reply.status_code == 200 and reply.get_json()["response"]["outputSpeech"]["ssml"].startswith(
        "<speak>"
    )
    assert (
        "ask_sdk_model.context.Context" in serializer._classes
    )  # RequestEnvelope itself is passed as a class
