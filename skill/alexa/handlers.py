"""ask-sdk request handlers, registered in one ordered list: specific before general, safety
first. Each one translates a request into a coach call; decisions live in skill.core.coach."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type
from ask_sdk_model import Response, SessionEndedRequest

from skill.alexa import observe, reminders, turn
from skill.alexa.apl import UserEventHandler
from skill.alexa.intents import INTENT_EVENTS
from skill.alexa.logsafe import clean
from skill.core import coach
from skill.core.events import Event, Kind
from skill.core.profile import forget_reminder
from skill.core.reminders import REMINDERS_SCOPE
from skill.core.ssml import render

log = logging.getLogger("skill.alexa")


class IntentEventHandler(AbstractRequestHandler):
    """Every intent we know: translated into an Event and stepped through the coach."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = str(get_intent_name(handler_input))
        translate = INTENT_EVENTS.get(name)
        content = turn.turn_of(handler_input).content
        if translate is None:
            # An intent a newer or older interaction model sends: answer like Fallback.
            log.warning("no handler for intent %s; answering as fallback", clean(name))
            event = Event(Kind.FALLBACK)
        else:
            event = translate(handler_input, content)
        ctx = turn.context(handler_input)
        problem = turn.turn_of(handler_input).state_problem
        if problem is not None and event.kind not in (Kind.SYMPTOM, Kind.STOP):
            # Safety and stop never wait for a state we could not read; the rest restarts her stretch.
            return turn.respond(handler_input, coach.recover(ctx, problem.salvaged))
        if event.kind is Kind.SYMPTOM:
            # Only that a safety reply was given: what she said is health information.
            log.info("safety reply (user %s)", turn.user_of(handler_input))
            observe.safety_reply(handler_input)  # a count for /metrics, never what she said
        return turn.respond(handler_input, reminders.carry_out(handler_input, ctx, coach.step(ctx, event)))


class PermissionResponseHandler(AbstractRequestHandler):
    """Connections.Response to the AskFor permission request (skill/alexa/reminders.py)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return reminders.permission_event(handler_input.request_envelope.request) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        event = reminders.permission_event(handler_input.request_envelope.request)
        assert event is not None
        log.info("reminder permission answered: %s (user %s)", event.arg, turn.user_of(handler_input))
        ctx = turn.context(handler_input)
        outcome = reminders.carry_out(handler_input, ctx, coach.step(ctx, event), after_consent=True)
        return turn.respond(handler_input, outcome)


class LaunchRequestHandler(AbstractRequestHandler):
    """ "Alexa, open my back stretches"."""

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
        assert isinstance(request, SessionEndedRequest)
        reason = request.reason.value if request.reason else None
        error = request.error
        if error is not None:
            log.error(
                "session ended with error %s: %s (user %s)",
                clean(getattr(error.object_type, "value", error.object_type)),
                clean(error.message, 200),
                turn.user_of(handler_input),
            )
        else:
            log.info("session ended: %s (user %s)", clean(reason), turn.user_of(handler_input))
        return turn.respond(handler_input, coach.session_ended(turn.context(handler_input), reason))


class SkillDisabledEventHandler(AbstractRequestHandler):
    """She disabled the skill: forget everything stored about her. Arrives without a session."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info("skill disabled: deleting stored data (user %s)", turn.user_of(handler_input))
        turn.turn_of(handler_input).delete = True
        return handler_input.response_builder.response


PERMISSION_ACCEPTED = "AlexaSkillEvent.SkillPermissionAccepted"
PERMISSION_CHANGED = "AlexaSkillEvent.SkillPermissionChanged"


def accepted_scopes(request: object) -> frozenset[str] | None:
    """The scopes she still allows (body.acceptedPermissions), or None when the body carries
    no list of scopes to read: then nobody can say what she took back."""
    body = getattr(request, "body", None)
    accepted = getattr(body, "accepted_permissions", None)
    if not isinstance(accepted, list):
        return None
    scopes = [getattr(permission, "scope", None) for permission in accepted]
    if not all(isinstance(scope, str) for scope in scopes):
        return None
    return frozenset(str(scope) for scope in scopes)


class SkillPermissionEventHandler(AbstractRequestHandler):
    """She granted or changed the skill's permissions in the Alexa app. Arrives without a
    session and may not speak. body.acceptedPermissions lists every scope she still allows,
    an empty list once she has taken them all back:
    https://developer.amazon.com/en-US/docs/alexa/smapi/skill-events-in-alexa-skills.html

    Without the reminders scope, Alexa deletes the skill's reminders itself: the stored one is
    forgotten, or the coach would tell her of a reminder that is gone and use dead tokens.
    Everything else about her stays. Accepted, or the scope still there: nothing changes."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type(PERMISSION_CHANGED)(handler_input) or is_request_type(PERMISSION_ACCEPTED)(
            handler_input
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        kind = clean(getattr(request, "object_type", None))
        scopes = accepted_scopes(request)
        if scopes is None:
            # Nobody can tell what she took back, so her reminder stays: forgetting one that
            # Alexa still holds would leave her one she could no longer cancel by voice.
            log.warning(
                "%s without a readable acceptedPermissions list (user %s)", kind, turn.user_of(handler_input)
            )
        elif is_request_type(PERMISSION_CHANGED)(handler_input) and REMINDERS_SCOPE not in scopes:
            current = turn.turn_of(handler_input)
            had = current.profile_in.reminder is not None
            current.profile_out = forget_reminder(current.profile_in)  # saved by ProfileSaveInterceptor
            log.info(
                "reminders permission taken back: %s (user %s)",
                "stored reminder forgotten" if had else "no reminder was stored",
                turn.user_of(handler_input),
            )
        else:
            log.info("%s: nothing stored changes (user %s)", kind, turn.user_of(handler_input))
        return handler_input.response_builder.response


class UnhandledRequestHandler(AbstractRequestHandler):
    """Request types we do not use (other skill events, display events): acknowledge quietly."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        log.info(
            "ignored request type %s",
            clean(getattr(handler_input.request_envelope.request, "object_type", None)),
        )
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Anything unexpected: a short apology, her place kept, the cause in the log."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("handler failed (user %s)", turn.user_of(handler_input), exc_info=exception)
        observe.error(handler_input)
        builder = handler_input.response_builder
        if handler_input.request_envelope.session is None or is_request_type("SessionEndedRequest")(
            handler_input
        ):
            return builder.response  # no speech allowed for these
        try:
            outcome = coach.error(turn.context(handler_input))
            builder.speak(render(outcome.reply.parts)).ask(render([outcome.reply.reprompt or ""]))
        except Exception:  # the apology itself must never fail; the plainest words will do
            log.exception("error reply failed")
            builder.speak("Sorry, something went wrong. Please try again.").ask("Please try again.")
        return builder.response


REQUEST_HANDLERS = (
    SkillDisabledEventHandler,
    SkillPermissionEventHandler,  # she may have taken the reminders permission back
    SessionEndedRequestHandler,
    LaunchRequestHandler,
    IntentEventHandler,
    PermissionResponseHandler,  # Alexa asked for the reminders permission (issue 12)
    UserEventHandler,  # Next / Pause / Resume touched on an Echo Show (skill/alexa/apl.py)
    UnhandledRequestHandler,
)

HANDLED_INTENTS = frozenset(INTENT_EVENTS)
