"""Reading the exercise slot: Alexa's entity resolution first, our own synonyms second."""

from __future__ import annotations

from ask_sdk_model import Intent, Slot
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.core.content import CONTENT


def resolve_exercise(intent: Intent | None, slot_name: str = "exercise") -> str | None:
    """The content id of the stretch she named, or None if she named none we know."""
    slot: Slot | None = (intent.slots or {}).get(slot_name) if intent else None
    if slot is None or not slot.value:
        return None
    resolutions = slot.resolutions.resolutions_per_authority if slot.resolutions else None
    if resolutions:
        for authority in resolutions:
            if authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
                return authority.values[0].value.id
        return None  # Alexa heard a value but it matched none of ours
    # No resolutions (some test tools send none): match our own names and synonyms.
    match = CONTENT.lookup(slot.value)
    return match.id if match is not None else None
