"""One turn's values, typed, and the thin layer between ask-sdk and the coach: read a Context
from a request, turn an Outcome into a response. No decisions are made here."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa import apl, reminders
from skill.core import attributes
from skill.core.coach import Context, Effect, Outcome, new_session_state
from skill.core.content import Content
from skill.core.profile import Profile
from skill.core.ssml import render, speak, validate
from skill.storage.privacy import user_ref

log = logging.getLogger("skill.alexa")

TURN_KEY = "turn"  # the one request attribute this layer uses


@dataclass
class Turn:
    """What one request carries between the interceptors and the handler."""

    content: Content
    profile_in: Profile = field(default_factory=Profile)  # what the coach starts from
    stored: Profile = field(default_factory=Profile)  # as read from storage (saved if different)
    profile_out: Profile | None = None
    storage_ok: bool = False  # False when loading failed: then never overwrite what is stored
    delete: bool = False
    state_problem: attributes.StateError | None = None  # session attributes we could not read


def turn_of(handler_input: HandlerInput) -> Turn:
    found = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
    if not isinstance(found, Turn):
        raise RuntimeError("no Turn: the load interceptor did not run")
    return found


def user_of(handler_input: HandlerInput) -> str:
    system = handler_input.request_envelope.context.system if handler_input.request_envelope.context else None
    return user_ref(system.user.user_id if system and system.user else None)


def content_for(handler_input: HandlerInput, content: Content) -> Content:
    """The words for this request's locale (request.locale): en-GB's for en-GB, en-US's for
    an English locale without its own, plain international English for any other language
    (Content.for_locale). Chosen once per request, by the load interceptor."""
    return content.for_locale(getattr(handler_input.request_envelope.request, "locale", None))


def request_time(handler_input: HandlerInput) -> datetime:
    """Alexa's timestamp for the request (verified to be within 150 s of our clock)."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return datetime.now(UTC)


def context(handler_input: HandlerInput) -> Context:
    turn = turn_of(handler_input)
    now = request_time(handler_input)
    session = handler_input.request_envelope.session
    state = None
    if session is not None and not session.new:
        try:
            state = attributes.from_attributes(
                handler_input.attributes_manager.session_attributes, turn.content
            )
        except attributes.StateError as problem:
            log.warning("%s (user %s)", problem, user_of(handler_input))
            turn.state_problem = problem
    if state is None:
        state = new_session_state(turn.profile_in, now, turn.content)
    return Context(state=state, profile=turn.profile_in, now=now, content=turn.content)


def respond(handler_input: HandlerInput, outcome: Outcome) -> Response:
    turn = turn_of(handler_input)
    if handler_input.request_envelope.session is not None:
        handler_input.attributes_manager.session_attributes = attributes.to_attributes(outcome.state)
    turn.profile_out = outcome.profile
    turn.delete = Effect.DELETE_DATA in outcome.effects

    reply = outcome.reply
    builder = handler_input.response_builder
    if reply.parts:
        builder.speak(_checked(render(reply.parts)))
    if reply.end_session:
        builder.set_should_end_session(True)
    elif reply.reprompt:
        builder.ask(_checked(render([reply.reprompt]), reprompt=True))
    reminders.decorate(handler_input, outcome)  # the permission request or card (issue 12)
    if Effect.ASK_PERMISSION not in outcome.effects:  # Alexa speaks next, not us
        apl.add_screen(handler_input, outcome, turn.content, request_time(handler_input))  # Echo Show only
    return builder.response


@functools.lru_cache(maxsize=256)  # the same stretch at the same settings is the same SSML
def _checked(inner: str, *, reprompt: bool = False) -> str:
    """Alexa answers invalid SSML with "There was a problem with the requested skill's
    response" and ends the session; raising here lets the catch-all apologise instead."""
    validate(speak(inner), reprompt=reprompt)
    return inner
