"""Hostile request bodies: one table, used with verification off (test_app) and signed with the
test CA (test_http_verification), so the guards hold whether or not a signature was checked.

Each case names what it attacks and builds the raw body for a request timestamp; `status` is
what the edge must answer and `reason` the error it must give (None: a spoken 200 reply).
Every body carries SECRETS (a symptom she said, her ids, the API token) so a test can prove
that none of them reaches the log.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tests.envelopes import DEVICE_ID, USER_ID, intent_request, launch_request, slot_value

SYMPTOM = "bleeding and dizzy"
SECRETS = (SYMPTOM, USER_ID, DEVICE_ID, "test-access-token")
NOT_JSON = "request body is not valid JSON"
TOO_DEEP = "request body is nested too deeply"
NUMBER = "request body has a number out of range"
USER = "request envelope has an invalid user id"


@dataclass(frozen=True)
class Case:
    build: Callable[[datetime], bytes]
    status: int
    reason: str | None


def _symptom(at: datetime, **kw: Any) -> dict[str, Any]:
    return intent_request(
        "SymptomIntent", {"symptom": slot_value("symptom", SYMPTOM, slot_type="SYMPTOM")}, timestamp=at, **kw
    )


def _dumps(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope).encode()


def _with_attributes(value: Any) -> Callable[[datetime], bytes]:
    return lambda at: _dumps(_symptom(at, session_attributes={"state": value}))


def _raw_attribute(text: str) -> Callable[[datetime], bytes]:
    """session.attributes.x is `text` verbatim (json.dumps cannot write NaN or 400 digits)."""

    def build(at: datetime) -> bytes:
        body = _dumps(_symptom(at, session_attributes={"x": "@@"}))
        return body.replace(b'"@@"', text.encode())

    return build


def _nested(levels: int) -> Any:
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


def _deep_top(at: datetime) -> bytes:  # built as text: json.dumps itself recurses
    body = _dumps(_symptom(at))
    return body[:-1] + b', "padding": ' + b"[" * 1000 + b"]" * 1000 + b"}"


def _edit(
    change: Callable[[dict[str, Any]], None], make: Callable[..., dict[str, Any]] = _symptom
) -> Callable[[datetime], bytes]:
    def build(at: datetime) -> bytes:
        envelope = make(at)
        change(envelope)
        return _dumps(envelope)

    return build


def _set_user(value: Any) -> Callable[[dict[str, Any]], None]:
    def change(envelope: dict[str, Any]) -> None:
        envelope["context"]["System"]["user"]["userId"] = value
        envelope["session"]["user"]["userId"] = value

    return change


CASES: dict[str, Case] = {
    # Encoding and syntax.
    "utf-8 byte-order mark": Case(lambda at: b"\xef\xbb\xbf" + _dumps(_symptom(at)), 400, NOT_JSON),
    "utf-16 body": Case(lambda at: json.dumps(_symptom(at)).encode("utf-16"), 400, NOT_JSON),
    "plain text body": Case(lambda at: b"open my back stretches", 400, NOT_JSON),
    "empty body": Case(lambda at: b"", 400, NOT_JSON),
    "1 MB body": Case(
        lambda at: _dumps({**_symptom(at), "padding": "x" * 1_000_000}),
        413,
        "request body larger than 131072 bytes",
    ),
    "truncated json": Case(lambda at: _dumps(_symptom(at))[:-20], 400, NOT_JSON),
    "array body": Case(
        lambda at: b"[" + _dumps(_symptom(at)) + b"]", 400, "request body has no request object"
    ),
    "request is a string": Case(
        _edit(lambda e: e.update(request="LaunchRequest")), 400, "request body has no request object"
    ),
    "duplicate key": Case(
        lambda at: _dumps(_symptom(at))[:-1] + b', "request": {"type": "LaunchRequest"}}',
        400,
        "request body has a duplicate key",
    ),
    "lone surrogate in a slot value": Case(
        lambda at: _dumps(_symptom(at)).replace(SYMPTOM.encode(), b"\\ud800"),
        400,
        "request body has an invalid string",
    ),
    # The SDK cannot map it: its error message would quote the payload, so only the type is logged.
    "unknown request type": Case(
        _edit(lambda e: e["request"].update(type="NoSuchRequest")), 400, "request envelope not understood"
    ),
    # Depth: the SDK recurses, so depth must be refused before it sees the envelope.
    "nested 1000 levels": Case(_deep_top, 400, TOO_DEEP),
    "nested 490 levels in session.attributes": Case(_with_attributes(_nested(490)), 400, TOO_DEEP),
    "nested 70 levels in session.attributes": Case(_with_attributes(_nested(70)), 400, TOO_DEEP),
    # Numbers.
    "NaN": Case(_raw_attribute("NaN"), 400, NUMBER),
    "Infinity": Case(_raw_attribute("Infinity"), 400, NUMBER),
    "-Infinity": Case(_raw_attribute("-Infinity"), 400, NUMBER),
    "1e300": Case(_raw_attribute("1e300"), 400, NUMBER),
    "1e400 (overflows to inf)": Case(_raw_attribute("1e400"), 400, NUMBER),
    "400-digit integer": Case(_raw_attribute("9" * 400), 400, NUMBER),
    "5000-digit integer": Case(_raw_attribute("9" * 5000), 400, NUMBER),
    "2**53 + 1": Case(_raw_attribute(str(2**53 + 1)), 400, NUMBER),
    # Context and ids.
    "context is {}": Case(
        _edit(lambda e: e.update(context={})), 400, "request envelope has no context.System"
    ),
    "context is a list": Case(
        _edit(lambda e: e.update(context=[])), 400, "request envelope has no context.System"
    ),
    "no context": Case(_edit(lambda e: e.pop("context")), 400, "request envelope has no context.System"),
    "context.System without application": Case(
        _edit(lambda e: e["context"]["System"].pop("application")),
        400,
        "request envelope has no application id",
    ),
    "user id of 50,000 characters": Case(_edit(_set_user("amzn1.ask.account." + "A" * 50_000)), 400, USER),
    "integer user id": Case(_edit(_set_user(5)), 400, USER),
    "user id of another shape": Case(_edit(_set_user("user-1")), 400, USER),
    "user id with a newline": Case(_edit(_set_user("amzn1.ask.account.A\nINFO forged")), 400, USER),
    "user is a string": Case(_edit(lambda e: e["session"].update(user="me")), 400, USER),
    # Wrong types where the SDK expects objects, lists or strings.
    "request.type is a number": Case(
        _edit(lambda e: e["request"].update(type=5)), 400, "request envelope not understood"
    ),
    "session attributes are a list": Case(
        _edit(lambda e: e["session"].update(attributes=[1, "x"])), 400, "request envelope not understood"
    ),
    "slots is a list": Case(
        _edit(lambda e: e["request"]["intent"].update(slots=[1, 2])), 400, "request envelope not understood"
    ),
    # Odd but harmless: a spoken answer, never a 5xx.
    "slot value is a number": Case(
        _edit(lambda e: e["request"]["intent"]["slots"]["symptom"].update(value=7)), 200, None
    ),
    "intent is a list": Case(_edit(lambda e: e["request"].update(intent=[])), 200, None),
    "NUL and emoji in a slot value": Case(
        lambda at: _dumps(_symptom(at)).replace(SYMPTOM.encode(), b"sore \\u0000 back \\ud83e\\udd30"),
        200,
        None,
    ),
    "session attributes hold wrong types": Case(_with_attributes({"mode": 5, "index": "x"}), 200, None),
    "2**53 exactly": Case(_raw_attribute(str(2**53)), 200, None),
    "no user at all": Case(
        _edit(
            lambda e: (e["context"]["System"].pop("user"), e["session"].pop("user")),
            make=lambda at: launch_request(timestamp=at),
        ),
        200,
        None,
    ),
}
