"""The conversation's decisions, as a pure state machine.

The Alexa layer turns each request into an Event (skill.core.events) and calls
step(Context, Event) -> Outcome; launch and session end have their own entry points.
table.py holds the transition table; questions.py the one question each mode ends on.
"""

from skill.core.coach.reminders import created as reminder_created
from skill.core.coach.reminders import deleted as reminders_deleted
from skill.core.coach.reply import SILENT, Context, Effect, Outcome, Reply
from skill.core.coach.session import error, launch, new_session_state, recover, session_ended
from skill.core.coach.table import ANY_MODE, TABLE, action_for, step

__all__ = [
    "ANY_MODE",
    "SILENT",
    "TABLE",
    "Context",
    "Effect",
    "Outcome",
    "Reply",
    "action_for",
    "error",
    "launch",
    "new_session_state",
    "recover",
    "reminder_created",
    "reminders_deleted",
    "session_ended",
    "step",
]
