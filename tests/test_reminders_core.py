"""Issue 12, pure: reminder data, the stored profile (v4, upgrade from v3) and the session
state (schema 4, upgrade from 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from skill.core import attributes
from skill.core import profile as prof
from skill.core.content import default
from skill.core.reminders import (
    Draft,
    Reminder,
    days_of,
    draft_of_token,
    parse_time,
    rules,
    spoken_days,
    spoken_time,
    token_for,
)
from skill.core.routine import Mode

CONTENT = default()
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_days_times_and_rules() -> None:
    assert days_of(["TH", "MO", "MO"]) == ("MO", "TH")
    assert days_of(["WEEKENDS", "WE"]) == ("WE", "SA", "SU")
    assert spoken_days(("MO", "WE", "FR")) == "Monday, Wednesday and Friday"
    assert spoken_days(days_of(["DAILY"])) == "every day"
    assert [parse_time(v) for v in ("19:00", "07:30", "EV", "25:00", "", None)] == [
        "19:00",
        "07:30",
        "19:00",
        None,
        None,
        None,
    ]
    assert [spoken_time(t) for t in ("19:00", "07:30", "12:00", "00:00")] == [
        "7 pm",
        "7:30 am",
        "noon",
        "midnight",
    ]
    assert rules(("MO", "TH"), "19:00") == [
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=19;BYMINUTE=0;BYSECOND=0",
        "FREQ=WEEKLY;BYDAY=TH;BYHOUR=19;BYMINUTE=0;BYSECOND=0",
    ]
    draft = Draft(("MO", "TH"), "18:00")
    assert draft_of_token(token_for(draft)) == draft
    assert (
        token_for(None) == "cancel"
        and draft_of_token("cancel") is None
        and draft_of_token("create:XX@99:99") is None
    )


V3_PROFILE = {
    "v": 3,
    "position": None,
    "settings": {"pace": "normal", "dose": "standard"},
    "routine": None,
    "completed": ["2026-11-20T09:12:00Z"],
    "disclaimer_heard": True,
    "check_in": False,
    "time_zone": "Europe/London",
    "last_seen": "2026-11-24T10:00:00Z",
}


def test_a_v3_profile_upgrades_to_no_reminder_never_offered() -> None:
    profile, problems = prof.from_document(V3_PROFILE, CONTENT)
    assert problems == [] and profile.reminder is None
    assert profile.reminder_offered is None and profile.reminder_declined is None
    assert profile.completed and profile.time_zone == "Europe/London"
    doc = prof.to_document(profile)
    assert doc["v"] == 4 and doc["reminder"] is None


def test_a_v4_profile_round_trips_its_reminder() -> None:
    profile = prof.Profile(
        reminder=Reminder(("MO", "FR"), "19:00", ("tok-a", "tok-b")),
        reminder_offered=NOW,
        reminder_declined=None,
    )
    back, problems = prof.from_document(prof.to_document(profile), CONTENT)
    assert back == profile and problems == []


@pytest.mark.parametrize(
    "bad",
    [
        {"days": ["XX"], "time": "19:00", "tokens": ["t"]},
        {"days": [], "time": "19:00", "tokens": ["t"]},
        {"days": ["MO"], "time": "7pm", "tokens": ["t"]},
        {"days": ["MO"], "time": "19:00", "tokens": []},
        {"days": ["MO"], "time": "19:00", "tokens": [1]},
        {"days": ["MO"], "time": "19:00", "tokens": ["x" * 600]},
        "nonsense",
    ],
)
def test_a_garbled_stored_reminder_is_dropped_not_fatal(bad) -> None:
    profile, problems = prof.from_document({**V3_PROFILE, "v": 4, "reminder": bad}, CONTENT)
    assert profile.reminder is None and any("reminder" in p for p in problems)


def test_the_offer_is_weekly_and_not_within_a_week_of_a_no() -> None:
    assert prof.reminder_offer_due(prof.Profile(), NOW)
    assert not prof.reminder_offer_due(prof.Profile(reminder_offered=NOW - timedelta(days=6)), NOW)
    assert prof.reminder_offer_due(prof.Profile(reminder_offered=NOW - timedelta(days=7)), NOW)
    assert not prof.reminder_offer_due(prof.Profile(reminder_declined=NOW - timedelta(days=6, hours=23)), NOW)
    assert not prof.reminder_offer_due(prof.Profile(reminder=Reminder(("MO",), "19:00", ("t",))), NOW)


def _v3_state(**extra: object) -> dict:
    return {
        "coach": {
            "v": 3,
            "mode": "idle",
            "back": None,
            "version": "standard",
            "offer": None,
            "order": list(CONTENT.routine("standard").stretches),
            "current": None,
            "done": [],
            "spent_s": 0.0,
            "pace": "normal",
            "dose": "standard",
            "topic": None,
            "about": None,
            "tipped": True,
            **extra,
        }
    }


def test_a_schema_3_session_state_upgrades_with_no_draft() -> None:
    state = attributes.from_attributes(_v3_state(), CONTENT)
    assert state is not None and state.draft is None and state.mode is Mode.IDLE
    assert attributes.to_attributes(state)["coach"]["v"] == 4


def test_a_draft_round_trips_and_belongs_to_the_reminder_modes_only() -> None:
    raw = _v3_state(v=4, mode="reminder_time", back="idle", draft={"days": ["TH", "MO"], "time": None})
    state = attributes.from_attributes(raw, CONTENT)
    assert state is not None and state.draft == Draft(("MO", "TH"), None)
    assert attributes.from_attributes(attributes.to_attributes(state), CONTENT) == state
    for bad in (
        _v3_state(v=4, mode="idle", draft={"days": ["MO"], "time": "19:00"}),
        _v3_state(v=4, mode="reminder", back="idle", draft={"days": ["MO"], "time": None}),
        _v3_state(v=4, mode="reminder", back="idle", draft={"days": ["XX"], "time": "19:00"}),
        _v3_state(v=4, mode="reminder", back="idle", draft=None),
    ):
        with pytest.raises(attributes.StateError):
            attributes.from_attributes(bad, CONTENT)
