"""The coach's inputs and outputs: a Context in, an Outcome (new state, new profile, a Reply) out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from skill.core.content import Content
from skill.core.profile import Profile
from skill.core.routine import RoutineState
from skill.core.timeline import Silence, Timeline

Part = str | Timeline | Silence


@dataclass(frozen=True)
class Reply:
    """What she hears. A reply that keeps the session open ends in a question, and its
    reprompt asks that question again (Alexa listens ~8 s, reprompts, then closes)."""

    parts: tuple[Part, ...]
    reprompt: str | None = None
    end_session: bool = False


SILENT = Reply(parts=())


class Effect(StrEnum):
    """What the coach asks the Alexa layer to do (skill/alexa/reminders.py for the reminders).
    The API effects are carried out and their result handed back to the coach
    (coach.reminder_created, coach.reminders_deleted), which decides what she hears."""

    DELETE_DATA = "delete_data"  # forget everything stored about her
    CREATE_REMINDER = "create_reminder"  # outcome.state.draft; then delete outcome.profile.reminder's tokens
    DELETE_REMINDERS = "delete_reminders"  # every token of outcome.profile.reminder
    ASK_PERMISSION = "ask_permission"  # Connections.SendRequest AskFor the reminders scope
    PERMISSION_CARD = "permission_card"  # an AskForPermissionsConsent card in the Alexa app


@dataclass(frozen=True)
class Context:
    state: RoutineState
    profile: Profile
    now: datetime
    content: Content

    def say(self, key: str, **params: object) -> str:
        return self.content.say(key, **params)

    def name(self, exercise_id: str | None) -> str:
        """The bare name, for labels and lists ("Stretch 5 of 5: chest opener.")."""
        return self.content.exercise(exercise_id).name if exercise_id else ""

    def in_sentence(self, exercise_id: str | None) -> str:
        """The name inside a running sentence ("Would you like to do the chest opener now?").
        Every template that puts a name in a sentence takes this one; tests/test_name_forms.py
        lists which form each template gets."""
        return self.content.exercise(exercise_id).in_sentence if exercise_id else ""

    def order_of(self, version: str) -> tuple[str, ...]:
        """A routine version's stretches, in the content's order."""
        return self.content.routine(version).stretches


@dataclass(frozen=True)
class Outcome:
    state: RoutineState
    profile: Profile
    reply: Reply
    effects: frozenset[Effect] = frozenset()


def spoken_list(items: list[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])}, {conjunction} {items[-1]}"


def minutes_phrase(seconds: float) -> str:
    minutes = max(1, math.floor(seconds / 60 + 0.5))
    return "about one minute" if minutes == 1 else f"about {minutes} minutes"
