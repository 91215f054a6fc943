"""Safety comes first: words like pain, dizzy, bleeding or contractions stop everything."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput

from skill import coach
from skill.coach import Context, Outcome
from skill.handlers import turn
from skill.handlers.base import IntentHandler

log = logging.getLogger("skill.handlers")


class SymptomIntentHandler(IntentHandler):
    """Registered before every other handler, so it wins in any state."""

    intents = ("SymptomIntent",)

    def decide(self, ctx: Context, handler_input: HandlerInput) -> Outcome:
        # Only that a safety stop happened is logged: what she said is health information
        # and is neither logged nor stored.
        log.info("safety stop: routine ended (user %s)", turn.user_of(handler_input))
        return coach.symptom(ctx)
