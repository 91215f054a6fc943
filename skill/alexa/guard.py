"""Envelope guards: what a parsed request must look like before the ask-sdk sees it.

Every entry point (the Flask edge today, a Lambda handler tomorrow) calls refusal() on the
parsed JSON after it has proved the request came from Alexa and before it deserializes it.
Each rule below stops a way a signed but hostile body used to crash a turn (a 500) or to
reach storage:
- nesting: the SDK deep-copies session attributes recursively, so ~490 levels there (a 1 KB
  body) raised RecursionError;
- numbers: NaN and Infinity were echoed back as invalid JSON, a 400-digit integer overflowed
  on every later turn, 1e300 was stored;
- strings: a lone surrogate (JSON "\\ud800") cannot be encoded as UTF-8 by storage or logs;
- context: with exactly one skill id configured, the SDK reads
  context.System.application.applicationId unguarded (ask_sdk_core/skill.py:183);
- user ids: any length and type were stored as keys (a 50,000-character id, the integer 5).
Pure: no I/O, no Flask, no ask-sdk.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any

__all__ = ["refusal", "shape_problem", "application_id", "MAX_DEPTH", "MAX_NUMBER", "USER_ID_PATTERN"]

# Real envelopes nest about 8 deep (APL component trees a little more); the SDK recurses
# about 3 frames per level, so 64 stays far from Python's limit of 1000.
MAX_DEPTH = 64
# Integers and floats beyond 2**53 cannot round-trip through JavaScript or DynamoDB without
# loss, and nothing Alexa sends or this skill stores comes near it.
MAX_NUMBER = 2**53
# Alexa's user ids are "amzn1.ask.account." + about 200 upper-case letters and digits; the
# length matches storage's MAX_USER_ID_LENGTH (skill/storage/base.py).
MAX_USER_ID_LENGTH = 512
USER_ID_PATTERN = re.compile(r"amzn1\.ask\.account\.[A-Za-z0-9._-]+")


def refusal(data: object, skill_ids: Collection[str] = (), *, shape_checked: bool = False) -> str | None:
    """Why this parsed envelope must be refused (a short reason for a 400), or None.

    shape_checked: `data` has already passed shape_problem (skill.web.body.parse_envelope
    guarantees it), so only the envelope's meaning is checked here.
    """
    if not isinstance(data, dict) or not isinstance(data.get("request"), dict):
        return "not an Alexa request envelope"
    problem = None if shape_checked else shape_problem(data)
    if problem:
        return problem
    system = _get(data, "context", "System")
    if not isinstance(system, dict):
        return "request envelope has no context.System"
    if len(skill_ids) == 1 and not isinstance(_get(system, "application", "applicationId"), str):
        return "request envelope has no application id"
    for path in (("context", "System", "user"), ("session", "user")):
        user = _get(data, *path)
        if user is None:
            continue
        if not isinstance(user, dict) or not valid_user_id(user.get("userId")):
            return "request envelope has an invalid user id"
    return None


def valid_user_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= MAX_USER_ID_LENGTH
        and USER_ID_PATTERN.fullmatch(value) is not None
    )


def application_id(data: Mapping[str, Any]) -> str | None:
    """context.System.application.applicationId, else session.application.applicationId."""
    for path in (
        ("context", "System", "application", "applicationId"),
        ("session", "application", "applicationId"),
    ):
        found = _get(data, *path)
        if isinstance(found, str) and found:
            return found
    return None


def number_in_range(value: int | float) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return -MAX_NUMBER <= value <= MAX_NUMBER


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _string_ok(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def shape_problem(data: dict[str, Any]) -> str | None:
    """Nesting, numbers, strings: one iterative walk (no recursion, so depth itself cannot
    crash it) over every value."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return "request body is nested too deeply"
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(key, str) or not _string_ok(key):
                    return "request body has an invalid string"
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1))
                elif not _scalar_ok(value):
                    return _scalar_problem(value)
        elif isinstance(node, list):
            for value in node:
                if isinstance(value, (dict, list)):
                    stack.append((value, depth + 1))
                elif not _scalar_ok(value):
                    return _scalar_problem(value)
    return None


def _scalar_ok(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, str):
        return _string_ok(value)
    if isinstance(value, (int, float)):
        return number_in_range(value)
    return False  # not something JSON can hold


def _scalar_problem(value: object) -> str:
    if isinstance(value, str):
        return "request body has an invalid string"
    if isinstance(value, (int, float)):
        return "request body has a number out of range"
    return "request body has a value JSON cannot hold"
