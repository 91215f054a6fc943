"""What one turn did, for the operator's counters: the web edge passes an Observed as the SDK's
per-invocation `context` (skill.invoke(..., context=Observed())) and reads it afterwards.

Only facts an operator needs, never content: whether the catch-all apologised, whether a
safety reply was given (not what she said), how many storage calls failed; and the two the
edge itself sets, each from a fixed set of labels: the request type and how the reply ended.
Under another
entry point (the Lambda handler passes Lambda's own context) every note is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass

from ask_sdk_core.handler_input import HandlerInput

__all__ = ["Observed", "error", "safety_reply", "storage_error"]


@dataclass
class Observed:
    error: bool = False  # the catch-all exception handler answered
    safety_reply: bool = False  # a symptom was answered with the safety reply
    storage_errors: int = 0  # StorageError caught while loading or saving her profile
    request_type: str = "other"  # skill.web.metrics.REQUEST_TYPES, once the request is verified
    outcome: tuple[str, str] = ("error", "")  # ok / refused (and why) / error, until the edge says


def _observed(handler_input: HandlerInput) -> Observed | None:
    found = getattr(handler_input, "context", None)
    return found if isinstance(found, Observed) else None


def error(handler_input: HandlerInput) -> None:
    if (seen := _observed(handler_input)) is not None:
        seen.error = True


def safety_reply(handler_input: HandlerInput) -> None:
    if (seen := _observed(handler_input)) is not None:
        seen.safety_reply = True


def storage_error(handler_input: HandlerInput) -> None:
    if (seen := _observed(handler_input)) is not None:
        seen.storage_errors += 1
