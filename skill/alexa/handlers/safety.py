"""Safety comes first: words like pain, dizzy, bleeding or contractions stop everything."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput

from skill.core import coach
from skill.core.coach import Context, Outcome
from skill.alexa.handlers import turn
from skill.alexa.handlers.base import IntentHandler

log = logging.getLogger("skill.alexa.handlers")


class SymptomIntentHandler(IntentHandler):
    """Registered before every other handler, so it wins in any state."""

    intents = ("SymptomIntent",)

    def decide(self, ctx: Context, handler_input: HandlerInput) -> Outcome:
        # Only that a safety stop happened is logged: what she said is health information
        # and is neither logged nor stored.
        log.info("safety stop: routine ended (user %s)", turn.user_of(handler_input))
        return coach.symptom(ctx)
