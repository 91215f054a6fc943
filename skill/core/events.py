"""What she did, in the coach's own words: the Alexa layer turns each request into one Event.

The coach never sees an intent name. skill.alexa.handlers maps AMAZON.NextIntent to
Event(Kind.NEXT), SymptomIntent with symptom=pain to Event(Kind.SYMPTOM, "pain"), and so on;
the coach's transition table is keyed on Kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    START = "start"  # start the routine; arg = a routine version id ("the seated version") or None
    NEXT = "next"
    SKIP = "skip"
    PREVIOUS = "previous"
    REPEAT = "repeat"
    START_OVER = "start_over"
    CONTINUE = "continue"  # resume, I'm ready, go on
    YES = "yes"
    NO = "no"
    WAIT = "wait"  # wait, hold on, give me a minute, pause
    STOP = "stop"  # stop, cancel, home
    EXERCISE = "exercise"  # do <exercise>; arg = exercise id, or None if unrecognised
    DESCRIBE = "describe"  # what is <exercise>; arg = exercise id or None
    ASK = "ask"  # a question; arg = a topic from skill.core.routine.TOPICS
    ADJUST = "adjust"  # arg = slower | faster | shorter | longer
    SYMPTOM = "symptom"  # arg = a tier from SYMPTOM_TIERS, or None if unrecognised
    FLOOR = "floor"  # "the floor is hard", "I can't kneel": offer the version without the floor
    DELETE_DATA = "delete_data"
    REMIND = "remind"  # "remind me to stretch", "remind me on Mondays at 7 pm": days, at
    CHANGE_REMINDER = "change_reminder"  # "change my reminder" (days, at if she said them)
    CANCEL_REMINDERS = "cancel_reminders"  # "cancel my reminders", "stop reminding me"
    PERMISSION = "permission"  # her answer to Alexa's permission question: arg = PERMISSION_ANSWERS
    FALLBACK = "fallback"  # anything we did not understand


# How a symptom is graded (the SYMPTOM slot type's ids in the interaction model).
SYMPTOM_TIERS = ("discomfort", "unclear", "pain", "dizzy", "warning")
# Connections.Response to the AskFor permission request, in lower case.
PERMISSION_ANSWERS = ("accepted", "denied", "not_answered")


@dataclass(frozen=True)
class Event:
    """`days` (BYDAY codes, week order) and `at` ("HH:MM") are what she said of a reminder
    (REMIND, CHANGE_REMINDER), or what a PERMISSION answer was asked for: a reminder to set;
    none of them: reminders to cancel."""

    kind: Kind
    arg: str | None = None
    days: tuple[str, ...] = ()
    at: str | None = None

    def __str__(self) -> str:
        return self.kind.value if self.arg is None else f"{self.kind.value}({self.arg})"
