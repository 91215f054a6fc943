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
    FALLBACK = "fallback"  # anything we did not understand


# How a symptom is graded (the SYMPTOM slot type's ids in the interaction model).
SYMPTOM_TIERS = ("discomfort", "unclear", "pain", "dizzy", "warning")
ADJUSTMENTS = ("slower", "faster", "shorter", "longer")


@dataclass(frozen=True)
class Event:
    kind: Kind
    arg: str | None = None

    def __str__(self) -> str:
        return self.kind.value if self.arg is None else f"{self.kind.value}({self.arg})"
