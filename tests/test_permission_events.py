"""AlexaSkillEvent.SkillPermissionChanged and SkillPermissionAccepted through POST /alexa.

When she takes the reminders permission back in the Alexa app, Alexa deletes the skill's
reminders itself and tells us with SkillPermissionChanged, its acceptedPermissions without
the reminders scope: her stored reminder is forgotten (nothing else of hers), so the coach
never tells her of it again nor uses its dead tokens. Every other permission event changes
nothing stored. These events come without a session and never speak.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from skill import create_app
from skill.config import Config
from skill.storage import MemoryAdapter, build_persistence
from skill.storage.base import StorageAdapter
from tests.conversation import Conversation, Said, check_response, stored
from tests.envelopes import USER_ID, skill_permission_event
from tests.fake_alexa_api import FakeAlexaApi, alexa_api_fixture  # noqa: F401  (the alexa_api fixture)
from tests.test_reminders import REMINDERS, SCOPE, created_body, fake, set_reminder, talk  # noqa: F401  (the fixtures: the fake API, a conversation on it)

OTHER_SCOPE = "alexa::profile:given_name:read"  # a scope the skill never asks for


class SavesCounted(MemoryAdapter):
    """Memory storage that counts writes: "nothing stored changes" means none happened."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self.writes += 1
        super().save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: Any) -> None:
        self.writes += 1
        super().delete_attributes(request_envelope)


@pytest.fixture
def storage() -> SavesCounted:
    return SavesCounted()


def send(client: Any, body: dict[str, Any]) -> Said:
    """Post one skill event the way Alexa does: no session, and nothing may be said back."""
    raw = client.post("/alexa", data=json.dumps(body), content_type="application/json")
    said = Said(raw.status_code, raw.get_json(silent=True) or {})
    check_response(said, body["request"]["type"])
    assert said.response.get("outputSpeech") is None and said.response.get("reprompt") is None
    assert not said.response.get("directives") and not said.response.get("card")
    assert "sessionAttributes" not in said.body or not said.body["sessionAttributes"]
    return said


def finished_routine_with_a_reminder_and_a_place(talk: Conversation, fake: FakeAlexaApi) -> None:
    """Through the real conversation: a slower pace, a finished routine, the reminder offered
    after it set, then a second routine stopped at its second stretch (her place)."""
    talk.launch()
    talk.intent("AMAZON.YesIntent")  # "ready?" on first use
    talk.intent("SlowerIntent")
    for _ in range(4):
        talk.intent("AMAZON.NextIntent")
    talk.intent("AMAZON.NextIntent").says("Would you like a reminder")
    fake.answer(REMINDERS, created_body("token-1"), method="POST")
    talk.intent("AMAZON.YesIntent").says("Done. I'll remind you on Monday, Wednesday and Friday at 7 pm")
    talk.wait(hours=1)
    talk.launch()  # already done today: "again?"
    talk.intent("AMAZON.YesIntent")
    talk.intent("AMAZON.NextIntent")
    talk.intent("AMAZON.StopIntent")


# --- she took the reminders permission back ----------------------------------------------------


def test_revoked_reminders_permission_forgets_her_reminder_and_nothing_else(
    client, talk: Conversation, fake: FakeAlexaApi, storage: SavesCounted, caplog: pytest.LogCaptureFixture
) -> None:
    finished_routine_with_a_reminder_and_a_place(talk, fake)
    before = stored(storage)
    assert before["reminder"] == {"days": ["MO", "WE", "FR"], "time": "19:00", "tokens": ["token-1"]}
    assert before["completed"] and before["position"] is not None
    assert before["settings"]["pace"] == "slower" and before["disclaimer_heard"] is True
    calls_before = len(fake.calls)
    caplog.set_level(logging.INFO, logger="skill")

    talk.wait(hours=2)
    send(client, skill_permission_event((), timestamp=talk.clock))

    assert stored(storage) == {**before, "reminder": None}  # her dates, place and settings kept
    assert len(fake.calls) == calls_before  # Alexa deleted the reminders itself: no API call
    lines = [r.getMessage() for r in caplog.records if "reminders permission taken back" in r.getMessage()]
    assert len(lines) == 1 and "stored reminder forgotten" in lines[0]
    assert USER_ID not in caplog.text

    # Later she opens the skill (her place is offered back) and asks to cancel: she hears she
    # has none, and no token is used.
    said = talk.launch().says("child's pose").does_not_say("Monday", "7 pm")
    assert said.state["mode"] == "resume"
    talk.intent("CancelRemindersIntent").says("You don't have any reminders from me").does_not_say(
        "I've cancelled", "couldn't cancel", "Monday"
    )
    assert not fake.calls_to(f"{REMINDERS}/token-1")
    assert stored(storage)["reminder"] is None
    print("\n" + talk.transcript())


def test_a_change_keeping_only_another_scope_forgets_the_reminder(
    client, talk: Conversation, fake: FakeAlexaApi, storage: SavesCounted
) -> None:
    set_reminder(talk, fake)
    before = stored(storage)
    send(client, skill_permission_event((OTHER_SCOPE,), timestamp=talk.clock))
    assert stored(storage) == {**before, "reminder": None}


# --- nothing stored changes ---------------------------------------------------------------------


@pytest.mark.parametrize("scopes", [(SCOPE,), (OTHER_SCOPE, SCOPE)], ids=["reminders", "reminders+other"])
def test_a_change_that_keeps_the_reminders_scope_keeps_her_reminder(
    client, talk: Conversation, fake: FakeAlexaApi, storage: SavesCounted, scopes: tuple[str, ...]
) -> None:
    set_reminder(talk, fake)
    before, writes = stored(storage), storage.writes
    send(client, skill_permission_event(scopes, timestamp=talk.clock))
    assert stored(storage) == before and before["reminder"]["tokens"] == ["token-1"]
    assert storage.writes == writes


@pytest.mark.parametrize("scopes", [(SCOPE,), (OTHER_SCOPE,)], ids=["reminders", "other"])
def test_permission_accepted_changes_nothing_stored(
    client, talk: Conversation, fake: FakeAlexaApi, storage: SavesCounted, scopes: tuple[str, ...]
) -> None:
    """Accepting takes nothing away, whatever the list says."""
    set_reminder(talk, fake)
    before, writes = stored(storage), storage.writes
    said = send(client, skill_permission_event(scopes, accepted=True, timestamp=talk.clock))
    assert said.body["version"] == "1.0"
    assert stored(storage) == before and storage.writes == writes


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"acceptedPermissions": None},
        {"acceptedPermissions": [{"scope": None}]},
        {"userInformation": {"consentToken": None}},
    ],
    ids=["empty-body", "null-list", "no-scope", "other-body"],
)
def test_a_change_without_a_readable_list_keeps_her_reminder(
    client, talk: Conversation, fake: FakeAlexaApi, storage: SavesCounted, body: dict[str, Any]
) -> None:
    """Nobody can tell what she took back: forgetting a reminder Alexa still holds would
    leave her one she could not cancel by voice, so it stays."""
    set_reminder(talk, fake)
    before, writes = stored(storage), storage.writes
    event = skill_permission_event((), timestamp=talk.clock)
    event["request"]["body"] = body
    send(client, event)
    assert stored(storage) == before and storage.writes == writes


# --- someone the skill has never seen --------------------------------------------------------------


def test_a_change_for_someone_never_seen_stores_nothing(client, storage: SavesCounted) -> None:
    send(client, skill_permission_event(()))
    send(client, skill_permission_event((SCOPE,), accepted=True))
    assert stored(storage) == {} and storage.count_users() == 0 and storage.writes == 0


def test_a_change_for_someone_never_seen_adds_no_sqlite_row(tmp_path: Path) -> None:
    persistence: StorageAdapter = build_persistence(
        Config.from_mapping({"SQLITE_PATH": str(tmp_path / "s.db")})
    )
    client = create_app({"ALEXA_VERIFY_REQUESTS": "off"}, persistence=persistence).test_client()
    Conversation(client, user_id=USER_ID.replace("AEXAMPLE", "AOTHERXX")).launch()  # someone else's row
    assert persistence.count_users() == 1
    send(client, skill_permission_event(()))
    assert stored(persistence) == {} and persistence.count_users() == 1
