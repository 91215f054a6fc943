"""Intent -> Event: the only place that knows Alexa's intent names.

Grouped by conversation area. An intent missing from this table (one a newer or older
interaction model sends) becomes Event(FALLBACK), so a rollout in either order is safe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot
from ask_sdk_model import ListSlotValue, SimpleSlotValue, Slot
from ask_sdk_model.slu.entityresolution import Resolutions, StatusCode

from skill.alexa.slots import resolved_id
from skill.core.content import Content
from skill.core.events import SYMPTOM_TIERS, Event, Kind
from skill.core.reminders import days_of, parse_time

Translate = Callable[[HandlerInput, Content], Event]


def _plain(kind: Kind, arg: str | None = None) -> Translate:
    return lambda handler_input, content: Event(kind, arg)


def _exercise(kind: Kind) -> Translate:
    def translate(handler_input: HandlerInput, content: Content) -> Event:
        def by_name(heard: str) -> str | None:
            match = content.lookup(heard)
            return match.id if match is not None else None

        exercise_id = resolved_id(handler_input, "exercise", by_name)
        return Event(kind, exercise_id if exercise_id in content.ids else None)

    return translate


def _start(handler_input: HandlerInput, content: Content) -> Event:
    """StartRoutineIntent, with the optional `version` slot (ROUTINE_VERSION): which routine."""

    def by_name(heard: str) -> str | None:
        match = content.lookup_routine(heard)
        return match.id if match is not None else None

    version = resolved_id(handler_input, "version", by_name)
    known = {r.id for r in content.routines}
    return Event(Kind.START, version if version in known else None)


def _symptom(handler_input: HandlerInput, content: Content) -> Event:
    tier = resolved_id(handler_input, "symptom")
    return Event(Kind.SYMPTOM, tier if tier in SYMPTOM_TIERS else None)


def _matched_id(resolutions: Resolutions | None) -> str | None:
    for authority in (resolutions.resolutions_per_authority or []) if resolutions else []:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            value = authority.values[0].value
            return value.id if value is not None else None
    return None


def day_ids(slot: Slot | None) -> list[str]:
    """The DAY slot's ids. It is a multiple-value slot ("Mondays, Wednesdays and Fridays"):
    Alexa sends slotValue {"type": "List", "values": [{"type": "Simple", "value", "resolutions"}]}
    (https://developer.amazon.com/en-US/docs/alexa/custom-skills/collect-multiple-values-in-a-slot.html);
    a single day may come as a Simple slotValue, or, from older tools, as value + resolutions."""
    if slot is None:
        return []
    found = slot.slot_value
    if isinstance(found, ListSlotValue):
        simple = [v for v in found.values or [] if isinstance(v, SimpleSlotValue)]
        return [i for i in (_matched_id(v.resolutions) for v in simple) if i]
    if isinstance(found, SimpleSlotValue):
        one = _matched_id(found.resolutions)
        return [one] if one else []
    one = _matched_id(slot.resolutions) if slot.value else None
    return [one] if one else []


def _reminder(kind: Kind) -> Translate:
    """SetReminderIntent / ChangeReminderIntent: the days (DAY, several) and time (AMAZON.TIME)
    she named, if any; the coach asks for what is missing."""

    def translate(handler_input: HandlerInput, content: Content) -> Event:
        try:
            days_slot, time_slot = get_slot(handler_input, "days"), get_slot(handler_input, "time")
        except TypeError:  # not an IntentRequest
            return Event(kind)
        at = parse_time(time_slot.value if time_slot is not None else None)
        return Event(kind, days=days_of(day_ids(days_slot)), at=at)

    return translate


INTENT_EVENTS: Mapping[str, Translate] = {
    # Safety
    "SymptomIntent": _symptom,
    # Moving through the routine
    "StartRoutineIntent": _start,
    "NoFloorIntent": _plain(Kind.FLOOR),
    "AMAZON.NextIntent": _plain(Kind.NEXT),
    "SkipIntent": _plain(Kind.SKIP),
    "AMAZON.PreviousIntent": _plain(Kind.PREVIOUS),
    "AMAZON.RepeatIntent": _plain(Kind.REPEAT),
    "AMAZON.StartOverIntent": _plain(Kind.START_OVER),
    "AMAZON.ResumeIntent": _plain(Kind.CONTINUE),
    "AMAZON.PauseIntent": _plain(Kind.WAIT),
    "AMAZON.YesIntent": _plain(Kind.YES),
    "AMAZON.NoIntent": _plain(Kind.NO),
    "AMAZON.StopIntent": _plain(Kind.STOP),
    "AMAZON.CancelIntent": _plain(Kind.STOP),
    "AMAZON.NavigateHomeIntent": _plain(Kind.STOP),
    "ExerciseIntent": _exercise(Kind.EXERCISE),
    "DescribeExerciseIntent": _exercise(Kind.DESCRIBE),
    # Settings
    "SlowerIntent": _plain(Kind.ADJUST, "slower"),
    "FasterIntent": _plain(Kind.ADJUST, "faster"),
    "ShorterIntent": _plain(Kind.ADJUST, "shorter"),
    "LongerIntent": _plain(Kind.ADJUST, "longer"),
    # Questions
    "FrequencyIntent": _plain(Kind.ASK, "frequency"),
    "TrimesterIntent": _plain(Kind.ASK, "trimester"),
    "WarningSignsIntent": _plain(Kind.ASK, "warning_signs"),
    "ListExercisesIntent": _plain(Kind.ASK, "list"),
    "ProgressIntent": _plain(Kind.ASK, "progress"),
    "AMAZON.HelpIntent": _plain(Kind.ASK, "help"),
    # Reminders (issue 12)
    "SetReminderIntent": _reminder(Kind.REMIND),
    "ChangeReminderIntent": _reminder(Kind.CHANGE_REMINDER),
    "CancelRemindersIntent": _plain(Kind.CANCEL_REMINDERS),
    # Her data, and what we did not understand
    "DeleteDataIntent": _plain(Kind.DELETE_DATA),
    "AMAZON.FallbackIntent": _plain(Kind.FALLBACK),
}
