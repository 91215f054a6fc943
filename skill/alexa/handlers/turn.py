"""The thin layer between ask-sdk and the coach: read a Context from a request, and turn an
Outcome into a response. No decisions are made here."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.core import coach
from skill.core import routine as rt
from skill.core.coach import Context, Outcome
from skill.core.content import CONTENT
from skill.storage.privacy import user_ref
from skill.core.profile import Profile
from skill.core.ssml import render, speak, validate

log = logging.getLogger("skill.alexa.handlers")

PROFILE_IN = "profile"  # request attribute: the profile as loaded
PROFILE_OUT = "profile_out"  # request attribute: the profile to store
STORAGE_OK = "storage_ok"  # request attribute: False when loading failed (then never save)
DELETE = "delete_data"


def user_of(handler_input: HandlerInput) -> str:
    system = handler_input.request_envelope.context.system
    return user_ref(system.user.user_id if system and system.user else None)


def request_time(handler_input: HandlerInput) -> datetime:
    """Alexa's timestamp for the request (verified to be within 150 s of our clock)."""
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def is_new_session(handler_input: HandlerInput) -> bool:
    session = handler_input.request_envelope.session
    return session is None or bool(session.new)


def context(handler_input: HandlerInput) -> Context:
    attrs = handler_input.attributes_manager
    profile: Profile = attrs.request_attributes.get(PROFILE_IN) or Profile()
    now = request_time(handler_input)
    fallback_state = coach.new_session_state(profile, now)
    if is_new_session(handler_input):
        state = fallback_state
    else:
        state, problem = rt.from_attributes(attrs.session_attributes, CONTENT.ids, fallback_state)
        if problem:
            log.warning("%s (user %s)", problem, user_of(handler_input))
    return Context(state=state, profile=profile, now=now)


def respond(handler_input: HandlerInput, outcome: Outcome) -> Response:
    attrs = handler_input.attributes_manager
    if handler_input.request_envelope.session is not None:
        attrs.session_attributes = rt.to_attributes(outcome.state)
    attrs.request_attributes[PROFILE_OUT] = outcome.profile
    if "delete_data" in outcome.effects:
        attrs.request_attributes[DELETE] = True

    reply = outcome.reply
    builder = handler_input.response_builder
    if reply.parts:
        builder.speak(_checked(render(reply.parts)))
    if reply.end_session:
        builder.set_should_end_session(True)
    elif reply.reprompt:
        builder.ask(_checked(render([reply.reprompt]), reprompt=True))
    return builder.response


def _checked(inner: str, *, reprompt: bool = False) -> str:
    """Alexa answers invalid SSML with "There was a problem with the requested skill's
    response" and ends the session; raising here lets the catch-all apologise instead."""
    validate(speak(inner), reprompt=reprompt)
    return inner
