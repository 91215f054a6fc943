"""Around every request: load her stored profile (and her time zone, once), save what changed."""

from __future__ import annotations

import logging
from dataclasses import replace

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.services import ApiClient

from skill.alexa import observe
from skill.alexa.api import device_time_zone, turn_budget
from skill.alexa.cfir import is_can_fulfill
from skill.alexa.turn import TURN_KEY, Turn, content_for, turn_of, user_of
from skill.core import profile as prof
from skill.core.content import Content
from skill.storage import StorageError

log = logging.getLogger("skill.alexa")

# Requests after which she may hear about "today" or "this week", and which may speak.
_TIME_ZONE_WANTED = ("LaunchRequest", "IntentRequest")


class ProfileLoadInterceptor(AbstractRequestInterceptor):
    """Load her stored profile once per request. Storage trouble never costs her the stretch."""

    def __init__(self, content: Content, api_client: ApiClient) -> None:
        self.content = content
        self.api_client = api_client

    def process(self, handler_input: HandlerInput) -> None:
        if is_can_fulfill(handler_input):
            return  # "could you answer this?" reads nothing and calls nothing (skill/alexa/cfir.py)
        attrs = handler_input.attributes_manager
        turn = Turn(content=content_for(handler_input, self.content))
        attrs.request_attributes[TURN_KEY] = turn
        try:
            doc = attrs.persistent_attributes
            turn.storage_ok = True
        except StorageError as exc:
            log.error("could not load stored progress (user %s): %s", user_of(handler_input), exc)
            observe.storage_error(handler_input)
            doc = {}
        profile, problems = prof.from_document(doc, self.content)
        for problem in problems:
            log.warning("%s (user %s)", problem, user_of(handler_input))
        turn.stored = profile
        session = handler_input.request_envelope.session
        first_turn = session is None or bool(session.new)
        if (
            profile.time_zone is None
            and first_turn
            and any(is_request_type(t)(handler_input) for t in _TIME_ZONE_WANTED)
        ):
            # Asked at the start of a session until known, then kept: "today" and "this week"
            # are her days, not UTC's. Without it, UTC.
            zone = device_time_zone(
                handler_input.request_envelope, self.api_client, turn_budget(handler_input)
            )
            if zone is not None:
                profile = replace(profile, time_zone=zone)
        turn.profile_in = profile


class ProfileSaveInterceptor(AbstractResponseInterceptor):
    """Save only when something changed, delete when asked; a storage failure is logged only."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if is_can_fulfill(handler_input):
            return  # nothing was loaded, so nothing is saved
        attrs = handler_input.attributes_manager
        turn = turn_of(handler_input)
        try:
            if turn.delete:
                attrs.delete_persistent_attributes()
                return
            if not turn.storage_ok:
                return  # never overwrite what we could not read
            if turn.profile_out is None or turn.profile_out == turn.stored:
                return
            attrs.persistent_attributes = prof.to_document(turn.profile_out)
            attrs.save_persistent_attributes()
        except StorageError as exc:  # she already has her answer; log for the operator
            log.error("could not store progress (user %s): %s", user_of(handler_input), exc)
            observe.storage_error(handler_input)
