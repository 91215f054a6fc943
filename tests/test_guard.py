"""Envelope guards (skill.alexa.guard), strict JSON (skill.web.body) and log cleaning
(skill.alexa.logsafe) as plain functions: what a Lambda entry point would call too."""

from __future__ import annotations

import json

import pytest

from skill.alexa import guard
from skill.alexa.logsafe import clean
from skill.web.body import BodyError, parse_envelope
from tests.envelopes import SKILL_ID, USER_ID, launch_request


def _nested(levels: int) -> object:
    value: object = 0
    for _ in range(levels):
        value = {"a": value}
    return value


def _with(**changes: object) -> dict:
    envelope = launch_request()
    envelope.update(changes)
    return envelope


GUARD_CASES = {
    # name: (envelope, skill ids, reason or None)
    "genuine": (launch_request(), (SKILL_ID,), None),
    "genuine, no ids configured": (launch_request(), (), None),
    "not a dict": ([launch_request()], (), "not an Alexa request envelope"),
    "request not a dict": (_with(request=[]), (), "not an Alexa request envelope"),
    "64 levels": (_with(padding=_nested(63)), (), None),
    "65 levels": (_with(padding=_nested(64)), (), "request body is nested too deeply"),
    "NaN (a Lambda runtime parses it)": (
        _with(padding=float("nan")),
        (),
        "request body has a number out of range",
    ),
    "inf": (_with(padding=[float("inf")]), (), "request body has a number out of range"),
    "huge int": (_with(padding=10**400), (), "request body has a number out of range"),
    "a set": (_with(padding={1}), (), "request body has a value JSON cannot hold"),
    "lone surrogate key": (_with(padding={"\ud800": 1}), (), "request body has an invalid string"),
    "context {} and one id": (_with(context={}), (SKILL_ID,), "request envelope has no context.System"),
    "no System.application and one id": (
        _with(context={"System": {"user": {"userId": USER_ID}}}),
        (SKILL_ID,),
        "request envelope has no application id",
    ),
    "no System.application and two ids": (
        _with(context={"System": {"user": {"userId": USER_ID}}}),
        (SKILL_ID, "x"),
        None,
    ),
    "user id too long": (
        launch_request(user_id="amzn1.ask.account." + "A" * 495),
        (),
        "request envelope has an invalid user id",
    ),
    "user id 512 long": (launch_request(user_id="amzn1.ask.account." + "A" * 494), (), None),
    "user id empty tail": (
        launch_request(user_id="amzn1.ask.account."),
        (),
        "request envelope has an invalid user id",
    ),
    "user id None": (launch_request(user_id=None), (), "request envelope has an invalid user id"),
}


@pytest.mark.parametrize("name", list(GUARD_CASES))
def test_guard(name) -> None:
    envelope, ids, reason = GUARD_CASES[name]
    assert guard.refusal(envelope, ids) == reason


BODY_CASES = {
    "bom": (b"\xef\xbb\xbf{}", "request body is not valid JSON"),
    "latin-1": ('{"request": {"x": "\xe9"}}'.encode("latin-1"), "request body is not valid JSON"),
    "NaN": (b'{"request": {}, "x": NaN}', "request body has a number out of range"),
    "-Infinity": (b'{"request": {}, "x": -Infinity}', "request body has a number out of range"),
    "17-digit int": (b'{"request": {}, "x": 12345678901234567}', "request body has a number out of range"),
    "long float": (b'{"request": {}, "x": 0.' + b"1" * 40 + b"}", "request body has a number out of range"),
    "1e300": (b'{"request": {}, "x": 1e300}', "request body has a number out of range"),
    "duplicate key": (b'{"request": {}, "request": {}}', "request body has a duplicate key"),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "request body is nested too deeply"),
    "no request": (b'{"x": 1}', "request body has no request object"),
}


@pytest.mark.parametrize("name", list(BODY_CASES))
def test_strict_json(name) -> None:
    body, reason = BODY_CASES[name]
    with pytest.raises(BodyError) as caught:
        parse_envelope(body)
    assert str(caught.value) == reason


def test_strict_json_keeps_ordinary_numbers() -> None:
    data = parse_envelope(b'{"request": {}, "a": -9007199254740992, "b": 0.25, "c": 1e-300, "d": "\\u00e9"}')
    assert data == {"request": {}, "a": -(2**53), "b": 0.25, "c": 1e-300, "d": "\u00e9"}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("AMAZON.NextIntent", "AMAZON.NextIntent"),
        ("line\nINFO forged", "line\\nINFO forged"),
        ("\x1b[31mred", "\\u001b[31mred"),
        ('quote" and \\', 'quote\\" and \\\\'),
        ("caf\u00e9", "caf\\u00e9"),
        ("x" * 100, "x" * 64 + "..."),
        (None, "None"),
        (5, "5"),
        (10**100, "<int>"),
        (float("nan"), "nan"),
        ({"userId": USER_ID}, "<dict>"),
        ([1, 2], "<list>"),
    ],
)
def test_clean(value, expected) -> None:
    assert clean(value) == expected


def test_clean_is_one_bounded_ascii_line() -> None:
    out = clean("\u2028\n" * 10_000, limit=40)
    assert out.isascii() and "\n" not in out and len(out) <= 40 + 3
    tricky = 'a\tb "c" \\ \u00e9'
    assert json.loads('"' + clean(tricky) + '"') == tricky  # escapes read back as JSON
