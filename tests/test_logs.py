"""Structured logs: one JSON object per line with a request id, and nothing she said or that
identifies her - checked by grepping what a conversation with symptoms wrote."""

from __future__ import annotations

import io
import json
import logging

import pytest

from skill import create_app
from skill.core import coach
from skill.storage import MemoryAdapter
from skill.web.logs import JsonFormatter
from tests.alexa_ca import IMPORTED_AT, SKILL_ID, AlexaTestCA, make_verifier
from tests.envelopes import intent_request, launch_request, session_ended_request, slot_value
from tests.hostile import SECRETS, SYMPTOM

NOW = IMPORTED_AT


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    skill_log = logging.getLogger("skill")
    level = skill_log.level
    yield stream
    root.removeHandler(handler)
    skill_log.setLevel(level)  # create_app set it


def test_a_conversation_with_symptoms_logs_json_with_request_ids_and_no_secret(captured, monkeypatch) -> None:
    ca = AlexaTestCA()
    app = create_app(
        {"ALEXA_SKILL_IDS": SKILL_ID, "STORAGE_BACKEND": "memory", "LOG_LEVEL": "DEBUG"},
        verifier=make_verifier(ca, clock=lambda: NOW),
        persistence=MemoryAdapter(),
    )
    client = app.test_client()

    def post(envelope: dict) -> int:
        body = json.dumps(envelope).encode()
        return client.post(
            "/alexa", data=body, headers=ca.sign(body), content_type="application/json"
        ).status_code

    symptom = {"symptom": slot_value("symptom", SYMPTOM, slot_type="SYMPTOM")}
    graded = {"symptom": slot_value("symptom", SYMPTOM, match_id="severe", slot_type="SYMPTOM")}
    assert post(launch_request(timestamp=NOW)) == 200
    assert post(intent_request("SymptomIntent", symptom, timestamp=NOW)) == 200
    assert post(intent_request("SymptomIntent", graded, timestamp=NOW)) == 200
    assert (
        post(intent_request("ExerciseIntent", {"exercise": slot_value("exercise", SYMPTOM)}, timestamp=NOW))
        == 200
    )
    # Alexa's own error text is kept (cleaned, cut) for the operator: it describes our response.
    error = {"type": "INVALID_RESPONSE", "message": "Invalid SSML Output Speech for requestId"}
    assert post(session_ended_request("ERROR", error=error, timestamp=NOW)) == 200
    assert post({**launch_request(timestamp=NOW), "padding": [SYMPTOM] * 3, "session": SYMPTOM}) == 400
    body = b"\xef\xbb\xbf" + json.dumps(intent_request("SymptomIntent", symptom, timestamp=NOW)).encode()
    assert client.post("/alexa", data=body, headers=ca.sign(body)).status_code == 400

    def fail(*args, **kwargs):
        raise ValueError(f"she said {SYMPTOM}")  # an exception quoting her words

    monkeypatch.setattr(coach, "step", fail)
    assert post(intent_request("SymptomIntent", symptom, timestamp=NOW)) == 200  # the apology

    lines = captured.getvalue().splitlines()
    assert lines, "nothing was logged"
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all(e["request_id"] != "-" and len(e["request_id"]) == 16 for e in entries)
    assert len({e["request_id"] for e in entries}) >= 3
    assert any(e.get("exc_type") == "ValueError" and e.get("exc_frames") for e in entries)
    text = captured.getvalue()
    for secret in (*SECRETS, "bleeding", "dizzy"):
        assert secret.lower() not in text.lower(), f"{secret!r} reached the log"
