"""The request body's JSON, decoded once and strictly.

Strict means: UTF-8 only (a byte-order mark is refused, as is UTF-16), no NaN or Infinity,
no number beyond guard.MAX_NUMBER or longer than a float can mean, no duplicate keys (whose
meaning differs between parsers), no nesting beyond guard.MAX_DEPTH and no lone surrogate.
What parse_envelope returns has passed guard.shape_problem, so the edge asks the guard only
about the envelope's meaning (guard.refusal(..., shape_checked=True)).
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from skill.alexa.guard import MAX_DEPTH, MAX_NUMBER, number_in_range, shape_problem

# A float has 17 significant digits; 32 characters leave room for sign, point and exponent.
MAX_NUMBER_CHARS = 32
MAX_INT_DIGITS = len(str(MAX_NUMBER))


class BodyError(ValueError):
    """The body is not an acceptable JSON envelope; str(error) is the short reason."""


_OUT_OF_RANGE = "request body has a number out of range"


def _constant(name: str) -> NoReturn:
    raise BodyError(_OUT_OF_RANGE)  # NaN, Infinity, -Infinity: not JSON


def _int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS + 1:  # checked before int(): no work on a 400-digit string
        raise BodyError(_OUT_OF_RANGE)
    value = int(text)
    if not number_in_range(value):
        raise BodyError(_OUT_OF_RANGE)
    return value


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise BodyError(_OUT_OF_RANGE)
    value = float(text)
    if not number_in_range(value):  # 1e400 is inf; 1e300 is finite but out of range
        raise BodyError(_OUT_OF_RANGE)
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise BodyError("request body has a duplicate key")
    return result


# A lone surrogate can only come from a \uD800-\uDFFF escape (strict UTF-8 decoding refuses
# encoded ones), and a container nested k deep needs k opening brackets in the text. So a
# body with neither a surrogate escape nor more than MAX_DEPTH brackets cannot fail the
# guard's walk, and about 150 values go unvisited on every real request. Brackets inside
# strings and escaped backslashes only make the walk happen when it was not needed.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


def _may_fail_shape(body: bytes) -> bool:
    return body.count(b"{") + body.count(b"[") > MAX_DEPTH or _SURROGATE_ESCAPE.search(body) is not None


def parse_envelope(body: bytes) -> dict[str, Any]:
    """The envelope as a dict with a `request` object, its shape checked; or BodyError."""
    try:
        data = json.loads(
            body.decode("utf-8"),  # strict: a BOM stays and json refuses it
            parse_constant=_constant,
            parse_int=_int,
            parse_float=_float,
            object_pairs_hook=_object,
        )
    except BodyError:
        raise
    except RecursionError as error:
        raise BodyError("request body is nested too deeply") from error
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BodyError("request body is not valid JSON") from error
    if not isinstance(data, dict) or not isinstance(data.get("request"), dict):
        raise BodyError("request body has no request object")
    problem = shape_problem(data) if _may_fail_shape(body) else None
    if problem:
        raise BodyError(problem)
    return data
