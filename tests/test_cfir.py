"""CanFulfillIntentRequest (issue 15): a static YES/NO, with no side effects at all.

Alexa asks "could you answer this?" of many skills before it picks one, often with no
session and no user id; the answer must not read or write her data, call Alexa's APIs, or
count as use. The IntentRequest that follows a YES answers the question first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skill import create_app
from skill.alexa.envelopes import USER_ID, envelope, resolved_slot
from skill.core.content import default
from skill.lambda_function import make_handler
from skill.storage import MemoryAdapter
from tests.conversation import MODEL_JSON, Conversation

CONTENT = default()
OTHER_USER = "amzn1.ask.account.AEXAMPLEOTHERUSERFORCFIRTESTS000000000000000000000"


def cfir(
    intent: str,
    slots: dict[str, str] | None = None,
    *,
    locale: str = "en-US",
    user: bool = False,
    session: bool = False,
    user_id: str = USER_ID,
) -> dict[str, Any]:
    """A CanFulfillIntentRequest as Alexa sends it; by default with no session and no user id."""
    built = {name: resolved_slot(MODEL_JSON, intent, name, heard) for name, heard in (slots or {}).items()}
    request = {"type": "CanFulfillIntentRequest", "intent": {"name": intent, "slots": built}}
    body = envelope(request, locale=locale, with_session=session, user_id=user_id)
    if not user:
        del body["context"]["System"]["user"]
    return body


YES = [
    ("FrequencyIntent", {}),
    ("StartRoutineIntent", {}),
    ("StartRoutineIntent", {"version": "quick"}),
    ("ExerciseIntent", {"exercise": "wall angels"}),
    ("ExerciseIntent", {"exercise": "child's pose"}),
]
NO = [
    ("SymptomIntent", {"symptom": "bleeding"}),
    ("SymptomIntent", {"symptom": "dizzy"}),
    ("SymptomIntent", {}),
    ("TrimesterIntent", {}),
    ("WarningSignsIntent", {}),
    ("DescribeExerciseIntent", {"exercise": "wall angels"}),
    ("ExerciseIntent", {"exercise": "headstand"}),
    ("ExerciseIntent", {}),
    ("StartRoutineIntent", {"version": "marathon"}),
    ("DeleteDataIntent", {}),
    ("AMAZON.HelpIntent", {}),
    ("AMAZON.StopIntent", {}),
]


def _answer(client, body: dict[str, Any]) -> dict[str, Any]:
    raw = client.post("/alexa", data=json.dumps(body), content_type="application/json")
    assert raw.status_code == 200, raw.get_json()
    reply = raw.get_json()
    response = reply["response"]
    # Nothing but the verdict: no speech, reprompt, card, directives or session attributes.
    assert set(response) == {"canFulfillIntent"}, response
    assert "sessionAttributes" not in reply or not reply["sessionAttributes"]
    return response["canFulfillIntent"]


@pytest.mark.parametrize(("intent", "slots"), YES, ids=lambda v: str(v))
def test_yes_for_the_frequency_question_the_routine_and_a_known_stretch(
    client, intent: str, slots: dict
) -> None:
    verdict = _answer(client, cfir(intent, slots))
    assert verdict["canFulfill"] == "YES"
    for name in slots:
        assert verdict["slots"][name] == {"canUnderstand": "YES", "canFulfill": "YES"}


@pytest.mark.parametrize(("intent", "slots"), NO, ids=lambda v: str(v))
def test_no_for_anything_else_above_all_symptoms(client, intent: str, slots: dict) -> None:
    assert _answer(client, cfir(intent, slots)) == {"canFulfill": "NO"}


def test_an_intent_the_model_does_not_have_is_no(client) -> None:
    body = envelope(
        {"type": "CanFulfillIntentRequest", "intent": {"name": "DiagnoseIntent", "slots": {}}},
        with_session=False,
    )
    assert _answer(client, body) == {"canFulfill": "NO"}


@pytest.mark.parametrize("locale", ["en-GB", "en-CA", "en-AU", "en-IN", "de-DE"])
def test_other_locales_are_no_name_free_is_en_us_only(client, locale: str) -> None:
    assert _answer(client, cfir("FrequencyIntent", locale=locale)) == {"canFulfill": "NO"}


def test_with_a_session_and_a_user_it_answers_the_same(client) -> None:
    assert _answer(client, cfir("FrequencyIntent", user=True, session=True))["canFulfill"] == "YES"


# --- no side effects -----------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_storage_is_untouched_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "db"
    app = create_app(
        {
            "ALEXA_VERIFY_REQUESTS": "off",
            "STORAGE_BACKEND": "sqlite",
            "SQLITE_PATH": str(folder / "s.sqlite3"),
        }
    )
    client = app.test_client()
    # Someone has used the skill, so the database exists and holds a row.
    talk = Conversation(client, user_id=OTHER_USER)
    talk.launch()
    talk.intent("StartRoutineIntent")
    talk.intent("AMAZON.StopIntent")
    before = _files(folder)
    assert any(name.endswith(".sqlite3") for name in before)

    def no_api_call(*args: object, **kwargs: object) -> None:
        raise AssertionError("CanFulfillIntentRequest must not call Alexa's APIs")

    monkeypatch.setattr("skill.alexa.interceptors.device_time_zone", no_api_call)
    for intent, slots in [*YES, *NO]:
        for user, session in ((False, False), (True, True)):
            _answer(client, cfir(intent, slots, user=user, session=session))
    # The same user's own row too: asking about her never saves anything for her.
    _answer(client, cfir("FrequencyIntent", user=True, session=True, user_id=OTHER_USER))
    assert _files(folder) == before


class SpyAdapter(MemoryAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        self.calls.append("get")
        return super().get_attributes(request_envelope)

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self.calls.append("save")
        super().save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: Any) -> None:
        self.calls.append("delete")
        super().delete_attributes(request_envelope)


def test_no_storage_call_and_no_use_counted() -> None:
    spy = SpyAdapter()
    app = create_app({"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}, persistence=spy)
    client = app.test_client()
    for intent, slots in [*YES, *NO]:
        _answer(client, cfir(intent, slots))
    assert spy.calls == []
    metrics = client.get("/metrics").get_data(as_text=True)
    # Counted as a CanFulfillIntentRequest, never as the intent it asked about.
    assert 'alexa_requests_total{intent="",type="CanFulfillIntentRequest"} 17.0' in metrics
    assert 'intent="FrequencyIntent"' not in metrics
    assert "skill_safety_replies_total 0.0" in metrics


def test_on_lambda_too_without_session_or_user() -> None:
    spy = SpyAdapter()
    handler = make_handler({"STORAGE_BACKEND": "memory"}, persistence=spy)
    reply = handler(cfir("ExerciseIntent", {"exercise": "wall angels"}), None)
    assert reply["response"]["canFulfillIntent"]["canFulfill"] == "YES"
    assert handler(cfir("SymptomIntent", {"symptom": "bleeding"}), None)["response"] == {
        "canFulfillIntent": {"canFulfill": "NO"}
    }
    assert spy.calls == []


# --- what follows a YES: the answer first, then the routine offered -------------------------------


def test_the_intent_that_follows_answers_first_then_offers_the_routine(client) -> None:
    _answer(client, cfir("FrequencyIntent"))
    talk = Conversation(client)
    talk.new_session()
    said = talk.intent("FrequencyIntent")  # a new session opened by the question itself
    speech = said.speech
    note = speech.find("general information, not medical advice")
    answer = speech.find("three to four times a week")
    # The offer is the coach's one question for this reply: the routine, or (issue 12) a
    # weekly reminder when she has none. Either way it comes after the answer.
    offer = speech.rfind("Would you like")
    assert 0 <= note < answer < offer, speech  # a new user hears the one-sentence note first
    assert speech.endswith("?") and not said.ends_session
    # The routine is one sentence away.
    talk.intent("StartRoutineIntent").says("Stretch 1 of")
    # Next time, no note: the answer comes first.
    talk.new_session()
    again = talk.intent("FrequencyIntent")
    again.does_not_say("not medical advice")
    assert again.speech.index("three to four times a week") < again.speech.rindex("Would you like")


@pytest.fixture
def app():
    return create_app(
        {"ALEXA_VERIFY_REQUESTS": "off", "STORAGE_BACKEND": "memory"}, persistence=MemoryAdapter()
    )
