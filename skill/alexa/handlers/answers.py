"""Questions and settings: how often, trimester, warning signs, what's left, help, pace and
length, deleting her data, and anything we did not understand."""

from __future__ import annotations

import logging

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type

from skill.core import coach
from skill.core.coach import Context, Outcome
from skill.alexa.handlers.base import IntentHandler, simple

log = logging.getLogger("skill.alexa.handlers")


class AnswerIntentHandler(IntentHandler):
    intents = coach.ANSWERS

    def decide(self, ctx: Context, handler_input: HandlerInput) -> Outcome:
        return coach.answer(ctx, get_intent_name(handler_input))


class AdjustIntentHandler(IntentHandler):
    intents = tuple(coach.ADJUSTMENTS)

    def decide(self, ctx: Context, handler_input: HandlerInput) -> Outcome:
        return coach.adjust(ctx, get_intent_name(handler_input))


DeleteDataIntentHandler = simple("DeleteDataIntentHandler", ("DeleteDataIntent",), coach.delete_request)
FallbackIntentHandler = simple("FallbackIntentHandler", ("AMAZON.FallbackIntent",), coach.fallback)


class UnknownIntentHandler(IntentHandler):
    """An intent the model may send that we have no handler for: answer like Fallback."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def decide(self, ctx: Context, handler_input: HandlerInput) -> Outcome:
        log.warning("no handler for intent %s; answering as fallback", get_intent_name(handler_input))
        return coach.fallback(ctx)
