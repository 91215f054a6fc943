"""Drive the skill through its HTTP endpoint the way Alexa would, turn after turn.

A Conversation carries session attributes from each response into the next request, starts
a new session after one ends, keeps a clock that moves forward, and resolves every slot
against the interaction model's own values the way Alexa's entity resolution does.
Every response passes the platform checks (tests.ssml_checks) before a test sees it.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.core.ssml import transcript
from tests.envelopes import USER_ID, intent_request, launch_request, resolved_slot, session_ended_request
from tests.ssml_checks import assert_alexa_ssml

MODELS = Path(__file__).resolve().parents[1] / "interaction_model"
MODEL = MODELS / "en-US.json"
MODEL_JSON = json.loads(MODEL.read_text(encoding="utf-8"))
LOCALE_MODELS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in MODELS.glob("*.json")}


def stored(storage: Any, user_id: str = USER_ID) -> dict[str, Any]:
    """What the storage holds for her, read the way the skill reads it."""
    env = DefaultSerializer().deserialize(json.dumps(launch_request(user_id=user_id)), RequestEnvelope)
    return storage.get_attributes(env)


def resolved(intent: str, slot: str, heard: str | None, locale: str = "en-US") -> dict[str, Any]:
    """The slot as Alexa sends it: resolved against the model's type for that intent's slot
    (the locale's own model; en-US's for a locale the skill has none for)."""
    return resolved_slot(LOCALE_MODELS.get(locale, MODEL_JSON), intent, slot, heard)


@dataclass
class Said:
    status: int
    body: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        return self.body.get("response") or {}

    @property
    def ssml(self) -> str:
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def speech(self) -> str:
        return transcript(self.ssml) if self.ssml else ""

    @property
    def reprompt(self) -> str:
        ssml = ((self.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")
        return transcript(ssml) if ssml else ""

    @property
    def ends_session(self) -> bool:
        return self.response.get("shouldEndSession") is True

    @property
    def state(self) -> dict[str, Any]:
        return (self.body.get("sessionAttributes") or {}).get("coach") or {}

    def says(self, *fragments: str) -> Said:
        for fragment in fragments:
            assert fragment.lower() in self.speech.lower(), f"expected {fragment!r} in: {self.speech}"
        return self

    def does_not_say(self, *fragments: str) -> Said:
        for fragment in fragments:
            assert fragment.lower() not in self.speech.lower(), (
                f"did not expect {fragment!r} in: {self.speech}"
            )
        return self

    def reprompts(self, fragment: str) -> Said:
        assert fragment.lower() in self.reprompt.lower(), (
            f"expected {fragment!r} in reprompt: {self.reprompt}"
        )
        return self


def check_response(said: Said, request_type: str) -> None:
    """The platform invariants, on every response of every conversation."""
    assert said.status == 200, said.body
    assert said.body.get("version") == "1.0"
    response = said.response
    if request_type in ("SessionEndedRequest",) or request_type.startswith("AlexaSkillEvent."):
        assert "outputSpeech" not in response and "reprompt" not in response, response
        return
    if any(d.get("type") == "Connections.SendRequest" for d in response.get("directives") or ()):
        # Alexa asks for a permission next (issue 12): no reprompt of ours, the session not ended
        assert "reprompt" not in response and response.get("shouldEndSession") is not True, response
        return
    assert said.ssml, f"no speech for {request_type}"
    assert_alexa_ssml(said.ssml)
    if not said.ends_session:
        assert said.reprompt, f"session left open without a reprompt: {said.speech}"
        assert_alexa_ssml(response["reprompt"]["outputSpeech"]["ssml"], reprompt=True)
        assert_ends_on_question(said)


_PAUSE = re.compile(r"\[[\d.]+ s\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Words too common to tell one question from another.
_FILLER = frozenset("the you your and with for from now would like say yes not are that this".split())


def last_sentence(text: str) -> str:
    sentences = [s for s in _SENTENCE_END.split(_PAUSE.sub(" ", text).strip()) if s]
    return sentences[-1] if sentences else ""


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z'-]+", text.lower()) if len(w) > 2 and w not in _FILLER}


def assert_ends_on_question(said: Said) -> None:
    """A reply that keeps the session open ends on its one question, so she knows it is her
    turn, and the reprompt asks that same question when she says nothing: it shares at least a
    third of the question's words (it may say it more fully, and add how to answer)."""
    question = last_sentence(said.speech)
    assert question.endswith("?"), (
        f"open session, but the reply does not end on a question: {said.speech[-300:]}"
    )
    asked = _words(question)
    shared = asked & _words(said.reprompt)
    assert len(shared) * 3 >= len(asked), (
        f"the reprompt does not ask the same question: {question!r} / reprompt {said.reprompt!r}"
    )


class Conversation:
    def __init__(
        self, client: Any, *, user_id: str = USER_ID, start: datetime | None = None, locale: str = "en-US"
    ) -> None:
        self.client = client
        self.user_id = user_id
        self.locale = locale  # request.locale of every request (issue 15)
        self.clock = start or datetime.now(UTC)
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self.history: list[tuple[str, Said]] = []

    # --- time and sessions -------------------------------------------------------------
    def wait(self, **delta: float) -> None:
        self.clock += timedelta(**delta)

    def new_session(self) -> None:
        self.session_id, self.attributes = None, {}

    # --- requests ----------------------------------------------------------------------
    def _session(self) -> dict[str, Any]:
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        return {
            "new_session": new,
            "session_id": self.session_id,
            "session_attributes": self.attributes,
            "user_id": self.user_id,
            "timestamp": self.clock,
            "locale": self.locale,
        }

    def post(self, body: dict[str, Any], label: str) -> Said:
        raw = self.client.post("/alexa", data=json.dumps(body), content_type="application/json")
        said = Said(raw.status_code, raw.get_json(silent=True) or {})
        check_response(said, body["request"]["type"])
        self.history.append((label, said))
        self.clock += timedelta(seconds=20)
        if body["request"]["type"] == "SessionEndedRequest" or said.ends_session:
            self.new_session()
        else:
            self.attributes = said.body.get("sessionAttributes") or {}
        return said

    def launch(self) -> Said:
        self.new_session()
        return self.post(launch_request(**self._session()), "LaunchRequest")

    def intent(self, name: str, **slots: str | None) -> Said:
        built = (
            {key: resolved(name, key, value, self.locale) for key, value in slots.items()} if slots else None
        )
        label = name + "".join(f" {k}={v}" for k, v in slots.items())
        return self.post(intent_request(name, built, **self._session()), label)

    def end(self, reason: str = "EXCEEDED_MAX_REPROMPTS") -> Said:
        if self.session_id is None:
            raise AssertionError("no open session to end")
        return self.post(session_ended_request(reason, **self._session()), f"SessionEndedRequest {reason}")

    def transcript(self) -> str:
        lines = []
        for label, said in self.history:
            lines.append(f"USER: {label}")
            if said.speech:
                lines.append(f"ALEXA: {said.speech}")
            if said.reprompt and not said.ends_session:
                lines.append(f"  (reprompt) {said.reprompt}")
            if said.ends_session:
                lines.append("  (session ends)")
        return "\n".join(lines)
