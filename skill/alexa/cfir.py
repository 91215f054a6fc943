"""CanFulfillIntentRequest: "Alexa, how often should I stretch my back while pregnant?" asked
without the skill's name. Alexa asks every candidate skill whether it can answer before it
picks one; the IntentRequest only follows if it picks this skill.

Rules (D:custom-skills/implement-canfulfillintentrequest-for-name-free-interaction.html and
D:custom-skills/understand-name-free-interaction-for-custom-skills.html):
- Answer from a static table, never from her data: the question may never reach us again,
  and a request that only asks "could you?" must change nothing. So this handler reads no
  storage and writes none, calls no Alexa API, counts no use, and touches neither session nor
  persistent attributes (the interceptors skip it: `is_can_fulfill`). It works without a
  session and without a user id: ask-sdk's `session_attributes` raises when there is no
  session, and Alexa may send none.
- YES only for what the skill does well by name-free arrival: how often to stretch, starting
  the routine (in a version we have, when one is named) and one known stretch by name.
  NO for everything else, and above all for any symptom or "is this normal?" question: a
  health question must reach a clinician, not a stretching skill chosen for her.
- en-US only: name-free interaction is generally available there and a private beta
  elsewhere, so any other locale gets NO.

What follows a YES is the ordinary IntentRequest: the coach answers the question first (a new
user hears the one-sentence first-use note before it) and then offers the routine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Intent, Response, Slot
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentRequest,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.core.content import BASE_LOCALE, Content

__all__ = ["CFIR_LOCALES", "TABLE", "CanFulfillIntentRequestHandler", "answer", "is_can_fulfill"]

REQUEST_TYPE = "CanFulfillIntentRequest"
CFIR_LOCALES = frozenset({BASE_LOCALE})

Known = Callable[[Content, str], bool]


def _exercise(content: Content, said: str) -> bool:
    return said in content.ids or content.lookup(said) is not None


def _version(content: Content, said: str) -> bool:
    return any(r.id == said for r in content.routines) or content.lookup_routine(said) is not None


# intent -> (slots that must be filled, how each slot's value is checked). Any intent not
# here (symptoms, trimester, warning signs, describe, settings, stop...) is NO.
TABLE: Mapping[str, tuple[frozenset[str], Mapping[str, Known]]] = {
    "FrequencyIntent": (frozenset(), {}),
    "StartRoutineIntent": (frozenset(), {"version": _version}),  # "start my back stretches"
    "ExerciseIntent": (frozenset({"exercise"}), {"exercise": _exercise}),  # "do the wall angels"
}


def is_can_fulfill(handler_input: HandlerInput) -> bool:
    """The request that must have no side effects (the interceptors skip it)."""
    return bool(is_request_type(REQUEST_TYPE)(handler_input))


def _said(slot: Slot) -> str | None:
    """The id entity resolution matched, else the words heard, else None."""
    authorities = slot.resolutions.resolutions_per_authority if slot.resolutions else None
    for authority in authorities or ():
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            value = authority.values[0].value
            if value is not None and value.id:
                return str(value.id)
    return slot.value or None


def answer(intent: Intent | None, locale: str | None, content: Content) -> CanFulfillIntent:
    """The static table's answer: YES with every filled slot understood, or NO."""
    no = CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO)
    name = intent.name if intent is not None else None
    if locale not in CFIR_LOCALES or intent is None or name is None or name not in TABLE:
        return no
    required, checks = TABLE[name]
    filled = {name: slot for name, slot in (intent.slots or {}).items() if slot is not None and slot.value}
    if not required <= filled.keys():
        return no
    slots: dict[str, CanFulfillSlot] = {}
    for name, slot in filled.items():
        check = checks.get(name)
        said = _said(slot)
        if check is None or said is None or not check(content, said):
            return no  # a value we do not have ("do the headstand"): another skill may
        slots[name] = CanFulfillSlot(
            can_understand=CanUnderstandSlotValues.YES, can_fulfill=CanFulfillSlotValues.YES
        )
    return CanFulfillIntent(can_fulfill=CanFulfillIntentValues.YES, slots=slots or None)


class CanFulfillIntentRequestHandler(AbstractRequestHandler):
    """First in build_skill's list. Reads only the request and the content (en-US's words)."""

    def __init__(self, content: Content) -> None:
        self.content = content.for_locale(BASE_LOCALE)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_can_fulfill(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        assert isinstance(request, CanFulfillIntentRequest)
        verdict = answer(request.intent, request.locale, self.content)
        return handler_input.response_builder.set_can_fulfill_intent(verdict).response
