"""Reading slot ids the way Alexa resolves them: entity resolution first.

Alexa sends `resolutions.resolutionsPerAuthority[0].status.code` ER_SUCCESS_MATCH with the
value's id, or ER_SUCCESS_NO_MATCH when what she said matched none of the slot type's values
or synonyms (https://developer.amazon.com/en-US/docs/alexa/custom-skills/
entity-resolution.html). The interaction model is generated from the same content, so every
id we get is one the coach knows.
"""

from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot
from ask_sdk_model.slu.entityresolution import StatusCode


def resolved_id(
    handler_input: HandlerInput, slot_name: str, unresolved: Callable[[str], str | None] = lambda heard: None
) -> str | None:
    """The id Alexa resolved the slot to; None when the slot is empty or matched nothing.
    `unresolved(heard)` is asked only when a value arrives with no resolutions at all (some
    test tools send none; Alexa always sends them for custom slot types)."""
    try:
        slot = get_slot(handler_input, slot_name)
    except TypeError:  # not an IntentRequest
        return None
    if slot is None or not slot.value:
        return None
    authorities = slot.resolutions.resolutions_per_authority if slot.resolutions else None
    if not authorities:
        return unresolved(slot.value)
    for authority in authorities:
        if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            value = authority.values[0].value
            return value.id if value is not None else None
    return None
