"""The edges of a session: launch, session end, skill events, storage, and the catch-all."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.core import coach
from skill.core import profile as prof
from skill.core.content import CONTENT
from skill.alexa.handlers import turn
from skill.core.ssml import render

log = logging.getLogger("skill.alexa.handlers")


class LaunchRequestHandler(AbstractRequestHandler):
    """"Alexa, start my back stretches" arrives here: she wants to stretch now."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return turn.respond(handler_input, coach.launch(turn.context(handler_input)))


class SessionEndedRequestHandler(AbstractRequestHandler):
    """No speech is allowed here; keep her place and log why the session ended."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(request.reason, "value", None) if request.reason else None
        error = request.error
        if error is not None:
            log.error("session ended with error %s: %s (user %s)",
                      getattr(error.object_type, "value", error.object_type), error.message,
                      turn.user_of(handler_input))
        else:
            log.info("session ended: %s (user %s)", reason, turn.user_of(handler_input))
        return turn.respond(handler_input, coach.session_ended(turn.context(handler_input), reason))


class SkillDisabledEventHandler(AbstractRequestHandler):
    """She disabled the skill: forget everything stored about her."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("skill disabled: deleting stored data (user %s)", turn.user_of(handler_input))
        handler_input.attributes_manager.request_attributes[turn.DELETE] = True
        return handler_input.response_builder.response


class UnhandledRequestHandler(AbstractRequestHandler):
    """Request types we do not use (other skill events, display events): acknowledge quietly."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("ignored request type %s", handler_input.request_envelope.request.object_type)
        return handler_input.response_builder.response


class ProfileLoadInterceptor(AbstractRequestInterceptor):
    """Load her stored profile once per request. Storage trouble never costs her the stretch."""

    def process(self, handler_input: HandlerInput) -> None:
        attrs = handler_input.attributes_manager
        try:
            doc = attrs.persistent_attributes
            attrs.request_attributes[turn.STORAGE_OK] = True
        except Exception as exc:  # any backend failure: log it, carry on without stored progress
            log.error("could not load stored progress (user %s): %s: %s",
                      turn.user_of(handler_input), type(exc).__name__, exc)
            doc, attrs.request_attributes[turn.STORAGE_OK] = {}, False
        profile, problems = prof.from_document(doc, CONTENT.ids)
        for problem in problems:
            log.warning("%s (user %s)", problem, turn.user_of(handler_input))
        attrs.request_attributes[turn.PROFILE_IN] = profile


class ProfileSaveInterceptor(AbstractResponseInterceptor):
    """Save only when something changed, delete when asked; a storage failure is logged only."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        attrs = handler_input.attributes_manager
        request_attrs = attrs.request_attributes
        try:
            if request_attrs.get(turn.DELETE):
                attrs.delete_persistent_attributes()
                return
            if not request_attrs.get(turn.STORAGE_OK):
                return  # never overwrite what we could not read
            before, after = request_attrs.get(turn.PROFILE_IN), request_attrs.get(turn.PROFILE_OUT)
            if after is None or after == before:
                return
            attrs.persistent_attributes = prof.to_document(after)
            attrs.save_persistent_attributes()
        except Exception as exc:  # storage down: she already has her answer; log for the operator
            log.error("could not store progress (user %s): %s: %s",
                      turn.user_of(handler_input), type(exc).__name__, exc)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Anything unexpected: a short apology, her place kept, the cause in the log."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("handler failed (user %s)", turn.user_of(handler_input), exc_info=exception)
        builder = handler_input.response_builder
        if handler_input.request_envelope.session is None or is_request_type("SessionEndedRequest")(handler_input):
            return builder.response  # no speech allowed for these
        try:
            outcome = coach.error(turn.context(handler_input))
            builder.speak(render(outcome.reply.parts)).ask(render([outcome.reply.reprompt or ""]))
        except Exception:  # the apology itself must never fail; the plainest words will do
            log.exception("error reply failed")
            builder.speak("Sorry, something went wrong. Please try again.").ask("Please try again.")
        return builder.response
