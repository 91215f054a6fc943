"""Envelope guards (skill.alexa.guard), strict JSON (skill.web.body) and log cleaning
(skill.alexa.logsafe) as plain functions: what a Lambda entry point would call too."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

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
    # Deeper than MAX_DEPTH but far from the decoder's recursion limit: the guard's walk refuses.
    "65 levels": (
        b'{"request": {}, "x": ' + b"[" * 64 + b"]" * 64 + b"}",
        "request body is nested too deeply",
    ),
    "lone high surrogate": (b'{"request": {"locale": "\\ud800"}}', "request body has an invalid string"),
    "lone low surrogate key": (b'{"request": {"\\uDC00": 1}}', "request body has an invalid string"),
    "reversed pair": (b'{"request": {}, "x": "\\udc00\\ud800"}', "request body has an invalid string"),
}


@pytest.mark.parametrize("name", list(BODY_CASES))
def test_strict_json(name) -> None:
    body, reason = BODY_CASES[name]
    with pytest.raises(BodyError) as caught:
        parse_envelope(body)
    assert str(caught.value) == reason


def test_strict_json_keeps_a_surrogate_pair_and_64_levels() -> None:
    # An escaped emoji is a valid pair; exactly MAX_DEPTH levels is allowed (guard.MAX_DEPTH).
    data = parse_envelope(b'{"request": {"x": "\\ud83d\\ude00"}, "y": ' + b"[" * 62 + b"]" * 62 + b"}")
    assert data["request"]["x"] == "\U0001f600"


# Mostly ordinary text, sometimes a run around the surrogate block (paired or lone).
_TEXT = st.text(max_size=4) | st.text(
    st.characters(min_codepoint=0xD7FE, max_codepoint=0xE001, exclude_categories=()), max_size=3
)
_JSON_TEXT = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=90,
)


@settings(max_examples=300, deadline=None)
@example(value=[0], extra_depth=0, raw=False)  # accepted without a walk
@example(value=[0], extra_depth=63, raw=False)  # 65 levels: refused by the walk
@example(value="\ud800", extra_depth=0, raw=False)  # a lone escaped surrogate
@example(value={"\udfff": "\ud83d\ude00"}, extra_depth=0, raw=False)  # a pair is fine, the key is not
@given(value=_JSON_TEXT, extra_depth=st.integers(0, 70), raw=st.booleans())
def test_strict_json_refuses_exactly_what_the_full_walk_refuses(value, extra_depth, raw) -> None:
    # parse_envelope skips the guard's walk when the text cannot fail it; whatever the text,
    # its verdict must be the walk's. Lone surrogates come from st.text (escaped by json.dumps
    # when ensure_ascii, written raw otherwise: raw ones are not UTF-8 and refused earlier).
    for _ in range(extra_depth):
        value = [value]
    text = json.dumps({"request": {}, "x": value}, ensure_ascii=not raw)
    try:
        body = text.encode("utf-8")
    except UnicodeEncodeError:
        return  # not a body anyone can send: UTF-8 has no surrogates
    expected = guard.shape_problem(json.loads(text))
    try:
        parse_envelope(body)
    except BodyError as refused:
        assert str(refused) == expected
    else:
        assert expected is None


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
