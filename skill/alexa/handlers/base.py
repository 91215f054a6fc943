"""One base class: a handler names the intents it takes and the coach decision it makes."""

from __future__ import annotations

from typing import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name
from ask_sdk_model import Response

from skill.core import coach
from skill.core.coach import Context, Outcome
from skill.alexa.handlers import turn


class IntentHandler(AbstractRequestHandler):
    """Subclasses set `intents` and implement decide(); the rest is shared."""

    intents: tuple[str, ...] = ()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in self.intents)

    def handle(self, handler_input: HandlerInput) -> Response:
        ctx = coach.leave_question(turn.context(handler_input), get_intent_name(handler_input))
        return turn.respond(handler_input, self.decide(ctx, handler_input))

    def decide(self, ctx: Context, handler_input: HandlerInput) -> Outcome:
        raise NotImplementedError


def simple(name: str, intents: tuple[str, ...], decision: Callable[[Context], Outcome]) -> type[IntentHandler]:
    """A handler whose decision needs nothing from the request but the context."""

    def decide(self: IntentHandler, ctx: Context, handler_input: HandlerInput) -> Outcome:
        return decision(ctx)

    return type(name, (IntentHandler,), {"intents": intents, "decide": decide, "__doc__": decision.__doc__})
